"""WLanguage procedures: `PROCEDURE Name(p1, p2 is string = "x") : type` blocks of a file
(A.ProcedureDecl at the program's top level) are methods its code calls by name."""
from __future__ import annotations

import pytest

from fourmail.lang import ast as A
from fourmail.lang.errors import SourceSyntaxError
from wl_ast import call, compile_body, decl, expr, lit, op, output, run, runtime, say, try_, var


def _param(name, vtype=None, default=None, local=False):
    return A.ProcedureParam(1, 1, name, vtype, None if default is None else lit(default), local)


def _procedure(name, params, result_type, body, line=1):
    return A.ProcedureDecl(line, 1, name, params, result_type, body)


def _call(name, *args, line=1):
    return A.MethodCall(line, 1, name, [a if isinstance(a, A.Node) else lit(a) for a in args])


def _result(v=None, line=1):
    return A.Return(line, 1, None if v is None else (v if isinstance(v, A.Node) else lit(v)))


def test_a_procedure_declared_after_its_call_returns_its_result():
    greet = _procedure("Greeting", [_param("who", "Text"), _param("punct", "Text", "!")], "Text",
                       [_result(op("+", op("+", "Hello ", var("who")), var("punct")))])
    assert output([say(_call("greeting", "Ann")), say(_call("Greeting", 587, "?")), greet]) \
        == ["Hello Ann!", "Hello 587?"]


def test_typed_parameters_and_results_convert():
    half = _procedure("Half", [_param("n", "Integer")], "Integer", [_result(op("/", var("n"), 2))])
    assert output([half, say(_call("Half", "9 items")), say(_call("Half", 7.9))]) == ["4", "3"]


def test_recursion_and_return_without_a_value():
    fact = _procedure("Fact", [_param("n")], None,
                      [A.If(1, 1, op("<=", var("n"), 1), [_result(1)], None),
                       _result(op("*", var("n"), _call("Fact", op("-", var("n"), 1))))])
    shout = _procedure("Shout", [_param("text")], None,
                       [say(var("text")), _result(), say("never")])
    assert output([fact, shout, say(_call("Fact", 10)), expr(_call("Shout", "hey"))]) == ["3628800", "hey"]


def test_a_procedures_locals_are_its_own():
    counter = _procedure("Count", [], None, [decl("n", "Integer", 100), _result(var("n"))])
    assert output([counter, decl("n", "Integer", 1), say(_call("Count")), say(var("n"))]) == ["100", "1"]


def test_an_exception_in_a_procedure_reaches_the_callers_handler_or_stops_the_run():
    fail = _procedure("Fail", [], None, [expr(call("ExceptionThrow", 9, "from Fail", line=6), line=6)], line=5)
    assert output([fail, try_([expr(_call("Fail"))], [say(call("ExceptionInfo"))])]) == ["from Fail"]
    source = "Fail()\nTrace(1)\n\n\nPROCEDURE Fail()\n  ExceptionThrow(9, \"from Fail\")\n"
    outcome, out = run([expr(_call("Fail")), say(1), fail], source, "proc.wl", report=True)
    assert out == "proc.wl:6: WLanguage error 9: from Fail\n    ExceptionThrow(9, \"from Fail\")\n"


def test_a_procedure_inside_a_block_is_a_compile_error():
    with pytest.raises(SourceSyntaxError, match="top level"):
        compile_body(runtime(), [A.If(1, 1, lit(True), [_procedure("P", [], None, [])], None)])


def _add_one(name="AddOne", local=False):
    return _procedure(name, [_param("n", "Integer", local=local)], None,
                      [A.CompoundAssign(1, 1, var("n"), "+", lit(1)), _result(var("n"))])


def test_a_variable_is_passed_by_reference_an_expression_or_a_local_parameter_by_value():
    assert output([_add_one(), _add_one("Copy", local=True), decl("x", "Integer", 1), decl("s", "Text", "5"),
                   say(_call("AddOne", var("x"))), say(var("x")),
                   say(_call("AddOne", op("+", var("x"), 10))), say(var("x")),
                   say(_call("Copy", var("x"))), say(var("x")),
                   expr(_call("AddOne", var("s"))), say(op("+", var("s"), "!"))]) \
        == ["2", "2", "13", "2", "3", "2", "6!"]

