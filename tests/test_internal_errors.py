"""fourmail's own bugs are not 4D errors (issue 10, item 8).

A Python exception escaping a command is a bug in fourmail: it stays the catchable error 70, is
reported on stderr as fourmail's bug, and fails the test suite (tests/conftest.py). Wrong
parameter counts and out-of-range values are 4D errors or 4D's documented results.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import fuzz4d
from conftest import REPO, alerts
from sandbox_util import sandbox  # noqa: F401  (fixture)
from fourmail.commands.registry import lookup_command
from fourmail.runtime.errors import FourDError
from fourmail.program import compile_source, new_runtime


def error_of(run, source: str):
    r = run(source)
    assert r.error is not None, r.out
    return r.error


# ---------------------------------------------------------------- parameter counts of member functions
@pytest.mark.parametrize("call, problem", [
    ('$pop3.getBoxInfo("INBOX")', "too many parameters: 0 expected, 1 passed"),
    ('$smtp.checkConnection(1)', "too many parameters"),
    ('$smtp.send($m;2)', "too many parameters: 0 to 1 expected, 2 passed"),
    ('$imap.expunge(1)', "too many parameters"),
    ('$file.setText()', "missing parameter: 1 to 3 expected, 0 passed"),
    ('$file.rename()', "missing parameter"),
    ('$file.getText("UTF-8";1;2)', "too many parameters"),
    ('$folder.files(0;0)', "too many parameters"),
    ('$att.getContent(1)', "too many parameters"),
    ('$c.at()', "missing parameter: 1 expected, 0 passed"),
    ('$c.first(1)', "too many parameters"),
    ('$c.insert(0)', "missing parameter"),
    ('4D.SMTPTransporter.new($s;2)', "too many parameters"),
])
def test_member_functions_check_their_parameter_count(run, call, problem):
    e = error_of(run, f"""
        $s:=New object("host";"127.0.0.1";"port";9)
        $pop3:=POP3 New transporter($s)
        $smtp:=SMTP New transporter($s)
        $imap:=IMAP New transporter($s)
        $file:=File("/PACKAGE/none.txt")
        $folder:=Folder("/PACKAGE")
        var $blob : Blob
        $att:=MAIL New attachment($blob;"a.txt")
        $c:=New collection(1;2)
        $m:=New object
        $r:={call}
        """)
    assert e.code == 65 and problem in e.message, e.describe()


def test_every_builtin_member_function_rejects_one_parameter_too_many(run):
    """The count comes from one place (the function's signature): no built-in member function
    lets an extra parameter through to Python."""
    from fourmail.runtime.values import arity
    r = run("""
        $s:=New object("host";"127.0.0.1";"port";9)
        $imap:=IMAP New transporter($s)
        $objects:=New collection(File("/PACKAGE/x.txt");Folder("/PACKAGE");SMTP New transporter($s);$imap;\
POP3 New transporter($s);$imap.notifier;MAIL New attachment(File("/PACKAGE/pyproject.toml"));4D.File)
        """, keep_variables=True)
    assert r.error is None, r.error.describe()
    checked = 0
    for obj in r.variables["$objects"]:
        for name in obj.function_names():
            most = arity(getattr(obj, "fn_" + name))[1]
            if most is None:
                continue
            with pytest.raises(FourDError) as caught:
                obj.call_function(r.rt, name, [0.0] * (most + 1))
            assert caught.value.code == 65, (obj, name, caught.value.describe())
            checked += 1
    assert checked >= 50, checked


# ---------------------------------------------------------------- values out of range
def test_num_past_the_real_range_is_an_infinity(run):
    assert alerts(run("""
        ALERT(String(Num("1e999")))
        ALERT(String(Num("-1e999")))
        ALERT(String(Num("1e-999")))
        ALERT(String(Num("1.5e3")))
        """)) == ["INF", "-INF", "0", "1500"]


def test_a_port_out_of_range_is_a_4d_error(run):
    for port in ("1e309", "Num(\"1e999\")-Num(\"1e999\")", "0", "65536"):
        e = error_of(run, f"""
            $server:=New object("host";"127.0.0.1")
            $server.port:={port}
            $t:=SMTP New transporter($server)
            """)
        assert e.code == 66 and e.component == "SMTP" and "port must be between 1 and 65535" in e.message


def test_a_date_not_in_the_calendar_is_the_null_date(run):
    assert alerts(run("""
        ALERT(String(!2024-02-30!=!00-00-00!))
        ALERT(String((Current date-!2024-02-30!)=(Current date-!00-00-00!)))
        ALERT(String(Date("2024-02-30")=!2024-02-30!))
        ALERT(String(!2024-02-29!+1e309=!00-00-00!))
        ALERT(String(!2024-02-29!+1))
        """)) == ["True", "True", "True", "True", "03/01/2024"]


def test_nan_and_infinities_reach_commands_as_numbers(run):
    assert alerts(run("""
        $nan:=Num("1e999")-Num("1e999")
        $inf:=Num("1e999")
        $c:=New collection(1;2;3)
        ALERT(JSON Stringify($c.slice($inf)))
        ALERT(JSON Stringify($c.slice(1;$nan)))
        ALERT(String(Round(1.25;$inf)))
        ALERT(Time string($inf))
        ALERT(String($c.at(4294967297)))
        ALERT(String(Add to date(!2024-01-31!;0;$nan;1)))
        """)) == [[1, 2, 3], [], "1", "00:00:00", "2", "02/01/2024"]


def test_operators_on_infinities_and_nan(run):
    """Reals are IEEE doubles: past the Real range an infinity, no Python exception."""
    assert alerts(run("""
        $nan:=Num("1e999")-Num("1e999")
        ALERT(String(2^2000))
        ALERT(String((-2)^2001))
        ALERT(String(Undefined((-8)^0.5)))
        ALERT(String(((-8)^0.5)=((-8)^0.5)))
        ALERT(String(1e309\\2))
        ALERT(String(1e309%7))
        ALERT(String(1e309|1))
        ALERT(String($nan << 1))
        ALERT("ab"*$nan)
        $t:="abc"
        $c:=New collection(1;2;3)
        Try
            ALERT($t[[1e309]])
        Catch
            ALERT(String(Last errors[0].errCode))
        End try
        ALERT(String($c[$nan]))
        """)) == ["INF", "-INF", "False", "False", "INF", "0", "1", "0", "", "69", "1"]


def test_nul_in_a_file_name_is_a_4d_error(run):
    e = error_of(run, 'File("/PACKAGE/a"+Char(0)+"b").setText("x")')
    assert e.code == 66 and "Char(0)" in e.message
    assert alerts(run("""
        ALERT(String(Folder("/PACKAGE").file("a"+Char(0)+"b")=Null))
        Try
            $f:=File("/PACKAGE/fz.txt").rename("a"+Char(0)+"b")
        Catch
            ALERT(String(Last errors[0].errCode))
        End try
        """)) == ["True", "66"]


def test_execute_method_needs_a_text(run):
    e = error_of(run, "EXECUTE METHOD(New object)")
    assert e.code == 66


# ---------------------------------------------------------------- an internal error that still happens
@pytest.fixture
def broken_length(monkeypatch):
    """A command with a bug: Length raises a Python exception."""
    def boom(rt, *args):
        raise TypeError("a bug")
    monkeypatch.setattr(lookup_command("Length"), "_fn", boom)


def _run_broken(debug: bool, monkeypatch):
    if debug:
        monkeypatch.setenv("FOURMAIL_DEBUG", "1")
    else:
        monkeypatch.delenv("FOURMAIL_DEBUG", raising=False)
    out, err = io.StringIO(), io.StringIO()
    rt = new_runtime(project_dir=REPO, out=out, err=err, interactive=False)
    method = compile_source(rt, 'Try\n$n:=Length("abc")\nCatch\nALERT(String(Last errors[0].errCode))\nEnd try\n',
                            "t.4dm", "t")
    rt.run(method)
    return out.getvalue(), err.getvalue()


@pytest.mark.internal_error
def test_an_internal_error_is_error_70_and_reported_as_a_bug(broken_length, monkeypatch):
    out, err = _run_broken(False, monkeypatch)
    assert out == "70\n"
    assert err.count("\n") == 1 and "internal error (a bug in fourmail" in err and "TypeError: a bug" in err
    assert "Traceback" not in err


@pytest.mark.internal_error
def test_fourmail_debug_shows_the_traceback(broken_length, monkeypatch):
    out, err = _run_broken(True, monkeypatch)
    assert out == "70\n"
    assert "Traceback (most recent call last)" in err and "raise TypeError" in err


def test_the_suite_fails_a_test_during_which_an_internal_error_happens(tmp_path):
    (tmp_path / "test_probe.py").write_text(textwrap.dedent("""
        import pytest
        from fourmail.commands.registry import lookup_command

        def _broken(monkeypatch, run):
            def boom(rt, *args):
                raise TypeError("a bug")
            monkeypatch.setattr(lookup_command("Length"), "_fn", boom)
            r = run('Try\\n$n:=Length("abc")\\nCatch\\nEnd try\\n')
            assert r.error is None           # the 4D program caught it: the test must fail anyway

        def test_unmarked(monkeypatch, run):
            _broken(monkeypatch, run)

        @pytest.mark.internal_error
        def test_marked(monkeypatch, run):
            _broken(monkeypatch, run)
        """))
    env = dict(os.environ, PYTHONPATH=str(REPO / "tests"))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "conftest",
                           "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "1 failed, 1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert "fourmail internal error(s) during the test: TypeError: a bug" in proc.stdout


# ---------------------------------------------------------------- generated programs
def _run_program(source: str, project: Path, sandbox=None) -> None:
    rt = new_runtime(project_dir=project, out=io.StringIO(), err=io.StringIO(), interactive=False)
    if sandbox is not None:
        from fourmail.sandbox.routing import apply
        apply(rt, sandbox)
    method = compile_source(rt, source, "fuzz.4dm", "fuzz")
    rt.main_name = "fuzz"
    try:
        rt.run(method)
    except FourDError as e:        # the prelude set up every target: only the calls may fail
        raise AssertionError(f"uncaught {e.describe()}") from None
    finally:
        rt.shutdown()


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(fuzz4d.programs())
def test_generated_programs_never_meet_an_internal_error(tmp_path_factory, source):
    """Offline: transporters fail to connect; files, collections, commands do their work. Any
    internal error fails the test through tests/conftest.py."""
    _run_program(source, tmp_path_factory.getbasetemp())


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(fuzz4d.programs(sandbox=True))
def test_generated_programs_against_the_sandbox(sandbox, tmp_path_factory, source):  # noqa: F811
    """With the transporters logged in to the embedded sandbox, their functions get past the
    connection and work on the parameters."""
    _run_program(source, tmp_path_factory.getbasetemp(), sandbox)
