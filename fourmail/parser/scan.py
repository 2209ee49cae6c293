"""A tolerant scan of 4D source: every character belongs to exactly one piece, nothing raises.

The parser's tokenizer (lexer.py) drops blanks and comments and stops at the first lexical
error; the REPL (is the input complete? what is the indentation?) and the pygments lexer need
the opposite: a piece for everything, even half-typed code. This module applies the same rules
(`lexer._SCAN`, the punctuation table, the longest-match name table built from the command
registry, the `.member` / `{key:` / `var $x : Type` contexts) and adds kinds of its own:

    WS          blanks                     NL          a line break
    COMMENT     // to the end of the line  BCOMMENT    /* ... */ (nested)
    CONT        `\\` + line break          JOIN_NL     a line break inside an open bracket or
                                                       text literal (only with join=True)
    OPEN_STRING a text literal not closed  OPEN_COMMENT a /* comment not closed
    ERROR       a character 4D does not have

The other kinds are the parser's token types (COMMAND, CONSTANT, IF, LOCAL, STRING, ...).
"""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from .lexer import block_comment_end
from .lexer import (_CLASS_PATH_RE, _MEMBER_RE, _PUNCT_RE, _PUNCT_TYPE, _SCAN, DECLARING, NAMING, TYPE_NAMES,
                    base_names, names_go_on, resolve_word)
from . import lexer as _lexer


class Piece(NamedTuple):
    kind: str
    start: int
    end: int


_OPEN_STRING = re.compile(r'"(?:[^"\\\r\n]|\\(?:\r?\n[ \t]*|.)|\\$)*(?P<close>)')
# With join=True a bare line break inside a text literal continues it (the REPL's rule).
_JOIN_STRING = re.compile(r'"(?:[^"\\\r\n]|\\(?:\r?\n[ \t]*|.)|\\$|\r?\n)*(?P<close>"?)')
_OPENERS = {"_LPAR", "_LSQB", "_LBRACE", "LCHAR"}
_CLOSERS = {"_RPAR", "_RSQB", "_RBRACE", "RCHAR"}
_BLANKS = re.compile(r"[ \t]*")
_WORD_RE = re.compile(r"[^\W\d][\w]*")
_KEY_COLON = re.compile(r"[ \t]*:(?!=)")
_NEWLINE = re.compile(r"\r?\n")


class ScanState:
    """What is still open where the scan stopped."""

    def __init__(self):
        self.brackets: list[str] = []
        self.open_string = False     # the text ends inside a text literal


def scan(text: str, join: bool = False, state: ScanState | None = None) -> Iterator[Piece]:
    """Pieces of `text`, in order, covering it whole. With `join`, a line break inside an open
    bracket or text literal is a JOIN_NL (the statement goes on) instead of an NL."""
    names = base_names()
    extra = _lexer.extra_names
    st = state or ScanState()
    pos, n = 0, len(text)
    prev = None
    brackets = st.brackets
    in_declaration = False
    naming = False            # after `Function` / `property` (and its `;`): a word is a member name
    while pos < n:
        m = _SCAN.match(text, pos)
        if m is None:
            p = _PUNCT_RE.match(text, pos)
            if p is None:
                yield Piece("ERROR", pos, pos + 1)
                pos += 1
                continue
            s = p.group()
            ttype = _PUNCT_TYPE[s]
            if s == "[" and text.startswith("[[", pos) and prev in _EXPR_END:
                s, ttype = "[[", "LCHAR"
            elif s == "]" and text.startswith("]]", pos) and brackets and brackets[-1] == "[[":
                s, ttype = "]]", "RCHAR"
            if ttype in _OPENERS:
                brackets.append(s)
            elif ttype in _CLOSERS and brackets:
                brackets.pop()
            if ttype == "ASSIGN":
                in_declaration = False
            naming = naming and names_go_on(ttype, prev)
            yield Piece(ttype, pos, pos + len(s))
            pos += len(s)
            prev = ttype
            if ttype == "_COLON" and in_declaration:
                blank_end = _BLANKS.match(text, pos).end()
                if blank_end > pos:
                    yield Piece("WS", pos, blank_end)
                    pos = blank_end
                cm = _CLASS_PATH_RE.match(text, pos)
                wm = _WORD_RE.match(text, pos)
                if cm:
                    yield Piece("CLASS_PATH", pos, cm.end())
                    pos, prev = cm.end(), "CLASS_PATH"
                elif wm:
                    kind = "TYPE_NAME" if wm.group().casefold() in TYPE_NAMES else "NAME"
                    yield Piece(kind, pos, wm.end())
                    pos, prev = wm.end(), kind
            continue
        kind = m.lastgroup
        end = m.end()
        if kind == "ws":
            yield Piece("WS", pos, end)
            pos = end
            continue
        if kind == "cont":     # `\`, blanks and the line break: the statement goes on
            nl = _NEWLINE.match(text, end)
            end = nl.end() if nl else end
            yield Piece("CONT", pos, end)
            pos = end
            continue
        if kind == "nl":
            if join and brackets:
                yield Piece("JOIN_NL", pos, end)
            else:
                yield Piece("NL", pos, end)
                prev = "_NL"
                in_declaration = naming = False
                brackets.clear()
            pos = end
            continue
        if kind == "lcomment":
            yield Piece("COMMENT", pos, end)
            pos = end
            continue
        if kind == "bcomment":
            end = _block_comment_end(text, pos)
            if end is None:
                yield Piece("OPEN_COMMENT", pos, n)
                pos = n
                break
            yield Piece("BCOMMENT", pos, end)
            pos = end
            continue
        if kind == "badstring":
            sm = (_JOIN_STRING if join else _OPEN_STRING).match(text, pos)
            closed = bool(sm.group("close"))
            if join and "\n" in sm.group():
                # a line break inside the literal: JOIN_NL pieces, where the REPL inserts `\`
                yield from _split_joined_string(text, pos, sm.end(), closed)
            else:
                yield Piece("STRING" if closed else "OPEN_STRING", pos, sm.end())
            st.open_string = not closed and sm.end() >= n
            pos, prev = sm.end(), "STRING"
            continue
        if prev == "_DOT" and kind in ("word", "store", "local"):
            ttype, end = "MEMBER", _MEMBER_RE.match(text, pos).end()
        elif naming and kind in ("word", "store"):
            ttype = "MEMBER"
        elif prev == "CLASS_EXTENDS" and kind == "word":
            ttype = "NAME"
        elif kind == "word" or kind == "store":
            if kind == "store":
                ttype = "CLASS_STORE"
            elif brackets and brackets[-1] == "{" and prev in ("_LBRACE", "_SEMI") and \
                    _KEY_COLON.match(text, end):
                ttype = "MEMBER"
            else:
                ttype, end = resolve_word(text, pos, m.group(), names, extra)
            in_declaration = in_declaration or ttype in DECLARING
            naming = ttype in NAMING
        elif kind == "local":
            ttype = "LOCAL"
        elif kind == "ipvar":
            ttype = "NAME"
        elif kind == "declare":
            ttype = "DECLARE"
            in_declaration = True
        elif kind == "hex":
            ttype = "HEX_NUMBER"
        else:
            ttype = kind.upper()
        yield Piece(ttype, pos, end)
        pos, prev = end, ttype


_EXPR_END = {"LOCAL", "NAME", "MEMBER", "_RPAR", "_RSQB", "RCHAR", "COMMAND", "CONSTANT", "STRING"}


def _escaped_quote(s: str) -> bool:
    """Does the literal end with `\\"` (an escaped quote, so not closed)?"""
    i, backslashes = len(s) - 2, 0
    while i >= 0 and s[i] == "\\":
        backslashes += 1
        i -= 1
    return backslashes % 2 == 1


def _split_joined_string(text: str, start: int, end: int, closed: bool) -> Iterator[Piece]:
    """A text literal spread over lines in the REPL: STRING parts and JOIN_NL line breaks."""
    pos = start
    for m in re.finditer(r"(?<![\\\r])\r?\n", text[start:end]):
        a, b = start + m.start(), start + m.end()
        if a > pos:
            yield Piece("STRING", pos, a)
        yield Piece("JOIN_NL", a, b)
        pos = b
    if pos < end:
        yield Piece("STRING" if closed else "OPEN_STRING", pos, end)


def _block_comment_end(text: str, pos: int) -> int | None:
    return block_comment_end(text, pos)


def lines_of(pieces: list[Piece]) -> list[list[Piece]]:
    """Group pieces by logical line (a JOIN_NL or CONT keeps the line going)."""
    out: list[list[Piece]] = [[]]
    for p in pieces:
        if p.kind == "NL":
            out.append([])
        else:
            out[-1].append(p)
    return out


__all__ = ["Piece", "ScanState", "scan", "lines_of"]
