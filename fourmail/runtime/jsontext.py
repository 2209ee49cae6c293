"""JSON text of 4D values (json-stringify.md): what JSON Stringify and String(object) write.

Dates are written "YYYY-MM-DD" (the date type setting), times as their number of seconds,
Undefined properties are left out, numbers as JavaScript writes them.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal

from .errors import E, FourDError
from .functions import JSON_TEXT as FORMULA_JSON, Formula
from .values import UNDEFINED, Array, ClassInstance, Date, LazyObject, Time


def js_number(x: float) -> str:
    """A number as JSON/JavaScript writes it: 120, 0.5, 1e+21 (shortest round-trip digits)."""
    if x != x or x in (math.inf, -math.inf):
        return "null"
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    r = repr(float(x))
    if "e" in r:
        mant, _, exp = r.partition("e")
        e = int(exp)
        if -7 < e < 21:
            return format(Decimal(r), "f") if e < 0 else r
        return f"{mant}e{'+' if e > 0 else '-'}{abs(e)}"
    return r


def _escape(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _to_json(v, pretty: bool, indent: int, seen: set) -> str | None:
    """JSON text of a value, None when the value is Undefined (omitted from objects)."""
    t = type(v)
    if t is str:
        return _escape(v)
    if t is bool:
        return "true" if v else "false"
    if t is float or t is int:
        return js_number(float(v))
    if v is None:
        return "null"
    if v is UNDEFINED:
        return None
    if t is Date:
        return _escape(v.iso())
    if t is Time:
        return js_number(float(v.seconds))
    if t is bytes or t is bytearray:
        return _escape("[object Blob]")
    if t is Formula:
        return _escape(FORMULA_JSON)
    if t is dict or t is list or t is LazyObject or isinstance(v, ClassInstance):
        if id(v) in seen:
            raise FourDError(E.BAD_PARAMETER, name="JSON Stringify", detail="the value contains a circular reference")
        seen.add(id(v))
        try:
            nl = "\n" + "\t" * (indent + 1) if pretty else ""
            end = "\n" + "\t" * indent if pretty else ""
            if t is list:
                items = [_to_json(x, pretty, indent + 1, seen) for x in v]
                items = ["null" if x is None else x for x in items]
                return "[" + ",".join(nl + x for x in items) + (end if items else "") + "]"
            pairs = v.items() if isinstance(v, dict) else v._properties().items()
            sep = ": " if pretty else ":"
            items = []
            for k, x in pairs:
                j = _to_json(x, pretty, indent + 1, seen)
                if j is not None:
                    items.append(nl + _escape(str(k)) + sep + j)
            return "{" + ",".join(items) + (end if items else "") + "}"
        finally:
            seen.discard(id(v))
    if t is Array:        # an array is a variable, not a value (arrays.md): ARRAY TO COLLECTION converts it
        raise FourDError(E.BAD_PARAMETER, name="JSON Stringify", detail="an array cannot be converted to JSON")
    return _escape(str(v))


def stringify(value, pretty: bool = False) -> str:
    """JSON Stringify of a 4D value; "" for Undefined."""
    out = _to_json(value, pretty, 0, set())
    return "" if out is None else out
