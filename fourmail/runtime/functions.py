"""4D.Function objects made from code: `Formula(expression)` and `Formula from string(text)`
(FunctionClass.md, formula.md, formula-from-string.md).

A formula holds its compiled code (one function, compiled with the method that wrote it, never
again at each call), the values of the locals it names copied when it was made, and its source
text. Calling it — `$o.f()`, `$o["f"]()`, `.call()`, `.apply()`, a collection function's
callback — runs that function in a new frame: `$1`... are the parameters passed, `This` the
object it is called on.
"""
from __future__ import annotations

from .errors import E, FourDError
from .values import UNDEFINED, ClassInstance, type_name

# What JSON Stringify writes for a formula (and what 4D code tests to recognise one).
JSON_TEXT = "[object Formula]"


class _WithValues:
    """A formula's compiled code bound to the values it copied, called as a method is."""

    __slots__ = ("name", "function")

    def __init__(self, method, captured: tuple):
        code = method.function
        self.name = method.name
        self.function = lambda rt, _, args: code(rt, captured, args)


class Formula(ClassInstance):
    """A formula: `method` is compiled code `function(rt, captured, args)`."""

    CLASS_NAME = "Function"

    def __init__(self, method, captured: tuple, source: str):
        self.method, self.captured, self.source = method, captured, source
        self._code = _WithValues(method, captured) if captured else method

    def get_property(self, name: str):
        return self.source if name == "source" else UNDEFINED

    def run(self, rt, this, args: list):
        """Run the formula in a new frame, with `This` = `this` and `$1`... = `args`; its value."""
        return rt.run_class_member(None, self._code, this, args)

    def fn_call(self, rt, this=None, *params):
        return self.run(rt, _this(this), list(params))

    def fn_apply(self, rt, this=None, params=UNDEFINED):
        if params is UNDEFINED or params is None:
            return self.run(rt, _this(this), [])
        if type(params) is not list:
            raise FourDError(E.BAD_PARAMETER, name="4D.Function.apply()",
                             detail=f"the parameters must be a Collection, got {type_name(params)}")
        return self.run(rt, _this(this), list(params))

    def __repr__(self) -> str:
        return f"<4D.Function {self.source}>"


def _this(value):
    return None if value is UNDEFINED else value


def member_name(index) -> str:
    """The property named in `$o[expression](...)`: a text."""
    if type(index) is str:
        return index
    raise FourDError(E.BAD_PARAMETER, name="Object property", detail=f"a text property name was expected, "
                     f"got {type_name(index)}")


# ---------------------------------------------------------------- callbacks
def callback(rt, fn: str, cb):
    """What a collection function calls back: a formula, or the name of a project method (the
    older syntax). Returns `call(args) -> value`."""
    if type(cb) is Formula:
        run = cb.run
        return lambda args: run(rt, None, args)
    if type(cb) is str:
        method = rt.load_method(cb)
        invoke = rt._invoke
        return lambda args: invoke(method, args)
    raise FourDError(E.BAD_PARAMETER, name=f"collection.{fn}()",
                     detail=f"a formula or a method name was expected, got {type_name(cb)}")


__all__ = ["Formula", "JSON_TEXT", "callback", "member_name"]
