"""WLanguage's language functions: messages (Info, Error, Warning, Trace), strings, numbers,
arrays and exceptions. Their rows, with the English and French names, are in wl_table.py;
operators and conversions are the runtime's (runtime/wl_rules.py).

A window-less interpreter shows a message box as its lines on the output, and goes on
(REFERENCE.md §1.8): `Error()` is a message, not an exception.
"""
from __future__ import annotations

import re

from ..runtime.errors import E, FourDError
from ..runtime.values import type_name
from ..runtime.wl_rules import (THROWN, array_add, array_count, array_delete_all, new_array as _new_array,
                                number_text, to_integer, to_text, val)

# What ExceptionInfo and ErrorInfo (wl_errors.py) are asked for: the values of the constants
# errMessage, errCode... (the pages name no values; WEBDEV's generated PHP passes 1 for the
# common case, taken here to be the message).
ERR_MESSAGE, ERR_CODE, ERR_FULL_DETAILS, ERR_SUMMARY = 1, 2, 3, 4

# Position's and Replace's options (flags).
FROM_BEGINNING, IGNORE_CASE, FROM_END = 0, 1, 2

CR = "\r\n"


def _text(v, name: str) -> str:
    t = type(v)
    if t is str:
        return v
    if t is float or t is int or t is bool:
        return to_text(v)
    raise FourDError(E.BAD_PARAMETER, name=name, detail=f"a string was expected, got {type_name(v)}")


def _int(v, name: str) -> int:
    if type(v) in (float, int, bool):
        return to_integer(float(v))
    if type(v) is str:
        return to_integer(val(v))
    raise FourDError(E.BAD_PARAMETER, name=name, detail=f"a number was expected, got {type_name(v)}")


# ---------------------------------------------------------------- messages
def _show(rt, lines) -> None:
    """Each argument on a line of its own; a CR inside a text breaks the line too."""
    text = "".join(to_text(x) + "\n" for x in lines)
    rt.write(text.replace("\r\n", "\n").replace("\r", "\n"))


def info(rt, *lines):
    _show(rt, lines)


def error(rt, *lines):
    _show(rt, lines)


def warning(rt, *lines):
    _show(rt, lines)


def trace(rt, *lines):
    _show(rt, lines)


# ---------------------------------------------------------------- strings
def length(rt, s):
    return float(len(_text(s, "Length")))


def upper(rt, s):
    return _text(s, "Upper").upper()


def lower(rt, s):
    return _text(s, "Lower").lower()


def no_space(rt, s):
    """The text without its leading and trailing blanks."""
    return _text(s, "NoSpace").strip()


def left(rt, s, n):
    return _text(s, "Left")[:max(_int(n, "Left"), 0)]


def right(rt, s, n):
    s, n = _text(s, "Right"), _int(n, "Right")
    return s[len(s) - n:] if 0 < n <= len(s) else (s if n > 0 else "")


def middle(rt, s, start, n=None):
    """From the start-th character (1-based), n characters or up to the end."""
    s, b = _text(s, "Middle"), _int(start, "Middle")
    if b < 1:
        return ""
    return s[b - 1:] if n is None else s[b - 1:b - 1 + max(_int(n, "Middle"), 0)]


def position(rt, s, sub, start=None, options=FROM_BEGINNING):
    """Where `sub` is in `s` (1-based), 0 when it is not; from `start` on (FromEnd: backwards
    from it); IgnoreCase compares without case."""
    s, sub = _text(s, "Position"), _text(sub, "Position")
    flags = _int(options, "Position")
    if flags & IGNORE_CASE:
        s, sub = s.lower(), sub.lower()
    if flags & FROM_END:
        end = len(s) if start is None else _int(start, "Position") - 1 + len(sub)
        return float(s.rfind(sub, 0, max(end, 0)) + 1)
    b = 0 if start is None else max(_int(start, "Position") - 1, 0)
    return float(s.find(sub, b) + 1)


def replace(rt, s, old, new, options=FROM_BEGINNING):
    s, old, new = _text(s, "Replace"), _text(old, "Replace"), _text(new, "Replace")
    if not old:
        return s
    if _int(options, "Replace") & IGNORE_CASE:
        return re.sub(re.escape(old), lambda m: new, s, flags=re.IGNORECASE)
    return s.replace(old, new)


# one printf conversion of a number: flags, width, precision, type
_NUMBER_FORMAT = re.compile(r"%[-+ 0#]*(\d*)(?:\.(\d*))?[diouxXeEfFgG]")


def num_to_string(rt, n, fmt=None):
    """A number as text; `fmt` as in C's printf without the `%` ("05d", ".2f", "x")."""
    if type(n) not in (float, int):
        raise FourDError(E.BAD_PARAMETER, name="NumToString", detail=f"a number was expected, got {type_name(n)}")
    if fmt is None:
        return number_text(n)
    fmt = _text(fmt, "NumToString")
    spec = fmt if fmt.startswith("%") else "%" + fmt
    m = _NUMBER_FORMAT.fullmatch(spec)
    if m is None or any(len(g or "") > 3 for g in m.group(1, 2)):     # one conversion, at most 999 wide
        raise FourDError(E.BAD_PARAMETER, name="NumToString", detail=f"invalid format {fmt!r}")
    try:
        return spec % (int(n) if spec[-1:] in "dixXo" else n)
    except (TypeError, ValueError, OverflowError):
        raise FourDError(E.BAD_PARAMETER, name="NumToString", detail=f"invalid format {fmt!r}") from None


def val_(rt, s):
    if type(s) in (float, int):
        return float(s)
    return val(_text(s, "Val"))


_PLACEHOLDER = re.compile(r"%(%|\d+)")


def error_build(rt, fmt, *params):
    """`%1`..`%n` replaced by the parameters as texts, `%%` by `%`; a `%n` without its
    parameter stays as written."""
    def one(m):
        if m.group(1) == "%":
            return "%"
        i = int(m.group(1))
        return to_text(params[i - 1]) if 1 <= i <= len(params) else m.group(0)
    return _PLACEHOLDER.sub(one, _text(fmt, "ErrorBuild"))


# ---------------------------------------------------------------- arrays
def new_array(rt, of=None):
    """The type "array" (`x is array of string`): an empty array of `of` elements."""
    return _new_array(of)


def add(rt, arr, value):
    return array_add(arr, value)


def array_count_(rt, arr):
    return array_count(arr)


def array_delete_all_(rt, arr):
    return array_delete_all(arr)


# ---------------------------------------------------------------- exceptions
def exception_throw(rt, code, message=None):
    """A WLanguage exception numbered `code` (1 to 1000 in the docs)."""
    n = _int(code, "ExceptionThrow")
    text = _text(message, "ExceptionThrow") if message is not None else f"Exception {n}"
    raise FourDError(THROWN, code=n, message=text)


def describe(error, what=ERR_MESSAGE):
    """What ExceptionInfo (and ErrorInfo) give of an error for the constant `what`; with no
    error, 0 for the code and "" for the texts."""
    what = _int(what, "ExceptionInfo")
    if what == ERR_CODE:
        return float(error.code) if error is not None else 0.0
    if error is None:
        return ""
    if what == ERR_FULL_DETAILS:
        where = f" (line {error.line})" if error.line else ""
        return f"WLanguage error {error.code}: {error.message}{where}"
    return error.message            # errMessage, errSummary


def exception_info(rt, what=ERR_MESSAGE):
    """The exception a WHEN EXCEPTION handler is running for."""
    return describe(getattr(rt, "exception", None), what)

