"""One tokenizer, two modes: the parser's strict tokens are the tolerant scan's tokens without the
blanks and comments, for every file of the corpus; the tolerant scan covers every character."""
from __future__ import annotations

import pytest

from conftest import CORPUS, REPO
from fourmail.lang.fourd import SourceSyntaxError
from fourmail.lang.fourd.lexer import base_names, tokenize

TRIVIA = {"WS", "COMMENT", "BCOMMENT", "CONT"}
FILES = sorted(CORPUS.glob("*.4dm")) + sorted((REPO / "examples").rglob("*.4dm"))


def fields(t):
    value = "".join(str(t).split()) if t.type == "CLASS_PATH" else str(t)   # strict writes `4D . File` as `4D.File`
    return t.type, value, t.start_pos, t.line, t.column, t.end_line, t.end_column, t.end_pos


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_strict_tokens_are_the_tolerant_ones_without_trivia(path):
    text = path.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    tolerant = list(tokenize(text, base_names(), tolerant=True))
    assert "".join(tolerant) == text                         # every character, once, in order
    strict = list(tokenize(text, base_names()))
    assert [fields(t) for t in strict] == [fields(t) for t in tolerant if t.type not in TRIVIA]


@pytest.mark.parametrize("text, kinds", [
    ('$a:="open', ["LOCAL", "ASSIGN", "OPEN_STRING"]),
    ("/* open\n comment", ["OPEN_COMMENT"]),
    ("$a:=1 `", ["LOCAL", "ASSIGN", "NUMBER", "WS", "ERROR"]),
    ("var $x : Foo", ["VAR", "WS", "LOCAL", "WS", "_COLON", "WS", "NAME"]),
    ("$a:=$o.\t1", ["LOCAL", "ASSIGN", "LOCAL", "_DOT", "WS", "NUMBER"]),
])
def test_what_strict_mode_rejects_the_tolerant_mode_names(text, kinds):
    with pytest.raises(SourceSyntaxError):
        list(tokenize(text + "\n", base_names()))
    got = [t.type for t in tokenize(text, base_names(), tolerant=True)]
    assert got == kinds
