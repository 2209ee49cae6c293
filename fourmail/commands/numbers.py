"""Number commands: Int, Abs, Round, Trunc, Mod, Dec, Random, Square root, Arctan, Log.

All return Reals (float) except Random (a Longint). Rounding works on the decimal digits of
the number (Round(29.8725;3) = 29.873, round.md), not on its binary value.
"""
from __future__ import annotations

import math
import random as _random
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, Time, to_longint, type_name


def _num(cmd: str, v) -> float:
    t = type(v)
    if t is float or t is int:
        return float(v)
    if t is Time:
        return float(v.seconds)
    if v is UNDEFINED:
        return 0.0
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a number was expected, got {type_name(v)}")


_CTX = Context(prec=800, Emax=999999, Emin=-999999)


def _quantize(x: float, places: int, rounding) -> float:
    if not math.isfinite(x):
        return x
    places = max(min(places, 400), -400)
    d = Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=rounding, context=_CTX)
    return float(d) + 0.0          # no negative zero


def int_(rt, n):
    """Int: integer portion, negative numbers go away from zero (Int(-123.4) = -124, int.md)."""
    x = _num("Int", n)
    return float(math.floor(x)) if math.isfinite(x) else x


def abs_(rt, n):
    return abs(_num("Abs", n))


def round_(rt, n, places):
    """Round: digit 5-9 rounds away from zero; negative places round left of the point (round.md)."""
    return _quantize(_num("Round", n), to_longint(_num("Round", places)), ROUND_HALF_UP)


def trunc(rt, n, places):
    """Trunc: always toward negative infinity (trunc.md)."""
    return _quantize(_num("Trunc", n), to_longint(_num("Trunc", places)), ROUND_FLOOR)


def _round_int(x: float) -> int:
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP, context=_CTX))


def mod(rt, a, b):
    """Mod: reals are rounded first; the remainder has the sign of the dividend (mod.md)."""
    x, y = _num("Mod", a), _num("Mod", b)
    if not (math.isfinite(x) and math.isfinite(y)):
        return math.nan
    x, y = _round_int(x), _round_int(y)
    if y == 0:
        raise FourDError(E.DIVISION_BY_ZERO)
    r = abs(x) % abs(y)
    return float(-r if x < 0 else r)


def dec(rt, n):
    """Dec: fractional part, always >= 0 so that Int(n) + Dec(n) = n (dec.md)."""
    x = _num("Dec", n)
    if not math.isfinite(x):
        return math.nan
    return float(Decimal(repr(x)) - Decimal(math.floor(x)))


def random_(rt):
    """Random: an integer between 0 and 32,767 (random.md)."""
    return _random.randint(0, 32767)


def square_root(rt, n):
    x = _num("Square root", n)
    return math.sqrt(x) if x >= 0 else math.nan


def arctan(rt, n):
    """Arctan: the angle, in radians, whose tangent is the number (arctan.md)."""
    return math.atan(_num("Arctan", n))


def log(rt, n):
    """Log: the natural logarithm; not defined (NaN, shown as "" by String) for n <= 0 (log.md)."""
    x = _num("Log", n)
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan
