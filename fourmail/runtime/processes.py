"""The processes of a run (4D's "Processes and Workers"): New process, CALL WORKER, KILL WORKER.

A process is a Runtime of its own — its process variables, `OK`, error stack and ON ERR CALL
method — run on a thread of its own. All the processes of one run share one Application: the
interprocess variables (`<>name`), the project methods and classes loaded, the collation, the
output streams, the `--answer` answers, the mail routes.

- The main process (number 1) runs the script. Like 4D's main process it is a worker: messages
  sent to it (`CALL WORKER(1; ...)`) run when its method has returned.
- A worker (`CALL WORKER`) has a name (case sensitive), a message box and a startup method; its
  messages run one after another, in the order they were sent, and it keeps its process
  variables from one message to the next. `KILL WORKER` empties the box and ends it after the
  message running.
- A process made by `New process` runs its method with its parameters, then ends.

A run ends when the main method has returned, every message box is empty and every process has
ended (`finish`): fourmail waits for that, then releases them all — no thread outlives the run.
An uncaught error in another process is reported (the front end's `report`, naming the process)
and that process goes on with its next message, or ends; the run goes on.
"""
from __future__ import annotations

import collections
import threading
import time
from typing import Any, Callable

from . import types as T
from .errors import AbortExecution, FourDError

MAIN_NUMBER = 1
MAIN_NAME = "Main process"

# Process state (process-state.md)
DOES_NOT_EXIST, ABORTED, EXECUTING, DELAYED, WAITING_FOR_USER_EVENT = -100, -1, 0, 1, 2

_POLL = 0.25        # seconds: how often a wait looks at Ctrl-C (the main thread's waits only)


class Process:
    """One process of the run. kind: "main", "worker" or "process" (New process)."""

    def __init__(self, number: int, name: str, rt, kind: str, startup: Any = None):
        self.number, self.name, self.rt, self.kind = number, name, rt, kind
        self.startup = startup                   # a worker's startup method (CALL WORKER(w; ""))
        self.mailbox: collections.deque = collections.deque()
        self.busy = False                        # running a message (or, for "process", its method)
        self.killed = False                      # KILL WORKER: no more messages
        self.ended = False
        self.delay_until: float | None = None    # DELAY PROCESS: monotonic time it waits until
        self.thread: threading.Thread | None = None
        rt.process = self

    def __repr__(self) -> str:
        return f"<process {self.number} {self.name!r} ({self.kind})>"


class Application:
    """What the processes of one run share, and their table."""

    def __init__(self, main_rt):
        self.variables: dict[str, Any] = {}      # interprocess variables, by case-folded name (`<>x`)
        self.types: dict[str, str] = {}
        # The table, the message boxes and the loading of methods and classes.
        self.lock = threading.RLock()
        self.main = Process(MAIN_NUMBER, MAIN_NAME, main_rt, "main")
        self.processes: dict[int, Process] = {MAIN_NUMBER: self.main}
        self._next_number = MAIN_NUMBER + 1
        self.closing = False
        # Front end hook: `report(process, exception)` tells how a process's message or method
        # failed (program.py words it as a run's failure); without one, a line on its stderr.
        self.report: Callable[[Process, BaseException], None] | None = None
        self._fatal: BaseException | None = None  # ends the run: Ctrl-C, output closed

    # ------------------------------------------------------------ interprocess variables
    def set_variable(self, key: str, name: str, value: Any) -> None:
        vtype = self.types.get(key)
        self.variables[key] = T.coerce(vtype, value, name) if vtype else value

    def declare_variable(self, key: str, vtype: str) -> None:
        with self.lock:
            self.types[key] = vtype
            if key not in self.variables:
                self.variables[key] = T.default(vtype)

    # ------------------------------------------------------------ the table
    def current(self) -> Process:
        """The process running on this thread (the main one on the thread that started the run)."""
        me = threading.current_thread()
        for proc in list(self.processes.values()):
            if proc.thread is me:
                return proc
        return self.main

    def _new(self, parent_rt, name: str, kind: str, startup: Any = None) -> Process:
        number = self._next_number
        self._next_number += 1
        proc = Process(number, name, _new_runtime(parent_rt, self), kind, startup)
        self.processes[number] = proc
        return proc

    def find(self, which) -> Process | None:
        """The live process numbered or named `which` (a name matches exactly)."""
        with self.lock:
            if type(which) is str:
                for proc in self.processes.values():
                    if proc.name == which and not proc.ended:
                        return proc
                return None
            proc = self.processes.get(which)
            return proc if proc is not None and not proc.ended else None

    def count(self) -> int:
        return self._next_number - 1

    def state(self, number: int) -> int:
        with self.lock:
            proc = self.processes.get(number)
            if proc is None:
                return ABORTED if 0 < number <= self.count() else DOES_NOT_EXIST
            if proc.ended:
                return ABORTED
            if proc.delay_until is not None and proc.delay_until > time.monotonic():
                return DELAYED
            if proc.kind != "process" and not proc.busy and proc is not self.main:
                return WAITING_FOR_USER_EVENT      # a worker waiting for its next message
            return EXECUTING

    # ------------------------------------------------------------ workers
    def call_worker(self, caller, which, message: Callable[[Any], Any], startup: Any) -> None:
        """Post `message(rt)` to the worker `which` (a name or a number); a name no worker has
        makes a new worker, whose startup method is `startup`."""
        with self.lock:
            if self.closing:
                return
            proc = self._worker(which)
            if proc is None or proc.killed:
                if type(which) is not str:
                    return                         # a number: only an existing worker is called
                if proc is not None and proc.rt is caller:
                    return                         # a killed worker posting to itself
                previous = proc.thread if proc is not None else None
                proc = self._new(caller, which, "worker", startup)
                self._start(proc, self._worker_loop, previous)
            proc.mailbox.append(message)
        proc.rt._wake.set()

    def _worker(self, which) -> Process | None:
        """The worker named or numbered `which`; by name, a live one before one being killed."""
        if type(which) is not str:
            proc = self.processes.get(which)
            return proc if proc is not None and proc.kind != "process" and not proc.ended else None
        found = None
        for proc in self.processes.values():
            if proc.kind != "process" and proc.name == which and not proc.ended:
                if not proc.killed:
                    return proc
                found = proc
        return found

    def kill_worker(self, which) -> None:
        with self.lock:
            proc = self._worker(which)
            if proc is None:
                return
            proc.mailbox.clear()
            if proc is not self.main:              # the main process only empties its box
                proc.killed = True
        proc.rt._wake.set()

    def _worker_loop(self, proc: Process) -> None:
        rt = proc.rt
        while True:
            rt._wake.clear()
            self._run(proc, rt.run_posted)         # work other threads handed it (IMAP notifier)
            with self.lock:
                if proc.killed or (self.closing and not proc.mailbox):
                    return
                wait = proc.delay_until - time.monotonic() if proc.delay_until is not None else 0
                message = proc.mailbox.popleft() if proc.mailbox and wait <= 0 else None
                proc.busy = message is not None
            if message is None:
                rt._wake.wait(wait if wait > 0 else None)
                continue
            try:
                self._run(proc, lambda: message(rt))
            finally:
                with self.lock:
                    proc.busy = False
                self._changed()

    # ------------------------------------------------------------ New process
    def new_process(self, caller, name: str, body: Callable[[Any], Any], unique: bool) -> int:
        with self.lock:
            if unique:
                found = self.find(name)
                if found is not None:
                    return found.number
            if self.closing:
                return 0
            proc = self._new(caller, name, "process")
            proc.busy = True
            self._start(proc, lambda p: self._run(p, lambda: body(p.rt)))
            return proc.number

    # ------------------------------------------------------------ running
    def _start(self, proc: Process, loop: Callable[[Process], None], after: threading.Thread | None = None):
        def main():
            try:
                if after is not None:
                    after.join()                   # one process at a time for a worker's name
                loop(proc)
            except AbortExecution:
                pass                               # stopped by abort()
            finally:
                self._end(proc)
        proc.thread = threading.Thread(target=main, name=f"4D process {proc.number} {proc.name}", daemon=True)
        proc.thread.start()

    def _run(self, proc: Process, work: Callable[[], Any]) -> None:
        """Run `work` in `proc` (a message, a process method): a failure is reported, not raised."""
        try:
            work()
        except (FourDError, AbortExecution, Exception) as e:
            self._report(proc, e)
        except BaseException as e:                 # Ctrl-C, output closed: the whole run ends
            with self.lock:
                if self._fatal is None:
                    self._fatal = e
                proc.killed = True
            self.main.rt._wake.set()

    def _report(self, proc: Process, error: BaseException) -> None:
        if isinstance(error, AbortExecution) and error.error is None:
            return                                 # ABORT: the process stops, silently
        try:
            if self.report is not None:
                self.report(proc, error)
            else:
                proc.rt.err.write(f"process {proc.number} ({proc.name}): {error}\n")
        except Exception:
            pass

    def _end(self, proc: Process) -> None:
        try:
            proc.rt.shutdown()                     # what it left open (transporters)
        finally:
            with self.lock:
                proc.ended, proc.busy = True, False
                proc.mailbox.clear()
            self._changed()

    def _changed(self) -> None:
        self.main.rt._wake.set()                   # the main process may be waiting for the others

    # ------------------------------------------------------------ DELAY PROCESS
    def delay(self, caller, which: int, seconds: float) -> None:
        """Delay the process `which` for `seconds`: the caller itself waits (running the work
        other threads hand it); another process's delay replaces the one it is in, and holds its
        next message."""
        with self.lock:
            proc = self.processes.get(which)
            if proc is None or proc.ended:
                return
            proc.delay_until = time.monotonic() + seconds if seconds > 0 else None
        proc.rt._wake.set()
        if proc.rt is caller:
            self._wait(proc)

    def _wait(self, proc: Process) -> None:
        rt = proc.rt
        on_main = threading.current_thread() is threading.main_thread()
        try:
            while True:
                rt._wake.clear()
                rt.run_posted()
                until = proc.delay_until
                left = until - time.monotonic() if until is not None else 0
                if left <= 0 or (self.closing and proc is not self.main):    # abort()
                    return
                rt._wake.wait(min(left, _POLL) if on_main else left)
        finally:
            proc.delay_until = None

    # ------------------------------------------------------------ end of the run
    def finish(self) -> None:
        """The main method has returned: run the main process's messages and wait until every
        other process is done, then release them all. Ctrl-C interrupts the wait (and the others)."""
        main = self.main
        if len(self.processes) == 1 and not main.mailbox:
            return                                 # a run of one process: nothing to wait for
        try:
            while True:
                main.rt._wake.clear()
                main.rt.run_posted()
                with self.lock:
                    self._raise_fatal()
                    message = main.mailbox.popleft() if main.mailbox else None
                    if message is None and all(self._done(p) for p in self.processes.values()):
                        self.closing = True
                        break
                if message is not None:
                    self._run(main, lambda: message(main.rt))
                    continue
                main.rt._wake.wait(_POLL)
            for proc in list(self.processes.values()):
                proc.rt._wake.set()
            self._join()
            self._raise_fatal()
        except BaseException:
            self.abort()
            raise
        finally:
            self._reset()

    def _done(self, proc: Process) -> bool:
        return proc is self.main or proc.ended or (proc.kind == "worker" and not proc.busy and not proc.mailbox)

    def _join(self) -> None:
        for proc in list(self.processes.values()):
            thread = proc.thread
            while thread is not None and thread.is_alive():
                thread.join(_POLL)

    def _raise_fatal(self) -> None:
        fatal, self._fatal = self._fatal, None
        if fatal is not None:
            raise fatal

    def abort(self, grace: float = 2.0) -> None:
        """Stop every other process now (the run was interrupted): the 4D code each one is running
        is aborted where it is; one blocked outside Python gets `grace` seconds to come back."""
        with self.lock:
            self.closing = True
            procs = [p for p in self.processes.values() if p.thread is not None]
            for proc in procs:
                proc.killed = True
                proc.mailbox.clear()
        import ctypes
        for proc in procs:
            proc.rt._wake.set()                    # a waiting one sees it is killed and ends
            if proc.busy and proc.thread.is_alive() and proc.thread.ident is not None:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(proc.thread.ident),
                                                           ctypes.py_object(AbortExecution))
        deadline = time.monotonic() + grace
        for proc in procs:
            proc.thread.join(max(0.0, deadline - time.monotonic()))
        self._reset()

    def _reset(self) -> None:
        """After a run: an empty table but the main process (the REPL's next input starts anew)."""
        with self.lock:
            self.processes = {MAIN_NUMBER: self.main}
            self.main.mailbox.clear()
            self.closing = False
            self._fatal = None


def _new_runtime(parent, app: Application):
    """A Runtime for a new process of `parent`'s run: its own variables, errors and handlers;
    the run's methods, classes, collation, streams, answers and mail routes."""
    rt = type(parent)(project_dir=parent.project_dir, out=parent.out, err=parent.err,
                      interactive=parent.interactive, logs_dir=parent.logs_dir, collation=parent.collation,
                      loader=parent.loader, application=app)
    rt.answers = parent.answers                   # one list: answers are taken in order, by any process
    rt._methods, rt._method_files, rt.sources = parent._methods, parent.method_files(), parent.sources
    rt.class_store_cs = parent.class_store_cs
    rt.ask, rt.sandbox, rt.routes, rt.cafiles = parent.ask, parent.sandbox, parent.routes, parent.cafiles
    rt.main_name = getattr(parent, "main_name", None)
    return rt


__all__ = ["Application", "Process", "MAIN_NUMBER", "MAIN_NAME"]
