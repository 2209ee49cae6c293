"""Boolean, Null and Undefined commands: True, False, Not, Null, Undefined, Bool."""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, Time, type_name


def true(rt):
    return True


def false(rt):
    return False


def not_(rt, b):
    """Not ( boolean ): only a Boolean can be negated (not.md)."""
    if b is True:
        return False
    if b is False:
        return True
    raise FourDError(E.BAD_PARAMETER, name="Not", detail=f"a Boolean was expected, got {type_name(b)}")


def null(rt):
    return None


def undefined(rt, value):
    """Undefined ( expression ): True for the undefined value only (undefined.md)."""
    return value is UNDEFINED


def bool_(rt, value):
    """Bool ( expression ): booleans as is, numbers # 0, anything else False (bool.md)."""
    t = type(value)
    if t is bool:
        return value
    if t is float or t is int:
        return value != 0
    if t is Time:
        return value.seconds != 0     # a time is a number of seconds (dt_time.md)
    return False
