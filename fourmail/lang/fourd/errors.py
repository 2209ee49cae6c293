"""4D's syntax error messages: the parser's UnexpectedToken said with 4D's words (its terminals,
its block closers)."""
from __future__ import annotations

from ..errors import SourceSyntaxError
from .. import ast as A
from . import words

# Friendly names for the grammar's terminals, used in "expected ..." messages.
TERMINAL_NAMES = {
    "_NL": "end of line", "$END": "end of file", "_LPAR": "'('", "_RPAR": "')'", "_SEMI": "';'",
    "_COLON": "':'", "_COMMA": "','", "_DOT": "'.'", "_LSQB": "'['", "_RSQB": "']'", "_LBRACE": "'{'",
    "_RBRACE": "'}'", "_QMARK": "'?'", "_ARROW": "'->'", "ASSIGN": "':='", "COMPOUND_OP": "'+=', '-=', '*=' or '/='",
    "BINOP": "an operator", **{t: f"a {w[1]} block" for t, w in words.FOREIGN_BLOCKS.items()}, "SC_OP": "'&&' or '||'", "MINUS": "'-'", "PLUS": "'+'", "STAR": "'*'", "LOCAL": "a local variable",
    "NAME": "a name", "MEMBER": "a property name", "STRING": "a text literal", "NUMBER": "a number",
    "COMMAND": "a command", "CONSTANT": "a constant", "TYPE_NAME": "a type name", "CLASS_PATH": "a class",
    "LCHAR": "'[['", "RCHAR": "']]'",
    **{w.token: w.spelling for w in words.KEYWORDS},
}
# A statement line that opens a block and goes on after its keyword (`If (...)`, `While (...)`).
_HEAD_WORDS = tuple(sorted({words.words_of(t)[0] for t in words.HEAD_OPENERS}))


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


def from_unexpected(exc, filename: str, source: str) -> SourceSyntaxError:
    """Translate the parser's UnexpectedToken (lalr.py) into a precise SourceSyntaxError."""
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
    return SourceSyntaxError(msg, line, col, filename, source)


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


def reject_class_declarations(body: list, filename: str, source: str) -> None:
    """A class declaration anywhere in `body` (a method, or a member's code) is a syntax error."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, (A.ClassConstructor, A.FunctionDecl, A.PropertyDecl, A.ClassExtends)):
            declarations = ", ".join(words.spelled(t) for t in ("CLASS_CONSTRUCTOR", "FUNCTION", "PROPERTY",
                                                                    "CLASS_EXTENDS"))
            e = SourceSyntaxError(f"class declarations ({declarations}) belong at the top level of a class file: "
                                  "Classes/NAME.4dm", node.line, node.col)
            e.filename, e.source = filename, source
            raise e
        for inner in reversed(list(node.bodies())):
            stack.extend(reversed(inner))
