"""WLanguage programs built as the front end builds them (the AST contract of lang/ast.py), run
on a Runtime of the WLanguage language: what the semantics tests use until they can parse.

Nodes are made by short functions; a statement's line is its place in the list `run` is given
(nested statements take the line they are given, 1 by default)."""
from __future__ import annotations

import io

from fourmail import lang
from fourmail.commands.registry import namespace
from fourmail.lang import ast as A
from fourmail.program import compile_program, new_runtime, report as report_outcome, run_method
from fourmail.runtime.collation import WLANGUAGE_COLLATION

NAMES = namespace("wlanguage")


class _WLanguage(lang.Language):
    """The language seam's view of WLanguage, for a checkout without its front end."""
    name, title, extensions = "wlanguage", "WLanguage", (".wl",)
    collation = WLANGUAGE_COLLATION


def language() -> lang.Language:
    try:
        return lang.get("wlanguage")
    except KeyError:
        return _WLanguage()


# ---------------------------------------------------------------- expressions
def lit(v, line=1):
    if type(v) is int:
        v = float(v)              # the front end's numbers are reals
    return A.Literal(line, 1, v)


def _x(v):
    return v if isinstance(v, A.Node) else lit(v)


def var(name, line=1):
    return A.LocalVar(line, 1, name)


def op(o, left, right, line=1):
    return A.BinOp(line, 1, o, _x(left), _x(right))


def call(name, *args, line=1, bare=False):
    cmd = NAMES.lookup_command(name)
    assert cmd is not None, name
    return A.CommandCall(line, 1, cmd.name, None if bare else [_x(a) for a in args])


def const(name, line=1):
    c = NAMES.lookup_constant(name)
    assert c is not None, name
    return A.ConstantRef(line, 1, c.name, c.value)


def not_(x):
    return A.Not(1, 1, _x(x))


def member(target, name):
    return A.Member(1, 1, _x(target), name)


def mcall(target, name, *args):
    return A.MemberCall(1, 1, _x(target), name, [_x(a) for a in args])


def element(target, index):
    return A.Element(1, 1, _x(target), _x(index))


def values(*items):
    return A.CollectionLiteral(1, 1, [_x(i) for i in items])


# ---------------------------------------------------------------- statements
def assign(target, value, line=1):
    return A.Assign(line, 1, target if isinstance(target, A.Node) else var(target), _x(value))


def decl(names, vtype, init=None, line=1):
    names = [names] if isinstance(names, str) else names
    return A.VarDecl(line, 1, [var(n) for n in names], vtype, None if init is None else _x(init))


def typed(name, type_name, line=1):
    """`name is <a type of the namespace>`."""
    return A.VarDecl(line, 1, [var(name)], "Object", A.NewValue(line, 1, NAMES.lookup_type(type_name).name))


def array(name, of, line=1):
    """`name is array of <of>`."""
    return A.VarDecl(line, 1, [var(name)], "Array", A.NewValue(line, 1, "array", of))


def say(*args, line=1):
    """`Trace(args...)`: each argument on a line of the output."""
    return A.ExprStatement(line, 1, call("Trace", *args, line=line))


def expr(e, line=1):
    return A.ExprStatement(line, 1, e)


def if_(cond, then, orelse=None, line=1):
    return A.If(line, 1, _x(cond), then, orelse)


def try_(body, handler, orelse=None, line=1):
    return A.TryBlock(line, 1, body, handler, orelse)


# ---------------------------------------------------------------- running
def runtime(**options):
    options.setdefault("out", io.StringIO())
    options.setdefault("err", io.StringIO())
    options.setdefault("interactive", False)
    return new_runtime(language(), **options)


def _number(stmts):
    for i, s in enumerate(stmts, 1):
        if s.line == 1:
            s.line = i
    return stmts


def compile_body(rt, stmts, source="", filename="test.wl", name="test"):
    rt.main_name = name          # as the CLI names the script's method
    return compile_program(rt, A.Program(1, 1, _number(list(stmts)), None), source, filename, name)


def run(stmts, source="", filename="test.wl", report=False):
    """(outcome, what the program printed) of the statements run as a program; with `report`,
    the printed output ends with how the run failed, as the CLI reports it on stderr."""
    rt = runtime()
    method = compile_body(rt, stmts, source, filename)
    outcome = run_method(rt, method, filename=filename)
    if report:
        report_outcome(outcome, rt, filename, rt.out)
    return outcome, rt.out.getvalue()


def output(stmts) -> list[str]:
    """The lines the program printed; the test fails if it did not end normally."""
    outcome, out = run(stmts)
    assert outcome.kind == "ok", (outcome.kind, outcome.error)
    return out.splitlines()


def value(e):
    """The value of one expression, computed by a compiled program."""
    rt = runtime()
    method = compile_body(rt, [A.Return(1, 1, _x(e))])
    outcome = run_method(rt, method)
    assert outcome.kind == "ok", (outcome.kind, outcome.error)
    return outcome.value


def error(e):
    """The error a program evaluating one expression stops with."""
    outcome, _ = run([expr(e)])
    assert outcome.kind == "error", outcome.kind
    return outcome.error
