"""Formula and Formula from string (formula.md, formula-from-string.md): 4D.Function objects.

`Formula(expression)` never reaches this module: its argument is code, which the compiler turns
into the formula's own function when the method compiles (compiler/codegen.py ex_Formula).
`Formula from string` compiles its text when it is called, through the runtime's loader.
"""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.functions import Formula
from ..runtime.values import type_name

FROM_STRING = "Formula from string"


def formula(rt, expression):
    """Reached only when the argument is not code the compiler could keep (`Formula(*)`)."""
    raise FourDError(E.BAD_PARAMETER, name="Formula", detail="an expression was expected")


def formula_from_string(rt, text, context=0):
    """The formula of a text; `context` (sk execute in current/host database) changes nothing
    here: fourmail runs one database."""
    if type(text) is not str:
        raise FourDError(E.BAD_PARAMETER, name=FROM_STRING, detail=f"a Text was expected, got {type_name(text)}")
    method = rt.source_loader().compile_formula(rt, text, FROM_STRING)
    return Formula(method, (), text)


def new_function(rt, *args):
    """`4D.Function.new()`: 4D makes function objects with Formula / Formula from string only."""
    raise FourDError(E.BAD_PARAMETER, name="4D.Function.new()",
                     detail="use Formula or Formula from string to make a function object")
