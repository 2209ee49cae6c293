"""WLanguage's operators on the shared engine (runtime/wl_rules.py): strict text equality with its
flexible forms, `+` joining texts and numbers, conditions that are Booleans or numbers, AND/OR
that evaluate both sides, and the parts of texts. Programs are built as the front end builds
them (tests/wl_ast.py) and run compiled on a WLanguage Runtime."""
from __future__ import annotations

import io

import pytest

from fourmail.program import new_runtime, run_source
from fourmail.lang import ast as A
from wl_ast import (assign, decl, error, expr, if_, lit, not_, op, output, run, say, try_, value, values, var)


@pytest.mark.parametrize("a, o, b, expected", [
    ("Mail", "=", "Mail", True),
    ("Mail", "=", "mail", False),                  # case counts
    ("Élise", "=", "Elise", False),                # accents count
    ("mail ", "=", "mail", False),                 # blanks count
    ("ann@example.com", "=", "ann@example.com", True),
    ("ann@example.com", "=", "ann@", False),        # `@` is no wildcard
    ("Mail", "#", "mail", True),
    ("B", "<", "a", True),                         # code points: capitals first
    ("a", "<", "B", False),
    ("é", ">", "z", True),
    ("abc", "<=", "abc", True),
    ("abd", ">=", "abc", True),
])
def test_strict_comparison_of_texts(a, o, b, expected):
    assert value(op(o, a, b)) is expected


def test_a_boolean_equals_1_or_0_and_a_text_is_no_number():
    assert value(op("=", True, 1)) is True
    assert value(op("=", 0, False)) is True
    assert value(op("#", True, 0)) is True
    assert error(op("=", "5", 5)).code == 54          # a text and a number: a type mismatch


def test_a_text_literal_compared_to_a_declared_string_stays_strict():
    # `=` with a text literal takes the compiler's table of answers: it must be the strict one
    assert output([decl("s", "Text", "IMAP"),
                   say(op("=", var("s"), "imap")), say(op("=", var("s"), "IMAP")), say(op("#", var("s"), "Imap"))]) \
        == ["0", "1", "1"]


@pytest.mark.parametrize("a, o, b, expected", [
    ("  Élise Dupont ", "~=", "elise dupont", True),    # case, accents, outer blanks
    ("Elise Dupont", "~=", "EliseDupont", False),        # inner blanks still count
    ("Elise Dupont", "~=", "Elise  Dupont", False),
    ("Élise-Dupont", "~~", "elise dupont", True),        # inner blanks and punctuation too
    ("J.-P. Martin", "~~", "jp MARTIN", True),
    ("Elise", "~~", "Elyse", False),
    ("Bonjour Marc", "[=", "Bonjour", True),
    ("Bonjour Marc", "[=", "bonjour", False),
    ("Bonjour Marc", "[~", " BONJOUR", True),
    ("Bon-jour Marc", "[~~", "bonjour", True),
    ("Bonjour Marc", "[=]", "jour M", True),
    ("Bonjour Marc", "[=]", "JOUR", False),
    ("Bonjour Marc", "[~]", "JOUR m", True),
    ("Bonjour, Marc", "[~~]", "jour marc", True),
    ("report.PDF", "=]", ".PDF", True),
    ("report.PDF", "=]", ".pdf", False),
    ("report.PDF", "~]", ".pdf", True),
    ("report-final.pdf", "~~]", "final pdf", True),
])
def test_flexible_comparisons_of_texts(a, o, b, expected):
    assert value(op(o, a, b)) is expected


def test_text_comparisons_take_a_number_as_its_text():
    assert value(op("[=", "587 SMTP", 587)) is True
    assert value(op("~=", 1.5, " 1.5 ")) is True
    e = error(op("~=", "a", True))
    assert "~=" in e.message and e.component == "WL"


def test_in_and_not_in():
    assert value(op("in", "B", values("A", "B"))) is True
    assert value(op("in", "b", values("A", "B"))) is False       # strict, as `=`
    assert value(op("in", 2, values(1, 2, 3))) is True
    assert value(not_(op("in", 4, values(1, 2, 3)))) is True


@pytest.mark.parametrize("left, right, expected", [
    ("Port ", 587, "Port 587"),
    (587, " is the port", "587 is the port"),
    ("x=", 1.5, "x=1.5"),
    ("", -0.25, "-0.25"),
    ("", 1e20, "100000000000000000000"),
    ("", 1e-7, "0.0000001"),
    ("", 0.1 + 0.2, "0.3"),
    ("ok: ", True, "ok: 1"),
    (False, "", "0"),
    ("a", "b", "ab"),
])
def test_plus_joins_a_text_and_a_number_as_wlanguage_writes_it(left, right, expected):
    assert value(op("+", left, right)) == expected


def test_plus_adds_numbers_and_joins_declared_variables():
    assert value(op("+", 2, 3)) == 5
    assert output([decl("port", "Integer", 465), decl("host", "Text", "smtp.example.com"),
                   say(op("+", op("+", var("host"), ":"), var("port"))),
                   say(op("+", var("port"), 1))]) == ["smtp.example.com:465", "466"]


@pytest.mark.parametrize("a, o, b, expected", [
    (10, "%", 3, 1), (-7, "%", 3, -1), (10.5, "%", 3, 1.5), (2, "^", 10, 1024), (7, "/", 2, 3.5),
])
def test_arithmetic(a, o, b, expected):
    assert value(op(o, a, b)) == expected


def test_modulo_by_zero_is_an_error():
    assert error(op("%", 1, 0)).code == 20


def test_a_number_is_a_condition_a_text_is_an_error():
    assert output([if_(lit(2), [say("two")], [say("no")]), if_(lit(0), [say("zero")], [say("not zero")]),
                   if_(not_(lit(0)), [say("NOT 0")])]) == ["two", "not zero", "NOT 0"]
    outcome, _ = run([if_(lit("yes"), [say("never")])])
    assert outcome.kind == "error" and "A string cannot be used as a boolean" in outcome.error.message
    outcome, _ = run([expr(not_(lit("x")))])
    assert outcome.kind == "error" and outcome.error.component == "WL"


def test_a_text_condition_is_an_exception_the_handler_catches():
    assert output([try_([if_(lit("yes"), [say("never")])], [say("caught")]), say("after")]) == ["caught", "after"]


def test_and_or_evaluate_both_operands_and_then_or_else_stop_early():
    assert error(op("and", False, op("/", 1, 0))).code == 20
    assert error(op("or", True, op("/", 1, 0))).code == 20
    assert value(op("and_then", False, op("/", 1, 0))) is False
    assert value(op("or_else", True, op("/", 1, 0))) is True
    assert value(op("and", 1, 2)) is True              # numbers: true when not 0
    assert value(op("or", 0, False)) is False
    assert value(op("and_then", True, 0)) is False
    assert "boolean" in error(op("and", True, "x")).message


def _increment(target, delta, prefix):
    return A.Increment(1, 1, target, delta, prefix)


def test_increment_and_decrement_in_expressions():
    assert output([decl("n", "Integer", 5),
                   say(_increment(var("n"), 1, False)), say(var("n")),
                   say(_increment(var("n"), 1, True)), say(var("n")),
                   say(_increment(var("n"), -1, False)), say(_increment(var("n"), -1, True)),
                   assign("x", 1.5), say(_increment(var("x"), 1, True))]) == ["5", "6", "7", "7", "7", "5", "2.5"]


def test_increment_of_a_text_is_an_error():
    outcome, _ = run([decl("s", "Text", "a"), expr(_increment(var("s"), 1, False))])
    assert outcome.kind == "error" and outcome.error.code == 54


def _chars(t, start=None, end=None, count=None):
    part = [None if x is None else lit(x) for x in (start, end, count)]
    return A.CharRange(1, 1, lit(t), *part)


@pytest.mark.parametrize("node, expected", [
    (_chars("Hello world", 1, 5), "Hello"),
    (_chars("Hello world", 7), "world"),                # [[7 TO]]
    (_chars("Hello world", None, 4), "Hell"),           # [[TO 4]]
    (_chars("Hello world", 3, None, 4), "llo "),        # [[3 ON 4]]
    (_chars("Hello", 4, 99), "lo"),
    (_chars("Hello", 9, 12), ""),
    (A.CharIndex(1, 1, lit("Hello"), lit(1)), "H"),
    (A.CharIndex(1, 1, lit("Hello"), lit(5)), "o"),
    (A.CharIndex(1, 1, lit("Hello"), lit(6)), ""),
    (A.CharIndex(1, 1, lit("Hello"), lit(0)), ""),
])
def test_parts_of_texts(node, expected):
    assert value(node) == expected


def test_ternary_takes_a_number_as_condition():
    assert value(A.Ternary(1, 1, lit(0), lit("yes"), lit("no"))) == "no"


def test_4d_keeps_its_own_rules():
    out = io.StringIO()
    rt = new_runtime(out=out, interactive=False)
    outcome = run_source(rt, 'ALERT(String("Mail"="mail"))\nALERT(String("ann@x.com"="ANN@"))\n'
                             '$t:="a"+1\n', "four.4dm")
    assert out.getvalue() == "True\nTrue\n"
    assert outcome.kind == "error" and outcome.error.code == 54      # 4D's `+` does not join a number
