"""Syntax errors of any source language: `file:line:col: message`, the source line and a caret
under the culprit."""
from __future__ import annotations


class SourceSyntaxError(Exception):
    def __init__(self, message: str, line: int, col: int, filename: str = "<input>", source: str = ""):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col
        self.filename, self.source = filename, source

    def source_line(self) -> str:
        lines = self.source.splitlines()
        return lines[self.line - 1] if 0 < self.line <= len(lines) else ""

    def format(self) -> str:
        text, at = printable_line(self.source_line(), max(self.col - 1, 0))
        return f"{self.filename}:{self.line}:{self.col}: syntax error: {self.message}\n    {text}\n    {' ' * at}^"

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}:{self.col}: syntax error: {self.message}"


_SHOWN_WIDTH = 120      # a binary file's "line" can be megabytes long: show the part around the caret


def printable_line(line: str, col: int) -> tuple[str, int]:
    """The source line as it can go to a terminal, and the caret's column in it: a tab is one
    blank, any other character that does not print (control bytes of a binary file, an escape
    sequence, a bidi override) is written as its escape `\\x1b`, `\\u202e`."""
    parts = [" " if c == "\t" else c if c.isprintable() else repr(c)[1:-1] for c in line]
    at = sum(len(p) for p in parts[:col])
    text = "".join(parts)
    if len(text) > _SHOWN_WIDTH:
        start = max(0, min(at - _SHOWN_WIDTH // 2, len(text) - _SHOWN_WIDTH))
        head, tail = ("…" if start else ""), ("…" if start + _SHOWN_WIDTH < len(text) else "")
        text, at = head + text[start:start + _SHOWN_WIDTH] + tail, at - start + len(head)
    return text, at
