"""Objects and collections commands: New object, New collection, OB ..., JSON, Value type.

Storage rules (new-object.md, ob-set.md, ob-get.md): numbers are stored as reals, times as a
number of seconds (Real); dates keep the Date type (the "date type" setting, default for
projects): runtime/conversions.py. JSON Stringify writes dates as "YYYY-MM-DD"
(runtime/jsontext.py) and JSON Parse reads such strings back as dates (json-stringify.md,
dt_date.md note).
"""
from __future__ import annotations

import json
import math
import re

from ..runtime.conversions import assign_undefined, store_value, to_text
from ..runtime.datetext import parse_date, parse_time
from ..runtime.errors import E, FourDError
from ..runtime.jsontext import stringify
from ..runtime.values import UNDEFINED, Array, ClassInstance, Date, LazyObject, Pointer, Time, copy_value, to_longint, type_name
from ..runtime.values import is_object as _is_object
from ..runtime.shared import SHARED, copy_with_options, guard as shared_guard
from .text import num

# Field and Variable Types constants (value-type.md)
IS_REAL, IS_TEXT, IS_PICTURE, IS_DATE, IS_UNDEFINED, IS_BOOLEAN = 1, 2, 3, 4, 5, 6
IS_LONGINT, IS_TIME, IS_VARIANT, IS_POINTER, IS_BLOB, IS_OBJECT, IS_COLLECTION, IS_NULL = 9, 11, 12, 23, 30, 38, 42, 255


def _prop_name(cmd: str, name) -> str:
    if type(name) is not str:
        raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a property name must be a Text, got {type_name(name)}")
    return name


# ---------------------------------------------------------------- New object / New collection


def new_object(rt, *args):
    """New object {( property ; value {; ...} )}; an Undefined value creates nothing."""
    if len(args) % 2:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name="New object",
                         detail="properties and values must be passed in pairs")
    o = {}
    for i in range(0, len(args), 2):
        name = _prop_name("New object", args[i])
        v = args[i + 1]
        if v is not UNDEFINED:
            o[name] = store_value(v)
    return o


def new_collection(rt, *args):
    """New collection {( value {; ...} )}; Undefined is stored as null."""
    return [None if v is UNDEFINED else store_value(v) for v in args]


# ---------------------------------------------------------------- OB commands


def _obj_arg(cmd: str, o, allow_null=True):
    if _is_object(o):
        return o
    if allow_null and (o is None or o is UNDEFINED):
        return None
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"an Object was expected, got {type_name(o)}")


def _items(o) -> list[tuple[str, object]]:
    if isinstance(o, dict):
        return [(k, v) for k, v in o.items() if v is not UNDEFINED]
    return list(o._properties().items())


def ob_keys(rt, o):
    o = _obj_arg("OB Keys", o)
    return [] if o is None else [k for k, _ in _items(o)]


def ob_values(rt, o):
    o = _obj_arg("OB Values", o)
    return [] if o is None else [v for _, v in _items(o)]


def ob_entries(rt, o):
    o = _obj_arg("OB Entries", o)
    return [] if o is None else [{"key": k, "value": v} for k, v in _items(o)]


def ob_copy(rt, o, *options):
    """Deep copy (ob-copy.md), never shared unless `ck shared` is passed (shared.md
    "Duplication"); with `ck resolve pointers` the copy holds the values pointed to."""
    if type(o) is not list:
        o = _obj_arg("OB Copy", o)
        if o is None or isinstance(o, ClassInstance):
            return o
    if options:
        return copy_with_options(rt, o, options[0], options[1] if len(options) > 1 else None, "OB Copy")
    return copy_value(o)


def ob_is_empty(rt, o):
    """True if the object is undefined/null or has no property (ob-is-empty.md)."""
    o = _obj_arg("OB Is empty", o)
    return o is None or not _items(o)


def ob_is_defined(rt, o, *prop):
    """Without property: is the object initialized; with: does the property exist (ob-is-defined.md)."""
    o = _obj_arg("OB Is defined", o)
    if not prop:
        return o is not None
    name = _prop_name("OB Is defined", prop[0])
    if o is None:
        return False
    if isinstance(o, dict):
        return name in o and o[name] is not UNDEFINED
    return o.get_property(name) is not UNDEFINED


def convert_to_type(v, vtype: int):
    """A value converted to a Field and Variable Types constant (ob-get.md *type*)."""
    if vtype in (IS_REAL, IS_LONGINT):
        if v is None or v is UNDEFINED:
            n = 0.0
        elif type(v) is Date:
            n = 0.0
        elif type(v) in (dict, list, LazyObject):
            n = 0.0
        else:
            n = num(None, v)
        if vtype == IS_LONGINT:
            return int(n) if math.isfinite(n) else 0
        return n
    if vtype == IS_TEXT:
        return to_text(v)
    if vtype == IS_BOOLEAN:
        from .language import bool_
        return bool_(None, v)
    if vtype == IS_DATE:
        if type(v) is Date:
            return v
        return parse_date(v) if type(v) is str else Date()
    if vtype == IS_TIME:
        if type(v) is Time:
            return v
        if type(v) is str:
            return parse_time(v)
        return Time(v) if type(v) in (float, int) else Time(0)
    if vtype == IS_OBJECT:
        return v if _is_object(v) else None
    if vtype == IS_COLLECTION:
        return v if type(v) is list else None
    if vtype == IS_NULL:
        return None
    return v


def ob_get(rt, o, prop, *vtype):
    """OB Get ( object ; property {; type} ); a missing property is Undefined."""
    name = _prop_name("OB Get", prop)
    obj = _obj_arg("OB Get", o)
    if obj is None:
        if o is None:
            raise FourDError(E.NULL_PROPERTY, name=name)
        v = UNDEFINED
    elif isinstance(obj, dict):
        v = obj.get(name, UNDEFINED)
    else:
        v = obj.get_property(name)
    if vtype:
        t = vtype[0]
        return convert_to_type(v, to_longint(t) if type(t) in (float, int) else 0)
    return v


def ob_set(rt, o, *pairs):
    """OB SET ( object ; property ; value {; ...} ).

    Returns the object: a new one when `o` is Null (OB SET initializes an uninitialized object
    variable); the evaluator assigns that result back to the first argument variable.
    """
    if len(pairs) % 2 or not pairs:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name="OB SET", detail="properties and values must be passed in pairs")
    obj = _obj_arg("OB SET", o)
    if obj is None:
        obj = {}
    for i in range(0, len(pairs), 2):
        name = _prop_name("OB SET", pairs[i])
        v = pairs[i + 1]
        if isinstance(obj, ClassInstance):
            obj.set_property(rt, name, v)
        elif SHARED and id(obj) in SHARED and (v := shared_guard(obj, v)) is UNDEFINED:
            assign_undefined(obj, name)
        elif v is UNDEFINED:
            assign_undefined(obj, name)
        else:
            obj[name] = store_value(v)
    return obj


def ob_remove(rt, o, prop):
    """OB REMOVE ( object ; property ); returns the object (or Null)."""
    name = _prop_name("OB REMOVE", prop)
    obj = _obj_arg("OB REMOVE", o)
    if isinstance(obj, dict):
        obj.pop(name, None)
    elif isinstance(obj, ClassInstance):
        obj.remove_property(rt, name)
    return obj


# ---------------------------------------------------------------- JSON


def json_stringify(rt, value, *star):
    """JSON Stringify ( value {; *} ): `*` pretty-prints with tabs (json-stringify.md)."""
    return stringify(value, bool(star))


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _from_json(v):
    t = type(v)
    if t is dict:                   # json.loads makes plain dicts
        return {k: _from_json(x) for k, x in v.items()}
    if t is list:
        return [_from_json(x) for x in v]
    if t is int:
        return float(v)
    if t is str and _ISO_DATE.match(v):
        d = parse_date(v)
        return d if not d.is_null() else v
    return v


def parse_json(text: str):
    """Parse JSON text into 4D values (numbers are reals, "YYYY-MM-DD" strings are dates)."""
    try:
        raw = json.loads(text, parse_constant=lambda c: None)
    except (ValueError, RecursionError) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise FourDError(E.BAD_PARAMETER, name="JSON Parse", detail=f"invalid JSON ({detail})") from None
    return _from_json(raw)


def json_parse(rt, text, *args):
    """JSON Parse ( jsonString {; type} ) (json-parse.md)."""
    if type(text) is not str:
        raise FourDError(E.BAD_PARAMETER, name="JSON Parse", detail=f"a Text was expected, got {type_name(text)}")
    value = parse_json(text)
    if args and type(args[0]) in (float, int):
        vtype = to_longint(args[0])
        if vtype == IS_DATE and type(value) is str:
            return parse_date(value)
        return convert_to_type(value, vtype)
    return value


def value_type(rt, v):
    """Value type: the Field and Variable Types constant of a value (value-type.md)."""
    t = type(v)
    if t is float:
        return IS_REAL
    if t is int:
        return IS_LONGINT
    if t is str:
        return IS_TEXT
    if t is bool:
        return IS_BOOLEAN
    if t is Date:
        return IS_DATE
    if t is Time:
        return IS_TIME
    if v is UNDEFINED:
        return IS_UNDEFINED
    if v is None:
        return IS_NULL
    if t is dict or t is LazyObject or isinstance(v, ClassInstance):
        return IS_OBJECT
    if t is list:
        return IS_COLLECTION
    if t is bytes or t is bytearray:
        return IS_BLOB
    if isinstance(v, Pointer):
        return IS_POINTER
    if t is Array:           # an array evaluates to its selected element's number (value-type.md)
        return IS_REAL
    return IS_VARIANT


# ---------------------------------------------------------------- types and classes of values


def ob_get_type(rt, o, prop):
    """OB Get type ( object ; property ): the Value type of the property, Is undefined when it
    is missing (ob-get-type.md)."""
    name = _prop_name("OB Get type", prop)
    obj = _obj_arg("OB Get type", o)
    if obj is None:
        return IS_UNDEFINED
    v = obj.get(name, UNDEFINED) if isinstance(obj, dict) else obj.get_property(name)
    return value_type(rt, v)


def _class_of(rt, v):
    """The class object of a value, or None (ob-class.md): a user class, a built-in 4D class, or
    4D.Object / 4D.Collection for plain objects and collections."""
    from ..runtime.classes import BUILTIN_CLASSES, COMPONENT_CLASSES, Class4D
    from ..runtime.userclasses import UserObject
    if isinstance(v, UserObject):
        return v.cls
    if isinstance(v, Class4D) or getattr(v, "CLASS_NAME", None) == "Class":
        return Class4D("4D", "Class", None)
    component = getattr(v, "COMPONENT", None)         # a component's class: cs.NetKit.OAuth2Provider
    if isinstance(v, ClassInstance) and component:
        return Class4D(f"cs.{component}", v.CLASS_NAME, COMPONENT_CLASSES.get(component, {}).get(v.CLASS_NAME))
    if isinstance(v, ClassInstance):
        return Class4D("4D", v.CLASS_NAME, BUILTIN_CLASSES.get(v.CLASS_NAME))
    if type(v) in (dict, LazyObject):
        return Class4D("4D", "Object", None)
    if type(v) is list:
        return Class4D("4D", "Collection", None)
    return None


def ob_class(rt, o):
    """OB Class ( object ): the class of the object, Null for a value that is not an object."""
    return _class_of(rt, o)


def _same_class(a, b) -> bool:
    from ..runtime.classes import Class4D
    if isinstance(a, Class4D) and isinstance(b, Class4D):
        return a.store == b.store and a.name.casefold() == b.name.casefold()
    return a is b


def ob_instance_of(rt, o, cls):
    """OB Instance of ( object ; class ): is the object of this class or of a class inheriting from
    it (ob-instance-of.md). Every object is an instance of 4D.Object."""
    from ..runtime.classes import Class4D
    from ..runtime.userclasses import UserClass
    if not isinstance(cls, (Class4D, UserClass)):
        raise FourDError(E.BAD_PARAMETER, name="OB Instance of", detail=f"a class was expected, got {type_name(cls)}")
    c = _class_of(rt, o)
    if c is None:
        return False
    if isinstance(cls, Class4D) and cls.store == "4D" and cls.name == "Object" and type(o) is not list:
        return True                       # the root of every object class
    while c is not None:
        if _same_class(c, cls):
            return True
        c = getattr(c, "superclass", None)
    return False
