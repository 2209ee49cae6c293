"""commands/language.py: True, False, Not, Null, Undefined, Bool."""
import types

import pytest

from fourmail.commands import language as L
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import UNDEFINED, Date, Time

rt = types.SimpleNamespace(project_dir=None)


def test_true_false_null():
    assert L.true(rt) is True and L.false(rt) is False   # true.md, false.md
    assert L.null(rt) is None                            # null.md


def test_not():
    # not.md example
    assert L.not_(rt, True) is False
    assert L.not_(rt, False) is True


@pytest.mark.parametrize("value", [1.0, "True", None, UNDEFINED, {}])
def test_not_requires_a_boolean(value):
    with pytest.raises(FourDError):
        L.not_(rt, value)


def test_undefined():
    # undefined.md example: only a missing property is undefined
    emp = {"name": "Smith", "children": None}
    assert L.undefined(rt, emp["name"]) is False
    assert L.undefined(rt, emp["children"]) is False
    assert L.undefined(rt, emp.get("parent", UNDEFINED)) is True


@pytest.mark.parametrize("value,expected", [
    (UNDEFINED, False), (None, False), (True, True), (False, False),   # bool.md table
    (0.0, False), (2.5, True), (-1, True), ("True", False), ({}, False), (Date(2020, 1, 1), False),
    (Time(0), False), (Time(5), True),
])
def test_bool(value, expected):
    assert L.bool_(rt, value) is expected
