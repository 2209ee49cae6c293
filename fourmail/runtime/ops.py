"""4D operators and member access, as called by compiled code.

Each function takes evaluated 4D values and applies the rules of the concept pages
(operators.md, dt_string.md, dt_number.md, dt_date.md, dt_time.md, dt_null_undefined.md,
dt_object.md). Fast paths come first: plain reals and texts are the common case.
"""
from __future__ import annotations

from math import ceil as _ceil, floor as _floor

from .collections import call_collection_function, push_one
from .conversions import assign_undefined, store_value
from .errors import E, FourDError
from .functions import Formula
from .shared import SHARED, call_collection, guard as _shared_guard
from .types import coerce
from .values import (UNDEFINED, Array, CellPointer, ClassInstance, Date, ElementPointer, LazyObject, Pointer,
                     SlotPointer, Time, is_number, to_longint, truthy, type_name)

_float = float
_int = int
_str = str
_bool = bool
_inf = float("inf")
_nan = float("nan")


def _incompatible(left, op, right):
    return FourDError(E.INCOMPATIBLE_TYPES, left=type_name(left), op=op, right=type_name(right))


def _num(v):
    return type(v) in (_float, _int)


# ---------------------------------------------------------------- arithmetic and text
def add(a, b):
    ta, tb = type(a), type(b)
    if ta is tb and (ta is _float or ta is _str or ta is _int):
        return a + b
    if _num(a) and _num(b):
        return a + b
    if ta is Date and _num(b):
        return a.add_days(b)
    if ta is Time:
        if tb is Time:
            return Time(a.seconds + b.seconds)
        if _num(b):
            return _float(a.seconds + b)
    if _num(a) and tb is Time:
        return _float(a + b.seconds)
    raise _incompatible(a, "+", b)


def sub(a, b):
    if _num(a) and _num(b):
        return a - b
    ta, tb = type(a), type(b)
    if ta is Date:
        if tb is Date:
            return _float(a.ordinal() - b.ordinal())
        if _num(b):
            return a.add_days(-b)
    if ta is Time:
        if tb is Time:
            return Time(a.seconds - b.seconds)
        if _num(b):
            return _float(a.seconds - b)
    raise _incompatible(a, "-", b)


def mul(a, b):
    if _num(a) and _num(b):
        return a * b
    ta, tb = type(a), type(b)
    if ta is _str and _num(b):
        return a * max(to_longint(b), 0)     # "ab"*3 = "ababab" (dt_string.md)
    if ta is Time:
        if tb is Time:
            return Time(a.seconds * b.seconds)
        if _num(b):
            return _float(a.seconds * b)
    raise _incompatible(a, "*", b)


def div(a, b):
    if _num(a) and _num(b):
        if b == 0:
            raise FourDError(E.DIVISION_BY_ZERO)
        return a / b
    ta, tb = type(a), type(b)
    if ta is Time and (tb is Time or _num(b)):
        d = b.seconds if tb is Time else b
        if d == 0:
            raise FourDError(E.DIVISION_BY_ZERO)
        return Time(a.seconds / d) if tb is Time else _float(a.seconds / d)
    raise _incompatible(a, "/", b)


def intdiv(a, b):
    if _num(a) and _num(b):
        if b == 0:
            raise FourDError(E.DIVISION_BY_ZERO)
        q = a / b
        return _float(_int(q)) if q - q == 0 else q   # a\b = Int(a/b) (dt_number.md); INF stays INF
    if type(a) is Time and _num(b):              # Time \ Number is a Number (dt_time.md)
        return intdiv(_float(a.seconds), b)
    raise _incompatible(a, "\\", b)


def mod(a, b):
    # `%` on two texts compares them: Comparison.mod (runtime/compare.py) answers it before this
    if type(a) is _int and -2147483648 <= a <= 2147483647 and type(b) is _float and 1.0 <= b < 2147483648.0:
        r = (a if a >= 0 else -a) % _int(b)     # the common case: what the general rule below gives
        return _float(-r if a < 0 else r)
    if _num(a) and _num(b):
        x, y = to_longint(a), to_longint(b)      # "in the Long Integer range" (dt_number.md)
        if y == 0:
            raise FourDError(E.DIVISION_BY_ZERO)
        r = abs(x) % abs(y)
        return _float(-r if x < 0 else r)    # sign of the dividend, whole numbers (dt_number.md)
    if type(a) is Time:                      # Time % Time is a Time, Time % Number a Number (dt_time.md)
        if type(b) is Time:
            return Time(mod(a.seconds, b.seconds))
        if _num(b):
            return mod(a.seconds, b)
    raise _incompatible(a, "%", b)


def power(a, b):
    if _num(a) and _num(b):
        # Reals are IEEE doubles: past the Real range an infinity, a negative number to a
        # fractional power NaN (Python would answer with a complex number)
        try:
            r = _float(a) ** b
        except ZeroDivisionError:
            raise FourDError(E.DIVISION_BY_ZERO) from None
        except OverflowError:
            if a > 0:
                return _inf
            return _nan if b != _int(b) else _inf if _int(b) % 2 == 0 else -_inf
        return _nan if type(r) is complex else r
    raise _incompatible(a, "^", b)


def negate(a):
    if _num(a):
        return -a
    if type(a) is Time:
        return Time(-a.seconds)
    raise FourDError(E.INCOMPATIBLE_TYPES, left="", op="-", right=type_name(a))


# ---------------------------------------------------------------- comparison
# `=`, `#`, `<`... depend on the process's collation: they are a Comparison's (runtime/compare.py).


# ---------------------------------------------------------------- logical and bitwise
def and_(a, b):
    if type(a) is _bool and type(b) is _bool:
        return a and b
    if _num(a) and _num(b):
        return _float(_to_long(a) & _to_long(b))
    raise _incompatible(a, "&", b)


def or_(a, b):
    if type(a) is _bool and type(b) is _bool:
        return a or b
    if _num(a) and _num(b):
        return _float(_to_long(a) | _to_long(b))
    raise _incompatible(a, "|", b)


def _to_long(v) -> int:
    return to_longint(v) & 0xFFFFFFFF


def _signed(v: int) -> float:
    v &= 0xFFFFFFFF
    return _float(v - 0x100000000 if v & 0x80000000 else v)


def _bits(op):
    def f(a, b):
        if _num(a) and _num(b):
            return op(_to_long(a), to_longint(b))
        raise _incompatible(a, f.symbol, b)
    return f


xor = _bits(lambda a, b: _signed(a ^ (b & 0xFFFFFFFF)))
xor.symbol = "^|"
shl = _bits(lambda a, n: _signed(a << n) if 0 <= n < 32 else 0.0)
shl.symbol = "<<"
shr = _bits(lambda a, n: _signed(a >> n) if 0 <= n < 32 else 0.0)
shr.symbol = ">>"
bit_set = _bits(lambda a, n: _signed(a | (1 << n)) if 0 <= n < 32 else _signed(a))
bit_set.symbol = "?+"
bit_clear = _bits(lambda a, n: _signed(a & ~(1 << n)) if 0 <= n < 32 else _signed(a))
bit_clear.symbol = "?-"
bit_test = _bits(lambda a, n: bool(a & (1 << n)) if 0 <= n < 32 else False)
bit_test.symbol = "??"


def test(v):
    """A condition of If / While / Until / Case of: a Boolean; Undefined counts as False."""
    if v is True or v is False:
        return v
    if v is UNDEFINED:
        return False
    raise FourDError(E.BAD_PARAMETER, name="Condition", detail=f"a Boolean was expected, got {type_name(v)}")


def not_(v):
    """Negation as an operator (WLanguage's NOT; a language may bind its own condition rule)."""
    return not test(v)


def char_range(s, start=None, end=None, count=None):
    """Part of a text, positions 1-based: characters start..end (start None: from the first, end
    None: to the last), or `count` characters from start; what lies outside the text is left out."""
    if type(s) is not _str:
        raise FourDError(E.BAD_PARAMETER, name="[[...]]", detail=f"a Text was expected, got {type_name(s)}")
    b = 1 if start is None else to_longint(number(start, "[[...]]"))
    if count is not None:
        e = b + to_longint(number(count, "[[...]]")) - 1
    else:
        e = len(s) if end is None else to_longint(number(end, "[[...]]"))
    return s[max(b, 1) - 1:max(e, 0)]


# ---------------------------------------------------------------- objects and collections
stored = store_value       # what `$o.p:=v`, `$c[i]:=v` and object/collection literals keep


def get_member(o, name):
    t = type(o)
    if t is dict or t is LazyObject:
        return o.get(name, UNDEFINED)
    if t is list:
        return _float(len(o)) if name == "length" else UNDEFINED
    if isinstance(o, ClassInstance):
        return o.get_property(name)
    if o is None:
        raise FourDError(E.NULL_PROPERTY, name=name)
    return UNDEFINED       # a property of Undefined or of a scalar is Undefined (dt_null_undefined.md)


def get_member_declared(o, name):
    """Property read on a declared Object/Collection variable never assigned: Undefined, length 0."""
    if type(o) is dict:                 # a LazyObject: get_member below
        return o.get(name, UNDEFINED)
    if o is None:
        return 0.0 if name == "length" else UNDEFINED
    return get_member(o, name)


def set_member(rt, o, name, value):
    t = type(o)
    # a number stored as it is; a LazyObject, a shared object: below
    if t is dict and type(value) is _float and not (SHARED and id(o) in SHARED):  # not a LazyObject
        o[name] = value
        return
    if t is dict or t is LazyObject:
        if SHARED and id(o) in SHARED:      # a shared object: only while in use (shared.md)
            value = _shared_guard(o, value)
        if value is UNDEFINED:
            assign_undefined(o, name)
            return
        o[name] = store_value(value)
        return
    if isinstance(o, ClassInstance):
        o.set_property(rt, name, value)
        return
    if t is list:
        raise FourDError(E.READONLY_PROPERTY, name=name, cls="Collection")
    raise FourDError(E.NOT_AN_OBJECT, name=name, what=_describe(o))


def _describe(o):
    if o is UNDEFINED:
        return "an undefined value"
    if o is None:
        return "a Null value"
    return "a " + type_name(o) + " value"


def _index_int(index, what="index"):
    if type(index) is _int:
        return index
    if type(index) is _float:
        return to_longint(index)
    raise FourDError(E.BAD_PARAMETER, name="Collection index", detail=f"a number was expected, got {type_name(index)}")


def get_index(o, index):
    t = type(o)
    if t is list:
        if type(index) is _float and 0.0 <= index < len(o):    # the common case
            return o[_int(index)]
        i = _index_int(index)
        if i < 0:
            raise FourDError(E.INDEX_OUT_OF_RANGE, index=i)
        return o[i] if i < len(o) else UNDEFINED
    if t is dict or t is LazyObject or isinstance(o, ClassInstance):
        if type(index) is not _str:
            raise FourDError(E.BAD_PARAMETER, name="Object property", detail="a text property name was expected")
        return get_member(o, index)
    if o is UNDEFINED:
        return UNDEFINED
    if o is None:
        raise FourDError(E.NULL_PROPERTY, name=str(index))
    raise FourDError(E.NOT_A_COLLECTION, what=_describe(o), index=index)


def set_index(rt, o, index, value):
    t = type(o)
    if t is list:
        i = _index_int(index)
        if i < 0:
            raise FourDError(E.INDEX_OUT_OF_RANGE, index=i)
        if SHARED and id(o) in SHARED:
            value = _shared_guard(o, value)
        if i >= len(o):
            o.extend([None] * (i + 1 - len(o)))   # assigning past the end null-fills (new-collection.md)
        o[i] = store_value(value)
        return
    if t is dict or t is LazyObject or isinstance(o, ClassInstance):
        if type(index) is not _str:
            raise FourDError(E.BAD_PARAMETER, name="Object property", detail="a text property name was expected")
        set_member(rt, o, index, value)
        return
    raise FourDError(E.NOT_AN_OBJECT, name=str(index), what=_describe(o))


def get_char(s, index):
    if type(s) is not _str:
        raise FourDError(E.BAD_PARAMETER, name="[[...]]", detail="character reference needs a Text")
    i = _index_int(index)
    if not 1 <= i <= len(s):
        raise FourDError(E.CHAR_INDEX, index=i)
    return s[i - 1]


def set_char(s, index, value):
    if type(s) is not _str or type(value) is not _str:
        raise FourDError(E.BAD_PARAMETER, name="[[...]]", detail="character reference needs a Text")
    i = _index_int(index)
    if not 1 <= i <= len(s):
        raise FourDError(E.CHAR_INDEX, index=i)
    return s[: i - 1] + value[:1] + s[i:]


def call_member(rt, o, name, args, line=0):
    t = type(o)
    if t is list:
        if SHARED and id(o) in SHARED:
            return call_collection(rt, o, name, args, call_collection_function)
        if name == "push" and len(args) == 1:     # the common case
            return push_one(o, args[0])
        return call_collection_function(rt, o, name, args)
    if isinstance(o, ClassInstance):
        rt.current_line = line
        return o.call_function(rt, name, args)
    if t is dict or t is LazyObject:
        f = o.get(name)
        if type(f) is Formula:               # an object function: This is the object (FunctionClass.md)
            rt.current_line = line
            return f.run(rt, o, list(args))
    raise FourDError(E.NOT_A_FUNCTION, name=name, what="this object" if t is dict or t is LazyObject else _describe(o))


def iterate(source, begin=None, end=None, statement=""):
    """The loop over a collection's elements or an object's property names (cf_looping.md);
    `statement`: the loop as the language spells it, for the error."""
    t = type(source)
    if t is list:
        n = len(source)
        b = 0 if begin is None else to_longint(begin)
        e = n if end is None else to_longint(end)
        if b < 0:
            b = max(b + n, 0)
        if e < 0:
            e = e + n
        return list(source[b:min(e, n)])
    if t is dict or t is LazyObject:
        return list(source.keys())
    if isinstance(source, ClassInstance):
        return list(source._properties().keys())
    if source is None or source is UNDEFINED:
        return []
    raise FourDError(E.BAD_PARAMETER, name=statement, detail=f"cannot iterate over a {type_name(source)}")


def integer_bound(end, up: bool):
    """A For loop's end for an Integer counter: an integer compares with it as the number does
    (i <= 3.5 is i <= 3), and faster."""
    if type(end) is _float and end - end == 0:
        return _floor(end) if up else _ceil(end)
    return end


def number(v, what="For"):
    if _num(v):
        return v
    raise FourDError(E.BAD_PARAMETER, name=what, detail=f"a number was expected, got {type_name(v)}")


# ---------------------------------------------------------------- array elements `{}` (arrays.md)
def _array_index(a, index, name):
    if type(a) is not Array:
        raise FourDError(E.BAD_PARAMETER, name="{}", detail=f"{{...}} needs an array, got {_describe(a)}")
    i = _index_int(index)
    if not 0 <= i < len(a.items):
        raise FourDError(E.BAD_PARAMETER, name=name or "Array",
                         detail=f"element {i} is out of range (the array has {len(a.items) - 1})")
    return i


def get_element(a, index, name=""):
    """`$a{i}`: element i (0: element zero); in a two-dimensional array, row i."""
    if type(a) is Array and type(index) is _float and 0.0 <= index < len(a.items):   # (not a NaN)
        i = _int(index)
        if i == index:
            return a.items[i]
    i = _array_index(a, index, name)
    return a.items[i]


def set_element(rt, a, index, value, name=""):
    """`$a{i}:=v`: the value converted to the array's element type (a row cannot be assigned)."""
    from .types import coerce_element
    i = _array_index(a, index, name)
    if a.rows:      # a row is replaced only by an array of the same kind (a command gives back the row it changed)
        if type(value) is not Array or value.kind != a.kind or value.rows:
            raise FourDError(E.NOT_ASSIGNABLE)
        a.items[i] = value
        return
    a.items[i] = coerce_element(a.kind, value, name or "array element")


def assign_array_variable(current, value, name=""):
    """`$a:=v` on a variable an ARRAY command declared: a number selects an element (arrays.md:
    `atName:=0`), an array (what a declaration gives back) replaces it; anything else is a
    type mismatch ("you cannot assign one array to another": COPY ARRAY copies)."""
    if type(value) is Array:
        return value
    if type(current) is Array and _num(value):
        current.selected = to_longint(value)
        return current
    raise FourDError(E.TYPE_MISMATCH, got=type_name(value), expected=type_name(current) if type(current) is Array
                     else "Array", name=name)


# ---------------------------------------------------------------- pointers `->` (dt_pointer.md)
def _nil():
    return FourDError(E.BAD_PARAMETER, name="->", detail="the pointer is Nil: it points to nothing")


def deref(rt, p):
    """`$p->`: what the pointer points to."""
    if isinstance(p, Pointer):
        if p.name:
            return p.get(rt)
        raise _nil()
    raise FourDError(E.BAD_PARAMETER, name="->", detail=f"a pointer was expected, got {type_name(p)}")


def set_deref(rt, p, value):
    """`$p->:=v`: assign what the pointer points to (a number given to an array selects an
    element: arrays.md "element zero")."""
    if not isinstance(p, Pointer):
        raise FourDError(E.BAD_PARAMETER, name="->", detail=f"a pointer was expected, got {type_name(p)}")
    if not p.name:
        raise _nil()
    current = p.get(rt)
    if type(current) is Array and type(value) is not Array:
        if not _num(value):
            raise FourDError(E.TYPE_MISMATCH, got=type_name(value), expected=type_name(current), name=p.name)
        current.selected = to_longint(value)
        return
    p.set(rt, value)


def pointer_to_cell(cell, name):
    return CellPointer(cell, name, coerce)


def pointer_to_slot(slots, key, name, vtype=None):
    return SlotPointer(slots, key, name, vtype, coerce)


def pointer_to_element(a, index, name, row=None):
    """`->$a{i}` (`row`: the row's number, for `->$a{r}{i}`)."""
    i = _array_index(a, index, name)
    return ElementPointer(a, i, name, None if row is None else to_longint(row), get_element, set_element)


def pointer_of(p):
    """`->($p->)`: the pointer itself."""
    if isinstance(p, Pointer):
        return p
    raise FourDError(E.BAD_PARAMETER, name="->", detail=f"a pointer was expected, got {type_name(p)}")


__all__ = [n for n in dir() if not n.startswith("__")] + ["truthy", "is_number"]
