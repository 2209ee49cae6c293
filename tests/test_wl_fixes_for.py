"""`FOR i = a TO b` reads its end before each turn; `FOR i = a _TO_ b` reads it once, before the
first (REFERENCE.md §1.4). French: `À` and `_À_`."""
from __future__ import annotations

import pytest

from fourmail.lang import ast as A
from fourmail.lang.wlanguage import parse
from wl_fixes_util import lines

SHRINKING = """last is int = 4
{for} i = 1 {to} last
\tlast = 2
\tTrace(i)
{end}
"""


@pytest.mark.parametrize("for_, to, end, expected", [
    ("FOR", "TO", "END", ["1", "2"]),
    ("POUR", "À", "FIN", ["1", "2"]),
    ("for", "to", "end", ["1", "2"]),
    ("FOR", "_TO_", "END", ["1", "2", "3", "4"]),
    ("POUR", "_À_", "FIN", ["1", "2", "3", "4"]),
    ("for", "_to_", "end", ["1", "2", "3", "4"]),
])
def test_the_end_is_read_at_each_turn_unless_underscored(for_, to, end, expected):
    assert lines(SHRINKING.format(**{"for": for_, "to": to, "end": end})) == expected


def test_a_growing_end_with_a_step_and_continue():
    source = """n is int = 3
FOR i = 1 TO n STEP 2
\tIF n < 7 THEN n += 2
\tIF i = 3 THEN CONTINUE
\tTrace(i)
END
Trace("end at " + i)
"""
    assert lines(source) == ["1", "5", "7", "end at 9"]


def test_a_function_as_end_is_called_at_each_turn_only_with_to():
    main = """FOR i = 1 {to} Bound()
\tTrace(i)
END

PROCEDURE Bound() : int
Trace("bound")
RESULT 2
"""
    assert lines(main.format(to="TO")) == ["bound", "1", "bound", "2", "bound"]
    assert lines(main.format(to="_TO_")) == ["bound", "1", "2"]


def test_the_tree_says_which():
    each = parse("FOR i = 1 TO 2\nEND\n", "t.wl").body[0]
    once = parse("FOR i = 1 _TO_ 2\nEND\n", "t.wl").body[0]
    assert type(each) is A.ForBoundEachTurn and type(once) is A.For
