"""Boolean, Null and Undefined commands: True, False, Not, Null, Undefined, Bool; Choose."""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, Date, Time, to_longint, type_name


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


def _empty_like(v):
    """The "null" value of v's type (choose.md: 0 for a number, "" for a text...)."""
    t = type(v)
    if t is str:
        return ""
    if t is float or t is int:
        return t(0)
    if t is bool:
        return False
    if t is Date:
        return Date()
    if t is Time:
        return Time(0)
    return None if v is not UNDEFINED else UNDEFINED


def choose(rt, criterion, *values):
    """Choose ( criterion ; value {; value2 ; ...} ): a Boolean picks value (True) or value2
    (False); a number is the position of the value, from 0. Past the values: the empty value of
    their type (choose.md)."""
    if criterion is True or criterion is False:
        if len(values) != 2:
            raise FourDError(E.WRONG_PARAMETER_COUNT, name="Choose",
                             detail="with a Boolean criterion, exactly two values are expected")
        return values[0] if criterion else values[1]
    t = type(criterion)
    if t is float or t is int:
        i = to_longint(criterion)
    elif t is Time:
        i = criterion.seconds
    else:
        raise FourDError(E.BAD_PARAMETER, name="Choose",
                         detail=f"the criterion must be a Boolean or a number, got {type_name(criterion)}")
    return values[i] if 0 <= i < len(values) else _empty_like(values[0])
