"""The language seam (fourmail/lang/): a language is found by name or by a file's extension, the
front ends take it as a parameter, and what the engine says in a language's words comes from that
language's table of words, never from the compiler or the runtime."""
from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest

import fourmail
from test_cli import fourmail as run_fourmail
from fourmail import lang
from fourmail.lang.fourd import words
from fourmail.program import new_runtime, run_source

PACKAGE = Path(fourmail.__file__).parent


def test_languages_by_name_and_by_extension():
    four_d = lang.get("4d")
    assert lang.get("4D") is four_d and lang.get() is four_d
    assert lang.for_path("Project/Sources/Methods/send.4dm") is four_d
    assert lang.for_path("notes.txt") is None
    with pytest.raises(KeyError, match="known: 4d"):
        lang.get("cobol")


def test_the_cli_takes_the_language(tmp_path):
    f = tmp_path / "hello.txt"
    f.write_text('ALERT("hi")\n')
    assert run_fourmail("run", "--language", "4d", str(f)).stdout == "hi\n"
    r = run_fourmail("parse", "--language", "cobol", str(f))
    known = ", ".join(lang.names())
    assert r.returncode == 64 and f"--language: unknown language 'cobol' (known: {known})" in r.stderr


def test_a_runtime_compares_with_its_languages_collation():
    rt = new_runtime(lang.get("4d"), out=io.StringIO(), interactive=False)
    assert rt.collation is lang.get("4d").collation


def _run(source: str):
    out = io.StringIO()
    rt = new_runtime(out=out, interactive=False)
    outcome = run_source(rt, source, "seam.4dm", "seam")
    return outcome, out.getvalue()


def test_runtime_errors_name_statements_as_the_table_spells_them():
    outcome, _ = _run("For each ($x;42)\nEnd for each\n")
    assert outcome.kind == "error" and outcome.error.message.startswith(words.spelled("FOR_EACH") + ": ")
    outcome, _ = _run("$c:=Super\n")
    assert outcome.kind == "error" and outcome.error.message.startswith(words.spelled("SUPER") + ": ")


def test_class_declarations_outside_a_class_file_are_named_from_the_table(tmp_path):
    outcome, _ = _run("If (True)\nFunction f()\nEnd if\n")
    assert outcome.kind == "syntax" and (outcome.error.line, outcome.error.col) == (2, 1)
    for token in ("CLASS_CONSTRUCTOR", "FUNCTION", "PROPERTY", "CLASS_EXTENDS"):
        assert words.spelled(token) in outcome.error.message


def _code_strings(path: Path):
    """The text constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
            yield n.lineno, n.value


def test_no_keyword_is_spelled_outside_the_language():
    """The statements of several words (`End if`, `For each`, `Class extends`...) are spelled in
    the language's package only: messages elsewhere get them from the table."""
    spellings = [w.spelling for w in words.KEYWORDS if " " in w.spelling]
    assert len(spellings) >= 8
    found = re.compile(r"(?i)\b(" + "|".join(re.escape(s) for s in spellings) + r")\b")
    # (another language's package spells its own words, some of which are 4D's too: FOR EACH)
    own = [PACKAGE / "lang" / name for name in ("fourd", "wlanguage")]
    hits = [f"{p.relative_to(PACKAGE)}:{line}: {text[:60]!r}"
            for p in sorted(PACKAGE.rglob("*.py")) if not any(o in p.parents for o in own)
            for line, text in _code_strings(p) if found.search(text)]
    assert hits == []
