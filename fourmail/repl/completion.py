"""Tab completion for the REPL.

- Names from the one command registry, multi-word and case-insensitive (`SMTP N` ->
  `SMTP New transporter`, `mail mode U` -> `mail mode UTF8`), with their syntax shown beside
  them; the language's keywords; type names after a declaration's `:` (`var $x :`).
- Variables in scope: the session's locals (`$tr` -> `$transporter`) and process variables.
- Members of live values after a `.`: an object's properties, a collection's functions, a class
  instance's functions and properties (a transporter's `send()`, `host`...), plus what the shipped
  reference documents for its class; an object that looks like an Email gets the Email
  properties. Nothing is called to find them: only properties are read.
- After `:help `, the topics of the reference.
"""
from __future__ import annotations

import re
from typing import Iterable

from prompt_toolkit.completion import Completer, Completion

from ..runtime.values import UNDEFINED, ClassInstance, type_name

REPL_COMMANDS = {":help": "show the reference of a command, class, function or property",
                 ":sandbox": "on|off: route mail connections to the embedded sandbox",
                 ":vars": "list the variables of the session", ":quit": "leave the REPL"}
EMAIL_HINTS = {"from", "to", "cc", "bcc", "subject", "textBody", "htmlBody", "attachments", "sender", "replyTo",
               "bodyValues", "bodyStructure", "messageId", "keywords", "headers"}

_RUN = re.compile(r"[\w$ \t#]*$")


class ReplCompleter(Completer):
    def __init__(self, state):
        self.state = state            # the REPL session: .rt, .locals, .known_types, .spellings, .language
        self.words = words = state.language.words
        # every spelling of each keyword (WLanguage's English and French ones)
        self.keywords = [s for w in words.KEYWORDS for s in getattr(w, "spellings", (w.spelling,))]
        # `$a.b.c.par|` -> base `$a`, path `.b.c`, partial `par` (a base may be the class store `4D`,
        # tokenized or not: `4D:C1709.`)
        store = re.escape(words.CLASS_STORE) + "|" if words.CLASS_STORE else ""
        self._member_ctx = re.compile(r"(?<![\w$.])(" + store +
                                      r"\$[\w]*|[^\W\d][\w]*)(?::C\d+)?((?:\.[^\W\d][\w]*)*)\.([\w$]*)$", re.I)
        if hasattr(words, "type_context"):          # where the language's declarations name a type
            self._type_ctx = words.type_context()
        else:
            # After the `:` of a declaration (`var $x : Te`, `#DECLARE($a : `): the language's types.
            declaring = "|".join(words.spelling_pattern(w.token) for w in words.KEYWORDS if w.declares)
            self._type_ctx = re.compile(r"(?i)(?:^|[\s])(?:" + declaring + r")(?![\w])[^:\n]*:\s*([\w.]*)$")

    def get_completions(self, document, complete_event) -> Iterable[Completion]:
        text = document.text_before_cursor
        line = text.rsplit("\n", 1)[-1]
        if text.lstrip().startswith(":"):
            yield from self._repl_command(text.lstrip())
            return
        if _inside_literal(text, self.state.language):
            return
        m = self._member_ctx.search(line)
        if m:
            yield from self._members(m.group(1), m.group(2), m.group(3))
            return
        m = self._type_ctx.search(line)
        if m:
            part = m.group(1)
            for t in self.words.listed_types():
                if t.casefold().startswith(part.casefold()):
                    yield Completion(t, -len(part), display_meta="type")
            return
        yield from self._names(line)

    # ------------------------------------------------------------ `:help NAME`
    def _repl_command(self, text: str):
        if " " not in text:
            for c, meta in REPL_COMMANDS.items():
                if c.startswith(text.casefold()):
                    yield Completion(c, -len(text), display_meta=meta)
            return
        cmd, _, arg = text.partition(" ")
        if cmd == ":help":
            arg = arg.lstrip()
            seen = set()
            for name in _help_topics(self.state.language):
                if name.casefold().startswith(arg.casefold()) and name.casefold() not in seen:
                    seen.add(name.casefold())
                    yield Completion(name, -len(arg))
        elif cmd == ":sandbox":
            for w in ("on", "off"):
                if w.startswith(arg.strip()):
                    yield Completion(w, -len(arg.strip()))

    # ------------------------------------------------------------ names
    def _names(self, line: str):
        run_text = _RUN.search(line).group()
        starts = [mm.start() for mm in re.finditer(r"(?:(?<=[ \t])|^)[^\W\d]|(?:(?<=[ \t])|^)[$#]", run_text)]
        for s in starts:                        # longest fragment first: `SMTP N` before `N`
            fragment = run_text[s:]
            if not fragment.strip():
                continue
            if fragment.startswith("$"):
                if re.fullmatch(r"\$\w*", fragment):
                    found = list(self._locals(fragment))
                    if found:
                        yield from found
                        return
                continue
            found = list(self._registry(fragment))
            if found:
                yield from found
                return

    def _registry(self, fragment: str):
        words = fragment.split()
        trailing_blank = fragment[-1:] in (" ", "\t")
        if trailing_blank:
            words.append("")
        if not words or (len(words) == 1 and len(words[0]) < 1):
            return
        names = self.state.language.names        # the language's functions and constants
        out = []

        def matches(name: str) -> bool:
            nw = name.casefold().split()
            if len(nw) < len(words):
                return False
            for i, w in enumerate(words):
                w = w.casefold()
                if i < len(words) - 1:
                    if nw[i] != w:
                        return False
                elif not nw[i].startswith(w):
                    return False
            return True

        for kw in self.keywords:
            if matches(kw):
                out.append((0, kw, "keyword"))
        from ..commands.registry import NO_VALUE
        for c in names.all_commands().values():
            if matches(c.name):
                meta = c.syntax or (f"{c.theme} (C{c.number})" if c.number else c.theme)
                out.append((1, c.name, meta if c.implemented else f"{meta}  (not in fourmail)"))
        for k in names.all_constants().values():
            if matches(k.name):
                value = "value not known" if k.value is NO_VALUE else f"= {k.value!r}"
                out.append((2, k.name, f"constant {value}" + (f" ({k.theme})" if k.theme else "")))
        if len(words) == 1:
            for key in self.state.locals:           # a language whose locals have no `$` (WLanguage)
                spelled = self.state.spellings.get(key, key)
                if not spelled.startswith("$") and matches(spelled):
                    out.append((3, spelled, f"variable: {type_name(self.state.locals[key])}"))
            rt = self.state.rt
            for key, value in rt.process_vars.items():
                spelled = self.state.spellings.get(key, key if key != "ok" else "OK")
                if matches(spelled):
                    out.append((3, spelled, f"process variable: {type_name(value)}"))
        out.sort(key=lambda t: (t[0], t[1].casefold()))
        seen = set()
        for _, name, meta in out:
            if name.casefold() in seen:
                continue
            seen.add(name.casefold())
            yield Completion(name, -len(fragment), display_meta=meta)

    def _locals(self, fragment: str):
        part = fragment.casefold()
        for key in sorted(self.state.locals):
            if key.startswith(part):
                spelled = self.state.spellings.get(key, key)
                value = self.state.locals[key]
                vtype = self.state.known_types.get(key) or type_name(value)
                if isinstance(value, ClassInstance):
                    vtype = f"4D.{value.CLASS_NAME}"
                yield Completion(spelled, -len(fragment), display_meta=vtype)

    # ------------------------------------------------------------ members
    def _members(self, base: str, path: str, partial: str):
        value, declared = self._base_value(base)
        for step in [p for p in path.split(".") if p]:
            value, declared = _member_value(value, step), None
        items = _members_of(value, declared)
        seen = set()
        for name, meta, is_fn in items:
            if name in seen or not name.casefold().startswith(partial.casefold()):
                continue
            seen.add(name)
            yield Completion(name, -len(partial), display=name + ("()" if is_fn else ""), display_meta=meta)

    def _base_value(self, base: str):
        rt = self.state.rt
        if base.casefold() == "4d":
            return rt.class_store_4d, None
        if base.casefold() == "cs":
            return UNDEFINED, None
        key = base.casefold()
        if base.startswith("$") or key in self.state.locals:
            return self.state.locals.get(key, UNDEFINED), self.state.known_types.get(key)
        return rt.get_process_var(base), rt.process_var_type(base)


def _member_value(value, name: str):
    try:
        if isinstance(value, dict):
            return value.get(name, UNDEFINED)
        if isinstance(value, ClassInstance):
            return value.get_property(name)
    except Exception:
        pass
    return UNDEFINED


def _doc_members(class_name: str):
    from .help import index
    for e in index().members_of(class_name):
        name = e.title.split(".", 1)[1].rstrip("()")
        yield name, e.syntax or e.kind, e.kind == "function"


def _members_of(value, declared: str | None):
    from ..commands.registry import all_classes
    from ..runtime.classes import Class4D, ClassStore4D
    out: list[tuple[str, str, bool]] = []
    if isinstance(value, ClassStore4D):
        return [(name, "class", False) for name in all_classes()]
    if isinstance(value, Class4D):
        return [("new", f"4D.{value.name}.new() creates an instance", True), ("name", "Text", False)]
    if isinstance(value, ClassInstance):
        try:
            props = dict(value._properties())
        except Exception:
            props = {}
        documented = {name: meta for name, meta, _ in _doc_members(value.CLASS_NAME)}
        for k, v in props.items():
            out.append((k, documented.get(k, type_name(v)), False))
        for fn in value.function_names():
            out.append((fn, documented.get(fn, "function"), True))
        out.extend(_doc_members(value.CLASS_NAME))
        return out
    t = type(value)
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((str(k), type_name(v), False))
        if EMAIL_HINTS & set(value):
            out.extend(_doc_members("Email"))
        return out
    if t is list:
        from ..runtime.collections import COLLECTION_FUNCTIONS
        out.append(("length", "Integer", False))
        out.extend((fn, "collection function", True) for fn in sorted(COLLECTION_FUNCTIONS))
        return out
    if declared and declared.startswith("4D."):          # declared but not assigned yet
        return list(_doc_members(declared[3:]))
    return out


def _inside_literal(text: str, language) -> bool:
    """Is the cursor inside a text literal or a comment?"""
    line_start = text.rfind("\n") + 1
    pieces = list(language.scan(text[line_start:]))
    return bool(pieces) and pieces[-1].kind in ("OPEN_STRING", "COMMENT", "OPEN_COMMENT")


_topics: list[str] | None = None


def _help_topics(language=None) -> list[str]:
    if language is not None and language.reference_dir is None:
        # a language without reference pages: `:help` knows its words and its namespace's names
        names = language.names
        found = {s for w in language.words.KEYWORDS for s in w.spellings}
        found |= {c.name for c in names.all_commands().values()} | {k.name for k in names.all_constants().values()}
        return sorted(found, key=str.casefold)
    global _topics
    if _topics is None:
        from ..commands.registry import all_commands
        from .help import index
        names = set(index().names()) | {c.name for c in all_commands().values()}
        _topics = sorted(names, key=str.casefold)
    return _topics
