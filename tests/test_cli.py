"""The `fourmail` command line, run as a user runs it (a subprocess), exit codes included."""
from __future__ import annotations

import subprocess
import sys

from conftest import CORPUS, REPO


def fourmail(*args, stdin=subprocess.DEVNULL, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "fourmail", *args], capture_output=True, text=True,
                          stdin=stdin, cwd=cwd, timeout=60)


def test_run_hello():
    r = fourmail("run", "examples/hello.4dm")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Hello, World!\n"


def test_syntax_error_exit_2_with_caret(tmp_path):
    f = tmp_path / "bad.4dm"
    f.write_text('$a:=1\n$b:=(2+3))\n')
    r = fourmail("run", str(f))
    assert r.returncode == 2
    first, shown, caret = r.stderr.splitlines()[:3]
    assert first.startswith(f"{f}:2:10: syntax error")
    assert shown.strip() == "$b:=(2+3))"
    assert caret.index("^") == shown.index("$b") + 9
    assert "Traceback" not in r.stderr


def test_runtime_error_exit_1_names_code_and_line(tmp_path):
    f = tmp_path / "err.4dm"
    f.write_text('ALERT("before")\n$o:=New object\n$x:=$o.a.b.c+"x"\nALERT("after")\n')
    r = fourmail("run", str(f))
    assert r.returncode == 1
    assert r.stdout == "before\n"
    assert f"{f}:3: error 54 (4DRT)" in r.stderr
    assert '$x:=$o.a.b.c+"x"' in r.stderr
    assert "Traceback" not in r.stderr


def test_request_answers_and_closed_stdin(tmp_path):
    f = tmp_path / "ask.4dm"
    f.write_text('$pw:=Request("Password?")\nIf(OK=1)\nALERT("got "+$pw)\nElse\nALERT("cancelled")\nEnd if\n')
    r = fourmail("run", str(f), "--answer", "s3cret")
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "got s3cret"
    r = fourmail("run", str(f))           # stdin closed, no answers: cancelled, never hangs
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "cancelled"


def test_answer_to_a_password_request_is_not_printed(tmp_path):
    f = tmp_path / "login.4dm"
    f.write_text('$user:=Request("User name?")\n$pw:=Request("Password?";"default")\n'
                 'ALERT($user+" "+String(Length($pw)))\n')
    r = fourmail("run", str(f), "--answer", "me", "--answer", "S3cr3t")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["User name? me", "Password? [********] ********", "me 6"]
    assert "S3cr3t" not in r.stdout + r.stderr and "default" not in r.stdout


def test_parse_command_counts_the_corpus():
    files = sorted(str(p) for p in CORPUS.glob("*.4dm"))
    r = fourmail("parse", *files)
    lines = r.stdout.splitlines()
    assert lines[-1] == "39 passed, 6 failed"
    assert len(lines) == 7                      # one line per failing file, then the count
    assert r.returncode == 1


def test_parse_all_good_exits_0():
    r = fourmail("parse", "examples/hello.4dm")
    assert r.returncode == 0 and r.stdout.strip() == "1 passed, 0 failed"


def test_parse_checks_class_files_as_classes(tmp_path):
    (tmp_path / "Classes").mkdir()
    bad = tmp_path / "Classes" / "Bad.4dm"
    bad.write_text("$a:=1\nFunction f()\n")
    r = fourmail("parse", str(bad), "examples/listen/Classes/IMAPListener.4dm")
    assert r.stdout.splitlines() == [f"{bad}:1:1: syntax error: code outside a function: a class file holds "
                                     "`Class extends`, `property`, `Class constructor` and `Function` "
                                     "declarations, each followed by its code", "1 passed, 1 failed"]


def test_garbage_input_never_shows_a_traceback(tmp_path):
    for i, text in enumerate(["\x00\x01$", "If(", '"unterminated', "/* open", "End if", "$a:=", "var $x : Foo",
                              "$a.1:=2", "For($i;1)", "[[[", "$a:=1+"]):
        f = tmp_path / f"g{i}.4dm"
        f.write_text(text)
        r = fourmail("run", str(f))
        assert r.returncode == 2, (text, r.stderr)
        assert "Traceback" not in r.stderr and "syntax error" in r.stderr
