"""4D comparison rules: `=`, `#`, `<`, `>`, `<=`, `>=` and the `@` wildcard.

- Text: case- and diacritic-insensitive; `@` in the right operand matches any run of
  characters, two consecutive `@@` never match; for `<`/`>` only a trailing `@` counts
  (dt_string.md "String comparisons", "Wilcard character").
- Reals: equal when their difference is below epsilon 10^-6 (dt_number.md "Real comparison").
- Null / Undefined: see the tables of dt_null_undefined.md.
- Objects and collections: compared by reference.
"""
from __future__ import annotations

import re

from .collation import FOURD_COLLATION
from .errors import E, FourDError
from .values import UNDEFINED, ClassInstance, Date, LazyObject, Time, type_name

EPSILON = 1e-6


# The operators compiled code calls take no process: they compare with 4D's collation, the
# one every process has (Runtime.collation). Bound once: `=` on texts is a hot path.
_key = FOURD_COLLATION.key


def _incompatible(a, op, b):
    return FourDError(E.INCOMPATIBLE_TYPES, left=type_name(a), op=op, right=type_name(b))


def _is_num(v) -> bool:
    t = type(v)
    return t is float or t is int


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


_WORDS = re.compile(r"\w+")
_pattern_cache: dict[str, re.Pattern | None] = {}


def wildcard_match(text: str, pattern: str) -> bool:
    """`text = pattern` where `@` in pattern matches any run of characters (dt_string.md)."""
    rx = _pattern_cache.get(pattern)
    if rx is None:
        if "@@" in pattern:
            return False
        rx = re.compile(".*".join(re.escape(_key(p)) for p in pattern.split("@")), re.DOTALL)
        if len(_pattern_cache) > 512:
            _pattern_cache.clear()
        _pattern_cache[pattern] = rx
    return rx.fullmatch(_key(text)) is not None


def keyword_match(text: str, word: str) -> bool:
    """`%`: is `word` one of the words of `text` (dt_string.md "Keywords"); `@` allowed at the end."""
    if len(word.split()) != 1:
        return False
    words = _WORDS.findall(_key(text))
    w = _key(word)
    return any(wildcard_match(x, w) if "@" in w else x == w for x in words)


def text_equal(a: str, b: str, wildcard: bool = True) -> bool:
    if wildcard and "@" in b:
        return wildcard_match(a, b)
    return a == b or _key(a) == _key(b)


def same_value(a, b, wildcard: bool = True) -> bool:
    """Equality that never raises: values of different types are just different.

    Used where 4D searches values (indexOf, includes, countValues, query...).
    """
    if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
        return (a is None or a is UNDEFINED) and (b is None or b is UNDEFINED)
    ta, tb = type(a), type(b)
    if ta is str and tb is str:
        return text_equal(a, b, wildcard)
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


def equal(a, b) -> bool:
    """4D `=`; raises for incompatible scalar types (text vs number...)."""
    if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
        # Null = Null, Null = Undefined, Undefined = Undefined are True; with any other value False
        return (a is None or a is UNDEFINED) and (b is None or b is UNDEFINED)
    ta, tb = type(a), type(b)
    if ta is str and tb is str:
        return text_equal(a, b)
    if _as_num(a) is not None and _as_num(b) is not None:
        return same_value(a, b)
    if ta is bool and tb is bool:
        return a is b
    if ta is Date and tb is Date:
        return a == b
    if _is_ref(a) and _is_ref(b):
        return a is b
    if (ta is bytes or ta is bytearray) and (tb is bytes or tb is bytearray):
        return bytes(a) == bytes(b)
    raise _incompatible(a, "=", b)


def _cmp(x, y) -> int:
    return (x > y) - (x < y)


def compare(a, b, op: str = "<") -> int:
    """-1, 0 or 1 for ordered values (text, numbers, times, dates).

    Null and Undefined raise NULL_COMPARISON: use less()/greater()... for the operators,
    they implement the Undefined-vs-scalar rule of dt_null_undefined.md.
    """
    if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
        raise FourDError(E.NULL_COMPARISON, op=op)
    ta, tb = type(a), type(b)
    if ta is str and tb is str:
        ka = _key(a)
        if b.endswith("@") and "@" not in b[:-1]:
            prefix = _key(b[:-1])
            if ka.startswith(prefix):
                return 0                              # "abcd" <= "abc@" (dt_string.md)
            return _cmp(ka, prefix)
        return _cmp(ka, _key(b))
    na, nb = _as_num(a), _as_num(b)
    if na is not None and nb is not None:
        if (ta is float or tb is float) and abs(na - nb) < EPSILON:
            return 0
        return _cmp(na, nb)
    if ta is Date and tb is Date:
        return _cmp(a.ordinal(), b.ordinal())
    raise _incompatible(a, op, b)


def _ordered(a, b, op: str, test) -> bool:
    if a is UNDEFINED or b is UNDEFINED:
        other = b if a is UNDEFINED else a
        t = type(other)
        if t is str or t is float or t is int or t is Date or t is Time:
            return False                              # Undefined > "abc" is False (dt_null_undefined.md)
        raise FourDError(E.NULL_COMPARISON, op=op)
    if a is None or b is None:
        raise FourDError(E.NULL_COMPARISON, op=op)
    return test(compare(a, b, op))


def less(a, b) -> bool:
    return _ordered(a, b, "<", lambda c: c < 0)


def greater(a, b) -> bool:
    return _ordered(a, b, ">", lambda c: c > 0)


def less_equal(a, b) -> bool:
    return _ordered(a, b, "<=", lambda c: c <= 0)


def greater_equal(a, b) -> bool:
    return _ordered(a, b, ">=", lambda c: c >= 0)
