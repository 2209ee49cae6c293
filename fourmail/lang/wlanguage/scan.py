"""The tolerant scan of WLanguage source, as the REPL and the pygments lexer use it: pieces (kind,
start, end) that cover the text whole, from the one tokenizer (lexer.tokenize, tolerant mode).
Nothing raises. The kinds are the tokenizer's types (IF, NAME, MEMBER, TYPE_WORD, STRING, WS,
COMMENT, CONT, PLACEHOLDER, DIRECTIVE, OPEN_STRING, ERROR...); a line break is NL.
"""
from __future__ import annotations

from typing import Iterator

from ..tokens import Piece, lines_of
from .lexer import ScanState, tokenize


def scan(text: str, join: bool = False, state: ScanState | None = None) -> Iterator[Piece]:
    """Pieces of `text`, in order, covering it whole. With `join`, a line break inside an open
    bracket is a JOIN_NL (the statement goes on) instead of an NL."""
    for t in tokenize(text, tolerant=True, join=join, state=state):
        yield Piece("NL" if t.type == "_NL" and str(t) != ";" else t.type, t.start_pos, t.end_pos)


__all__ = ["Piece", "ScanState", "scan", "lines_of"]
