"""4D runtime values and how Python represents them.

Mapping (chosen for speed: the common cases are plain Python objects):

    4D Text        -> str
    4D Real        -> float          (number literals and numbers stored in objects)
    4D Integer     -> int            (only variables declared Integer/Longint hold ints)
    4D Boolean     -> bool
    4D Null        -> None
    4D Undefined   -> UNDEFINED      (a singleton, distinct from Null)
    4D Object      -> dict           (insertion ordered, property names case-sensitive), or a
                      LazyObject: a dict filled on first use (received mail)
    4D Collection  -> list
    4D Blob        -> bytes
    4D Date        -> Date           (value class: 4D has a null date !00-00-00!)
    4D Time        -> Time           (a number of seconds)
    class instances (4D.File, transporters...) -> subclasses of ClassInstance
"""
from __future__ import annotations

import datetime as _dt
from typing import Any


LONGINT_MIN, LONGINT_MAX = -2 ** 31, 2 ** 31 - 1


def to_longint(v: float) -> int:
    """A number used where 4D wants a Longint (an index, a count, a mode, a number of seconds):
    truncated toward zero. Out of the Longint range "the conversion will not return a valid
    value" (dt_number.md): it wraps to 32 bits, as an assignment to an Integer does
    (types.to_integer), and a NaN or an infinity gives 0. Python's int() would raise on those."""
    if v - v != 0:                        # NaN or an infinity
        return 0
    r = int(v)
    if LONGINT_MIN <= r <= LONGINT_MAX:
        return r
    r &= 0xFFFFFFFF
    return r - 0x100000000 if r & 0x80000000 else r


def is_whole(v: float) -> bool:
    """A number without a fractional part (an infinity or a NaN is not one)."""
    return v - v == 0 and v == int(v)


class _Undefined:
    """The 4D `undefined` value: what reading a missing property yields."""

    __slots__ = ()
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_Undefined, ())


UNDEFINED = _Undefined()


class Date:
    """A 4D date; year 0 / month 0 / day 0 is the null date !00-00-00!. A day that is not in the
    calendar (!2024-02-30!) is the null date, as `Date("2024-02-30")` is (date.md): one rule for
    literals, conversions and arithmetic."""

    __slots__ = ("year", "month", "day")

    def __init__(self, year: int = 0, month: int = 0, day: int = 0):
        if (year or month or day) and not (0 < year <= 9999 and 0 < month <= 12 and 0 < day <= 28
                                           or _valid_day(year, month, day)):
            year = month = day = 0
        self.year, self.month, self.day = year, month, day

    @classmethod
    def from_py(cls, d: _dt.date) -> "Date":
        return cls(d.year, d.month, d.day)

    def is_null(self) -> bool:
        return self.year == 0 and self.month == 0 and self.day == 0

    def to_py(self) -> _dt.date | None:
        if self.is_null():
            return None
        return _dt.date(self.year, self.month, self.day)

    def ordinal(self) -> int:
        d = self.to_py()
        return 0 if d is None else d.toordinal()

    def add_days(self, n: float) -> "Date":
        """The date n days later; past the dates a Date can hold, the null date (4D's date
        range is 1/1/100 to 12/31/32767, dt_date.md; fourmail's ends at 9999)."""
        d = self.to_py()
        if d is None:
            return Date()
        if not abs(n) < 4e6:                 # also a NaN or an infinity: past any date
            return Date()
        try:
            return Date.from_py(d + _dt.timedelta(days=int(n)))
        except OverflowError:
            return Date()

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Date) and (self.year, self.month, self.day) == (other.year, other.month, other.day)

    def __hash__(self) -> int:
        return hash((self.year, self.month, self.day))

    def __repr__(self) -> str:
        return f"!{self.iso()}!"


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        _dt.date(year, month, day)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


class Time:
    """A 4D time: a signed number of seconds (may exceed 24 h)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float = 0):
        self.seconds = to_longint(seconds)

    def hms(self) -> str:
        s = self.seconds
        sign = "-" if s < 0 else ""
        s = abs(s)
        return f"{sign}{s // 3600:02d}:{(s % 3600) // 60:02d}:{s % 60:02d}"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Time) and self.seconds == other.seconds

    def __hash__(self) -> int:
        return hash(("time", self.seconds))

    def __repr__(self) -> str:
        return f"?{self.hms()}?"


class ClassInstance:
    """Base of objects that are instances of a 4D class (4D.File, 4D.SMTPTransporter, ...).

    Subclasses declare:
      CLASS_NAME         e.g. "SMTPTransporter" (shown as 4D.SMTPTransporter)
      _properties()      -> dict of readable properties (what JSON/REPL display shows)
      READONLY           True if every property is read-only (assignment is a 4D error)
      member functions   as Python methods named fn_<name>(self, rt, *args)
    """

    CLASS_NAME = "Object"
    READONLY = True

    def user_class(self):
        """The user class (`cs.X`) it is an instance of; None for a built-in class."""
        return None

    def is_secret_property(self, name: str) -> bool:
        """True for a property whose value is a secret though its name does not say so (the
        REPL then masks it); the name rule (secret_names.py) covers the others."""
        return False

    def counts_as_null(self) -> bool:
        """True for a value a language compares equal to Null (WLanguage's AuthToken that holds
        no valid token); 4D compares no instance equal to Null."""
        return False

    def _properties(self) -> dict:
        return {}

    def get_property(self, name: str) -> Any:
        return self._properties().get(name, UNDEFINED)

    def set_property(self, rt, name: str, value: Any) -> None:
        from .errors import FourDError, E
        raise FourDError(E.READONLY_PROPERTY, name=name, cls=f"4D.{self.CLASS_NAME}")

    def remove_property(self, rt, name: str) -> None:
        """OB REMOVE: for built-in classes, what assigning Undefined does."""
        self.set_property(rt, name, UNDEFINED)

    def has_function(self, name: str) -> bool:
        return callable(getattr(self, "fn_" + name, None))

    def call_function(self, rt, name: str, args: list) -> Any:
        fn = getattr(self, "fn_" + name, None)
        if fn is None:
            from .errors import FourDError, E
            raise FourDError(E.UNKNOWN_MEMBER_FUNCTION, name=name, cls=f"4D.{self.CLASS_NAME}")
        check_arity(f"4D.{self.CLASS_NAME}.{name}()", fn, len(args))
        return fn(rt, *args)

    def function_names(self) -> list[str]:
        return sorted(n[3:] for n in dir(self) if n.startswith("fn_"))

    def __repr__(self) -> str:
        return f"<4D.{self.CLASS_NAME}>"


# ---------------------------------------------------------------- member function signatures
_ARITY: dict = {}


def arity(fn) -> tuple[int, int | None]:
    """(required, most) parameters of a member function or command implementation, read once from
    its Python signature after `rt`: a parameter without a default is required, `*args` means no
    upper bound. The signature is the documented one (a parameter the 4D page marks optional has
    a default, usually UNDEFINED)."""
    key = getattr(fn, "__func__", fn)
    found = _ARITY.get(key)
    if found is None:
        import inspect
        params = list(inspect.signature(key).parameters.values())
        params = params[2:] if params and params[0].name == "self" else params[1:]   # self, rt
        required = sum(1 for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty)
        most = None if any(p.kind is p.VAR_POSITIONAL for p in params) else \
            sum(1 for p in params if p.kind is p.POSITIONAL_OR_KEYWORD)
        found = _ARITY[key] = (required, most)
    return found


def check_arity(name: str, fn, count: int) -> None:
    """4D's parameter-count errors for a call of `fn` with `count` parameters."""
    check_count(name, *arity(fn), count)


def check_count(name: str, required: int, most: int | None, count: int) -> None:
    """Too many parameters or a required one missing: 4D's error (errors.py, code 65)."""
    if count < required or (most is not None and count > most):
        from .errors import FourDError, E
        expected = (f"{required}" if most == required else f"{required} to {most}" if most is not None
                    else f"at least {required}")
        problem = "missing parameter" if count < required else "too many parameters"
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=name,
                         detail=f"{problem}: {expected} expected, {count} passed")


# ---------------------------------------------------------------- objects filled on first use
class LazyObject(dict):
    """A 4D Object whose properties are computed the first time the object is used.

    Why: `getMails()` of a thousand messages should cost what the transfer costs, not a thousand
    MIME parses the program may never look at. The object starts with its `ready` properties
    (those known without the costly work) and a `fill` function giving all the others. Reading a
    ready property leaves it unfilled; anything else (reading another property, listing, copying,
    changing, comparing) fills it once, after which it is an ordinary dict. Ready values win over
    filled ones and filled properties come first, as if the object had been built eagerly and
    the ready properties set on it afterwards.

    It is a dict, so isinstance(v, dict) holds; the runtime's `type(v) is dict` fast paths name
    LazyObject beside dict (tests/test_lazy_object.py checks that none forgets it). Every dict
    method that reads or writes is overridden, so C code that goes through the mapping protocol
    (dict(v), {**v}, json, copy, pickle) sees the filled object too.
    """

    __slots__ = ("_fill",)

    def __init__(self, ready: dict, fill):
        dict.__init__(self, ready)
        self._fill = fill

    def filled(self) -> bool:
        return self._fill is None

    def _force(self) -> None:
        fill = self._fill
        if fill is None:
            return
        full = fill()
        ready = dict(dict.items(self))
        dict.clear(self)
        dict.update(self, full)
        dict.update(self, ready)
        self._fill = None

    # reads that a ready property answers without filling
    def __getitem__(self, key):
        if self._fill is not None and not dict.__contains__(self, key):
            self._force()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        if self._fill is not None and not dict.__contains__(self, key):
            self._force()
        return dict.get(self, key, default)

    def __contains__(self, key):
        if self._fill is not None and not dict.__contains__(self, key):
            self._force()
        return dict.__contains__(self, key)

    # everything else fills first
    def _filled(name):
        method = getattr(dict, name)

        def filled_first(self, *args, **kwargs):
            if self._fill is not None:
                self._force()
            return method(self, *args, **kwargs)
        filled_first.__name__ = name
        return filled_first

    for _name in ("__iter__", "__len__", "__reversed__", "__or__", "__ror__", "__ior__",
                  "__setitem__", "__delitem__", "keys", "values", "items", "copy", "pop", "popitem",
                  "setdefault", "update", "clear", "__sizeof__"):
        locals()[_name] = _filled(_name)
    del _filled, _name

    def __eq__(self, other):
        # dict's comparison reads the other dict's storage directly: fill both
        for o in (self, other):
            if type(o) is LazyObject and o._fill is not None:
                o._force()
        return dict.__eq__(self, other)

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None

    @classmethod
    def fromkeys(cls, *args):
        return dict.fromkeys(*args)

    def __repr__(self) -> str:
        if self._fill is not None:
            self._force()
        return dict.__repr__(self)

    def __reduce_ex__(self, protocol):
        # copies and pickles are plain, filled dicts
        return (dict, (dict(self.items()),))


# ---------------------------------------------------------------- type names

def type_name(v: Any) -> str:
    """The 4D name of a value's type, as used in error messages and Value type."""
    if v is UNDEFINED:
        return "Undefined"
    if v is None:
        return "Null"
    t = type(v)
    if t is str:
        return "Text"
    if t is bool:
        return "Boolean"
    if t is float:
        return "Real"
    if t is int:
        return "Integer"
    if t is dict or t is LazyObject:
        return "Object"
    if t is list:
        return "Collection"
    if t is bytes or t is bytearray:
        return "Blob"
    if t is Date:
        return "Date"
    if t is Time:
        return "Time"
    if isinstance(v, ClassInstance):
        return "Object"
    if t is Array:
        return "Array" if v.rows else v.kind.capitalize() + " array"
    if isinstance(v, Pointer):
        return "Pointer"
    return t.__name__


def is_number(v: Any) -> bool:
    t = type(v)
    return t is float or t is int


def is_object(v: Any) -> bool:
    t = type(v)
    return t is dict or t is LazyObject or isinstance(v, ClassInstance)


def truthy(v: Any) -> bool:
    """4D truthiness (operators.md "Truthy and falsy"): used by && || and ?:."""
    if v is None or v is UNDEFINED or v is False:
        return False
    t = type(v)
    if t is str or t is dict or t is list or t is LazyObject:
        return len(v) > 0
    if t is Date:
        return not v.is_null()
    return True


def copy_value(v: Any, resolve=None) -> Any:
    """Deep copy of an object/collection tree (OB Copy, collection.copy()); with `resolve`, a
    pointer in it is replaced by `resolve(pointer)`, the value it points to (ck resolve pointers)."""
    t = type(v)
    if t is dict or t is LazyObject:
        return {k: copy_value(x, resolve) for k, x in v.items()}
    if t is list:
        return [copy_value(x, resolve) for x in v]
    if resolve is not None and isinstance(v, Pointer):
        return copy_value(resolve(v), resolve)
    return v


# ---------------------------------------------------------------- arrays (arrays.md)
class Array:
    """A 4D array: `items[0]` is element zero, `items[1..n]` the elements (arrays.md). `kind` is
    the declaration's word (TEXT, LONGINT...: types.ARRAY_KINDS); a two-dimensional array is an
    array whose elements are rows, arrays of the same kind (`rows` True). `selected` is the
    array's selected element (`$a:=2` through a pointer, Find in array's usual target).
    Arrays are variables, not objects: they are not values of an object, a collection or JSON."""

    __slots__ = ("kind", "items", "rows", "selected")

    def __init__(self, kind: str, items: list, rows: bool = False):
        self.kind, self.items, self.rows, self.selected = kind, items, rows, 0

    def size(self) -> int:
        return len(self.items) - 1

    def __repr__(self) -> str:
        return f"<4D {self.kind} array of {self.size()}>"


# ---------------------------------------------------------------- pointers (dt_pointer.md)
class Cell:
    """A local variable some pointer refers to (`->$x`): the compiler keeps it in a cell, so the
    pointer sees the variable itself, later assignments included."""

    __slots__ = ("value", "vtype")

    def __init__(self, value: Any = UNDEFINED, vtype: str | None = None):
        self.value = value
        self.vtype = vtype        # its declared type: what a pointer's assignment converts to


class Pointer:
    """A reference to a variable, an array or an array element. `get(rt)` / `set(rt, v)` read
    and write what it points to; two pointers are equal when they point to the same thing;
    `resolve()` gives RESOLVE POINTER's (name, table or element number, field or column)."""

    __slots__ = ("name",)

    def __init__(self, name: str = ""):
        self.name = name

    def target(self):
        """What identifies the thing pointed to (pointer equality)."""
        return None

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Pointer) and self.target() == other.target()

    def __hash__(self) -> int:
        return hash(self.target())

    def resolve(self) -> tuple[str, int, int]:
        return (self.name, -1, -1)

    def __repr__(self) -> str:
        return f"->{self.name}" if self.name else "Nil pointer"


class _NilPointer(Pointer):
    __slots__ = ()

    def target(self):
        return ("nil",)

    def resolve(self) -> tuple[str, int, int]:
        return ("", 0, 0)


NIL_POINTER = _NilPointer()


class CellPointer(Pointer):
    """`->$x`: a local variable of a running method (its cell). `store` converts what is written
    through it to the variable's declared type (types.coerce, given by the operators)."""

    __slots__ = ("cell", "store")

    def __init__(self, cell: Cell, name: str, store):
        super().__init__(name)
        self.cell, self.store = cell, store

    def target(self):
        return ("cell", id(self.cell))

    def get(self, rt):
        return self.cell.value

    def set(self, rt, value):
        vtype = self.cell.vtype
        if vtype:
            value = self.store(vtype, value, self.name)
        self.cell.value = value


class SlotPointer(Pointer):
    """`->$x` where locals live in a dict (the REPL's): that dict's entry."""

    __slots__ = ("slots", "key", "vtype", "store")

    def __init__(self, slots: dict, key: str, name: str, vtype: str | None, store):
        super().__init__(name)
        self.slots, self.key, self.vtype, self.store = slots, key, vtype, store

    def target(self):
        return ("slot", id(self.slots), self.key)

    def get(self, rt):
        return self.slots.get(self.key, UNDEFINED)

    def set(self, rt, value):
        if self.vtype:
            value = self.store(self.vtype, value, self.name)
        self.slots[self.key] = value


class ProcessPointer(Pointer):
    """`->name`, `-><>name`: a process or interprocess variable, read in the running process."""

    __slots__ = ("key",)

    def __init__(self, name: str):
        super().__init__(name)
        self.key = name.casefold()

    def target(self):
        return ("process", self.key)

    def get(self, rt):
        return rt.get_process_var(self.name)

    def set(self, rt, value):
        rt.set_process_var(self.name, value)


class ElementPointer(Pointer):
    """`->arr{2}`, `->arr{1}{5}`: an element of an array (of a row, in a 2D array). Reading and
    writing go through the element rules it is given (ops.get_element / set_element: the
    operators are built on the values, not the other way round)."""

    __slots__ = ("array", "index", "row", "_read", "_write")

    def __init__(self, array: Array, index: int, name: str, row: int | None, read, write):
        super().__init__(name)
        self.array, self.index, self.row = array, index, row
        self._read, self._write = read, write

    def target(self):
        return ("element", id(self.array), self.index)

    def get(self, rt):
        return self._read(self.array, self.index)

    def set(self, rt, value):
        self._write(rt, self.array, self.index, value)

    def resolve(self) -> tuple[str, int, int]:
        if self.row is not None:
            return (self.name, self.row, self.index)
        return (self.name, self.index, -1)


class SortOrder:
    """`>` or `<` given as a parameter (SORT ARRAY($a;>))."""

    __slots__ = ("ascending",)

    def __init__(self, ascending: bool):
        self.ascending = ascending

    def __repr__(self) -> str:
        return ">" if self.ascending else "<"


ASCENDING, DESCENDING = SortOrder(True), SortOrder(False)
