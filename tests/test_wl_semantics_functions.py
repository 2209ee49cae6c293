"""WLanguage's language functions (commands/wl_language.py) by their English and French names:
the messages print their lines and the program goes on; strings, numbers, ErrorBuild."""
from __future__ import annotations

import pytest

from wl_ast import assign, call, const, expr, op, output, run, say, value, var


def test_messages_print_each_argument_on_its_own_line_and_go_on():
    assert output([expr(call("Info", "Sent", 3, "messages")),
                   expr(call("Erreur", "Échec", op("+", "port ", 587))),
                   expr(call("Warning", True, 1.5)),
                   expr(call("Avertissement", op("+", op("+", "a", const("CR")), "b"))),
                   expr(call("Trace")),
                   say("after")]) == ["Sent", "3", "messages", "Échec", "port 587", "1", "1.5", "a", "b", "after"]


@pytest.mark.parametrize("name, args, expected", [
    ("Length", ("Bonjour",), 7), ("Taille", ("",), 0), ("Length", (587,), 3),
    ("Upper", ("Élise",), "ÉLISE"), ("Majuscule", ("ab",), "AB"),
    ("Lower", ("ÉLISE",), "élise"), ("Minuscule", ("AB",), "ab"),
    ("NoSpace", ("  a b  ",), "a b"), ("SansEspace", ("\tx ",), "x"),
    ("Left", ("Bonjour", 3), "Bon"), ("Gauche", ("Bon", 9), "Bon"), ("Left", ("Bon", 0), ""),
    ("Right", ("Bonjour", 4), "jour"), ("Droite", ("Bon", 9), "Bon"), ("Right", ("Bon", 0), ""),
    ("Middle", ("Bonjour", 4), "jour"), ("Milieu", ("Bonjour", 2, 3), "onj"), ("Middle", ("Bon", 5, 2), ""),
    ("Position", ("Bonjour", "jour"), 4), ("Position", ("Bonjour", "x"), 0),
    ("Position", ("a-b-c", "-", 3), 4), ("Position", ("Bonjour", "JOUR"), 0),
    ("Replace", ("a-b-c", "-", "+"), "a+b+c"), ("Remplace", ("aAa", "a", "x"), "xAx"),
    ("NumToString", (587,), "587"), ("NumériqueVersChaîne", (1.5,), "1.5"),
    ("NumeriqueVersChaine", (3.14159, ".2f"), "3.14"), ("NumToString", (7, "03d"), "007"),
    ("Val", ("42 messages",), 42), ("Val", ("-1.5e2",), -150), ("Val", ("abc",), 0), ("Val", ("",), 0),
    ("ErrorBuild", ("%1 of %2 sent (100%%)", 3, 4), "3 of 4 sent (100%)"),
    ("ErreurConstruit", ("%1 and %2", "one"), "one and %2"),
])
def test_string_and_number_functions(name, args, expected):
    assert value(call(name, *args)) == expected


def test_position_and_replace_options():
    assert value(call("Position", "Bonjour", "JOUR", 1, const("IgnoreCase"))) == 4
    assert value(call("Position", "a-b-c", "-", 5, const("FromEnd"))) == 4
    assert value(call("Position", "a-b-c", "-", 3, const("DepuisFin"))) == 2
    assert value(call("Remplace", "aAa", "a", "x", const("SansCasse"))) == "xxx"


def test_options_given_in_a_variable():
    # (4D's Position fills a variable given as its 4th argument: not WLanguage's)
    assert output([assign("o", const("IgnoreCase")), say(call("Position", "Bonjour", "JOUR", 1, var("o"))),
                   say(var("o"))]) == ["4", "1"]


def test_cr_is_a_line_break():
    assert value(const("RC")) == "\r\n"


def test_a_wrong_number_of_parameters_or_a_bad_one_is_an_error():
    outcome, _ = run([expr(call("Left", "abc"))])
    assert outcome.kind == "error" and outcome.error.code == 65 and "Left" in outcome.error.message
    assert value(call("Length", const("True"))) == 1          # a Boolean's text is "1"
    outcome, _ = run([expr(call("NumToString", "12"))])
    assert outcome.kind == "error" and outcome.error.code == 66
