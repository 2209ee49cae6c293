"""Every text comparison of a process follows its collation: the operators of the code compiled for
it (`=`, `#`, `<`..., `%`, the `@` wildcard), the collection searches, sorts and queries, and the
text commands. A default process compares as 4D does."""
from __future__ import annotations

import io
import math

import pytest

from fourmail.program import new_runtime, run_source
from fourmail.runtime.collation import FOURD_COLLATION, Collation
from fourmail.runtime.compare import Comparison

# Texts equal only when identical, ordered by code point ("B" < "a" < "b").
ORDINAL = Collation("ordinal", key=lambda s: s, char_key=lambda c: c)

# (4D expression, its value in a default process, its value with ORDINAL), each ALERTed as a text.
CASES = [
    ('"a"="A"', "True", "False"),
    ('"a"#"A"', "False", "True"),
    ('"b"<"C"', "True", "False"),
    ('"b">"C"', "False", "True"),
    ('"B"<="a"', "False", "True"),
    ('"B">="a"', "True", "False"),
    ('"Léa"="LEA"', "True", "False"),
    ('"Albert"="al@"', "True", "False"),
    ('"Albert"="Al@"', "True", "True"),
    ('"abcd"<="ABC@"', "True", "False"),
    ('"Alpha Bravo"%"bravo"', "True", "False"),
    ('"Alpha Bravo"%"Bra@"', "True", "True"),
    ('"Alpha Bravo"%"bra@"', "True", "False"),
    ('New collection("ABC";"abc").indexOf("abc")', "0", "1"),
    ('New collection("abc";"ABC").lastIndexOf("abc")', "1", "0"),
    ('New collection("abc").indexOf("A@")', "0", "-1"),
    ('New collection("abc").includes("ABC")', "True", "False"),
    ('New collection("a";"A";"b").countValues("a")', "2", "1"),
    ('$people.query("name = :1";"ann").length', "2", "1"),
    ('$people.query("name = :1";"AN@").length', "2", "0"),
    ('$people.query("name % :1";"ann").length', "2", "1"),
    ('$people.query("name < :1";"B").length', "2", "1"),
    ('$people.indices("name = :1";"ANN").length', "2", "0"),
    ('New collection("b";"B";"a").sort().join(",")', "a,b,B", "B,a,b"),
    ('$people.orderBy("name").extract("name").join(",")', "ann,Ann,Bob", "Ann,Bob,ann"),
    ('New collection("a";"A").distinct().length', "1", "2"),
    ('New collection("Ab").equal(New collection("aB"))', "True", "False"),
    ('Position("B";"abc")', "2", "0"),
    ('Replace string("aAa";"a";"x")', "xxx", "xAx"),
]

PROLOGUE = ('var $people : Collection\n'
            '$people:=New collection(New object("name";"ann");New object("name";"Bob");New object("name";"Ann"))\n')


def run(collation=None, project_dir=None) -> list[str]:
    out = io.StringIO()
    options = {"collation": collation} if collation is not None else {}
    rt = new_runtime(out=out, interactive=False, project_dir=project_dir, **options)
    source = PROLOGUE + "".join(f"ALERT(String({expr}))\n" for expr, _, _ in CASES)
    outcome = run_source(rt, source, "collation.4dm")
    assert outcome.kind == "ok", outcome.error
    return out.getvalue().splitlines()


def results(lines):
    return {expr: line for (expr, _, _), line in zip(CASES, lines)}


def test_a_default_process_compares_as_4d():
    assert results(run()) == {expr: default for expr, default, _ in CASES}


def test_a_process_given_a_collation_compares_every_text_with_it():
    assert results(run(ORDINAL)) == {expr: ordinal for expr, _, ordinal in CASES}


def test_processes_with_different_collations_do_not_share_their_rules():
    # The same wildcard patterns, one process after another: nothing learnt by one serves the other.
    first, second, third = run(), run(ORDINAL), run()
    assert first == third != second
    assert results(second)['"Albert"="al@"'] == "False" and results(third)['"Albert"="al@"'] == "True"


def test_project_methods_and_class_functions_compare_with_the_process_collation(tmp_path):
    (tmp_path / "Same.4dm").write_text("#DECLARE($a : Text; $b : Text) : Boolean\nreturn $a=$b\n", encoding="utf-8")
    (tmp_path / "Classes").mkdir()
    (tmp_path / "Classes" / "Words.4dm").write_text(
        "Function has($text : Text; $word : Text) : Boolean\nreturn $text%$word\n", encoding="utf-8")
    source = 'ALERT(String(Same("x";"X")))\nALERT(String(cs.Words.new().has("One Two";"two")))\n'
    for collation, expected in ((None, ["True", "True"]), (ORDINAL, ["False", "False"])):
        out = io.StringIO()
        options = {"collation": collation} if collation is not None else {}
        rt = new_runtime(out=out, interactive=False, project_dir=tmp_path, **options)
        outcome = run_source(rt, source, "main.4dm")
        assert outcome.kind == "ok", outcome.error
        assert out.getvalue().splitlines() == expected


def test_a_runtime_makes_its_comparison_with_its_collation():
    assert new_runtime().compare.collation is FOURD_COLLATION
    assert new_runtime(collation=ORDINAL).compare.collation is ORDINAL


NUMBERS = [0.0, 1e-7, -1e-7, 1.0, 1.0000005, 1.000002, 2.0, math.inf, -math.inf, math.nan, 3, 5, -2]


@pytest.mark.parametrize("a", NUMBERS)
@pytest.mark.parametrize("b", NUMBERS)
def test_the_operators_on_numbers_order_as_compare_does(a, b):
    # `<`, `>`, `<=`, `>=` and `=` test two numbers first: the same answers as the general rule.
    c = Comparison(FOURD_COLLATION)
    order = c.compare(a, b)
    assert (c.less(a, b), c.greater(a, b), c.less_equal(a, b), c.greater_equal(a, b)) == \
        (order < 0, order > 0, order <= 0, order >= 0)
    assert c.eq(a, b) == c.equal(a, b) == c.same_value(a, b) and c.ne(a, b) is not c.eq(a, b)
