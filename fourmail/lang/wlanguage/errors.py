"""WLanguage's syntax error messages: the parser's UnexpectedToken said with WLanguage's words
(its terminals, "END expected for the IF of line 3")."""
from __future__ import annotations

from ..errors import SourceSyntaxError
from . import words as W

# Friendly names for the grammar's terminals, used in "expected ..." messages.
TERMINAL_NAMES = {
    "_NL": "end of line", "$END": "end of file", "_LPAR": "'('", "_RPAR": "')'", "_COMMA": "','", "_DOT": "'.'",
    "_LSQB": "'['", "_RSQB": "']'", "_COLON": "':'", "_QMARK": "'?'", "ASSIGN": "'='", "EQ": "'='",
    "CMP": "a comparison", "COMPOUND_OP": "'+=' or '-='", "INCR": "'++'", "DECR": "'--'", "PLUS": "'+'",
    "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "PERCENT": "'%'", "CARET": "'^'", "LCHAR": "'[['",
    "RCHAR": "']]'", "NAME": "a name", "MEMBER": "a property name", "STRING": "a text literal",
    "NUMBER": "a number", "TYPE_WORD": "a type",
    **{w.token: w.spelling for w in W.KEYWORDS},
}


def _describe_token(tok) -> str:
    if tok.type == "$END":
        return "end of file"
    if tok.type == "_NL":
        return "end of line" if str(tok) != ";" else "';'"
    return repr(str(tok))


def _expected(names) -> str:
    friendly = sorted({TERMINAL_NAMES.get(n, n.strip("_").lower()) for n in names})
    if not friendly or len(friendly) > 6:
        return ""
    return " (expected " + ", ".join(friendly) + ")"


def from_unexpected(exc, filename: str, source: str) -> SourceSyntaxError:
    """Translate the parser's UnexpectedToken (lalr.py) into a precise SourceSyntaxError."""
    tok = exc.token
    expected = set(exc.expected or ())
    if tok.type == "$END":
        line, col = len(source.splitlines()) or 1, 1
        msg = f"unexpected end of file{_expected(expected)}"
        missing = missing_closer(source, expected)
        if missing:
            msg, line, col = missing
        return SourceSyntaxError(msg, line, col, filename, source)
    line, col = tok.line, tok.column
    if tok.type == "PROCEDURE":
        msg = (f"unexpected {tok}: a procedure is declared at the top level of the file, after the code that "
               "calls it, not inside a block")
    elif tok.type in W.CLOSERS or tok.type in W.MIDDLES:
        msg = f"unexpected {_describe_token(tok)}: no block it belongs to is open{_expected(expected)}"
    elif "_NL" in expected and tok.type not in ("_NL",):
        msg = f"unexpected {_describe_token(tok)}: expected end of line"
        if str(tok) == ")":
            msg = "unexpected ')': unbalanced parentheses"
    else:
        msg = f"unexpected {_describe_token(tok)}{_expected(expected)}"
        lines = source.splitlines()
        before = lines[line - 1][:col - 1].rstrip() if tok.type == "_NL" and line <= len(lines) else ""
        if before.endswith(_UNFINISHED):
            msg += ": a statement that goes on over lines ends each line with ..."
    return SourceSyntaxError(msg, line, col, filename, source)


_UNFINISHED = ("+", "-", "*", "/", "^", "%", ",", "(", "[", "=", "<", ">")


def missing_closer(source: str, expected=()):
    """The innermost block left open at the end of `source`: (message, its line, its column) —
    "END expected for the IF of line 3", in the language the opener was written in; the middle
    word instead when the block needs it before its end (the DO of a WHEN EXCEPTION IN) — or None."""
    from .complete import open_blocks
    opened = open_blocks(source)
    if not opened:
        return None
    token, written, line, col = opened[-1]
    french = W.is_french(token, written)
    closer = next(w for w in W.KEYWORDS if w.role == W.CLOSER and token in w.pairs)
    if closer.token not in expected:
        closer = next((w for w in W.KEYWORDS if w.role == W.MIDDLE and token in w.pairs and w.token in expected),
                      closer)
    return (f"{W.spelled(closer.token, french)} expected for the {' '.join(written.upper().split())} "
            f"of line {line}", line, col)
