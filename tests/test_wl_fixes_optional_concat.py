"""`[sep]` next to `+` is optional concatenation (REFERENCE.md §1.5): `s += [sep]` appends sep
only if s is not empty and does not already end with it; `a + [sep] + b` the same after a."""
from __future__ import annotations

import pytest

from wl_fixes_util import lines, run


def test_compound_assignment():
    assert lines('p is string = "INBOX"\np += ["/"]\nTrace(p)\np += ["/"]\nTrace(p)\n'
                 'q is string\nq += ["/"]\nTrace("<" + q + ">")\n') == ["INBOX/", "INBOX/", "<>"]


def test_building_a_list_of_addresses_in_french():
    source = """liste est une chaîne
POUR TOUT a DE ["ann@example.com", "bob@example.com"]
\tliste += ["; "]
\tliste += a
FIN
Trace(liste)
"""
    assert lines(source) == ["ann@example.com; bob@example.com"]


@pytest.mark.parametrize("left, expected", [
    ("Dupont", "Dupont, Pierre"),
    ("Dupont, ", "Dupont, Pierre"),        # already ends with it
    ("", "Pierre"),                        # nothing before it
])
def test_as_an_operand_of_plus(left, expected):
    assert lines(f'n is string = "{left}"\nTrace(n + [", "] + "Pierre")\n') == [expected]


def test_first_in_an_expression_it_adds_nothing():
    assert lines('Trace([", "] + "Pierre")\n') == ["Pierre"]


def test_a_number_separator_is_written_as_text_and_a_number_before_is_an_error():
    assert lines('s is string = "v"\ns += [2]\nTrace(s)\n') == ["v2"]
    kind, out = run('n is int = 5\nTrace(n + ["x"])\n')
    assert kind == "error" and "error 54" in out


def test_an_array_of_two_values_is_no_separator():
    kind, out = run('s is string = "a"\ns += ["b", "c"]\n')
    assert kind == "error" and "error 54" in out
