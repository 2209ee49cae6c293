"""A pygments lexer for 4D, registered as a pygments plugin (`pygmentize -l 4d file.4dm`).

It does not keep regexes of its own: it runs the parser's tokenizer in its tolerant mode
(scan.py), with its rules and the one command registry, so a command or
constant added to `fourmail/commands/table.py` is highlighted as soon as it exists. Every
character gets a token, comments and blanks included; half-typed code (the REPL highlights as
you type) gives String for an open literal and Comment for an open comment, never Error. Only
a character 4D does not have at all (e.g. a backquote) is an Error token.
"""
from __future__ import annotations

import re

from pygments.lexer import Lexer
from pygments.token import (Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Text,
                            Whitespace)

from . import words

__all__ = ["FourDLexer"]

# How each kind of keyword (words.py) is shown.
KEYWORD_TOKENS = {words.STATEMENT: Keyword, words.DECLARATION: Keyword.Declaration, words.VALUE: Name.Builtin.Pseudo}

_TOKENS = {
    **{w.token: KEYWORD_TOKENS[w.kind] for w in words.KEYWORDS},
    "TYPE_NAME": Keyword.Type, "CLASS_PATH": Name.Class, "CLASS_STORE": Name.Namespace,
    "COMMAND": Name.Builtin, "CONSTANT": Name.Constant, "FIELD": Name.Variable, "TABLE": Name.Variable,
    "PARAM": Name.Variable,
    "LOCAL": Name.Variable, "NAME": Name.Variable.Global, "MEMBER": Name.Attribute,
    "STRING": String.Double, "OPEN_STRING": String.Double,
    "NUMBER": Number, "HEX_NUMBER": Number.Hex, "DATE": String.Other, "TIME": String.Other,
    "SQL_BLOCK": String.Other, "OPEN_SQL_BLOCK": String.Other, "COMMENT": Comment.Single, "BCOMMENT": Comment.Multiline, "OPEN_COMMENT": Comment.Multiline,
    "WS": Whitespace, "NL": Whitespace, "JOIN_NL": Whitespace, "CONT": Punctuation,
    "ASSIGN": Operator, "COMPOUND_OP": Operator, "BINOP": Operator, "SC_OP": Operator, "MINUS": Operator, "PLUS": Operator,
    "STAR": Operator, "_ARROW": Operator, "_QMARK": Operator,
    "LCHAR": Punctuation, "RCHAR": Punctuation,
    "ERROR": Error,
}
_ESCAPE = re.compile(r'\\(?:\r?\n[ \t]*|.)')


def _token_type(kind: str):
    t = _TOKENS.get(kind)
    if t is not None:
        return t
    return Punctuation if kind.startswith("_") else Text


class FourDLexer(Lexer):
    """The 4D language (4D's method editor code, `.4dm` files)."""

    name = "4D"
    aliases = ["4d", "4dm"]
    filenames = ["*.4dm"]
    mimetypes = ["text/x-4d"]
    url = "https://developer.4d.com/docs/"

    def get_tokens_unprocessed(self, text):
        from .scan import scan
        pieces = list(scan(text))
        for i, p in enumerate(pieces):
            value = text[p.start:p.end]
            kind = p.kind
            if kind in ("STRING", "OPEN_STRING"):
                yield from _string_parts(value, p.start)
                continue
            if kind == "CONT":                             # `\` + line break
                yield p.start, Punctuation, value[0]
                if len(value) > 1:
                    yield p.start + 1, Whitespace, value[1:]
                continue
            if kind == "COMMAND" and value.casefold() in ("true", "false", "null"):
                yield p.start, Keyword.Constant, value
                continue
            if kind == "MEMBER" and _next_significant(pieces, i, text) == "(":
                yield p.start, Name.Function, value
                continue
            if kind == "NAME" and _next_significant(pieces, i, text) == "(":
                yield p.start, Name.Function, value       # a project method call
                continue
            yield p.start, _token_type(kind), value


def _next_significant(pieces, i, text) -> str:
    for j in range(i + 1, len(pieces)):
        p = pieces[j]
        if p.kind != "WS":
            return text[p.start:p.end]
    return ""


def _string_parts(value: str, start: int):
    pos = 0
    for m in _ESCAPE.finditer(value):
        if m.start() > pos:
            yield start + pos, String.Double, value[pos:m.start()]
        yield start + m.start(), String.Escape, m.group()
        pos = m.end()
    if pos < len(value):
        yield start + pos, String.Double, value[pos:]
