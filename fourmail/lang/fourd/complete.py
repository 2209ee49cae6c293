"""Is a piece of REPL input a whole 4D program yet? A parser service for the REPL.

`check_complete(text)` answers like IPython's: complete (run it), incomplete (read another line,
indented so many levels) or invalid (run it anyway: the syntax error is the answer). Incomplete
means an open `If`/`For each`/`Case of`/... block (the parser ran out of input), an open bracket or
text literal, an open /* comment, or a trailing `\\`.

In the REPL a line break inside brackets or a text literal continues the statement; 4D itself
only knows `\\` at the end of a line for that, so `prepare(text)` writes those `\\` in before
the text is parsed.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from . import words
from .scan import Piece, ScanState, lines_of, scan

COMPLETE, INCOMPLETE, INVALID = "complete", "incomplete", "invalid"

_SKIP = {"WS", "COMMENT", "BCOMMENT", "CONT", "JOIN_NL"}
# Pieces the next line continues: an open comment or foreign block (`Begin SQL` without its end), a `\\`.
_OPEN_PIECES = ("OPEN_COMMENT", "CONT") + tuple("OPEN_" + t for t in words.FOREIGN_BLOCKS)
# A line that starts with a middle or a closer (Else, End if, Until...) or a Case branch `:(`.
_DEDENT_LINE = re.compile(
    r"[ \t]*(?:(?:" + "|".join(words.spelling_pattern(t) for t in sorted(words.MIDDLES | words.CLOSERS))
    + r")\b|" + re.escape(words.CASE_BRANCH) + r"[ \t]*\()", re.I)


class Completeness(NamedTuple):
    status: str        # COMPLETE, INCOMPLETE or INVALID
    indent: int        # indentation levels of the next line (meaningful when INCOMPLETE)


def _significant(line: list[Piece]) -> list[Piece]:
    return [p for p in line if p.kind not in _SKIP]


def check_complete(text: str) -> Completeness:
    if not text.strip():
        return Completeness(COMPLETE, 0)
    src = text if text.endswith("\n") else text + "\n"
    st = ScanState()
    pieces = list(scan(src, join=True, state=st))
    _, next_level = _levels(pieces)
    tail = [p for p in pieces if p.kind not in ("WS", "NL", "JOIN_NL")]
    last = tail[-1] if tail else None
    if last is not None and (last.kind in _OPEN_PIECES or st.open_string or st.brackets):
        return Completeness(INCOMPLETE, next_level)
    from .. import lalr
    from ..errors import SourceSyntaxError
    from .build import AstBuilder
    from .grammar import get_tables
    from .lexer import Token, base_names, tokenize
    text = _prepare(src, pieces)
    try:
        lalr.parse(tokenize(text, base_names()), get_tables(), AstBuilder(), Token("$END", "", len(text), 1, 1))
    except lalr.UnexpectedToken as e:
        if e.token.type == "$END":
            return Completeness(INCOMPLETE, next_level)
        return Completeness(INVALID, 0)
    except SourceSyntaxError:
        return Completeness(INVALID, 0)
    except Exception:            # a parser bug must never lock the REPL: let the run report it
        return Completeness(INVALID, 0)
    return Completeness(COMPLETE, 0)


def prepare(text: str) -> str:
    """REPL input -> 4D source: a line break inside brackets or a text literal gets its `\\`."""
    return _prepare(text, list(scan(text, join=True)))


def _prepare(text: str, pieces: list[Piece]) -> str:
    if not any(p.kind == "JOIN_NL" for p in pieces):
        return text
    out = [text[p.start:p.end] for p in pieces]
    for i, p in enumerate(pieces):
        if p.kind == "JOIN_NL":
            k = i - 1
            while k >= 0 and pieces[k].kind == "WS":
                k -= 1
            if k >= 0 and pieces[k].kind == "COMMENT":
                out[k] = ""          # a // comment cannot end with `\`: drop it (lines stay the same)
            out[i] = "\\" + out[i]
    return "".join(out)


def indent_levels(text: str) -> tuple[int, int]:
    """(expected level of the last line of `text`, level of the line after it)."""
    pieces = list(scan(text if text.endswith("\n") else text + "\n", join=True))
    return _levels(pieces)


def is_dedent_line(line: str) -> bool:
    """Does the line start with Else, Catch, End …, Until or a Case branch `:(`?"""
    return bool(_DEDENT_LINE.match(line))


def open_blocks(text: str) -> list[str]:
    """The openers (IF, FOR_EACH...) of the blocks still open at the end of `text`, outermost first."""
    stack: list[list] = []
    _levels(list(scan(text if text.endswith("\n") else text + "\n")), stack)
    return [kind for kind, _ in stack]


def _levels(pieces: list[Piece], stack: list[list] | None = None) -> tuple[int, int]:
    stack = [] if stack is None else stack      # [block kind, a Case branch seen]

    def depth(frames) -> int:
        return sum(2 if (k == words.CASE_BRANCH_OPENER and branch) else 1 for k, branch in frames)

    lines = lines_of(pieces)
    if lines and not lines[-1]:
        lines.pop()                 # the empty line after the final line break
    level = 0
    last_continues = False
    for line in lines:
        sig = _significant(line)
        last_continues = bool(line) and line[-1].kind in ("JOIN_NL", "OPEN_STRING") + _OPEN_PIECES
        if not sig:
            level = depth(stack)
            continue
        first = sig[0].kind
        if first in words.OPENERS:
            level = depth(stack)
            stack.append([first, False])
        elif first in words.CLOSERS:
            # a closer that is also a clause elsewhere (Until) closes only its own block
            if stack and (not words.BY_TOKEN[first].clause or stack[-1][0] in words.BY_TOKEN[first].pairs):
                stack.pop()
            level = depth(stack)
        elif first in words.MIDDLES or (first == "_COLON" and stack and stack[-1][0] == words.CASE_BRANCH_OPENER):
            if stack and stack[-1][0] == words.CASE_BRANCH_OPENER:
                level = depth(stack[:-1]) + 1
                stack[-1][1] = True
            else:
                level = max(depth(stack) - 1, 0)
        else:
            level = depth(stack)
    next_level = level + 1 if last_continues else depth(stack)
    return level, next_level


__all__ = ["COMPLETE", "INCOMPLETE", "INVALID", "Completeness", "check_complete", "prepare", "indent_levels",
           "is_dedent_line", "open_blocks"]
