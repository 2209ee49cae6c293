"""Error handling and execution commands: ON ERR CALL, Last errors, throw, ABORT..."""
from __future__ import annotations

from ..runtime.errors import AbortExecution, E, FourDError
from ..runtime.values import UNDEFINED, to_longint, type_name


def on_err_call(rt, method, scope=0):
    if not isinstance(method, str):
        raise FourDError(E.BAD_PARAMETER, name="ON ERR CALL", detail="the method name must be a Text")
    scope = to_longint(scope) if type(scope) in (float, int) else 0
    if method == "":
        rt.handlers.pop(scope, None)
        return
    if not rt.method_exists(method):
        raise FourDError(E.UNKNOWN_METHOD, name=method)
    rt.handlers[scope] = method


def method_called_on_error(rt, scope=0):
    return rt.handlers.get(to_longint(scope) if type(scope) in (float, int) else 0, "")


def last_errors(rt):
    """The current error stack, or Null when there is none (last-errors.md)."""
    if not rt.errors:
        return None
    return [e.as_object() for e in rt.errors]


def throw(rt, code=UNDEFINED, description=UNDEFINED):
    """throw(code {; description}) | throw(errorObj) | throw (throw.md)."""
    if code is UNDEFINED:
        if rt.errors:                       # re-throw the current errors (deferred mode)
            raise rt.errors[-1]
        return
    if isinstance(code, dict):
        obj = code
        err_code = obj.get("errCode", -1)
        message = obj.get("message", "")
        if not isinstance(message, str) or message == "":
            message = f"Error code: {to_longint(err_code) if isinstance(err_code, (int, float)) else err_code} (host)"
        else:
            # {placeholders} are replaced by the object's own properties
            for k, v in obj.items():
                if isinstance(k, str):
                    message = message.replace("{" + k + "}", v if isinstance(v, str) else str(v))
        extra = {k: v for k, v in obj.items() if k not in ("errCode", "message", "componentSignature", "deferred")}
        raise FourDError(code=to_longint(err_code) if isinstance(err_code, (int, float)) else -1, message=message,
                         component=obj.get("componentSignature") or "host", deferred=bool(obj.get("deferred")),
                         extra=extra)
    if not isinstance(code, (int, float)) or isinstance(code, bool):
        raise FourDError(E.BAD_PARAMETER, name="throw", detail="errorCode must be a number or an object")
    message = description if isinstance(description, str) and description else f"Error code: {to_longint(code)} (host)"
    raise FourDError(code=to_longint(code), message=message, component="host")


def abort(rt):
    raise AbortExecution()


def assert_(rt, condition, message=""):
    """ASSERT: error -10518 "Assert failed: " followed by messageText (assert.md; without it 4D
    shows the assertion's text, which the error report's source line shows here)."""
    if condition is not True:
        text = "Assert failed: " + message if isinstance(message, str) and message else "Assert failed"
        raise FourDError(code=-10518, message=text, component="4DRT")


def trace(rt):
    """TRACE opens the debugger in 4D; fourmail has none, so it does nothing."""


def count_parameters(rt):
    return len(rt.frames[-1].args) if rt.frames else 0


def current_method_name(rt):
    return rt.frames[-1].method if rt.frames else ""


def execute_method(rt, name, *args):
    if type(name) is not str:
        raise FourDError(E.BAD_PARAMETER, name="EXECUTE METHOD", detail=f"the method name must be a Text, not {type_name(name)}")
    return rt.call_method(name, list(args))


def error_method(rt):
    return rt.get_process_var("Error method")


def error_line(rt):
    return rt.get_process_var("Error line")


def error_formula(rt):
    return rt.get_process_var("Error formula")


def asserted(rt, condition, message=""):
    """Asserted: ASSERT that also returns the expression's value, for use in a test (asserted.md)."""
    assert_(rt, condition, message)
    return condition
