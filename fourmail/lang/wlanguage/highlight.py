"""A pygments lexer for WLanguage, registered as a pygments plugin (`pygmentize -l wlanguage f.wl`).

It keeps no regexes of its own: it runs the parser's tokenizer in its tolerant mode (scan.py), so
the keywords are the table of words' (words.py, English and French) and a name is shown as what
the language's namespace makes of it (a function, a constant, a type). Every character gets a
token; half-typed code (the REPL highlights as you type) gives String for an open literal, never
Error. Only a character WLanguage does not have at all (e.g. `@`) is an Error token.
"""
from __future__ import annotations

from pygments.lexer import Lexer
from pygments.token import (Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Text,
                            Whitespace)

from . import words

__all__ = ["WLanguageLexer"]

# How each kind of keyword (words.py) is shown.
KEYWORD_TOKENS = {words.STATEMENT: Keyword, words.DECLARATION: Keyword.Declaration,
                  words.VALUE: Keyword.Constant, words.OPERATOR: Operator.Word}

_TOKENS = {
    **{w.token: KEYWORD_TOKENS[w.kind] for w in words.KEYWORDS},
    "TYPE_WORD": Keyword.Type, "NAME": Name.Variable, "MEMBER": Name.Attribute,
    "STRING": String.Double, "TEXT_BLOCK": String.Double, "OPEN_STRING": String.Double, "NUMBER": Number,
    "COMMENT": Comment.Single, "DIRECTIVE": Comment.Preproc, "PLACEHOLDER": Comment.Special,
    "WS": Whitespace, "NL": Whitespace, "JOIN_NL": Whitespace, "CONT": Punctuation,
    "ASSIGN": Operator, "EQ": Operator, "CMP": Operator, "COMPOUND_OP": Operator, "INCR": Operator,
    "DECR": Operator, "PLUS": Operator, "MINUS": Operator, "STAR": Operator, "SLASH": Operator,
    "PERCENT": Operator, "CARET": Operator, "_QMARK": Operator, "LCHAR": Punctuation, "RCHAR": Punctuation,
    "ERROR": Error,
}


def _token_type(kind: str):
    t = _TOKENS.get(kind)
    if t is not None:
        return t
    return Punctuation if kind.startswith("_") else Text


def _namespace():
    from ...commands.registry import namespace
    return namespace("wlanguage")


class WLanguageLexer(Lexer):
    """WLanguage (PC SOFT's WINDEV, WEBDEV and WINDEV Mobile), in English or French."""

    name = "WLanguage"
    aliases = ["wlanguage", "wl", "wlangage"]
    filenames = ["*.wl"]
    mimetypes = ["text/x-wlanguage"]
    url = "https://doc.windev.com/"
    names = None          # the namespace names are looked up in (None: the language's)

    def get_tokens_unprocessed(self, text):
        from .scan import scan
        names = self.names if self.names is not None else _namespace()
        pieces = list(scan(text))
        for i, p in enumerate(pieces):
            value = text[p.start:p.end]
            kind = p.kind
            if kind == "NAME":
                yield p.start, _name_token(names, value, _next_significant(pieces, i, text) == "("), value
            elif kind == "MEMBER" and _next_significant(pieces, i, text) == "(":
                yield p.start, Name.Function, value
            elif kind == "STRING" and '""' in value[1:-1]:
                yield from _string_parts(value, p.start)
            else:
                yield p.start, _token_type(kind), value


def _name_token(names, word: str, called: bool):
    if called and names.lookup_command(word) is not None:
        return Name.Builtin
    const = names.lookup_constant(word)
    if const is not None:
        return Keyword.Constant if isinstance(const.value, bool) else Name.Constant
    if names.lookup_command(word) is not None:
        return Name.Builtin
    return Name.Function if called else Name.Variable


def _next_significant(pieces, i, text) -> str:
    for j in range(i + 1, len(pieces)):
        p = pieces[j]
        if p.kind != "WS":
            return text[p.start:p.end]
    return ""


def _string_parts(value: str, start: int):
    """A text literal, its doubled quotes `""` as escapes."""
    pos = 1
    yield start, String.Double, value[0]
    while pos < len(value) - 1:
        at = value.find('""', pos, len(value) - 1)
        if at < 0:
            break
        if at > pos:
            yield start + pos, String.Double, value[pos:at]
        yield start + at, String.Escape, '""'
        pos = at + 2
    yield start + pos, String.Double, value[pos:]
