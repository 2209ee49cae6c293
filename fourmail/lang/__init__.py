"""Source languages: each is a package here (4D: `fourd/`) holding everything that is the
language's own — its grammar and tokenizer, its table of words, its AST builder, its syntax
error messages, its REPL block logic and highlighting — behind one `Language` object. The
compiler, the runtime, the mail layer and the sandbox know no language; the front ends (CLI,
REPL, pygments) take the language as a parameter.

`get("4d")` gives a language by name, `for_path(path)` by a source file's extension.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Iterator

# name -> the package that defines LANGUAGE (imported on first use: start-up stays fast)
_PACKAGES = {"4d": "fourmail.lang.fourd", "wlanguage": "fourmail.lang.wlanguage"}
DEFAULT = "4d"


class Language:
    """What the engine needs of a source language. Each language package subclasses it once."""

    name = ""                   # "4d": the --language value and the pygments alias
    title = ""                  # "4D": as prose names it
    extensions: tuple[str, ...] = ()   # source files it reads: (".4dm",)
    reference_dir: Path | None = None  # its reference pages, for :help

    # ---- front end
    def parse(self, source: str, filename: str = "<input>", methods: tuple[str, ...] = ()) -> Any:
        """Source text -> lang.ast.Program; raises lang.errors.SourceSyntaxError. `methods`: the
        project's method names (in 4D a name may hold blanks: `dev Update`)."""
        raise NotImplementedError

    def check_body(self, program: Any, filename: str, source: str) -> None:
        """Before a method or a class member compiles: what only a class file's top level may hold
        is a SourceSyntaxError here, in the language's words."""

    def parse_class(self, source: str, name: str, filename: str, methods: tuple[str, ...] = ()) -> Any:
        """A class file -> its definition: `.extends`, `.constructor`, `.functions`, `.properties`."""
        raise NotImplementedError

    # ---- editing: the REPL, completion, highlighting, help
    words: Any = None           # the language's table of words (a module)
    # the scan kinds that start a declaration after a name, before its `=` value (WLanguage's
    # `pw is string = "x"`): the history file masks that value when the name is a secret's
    declaring_pieces: frozenset = frozenset()

    def scan(self, text: str, join: bool = False, state: Any = None) -> Iterator[Any]:
        """Tolerant pieces (kind, start, end) covering `text` whole; never raises."""
        raise NotImplementedError

    def interactive(self) -> "Language":
        """The language as a REPL session uses it, one input after another: a language whose
        parser must know what earlier inputs declared (WLanguage) gives an instance that keeps it."""
        return self

    def completeness(self) -> Any:
        """The REPL's block logic: a module with check_complete, prepare, indent_levels, is_dedent_line."""
        raise NotImplementedError

    def highlighter(self) -> type:
        """The pygments Lexer class of the language."""
        raise NotImplementedError

    # ---- running
    def error_heading(self, err: Any, filename: str, main_name: str | None) -> str:
        """The first line of the report of an error nothing caught (a runtime.errors.FourDError):
        where, the language's word for it, its code and message."""
        raise NotImplementedError

    @property
    def names(self) -> Any:
        """The functions and constants its programs call (commands.registry.namespace)."""
        from ..commands.registry import namespace
        return namespace(self.name)

    @property
    def collation(self) -> Any:
        """How the language's processes compare texts (a runtime.collation.Collation)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<language {self.name}>"


_loaded: dict[str, Language] = {}


def get(name: str = DEFAULT) -> Language:
    """The language called `name` (case-insensitive); KeyError names the known ones."""
    key = name.casefold()
    if key not in _loaded:
        if key not in _PACKAGES:
            raise KeyError(f"unknown language {name!r} (known: {', '.join(sorted(_PACKAGES))})")
        _loaded[key] = importlib.import_module(_PACKAGES[key]).LANGUAGE
    return _loaded[key]


def names() -> list[str]:
    return sorted(_PACKAGES)


def for_path(path: str | Path) -> Language | None:
    """The language whose source files end like `path`, if any."""
    suffix = Path(path).suffix.casefold()
    for name in _PACKAGES:
        language = get(name)
        if suffix in language.extensions:
            return language
    return None
