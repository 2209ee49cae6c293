"""lalr.py runs the tables lark computes: it must build exactly the AST lark itself builds,
and fail on exactly the same token, for the corpus and for fuzzed input."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from conftest import CORPUS
from fourmail.lang import lalr
from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.fourd.build import AstBuilder
from fourmail.lang.fourd.grammar import get_tables, lark_parser
from fourmail.lang.fourd.lexer import Token, base_names, tokenize
from test_robustness import PIECES

_lark = lark_parser(transformer=AstBuilder())


def dump(node):
    """A comparable form of an AST (nodes have no __eq__)."""
    if isinstance(node, list):
        return [dump(x) for x in node]
    if isinstance(node, tuple):
        return tuple(dump(x) for x in node)
    if hasattr(node, "_fields"):
        return (type(node).__name__, node.line, node.col, tuple(dump(getattr(node, f)) for f in node._fields))
    return (type(node).__name__, repr(node))


def ours(text):
    try:
        end = Token("$END", "", len(text), 1, 1)
        return "ok", dump(lalr.parse(tokenize(text, base_names()), get_tables(), AstBuilder(), end))
    except lalr.UnexpectedToken as e:
        return "error", (e.token.type, e.token.line, e.token.column, sorted(e.expected))
    except SourceSyntaxError as e:
        return "syntax", (e.line, e.col, e.message)


def theirs(text):
    from lark.exceptions import UnexpectedToken, VisitError
    try:
        return "ok", dump(_lark.parse(text))
    except UnexpectedToken as e:
        tok = e.token
        line, col = (tok.line, tok.column) if tok.type != "$END" else (1, 1)
        return "error", (tok.type, line, col, sorted(e.expected))
    except VisitError as e:
        return "syntax", (e.orig_exc.line, e.orig_exc.col, e.orig_exc.message)
    except SourceSyntaxError as e:
        return "syntax", (e.line, e.col, e.message)


def test_corpus_same_ast_or_same_error():
    for path in sorted(CORPUS.glob("*.4dm")):
        text = path.read_text(encoding="utf-8")
        assert ours(text) == theirs(text), path.name


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_fuzz_same_ast_or_same_error(source):
    text = source + "\n"
    a, b = ours(text), theirs(text)
    if a[0] == "error" and b[0] == "error" and a[1][0] == "$END":
        assert a[1][0] == b[1][0] and a[1][3] == b[1][3]     # lark places $END elsewhere
    else:
        assert a == b
