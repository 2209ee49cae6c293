"""commands/numbers.py: Int, Abs, Round, Trunc, Mod, Dec, Random, Square root."""
import math
import types

import pytest

from fourmail.commands import numbers as N
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import Time

rt = types.SimpleNamespace(project_dir=None)


def test_int():
    # int.md: negative numbers go away from zero
    assert N.int_(rt, 123.4) == 123.0
    assert N.int_(rt, -123.4) == -124.0
    assert type(N.int_(rt, 5)) is float


def test_abs():
    assert N.abs_(rt, -2.5) == 2.5 and N.abs_(rt, 3) == 3.0


@pytest.mark.parametrize("value,places,expected", [
    (16.857, 2, 16.86), (32345.67, -3, 32000.0), (29.8725, 3, 29.873), (-1.5, 0, -2.0),   # round.md
    (2.5, 0, 3.0), (1.234, 1, 1.2), (-16.857, 2, -16.86),
])
def test_round(value, places, expected):
    assert N.round_(rt, value, places) == expected


@pytest.mark.parametrize("value,places,expected", [
    (216.897, 1, 216.8), (216.897, -1, 210.0), (-216.897, 1, -216.9), (-216.897, -1, -220.0),  # trunc.md
])
def test_trunc(value, places, expected):
    assert N.trunc(rt, value, places) == expected


def test_mod():
    # mod.md examples: reals are rounded first
    assert N.mod(rt, 3, 2) == 1.0
    assert N.mod(rt, 4, 2) == 0.0
    assert N.mod(rt, 3.5, 2) == 0.0
    assert N.mod(rt, -7, 3) == -1.0
    with pytest.raises(FourDError):
        N.mod(rt, 1, 0)


def test_dec():
    # dec.md: fractional part, always >= 0
    assert N.dec(rt, 7.31) == pytest.approx(0.31)
    assert N.dec(rt, -123.4) == pytest.approx(0.6)
    assert N.int_(rt, -123.4) + N.dec(rt, -123.4) == pytest.approx(-123.4)


def test_random_range():
    # random.md: 0..32767
    values = [N.random_(rt) for _ in range(300)]
    assert all(type(v) is int and 0 <= v <= 32767 for v in values)
    assert len(set(values)) > 1


def test_square_root():
    assert N.square_root(rt, 16) == 4.0
    assert math.isnan(N.square_root(rt, -1))


def test_numbers_reject_text():
    with pytest.raises(FourDError):
        N.int_(rt, "12")
    assert N.abs_(rt, Time(-60)) == 60.0     # a time is a number of seconds (dt_time.md)
