"""WLanguage's exceptions: WHEN EXCEPTION IN ... DO ... ELSE ... END (a TryBlock with orelse)
catches the program's errors and ExceptionThrow's; ExceptionInfo tells the caught one; an
exception nothing catches stops the run with WLanguage's report."""
from __future__ import annotations

import io

from fourmail.program import new_runtime, report, run_source
from fourmail.lang import ast as A
from wl_ast import call, const, decl, expr, op, output, run, say, try_, var


def _throw(code, message=None, line=1):
    args = (code,) if message is None else (code, message)
    return expr(call("ExceptionThrow", *args, line=line), line=line)


def _info(name):
    return call("ExceptionInfo", const(name))


def test_the_handler_runs_on_an_exception_and_the_program_goes_on_after_it():
    assert output([try_([say("before"), _throw(12, "Mailbox full"), say("never")],
                        [say(_info("errCode")), say(_info("errMessage"))], [say("no exception")]),
                   say("after")]) == ["before", "12", "Mailbox full", "after"]


def test_else_runs_when_nothing_was_thrown():
    assert output([try_([say("body")], [say("handler")], [say("else")]), say("after")]) == ["body", "else", "after"]


def test_an_error_in_else_is_not_the_handlers():
    outcome, out = run([try_([say("body")], [say("handler")], [_throw(7, "from else")]), say("after")])
    assert outcome.kind == "error" and outcome.error.code == 7 and out == "body\n"


def test_a_programming_error_is_an_exception():
    assert output([try_([expr(op("/", 1, 0))], [say(_info("errCode")), say(_info("errSummary"))])]) \
        == ["20", "Division by zero"]


def test_exception_info_in_french_and_in_full():
    lines = output([try_([_throw(3, "Connexion refusée", line=5)],
                         [say(call("ExceptionInfo", const("errComplet"))), say(call("ExceptionInfo"))])])
    assert lines == ["WLanguage error 3: Connexion refusée (line 5)", "Connexion refusée"]


def test_exception_throw_without_a_message_and_its_french_names():
    assert output([try_([expr(call("ExceptionDéclenche", 44))], [say(_info("errMessage"))]),
                   try_([expr(call("ExceptionDeclenche", 45))], [say(_info("errCode"))])]) == ["Exception 44", "45"]


def test_exception_info_with_no_exception():
    assert output([say(_info("errCode")), say(op("+", "[", op("+", _info("errMessage"), "]")))]) == ["0", "[]"]


def test_an_uncaught_exception_is_reported_in_wlanguage_words():
    source = "Trace(\"start\")\nn is int = 1\nExceptionThrow(3, \"Connexion refusée\")\nTrace(\"never\")\n"
    outcome, out = run([say("start"), decl("n", "Integer", 1), _throw(3, "Connexion refusée"), say("never")],
                       source, "send.wl", report=True)
    assert outcome.kind == "error"
    assert out == ("start\nsend.wl:3: WLanguage error 3: Connexion refusée\n"
                   "    ExceptionThrow(3, \"Connexion refusée\")\n")


def test_an_uncaught_programming_error_is_reported_with_its_number():
    outcome, out = run([expr(op("+", var("x"), A.ObjectLiteral(1, 1, [])))], "x + {}\n", "calc.wl", report=True)
    assert out.startswith("calc.wl:1: WLanguage error 54: ") and out.endswith("\n    x + {}\n")


def test_4d_reports_its_errors_as_before():
    out = io.StringIO()
    rt = new_runtime(out=out, interactive=False)
    rt.main_name = "calc"
    outcome = run_source(rt, '$x:=1\n$y:=$x+"a"\n', "calc.4dm")
    report(outcome, rt, "calc.4dm", out)
    assert out.getvalue() == ("calc.4dm:2: error 54 (4DRT): Argument types are incompatible: Real + Text\n"
                              '    $y:=$x+"a"\n')
