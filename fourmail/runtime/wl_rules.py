"""WLanguage's operators, conditions and conversions: the rules object of a WLanguage process.

A Runtime whose collation is `collation.WLANGUAGE_COLLATION` compares and computes with a
`WLanguageRules` (a compare.Comparison subclass): the code compiled for it binds the operators
of `code_globals()` instead of 4D's. Sources: ../shared/reference/wlanguage/REFERENCE.md §1.5
(operators), §1.2 (conditions), §2.3 (programming errors).

- `=` on texts is strict: case, accents and blanks count; `@` is an ordinary character (4D's
  wildcard is 4D's only). `<`, `>` order texts by code point: the pages say nothing of the
  order, and it is the one that agrees with a strict `=` (unverified).
- `~=` ignores case, accents and leading and trailing blanks; `~~` also ignores the blanks and
  punctuation inside. `[=` `[~` `[~~` starts with, `[=]` `[~]` `[~~]` contains, `=]` `~]` `~~]`
  ends with, at the same three levels. A number given to them is taken as its text.
- `+` joins a text and a number, on either side, writing the number as WLanguage does
  (587 -> "587", 1.5 -> "1.5"); a Boolean joined to a text is "1" or "0" (chosen: the pages are
  silent; it is how WLanguage counts a Boolean, and it reads the same in English and French
  code). Two numbers add.
- A condition (IF, WHILE, AND, OR, NOT, `? ELSE`) is a Boolean or a number, true when it is not
  0; a text there is a programming error (an exception WHEN EXCEPTION catches). AND and OR
  evaluate both operands; `_AND_` / `_OR_` stop early (the compiler's and_then / or_else).
- `%` (Modulo) keeps the dividend's sign and the fraction (10.5 % 3 = 1.5; unverified).
- Assigning to a declared variable converts: a number or Boolean to a string becomes its text,
  a text to a number is read as `Val` reads it, a real to an integer loses its fraction
  (truncated, then kept on 32 bits).
- `t[[i]]` past either end of the text is "" (as `Middle` is past the end; unverified).
"""
from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from . import ops
from .collation import fold_char
from .compare import Comparison
from .errors import E, ErrorKind, FourDError
from .types import ARRAY_KINDS, coerce as _coerce_4d, coerce_element, default
from .values import UNDEFINED, Array, ClassInstance, Date, Time, type_name

_float, _int, _str, _bool = float, int, str, bool

# Programming errors of WLanguage's own (the 4D runtime's errors keep their codes).
TEXT_CONDITION = ErrorKind(90, "A string cannot be used as a boolean: {what}", "WL")
NOT_A_CONDITION = ErrorKind(91, "A {got} value cannot be used as a boolean", "WL")
TEXT_EXPECTED = ErrorKind(92, "The operator {op} compares strings, not a {got} value", "WL")
THROWN = ErrorKind(0, "{message}", "WL")
# `x..Occurrence` on a number: a value of a simple type has no properties (a wrong parameter, 66)
NO_PROPERTY = ErrorKind(66, "A {what} has no property {name}")        # ExceptionThrow(n, message): code n


# ---------------------------------------------------------------- texts and numbers
def number_text(x) -> str:
    """A number as WLanguage writes it in a text: 587 -> "587", 1.5 -> "1.5", no exponent."""
    if type(x) is _int:
        return str(x)
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "INF" if x > 0 else "-INF"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = format(x, ".15g")          # 0.1 + 0.2 -> "0.3", as a 15-digit real prints
    if "e" in s:
        s = format(Decimal(s), "f")
    return s


def to_text(v) -> str:
    """A value where WLanguage wants a text (`+` with a text, Info, Trace, a string variable)."""
    t = type(v)
    if t is _str:
        return v
    if t is _float or t is _int:
        return number_text(v)
    if t is _bool:
        return "1" if v else "0"
    if v is None or v is UNDEFINED:
        return ""
    from .conversions import to_text as text_4d
    return text_4d(v)


_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def val(s: str) -> float:
    """The number a text starts with (`Val`): "12abc" -> 12, "" and "abc" -> 0."""
    m = _NUMBER.match(s)
    if m is None:
        return 0.0
    try:
        return _float(m.group().strip())
    except ValueError:
        return 0.0


def to_integer(v) -> int:
    """A real stored in an integer: the fraction dropped, then kept on 32 bits."""
    if v - v != 0:              # NaN, an infinity
        return 0
    r = _int(v)
    if -2147483648 <= r <= 2147483647:
        return r
    r &= 0xFFFFFFFF
    return r - 0x100000000 if r & 0x80000000 else r


def coerce(vtype: str, value, name: str = ""):
    """The value a variable declared `vtype` stores when `value` is assigned to it."""
    t = type(value)
    if vtype == "Text":
        if t is _str:
            return value
        if t is _float or t is _int or t is _bool:
            return to_text(value)
    elif vtype == "Integer":
        if t is _int:
            return value
        if t is _float:
            return to_integer(value)
        if t is _bool:
            return 1 if value else 0
        if t is _str:
            return to_integer(val(value))
    elif vtype == "Real":
        if t is _float:
            return value
        if t is _int or t is _bool:
            return _float(value)
        if t is _str:
            return val(value)
    elif vtype == "Boolean":
        if t is _bool:
            return value
        if t is _float or t is _int:
            return value != 0
        if t is _str:
            raise FourDError(TEXT_CONDITION, what=f"the value assigned to {name}")
    return _coerce_4d(vtype, value, name)


# ---------------------------------------------------------------- conditions
def condition(v) -> bool:
    """A Boolean or a number (true when not 0); Null counts as False; a text is an error."""
    if v is True or v is False:
        return v
    t = type(v)
    if t is _float or t is _int:
        return v != 0
    if v is None or v is UNDEFINED:
        return False
    if t is _str:
        raise FourDError(TEXT_CONDITION, what=repr(v if len(v) <= 40 else v[:40] + "..."))
    raise FourDError(NOT_A_CONDITION, got=type_name(v))


def not_(v) -> bool:
    return not condition(v)


def and_(a, b) -> bool:
    """AND: both operands were evaluated (they are arguments), each must be a condition."""
    ca, cb = condition(a), condition(b)
    return ca and cb


def or_(a, b) -> bool:
    ca, cb = condition(a), condition(b)
    return ca or cb


# ---------------------------------------------------------------- flexible comparisons
def flexible_key(s: str) -> str:
    """`~=`: case and accents folded, leading and trailing blanks dropped."""
    s = s.strip()
    if s.isascii():
        return s.lower()
    return "".join(fold_char(c, True, True, False) for c in s)


def very_flexible_key(s: str) -> str:
    """`~~`: also without the blanks and punctuation inside."""
    return "".join(c for c in flexible_key(s)
                   if not (c.isspace() or unicodedata.category(c).startswith("P")))


def _exact(s: str) -> str:
    return s


def _texts(a, b, op: str) -> tuple[str, str]:
    for v in (a, b):
        t = type(v)
        if t is not _str and t is not _float and t is not _int:
            raise FourDError(TEXT_EXPECTED, op=op, got=type_name(v))
    return (a if type(a) is _str else number_text(a)), (b if type(b) is _str else number_text(b))


def _text_operator(op: str, key, test):
    def operator(a, b) -> bool:
        x, y = _texts(a, b, op)
        return test(key(x), key(y))
    operator.__name__ = f"text_operator_{op}"
    return operator


def _equal(x, y):
    return x == y


def _starts(x, y):
    return x.startswith(y)


def _contains(x, y):
    return y in x


def _ends(x, y):
    return x.endswith(y)


# op -> (the compiled code's name, the key of its strictness level, the test)
TEXT_OPERATORS = {
    "~=": ("_feq", flexible_key, _equal), "~~": ("_vfeq", very_flexible_key, _equal),
    "[=": ("_sw", _exact, _starts), "[~": ("_fsw", flexible_key, _starts), "[~~": ("_vfsw", very_flexible_key, _starts),
    "[=]": ("_ct", _exact, _contains), "[~]": ("_fct", flexible_key, _contains),
    "[~~]": ("_vfct", very_flexible_key, _contains),
    "=]": ("_ew", _exact, _ends), "~]": ("_few", flexible_key, _ends), "~~]": ("_vfew", very_flexible_key, _ends),
}


# ---------------------------------------------------------------- parts of texts
def char_at(s, index) -> str:
    """`t[[i]]`: the i-th character (1-based); "" past either end."""
    if type(s) is not _str:
        raise FourDError(E.BAD_PARAMETER, name="[[...]]", detail=f"a string was expected, got {type_name(s)}")
    i = ops.number(index, "[[...]]")
    i = to_integer(i)
    return s[i - 1] if 1 <= i <= len(s) else ""


def optional_concat(s, sep) -> str:
    """`s + [sep]`, `s += [sep]`: s followed by sep, unless s is empty or already ends with it."""
    if type(s) is not _str:
        raise FourDError(E.INCOMPATIBLE_TYPES, left=type_name(s), op="+", right="[separator]")
    sep = sep if type(sep) is _str else to_text(sep)
    return s + sep if s and not s.endswith(sep) else s


def _position(s: str, p, what: str) -> int:
    """A position of `s` that an assignment writes (1-based): outside the string, error 66 (the
    reference says nothing of it: chosen, rather than a string silently grown or left alone)."""
    i = to_integer(ops.number(p, "[[...]]"))
    if not 1 <= i <= len(s):
        raise FourDError(E.BAD_PARAMETER, name="[[...]]",
                         detail=f"the {what} position {i} is outside the string (of {len(s)} characters)")
    return i


def _written(s, value) -> tuple[str, str]:
    if type(s) is not _str:
        raise FourDError(E.BAD_PARAMETER, name="[[...]]", detail=f"a string was expected, got {type_name(s)}")
    return s, value if type(value) is _str else to_text(value)


def set_char(s, index, value) -> str:
    """`t[[i]] = v`: the string with its i-th character replaced by v (all of v)."""
    s, value = _written(s, value)
    i = _position(s, index, "character")
    return s[:i - 1] + value + s[i:]


def set_chars(s, start, end, count, value) -> str:
    """`t[[a TO b]] = v`, `t[[a ON n]] = v`, `t[[a TO]]`, `t[[TO b]]`: the string with that part
    replaced by v. Both ends must lie in the string, the last not before the first (`ON 0`:
    v is put before the first, nothing replaced)."""
    s, value = _written(s, value)
    b = 1 if start is None else _position(s, start, "first")
    if count is not None:
        n = to_integer(ops.number(count, "[[...]]"))
        if n < 0:
            raise FourDError(E.BAD_PARAMETER, name="[[...]]", detail=f"the count {n} is below 0")
        e = _position(s, b + n - 1, "last") if n > 0 else b - 1
    else:
        e = len(s) if end is None else _position(s, end, "last")
        if e < b:
            raise FourDError(E.BAD_PARAMETER, name="[[...]]",
                             detail=f"the last position {e} is before the first {b}")
    return s[:b - 1] + value + s[e:]


# ---------------------------------------------------------------- arrays
# A declared variable's type -> the kind of an array of such elements; any other element type
# (Email, emailAttach...: the language's typed values) is an array of objects. An array of
# Variants (`x is array`) holds any value: its kind is WLanguage's own, unknown to 4D's commands.
VARIANT = "VARIANT"
ARRAY_OF = {"Text": "TEXT", "Integer": "LONGINT", "Real": "REAL", "Boolean": "BOOLEAN", "Date": "DATE",
            "Time": "TIME", "Blob": "BLOB", "Variant": VARIANT}


def new_array(of: str | None) -> Array:
    """An empty array (no element: WLanguage's arrays start at 1; items[0] is never used)."""
    kind = ARRAY_OF.get(of or "Variant", "OBJECT")
    return Array(kind, [UNDEFINED if kind == VARIANT else default(ARRAY_KINDS[kind][0])])


def _array(a, what: str) -> Array:
    if type(a) is not Array or a.rows:
        raise FourDError(E.BAD_PARAMETER, name=what, detail=f"an array was expected, got {type_name(a)}")
    return a


def element_value(a: Array, value, name: str = ""):
    """What an element of `a` stores for `value`: converted as a variable of its type is."""
    if a.kind == VARIANT:
        return ops.stored(value)
    vtype = ARRAY_KINDS[a.kind][0]
    if vtype in ("Text", "Integer", "Real", "Boolean"):
        value = coerce(vtype, value, name or "array element")
    return coerce_element(a.kind, value, name or "array element")


def array_add(a, value) -> float:
    """`Add(arr, v)` / `arr.Add(v)`: v appended; the new number of elements."""
    a = _array(a, "Add")
    a.items.append(element_value(a, value))
    return _float(a.size())


def array_count(a) -> float:
    return _float(_array(a, "ArrayCount").size())


def array_delete_all(a) -> bool:
    a = _array(a, "ArrayDeleteAll")
    del a.items[1:]
    return True


# An array's properties and functions by their folded name (English and French).
_ARRAY_PROPERTIES = {"count": array_count, "occurrence": array_count}
_ARRAY_FUNCTIONS = {"add": array_add, "ajoute": array_add, "count": array_count, "occurrence": array_count,
                    "deleteall": array_delete_all, "supprimetout": array_delete_all}


def fold_name(name: str) -> str:
    """A WLanguage name as names are matched: case, runs of blanks and accents folded
    (`emailOptionSecuriseTLS` is `emailOptionSécuriséTLS`), for functions, constants, types and
    properties alike."""
    decomposed = unicodedata.normalize("NFKD", " ".join(name.split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def get_member(o, name):
    t = type(o)
    if t is Array:
        f = _ARRAY_PROPERTIES.get(fold_name(name))
        if f is None:
            raise FourDError(E.BAD_PARAMETER, name=name, detail="an array has no such property")
        return f(o)
    simple = _SIMPLE_TYPES.get(t)
    if simple is not None:
        raise FourDError(NO_PROPERTY, what=simple, name=name)
    return ops.get_member(o, name)


# The types without properties, as a message names them (4D reads Undefined there: ops.get_member)
_SIMPLE_TYPES = {_float: "number", _int: "number", _bool: "boolean", _str: "string", Date: "date", Time: "time",
                 bytes: "buffer", bytearray: "buffer"}


def call_member(rt, o, name, args, line=0):
    if type(o) is Array:
        f = _ARRAY_FUNCTIONS.get(fold_name(name))
        if f is None:
            raise FourDError(E.NOT_A_FUNCTION, name=name, what="an array")
        return f(o, *args)
    return ops.call_member(rt, o, name, args, line)


def _out_of_range(a, index):
    return FourDError(E.BAD_PARAMETER, name="[]", detail=f"element {number_text(index)} is out of range "
                                                         f"(the array has {a.size()}, the first is 1)")


def _first_is_one(a, index):
    # WLanguage's arrays start at 1: the runtime's element zero is not one of them
    if type(a) is Array and type(index) in (_float, _int) and index < 1:
        raise _out_of_range(a, index)


def get_element(a, index, name=""):
    _first_is_one(a, index)
    return ops.get_element(a, index, name)


def set_element(rt, a, index, value, name=""):
    _first_is_one(a, index)
    if type(a) is Array and not a.rows:
        value = element_value(a, value, name)
        if a.kind == VARIANT:                # (4D's set_element converts to a kind it knows)
            i = to_integer(ops.number(index, "[]"))
            if not 1 <= i <= a.size():
                raise _out_of_range(a, index)
            a.items[i] = value
            return
    ops.set_element(rt, a, index, value, name)


# `t[i]` where the front end could not know t is an array (a property holding one, a Variant):
# an element when it is one, else what 4D's [] reads (a collection's element, an object's property).
def get_index(o, index):
    if type(o) is Array:
        return get_element(o, index)
    return ops.get_index(o, index)


def set_index(rt, o, index, value):
    if type(o) is Array:
        return set_element(rt, o, index, value)
    return ops.set_index(rt, o, index, value)


def iterate(source, begin=None, end=None, statement=""):
    """FOR EACH: an array's elements 1..n, else what 4D's loop walks (a collection...). FOR EACH
    STRING gives its separator as `begin`: the pieces of the text between separators, an empty
    text having none (chosen: the pages read do not say)."""
    if begin is not None:
        if type(source) is not str or type(begin) is not str:
            bad = source if type(source) is not str else begin
            raise FourDError(E.BAD_PARAMETER, name=statement,
                             detail=f"a string and a string separator are expected, got {type_name(bad)}")
        if begin == "":
            raise FourDError(E.BAD_PARAMETER, name=statement, detail="the separator is an empty string")
        return source.split(begin) if source else []
    if type(source) is Array:
        return list(source.items[1:])
    return ops.iterate(source, begin, end, statement)


# ---------------------------------------------------------------- CASE ERROR:
class NonFatalJump(BaseException):
    """A non-fatal error the code did not test, on its way to the code's `CASE ERROR:` label. A
    BaseException: no `WHEN EXCEPTION IN` takes it for an exception (ast.Labelled)."""


_NONFATAL_COUNT = "_wl_nonfatal_errors"      # in the Runtime's instance dictionary


def count_nonfatal(rt) -> None:
    """A function of the process failed with a non-fatal error (commands/wl_errors.py set_error)."""
    rt.__dict__[_NONFATAL_COUNT] = rt.__dict__.get(_NONFATAL_COUNT, 0) + 1


def nonfatal_mark(rt) -> int:
    return rt.__dict__.get(_NONFATAL_COUNT, 0)


def nonfatal_check(rt, mark: int) -> None:
    """After an untested call (ast.Untested): a non-fatal error since `mark` goes to CASE ERROR:."""
    if rt.__dict__.get(_NONFATAL_COUNT, 0) != mark:
        raise NonFatalJump()


# ---------------------------------------------------------------- the rules object
class WLanguageRules(Comparison):
    """WLanguage's comparisons (strict texts, no wildcard) and the operators its compiled code
    calls (`code_globals`)."""

    __slots__ = ()

    # ------------------------------------------------------------ texts
    def text_equal(self, a: str, b: str, wildcard: bool = True) -> bool:
        return a == b

    def wildcard_match(self, text: str, pattern: str) -> bool:
        return text == pattern

    def eq(self, a, b) -> bool:
        ta = type(a)
        if ta is type(b):
            if ta is _float:
                return abs(a - b) < 1e-6
            if ta is _str or ta is _int:
                return a == b
        return self.equal(a, b)

    def equal(self, a, b) -> bool:
        ta, tb = type(a), type(b)
        if (ta is _bool and (tb is _float or tb is _int)) or (tb is _bool and (ta is _float or ta is _int)):
            return _float(a) == _float(b)          # a Boolean is 1 or 0 next to a number
        if a is None or a is UNDEFINED:            # `token <> Null`: a typed value may count as Null
            if isinstance(b, ClassInstance):
                return b.counts_as_null()
        elif b is None or b is UNDEFINED:
            if isinstance(a, ClassInstance):
                return a.counts_as_null()
        return super().equal(a, b)

    def compare(self, a, b, op: str = "<") -> int:
        if type(a) is _str and type(b) is _str:
            return (a > b) - (a < b)             # code points
        return super().compare(a, b, op)

    # ------------------------------------------------------------ arithmetic
    def add(self, a, b):
        ta, tb = type(a), type(b)
        if ta is tb and (ta is _float or ta is _str or ta is _int):
            return a + b
        if ta is _str and (tb is _float or tb is _int or tb is _bool):
            return a + to_text(b)
        if tb is _str and (ta is _float or ta is _int or ta is _bool):
            return to_text(a) + b
        return ops.add(a, b)

    def mod(self, a, b):
        t, u = type(a), type(b)
        if (t is _float or t is _int) and (u is _float or u is _int):
            if b == 0:
                raise FourDError(E.DIVISION_BY_ZERO)
            r = math.fmod(a, b)
            return _float(r)
        raise FourDError(E.INCOMPATIBLE_TYPES, left=type_name(a), op="%", right=type_name(b))

    def is_in(self, v, values) -> bool:
        """`v IN (a, b...)`: equal (strictly) to one of them."""
        same = self.same_value
        items = values.items[1:] if type(values) is Array else values
        return any(same(v, x, False) for x in items)

    def code_globals(self) -> dict:
        """The names compiled code calls that differ from 4D's (compiler/codegen.py runtime_globals)."""
        g = {"_add": self.add, "_mod": self.mod, "_modn": self.mod, "_test": condition, "_truthy": condition,
             "_not": not_, "_land": and_, "_lor": or_, "_in": self.is_in, "_getc": char_at,
             "_setc": set_char, "_setchars": set_chars, "_optcat": optional_concat,
             "_coerce": coerce, "_to_int": to_integer, "_iterate": iterate, "_getm": get_member,
             "_getm_decl": get_member, "_call": call_member, "_gete": get_element, "_sete": set_element,
             "_geti": get_index, "_seti": set_index, "_NonFatalJump": NonFatalJump,
             "_nonfatal_mark": nonfatal_mark, "_nonfatal_check": nonfatal_check}
        for op, (name, key, test) in TEXT_OPERATORS.items():
            g[name] = _text_operator(op, key, test)
        return g

    # How a real becomes an integer when the compiler converts a literal (codegen typed_value).
    to_integer = staticmethod(to_integer)
