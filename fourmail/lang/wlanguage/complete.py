"""Is a piece of REPL input a whole WLanguage program yet? A parser service for the REPL.

`check_complete(text)` answers like IPython's: complete (run it), incomplete (read another line,
indented so many levels) or invalid (run it anyway: the syntax error is the answer). Incomplete
means an open IF/SWITCH/FOR/LOOP/WHEN EXCEPTION… block (the parser ran out of input), an open
bracket or a `...` ending the text. A PROCEDURE has no END: its code goes on until an empty line.

In the REPL a line break inside brackets continues the statement; WLanguage itself wants `...` at
the end of such a line, so `prepare(text)` writes those `...` in before the text is parsed.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from . import words as W
from .scan import Piece, ScanState, lines_of, scan

COMPLETE, INCOMPLETE, INVALID = "complete", "incomplete", "invalid"

_SKIP = {"WS", "COMMENT", "CONT", "JOIN_NL", "PLACEHOLDER"}
# A line that starts with a middle or a closer (ELSE, CASE, END, DO WHILE...).
_DEDENT_LINE = re.compile(
    r"[ \t]*(?:" + "|".join(W.spelling_pattern(t) for t in sorted((W.MIDDLES | W.CLOSERS) - W.DIRECTIVES))
    + r")(?!\w)|[ \t]*<[ \t]*(?:END|FIN)[ \t]*>", re.I)
_DIRECTIVE_IF = re.compile(r"[ \t]*<[ \t]*COMPILE", re.I)


class Completeness(NamedTuple):
    status: str        # COMPLETE, INCOMPLETE or INVALID
    indent: int        # indentation levels of the next line (meaningful when INCOMPLETE)


def check_complete(text: str) -> Completeness:
    if not text.strip():
        return Completeness(COMPLETE, 0)
    src = text if text.endswith("\n") else text + "\n"
    st = ScanState()
    pieces = list(scan(src, join=True, state=st))
    _, next_level = _levels(src, pieces)
    if st.open_lines:
        return Completeness(INCOMPLETE, next_level)     # a text over lines: its closing `"` may come
    if st.open_string:
        return Completeness(INVALID, 0)          # a WLanguage text literal ends on its line
    if st.brackets or st.continued or (pieces and pieces[-1].kind == "JOIN_NL"):
        return Completeness(INCOMPLETE, next_level)
    if any(p.kind == "PROCEDURE" for p in pieces) and text.rsplit("\n", 1)[-1].strip():
        return Completeness(INCOMPLETE, next_level)     # a procedure's code ends at an empty line
    from .. import lalr
    from ..errors import SourceSyntaxError
    from .build import AstBuilder
    from .grammar import get_tables
    from .lexer import Token, tokenize
    source = _prepare(src, pieces)
    try:
        lalr.parse(tokenize(source), get_tables(), AstBuilder(strict=False), Token("$END", "", len(source), 1, 1))
    except lalr.UnexpectedToken as e:
        if e.token.type == "$END":
            return Completeness(INCOMPLETE, next_level)
        return Completeness(INVALID, 0)
    except SourceSyntaxError as e:
        if "expected for the" in e.message and e.line:      # an open <COMPILE IF>
            return Completeness(INCOMPLETE, next_level)
        return Completeness(INVALID, 0)
    except Exception:            # a parser bug must never lock the REPL: let the run report it
        return Completeness(INVALID, 0)
    return Completeness(COMPLETE, 0)


def prepare(text: str) -> str:
    """REPL input -> WLanguage source: a line break inside brackets gets its `...`."""
    return _prepare(text, list(scan(text, join=True)))


def _prepare(text: str, pieces: list[Piece]) -> str:
    if not any(p.kind == "JOIN_NL" for p in pieces):
        return text
    out = [text[p.start:p.end] for p in pieces]
    for i, p in enumerate(pieces):
        if p.kind != "JOIN_NL":
            continue
        k = i - 1
        while k >= 0 and pieces[k].kind in ("WS", "COMMENT"):
            k -= 1
        if k >= 0 and pieces[k].kind != "CONT":
            out[k] += " ..."
    return "".join(out)


def indent_levels(text: str) -> tuple[int, int]:
    """(expected level of the last line of `text`, level of the line after it)."""
    src = text if text.endswith("\n") else text + "\n"
    return _levels(src, list(scan(src, join=True)))


def is_dedent_line(line: str) -> bool:
    """Does the line start with ELSE, CASE, OTHER CASE, DO, END, DO WHILE or <END>?"""
    return bool(_DEDENT_LINE.match(line))


def open_blocks(text: str) -> list[tuple[str, str, int, int]]:
    """The blocks still open at the end of `text`, outermost first: (opener token, the opener as
    written, its line, its column)."""
    stack: list[list] = []
    src = text if text.endswith("\n") else text + "\n"
    _levels(src, list(scan(src)), stack)
    return [(kind, written, line, col) for kind, _, written, line, col in stack if kind != "PROCEDURE"]


def _opens(text: str, sig: list[Piece]) -> str | None:
    """The block the line opens, if it does: an IF with a statement after its THEN does not."""
    first = sig[0]
    if first.kind == "DIRECTIVE":
        return "COMPILE_IF" if _DIRECTIVE_IF.match(text, first.start) else None
    if first.kind not in W.OPENERS:
        return None
    if first.kind == "IF":
        kinds = [p.kind for p in sig]
        if "THEN" in kinds and kinds.index("THEN") < len(kinds) - 1:
            return None
    return first.kind


def _levels(text: str, pieces: list[Piece], stack: list[list] | None = None) -> tuple[int, int]:
    stack = [] if stack is None else stack      # [block kind, a CASE seen, as written, line, column]

    def depth(frames) -> int:
        return sum(2 if (k == "SWITCH" and branch) else 1 for k, branch, *_ in frames)

    lines = lines_of(pieces)
    if lines and not lines[-1]:
        lines.pop()                 # the empty line after the final line break
    level = 0
    last_continues = False
    for line in lines:
        sig = [p for p in line if p.kind not in _SKIP]
        last_continues = bool(line) and line[-1].kind in ("JOIN_NL", "CONT")
        if not sig:
            level = depth(stack)
            continue
        first = sig[0]
        if first.kind == "PROCEDURE":               # a procedure: its code is one level in, no END
            stack.clear()
            level = 0
            stack.append(["PROCEDURE", False, "", 0, 0])
            continue
        opened = _opens(text, sig)
        closes = first.kind in W.CLOSERS or (first.kind == "DIRECTIVE" and not opened)
        if opened:
            level = depth(stack)
            line_no = text.count("\n", 0, first.start) + 1
            col = first.start - (text.rfind("\n", 0, first.start) + 1) + 1
            written = text[first.start:first.end]
            if first.kind == "DIRECTIVE":
                written = W.spelled("COMPILE_IF")
            stack.append([opened, False, written, line_no, col])
        elif closes:
            if stack and stack[-1][0] != "PROCEDURE":
                stack.pop()
            level = depth(stack)
        elif first.kind in ("CASE", "OTHER_CASE") and stack and stack[-1][0] == "SWITCH":
            level = depth(stack[:-1]) + 1
            stack[-1][1] = True
        elif first.kind in W.MIDDLES:
            level = max(depth(stack) - 1, 0)
        else:
            level = depth(stack)
    next_level = level + 1 if last_continues else depth(stack)
    return level, next_level


__all__ = ["COMPLETE", "INCOMPLETE", "INVALID", "Completeness", "check_complete", "prepare", "indent_levels",
           "is_dedent_line", "open_blocks"]
