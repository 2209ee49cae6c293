"""What every language's tokenizer and tolerant scan produce: `Token` (the LALR driver's input,
lark's Token interface) and `Piece` (the REPL's and the highlighter's view of a text), with
`lines_of`, the pieces grouped by logical line."""
from __future__ import annotations

from typing import NamedTuple


class Token(str):
    """A token: its text, with its type and where it starts and ends (lark's Token interface)."""

    __slots__ = ("type", "start_pos", "line", "column", "end_line", "end_column", "end_pos")

    def __new__(cls, type_: str, value: str, start_pos: int = 0, line: int = 0, column: int = 0,
                end_line: int = 0, end_column: int = 0, end_pos: int = 0):
        self = super().__new__(cls, value)
        self.type, self.start_pos, self.line, self.column = type_, start_pos, line, column
        self.end_line, self.end_column, self.end_pos = end_line, end_column, end_pos
        return self

    @property
    def value(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"


class Piece(NamedTuple):
    kind: str
    start: int
    end: int


def lines_of(pieces: list[Piece]) -> list[list[Piece]]:
    """Group pieces by logical line (a JOIN_NL or CONT keeps the line going)."""
    out: list[list[Piece]] = [[]]
    for p in pieces:
        if p.kind == "NL":
            out.append([])
        else:
            out[-1].append(p)
    return out
