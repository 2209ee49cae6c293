"""4D runtime errors: what goes on the 4D error stack (`Last errors`).

Every runtime failure, whatever its cause, becomes a FourDError carrying a 4D error code,
a message and a component signature (last-errors.md), plus the line where it happened.
Nothing else ever reaches the user: no Python traceback. A Python exception escaping a command
is fourmail's own bug: it becomes error 70 all the same, and `internal_error` tells the user so.

Codes: where the saved 4D pages name a code it is used (-43 file not found, -1 for `throw`
without a code, 1006 user interruption); the other language errors use the numbers of 4D's
"syntax errors" range, and the component signature says who raised it (4DRT for the
language runtime, SMTP/IMAP/POP3/MIME for the mail APIs, FiFo for file objects).
"""
from __future__ import annotations

import os
import sys
from typing import Callable, NamedTuple


class ErrorKind(NamedTuple):
    code: int
    template: str
    component: str = "4DRT"


class E:
    """The catalogue of runtime errors fourmail raises itself."""

    INCOMPATIBLE_TYPES = ErrorKind(54, "Argument types are incompatible: {left} {op} {right}")
    TYPE_MISMATCH = ErrorKind(55, "Cannot assign a {got} value to the {expected} variable {name}")
    NULL_COMPARISON = ErrorKind(56, "Comparison with {op} is not supported on Null or Undefined values")
    DIVISION_BY_ZERO = ErrorKind(20, "Division by zero")
    NOT_AN_OBJECT = ErrorKind(57, "Object not initialized: cannot set property \"{name}\" of {what}")
    NULL_PROPERTY = ErrorKind(58, "Cannot read property \"{name}\" of a Null value")
    NOT_A_COLLECTION = ErrorKind(59, "{what} is not a collection: cannot use index [{index}]")
    INDEX_OUT_OF_RANGE = ErrorKind(53, "Collection index {index} is out of range")
    NOT_A_FUNCTION = ErrorKind(60, "{name}() is not a function of {what}")
    UNKNOWN_MEMBER_FUNCTION = ErrorKind(61, "Unknown member function {cls}.{name}()")
    READONLY_PROPERTY = ErrorKind(62, "The property \"{name}\" of {cls} is read-only")
    NOT_ASSIGNABLE = ErrorKind(63, "The expression is not assignable")
    UNKNOWN_METHOD = ErrorKind(64, "The method \"{name}\" does not exist")
    # Too many parameters, or a required one missing, for a command or a member function
    # (the saved pages name no code for either: one code, the message says which).
    WRONG_PARAMETER_COUNT = ErrorKind(65, "{name}: {detail}")
    BAD_PARAMETER = ErrorKind(66, "{name}: {detail}")
    NOT_IMPLEMENTED = ErrorKind(67, "{name} is not available in fourmail: {detail}")
    UNDEFINED_CLASS = ErrorKind(68, "The class {name} does not exist")
    CHAR_INDEX = ErrorKind(69, "Character index {index} is out of range")
    FILE_NOT_FOUND = ErrorKind(-43, "File not found: {path}", "FiFo")
    FILE_ERROR = ErrorKind(-36, "{detail}", "FiFo")
    INTERNAL = ErrorKind(70, "Internal error: {detail}")
    RECURSION = ErrorKind(71, "Stack overflow: too many nested method calls")
    CLASS_FILE = ErrorKind(72, "The class {name} cannot be loaded: {detail}")
    METHOD_FILE = ErrorKind(73, "The method {name} cannot be loaded: {detail}")
    THROWN = ErrorKind(-1, "{message}", "host")
    # Shared objects and collections (runtime/shared.py); shared.md says "an error is generated"
    # and names no code.
    SHARED_NOT_IN_USE = ErrorKind(80, "The shared {what} cannot be modified: it is not in use")
    SHARED_VALUE = ErrorKind(81, "A shared object or collection only holds scalar values and shared objects "
                                 "or collections: {what} is not shared")
    SHARED_GROUP = ErrorKind(82, "The shared {what} already belongs to another shared group")
    NOT_SHARED = ErrorKind(83, "{name}: a shared object or collection was expected, got {what}")
    # formula-from-string.md: local variables cannot be named in a formula made from a text.
    FORMULA_LOCAL = ErrorKind(-10737, "The local variable {name} cannot be used in a formula made from a text")
    # Email objects and MIME (fourmail/mail/mime.py); the saved 4D pages name no code for these.
    MIME_INVALID_MAIL = ErrorKind(120, "Invalid email object: {detail}", "MIME")
    MIME_BAD_ADDRESS = ErrorKind(121, "Invalid email address in \"{field}\": {address}", "MIME")
    MIME_BAD_CHARSET = ErrorKind(122, "Unknown {what} \"{value}\": expected one of {expected}", "MIME")
    MAIL_NO_FROM = ErrorKind(123, "The email has no from address", "MIME")
    MAIL_NO_RECIPIENT = ErrorKind(124, "The email has no recipient (to, cc or bcc)", "MIME")


class FourDError(Exception):
    """A 4D error. `line`/`method` are filled in where the statement that failed is known."""

    def __init__(self, kind: ErrorKind | None = None, *, code: int | None = None, message: str | None = None,
                 component: str | None = None, deferred: bool = False, extra: dict | None = None, **fmt):
        if kind is not None:
            code = kind.code if code is None else code
            if message is None:
                try:
                    message = kind.template.format(**fmt)
                except (KeyError, IndexError):
                    message = kind.template
            component = component or kind.component
        self.code = int(code if code is not None else -1)
        self.message = message or ""
        self.component = component or "4DRT"
        self.deferred = deferred
        self.extra = extra or {}
        self.line: int | None = None
        self.method: str | None = None
        self.recorded = False
        super().__init__(self.message)

    def as_object(self) -> dict:
        """The error object of `Last errors` (last-errors.md)."""
        o = {"errCode": float(self.code), "message": self.message, "componentSignature": self.component}
        for k, v in self.extra.items():
            o.setdefault(k, v)
        return o

    def describe(self) -> str:
        where = f" (line {self.line}" + (f" of {self.method}" if self.method else "") + ")" if self.line else ""
        return f"Error {self.code} [{self.component}]: {self.message}{where}"


class AbortExecution(Exception):
    """Raised to stop the whole run (uncaught error, ABORT)."""

    def __init__(self, error: FourDError | None = None):
        super().__init__(error.message if error else "aborted")
        self.error = error


# ---------------------------------------------------------------- fourmail's own bugs
# Who hears of an internal error (a Python exception escaping a command, error 70): the test
# suite registers a listener that fails the running test (tests/conftest.py).
INTERNAL_ERROR_LISTENERS: list[Callable[[BaseException], None]] = []


def internal_error(exc: BaseException, stream=None) -> FourDError:
    """A Python exception escaped fourmail's code: a bug in fourmail, not in the 4D program.
    It is still the catchable 4D error 70, and the user is told it is fourmail's bug (one line
    on stderr; the Python traceback with FOURMAIL_DEBUG=1)."""
    detail = f"{type(exc).__name__}: {exc}"
    stream = stream or sys.stderr
    try:
        if os.environ.get("FOURMAIL_DEBUG"):
            import traceback       # here: only a fourmail bug with FOURMAIL_DEBUG set needs it
            stream.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        stream.write(f"fourmail: internal error (a bug in fourmail, please report it): {detail} "
                     f"(set FOURMAIL_DEBUG=1 for details)\n")
        stream.flush()
    except (OSError, ValueError):          # a closed stderr must not hide the 4D error
        pass
    for listener in list(INTERNAL_ERROR_LISTENERS):
        listener(exc)
    return FourDError(E.INTERNAL, detail=detail)
