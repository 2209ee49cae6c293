"""Every command and constant of the 4D language, from the catalog in fourmail/reference/language/.

`table.py` says what fourmail implements (implementations, syntax, argument bounds, constant
values); the catalog knows every name, with its command number, theme and `K` token. The registry
adds each name only the catalog knows, and completes table.py's entries with what the catalog
knows of them (theme, number where table.py gives none, token; a number or value both give must
agree: a test checks). A command fourmail does not implement parses, completes, highlights and
has `:help`; running it is a 4D error that names it and says why, by its theme (REASONS). A
constant whose value is not known parses; using it is a 4D error that names it.

This module only reads: it imports nothing of fourmail, and the catalog is text files split
into fields.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

CATALOG_DIR = Path(__file__).resolve().parent.parent / "reference" / "language"

NOT_YET = "is not implemented by fourmail yet"

# Why a command fourmail does not implement cannot run, by its theme (the catalog's themes).
# Themes not listed are 4D language features fourmail may implement one day: NOT_YET.
_FORM = "needs a form, which fourmail does not have"
_GUI = "needs 4D's graphical user interface, which fourmail does not have (it runs in a terminal)"


def _database(what: str) -> str:
    return f"needs a 4D database ({what}), which fourmail does not have"


REASONS: dict[str, str] = {
    # forms, windows, menus, lists and the rest of the user interface
    "Forms": _FORM,
    "Objects (Forms)": _FORM,
    "Form Events": _FORM,
    "Entry Control": _FORM,
    "Data Entry": _FORM,
    "Drag and Drop": _FORM,
    "Graphs": _FORM,
    "List Box": "needs a list box, a form object: fourmail has no forms",
    "Web Area": "needs a Web area, a form object: fourmail has no forms",
    "Styled Text": "needs a styled text area or field, which fourmail does not have",
    "Windows": "needs a window, which fourmail does not have (it runs in a terminal)",
    "Menus": "needs menus and a menu bar, which fourmail does not have",
    "Hierarchical Lists": "needs hierarchical lists, user interface objects fourmail does not have",
    "User Interface": _GUI,
    "Messages": _GUI,
    "Process (User Interface)": _GUI,
    "Pasteboard": "needs the system pasteboard, which fourmail does not use",
    "Spell Checker": "needs 4D's spell checker, which fourmail does not have",
    "Pictures": "needs 4D's picture engine, which fourmail does not have",
    "SVG": "needs 4D's SVG engine, which fourmail does not have",
    "Printing": "needs a printer and print jobs, which fourmail does not have",
    "Quick Report": "needs 4D's Quick Report editor, which fourmail does not have",
    # the database
    "Queries": _database("tables to query"),
    "Selection": _database("records and selections"),
    "Records": _database("records"),
    "Relations": _database("tables and relations"),
    "Sets": _database("sets of records"),
    "Named Selections": _database("named selections of records"),
    "Table": _database("tables"),
    "Transactions": _database("transactions"),
    "Record Locking": _database("records and their locks"),
    "Triggers": _database("triggers"),
    "Structure Access": _database("its structure: tables, fields, indexes"),
    "Import and Export": _database("tables to import into and export from"),
    "Subrecords": _database("subtables"),
    "On a Series": _database("a selection of records to compute over"),
    "Cache Management": _database("its cache"),
    "Backup": _database("a data file and its log to back up"),
    "Data Security": _database("an encrypted data file"),
    "SQL": "needs 4D's SQL engine and a 4D database, which fourmail does not have",
    # servers, services and the 4D application
    "Web Server": "needs 4D's web server, which fourmail does not have",
    "Web Services (Server)": "needs 4D's web server (SOAP), which fourmail does not have",
    "Web Services (Client)": "needs 4D's SOAP client, which fourmail does not have (it speaks SMTP, IMAP and POP3)",
    "HTTP": "needs 4D's HTTP client, which fourmail does not have (it speaks SMTP, IMAP and POP3)",
    "LDAP": "needs an LDAP client, which fourmail does not have",
    "PHP": "needs 4D's PHP interpreter, which fourmail does not have",
    "Communications": "needs serial ports and 4D's document channel, which fourmail does not have",
    "Users and Groups": "needs 4D's users and groups, which fourmail does not have",
    "Licenses": "needs 4D licenses, which fourmail does not use",
    "Design Object Access": "needs a 4D project open in 4D's Design environment, which fourmail does not have",
    "Compiler": "needs 4D's compiler, which fourmail does not have",
    "4D Environment": "needs the 4D application and its data file, which fourmail does not have",
    "Resources": "needs 4D resource files, which fourmail does not have",
}

# Commands whose theme does not say it well enough.
COMMAND_REASONS: dict[str, str] = {
    "ds": _database("the ORDA datastore ds"),
    "Create entity selection": _database("the ORDA datastore ds"),
    "Form": _FORM,
    "PLUGIN LIST": "needs 4D plug-ins, which fourmail does not have",
    "Get plugin access": "needs 4D plug-ins, which fourmail does not have",
    "SET PLUGIN ACCESS": "needs 4D plug-ins, which fourmail does not have",
    "COMPONENT LIST": "needs 4D components, which fourmail does not have",
    "Load 4D View document": "needs the 4D View Pro plug-in, which fourmail does not have",
    "EXECUTE ON CLIENT": "needs 4D Server and its clients, which fourmail does not have",
    "Execute on server": "needs 4D Server and its clients, which fourmail does not have",
    "REGISTER CLIENT": "needs 4D Server and its clients, which fourmail does not have",
    "UNREGISTER CLIENT": "needs 4D Server and its clients, which fourmail does not have",
    "GET REGISTERED CLIENTS": "needs 4D Server and its clients, which fourmail does not have",
    "Current client authentication": "needs 4D Server and its clients, which fourmail does not have",
}


def reason_for(name: str, theme: str) -> str:
    """Why fourmail cannot run the command `name` of `theme` (a predicate: "needs a form, ...")."""
    return COMMAND_REASONS.get(name) or REASONS.get(theme) or NOT_YET


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[1:]          # after the header


def read_commands(directory: Path = CATALOG_DIR) -> list[tuple[str, str, int | None]]:
    """(name, theme, number) for every command."""
    out = []
    for line in _lines(directory / "commands.tsv"):
        if line:
            name, _, theme, number, _ = line.split("\t")
            out.append((name, theme, int(number) if number else None))
    return out


def read_constants(directory: Path = CATALOG_DIR) -> list[tuple[str, str | None, Any, str]]:
    """(name, token or None, value or None, theme) for every constant, spelled as tokenized code
    spells it where the doc list differs."""
    spelling = dict(line.split("\t") for line in _lines(directory / "constants_spelling_variants.tsv") if line)
    out = []
    for line in _lines(directory / "constants.tsv"):
        name, _, rest = line.partition("\t")
        if rest.startswith("\t\t\t"):                      # most rows: a name, nothing more
            out.append((spelling.get(name, name), None, None, ""))
        elif name:
            token, value, theme, _ = rest.split("\t")
            out.append((spelling.get(name, name), token or None, parse_value(value) if value else None, theme))
    return out


def parse_value(text: str) -> Any:
    """A value column: a number (`12`, `-1`, `0.5`) is a number, `"text"` or anything else a text."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def read_token_aliases(directory: Path = CATALOG_DIR) -> dict[str, tuple[int, str]]:
    """Older command names of tokenized code: name -> (number, today's name or "")."""
    rows = [line.split("\t") for line in _lines(directory / "command_token_aliases.tsv") if line]
    return {r[0]: (int(r[1]), r[2]) for r in rows}
