"""The registry of names a language calls: 4D's commands and constants (the module-level tables
below), and one `Namespace` for each other language (`namespace("wlanguage")`).

The parser's lexer, the compiler, the REPL completer and the pygments lexer all read this
registry, so a command exists everywhere as soon as it is listed in `table.py` (what fourmail
implements) or in the catalog of every 4D name (`catalog.py`, fourmail/reference/language/).
Implementations are referenced as "module:function" (relative to fourmail.commands) and
imported only on first call, which keeps start-up fast.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable


class Command:
    """name: canonical spelling ("SMTP New transporter"); number: 4D command number (the
    `:C1608` token form); syntax: the documented signature ("" when fourmail does not know it);
    impl: "module:function" or None when fourmail does not provide it (`unavailable` says why,
    as a predicate: "needs a form, which fourmail does not have"); max_args None = unlimited;
    returns: a function (has a result) or a procedure; theme: the 4D theme it belongs to."""

    __slots__ = ("name", "number", "syntax", "impl", "min_args", "max_args", "returns", "summary",
                 "unavailable", "theme", "_fn")

    def __init__(self, name: str, number: int | None, syntax: str, impl: str | None, min_args: int = 0,
                 max_args: int | None = None, returns: bool = True, summary: str = "", unavailable: str = "",
                 theme: str = ""):
        self.name, self.number, self.syntax, self.impl = name, number, syntax, impl
        self.min_args, self.max_args, self.returns = min_args, max_args, returns
        self.summary, self.unavailable, self.theme = summary, unavailable, theme
        self._fn: Callable | None = None

    def __repr__(self) -> str:
        return f"<4D command {self.name}>"

    @property
    def label(self) -> str:
        """The name with its number, as messages show it: "OBJECT SET VISIBLE (C603)"."""
        return f"{self.name} (C{self.number})" if self.number is not None else self.name

    @property
    def implemented(self) -> bool:
        """fourmail runs it: it has an implementation, or the compiler handles it (C_TEXT...)."""
        if self.impl is not None:
            return True
        from ..runtime.types import LEGACY
        return key(self.name) in LEGACY

    def why_unavailable(self) -> str:
        """The 4D error message of running a command fourmail does not implement."""
        from .catalog import NOT_YET
        return f"{self.label} {self.unavailable or NOT_YET}"

    def resolve(self) -> Callable:
        if self._fn is None:
            if self.impl is None:
                from ..runtime.errors import FourDError, E
                message = self.why_unavailable()

                def unavailable(rt, *args, _message=message):
                    raise FourDError(E.NOT_IMPLEMENTED, message=_message)
                self._fn = unavailable
            else:
                mod, _, attr = self.impl.partition(":")
                try:
                    self._fn = getattr(importlib.import_module("fourmail.commands." + mod), attr)
                except (ImportError, AttributeError) as exc:
                    from ..runtime.errors import internal_error

                    def broken(rt, *args, _exc=exc):      # a fourmail bug: reported as one
                        raise internal_error(_exc, rt.err)
                    return broken
        return self._fn


class _NoValue:
    """The value of a constant fourmail knows by name only."""

    def __repr__(self) -> str:
        return "<value not known>"


NO_VALUE: Any = _NoValue()


class Constant:
    __slots__ = ("name", "value", "theme", "number")

    def __init__(self, name: str, value: Any, theme: str = "", number: str | None = None):
        self.name, self.value, self.theme = name, value, theme   # value NO_VALUE: not known
        self.number = number          # "K12:3" token reference, if known

    def __repr__(self) -> str:
        return f"<4D constant {self.name}={self.value!r}>"


def unknown_constant(name: str):
    """Using a constant whose value fourmail does not know: a 4D error naming it."""
    from ..runtime.errors import FourDError, E
    const = lookup_constant(name)
    label = f"{const.name} ({const.number})" if const is not None and const.number else name
    raise FourDError(E.NOT_IMPLEMENTED, message=f"{label} is a 4D constant whose value fourmail does not know")


COMMANDS: dict[str, Command] = {}
CONSTANTS: dict[str, Constant] = {}


def key(name: str) -> str:
    """Registry key: case-insensitive, runs of blanks folded to one space."""
    return " ".join(name.split()).casefold()


def command(name: str, number: int | None, syntax: str, impl: str | None, min_args: int = 0,
            max_args: int | None = None, returns: bool = True, summary: str = "", unavailable: str = "",
            theme: str = "") -> None:
    """A command fourmail implements (or names with `unavailable`), from table.py; its theme, and
    its number when `number` is None, come from the catalog (`theme` for one it does not list)."""
    COMMANDS[key(name)] = Command(name, number, syntax, impl, min_args, max_args, returns, summary, unavailable,
                                  theme)


def constant(name: str, value: Any, theme: str = "", number: str | None = None) -> None:
    CONSTANTS[key(name)] = Constant(name, value, theme, number)


def builtin_class(name: str, impl: str | None) -> None:
    """A class of the `4D` store (`4D.SMTPTransporter`): `impl` "module:function" makes an instance
    from `new()`'s arguments, imported on first use; None: known, not available."""
    from ..runtime.classes import register_builtin_class
    register_builtin_class(name, None if impl is None else lambda: _implementation(impl))


def component_class(component: str, name: str, impl: str) -> None:
    """A class a component offers in `cs` (`cs.NetKit.OAuth2Provider`), like `builtin_class`."""
    from ..runtime.classes import register_component_class
    register_component_class(component, name, lambda: _implementation(impl))


def _implementation(impl: str) -> Callable:
    mod, _, attr = impl.partition(":")
    return getattr(importlib.import_module("fourmail.commands." + mod), attr)


def all_classes() -> dict:
    """The classes of the `4D` store, by name."""
    _ensure_loaded()
    from ..runtime.classes import BUILTIN_CLASSES
    return BUILTIN_CLASSES


def lookup_command(name: str) -> Command | None:
    _ensure_loaded()
    return COMMANDS.get(key(name))


def lookup_constant(name: str) -> Constant | None:
    _ensure_loaded()
    return CONSTANTS.get(key(name))


def command_by_number(number: int) -> Command | None:
    """The command with this 4D number (tokenized code names commands by number: `Length:C16`)."""
    global _by_number
    _ensure_loaded()
    if _by_number is None or _by_number[0] != len(COMMANDS):    # rebuilt when commands are added
        index: dict[int, Command] = {}
        for c in COMMANDS.values():
            if c.number is not None:
                index.setdefault(c.number, c)
        _by_number = (len(COMMANDS), index)
    return _by_number[1].get(number)


_by_number: tuple[int, dict[int, Command]] | None = None


def all_commands() -> dict[str, Command]:
    _ensure_loaded()
    return COMMANDS


def all_constants() -> dict[str, Constant]:
    _ensure_loaded()
    return CONSTANTS


_loaded = False


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import table  # noqa: F401  (fills COMMANDS and CONSTANTS)
        _add_catalog()


def _add_catalog() -> None:
    """Every name only the catalog knows, and the catalog's theme, number (where table.py gives
    none) and token for table.py's. The catalog's names are spelled with single blanks (a test
    checks), so their key is their casefold."""
    from .catalog import read_commands, read_constants, reason_for
    for name, theme, number in read_commands():
        k = name.casefold()
        cmd = COMMANDS.get(k)
        if cmd is None:
            # 4D spells procedures in capitals (`OBJECT SET VISIBLE`), functions not (`Form event code`)
            COMMANDS[k] = Command(name, number, "", None, 0, None, name != name.upper(), "",
                                  reason_for(name, theme), theme)
            continue
        cmd.theme = theme
        if cmd.number is None:
            cmd.number = number
    for name, token, value, theme in read_constants():
        k = name.casefold()
        const = CONSTANTS.get(k)
        if const is None:
            CONSTANTS[k] = Constant(name, NO_VALUE if value is None else value, theme, token)
            continue
        if const.number is None:
            const.number = token
        if not const.theme:
            const.theme = theme


# ---------------------------------------------------------------- other languages' names
def _fold_wlanguage(name: str) -> str:
    """WLanguage's rule (runtime/wl_rules.fold_name), imported when its names are first read."""
    from ..runtime.wl_rules import fold_name
    return fold_name(name)


class Namespace:
    """The functions and constants of one language other than 4D, filled by its table module
    (imported on first lookup). A name may have several spellings (WLanguage's English and French
    ones): each is a key to the same Command or Constant. `fold` makes a key of a spelling."""

    def __init__(self, language: str, table: str, fold: Callable[[str], str] = key):
        self.language, self.table, self.fold = language, table, fold
        self.commands: dict[str, Command] = {}
        self.constants: dict[str, Constant] = {}
        self.types: dict[str, Command] = {}     # a type's command makes a new value of it
        self._loaded = False

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            importlib.import_module(self.table).register(self)

    def command(self, names: str | tuple[str, ...], syntax: str, impl: str | None, min_args: int = 0,
                max_args: int | None = None, returns: bool = True, summary: str = "", unavailable: str = "",
                theme: str = "") -> Command:
        """A function under each of `names` (the first is its canonical name)."""
        names = (names,) if isinstance(names, str) else tuple(names)
        cmd = Command(names[0], None, syntax, impl, min_args, max_args, returns, summary, unavailable, theme)
        for n in names:
            self.commands[self.fold(n)] = cmd
        return cmd

    def type(self, names: str | tuple[str, ...], impl: str | None, summary: str = "") -> Command:
        """A type declarations name (`x is emailSMTPSession`): `impl(rt)` makes a new value of it;
        None: known by name only (`summary` says why it cannot be made)."""
        names = (names,) if isinstance(names, str) else tuple(names)
        cmd = Command(names[0], None, "", impl, 0, 0, True, summary, summary if impl is None else "", "type")
        for n in names:
            self.types[self.fold(n)] = cmd
        return cmd

    def lookup_type(self, name: str) -> Command | None:
        self._ensure_loaded()
        return self.types.get(self.fold(name))

    def constant(self, names: str | tuple[str, ...], value: Any, theme: str = "") -> Constant:
        names = (names,) if isinstance(names, str) else tuple(names)
        const = Constant(names[0], value, theme)
        for n in names:
            self.constants[self.fold(n)] = const
        return const

    def lookup_command(self, name: str) -> Command | None:
        self._ensure_loaded()
        return self.commands.get(self.fold(name))

    def lookup_constant(self, name: str) -> Constant | None:
        self._ensure_loaded()
        return self.constants.get(self.fold(name))

    def all_commands(self) -> dict[str, Command]:
        self._ensure_loaded()
        return self.commands

    def all_constants(self) -> dict[str, Constant]:
        self._ensure_loaded()
        return self.constants


class _FourDNames:
    """4D's names as a Namespace (the module-level tables above)."""
    language = "4d"

    @staticmethod
    def fold(name: str) -> str:
        return key(name)

    lookup_command = staticmethod(lookup_command)
    lookup_constant = staticmethod(lookup_constant)
    all_commands = staticmethod(all_commands)
    all_constants = staticmethod(all_constants)


FOURD_NAMES = _FourDNames()

# language -> (the module whose register(namespace) fills it, how it folds a name)
_NAMESPACE_TABLES: dict[str, tuple[str, Callable[[str], str]]] = {
    "wlanguage": ("fourmail.commands.wl_table", _fold_wlanguage),
}
_NAMESPACES: dict[str, Any] = {"4d": FOURD_NAMES}


def namespace(language: str) -> Any:
    """The names of `language` ("4d", "wlanguage"): lookup_command, lookup_constant, all_commands,
    all_constants."""
    ns = _NAMESPACES.get(language)
    if ns is None:
        table, fold = _NAMESPACE_TABLES[language]
        ns = _NAMESPACES[language] = Namespace(language, table, fold)
    return ns
