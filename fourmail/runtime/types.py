"""Declared variable types: default values (data-types.md) and what assignment accepts."""
from __future__ import annotations

import math

from .errors import E, FourDError
from .values import NIL_POINTER, UNDEFINED, ClassInstance, Date, LazyObject, Pointer, Time, type_name

# Legacy C_XXX directive -> var type.
LEGACY = {"c_text": "Text", "c_longint": "Integer", "c_integer": "Integer", "c_real": "Real",
          "c_boolean": "Boolean", "c_object": "Object", "c_collection": "Collection", "c_blob": "Blob",
          "c_date": "Date", "c_time": "Time", "c_variant": "Variant", "c_pointer": "Pointer",
          "c_picture": "Picture"}

_ALIASES = {"Longint": "Integer", "Number": "Real"}


def normalise(vtype: str | None) -> str:
    if vtype is None:
        return "Variant"
    if vtype.startswith(("4D.", "cs.")):
        return "Object" if vtype.lower() == "4d.object" else vtype
    return _ALIASES.get(vtype, vtype)


def default(vtype: str):
    """The value a declared variable starts with."""
    return {
        "Text": "", "Integer": 0, "Real": 0.0, "Boolean": False, "Date": Date(), "Time": Time(0),
        "Blob": b"", "Variant": UNDEFINED, "Pointer": NIL_POINTER,
    }.get(vtype, None)   # Object, Collection, Picture, class types: null


def _mismatch(value, vtype, name):
    return FourDError(E.TYPE_MISMATCH, got=type_name(value), expected=vtype, name=name)


def to_integer(v: float) -> int:
    """Reals assigned to an Integer are rounded (half away from zero), then kept on 32 bits."""
    if math.isnan(v) or math.isinf(v):
        return 0
    r = int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)
    r &= 0xFFFFFFFF
    return r - 0x100000000 if r & 0x80000000 else r


# What each basic type stores as is, and the conversions assignment applies (exact Python types:
# a Boolean is never taken for a number).
_KEEPS = {"Text": (str,), "Real": (float,), "Integer": (int,), "Boolean": (bool,), "Date": (Date,),
          "Time": (Time,), "Blob": (bytes,), "Collection": (list, type(None)), "Object": (dict, LazyObject, type(None))}
_CONVERTS = {("Real", int): float, ("Integer", float): to_integer, ("Time", float): Time, ("Time", int): Time,
             ("Blob", bytearray): bytes}


def coerce(vtype: str, value, name: str = ""):
    """Value to store in a variable declared `vtype` (assigning Undefined clears it)."""
    if value is UNDEFINED:
        return default(vtype)
    t = type(value)
    keeps = _KEEPS.get(vtype)
    if keeps is not None:
        if t in keeps or (vtype == "Object" and isinstance(value, ClassInstance)):
            return value
        convert = _CONVERTS.get((vtype, t))
        if convert is not None:
            return convert(value)
        raise _mismatch(value, vtype, name)
    if vtype.startswith("4D."):
        if value is None:
            return None
        if isinstance(value, ClassInstance) and value.CLASS_NAME.lower() == vtype[3:].lower():
            return value
        if t is dict or t is LazyObject or isinstance(value, ClassInstance):
            raise FourDError(E.TYPE_MISMATCH, got="4D." + (value.CLASS_NAME if isinstance(value, ClassInstance)
                                                           else "Object"), expected=vtype, name=name)
        raise _mismatch(value, vtype, name)
    if vtype.startswith("cs."):
        cls = value.user_class() if isinstance(value, ClassInstance) else None
        if cls is not None:                       # a user class instance: of that class or a subclass
            if not cls.is_or_extends(vtype[3:]):
                raise FourDError(E.TYPE_MISMATCH, got=f"cs.{cls.name}", expected=vtype, name=name)
            return value
        if value is None or t is dict or t is LazyObject or isinstance(value, ClassInstance):
            return value
        raise _mismatch(value, vtype, name)
    if vtype == "Pointer":
        if value is None or isinstance(value, Pointer):
            return NIL_POINTER if value is None else value
        raise _mismatch(value, vtype, name)
    return value   # Variant, Picture: not checked


# ---------------------------------------------------------------- arrays (arrays.md, type.md)
# The word of each ARRAY declaration -> the type of its elements (what an element assignment
# coerces to) and Type()'s code for such an array. INTEGER elements are kept on 16 bits.
ARRAY_KINDS = {
    "TEXT": ("Text", 18), "LONGINT": ("Integer", 16), "INTEGER": ("Integer", 15),
    "REAL": ("Real", 14), "BOOLEAN": ("Boolean", 22), "DATE": ("Date", 17), "TIME": ("Time", 32),
    "OBJECT": ("Object", 39), "POINTER": ("Pointer", 20), "PICTURE": ("Picture", 19), "BLOB": ("Blob", 31),
}
ARRAY_2D = 13      # Type() of any two-dimensional array
ARRAY = "Array"    # the declared type of a variable an ARRAY command declares (the compiler's)


def element_default(kind: str):
    return default(ARRAY_KINDS[kind][0])


def coerce_element(kind: str, value, name: str = ""):
    """The value an element of a `kind` array stores (Undefined: the element's default)."""
    vtype = ARRAY_KINDS[kind][0]
    if vtype == "Picture":
        return None if value is UNDEFINED else value
    value = coerce(vtype, value, name)
    if kind == "INTEGER":
        value = ((value + 0x8000) & 0xFFFF) - 0x8000
    return value
