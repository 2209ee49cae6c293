"""Syntax errors: `file:line:col: message`, the source line and a caret under the culprit."""
from __future__ import annotations

from . import words

# Friendly names for the grammar's terminals, used in "expected ..." messages.
TERMINAL_NAMES = {
    "_NL": "end of line", "$END": "end of file", "_LPAR": "'('", "_RPAR": "')'", "_SEMI": "';'",
    "_COLON": "':'", "_COMMA": "','", "_DOT": "'.'", "_LSQB": "'['", "_RSQB": "']'", "_LBRACE": "'{'",
    "_RBRACE": "'}'", "_QMARK": "'?'", "_ARROW": "'->'", "ASSIGN": "':='", "COMPOUND_OP": "'+=', '-=', '*=' or '/='",
    "BINOP": "an operator", "MINUS": "'-'", "PLUS": "'+'", "STAR": "'*'", "LOCAL": "a local variable",
    "NAME": "a name", "MEMBER": "a property name", "STRING": "a text literal", "NUMBER": "a number",
    "COMMAND": "a command", "CONSTANT": "a constant", "TYPE_NAME": "a type name", "CLASS_PATH": "a class",
    "LCHAR": "'[['", "RCHAR": "']]'",
    **{w.token: w.spelling for w in words.KEYWORDS},
}
# A statement line that opens a block and goes on after its keyword (`If (...)`, `While (...)`).
_HEAD_WORDS = tuple(sorted({words.words_of(t)[0] for t in words.HEAD_OPENERS}))


class FourDSyntaxError(Exception):
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


def _describe_token(tok) -> str:
    if tok.type == "$END":
        return "end of file"
    if tok.type == "_NL":
        return "end of line"
    return repr(str(tok))


def _expected(names) -> str:
    friendly = sorted({TERMINAL_NAMES.get(n, n.strip("_").lower()) for n in names})
    if len(friendly) > 6:
        return ""
    return " (expected " + ", ".join(friendly) + ")"


def from_unexpected(exc, filename: str, source: str) -> FourDSyntaxError:
    """Translate the parser's UnexpectedToken (lalr.py) into a precise FourDSyntaxError."""
    tok = exc.token
    line = tok.line if tok.type != "$END" else source.count("\n") or 1
    col = tok.column if tok.type != "$END" else 1
    expected = set(exc.expected or ())
    if "_NL" in expected and tok.type not in ("_NL", "$END"):
        msg = f"unexpected {_describe_token(tok)}: expected end of line"
        line_text = source.splitlines()[line - 1] if line - 1 < len(source.splitlines()) else ""
        head = line_text[: col - 1].strip().lower()
        if head.startswith(_HEAD_WORDS) and head.endswith(")"):
            msg += " (4D allows one statement per line: put it on the next line)"
        elif str(tok) == ")":
            msg = "unexpected ')': unbalanced parentheses"
    elif tok.type in ("_NL", "$END"):
        what = "end of line" if tok.type == "_NL" else "end of file"
        msg = f"unexpected {what}{_expected(expected)}"
        if tok.type == "$END":
            blocks = [n for n in expected if n in words.CLOSERS]
            if blocks:
                msg = f"unexpected end of file: missing {TERMINAL_NAMES.get(_missing_closer(source, blocks))}"
    else:
        msg = f"unexpected {_describe_token(tok)}{_expected(expected)}"
    return FourDSyntaxError(msg, line, col, filename, source)


def _missing_closer(source: str, closers: list[str]) -> str:
    """The closer of the innermost block left open (the parser's tables merge the states after a
    block's statements, so they expect every closer there)."""
    from .complete import open_blocks
    opened = open_blocks(source)
    if opened:
        for closer in closers:
            if opened[-1] in words.BY_TOKEN[closer].pairs:
                return closer
    return sorted(closers)[0]
