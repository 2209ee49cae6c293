"""4D comparison rules: `=`, `#`, `<`, `>`, `<=`, `>=`, `%` and the `@` wildcard.

- Text: compared with the process's collation (4D's: case- and diacritic-insensitive); `@` in the
  right operand matches any run of characters, two consecutive `@@` never match; for `<`/`>` only
  a trailing `@` counts (dt_string.md "String comparisons", "Wilcard character").
- Reals: equal when their difference is below epsilon 10^-6 (dt_number.md "Real comparison").
- Null / Undefined: see the tables of dt_null_undefined.md.
- Objects and collections: compared by reference.

A `Comparison` applies these rules with one collation; a Runtime makes one for its collation
(`rt.compare`), and the code compiled for it calls that one's operators.
"""
from __future__ import annotations

import re

from .errors import E, FourDError
from .ops import mod as _modulo
from .values import UNDEFINED, ClassInstance, Date, LazyObject, Pointer, Time, type_name

EPSILON = 1e-6

_str, _float, _int = str, float, int


def _incompatible(a, op, b):
    return FourDError(E.INCOMPATIBLE_TYPES, left=type_name(a), op=op, right=type_name(b))


def _as_num(v):
    """Numbers and times compare as numbers (dt_time.md: a time can be treated as a number)."""
    t = type(v)
    if t is float or t is int:
        return v
    if t is Time:
        return v.seconds
    return None


def _is_ref(v) -> bool:
    t = type(v)
    return t is dict or t is list or t is LazyObject or isinstance(v, ClassInstance)


def _cmp(x, y) -> int:
    return (x > y) - (x < y)


_WORDS = re.compile(r"\w+")


class Comparison:
    """The comparison rules with the text order of `collation` (runtime/collation.py).

    Its methods are the operators compiled code calls (bound once, as globals of the code): `=` on
    texts and numbers is a hot path, so `eq`/`ne` and the ordered operators test the common types
    first, and the collation's key is an attribute read once per call.
    """

    __slots__ = ("collation", "key", "_patterns")

    def __init__(self, collation):
        self.collation = collation
        self.key = collation.key
        self._patterns: dict[str, re.Pattern] = {}     # wildcard pattern -> its regex over keys

    def __repr__(self):
        return f"<comparison {self.collation.name}>"

    # ------------------------------------------------------------ texts
    def wildcard_match(self, text: str, pattern: str) -> bool:
        """`text = pattern` where `@` in pattern matches any run of characters (dt_string.md)."""
        key = self.key
        rx = self._patterns.get(pattern)
        if rx is None:
            if "@@" in pattern:
                return False
            rx = re.compile(".*".join(re.escape(key(p)) for p in pattern.split("@")), re.DOTALL)
            if len(self._patterns) > 512:
                self._patterns.clear()
            self._patterns[pattern] = rx
        return rx.fullmatch(key(text)) is not None

    def keyword_match(self, text: str, word: str) -> bool:
        """`%`: is `word` one of the words of `text` (dt_string.md "Keywords"); `@` allowed at the end."""
        if len(word.split()) != 1:
            return False
        key = self.key
        words = _WORDS.findall(key(text))
        w = key(word)
        return any(self.wildcard_match(x, w) if "@" in w else x == w for x in words)

    def text_equal(self, a: str, b: str, wildcard: bool = True) -> bool:
        if wildcard and "@" in b:
            return self.wildcard_match(a, b)
        return a == b or self.key(a) == self.key(b)

    # ------------------------------------------------------------ equality
    def same_value(self, a, b, wildcard: bool = True) -> bool:
        """Equality that never raises: values of different types are just different.

        Used where 4D searches values (indexOf, includes, countValues, query...).
        """
        if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
            return (a is None or a is UNDEFINED) and (b is None or b is UNDEFINED)
        ta, tb = type(a), type(b)
        if ta is str and tb is str:
            return self.text_equal(a, b, wildcard)
        na, nb = _as_num(a), _as_num(b)
        if na is not None and nb is not None:
            return abs(na - nb) < EPSILON if (ta is float or tb is float) else na == nb
        if ta is bool and tb is bool:
            return a is b
        if ta is Date and tb is Date:
            return a == b
        if (ta is bytes or ta is bytearray) and (tb is bytes or tb is bytearray):
            return bytes(a) == bytes(b)
        if _is_ref(a) and _is_ref(b):
            return a is b
        return False

    def equal(self, a, b) -> bool:
        """4D `=`; raises for incompatible scalar types (text vs number...)."""
        if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
            # Null = Null, Null = Undefined, Undefined = Undefined are True; with any other value False
            return (a is None or a is UNDEFINED) and (b is None or b is UNDEFINED)
        ta, tb = type(a), type(b)
        if ta is str and tb is str:
            return self.text_equal(a, b)
        if _as_num(a) is not None and _as_num(b) is not None:
            return self.same_value(a, b)
        if ta is bool and tb is bool:
            return a is b
        if ta is Date and tb is Date:
            return a == b
        if _is_ref(a) and _is_ref(b):
            return a is b
        if (ta is bytes or ta is bytearray) and (tb is bytes or tb is bytearray):
            return bytes(a) == bytes(b)
        if isinstance(a, Pointer) and isinstance(b, Pointer):
            return a == b                                 # the same variable or element (dt_pointer.md)
        raise _incompatible(a, "=", b)

    def eq(self, a, b) -> bool:
        """`=` as compiled code calls it: two texts or two numbers of one type first."""
        ta = type(a)
        if ta is type(b):
            if ta is _float:
                return abs(a - b) < EPSILON
            if ta is _str:
                if "@" in b:
                    return self.wildcard_match(a, b)
                return a == b or self.key(a) == self.key(b)
            if ta is _int:
                return a == b
        return self.equal(a, b)

    def ne(self, a, b) -> bool:
        return not self.eq(a, b)

    # ------------------------------------------------------------ order
    def compare(self, a, b, op: str = "<") -> int:
        """-1, 0 or 1 for ordered values (text, numbers, times, dates).

        Null and Undefined raise NULL_COMPARISON: use less()/greater()... for the operators,
        they implement the Undefined-vs-scalar rule of dt_null_undefined.md.
        """
        if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
            raise FourDError(E.NULL_COMPARISON, op=op)
        ta, tb = type(a), type(b)
        if ta is str and tb is str:
            key = self.key
            ka = key(a)
            if b.endswith("@") and "@" not in b[:-1]:
                prefix = key(b[:-1])
                if ka.startswith(prefix):
                    return 0                              # "abcd" <= "abc@" (dt_string.md)
                return _cmp(ka, prefix)
            return _cmp(ka, key(b))
        na, nb = _as_num(a), _as_num(b)
        if na is not None and nb is not None:
            if (ta is float or tb is float) and abs(na - nb) < EPSILON:
                return 0
            return _cmp(na, nb)
        if ta is Date and tb is Date:
            return _cmp(a.ordinal(), b.ordinal())
        raise _incompatible(a, op, b)

    def _ordered(self, a, b, op: str) -> int:
        """compare() for an operator: Undefined against a scalar is None (the operator is False)."""
        if a is UNDEFINED or b is UNDEFINED:
            other = b if a is UNDEFINED else a
            t = type(other)
            if t is str or t is float or t is int or t is Date or t is Time:
                return None                               # Undefined > "abc" is False (dt_null_undefined.md)
            raise FourDError(E.NULL_COMPARISON, op=op)
        if a is None or b is None:
            raise FourDError(E.NULL_COMPARISON, op=op)
        return self.compare(a, b, op)

    # Two reals or two integers first: as compare() orders them, without its calls.
    def less(self, a, b) -> bool:
        ta = type(a)
        if ta is type(b):
            if ta is _float:
                return not abs(a - b) < EPSILON and a < b
            if ta is _int:
                return a < b
        c = self._ordered(a, b, "<")
        return c is not None and c < 0

    def greater(self, a, b) -> bool:
        ta = type(a)
        if ta is type(b):
            if ta is _float:
                return not abs(a - b) < EPSILON and a > b
            if ta is _int:
                return a > b
        c = self._ordered(a, b, ">")
        return c is not None and c > 0

    def less_equal(self, a, b) -> bool:
        ta = type(a)
        if ta is type(b):
            if ta is _float:
                return abs(a - b) < EPSILON or not a > b
            if ta is _int:
                return a <= b
        c = self._ordered(a, b, "<=")
        return c is not None and c <= 0

    def greater_equal(self, a, b) -> bool:
        ta = type(a)
        if ta is type(b):
            if ta is _float:
                return abs(a - b) < EPSILON or not a < b
            if ta is _int:
                return a >= b
        c = self._ordered(a, b, ">=")
        return c is not None and c >= 0

    # ------------------------------------------------------------ `%`
    def mod(self, a, b):
        """`%`: on two texts the keyword operator (dt_string.md "Keywords"), else the modulo (ops.mod)."""
        if type(a) is _str and type(b) is _str:
            return self.keyword_match(a, b)             # "Alpha Bravo" % "Bravo"
        return _modulo(a, b)
