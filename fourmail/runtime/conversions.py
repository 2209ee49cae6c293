"""The runtime's value conversions: what an object property keeps, what it becomes when
Undefined is assigned to it, and a value's text (String with one argument).
"""
from __future__ import annotations

import math

from .datetext import date_to_text, time_to_text
from .errors import E, FourDError
from .values import UNDEFINED, ClassInstance, Date, LazyObject, Time, type_name

# ---------------------------------------------------------------- object properties and collection elements


def store_value(v):
    """The value an object property or collection element keeps for `v`: numbers are reals
    (new-object.md), times their number of seconds (ob-set.md), a Blob an immutable copy."""
    t = type(v)
    if t is int:
        return float(v)
    if t is Time:
        return float(v.seconds)
    if t is bytearray:
        return bytes(v)
    return v


def cleared_value(old):
    """What an existing object property holding `old` becomes when Undefined is assigned to it,
    by `:=` or by OB SET (dt_null_undefined.md: "reinitializes or clears its value, depending
    on its type"). Dates keep the Date type here (the "date type" setting), so a Date becomes
    the null date !00-00-00!, not "". A time is stored as a number: 0."""
    t = type(old)
    if t is str:
        return ""
    if t is float or t is int:
        return 0.0
    if t is bool:
        return False
    if t is Date:
        return Date()
    if t is Time:
        return 0.0
    if old is None or old is UNDEFINED:
        return old                    # "Undefined, Null: no change"
    return None                       # objects, collections, Blobs (4D.Blob objects): Null


def assign_undefined(o, name: str) -> None:
    """Undefined assigned to property `name` of a dict or LazyObject: an existing property is
    cleared (cleared_value), a missing one stays missing (dt_null_undefined.md)."""
    if name in o:
        old = o[name]
        if old is not None and old is not UNDEFINED:
            o[name] = cleared_value(old)


# ---------------------------------------------------------------- text


def number_to_text(x) -> str:
    """Default number format: 13 significant digits, no trailing zeros (string.md)."""
    if type(x) is int:
        return str(x)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "INF" if x > 0 else "-INF"
    s = format(x, ".13g")
    if s == "-0":
        s = "0"
    return s


def to_text(value) -> str:
    """String(value) with one argument (string.md)."""
    t = type(value)
    if t is str:
        return value
    if t is float or t is int:
        return number_to_text(value)
    if t is bool:
        return "True" if value else "False"
    if value is UNDEFINED:
        return ""
    if value is None:
        return "null"
    if t is Date:
        return date_to_text(value)
    if t is Time:
        return time_to_text(value)
    if t is dict or t is list or t is LazyObject or isinstance(value, ClassInstance):
        from .jsontext import stringify      # here: a run that never writes JSON does not import json
        return stringify(value)
    raise FourDError(E.BAD_PARAMETER, name="String", detail=f"cannot convert a {type_name(value)} to text")
