"""WLanguage at the command line and in the REPL: `fourmail parse/run FILE.wl`, `--language
wlanguage`, `pygmentize -l wlanguage`, and a REPL session that reads a block until its END and
knows the variables declared in earlier inputs."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from conftest import REPO
from fourmail import lang
from test_cli import fourmail

WL = lang.get("wlanguage")


def test_parse_picks_the_language_by_extension_or_option(tmp_path):
    good = tmp_path / "good.wl"
    good.write_text("x is int = 1\nIF x = 1 THEN\n  x = 2\nEND\n", encoding="utf-8")
    bad = tmp_path / "bad.wl"
    bad.write_text("x est un entier\nSI x = 1 ALORS\n  x = 2\n", encoding="utf-8")
    r = fourmail("parse", str(good), str(bad))
    assert r.returncode == 1
    assert r.stdout == f"{bad}:2:1: syntax error: FIN expected for the SI of line 2\n1 passed, 1 failed\n"
    other = tmp_path / "script.txt"
    other.write_text("let x = 1\n", encoding="utf-8")
    assert fourmail("parse", "--language", "wlanguage", str(other)).returncode == 0
    assert fourmail("parse", str(other)).returncode == 1          # 4D's `let x = 1` is no statement


def test_run_reports_a_syntax_error_with_its_caret(tmp_path):
    f = tmp_path / "send.wl"
    f.write_text("UserName is string\nUserName = sUserName\n", encoding="utf-8")
    r = fourmail("run", str(f))
    assert r.returncode == 2
    assert r.stderr == (f"{f}:2:12: syntax error: unknown identifier 'sUserName'\n"
                        "    UserName = sUserName\n               ^\n")


def test_run_a_program(tmp_path):
    f = tmp_path / "count.wl"
    f.write_text("n is int\nFOR i = 1 TO 4 STEP 2\n  n += i * 10 ^ 1\nEND\nRESULT n\n", encoding="utf-8")
    assert fourmail("run", str(f)).returncode == 0


def test_pygments_finds_the_lexer():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    assert type(get_lexer_by_name("wlanguage")) is WL.highlighter()
    assert type(get_lexer_for_filename("send.wl")) is WL.highlighter()
    exe = shutil.which("pygmentize", path=str(REPO / ".venv" / "bin")) or shutil.which("pygmentize")
    if exe:
        out = subprocess.run([exe, "-l", "wlanguage", "-f", "raw"], input="SI x ALORS RETOUR\n", text=True,
                             capture_output=True, timeout=60).stdout
        assert "Token.Keyword\t'SI'" in out and "Token.Keyword\t'RETOUR'" in out


def test_highlighting_covers_every_character():
    from pygments.token import Error, Name, String
    text = 'x is string = "a""b" // c\nIF x [= "a" THEN Trace(x..Length) ...\n@\n...\n'
    tokens = list(WL.highlighter()().get_tokens_unprocessed(text))
    assert "".join(v for _, _, v in tokens) == text
    assert (String.Escape, '""') in [(t, v) for _, t, v in tokens]
    assert (Error, "@") in [(t, v) for _, t, v in tokens]
    assert (Name.Attribute, "Length") in [(t, v) for _, t, v in tokens]


@pytest.fixture
def session():
    from fourmail.repl.session import ReplSession
    return ReplSession(project_dir=REPO, out=io.StringIO(), err=io.StringIO(), language=WL)


def test_the_repl_keeps_declarations_from_input_to_input(session):
    session.execute("n is int = 20")
    session.execute("n = n + 1")
    session.execute("IF n > 20 THEN\n  n = n * 2\nEND")
    session.execute("n")
    session.execute("m = 1")
    assert session.out.getvalue() == "42\n"
    assert "unknown identifier 'm'" in session.err.getvalue()


def test_the_repl_completes_variables_and_their_members(session):
    from prompt_toolkit.document import Document
    from fourmail.repl.completion import ReplCompleter
    session.execute("compteurTotal is int = 1")
    got = [c.text for c in ReplCompleter(session).get_completions(Document("compteurT"), None)]
    assert got == ["compteurTotal"]


def test_the_repl_reads_a_block_until_its_end():
    blocks = WL.completeness()
    C, I, X = blocks.COMPLETE, blocks.INCOMPLETE, blocks.INVALID
    cases = {
        "IF x THEN": (I, 1), "IF x THEN y = 1": (C, 0), "SI x ALORS\n  y = 1\nFIN": (C, 0),
        "SWITCH x\nCASE 1:": (I, 2), "LOOP\n  x++\nDO WHILE x < 3": (C, 0), "LOOP\n  x++": (I, 1),
        "WHEN EXCEPTION IN\n  x = 1\nDO": (I, 1), "f(1,": (I, 1), "x = 1 + ...": (I, 1),
        "<COMPILE IF ConfigurationType<>Site>": (I, 1), 'x = "abc': (X, 0), "x = )": (X, 0), "END": (X, 0),
        "PROCEDURE P(x)": (I, 1), "PROCEDURE P(x)\n    Trace(x)": (I, 1), "PROCEDURE P(x)\n    Trace(x)\n    ": (C, 0),
    }
    for text, (status, indent) in cases.items():
        got = blocks.check_complete(text)
        assert (got.status, got.indent if status == I else 0) == (status, indent), text


def test_the_repl_writes_the_continuation_marks_wlanguage_needs():
    blocks = WL.completeness()
    assert blocks.prepare('Trace(1,\n  2) // c\n') == 'Trace(1, ...\n  2) // c\n'
    assert blocks.prepare('Trace(1, // one\n  2)') == 'Trace(1, ... // one\n  2)'
    assert blocks.prepare('Trace(1, ...\n  2)') == 'Trace(1, ...\n  2)'


def test_help_topics_are_the_languages_own(session):
    from prompt_toolkit.document import Document
    from fourmail.repl.completion import ReplCompleter
    got = [c.text for c in ReplCompleter(session).get_completions(Document(":help POUR T"), None)]
    assert got == ["POUR TOUS", "POUR TOUT", "POUR TOUT ÉLÉMENT", "POUR TOUTE CHAINE", "POUR TOUTE CHAÎNE"]
    assert "SMTP New transporter" not in [c.text for c in ReplCompleter(session).get_completions(
        Document(":help SMTP N"), None)]


def test_vars_lists_the_sessions_variables_not_a_switchs_hidden_value(session):
    session.execute("n is int = 2\nSWITCH n\nCASE 2: n = 5\nEND")
    shown = session.variables().splitlines()
    assert len(shown) == 1 and shown[0].startswith("n ") and shown[0].endswith("= 5")


def test_a_procedure_defined_in_one_input_is_called_in_the_next(session):
    session.execute("PROCEDURE Twice(x is int) : int\n    RESULT x * 2\n")
    session.execute("Twice(21)")
    assert session.out.getvalue() == "42\n", session.err.getvalue()
