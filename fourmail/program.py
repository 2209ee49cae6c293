"""The front end: source text in a language (lang/) to a compiled method, its run on a Runtime,
and the report of how it ended. The CLI (`fourmail run`), the REPL and the tests all go this way.

The runtime compiles nothing itself: it is given a SourceLoader (`new_runtime`), which knows the
language, and asks it for the project methods and user classes a running program names.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from . import lang
from .lang.errors import SourceSyntaxError
from .runtime.errors import E, AbortExecution, FourDError
from .runtime.session import Runtime
from .source_files import read_source


# ---------------------------------------------------------------- compiling
def language_of(rt: Runtime) -> lang.Language:
    """The language `rt` loads its source in (4D for a Runtime made without a SourceLoader)."""
    loader = rt.loader
    return loader.language if isinstance(loader, SourceLoader) else lang.get()


def compile_program(rt: Runtime, program, source: str, filename: str, name: str, *,
                    locals_mode: str = "fast", known_types: dict[str, str] | None = None):
    """A parsed program as the method `name` of `rt`; a compile error is a SourceSyntaxError."""
    from .compiler.codegen import CompileError, compile_method
    language = language_of(rt)
    language.check_body(program, filename, source)
    program = _define_procedures(rt, program, source, filename)
    try:
        method = compile_method(program, name, filename, source, rt.method_exists, locals_mode, known_types,
                                operators=rt.compare, names=language.names)
    except CompileError as e:
        raise SourceSyntaxError(e.message, e.line, e.col, filename, source) from e
    rt.sources[name] = source         # for the line an error report quotes
    return method


# The local that holds a procedure's declared result: a name no program can write.
_PROCEDURE_RESULT = "procedure result"


def _define_procedures(rt: Runtime, program, source: str, filename: str):
    """The procedures at the top level of `program` (WLanguage's PROCEDURE blocks) compiled as
    methods of `rt` its code calls by name; the program without them."""
    from .lang import ast as A
    procedures = [s for s in program.body if isinstance(s, A.ProcedureDecl)]
    if not procedures:
        return program
    for p in procedures:
        result = _PROCEDURE_RESULT if p.result_type else None
        declare = A.Declare(p.line, p.col, list(p.params), result, p.result_type, None)
        body = A.Program(p.line, p.col, p.body, declare)
        rt.define_method(p.name, compile_program(rt, body, source, filename, p.name))
    rest = [s for s in program.body if not isinstance(s, A.ProcedureDecl)]
    return A.Program(program.line, program.col, rest, program.declare)


def compile_source(rt: Runtime, source: str, filename: str, name: str | None = None, *,
                   locals_mode: str = "fast", known_types: dict[str, str] | None = None,
                   edit: Callable[[Any], None] | None = None):
    """Parse and compile `source` (`edit` may change the parsed program first); SourceSyntaxError."""
    program = language_of(rt).parse(source, filename, method_names(rt))
    if edit is not None:
        edit(program)
    return compile_program(rt, program, source, filename, name or Path(filename).stem,
                           locals_mode=locals_mode, known_types=known_types)


def method_names(rt: Runtime) -> tuple[str, ...]:
    """The project methods `rt` can call, as their files spell them (the parser needs names with blanks)."""
    return tuple(path.stem for path in rt.method_files().values())


class SourceLoader:
    """What a Runtime loads project methods and user classes with, in one language. A file that
    does not compile is a 4D error at the call, catchable: 73 for a method, 72 for a class."""

    def __init__(self, language: lang.Language | None = None):
        self.language = language or lang.get()

    def load_method(self, rt: Runtime, path: Path):
        try:
            return compile_source(rt, read_source(path), str(path), path.stem)
        except SourceSyntaxError as e:
            raise FourDError(E.METHOD_FILE, name=path.stem, detail=_where(path, e)) from None

    def compile_formula(self, rt: Runtime, text: str, name: str):
        """`Formula from string`: `text`, one expression or assignment, compiled as a formula's
        code (compiler/codegen.py compile_formula). It may not name local variables (-10737)."""
        from .compiler.codegen import CompileError, compile_formula, formula_captures
        from .lang import ast as A
        try:
            body = self.language.parse(text, f"<{name}>").body
            if len(body) != 1 or not isinstance(body[0], (A.ExprStatement, A.Assign, A.CompoundAssign)):
                raise SourceSyntaxError("one expression or assignment was expected", 1, 1)
            code = body[0].expr if isinstance(body[0], A.ExprStatement) else body[0]
            local = formula_captures(code)
            if local:
                raise FourDError(E.FORMULA_LOCAL, name=local[0])
            method = compile_formula(code, name, rt.method_exists, operators=rt.compare)
        except (SourceSyntaxError, CompileError) as e:
            raise FourDError(E.BAD_PARAMETER, name=name, detail=f"{e.message} ({e.line}:{e.col})") from None
        rt.sources[name] = text           # for the line an error report quotes
        return method

    def read_class(self, rt: Runtime, path: Path) -> "ClassSource":
        name, source = path.stem, read_source(path)
        try:
            definition = self.language.parse_class(source, name, str(path), method_names(rt))
        except SourceSyntaxError as e:
            raise _class_error(path, e) from None
        return ClassSource(rt, path, source, definition)


class ClassSource:
    """A class file, parsed: `extends` names its parent (loaded before the members compile)."""

    def __init__(self, rt: Runtime, path: Path, source: str, definition):
        self.rt, self.path, self.source, self.definition = rt, path, source, definition

    @property
    def extends(self) -> str | None:
        return self.definition.extends

    @property
    def extends_clause(self) -> str:
        """The parent-class declaration as the language writes it, for messages."""
        return self.definition.extends_clause

    def compile(self):
        """(constructor or None, {function name: method}, property initializer or None)."""
        d, name = self.definition, self.path.stem

        def compiled(member: str, program):
            return compile_program(self.rt, program, self.source, str(self.path), f"{name}.{member}")
        try:
            constructor = compiled("constructor", d.constructor.program) if d.constructor else None
            functions = {fn: compiled(fn, m.program) for fn, m in d.functions.items()}
            initializer = _initializer(d.properties)
            initializer = compiled("property", initializer) if initializer else None
        except SourceSyntaxError as e:
            raise _class_error(self.path, e) from None
        return constructor, functions, initializer


def _where(path: Path, e) -> str:
    return f"{path.name}:{e.line}:{e.col}: {e.message}"


def _class_error(path: Path, e) -> FourDError:
    return FourDError(E.CLASS_FILE, name=f"cs.{path.stem}", detail=_where(path, e))


def _initializer(properties):
    """`property count : Integer := 0`: the assignments `This.count:=0`, run before the constructor."""
    from .lang import ast as A
    body = []
    for p in properties:
        if p.init is not None:
            for n in p.names:
                this = A.ThisRef(p.line, p.col)
                body.append(A.Assign(p.line, p.col, A.Member(p.line, p.col, this, n), p.init))
    if not body:
        return None
    return A.Program(body[0].line, 1, body, None)


def new_runtime(language: lang.Language | None = None, **options) -> Runtime:
    """A Runtime (same options) that loads its project methods and classes from source in
    `language` (4D by default) and compares texts with the language's collation."""
    language = language or lang.get()
    options.setdefault("collation", language.collation)
    return Runtime(loader=SourceLoader(language), **options)


# ---------------------------------------------------------------- running and reporting
class Outcome:
    """How a run ended. kind: "ok" (value is the method's result), "syntax" (a SourceSyntaxError),
    "error" (an uncaught FourDError), "aborted" (AbortExecution), "interrupted" (Ctrl-C),
    "internal" (a Python exception: a bug in fourmail)."""

    def __init__(self, kind: str, value: Any = None, error: BaseException | None = None):
        self.kind, self.value, self.error = kind, value, error


def run_method(rt: Runtime, method, *, locals_dict: dict | None = None, shutdown: bool = True,
               filename: str | None = None) -> Outcome:
    """Run a compiled main method, then wait for the other processes it started to be done;
    with `shutdown`, release what it left open (transporters)."""
    rt.application.report = _process_report(filename or f"{getattr(rt, 'main_name', None) or 'main'}")
    try:
        try:
            value = _run_processes(rt, method, locals_dict)
        finally:
            if shutdown:
                rt.shutdown()
    except FourDError as e:
        rt.out.flush()              # what the script wrote comes before the report of its error
        return Outcome("error", error=e)
    except AbortExecution as e:
        return Outcome("aborted", error=e)
    except KeyboardInterrupt as e:
        return Outcome("interrupted", error=e)
    except Exception as e:
        if os.environ.get("FOURMAIL_DEBUG"):
            raise
        return Outcome("internal", error=e)
    return Outcome("ok", value)


def _run_processes(rt: Runtime, method, locals_dict: dict | None) -> Any:
    """The main method; then the messages and processes of the run until they are all done
    (runtime/processes.py). Ctrl-C, or the output closing, stops them all."""
    try:
        value = rt.run(method, locals_dict=locals_dict)
    except (FourDError, AbortExecution):
        rt.application.finish()        # the other processes go on after the main method's error
        raise
    except BaseException:
        rt.application.abort()
        raise
    rt.application.finish()
    return value


def _process_report(filename: str) -> Callable:
    """How a failure in another process than the main one is told: as a run's, naming it."""
    def report_process(process, error: BaseException) -> None:
        kind = "error" if isinstance(error, FourDError) else \
            "aborted" if isinstance(error, AbortExecution) else "internal"
        stream = process.rt.err
        stream.write(f"process {process.number} ({process.name}): ")
        report(Outcome(kind, error=error), process.rt, filename, stream, session=True)
        stream.flush()
    return report_process


def run_source(rt: Runtime, source: str, filename: str, name: str | None = None, *,
               locals_mode: str = "fast", locals_dict: dict | None = None,
               known_types: dict[str, str] | None = None, edit: Callable[[Any], None] | None = None,
               shutdown: bool = True) -> Outcome:
    """Compile and run `source` as the main method `name` (the file's stem by default)."""
    try:
        method = compile_source(rt, source, filename, name, locals_mode=locals_mode,
                                known_types=known_types, edit=edit)
    except SourceSyntaxError as e:
        return Outcome("syntax", error=e)
    return run_method(rt, method, locals_dict=locals_dict, shutdown=shutdown, filename=filename)


def report(outcome: Outcome, rt: Runtime, filename: str, stream, *, session: bool = False) -> None:
    """Write how a run failed, one statement of it (nothing for "ok"). `session`: an input of the
    REPL, which goes on after it (no file name to give, an abort without error still said)."""
    e = outcome.error
    if outcome.kind == "syntax":
        stream.write(e.format() + "\n")
    elif outcome.kind == "error":
        report_error(e, filename, rt, stream)
    elif outcome.kind == "aborted":
        if e.error is not None:
            report_error(e.error, filename, rt, stream)
        elif session:
            stream.write("aborted\n")
    elif outcome.kind == "interrupted":
        # On the command line ^C was echoed where the output stood: start a line of its own.
        stream.write(("" if session else "\n") + "interrupted (error 1006: user interruption)\n")
    elif outcome.kind == "internal":
        stream.write(("" if session else f"{filename}: ") + f"internal error in fourmail: {type(e).__name__}: "
                     f"{e} (set FOURMAIL_DEBUG=1 for details)\n")


def report_error(err: FourDError, filename: str, rt: Runtime, stream) -> None:
    """An uncaught error, the way the runtime's language states it (Language.error_heading),
    then the line."""
    stream.write(language_of(rt).error_heading(err, filename, getattr(rt, "main_name", None)) + "\n")
    text = rt.line_text(err.method, err.line)
    if text:
        from .lang.errors import printable_line
        stream.write(f"    {printable_line(text, 0)[0]}\n")
