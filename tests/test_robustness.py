"""Whatever the input, the parser and compiler answer with a syntax error or a program:
never a Python exception of their own."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import CORPUS
from fourmail.compiler.codegen import CompileError, compile_method
from fourmail.parser import FourDSyntaxError, parse

PIECES = ["If", "(", ")", "End if", "Else", "For each", "End for each", "For", "End for", "Case of", ":", "End case",
          "While", "Repeat", "Until", "Try", "Catch", "End try", "$a", "$b", ":=", "+=", "+", "-", "*", "/", "\\",
          "=", "#", "<", ">", "&&", "||", "?", "[", "]", "[[", "]]", "{", "}", ";", ",", ".", "x", "length",
          '"t"', '"\\"', "1", "0x1F", "!2020-01-02!", "?01:02:03?", "New object", "ALERT", "var", ": Text",
          "4D.File", "cs", "//c", "/*", "*/", "\n", " ", "\\\n", "return", "break", "continue", "#DECLARE", "->",
          "IMAP all", "Try(", "$1", "OK", "é", "\t", '"', "!", "@"]


def check(source: str) -> None:
    try:
        program = parse(source, "fuzz.4dm")
    except FourDSyntaxError as e:
        assert e.line >= 1 and e.col >= 1 and e.format()
        return
    try:
        compile_method(program, "fuzz", "fuzz.4dm", source)
    except CompileError:
        pass


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_token_soup(source):
    check(source)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text(source):
    check(source)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_corpus_with_a_cut(data):
    files = sorted(CORPUS.glob("*.4dm"))
    text = data.draw(st.sampled_from(files)).read_text(encoding="utf-8")
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    check(text[:i] + text[j:])
