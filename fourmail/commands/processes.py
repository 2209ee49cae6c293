"""Processes and workers: CALL WORKER, KILL WORKER, New process, Current process, Current process
name, Process number, Process state, DELAY PROCESS (call-worker.md, kill-worker.md,
new-process.md, processes.md "Worker processes"). The process table is runtime/processes.py.
"""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, copy_value, to_longint, type_name
from .text import is_star

try:            # shared objects and collections, where fourmail has them, are passed by reference
    from ..runtime.shared import is_shared
except ImportError:                                    # pragma: no cover
    def is_shared(value) -> bool:
        return False


def _is_number(v) -> bool:
    return type(v) in (int, float)


def _process_arg(command: str, v):
    """A process named (Text) or numbered (Integer)."""
    if type(v) is str:
        return v
    if _is_number(v):
        return to_longint(v)
    raise FourDError(E.BAD_PARAMETER, name=command, detail=f"a process name or number was expected, got {type_name(v)}")


def _passed(args) -> list:
    """Parameters as another process receives them: objects and collections are copies, unless
    shared (new-process.md, call-worker.md)."""
    return [v if is_shared(v) else copy_value(v) for v in args]


def _method_call(rt, command: str, method: str):
    """`run(process_rt, args)` calling the project method `method` (checked now, in the caller)."""
    if not rt.method_exists(method):
        raise FourDError(E.UNKNOWN_METHOD, name=method)

    def run(target_rt, args):
        target_rt.call_method(method, args)
    return run


def call_worker(rt, process, formula, *params):
    which = _process_arg("CALL WORKER", process)
    args = _passed(params)
    if type(formula) is str:
        if formula == "":
            startup = None

            def message(target_rt):        # the worker's startup method, if it has one
                method = target_rt.process.startup
                if method is not None:
                    target_rt.call_method(method, list(args))
        else:
            call = _method_call(rt, "CALL WORKER", formula)
            startup = formula

            def message(target_rt):
                call(target_rt, list(args))
    elif callable(getattr(formula, "run", None)):
        startup = None                     # a formula object (4D.Function): $1... are the params

        def message(target_rt):
            formula.run(target_rt, None, list(args))
    else:
        raise FourDError(E.BAD_PARAMETER, name="CALL WORKER",
                         detail=f"a formula or a method name was expected, got {type_name(formula)}")
    rt.application.call_worker(rt, which, message, startup)


def kill_worker(rt, process=UNDEFINED):
    which = rt.process.number if process is UNDEFINED else _process_arg("KILL WORKER", process)
    rt.application.kill_worker(which)


def new_process(rt, method, stack, *rest):
    """New process(method; stack {; name {; param...}} {; *}) -> its number (with `*`, that of the
    live process of that name, if there is one)."""
    unique = bool(rest) and is_star(rest[-1])
    if unique:
        rest = rest[:-1]
    if type(method) is not str:
        raise FourDError(E.BAD_PARAMETER, name="New process",
                         detail=f"the method name must be a Text, got {type_name(method)}")
    if not _is_number(stack):
        raise FourDError(E.BAD_PARAMETER, name="New process",
                         detail=f"the stack size must be a number, got {type_name(stack)}")
    name = rest[0] if rest else ""
    if type(name) is not str:
        raise FourDError(E.BAD_PARAMETER, name="New process",
                         detail=f"the process name must be a Text, got {type_name(name)}")
    call = _method_call(rt, "New process", method)
    args = _passed(rest[1:])
    return rt.application.new_process(rt, name, lambda target_rt: call(target_rt, list(args)), unique)


def current_process(rt):
    return rt.process.number


def current_process_name(rt):
    return rt.process.name


def process_number(rt, name, *star):
    """The number of the live process named `name` (exactly), 0 if none; `*` asks 4D Server."""
    if type(name) is not str:
        raise FourDError(E.BAD_PARAMETER, name="Process number",
                         detail=f"the process name must be a Text, got {type_name(name)}")
    found = rt.application.find(name)
    return found.number if found is not None else 0


def process_state(rt, process):
    if not _is_number(process):
        raise FourDError(E.BAD_PARAMETER, name="Process state",
                         detail=f"the process number must be a number, got {type_name(process)}")
    return rt.application.state(to_longint(process))


def delay_process(rt, process, ticks):
    """DELAY PROCESS(process; duration): `duration` in ticks (1/60 s), fractions allowed."""
    if not _is_number(process) or not _is_number(ticks):
        raise FourDError(E.BAD_PARAMETER, name="DELAY PROCESS",
                         detail="the process number and the duration must be numbers")
    rt.application.delay(rt, to_longint(process), max(float(ticks), 0.0) / 60.0)
