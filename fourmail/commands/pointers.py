"""Pointers (dt_pointer.md) and the commands about variables: Get pointer, Is nil pointer,
RESOLVE POINTER, Is a variable, Type; Match regex, whose position/length parameters are
variables or arrays the command writes into (it is given pointers to them: codegen._OUT_PARAMS)."""
from __future__ import annotations

import re

from ..runtime import ops
from ..runtime.errors import E, FourDError
from ..runtime.types import ARRAY_2D, ARRAY_KINDS
from .text import is_star
from ..runtime.values import (NIL_POINTER, UNDEFINED, Array, ClassInstance, Date, LazyObject, Pointer,
                              ProcessPointer, Time, to_longint, type_name)


def _pointer(p, command: str) -> Pointer:
    if not isinstance(p, Pointer):
        raise FourDError(E.BAD_PARAMETER, name=command, detail=f"a pointer was expected, got {type_name(p)}")
    return p


_ELEMENT = re.compile(r"^\s*(<>)?\s*([^\W\d]\w*)\s*((?:\{\s*\d+\s*\}){0,2})\s*$")


def get_pointer(rt, name):
    """Get pointer ( varName ): a pointer to the process or interprocess variable (or to its
    element, `"atNames{3}"`) named by the text (get-pointer.md)."""
    if type(name) is not str:
        raise FourDError(E.BAD_PARAMETER, name="Get pointer", detail=f"a text was expected, got {type_name(name)}")
    m = _ELEMENT.match(name)
    if m is None or name.strip().startswith("$"):
        raise FourDError(E.BAD_PARAMETER, name="Get pointer",
                         detail=f"{name!r} is not the name of a process or interprocess variable")
    var = (m.group(1) or "") + m.group(2)
    indexes = [int(x) for x in re.findall(r"\d+", m.group(3))]
    if not indexes:
        return ProcessPointer(var)
    array = rt.get_process_var(var)
    if len(indexes) == 2:
        return ops.pointer_to_element(ops.get_element(array, float(indexes[0])), float(indexes[1]), var,
                                      indexes[0])
    return ops.pointer_to_element(array, float(indexes[0]), var)


def is_nil_pointer(rt, p):
    """Is nil pointer: True for a pointer that points to nothing (a Pointer variable never set)."""
    return _pointer(p, "Is nil pointer") is NIL_POINTER


def is_a_variable(rt, p):
    """Is a variable: True when the pointer points to a variable (not Nil)."""
    return _pointer(p, "Is a variable") is not NIL_POINTER


def resolve_pointer(rt, p, var_name, table_num, field_num):
    """RESOLVE POINTER: the name of the variable or array pointed to and the element's number
    (row and column for a 2D array); "" and -1 for a local variable, "" and 0 for Nil
    (resolve-pointer.md). The three last parameters are pointers to the variables written."""
    name, table, field = _pointer(p, "RESOLVE POINTER").resolve()
    var_name.set(rt, name)
    table_num.set(rt, table)
    field_num.set(rt, field)


_TYPES = ((str, 2), (float, 1), (int, 9), (bool, 6), (Date, 4), (Time, 11), (list, 42), (bytes, 30),
          (bytearray, 30), (dict, 38), (LazyObject, 38))


_DECLARED = {"Text": 2, "Real": 1, "Integer": 9, "Boolean": 6, "Date": 4, "Time": 11, "Object": 38,
             "Collection": 42, "Blob": 30, "Pointer": 23, "Picture": 3, "Variant": 12}


def type_(rt, value, declared=None):
    """Type ( variable ): the type number of the variable (type.md): its declared type (a
    Variant variable is Is variant whatever it holds, dt_variant.md), else that of its value;
    an array's kind (Text array, LongInt array... Array 2D)."""
    if type(value) is Array:
        return ARRAY_2D if value.rows else ARRAY_KINDS[value.kind][1]
    if declared:
        return _DECLARED.get(declared, 38)         # 4D.File, cs.Person: objects
    if value is UNDEFINED:
        return 5
    if isinstance(value, Pointer):
        return 23
    if value is None or isinstance(value, ClassInstance):
        return 38                      # a variable holding Null is an Object one
    t = type(value)
    for pytype, code in _TYPES:
        if t is pytype:
            return code
    return 12


# ---------------------------------------------------------------- Match regex (match-regex.md)
_patterns: dict[str, re.Pattern] = {}


# ICU's syntax (the page's reference) where Python's differs: flags switched off in a global
# group `(?mi-s)` (off is Python's default; `w`, UAX#29 word breaks, is left out), `\h`/`\H`,
# `\v`/`\V` (horizontal / vertical blanks).
_ICU_FLAGS = re.compile(r"(?<!\\)\(\?([a-zA-Z]*)-([a-zA-Z]+)\)|(?<!\\)\(\?([a-zA-Z]*w[a-zA-Z]*)\)")
_ICU_CLASSES = {r"\h": r"[ \t\xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]",
                r"\H": r"[^ \t\xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]",
                r"\v": r"[\n\x0b\f\r\x85\u2028\u2029]", r"\V": r"[^\n\x0b\f\r\x85\u2028\u2029]"}
_ICU_CLASS = re.compile(r"\\\\|\\[hHvV]")


def _python_regex(pattern: str) -> str:
    def flags(m):
        on = (m.group(1) if m.group(3) is None else m.group(3)).replace("w", "")
        return f"(?{on})" if on else ""
    pattern = _ICU_FLAGS.sub(flags, pattern)
    return _ICU_CLASS.sub(lambda m: _ICU_CLASSES.get(m.group(), m.group()), pattern)


def _compile(pattern: str) -> re.Pattern:
    rx = _patterns.get(pattern)
    if rx is None:
        try:
            rx = re.compile(_python_regex(pattern))
        except re.error as exc:
            raise FourDError(E.BAD_PARAMETER, name="Match regex", detail=f"invalid regular expression: {exc}") from None
        if len(_patterns) > 256:
            _patterns.clear()
        _patterns[pattern] = rx
    return rx


def _write(rt, p, values: list[int]) -> None:
    """A position or length parameter: an array gets the match in element zero and the groups
    after it; a variable gets the match."""
    if p is None or not isinstance(p, Pointer):
        return
    current = p.get(rt)
    if type(current) is Array:
        from .arrays import _array
        a = _array(current, "Match regex")
        a.items[:] = [int(v) for v in values]
    else:
        p.set(rt, values[0])


def match_regex(rt, pattern, text, start=UNDEFINED, pos_found=None, length_found=None, star=None):
    """Match regex: with two parameters, does the whole text match; else the first occurrence
    from `start` (only at `start` with `*`), its position and length (and those of the groups)
    written into pos_found / length_found."""
    if type(pattern) is not str or type(text) is not str:
        raise FourDError(E.BAD_PARAMETER, name="Match regex", detail="the pattern and the string must be texts")
    rx = _compile(pattern)
    if start is UNDEFINED:
        return rx.fullmatch(text) is not None
    anchored = is_star(star) or is_star(pos_found) or is_star(length_found)
    if is_star(pos_found):
        pos_found = length_found = None
    begin = max(to_longint(ops.number(start, "Match regex")), 1) - 1
    m = rx.match(text, begin) if anchored else rx.search(text, begin)
    if m is None:
        return False
    spans = [m.span(0)] + [m.span(i) for i in range(1, (rx.groups or 0) + 1)]
    _write(rt, pos_found, [s + 1 if s >= 0 else 0 for s, _ in spans])
    _write(rt, length_found, [e - s if s >= 0 else 0 for s, e in spans])
    return True
