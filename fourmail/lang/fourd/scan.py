"""The tolerant scan of 4D source, as the REPL and the pygments lexer use it: pieces (kind, start,
end) that cover the text whole, from the one tokenizer (lexer.tokenize, tolerant mode). Nothing
raises. The kinds are the tokenizer's types (COMMAND, CONSTANT, IF, LOCAL, STRING, WS, COMMENT,
CONT, JOIN_NL, OPEN_STRING, ERROR...; lexer.tokenize lists the tolerant ones), a line break is NL.
"""
from __future__ import annotations

from typing import Iterator

from ..tokens import Piece, lines_of
from .lexer import ScanState, base_names, tokenize


def scan(text: str, join: bool = False, state: ScanState | None = None) -> Iterator[Piece]:
    """Pieces of `text`, in order, covering it whole. With `join`, a line break inside an open
    bracket or text literal is a JOIN_NL (the statement goes on) instead of an NL."""
    for t in tokenize(text, base_names(), tolerant=True, join=join, state=state):
        yield Piece("NL" if t.type == "_NL" else t.type, t.start_pos, t.end_pos)


__all__ = ["Piece", "ScanState", "scan", "lines_of"]
