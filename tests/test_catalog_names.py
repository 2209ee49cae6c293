"""Every command and constant of 4D is known to fourmail (fourmail/reference/language/).

A command fourmail does not implement parses, completes, highlights and has `:help`; running it
is a 4D error (67) that names it with its number and says why. A constant whose value fourmail
does not know parses; using it is a 4D error that names it. Values fourmail does know agree with
the constant tables of the shipped reference pages.
"""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import pytest
from pygments.token import Name

from conftest import CORPUS, REPO, run4d
from fourmail.commands import catalog
from fourmail.commands.registry import NO_VALUE, all_commands, all_constants, key, lookup_command, lookup_constant

LANGUAGE = REPO / "fourmail" / "reference" / "language"
SHARED_LANGUAGE = REPO.parent / "shared" / "reference" / "4d" / "language"


def tsv(name: str) -> list[dict[str, str]]:
    with open(LANGUAGE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


# ---------------------------------------------------------------- the registry holds the catalog

def test_every_catalog_command_is_registered_with_the_catalog_number_and_theme():
    rows = tsv("commands.tsv")
    assert len(rows) == 1273
    wrong = []
    for row in rows:
        cmd = lookup_command(row["name"])
        number = int(row["number"]) if row["number"] else None
        if cmd is None or cmd.number != number or cmd.theme != row["theme"]:
            wrong.append((row["name"], number, cmd and cmd.number))
    # a number table.py states and the catalog contradicts shows here: one of them is wrong
    assert wrong == []


def test_a_command_number_belongs_to_one_command():
    by_number: dict[int, list[str]] = {}
    for cmd in all_commands().values():
        if cmd.number is not None:
            by_number.setdefault(cmd.number, []).append(cmd.name)
    assert {n: names for n, names in by_number.items() if len(names) > 1} == {}


def test_every_catalog_constant_is_registered_with_its_token():
    rows = tsv("constants.tsv")
    assert len(rows) == 2323
    variants = {r["docs_constant_list_spelling"]: r["spelling_in_tokenized_code"]
                for r in tsv("constants_spelling_variants.tsv")}
    missing, wrong_token = [], []          # (a value the catalog gives is checked too)
    for row in rows:
        const = lookup_constant(row["name"])
        if const is None:
            missing.append(row["name"])
        elif row["token"] and const.number != row["token"]:
            wrong_token.append((row["name"], row["token"], const.number))
        elif row["value"] and const.value != catalog.parse_value(row["value"]):
            wrong_token.append((row["name"], row["value"], const.value))
        elif row["name"] in variants:
            assert const.name == variants[row["name"]]       # shown as tokenized code spells it
    assert missing == [] and wrong_token == []
    assert lookup_constant("is TEXT").name == "Is text"


def test_catalog_names_are_spelled_with_single_blanks():
    # the catalog's registry key is then its casefold (the registry relies on it)
    for row in tsv("commands.tsv") + tsv("constants.tsv"):
        assert key(row["name"]) == row["name"].casefold(), row["name"]


def test_names_only_the_table_knows_are_few_and_deliberate():
    catalog_commands = {key(r["name"]) for r in tsv("commands.tsv")}
    catalog_constants = {key(r["name"]) for r in tsv("constants.tsv")}
    only_table = sorted(c.name for k, c in all_commands().items() if k not in catalog_commands)
    # Get application info: the former name of Application info, which older code still uses;
    # New OAuth2 provider: the method of the 4D NetKit component (commands/netkit.py)
    assert only_table == ["C_INTEGER", "Error formula", "Error line", "Error method", "Get application info",
                          "New OAuth2 provider", "WP EXPORT VARIABLE"]
    only_table = sorted(c.name for k, c in all_constants().items() if k not in catalog_constants)
    # File constants of file.md newer than the catalog's constant list
    assert only_table == ["Backup settings file", "Backup settings file for data", "Build application settings file"]


@pytest.mark.skipif(not SHARED_LANGUAGE.is_dir(), reason="the shared reference tree is not there")
@pytest.mark.parametrize("name", ["commands.tsv", "constants.tsv", "command_token_aliases.tsv",
                                  "constants_spelling_variants.tsv"])
def test_the_shipped_catalog_is_the_reference_catalog(name):
    assert (LANGUAGE / name).read_bytes() == (SHARED_LANGUAGE / name).read_bytes()


def test_the_catalog_is_package_data(tmp_path):
    sources = (LANGUAGE / "SOURCES.md").read_text(encoding="utf-8")
    assert "4d/docs" in sources and "constant-list.md" in sources and "fastra" in sources
    proc = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                           "--build-lib", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    shipped = {p.name for p in (tmp_path / "fourmail" / "reference" / "language").iterdir()}
    assert {"SOURCES.md", "commands.tsv", "constants.tsv", "command_token_aliases.tsv",
            "constants_spelling_variants.tsv"} <= shipped


def test_the_older_names_of_tokenized_code_are_read():
    aliases = catalog.read_token_aliases()
    assert aliases["Get localized string"] == (991, "Localized string")
    assert lookup_command("Localized string").number == 991
    assert aliases["PAGE SETUP"] == (299, "")


# ---------------------------------------------------------------- constant values

def _documented_constants() -> dict[str, set]:
    """Constant -> values, from the constant tables of the shipped reference pages (markdown
    tables with a Constant and a Value column, and the HTML ones inside property tables)."""
    def cells(line):
        return [c.strip() for c in line.strip().strip("|").split("|")]

    def typed(text):
        text = text.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        return text[1:-1] if text[:1] == text[-1:] == '"' else text

    found: dict[str, set] = {}
    for page in sorted((REPO / "fourmail" / "reference").glob("*/*.md")):
        text = page.read_text(encoding="utf-8")
        lines = text.splitlines()
        for i, line in enumerate(lines):
            head = [c.casefold() for c in cells(line)] if line.lstrip().startswith("|") else []
            if "value" not in head or not any(h.startswith("constant") for h in head):
                continue
            name_col = next(j for j, h in enumerate(head) if h.startswith("constant"))
            value_col = head.index("value")
            for row in lines[i + 2:]:
                if not row.lstrip().startswith("|"):
                    break
                c = cells(row)
                found.setdefault(c[name_col].strip("`* "), set()).add(typed(c[value_col]))
        for m in re.finditer(r"<tr><td>([^<]+)</td><td>([^<]+)</td>", text):
            found.setdefault(m.group(1).strip(), set()).add(typed(m.group(2)))
        for m in re.finditer(r"`([^`]+)` is a constant \(value (\d+)\)", text):
            found.setdefault(m.group(1), set()).add(int(m.group(2)))
    return found


def test_constant_values_are_those_of_the_reference_pages_numbers_as_numbers_texts_as_texts():
    documented = _documented_constants()
    assert len(documented) > 70 and documented["Read Mode"] == {2} and documented["HTTP log file"] == {8}
    for name, values in documented.items():
        const = lookup_constant(name)
        assert const is not None, name
        assert len(values) == 1 and {const.value} == values, (name, values, const.value)
        assert type(const.value) is type(next(iter(values))), name
    assert lookup_constant("mail disposition inline").value == "inline"


def test_constants_without_a_known_value_say_so():
    const = lookup_constant("Align center")
    assert const.value is NO_VALUE and const.number == "K42:3"
    known = [c for c in all_constants().values() if c.value is not NO_VALUE]
    assert len(known) > 100 and all(type(c.value) in (int, str) for c in known)


def test_a_value_column_gives_numbers_and_texts(tmp_path):
    (tmp_path / "constants_spelling_variants.tsv").write_text("doc\tcode\nColour ONE\tColour one\n")
    (tmp_path / "constants.tsv").write_text(
        "name\ttoken\tvalue\ttheme\tsource\n"
        "Colour ONE\tK9:1\t12\tPaint\tsomewhere\n"
        "Colour two\t\t\"12\"\t\tsomewhere\n"
        "Colour three\t\t-0.5\t\tsomewhere\n"
        "Colour four\t\tdark red\t\tsomewhere\n"
        "Colour five\t\t\t\tsomewhere\n")
    rows = catalog.read_constants(tmp_path)
    assert rows[0] == ("Colour one", "K9:1", 12, "Paint")
    assert [r[2] for r in rows[1:]] == ["12", -0.5, "dark red", None]


# ---------------------------------------------------------------- unimplemented commands, by reason

# (snippet, command, number, theme, words of the reason)
UNIMPLEMENTED = [
    ('OBJECT SET VISIBLE(*;"okButton";False)', "OBJECT SET VISIBLE", 603, "Objects (Forms)",
     "needs a form, which fourmail does not have"),
    ('$win:=Open window(20;20;320;240)', "Open window", 153, "Windows", "needs a window"),
    ('$bar:=Create menu', "Create menu", 408, "Menus", "needs menus and a menu bar"),
    ('$list:=New list', "New list", 375, "Hierarchical Lists", "needs hierarchical lists"),
    ('LISTBOX SELECT ROW(*;"orders";1)', "LISTBOX SELECT ROW", 912, "List Box", "a form object"),
    ('BEEP', "BEEP", 151, "User Interface", "graphical user interface"),
    ('CREATE EMPTY SET("picked")', "CREATE EMPTY SET", 140, "Sets", "needs a 4D database"),
    ('START TRANSACTION', "START TRANSACTION", 239, "Transactions", "needs a 4D database"),
    ('$people:=ds.Person.all()', "ds", 1482, "4D Environment", "ORDA datastore"),
    ('SQL LOGIN("ODBC:orders";"me";"secret")', "SQL LOGIN", 817, "SQL", "SQL engine"),
    ('$doc:=""\nWP EXPORT VARIABLE($area;$doc;wk mime html)', "WP EXPORT VARIABLE", 1319, "4D Write Pro",
     "needs 4D Write Pro"),
    ('PLUGIN LIST($numbers;$names)', "PLUGIN LIST", 847, "4D Environment", "needs 4D plug-ins"),
    ('PRINT SETTINGS', "PRINT SETTINGS", 106, "Printing", "printer"),
    ('WEB START SERVER', "WEB START SERVER", 617, "Web Server", "web server"),
    ('$code:=HTTP Get("http://example.org/";$reply)', "HTTP Get", 1157, "HTTP", "HTTP client"),
    ('$euros:=Euro converter(100;"FRF";"EUR")', "Euro converter", 676, "Math", "not implemented by fourmail yet"),
]
IDS = [u[1] for u in UNIMPLEMENTED]


@pytest.mark.parametrize("snippet,name,number,theme,why", UNIMPLEMENTED, ids=IDS)
def test_running_an_unimplemented_command_is_a_4d_error_naming_it(snippet, name, number, theme, why):
    r = run4d(snippet)
    assert r.error is not None and r.error.code == 67
    assert r.error.message.startswith(f"{name} (C{number}) ") and why in r.error.message
    assert r.error.line == snippet.count("\n") + 1


def test_unimplemented_commands_parse(tmp_path):
    for i, (snippet, *_rest) in enumerate(UNIMPLEMENTED):
        (tmp_path / f"case{i}.4dm").write_text(snippet + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "fourmail", "parse", *sorted(map(str, tmp_path.glob("*.4dm")))],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().endswith(f"{len(UNIMPLEMENTED)} passed, 0 failed")


@pytest.fixture(scope="module")
def repl():
    from fourmail.repl.session import ReplSession
    return ReplSession(project_dir=REPO, out=io.StringIO(), err=io.StringIO())


def completions(repl, text):
    from prompt_toolkit.document import Document
    from fourmail.repl.completion import ReplCompleter
    return {c.text: c.display_meta_text for c in ReplCompleter(repl).get_completions(Document(text), None)}


@pytest.mark.parametrize("snippet,name,number,theme,why", UNIMPLEMENTED, ids=IDS)
def test_unimplemented_commands_complete(repl, snippet, name, number, theme, why):
    line = snippet.split("\n")[-1]
    typed = line[:line.index(name) + len(name) - min(2, len(name) - 1)]     # the last letters not typed yet
    got = completions(repl, typed)
    assert name in got and "not in fourmail" in got[name]
    if name != "WP EXPORT VARIABLE":                       # the one with a syntax in table.py
        assert got[name] == f"{theme} (C{number})  (not in fourmail)"


@pytest.mark.parametrize("snippet,name,number,theme,why", UNIMPLEMENTED, ids=IDS)
def test_unimplemented_commands_are_highlighted_as_commands(snippet, name, number, theme, why):
    from fourmail.lang.fourd.highlight import FourDLexer
    toks = {v: t for _, t, v in FourDLexer().get_tokens_unprocessed(snippet)}
    assert toks[name] is Name.Builtin


@pytest.mark.parametrize("snippet,name,number,theme,why", UNIMPLEMENTED, ids=IDS)
def test_unimplemented_commands_have_help(snippet, name, number, theme, why):
    from fourmail.repl.help import help_text
    text = help_text(name.upper() if name.islower() else name.lower())       # any case
    assert f"4D command number {number} (token form {name}:C{number})" in text
    assert f"Theme: {theme}" in text
    assert f"Not implemented by fourmail: {name} (C{number}) " in text and why in text


def test_help_says_which_commands_fourmail_implements():
    from fourmail.repl.help import help_text
    text = help_text("Substring")
    assert "Theme: String" in text and "Implemented by fourmail." in text
    assert "Implemented by fourmail." in help_text("C_TEXT")       # a declaration the compiler handles


def test_the_reason_of_each_theme_is_a_predicate_of_the_command():
    themes = {r["theme"] for r in tsv("commands.tsv")}
    assert set(catalog.REASONS) <= themes                 # no reason for a theme that does not exist
    assert set(catalog.COMMAND_REASONS) <= {r["name"] for r in tsv("commands.tsv")}
    for reason in list(catalog.REASONS.values()) + list(catalog.COMMAND_REASONS.values()):
        assert reason.split()[0] in ("needs", "is"), reason


def test_an_unimplemented_command_fails_on_the_command_line_in_one_line(tmp_path):
    script = tmp_path / "form.4dm"
    script.write_text('ALERT("before")\nOBJECT SET VISIBLE(*;"okButton";False)\nALERT("after")\n')
    proc = subprocess.run([sys.executable, "-m", "fourmail", "run", str(script)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1 and proc.stdout == "before\n"
    assert ("form.4dm:2: error 67 (4DRT): OBJECT SET VISIBLE (C603) needs a form, which fourmail does not have"
            in proc.stderr)
    assert "Traceback" not in proc.stderr


def test_an_unimplemented_command_is_caught_like_any_4d_error():
    r = run4d('Try\n    BEEP\nCatch\n    ALERT(Last errors[0].message)\nEnd try\n')
    assert r.error is None and r.lines == ["BEEP (C151) needs 4D's graphical user interface, which fourmail "
                                           "does not have (it runs in a terminal)"]


# ---------------------------------------------------------------- constants without a value

def test_a_constant_without_a_known_value_parses_and_using_it_is_a_4d_error(tmp_path):
    r = run4d('$shown:=False\nIf ($shown)\n    $align:=Align center\nEnd if\nALERT("parsed")\n$align:=Align center\n')
    assert r.lines == ["parsed"]
    assert r.error is not None and r.error.code == 67 and r.error.line == 6
    assert r.error.message == "Align center (K42:3) is a 4D constant whose value fourmail does not know"
    r = run4d("$x:=1+On Load")
    assert r.error.message == "On Load (K2:1) is a 4D constant whose value fourmail does not know"
    r = run4d("$x:=wk page size")             # no token known either
    assert r.error.message == "wk page size is a 4D constant whose value fourmail does not know"


def test_a_constant_without_a_known_value_completes_highlights_and_has_help(repl):
    from fourmail.lang.fourd.highlight import FourDLexer
    from fourmail.repl.help import help_text
    assert completions(repl, "$a:=Align cen") == {"Align center": "constant value not known"}
    toks = {v: t for _, t, v in FourDLexer().get_tokens_unprocessed("$a:=Align center")}
    assert toks["Align center"] is Name.Constant
    text = help_text("align CENTER")
    assert "Align center: a 4D constant" in text and "Align center:K42:3" in text and "not known" in text


def test_constants_with_a_value_still_run():
    r = run4d('ALERT(String(Backup log file)+" "+String(Read mode)+" "+mail disposition inline)')
    assert r.lines == ["13 2 inline"]


# ---------------------------------------------------------------- nothing else changes

def test_the_mail_corpus_parses_as_before():
    from test_parser_corpus import INVALID
    files = sorted(CORPUS.glob("*.4dm"))
    proc = subprocess.run([sys.executable, "-m", "fourmail", "parse", *map(str, files)], capture_output=True,
                          text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert out.strip().endswith("39 passed, 6 failed")
    failures = [line for line in out.splitlines() if "syntax error" in line]
    assert len(failures) == 6
    for name, (line, col, words) in INVALID.items():
        assert any(f"{name}:{line}:{col}: syntax error" in f and words in f for f in failures), name


def test_loading_every_name_imports_no_command_module():
    code = ("import sys\n"
            "from fourmail.lang.fourd.highlight import FourDLexer\n"
            "list(FourDLexer().get_tokens('OBJECT SET VISIBLE(*;\"b\";False)'))\n"
            "from fourmail.commands.registry import all_commands, all_constants\n"
            "assert len(all_commands()) > 1270 and len(all_constants()) > 2320\n"
            "print(sorted(m for m in sys.modules if m.startswith('fourmail.commands.')))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("['fourmail.commands.catalog', 'fourmail.commands.registry', "
                                   "'fourmail.commands.table']")


def test_every_catalog_name_reads_as_one_name():
    # A name's words after the first may start with a digit (`Get 4D folder`, `Speed 1200`), its
    # first word too (`4D Server`, `64 bit Version`), and hold a `°` (`Orientation 90° left`).
    from fourmail.lang.fourd.scan import scan
    unread = []
    for row in tsv("commands.tsv") + tsv("constants.tsv"):
        source = "$x:=" + row["name"]
        pieces = [p for p in scan(source) if p.kind != "WS"]
        if not (len(pieces) == 3 and pieces[2].kind not in ("NAME", "NUMBER", "ERROR") and
                source[pieces[2].start:] == row["name"]):      # a command, a constant (or This, Super)
            unread.append(row["name"])
    assert unread == []


def test_names_with_digits_run():
    r = run4d('$format:=Date RFC 1123\nALERT(String($format))\nQUIT 4D\n')
    assert r.lines == ["10"]
    assert r.error.line == 3 and r.error.message.startswith("QUIT 4D (C291) needs the 4D application")
