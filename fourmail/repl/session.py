"""The interactive session, in one source language (4D by default): `fourmail` with no arguments,
or `fourmail repl`.

One Runtime for the whole session; each input is compiled with locals_mode="dict" and run with
the same dict of local variables, so `$transporter` made in one input is there in the next, and
the types declared with `var` keep coercing (Codegen's `known_types`).

The input is read by a prompt_toolkit PromptSession: highlighting by the language's pygments
lexer, completion from the command registry and the live values (completion.py), and Enter
decided by the language's parser (its `completeness()`, for 4D lang/fourd/complete.py): a complete
or invalid input runs, an incomplete one (open block, bracket, text literal, trailing `\\`) goes on
with the next line indented; a line that continues or closes a block is put back one level. A
bracketed paste (a whole doc example) runs as one unit. Esc-Enter runs the input as it is,
Ctrl-C drops it, Ctrl-D leaves.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.filters import Condition
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.lexers import PygmentsLexer

from .. import lang
from .completion import ReplCompleter
from ..secret_names import is_secret_prompt
from .display import format_value, scrub

INDENT = "    "
FILENAME = "<repl>"
METHOD = "repl"


def prompt_of(language: lang.Language) -> str:
    return f"{language.title}> "


def banner(language: lang.Language, version: str) -> str:
    blocks = "/".join(language.words.spelled(t) for t in language.words.SHOWCASE_BLOCKS)
    return (f"fourmail {version}: {language.title}, interactively. An open {blocks}... goes on over lines.\n"
            f":help NAME shows the {language.title} reference, Tab completes, Ctrl-D leaves.\n")


HELP = """REPL commands:
  :help NAME         the {title} reference of a command, class, function, property or concept
  :sandbox on|off    route mail connections to the embedded sandbox
  :vars              the variables of the session
  :quit              leave (or Ctrl-D)
Keys: Tab completes, Esc Enter runs the input as it is, Ctrl-C drops it.
"""


SHOWN_OWNER = "shown owner"     # a local no program can name: the object a shown property is read from


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "fourmail"


class ScrubbedFileHistory(FileHistory):
    """The session's history keeps what was typed; the file gets it with secrets scrubbed, read
    in the session's language (a WLanguage assignment has no `:=`)."""

    def __init__(self, filename: str, language=None):
        super().__init__(filename)
        self.language = language

    def store_string(self, string: str) -> None:
        super().store_string(scrub(string, self.language))


def make_history(language=None):
    try:
        d = data_dir()
        d.mkdir(parents=True, exist_ok=True)
        path = d / "history"
        if not path.exists():
            path.touch(mode=0o600)
        return ScrubbedFileHistory(str(path), language)
    except OSError:
        return InMemoryHistory()   # no writable data dir: history for this session only


class ReplSession:
    def __init__(self, project_dir: Path | None = None, out=None, err=None, language: lang.Language | None = None):
        from ..program import new_runtime
        self.language = (language or lang.get()).interactive()    # (WLanguage: keeps declarations)
        self.blocks = self.language.completeness()      # the language's block and indent logic
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.rt = new_runtime(self.language, project_dir=project_dir or Path.cwd(), out=self.out, err=self.err,
                              interactive=True)
        self.rt.main_name = METHOD
        self.rt.ask = self.ask
        self.locals: dict = {}
        self.known_types: dict[str, str] = {}
        self.spellings: dict[str, str] = {"ok": "OK", "document": "Document"}
        self.done = False

    # ------------------------------------------------------------ dialogs
    def ask(self, prompt_text: str) -> str | None:
        """Request / CONFIRM / Select document inside the REPL: a prompt of its own, hidden for a
        password, and never recorded in the history."""
        from prompt_toolkit import prompt
        try:
            return prompt(prompt_text, is_password=is_secret_prompt(prompt_text))
        except (EOFError, KeyboardInterrupt):
            self.out.write("\n")
            return None

    # ------------------------------------------------------------ one input
    def execute(self, text: str) -> None:
        stripped = text.strip()
        if not stripped:
            return
        if stripped.startswith(":") and not stripped.startswith(":("):
            self.command(stripped)
            return
        from ..program import report, run_source
        source = self.blocks.prepare(text)
        shown = None

        def show_last_value(program):
            nonlocal shown
            shown = self._show_last_value(program)
        outcome = run_source(self.rt, source, FILENAME, METHOD, locals_mode="dict", locals_dict=self.locals,
                             known_types=self.known_types, edit=show_last_value, shutdown=False)
        if outcome.kind != "syntax":
            self._learn_spellings(source)
        if outcome.kind != "ok":
            report(outcome, self.rt, FILENAME, self.err, session=True)
            return
        result = outcome.value
        owner = self.locals.pop(SHOWN_OWNER, None)
        if shown is not None:
            from ..runtime.values import UNDEFINED, ClassInstance
            name, quiet_if_undefined = shown
            secret = isinstance(owner, ClassInstance) and owner.is_secret_property(name)
            if not (result is UNDEFINED and quiet_if_undefined):
                self.out.write(format_value(result, name, secret=secret) + "\n")
                self.out.flush()

    def _show_last_value(self, program):
        """A bare expression as the last statement: make it the method's result, to be shown.
        Returns (name it was read from, quiet when Undefined) or None (a statement)."""
        from ..lang import ast as A
        from ..runtime import types as T
        body = program.body
        if not body or not isinstance(body[-1], A.ExprStatement):
            return None
        e = body[-1].expr
        if isinstance(e, A.CommandCall):
            cmd = self.language.names.lookup_command(e.name)
            if e.name.casefold() in T.LEGACY or (cmd is not None and not cmd.returns):
                return None            # a procedure (ALERT, OB SET...): nothing to show
        if isinstance(e, A.ProcessVar) and self.rt.method_exists(e.name):
            e = A.MethodCall(e.line, e.col, e.name, [])
        line, col = body[-1].line, body[-1].col
        if isinstance(e, A.Member):
            # the object the property is read from is kept, to ask it whether the property is a
            # secret (WLanguage's AuthToken.Value: a name no rule could know)
            owner = A.LocalVar(line, col, SHOWN_OWNER)
            body[-1:] = [A.Assign(line, col, owner, e.target), A.Return(line, col, A.Member(e.line, e.col, owner, e.name))]
        else:
            body[-1] = A.Return(line, col, e)
        name = e.name if isinstance(e, (A.LocalVar, A.ProcessVar, A.Member)) else None
        return name, isinstance(e, (A.MethodCall, A.MemberCall, A.CommandCall))

    def _learn_spellings(self, source: str) -> None:
        for p in self.language.scan(source):
            if p.kind in ("LOCAL", "NAME"):
                word = source[p.start:p.end]
                self.spellings.setdefault(word.casefold(), word)

    # ------------------------------------------------------------ :commands
    def command(self, line: str) -> None:
        cmd, _, arg = line.partition(" ")
        cmd, arg = cmd.casefold(), arg.strip()
        if cmd in (":help", ":h", ":?"):
            if not arg:
                self.out.write(HELP.format(title=self.language.title) + "\n")
            from .help import help_text, wrap
            width = max(40, min(100, shutil.get_terminal_size((100, 24)).columns - 1))
            self.out.write(wrap(help_text(self._help_name(arg), self.language), width))
        elif cmd == ":sandbox":
            self.out.write(self.sandbox(arg) + "\n")
        elif cmd == ":vars":
            self.out.write(self.variables())
        elif cmd in (":quit", ":exit", ":q"):
            self.done = True
        else:
            self.err.write(f"unknown REPL command {cmd} (:help lists them)\n")

    def _help_name(self, arg: str) -> str:
        """`:help $transporter.send` -> `SMTPTransporter.send` (the class of the live value)."""
        m = re.fullmatch(r"(\$\w+)\.(\w+)(?:\(\))?", arg)
        if m:
            from ..runtime.values import ClassInstance
            value = self.locals.get(m.group(1).casefold())
            if isinstance(value, ClassInstance):
                return f"{value.CLASS_NAME}.{m.group(2)}"
            declared = self.known_types.get(m.group(1).casefold(), "")
            if declared.startswith("4D."):
                return f"{declared[3:]}.{m.group(2)}"
            if isinstance(value, dict):
                return f"Email.{m.group(2)}"
            return m.group(2)
        return arg

    def sandbox(self, arg: str) -> str:
        """`:sandbox on|off`: route the session's mail connections to the embedded loopback servers.

        The hook, first choice: a `fourmail.sandbox` module offering `enable(rt)` (start the servers,
        route the runtime's mail connections to them, return a handle kept in `rt.sandbox`) and
        `disable(rt, handle)`. Otherwise the sandbox's own parts, as `fourmail run --sandbox` uses
        them (`sandbox.server.Sandbox`, `sandbox.routing.apply`). Neither there: not available."""
        hooks = _sandbox_hooks()
        state = "on" if self.rt.sandbox is not None else "off"
        if hooks is None:
            return "the embedded sandbox is not available in this version"
        if arg not in ("on", "off"):
            return f"sandbox is {state} (:sandbox on|off)"
        enable, disable = hooks
        try:
            if arg == "on":
                if self.rt.sandbox is None:
                    self.rt.sandbox = enable(self.rt)
                return "sandbox on: mail connections go to the embedded loopback servers"
            if self.rt.sandbox is not None:
                handle, self.rt.sandbox = self.rt.sandbox, None
                disable(self.rt, handle)
            return "sandbox off: mail connections go to the hosts the code names"
        except Exception as e:     # the servers could not start (ports, store folder...)
            return f"sandbox: {e}"

    def variables(self) -> str:
        if not self.locals:
            return "no local variables yet\n"
        lines = []
        for key in sorted(self.locals):
            if " " in key:
                continue            # a name no program can write: a front end's own (a SWITCH's value)
            shown = format_value(self.locals[key], key).split("\n")
            text = shown[0] + (" …" if len(shown) > 1 else "")
            vtype = self.known_types.get(key)
            lines.append(f"{self.spellings.get(key, key)}{' : ' + vtype if vtype else ''} = {text}")
        return "\n".join(lines) + "\n"

    def close(self) -> None:
        shutdown = getattr(self.rt, "shutdown", None)
        if shutdown is not None:
            try:
                shutdown()
            except Exception:
                pass
        if self.rt.sandbox is not None:
            self.sandbox("off")


def _sandbox_hooks():
    """(enable, disable) for `:sandbox`, or None when fourmail has no embedded sandbox."""
    import importlib
    try:
        mod = importlib.import_module("fourmail.sandbox")
    except ImportError:
        return None
    enable, disable = getattr(mod, "enable", None), getattr(mod, "disable", None)
    if callable(enable) and callable(disable):
        return enable, disable
    try:
        from ..sandbox.routing import apply
        from ..sandbox.server import Sandbox
    except ImportError:
        return None

    def start(rt):
        saved = (list(rt.routes), list(rt.cafiles))
        sandbox = Sandbox(quiet=True)
        sandbox.start()
        apply(rt, sandbox)
        return sandbox, saved

    def stop(rt, handle):
        sandbox, (routes, cafiles) = handle
        rt.routes, rt.cafiles = routes, cafiles
        sandbox.stop()
    return start, stop


# ---------------------------------------------------------------- the prompt

def key_bindings(blocks) -> KeyBindings:
    """`blocks`: the language's block logic (Language.completeness())."""
    kb = KeyBindings()

    @Condition
    def cursor_at_end() -> bool:
        from prompt_toolkit.application import get_app
        buf = get_app().current_buffer
        return buf.cursor_position == len(buf.text)

    @kb.add("enter", filter=cursor_at_end)
    def _enter(event):
        buf = event.current_buffer
        state = buf.complete_state
        if state is not None and state.current_completion is not None:
            buf.apply_completion(state.current_completion)
            return
        buf.cancel_completion()
        _reindent_last_line(buf, blocks)
        text = buf.text
        if text.lstrip().startswith(":") and not text.lstrip().startswith(":("):
            buf.validate_and_handle()
            return
        status = blocks.check_complete(text)
        lines = text.split("\n")
        forced = len(lines) >= 3 and not lines[-1].strip() and not lines[-2].strip()
        if status.status != blocks.INCOMPLETE or forced:
            buf.validate_and_handle()
        else:
            buf.insert_text("\n" + INDENT * status.indent)

    @kb.add("enter", filter=~cursor_at_end)
    def _enter_inside(event):
        buf = event.current_buffer
        line = buf.document.current_line_before_cursor
        buf.insert_text("\n" + re.match(r"[ \t]*", line).group())

    @kb.add("escape", "enter")
    def _force(event):
        event.current_buffer.validate_and_handle()

    @kb.add(Keys.BracketedPaste)
    def _paste(event):
        data = event.data.replace("\r\n", "\n").replace("\r", "\n")
        buf = event.current_buffer
        buf.insert_text(data)
        if "\n" in data.rstrip("\n") or data.endswith("\n"):
            if buf.cursor_position == len(buf.text) and blocks.check_complete(buf.text).status != blocks.INCOMPLETE:
                buf.validate_and_handle()      # a whole doc example: one unit

    @kb.add("tab")
    def _tab(event):
        buf = event.current_buffer
        before = buf.document.current_line_before_cursor
        if not before.strip():
            buf.insert_text(INDENT)
        elif buf.complete_state:
            buf.complete_next()
        else:
            buf.start_completion(insert_common_part=True)

    @kb.add("s-tab")
    def _dedent(event):
        buf = event.current_buffer
        if buf.complete_state:
            buf.complete_previous()
            return
        before = buf.document.current_line_before_cursor
        if not before.strip() and before:
            buf.delete_before_cursor(min(len(before), (len(before) - 1) % len(INDENT) + 1))

    return kb


def _reindent_last_line(buf, blocks) -> None:
    """A line that continues or closes a block, typed at the block's indentation: put it back at
    its level."""
    text = buf.text
    start = text.rfind("\n") + 1
    line = text[start:]
    if not line.strip() or not blocks.is_dedent_line(line) or start == 0:
        return
    level, _ = blocks.indent_levels(text)
    new_line = INDENT * level + line.lstrip(" \t")
    if new_line != line:
        buf.text = text[:start] + new_line
        buf.cursor_position = len(buf.text)


def continuation(width: int, line_number: int, is_soft_wrap: bool) -> str:
    return "." * (width - 1) + " "


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("fourmail")
    except Exception:
        return "dev"


def run_repl(project_dir: Path | None = None, language: lang.Language | None = None) -> int:
    """The REPL loop; returns the exit status."""
    repl = ReplSession(project_dir, language=language)
    session = PromptSession(
        message=prompt_of(repl.language), multiline=True, prompt_continuation=continuation,
        lexer=PygmentsLexer(repl.language.highlighter()), completer=ReplCompleter(repl), complete_while_typing=True,
        history=make_history(repl.language), key_bindings=key_bindings(repl.blocks), enable_history_search=False)
    repl.out.write(banner(repl.language, _version()))
    repl.out.flush()
    try:
        while not repl.done:
            try:
                text = session.prompt()
            except KeyboardInterrupt:
                continue              # Ctrl-C: drop the input
            except EOFError:
                break                 # Ctrl-D
            try:
                repl.execute(text)
            except KeyboardInterrupt:
                repl.err.write("interrupted\n")
            repl.out.flush()
            repl.err.flush()
    finally:
        repl.close()
    return 0
