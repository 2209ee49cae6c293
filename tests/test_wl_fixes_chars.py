"""`t[[i]] = v` and `t[[a TO b]] = v` at the start of a statement assign (REFERENCE.md §1.5: a
leading `=` assigns); a position outside the string is error 66, which names it."""
from __future__ import annotations

import pytest

from wl_fixes_util import lines, run


def test_one_character_is_replaced():
    assert lines('s is string = "mail"\ns[[1]] = "T"\nTrace(s)\n') == ["Tail"]


@pytest.mark.parametrize("source", [
    'box is string = "INBOX"\nbox[[2 TO 4]] = "-"\nTrace(box)\n',
    'boîte est une chaîne = "INBOX"\nboîte[[2 À 4]] = "-"\nTrace(boîte)\n',
    'box is string = "INBOX"\nbox[[2 ON 3]] = "-"\nTrace(box)\n',
    'boîte est une chaîne = "INBOX"\nboîte[[2 SUR 3]] = "-"\nTrace(boîte)\n',
])
def test_a_part_is_replaced_by_the_whole_value(source):
    assert lines(source) == ["I-X"]


def test_open_ranges():
    assert lines('s is string = "subject"\ns[[4 TO]] = "tle"\nTrace(s)\n'
                 's[[TO 3]] = "Ti"\nTrace(s)\n') == ["subtle", "Title"]


def test_a_comparison_inside_an_expression_stays_one():
    assert lines('s is string = "abc"\nIF s[[2]] = "b" THEN Trace("b second")\n'
                 'Trace(s[[1 TO 2]] = "ab")\nTrace(s)\n') == ["b second", "1", "abc"]


@pytest.mark.parametrize("source, position", [
    ('s is string = "abc"\ns[[9]] = "X"\n', "9"),
    ('s is string = "abc"\ns[[0]] = "X"\n', "0"),
    ('s is string = "abc"\ns[[2 TO 7]] = "X"\n', "7"),
    ('s est une chaîne = "abc"\ns[[5 À 6]] = "X"\n', "5"),
])
def test_outside_the_string_is_error_66_naming_the_position(source, position):
    kind, out = run(source)
    assert kind == "error"
    assert "error 66" in out and f"position {position} " in out and "Traceback" not in out


def test_a_range_backwards_or_a_count_below_zero_is_error_66():
    for source in ('s is string = "abc"\ns[[3 TO 2]] = "X"\n', 's is string = "abc"\ns[[2 ON -1]] = "X"\n'):
        kind, out = run(source)
        assert kind == "error" and "error 66" in out, out


def test_on_zero_inserts():
    assert lines('s is string = "ac"\ns[[2 ON 0]] = "b"\nTrace(s)\n') == ["abc"]
