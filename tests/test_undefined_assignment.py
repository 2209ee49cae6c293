"""Undefined assigned to an existing object property, by `:=` and by OB SET: one rule.

dt_null_undefined.md: "Assigning an undefined value to an existing object property reinitializes
or clears its value, depending on its type": Object, collection: Null; Boolean: False; String: "";
Number: 0; Date: !00-00-00! with the date type setting (fourmail's: dates keep the Date type in
objects), otherwise ""; Time: 0; Undefined, Null: no change. A missing property stays missing.
"""
from __future__ import annotations

import pytest

# property -> its initial value (4D source), then Value type and String after the assignment
CASES = {
    "d": ("!2024-05-17!", "4 00/00/00"),          # Is date, the null date
    "t": ("?12:30:00?", "1 0"),                   # a time is stored as a number (ob-set.md): 0
    "s": ('"abc"', "2 "),                         # Is text, ""
    "n": ("5", "1 0"),                            # Is real, 0
    "b": ("True", "6 False"),                     # Is boolean, False
    "o": ('New object("x";1)', "255 null"),       # Is null
    "c": ("New collection(1;2)", "255 null"),
    "z": ("Null", "255 null"),                    # Null: no change
}


def _source(assign: str) -> str:
    lines = ['$o:=New object']
    lines += [f'$o.{p}:={init}' for p, (init, _) in CASES.items()]
    lines += [assign.format(p=p) for p in [*CASES, "missing"]]
    lines += [f'ALERT("{p} "+String(Value type($o.{p}))+" "+String($o.{p}))' for p in [*CASES, "missing"]]
    return "\n".join(lines)


@pytest.mark.parametrize("assign", ["$o.{p}:=$o.nothing", '$o["{p}"]:=$o.nothing', 'OB SET($o;"{p}";$o.nothing)'],
                         ids=["assignment", "bracket assignment", "OB SET"])
def test_undefined_clears_an_existing_property_by_its_type(run, assign):
    r = run(_source(assign))
    assert r.error is None, r.error and r.error.describe()
    expected = [f"{p} {after}" for p, (_, after) in CASES.items()] + ["missing 5 "]   # stays Undefined
    assert r.lines == expected
