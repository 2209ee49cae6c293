"""Whatever the input, the parser and compiler answer with a syntax error or a program:
never a Python exception of their own."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import CORPUS
from fourmail.compiler.codegen import CompileError, compile_method
from fourmail.lang.fourd import SourceSyntaxError, parse
from fourmail.runtime.collation import FOURD_COLLATION
from fourmail.runtime.compare import Comparison

FOURD = Comparison(FOURD_COLLATION)     # the operators of a default process

PIECES = ["If", "(", ")", "End if", "Else", "For each", "End for each", "For", "End for", "Case of", ":", "End case",
          "While", "Repeat", "Until", "Try", "Catch", "End try", "$a", "$b", ":=", "+=", "+", "-", "*", "/", "\\",
          "=", "#", "<", ">", "&&", "||", "?", "[", "]", "[[", "]]", "{", "}", ";", ",", ".", "x", "length",
          '"t"', '"\\"', "1", "0x1F", "!2020-01-02!", "?01:02:03?", "New object", "ALERT", "var", ": Text",
          "4D.File", "cs", "//c", "/*", "*/", "\n", " ", "\\\n", "return", "break", "continue", "#DECLARE", "->",
          "IMAP all", "Try(", "$1", "OK", "é", "\t", '"', "!", "@"]


def check(source: str) -> None:
    try:
        program = parse(source, "fuzz.4dm")
    except SourceSyntaxError as e:
        assert e.line >= 1 and e.col >= 1 and e.format()
        return
    try:
        compile_method(program, "fuzz", "fuzz.4dm", source, operators=FOURD)
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


# ---------------------------------------------------------------- deep nesting, long chains (issue 10, item 6)
# Python's own limits (20 nested loops/try blocks, 100 indentation levels, 200 brackets, recursion)
# are far below what 4D runs: generated programs nest every kind of block and expression, and
# chain operators, deep enough to cross them. They must compile and run, or stop on a 4D or syntax
# error; with every split bound at its minimum they must behave exactly the same.
from conftest import run4d                                        # noqa: E402
from fourmail.runtime.errors import E                            # noqa: E402
from test_deep_nesting import CLOSE, OPEN, nest, split_everything  # noqa: E402

INNER = ["$n:=$n+1", "break", "continue", "return", "$o:=Null\n$o.x:=1", "ALERT(String($n))",
         "If ($n>0)\nbreak\nEnd if", "ON ERR CALL(\"\")", "$s:=$s+\"x\"", "Case of\n: ($n=1)\ncontinue\nEnd case"]
LEAVES = ["1", "$n", '"t"', "True", "False", "Null", "$o", "$s", "[1;2]", "{a:1}", "!2020-01-02!", "?01:02:03?", "0x1F"]
WRAPS = ["({})", "Abs({})", "[{}]", "{{a: {}}}", "New collection({})", "String({})", "{}.a", "{}[0]", "Num({})",
         "(True ? {} : 0)", "(False ? 0 : {})", "-{}", "Length(String({}))", "Try({})", "New object(\"k\";{})"]
OPS = ["+", "-", "*", "&", "|", "&&", "||", "=", "#", "<"]
PRELUDE = "$n:=0\n$s:=\"\"\n$o:=New object(\"a\";1)\n"


@st.composite
def deep_blocks(draw):
    depth = draw(st.one_of(st.integers(0, 30), st.sampled_from([60, 300])))
    kinds = draw(st.lists(st.sampled_from(sorted(OPEN)), min_size=1, max_size=8))
    inner = "\n".join(draw(st.lists(st.sampled_from(INNER), max_size=4))) or "$n:=1"
    src = PRELUDE + nest([kinds[i % len(kinds)] for i in range(depth)], inner, after="ALERT(String($n)+$s)")
    if draw(st.integers(0, 9)) == 0:           # now and then a cut: a syntax error, maybe deep down
        cut = draw(st.integers(0, len(src)))
        src = src[:cut]
    return src, depth <= 60


@st.composite
def deep_expressions(draw):
    depth = draw(st.one_of(st.integers(0, 12), st.sampled_from([60, 300])))
    wraps = draw(st.lists(st.sampled_from(WRAPS if depth <= 60 else WRAPS[:-2]), min_size=1, max_size=4))
    expr = draw(st.sampled_from(LEAVES))
    for i in range(depth):
        expr = wraps[i % len(wraps)].format(expr)
    length = draw(st.sampled_from([1, 2, 25, 300, 3000]))
    ops = draw(st.lists(st.sampled_from(OPS), min_size=1, max_size=3))
    operands = draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=4))
    where = draw(st.integers(0, length - 1))          # the nested expression, once in the chain
    chain = "".join((ops[i % len(ops)] if i else "") + ("(" + expr + ")" if i == where else operands[i % len(operands)])
                    for i in range(length))
    return PRELUDE + f"$x:={chain}\nALERT(String($x))\n", depth <= 60 and length <= 300


def outcome_of(source: str):
    """What a program does: the syntax/compile error, or its output and uncaught 4D error."""
    try:
        program = parse(source, "fuzz.4dm")
        compile_method(program, "fuzz", "fuzz.4dm", source, operators=FOURD)
    except SourceSyntaxError as e:
        assert e.line >= 1 and e.col >= 1 and e.format()
        return ("syntax", e.line)
    except CompileError as e:
        assert e.line >= 1
        return ("compile", e.line)
    r = run4d(source, filename="fuzz.4dm")
    assert r.error is None or r.error.code != E.INTERNAL.code, r.error.describe()
    return r.out, r.error and (r.error.code, r.error.line)


def check_deep(source: str, compare: bool = True) -> None:
    expected = outcome_of(source)
    if compare:
        with split_everything():
            assert outcome_of(source) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_blocks())
def test_deep_blocks(case):
    source, comparable = case
    check_deep(source, comparable)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_expressions())
def test_deep_expressions_and_long_chains(case):
    source, comparable = case
    check_deep(source, comparable)
