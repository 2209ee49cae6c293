"""`:help NAME`: reference text from the language's pages (4D's are shipped in fourmail/reference/).

The pages are indexed by name: commands (`SMTP New transporter`), classes (`SMTPTransporter`,
`4D.SMTPTransporter`, `Email`), their functions and properties (`send`, `.send()`,
`SMTPTransporter.send`, `host`), concepts (`operators`, `If`, `For each`). A command without a
page falls back to the registry's syntax string, a constant to its value.
"""
from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from typing import NamedTuple

from .. import lang

REFERENCE_DIR = lang.get().reference_dir      # the default language's pages

_REF_OPEN = re.compile(r"<!--\s*REF\s+#?(\S+?)\s*-->")
_REF_ANY = re.compile(r"<!--\s*(?:REF\s+#?(\S+?)|END\s+REF)\s*-->")
_INCLUDE = re.compile(r"<!--\s*INCLUDE\s+#?(\S+?)\s*-->")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def _keyword_pages(language: lang.Language) -> dict[str, str]:
    """The language's words -> the concept page that explains them (its table of words says)."""
    words = language.words
    return {**{w.spelling.casefold(): w.help for w in words.KEYWORDS}, **words.VALUE_PAGES}


class Entry(NamedTuple):
    kind: str          # command, class, function, property, concept, page
    title: str         # "SMTP New transporter", "SMTPTransporter.send()", "Operators"
    owner: str         # the class of a member ("" otherwise)
    syntax: str        # one-line signature ("" if none)
    summary: str       # one-line description ("" if none)
    text: str          # the whole section, as plain text


def _key(name: str) -> str:
    k = " ".join(name.strip().split()).casefold()
    if k.endswith("()"):
        k = k[:-2]
    return k.lstrip(".")


# ---------------------------------------------------------------- markdown -> text

def _ref_blocks(text: str, into: dict[str, str]) -> None:
    """Collect `<!-- REF name -->…<!-- END REF -->` blocks (they nest)."""
    stack: list[tuple[str, int]] = []
    for m in _REF_ANY.finditer(text):
        if m.group(1) is not None:
            stack.append((m.group(1), m.end()))
        elif stack:
            name, start = stack.pop()
            into.setdefault(name, text[start:m.start()])


def _resolve_includes(text: str, refs: dict[str, str], depth: int = 0) -> str:
    if depth > 4:
        return text

    def sub(m):
        body = refs.get(m.group(1))
        return _resolve_includes(body, refs, depth + 1) if body is not None else ""
    return _INCLUDE.sub(sub, text)


def to_plain(md: str) -> str:
    """The markdown of a doc section as terminal text."""
    text = _FRONT.sub("", md)
    text = re.sub(r"<details>.*?</details>", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"(?m)^(\|.*)$", lambda m: re.sub(r"<br\s*/?>", " — ", m.group(1)), text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</?(?:div|span|p|summary|details|a|img|code|em|strong)\b[^>]*>", "", text)
    out: list[str] = []
    in_code = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            out.append("")
            continue
        if in_code:
            out.append("    " + line.rstrip())
            continue
        if re.fullmatch(r"\|?[\s:|-]*-{2,}[\s:|-]*\|?", stripped) and "-" in stripped:
            continue                                       # a table's separator row
        if stripped == "---":
            continue
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"\1", line)
        line = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\1", line)
        line = re.sub(r"^#{1,6}\s*", "", line)
        if stripped.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not any(cells):
                continue                                   # an empty header row
            line = "  " + "  |  ".join(c for c in cells)
        elif stripped.startswith(">"):
            line = "  " + line.strip().lstrip("> ").rstrip()
        out.append(html.unescape(line.rstrip()))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def _one_line(md: str) -> str:
    return " ".join(to_plain(md).split())


# ---------------------------------------------------------------- the index

class HelpIndex:
    def __init__(self, root: Path = REFERENCE_DIR, language: lang.Language | None = None):
        self.entries: dict[str, list[Entry]] = {}
        self.class_members: dict[str, list[Entry]] = {}    # class key -> its functions and properties
        pages = {p: p.read_text(encoding="utf-8") for p in sorted(root.glob("*/*.md"))
                 if p.parent.name != "language"}          # the name catalog's SOURCES.md is no page
        refs: dict[str, str] = {}
        for text in pages.values():
            _ref_blocks(text, refs)
        self.refs = refs
        for path, raw in pages.items():
            meta = _front_matter(raw)
            text = _resolve_includes(raw, refs)
            title = meta.get("title", path.stem)
            folder = path.parent.name
            if folder == "commands":
                self._command_page(title, text)
            elif folder == "classes":
                self._class_page(title, meta.get("id", path.stem), text)
            else:
                self._add(Entry("concept", title, "", "", "", to_plain(text)), title, meta.get("id", ""),
                          path.stem)
        for word, page in _keyword_pages(language or lang.get()).items():
            for e in self.entries.get(page, []):
                if e.kind == "concept":
                    self.entries.setdefault(word, []).append(e)

    def _add(self, entry: Entry, *names: str) -> None:
        for n in names:
            if n:
                lst = self.entries.setdefault(_key(n), [])
                if entry not in lst:
                    lst.append(entry)

    def _command_page(self, title: str, text: str) -> None:
        syntax = _ref_of(text, f"_command_.{title}.Syntax") or _ref_of(text, f"{title}.Syntax")
        summary = _ref_of(text, f"_command_.{title}.Summary") or _ref_of(text, f"{title}.Summary")
        self._add(Entry("command", title, "", _one_line(syntax), _one_line(summary), to_plain(text)), title)

    def _class_page(self, title: str, page_id: str, text: str) -> None:
        body = _FRONT.sub("", text)
        sections = re.split(r"(?m)^## (?!#)", body)
        intro = sections[0]
        cls = title.replace(" Class", "")
        members: list[Entry] = []
        for sec in sections[1:]:
            heading, _, rest = sec.partition("\n")
            heading = heading.strip()
            syntax_md = next(iter(re.findall(r"<!--\s*REF\s+#\S+?\.Syntax\s*-->(.*?)<!--\s*END REF", sec, re.S)), "")
            summary_md = next(iter(re.findall(r"<!--\s*REF\s+#\S+?\.Summary\s*-->(.*?)<!--\s*END REF", sec, re.S)),
                              "")
            if not syntax_md:
                syntax_md = next(iter(re.findall(r"(?m)^\*\*\.[^\n]+$", sec)), "")
            if not summary_md:
                m = re.search(r"#### Description\s*\n\s*\n?(.+?)(?:\n\n|$)", sec, re.S)
                summary_md = re.sub(r"^The `[^`]+` (?:property|function) (?:contains |returns )?", "",
                                    m.group(1).split(". ")[0]) if m else ""
            plain = to_plain("## " + sec)
            if heading.startswith("."):
                name = heading[1:].strip()
                is_fn = name.endswith(")")
                bare = name.split("(")[0].strip()
                entry = Entry("function" if is_fn else "property", f"{cls}.{bare}{'()' if is_fn else ''}", cls,
                              _one_line(syntax_md), _one_line(summary_md), plain)
                if cls != "Transporter":
                    members.append(entry)
                    self._add(entry, bare, f"{cls}.{bare}", f"4D.{cls}.{bare}")
            elif heading.startswith("4D."):
                name = heading.split("(")[0]
                entry = Entry("function", heading, cls, _one_line(syntax_md), _one_line(summary_md), plain)
                self._add(entry, name, name[3:])
            elif _is_command(heading) and not self.entries.get(_key(heading)):
                # a command documented inside a class page (MAIL Convert from MIME in Email)
                self._add(Entry("command", heading, "", _one_line(syntax_md), _one_line(summary_md), plain),
                          heading)
        intro = "\n".join(line for line in intro.split("\n") if not line.startswith("|"))   # member table
        if members:
            listing = "\n".join(f"  {m.syntax or m.title}" + (f"  —  {m.summary}" if m.summary else "")
                                for m in members)
            intro_text = to_plain(intro) + f"\nFunctions and properties (:help {cls}.NAME):\n{listing}\n"
        else:
            intro_text = to_plain(intro)
        entry = Entry("class", cls, "", "", "", intro_text)
        self._add(entry, cls, f"4D.{cls}", page_id)
        self.class_members[_key(cls)] = members

    # ------------------------------------------------------------ queries
    def members_of(self, class_name: str) -> list[Entry]:
        """Documented functions and properties of a class (`SMTPTransporter`, `Email`)."""
        k = _key(class_name)
        if k.startswith("4d."):
            k = k[3:]
        return self.class_members.get(k, [])

    def lookup(self, name: str) -> list[Entry]:
        k = _key(name)
        found = self.entries.get(k)
        if not found and k.startswith("4d."):
            found = self.entries.get(k[3:])
        if not found and "." in k:
            cls, _, member = k.rpartition(".")
            cls = cls[3:] if cls.startswith("4d.") else cls
            found = [e for e in self.entries.get(member, []) if _key(e.owner) == cls]
            if not found and cls.endswith("transporter"):     # transporter.host: any transporter class
                found = [e for e in self.entries.get(member, []) if "transporter" in _key(e.owner)]
        if not found:
            return []
        kinds = ("command", "class", "function", "property", "concept")
        return sorted(found, key=lambda e: kinds.index(e.kind) if e.kind in kinds else 9)

    def names(self) -> list[str]:
        return sorted({e.title for lst in self.entries.values() for e in lst})


def _is_command(name: str) -> bool:
    from ..commands.registry import lookup_command
    return bool(name) and lookup_command(name) is not None


def _front_matter(text: str) -> dict[str, str]:
    m = _FRONT.match(text)
    meta: dict[str, str] = {}
    if m:
        for line in m.group(1).splitlines():
            k, _, v = line.partition(":")
            meta[k.strip()] = v.strip().strip('"')
    return meta


def _ref_of(text: str, name: str) -> str:
    m = re.search(r"<!--\s*REF\s+#?" + re.escape(name) + r"\s*-->(.*?)<!--\s*END\s*REF\s*-->", text, re.S)
    return m.group(1) if m else ""


_indexes: dict[str, HelpIndex] = {}


def index(language: lang.Language | None = None) -> HelpIndex:
    """The help index of `language`'s reference (the default language's by default)."""
    language = language or lang.get()
    if language.name not in _indexes:
        _indexes[language.name] = HelpIndex(language.reference_dir, language)
    return _indexes[language.name]


def wrap(text: str, width: int) -> str:
    """Fold the prose lines of a help text to the terminal's width (tables and code stay as they are)."""
    import textwrap
    out = []
    for line in text.split("\n"):
        if len(line) <= width or line.startswith("    ") or "  |  " in line:
            out.append(line)
            continue
        lead = re.match(r"[ \t]*(?:[*-] )?", line).group()
        out.extend(textwrap.wrap(line, width=width, initial_indent="", subsequent_indent=" " * len(lead),
                                 break_on_hyphens=False) or [""])
    return "\n".join(out)


def help_text(name: str, language: lang.Language | None = None) -> str:
    """What `:help NAME` prints."""
    name = name.strip()
    if language is not None and language.reference_dir is None:
        return _words_help(name, language)
    if not name:
        return _overview()
    idx = index(language)
    found = idx.lookup(name)
    if found:
        first = found[0]
        same = [e for e in found if e.kind == first.kind]
        if first.kind in ("function", "property") and len(same) > 1:
            if len({e.text.split("\n", 1)[-1] for e in same}) == 1:
                return same[0].text + f"\n(the same in {', '.join(e.owner for e in same)})\n"
            lines = [f"{name} is documented for {len(same)} classes; say which one:"]
            for e in same:
                lines.append(f"  :help {e.owner}.{e.title.split('.', 1)[1].rstrip('()')}"
                             f"    {e.syntax}" + (f"  —  {e.summary}" if e.summary else ""))
            return "\n".join(lines) + "\n"
        return first.text
    fallback = _registry_help(name)
    if fallback:
        return fallback
    names = sorted({n.casefold(): n for n in _all_names()}.values())
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6) or \
        [n for n in names if n.casefold() in difflib.get_close_matches(name.casefold(), [x.casefold() for x in names],
                                                                          n=5, cutoff=0.6)]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return f"No help for {name!r}.{hint} (:help alone lists the topics)\n"


def _words_help(name: str, language: lang.Language) -> str:
    """`:help` in a language without reference pages: its table of words says what a keyword is,
    its namespace gives a function's syntax, a constant's value, a type."""
    key = " ".join(name.casefold().split())
    words = language.words
    found = [f"{' / '.join(w.spellings)}: {w.help}\n" for w in words.KEYWORDS
             if key in {" ".join(s.casefold().split()) for s in w.spellings}]
    if found:                   # (French PAS is NOT and STEP: both)
        return "".join(found)
    names = language.names
    cmd = names.lookup_command(name)
    if cmd is not None:
        return f"{cmd.syntax or cmd.name}: a {language.title} function\n" + (f"{cmd.summary}\n" if cmd.summary else "")
    const = names.lookup_constant(name)
    if const is not None:
        return f"{const.name} = {const.value!r}: a {language.title} constant\n"
    vtype = getattr(names, "lookup_type", lambda n: None)(name)
    if vtype is not None:
        return f"{vtype.name}: a {language.title} type\n"
    if not key:
        return (f"{language.title} has no reference pages in fourmail: :help NAME says what a keyword means, "
                f"a function's syntax, a constant's value.\n")
    return f"No help for {name!r} in {language.title}.\n"


def _registry_help(name: str) -> str:
    from ..commands.registry import lookup_command, lookup_constant
    cmd = lookup_command(name)
    if cmd is not None:
        lines = [cmd.syntax or f"{cmd.name}: a 4D command (fourmail does not know its syntax)"]
        if cmd.number:
            lines.append(f"4D command number {cmd.number} (token form {cmd.name}:C{cmd.number})")
        if cmd.theme:
            lines.append(f"Theme: {cmd.theme}")
        if cmd.summary:
            lines.append(cmd.summary)
        if not cmd.implemented:
            lines.append(f"Not implemented by fourmail: {cmd.why_unavailable()}.")
        else:
            lines.append("Implemented by fourmail.")
        lines.append("(no reference page for this command is shipped with fourmail)")
        return "\n".join(lines) + "\n"
    const = lookup_constant(name)
    if const is not None:
        from ..commands.registry import NO_VALUE
        theme = f" (theme {const.theme})" if const.theme else ""
        token = f", token form {const.name}:{const.number}" if const.number else ""
        if const.value is NO_VALUE:
            return (f"{const.name}: a 4D constant{theme}{token}. Its value is not known to fourmail: "
                    f"using it is a 4D error.\n")
        return f"{const.name} = {const.value!r}{theme}: a 4D constant{token}\n"
    from ..commands.registry import all_classes
    k = _key(name)
    k = k[3:] if k.startswith("4d.") else k
    for cname in all_classes():
        if cname.casefold() == k:
            return f"4D.{cname}: a 4D class (no reference page for it is shipped with fourmail)\n"
    return ""


def _all_names() -> list[str]:
    from ..commands.registry import all_commands, all_constants
    return index().names() + [c.name for c in all_commands().values()] + [c.name for c in all_constants().values()]


def _overview() -> str:
    idx = index()
    by_kind: dict[str, list[str]] = {}
    for lst in idx.entries.values():
        for e in lst:
            if e.kind in ("command", "class", "concept") and e.title not in by_kind.setdefault(e.kind, []):
                by_kind[e.kind].append(e.title)
    lines = [":help NAME shows the 4D reference for a command, class, function, property or concept.",
             "Examples: :help SMTP New transporter   :help SMTPTransporter   :help send   :help Email.subject",
             ""]
    for kind, label in (("command", "Commands"), ("class", "Classes"), ("concept", "Concepts")):
        lines.append(f"{label}: " + ", ".join(sorted(by_kind.get(kind, []), key=str.casefold)))
    lines.append("Any other command of fourmail's registry shows its syntax.")
    return "\n".join(lines) + "\n"
