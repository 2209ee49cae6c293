"""lalr.py runs the tables lark computes for WLanguage's grammar: it must build exactly the AST
lark itself builds, and fail on the same token, for the doc examples and the tests' programs."""
from __future__ import annotations

import pytest

from fourmail.lang import lalr
from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage.build import AstBuilder
from fourmail.lang.wlanguage.grammar import get_tables, lark_parser
from fourmail.lang.wlanguage.lexer import Token, tokenize
from test_wl_examples import EXAMPLES
from test_wl_parse import SAME_PROGRAMS, dump
from wl_names import namespace

NS = namespace()
_builder = AstBuilder(NS)
_lark = lark_parser(transformer=_builder)       # lark's parser, built once: its builder is reset each time


def _fresh_builder():
    _builder.__init__(NS)
    return _builder


def ours(text):
    builder = AstBuilder(NS)
    try:
        tree = lalr.parse(tokenize(text), get_tables(), builder, Token("$END", "", len(text), 1, 1))
        return "ok", dump(tree, positions=True), [str(t) for t in builder.unknowns]
    except lalr.UnexpectedToken as e:
        return "error", (e.token.type, e.token.line, e.token.column, sorted(e.expected)), None
    except SourceSyntaxError as e:
        return "syntax", (e.line, e.col, e.message), None


def theirs(text):
    from lark.exceptions import UnexpectedToken, VisitError
    builder = _fresh_builder()
    try:
        tree = _lark.parse(text)
        return "ok", dump(tree, positions=True), [str(t) for t in builder.unknowns]
    except UnexpectedToken as e:
        tok = e.token
        line, col = (tok.line, tok.column) if tok.type != "$END" else (1, 1)
        return "error", (tok.type, line, col, sorted(e.expected)), None
    except VisitError as e:
        return "syntax", (e.orig_exc.line, e.orig_exc.col, e.orig_exc.message), None
    except SourceSyntaxError as e:
        return "syntax", (e.line, e.col, e.message), None


TEXTS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.wl"))] + \
        [text + "\n" for pair in SAME_PROGRAMS for text in pair]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_same_ast_or_same_error(text):
    a, b = ours(text), theirs(text)
    if a[0] == "error" and b[0] == "error" and a[1][0] == "$END":
        assert a[1][0] == b[1][0] and a[1][3] == b[1][3]     # lark places $END elsewhere
    else:
        assert a == b
