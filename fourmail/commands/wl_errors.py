"""WLanguage's non-fatal errors (REFERENCE.md §2.1, §2.2): a function that fails returns False
and leaves the process's last error behind, which `ErrorOccurred` (FR `ErreurDétectée`) and
`ErrorInfo([what])` (FR `ErreurInfo`) read. Every e-mail function calls `reset(rt)` first, so
`ErrorOccurred` tells about the last e-mail call only.

A programming error (a wrong argument, an unknown session name) is not one of these: it is a
FourDError, which WLanguage code catches with `WHEN EXCEPTION IN`.

The last error is the process's: one Runtime is one process, so it lives on the Runtime. The
runtime layer knows nothing of WLanguage, so it is not a Runtime attribute of its own: a small
record is put in the Runtime's instance dictionary on first use (`_state`).
"""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED
from ..runtime.wl_rules import count_nonfatal
# ErrorInfo's kinds of information: the values of errMessage, errCode... (shared with ExceptionInfo)
from .wl_language import ERR_CODE, ERR_MESSAGE

_KEY = "_wl_last_error"


class LastError:
    """The process's last non-fatal error: `occurred`, `message`, `code`."""

    __slots__ = ("occurred", "message", "code")

    def __init__(self):
        self.occurred, self.message, self.code = False, "", 0


def _state(rt) -> LastError:
    state = rt.__dict__.get(_KEY)
    if state is None:
        state = rt.__dict__[_KEY] = LastError()
    return state


def reset(rt) -> None:
    """A function starts: no error so far."""
    state = _state(rt)
    state.occurred, state.message, state.code = False, "", 0


def set_error(rt, message: str, code: int = 0) -> bool:
    """The function failed: remember why. Returns False, what the failing function returns."""
    state = _state(rt)
    state.occurred, state.message, state.code = True, message, int(code)
    count_nonfatal(rt)            # an untested call goes to CASE ERROR: (runtime/wl_rules.py)
    return False


def last(rt) -> LastError:
    return _state(rt)


# ---------------------------------------------------------------- the functions
def error_occurred(rt) -> bool:
    """ErrorOccurred: True when the last function that reports its errors this way failed."""
    return _state(rt).occurred


def error_info(rt, what=UNDEFINED):
    """ErrorInfo([what]): no argument or errMessage, the message ("" when no error); errCode, the
    code (0 when no error)."""
    state = _state(rt)
    if what is UNDEFINED or what is None:
        return state.message
    if isinstance(what, bool) or not isinstance(what, (int, float)):
        raise FourDError(E.BAD_PARAMETER, name="ErrorInfo",
                         detail="the kind of information must be a constant such as errMessage or errCode")
    if what == ERR_MESSAGE:
        return state.message
    if what == ERR_CODE:
        return state.code
    raise FourDError(E.BAD_PARAMETER, name="ErrorInfo",
                     detail=f"fourmail knows errMessage and errCode only, not the information {what:g}")
