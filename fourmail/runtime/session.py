"""The runtime of one 4D process: process variables, the error stack, error handlers,
project methods, dialogs' input/output. Compiled methods call back into it.
"""
from __future__ import annotations

import queue
import sys
import threading
from pathlib import Path
from typing import Any, Callable, TextIO

from . import types as T
from .collation import FOURD_COLLATION, Collation
from .compare import Comparison
from .errors import AbortExecution, E, FourDError, internal_error
from .processes import Application
from .values import UNDEFINED, ClassInstance

# System variables (variables.md "System Variables") and their types.
SYSTEM_VARIABLES = {"ok": "Integer", "document": "Text", "error": "Integer", "error method": "Text",
                    "error line": "Integer", "error formula": "Text", "fldDelimit".casefold(): "Text",
                    "recDelimit".casefold(): "Text"}

MAX_CALL_DEPTH = 200


def find_method_files(project_dir: Path) -> dict[str, Path]:
    """The project methods of a folder: `NAME.4dm` in it, or in its Methods/ (4D's
    Project/Sources/Methods), by case-folded name."""
    found: dict[str, Path] = {}
    for folder in (project_dir / "Methods", project_dir):
        if folder.is_dir():
            for f in folder.glob("*.4dm"):
                found.setdefault(f.stem.casefold(), f)
    return found


def _comparison(collation: Collation) -> Comparison:
    """The comparison and operator rules of a collation: 4D's, or those its language names."""
    if collation.rules is None:
        return Comparison(collation)
    import importlib
    module, _, name = collation.rules.partition(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)(collation)


class Frame:
    __slots__ = ("method", "args", "this", "cls")

    def __init__(self, method: str, args: list, this: Any = None, cls: Any = None):
        self.method, self.args = method, args
        self.this, self.cls = this, cls        # in a class function: the instance and its class


class Runtime:
    def __init__(self, *, project_dir: Path | None = None, out: TextIO | None = None, err: TextIO | None = None,
                 answers: list[str] | None = None, interactive: bool | None = None, logs_dir: Path | None = None,
                 collation: Collation = FOURD_COLLATION, loader: Any = None, application: Any = None):
        self.project_dir = Path(project_dir or Path.cwd()).resolve()
        self.logs_dir = Path(logs_dir) if logs_dir else self.project_dir / "Logs"
        self.out = out or sys.stdout
        # How this process compares texts, fixed for its life: commands read its collation, and the
        # comparison rules with it (runtime/compare.py) serve collection searches and sorts and are
        # the operators of the code compiled for this process.
        self.collation = collation
        self.compare = _comparison(collation)
        self.err = err or sys.stderr
        self.answers = list(answers or [])
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.process_vars: dict[str, Any] = {"ok": 1, "document": "", "error": 0, "error method": "",
                                             "error line": 0, "error formula": "",
                                             "flddelimit": "\t", "recdelimit": "\r"}
        self.process_types: dict[str, str] = dict(SYSTEM_VARIABLES)
        self.errors: list[FourDError] = []       # the current error stack (Last errors)
        self.errors_stale = False                # the stack was handled: the next error starts a new one
        self.try_depth = 0
        self.exception: FourDError | None = None   # the error the last handler caught (ExceptionInfo)
        self.handlers: dict[int, str] = {}       # ON ERR CALL scope -> method name
        self.in_handler = False
        self.frames: list[Frame] = []
        self._methods: dict[str, Any] = {}
        self._method_files: dict[str, Path] | None = None
        self.sources: dict[str, str] = {}
        # Compiling is the front end's job (fourmail/program.py): the loader gives the project
        # methods (`load_method(rt, path)`) and user classes (`read_class(rt, path)`) a run names.
        self.loader = loader
        self._to_release = None      # see release_at_end
        from .classes import ClassStore4D, ClassStoreCS
        self.class_store_4d = ClassStore4D()
        self.class_store_cs = ClassStoreCS(self)
        # Front-end hooks. `ask(prompt) -> answer or None (cancelled)` asks the user when no
        # --answer is left (the REPL sets it: its own prompt, hidden for passwords). `sandbox`
        # is the embedded loopback mail sandbox when switched on (`:sandbox on`), else None.
        self.ask: Callable[[str], str | None] | None = None
        self.sandbox: Any = None
        self.current_line = 0                    # line of the member call running (for command errors)
        # Work other threads hand to this process (IMAP notifier callbacks): run at idle points.
        self._posted: queue.SimpleQueue = queue.SimpleQueue()
        self._wake = threading.Event()
        # Mail connections: where hosts really are (mail/network.py) and extra trusted CAs.
        from ..mail.network import cafiles_from_env, routes_from_env
        self.routes = routes_from_env()
        self.cafiles = cafiles_from_env()
        # The processes of a run share one application (runtime/processes.py): this Runtime is
        # its main process unless made for another one (`application` given).
        self.process = None
        self.application = application or Application(self)

    # ------------------------------------------------------------ process variables
    # `<>name` is an interprocess variable: the application's, shared by every process of the run.
    # It is the one name that sorts before "=" (the others start with a letter or "_"): the
    # cheapest test on this hot path.
    def get_process_var(self, name: str) -> Any:
        key = name.casefold()
        if key < "=":
            return self.application.variables.get(key, UNDEFINED)
        return self.process_vars.get(key, UNDEFINED)

    def set_process_var(self, name: str, value: Any) -> None:
        key = name.casefold()
        if key < "=":
            return self.application.set_variable(key, name, value)
        vtype = self.process_types.get(key)
        self.process_vars[key] = T.coerce(vtype, value, name) if vtype else value

    def process_var_type(self, name: str) -> str | None:
        """The declared type of a process or interprocess variable (None: not declared)."""
        key = name.casefold()
        return (self.application.types if key < "=" else self.process_types).get(key)

    def declare_process_var(self, name: str, vtype: str) -> None:
        key = name.casefold()
        if key < "=":
            return self.application.declare_variable(key, vtype)
        self.process_types[key] = vtype
        if key not in self.process_vars:
            self.process_vars[key] = T.default(vtype)

    def set_ok(self, value: int) -> None:
        self.process_vars["ok"] = int(value)

    # ------------------------------------------------------------ dialogs I/O
    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def next_answer(self) -> str | None:
        return self.answers.pop(0) if self.answers else None

    # ------------------------------------------------------------ errors
    def _as_error(self, exc: BaseException) -> FourDError:
        """The one place where a Python exception from a command becomes a 4D error."""
        if isinstance(exc, FourDError):
            return exc
        if isinstance(exc, AbortExecution):
            raise exc
        if isinstance(exc, RecursionError):
            return FourDError(E.RECURSION)
        if isinstance(exc, ZeroDivisionError):
            return FourDError(E.DIVISION_BY_ZERO)
        if isinstance(exc, MemoryError):
            return FourDError(E.INTERNAL, detail="out of memory")
        return internal_error(exc, self.err)

    def record(self, error: FourDError, line: int, method: str) -> FourDError:
        """Put an error on the stack (once), with where it happened."""
        # A recorded error outlives its statement (Last errors): drop the Python frames it
        # carries, or they keep that moment's objects alive (a transporter set to Null would not
        # be released: no QUIT, no POP3 deletions, until the stack is cleared).
        error.__traceback__ = error.__context__ = error.__cause__ = None
        if error.line is None:
            error.line, error.method = line, method
        if not error.recorded:
            if self.errors_stale:
                self.errors = []
                self.errors_stale = False
            self.errors.append(error)
            error.recorded = True
        return error

    def fail(self, exc: BaseException, line: int, method: str) -> None:
        """A statement failed. Return to continue with the next statement (an ON ERR CALL
        method handled it), or raise to unwind to a Try or to the top level."""
        error = self.record(self._as_error(exc), line, method)
        handler = self.handlers.get(0) or self.handlers.get(1)
        if (handler is None or self.try_depth > 0 or self.in_handler
                or getattr(error, "handled_by_caller", False)):
            if error is exc:
                raise error
            raise error from None
        self._call_handler(handler, error)

    def record_error(self, error: FourDError) -> None:
        """Put an error on the stack without interrupting (a status object reports it)."""
        self.record(error, self.current_line, self.frames[-1].method if self.frames else "")

    def report_error(self, error: FourDError) -> None:
        """A command met an error but goes on and returns a value (e.g. a failed `.send()`
        returns its status): the ON ERR CALL method is called; inside Try, or with no
        handler, the error interrupts as any other."""
        method = self.frames[-1].method if self.frames else ""
        self.record(error, self.current_line, method)
        handler = self.handlers.get(0) or self.handlers.get(1)
        if handler is None or self.try_depth > 0 or self.in_handler:
            raise error
        self._call_handler(handler, error)

    def release_at_end(self, thing) -> None:
        """`thing.close()` is called when the run ends (a transporter's session), unless it is
        gone by then: the runtime keeps no strong reference to it."""
        if self._to_release is None:
            import weakref
            self._to_release = weakref.WeakSet()
        self._to_release.add(thing)

    def shutdown(self) -> None:
        """End of the run: release what is still open (transporters close their sessions)."""
        for thing in list(self._to_release or ()):
            try:
                thing.close()
            except Exception:
                pass

    def _call_handler(self, handler: str, error: FourDError) -> None:
        self.process_vars.update({"error": int(error.code), "error method": error.method or "",
                                  "error line": int(error.line or 0),
                                  "error formula": self.line_text(error.method, error.line)})
        self.in_handler = True
        try:
            self.call_method(handler, [], error.line or 0)
        except FourDError as inner:
            # An error inside the error method: 4D takes over (on-err-call.md).
            inner.handled_by_caller = True
            raise
        finally:
            self.in_handler = False
            self.errors_stale = True

    def line_text(self, method: str | None, line: int | None) -> str:
        src = self.sources.get(method or "", "")
        lines = src.splitlines()
        return lines[line - 1].strip() if line and 0 < line <= len(lines) else ""

    def try_enter(self) -> int:
        saved = self.try_depth
        self.try_depth += 1
        self.errors = []
        self.errors_stale = False
        return saved

    def try_leave(self, saved: int) -> None:
        self.try_depth = saved

    def caught(self, exc: BaseException, line: int, method: str) -> FourDError:
        error = self.exception = self.record(self._as_error(exc), line, method)
        return error

    def try_expression(self, fn: Callable[[], Any], line: int, method: str) -> Any:
        saved = self.try_enter()
        try:
            return fn()
        except AbortExecution:
            raise
        except Exception as exc:
            self.record(self._as_error(exc), line, method)
            return UNDEFINED
        finally:
            self.try_leave(saved)

    # ------------------------------------------------------------ project methods
    def method_files(self) -> dict[str, Path]:
        """Project methods: `NAME.4dm` beside the script, or in Methods/ (4D's Project/Sources/Methods)."""
        if self._method_files is None:
            self._method_files = find_method_files(self.project_dir)
        return self._method_files

    def method_exists(self, name: str) -> bool:
        return name.casefold() in self.method_files()

    def load_method(self, name: str):
        key = name.casefold()
        method = self._methods.get(key)
        if method is None:
            path = self.method_files().get(key)
            if path is None:
                raise FourDError(E.UNKNOWN_METHOD, name=name)
            with self.application.lock:        # the processes of a run share what is loaded
                method = self.source_loader().load_method(self, path)
            self._methods[key] = method
        return method

    def define_method(self, name: str, method) -> None:
        """A method the running program's own file declares (a WLanguage procedure)."""
        self._methods[name.casefold()] = method

    def source_loader(self):
        if self.loader is None:
            raise RuntimeError("this Runtime was made without a loader: it cannot load methods or classes")
        return self.loader

    def call_method(self, name: str, args: list, line: int = 0) -> Any:
        return self._invoke(self.load_method(name), args)

    def _invoke(self, method, args: list, this: Any = None, cls: Any = None) -> Any:
        """Run a compiled project method or class member in a new frame."""
        if len(self.frames) >= MAX_CALL_DEPTH:
            raise FourDError(E.RECURSION)
        self.frames.append(Frame(method.name, args, this, cls))
        try:
            return method.function(self, None, args)
        finally:
            self.frames.pop()

    # ------------------------------------------------------------ work posted by other threads
    def post(self, task: Callable[[], Any]) -> None:
        """Run `task` in this process at its next idle point (thread-safe): "callback functions
        are executed in the worker where .start() is called" (IMAPNotifier.md)."""
        self._posted.put(task)
        self._wake.set()

    def run_posted(self) -> None:
        while True:
            try:
                task = self._posted.get_nowait()
            except queue.Empty:
                return
            task()

    # ------------------------------------------------------------ user classes (userclasses.py)
    def run_class_member(self, cls, method, this, args: list) -> Any:
        """A class's constructor or function, with `This` the instance."""
        return self._invoke(method, args, this, cls)

    def this(self) -> Any:
        """`This`: the instance in a class function; Null elsewhere."""
        return self.frames[-1].this if self.frames else None

    def _super(self, what: str, word: str):
        frame = self.frames[-1] if self.frames else None
        if frame is None or frame.cls is None:
            raise FourDError(E.BAD_PARAMETER, name=word, detail=f"{what} is only available in a class function")
        return frame

    # `word`: the parent-class keyword as the language spells it, for the errors.
    def super_class(self, word: str) -> Any:
        return self._super(word, word).cls.superclass

    def super_construct(self, args: list, line: int, word: str) -> None:
        """`Super(...)` in a constructor: the parent class's constructor on This."""
        frame = self._super(f"{word}()", word)
        parent = frame.cls.superclass
        if parent is None:
            raise FourDError(E.BAD_PARAMETER, name=f"{word}()",
                             detail=f"the class {frame.cls.name} does not extend another class")
        parent.construct(self, frame.this, list(args))

    def super_call(self, name: str, args: list, line: int, word: str) -> Any:
        """`Super.f(...)`: the parent class's function `f` on This."""
        frame = self._super(f"{word}.{name}()", word)
        parent = frame.cls.superclass
        found = parent.find(name) if parent is not None else None
        if found is None:
            raise FourDError(E.UNKNOWN_MEMBER_FUNCTION, name=name,
                             cls=f"cs.{parent.name}" if parent is not None else word)
        self.current_line = line
        return self.run_class_member(found[0], found[1], frame.this, list(args))

    def run(self, method, args: list | None = None, locals_dict: dict | None = None) -> Any:
        """Run a compiled main method. Uncaught 4D errors propagate as FourDError."""
        self.frames.append(Frame(method.name, list(args or [])))
        try:
            return method.function(self, locals_dict, list(args or []))
        finally:
            self.frames.pop()


__all__ = ["Runtime", "Frame", "ClassInstance"]
