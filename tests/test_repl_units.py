"""The REPL's parts without a terminal: completeness, indentation, display, history scrubbing,
:help, completion, and one session running several inputs."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest

from conftest import CORPUS, REPO
from fourmail.lang.fourd.complete import COMPLETE, INCOMPLETE, INVALID, check_complete, indent_levels, prepare


# ---------------------------------------------------------------- check_complete

@pytest.mark.parametrize("text, status, indent", [
    ("", COMPLETE, 0),
    ("$a:=1", COMPLETE, 0),
    ("If(True)", INCOMPLETE, 1),
    ('If(True)\n    ALERT("x")', INCOMPLETE, 1),
    ('If(True)\n    ALERT("x")\nEnd if', COMPLETE, 0),
    ("If(True)\nElse", INCOMPLETE, 1),
    ("For each($x;[1;2])\nFor($i;1;2)", INCOMPLETE, 2),
    ("Case of", INCOMPLETE, 1),
    ("Case of\n:(1=1)", INCOMPLETE, 2),
    ("Case of\n:(1=1)\n$a:=1\nElse\n$b:=2\nEnd case", COMPLETE, 0),
    ("Repeat\n$i:=1", INCOMPLETE, 1),
    ("Repeat\n$i:=1\nUntil(True)", COMPLETE, 0),
    ("Try\n$a:=1\nCatch", INCOMPLETE, 1),
    ("$o:=New object(", INCOMPLETE, 1),
    ('ALERT("abc', INCOMPLETE, 1),
    ("$a:=1+\\", INCOMPLETE, 1),
    ("/* a comment", INCOMPLETE, 1),
    ('$o:=New object(\n"a"; 1;  // a comment\n"b";2)', COMPLETE, 0),
    ("$a:=(1+2))", INVALID, 0),
    ("End if", INVALID, 0),
    ("If(True) $a:=1", INVALID, 0),          # one statement per line, as in 4D
    ("If(True)\n$a:=)", INVALID, 0),         # an error inside an open block is not "incomplete"
    ("$a:=", INVALID, 0),
])
def test_check_complete(text, status, indent):
    got = check_complete(text)
    assert got.status == status
    if status == INCOMPLETE:
        assert got.indent == indent


def test_every_parsing_corpus_file_is_complete_and_the_others_invalid():
    from fourmail.lang.fourd import SourceSyntaxError, parse
    for f in sorted(CORPUS.glob("*.4dm")):
        text = f.read_text(encoding="utf-8")
        try:
            parse(text, f.name)
            expected = COMPLETE
        except SourceSyntaxError:
            expected = INVALID
        assert check_complete(text).status == expected, f.name


def test_prepare_makes_implicit_continuations_explicit():
    assert prepare('$o:=New object(\n"a"; 1;  // c\n"b";2)') == '$o:=New object(\\\n"a"; 1;  \\\n"b";2)'
    assert prepare('ALERT("abc\n   def")') == 'ALERT("abc\\\n   def")'
    assert prepare("$a:=1\n$b:=2") == "$a:=1\n$b:=2"


def test_indent_levels_of_the_last_line():
    assert indent_levels("If(True)\n    $a:=1\n    Else") == (0, 1)
    assert indent_levels("If(True)\n    $a:=1\n    End if") == (0, 0)
    assert indent_levels("Case of\n    :(True)\n        $a:=1\n        :(False)") == (1, 2)
    assert indent_levels("Repeat\n    $i:=1\n    Until($i>0)") == (0, 0)


# ---------------------------------------------------------------- display and secrets

def test_display_values_4d_style_with_secrets_masked():
    from fourmail.repl.display import format_value
    from fourmail.runtime.values import UNDEFINED, Date, Time
    assert format_value("Hello") == '"Hello"'
    assert format_value('say "hi"') == '"say \\"hi\\""'
    assert format_value(3.0) == "3" and format_value(0.5) == "0.5"
    assert format_value(True) == "True" and format_value(None) == "null" and format_value(UNDEFINED) == "undefined"
    assert format_value(Date(2024, 1, 15)) == "!2024-01-15!"
    assert format_value(Time(3661)) == "?01:01:01?"
    assert format_value(b"abc") == "Blob (3 bytes)"
    shown = format_value({"host": "smtp.x.com", "password": "hunter2", "auth": {"accessTokenOAuth2": "tok"},
                          "list": [1, 2]})
    assert shown.splitlines() == ['{', '  "host": "smtp.x.com",', '  "password": "********",', '  "auth": {',
                                  '    "accessTokenOAuth2": "********"', '  },', '  "list": [', '    1,', '    2',
                                  '  ]', '}']
    assert format_value("hunter2", "$pw") == '"********"'
    assert format_value([]) == "[]" and format_value({}) == "{}"


def test_scrub_removes_secret_literals_only():
    from fourmail.repl.display import scrub
    assert scrub('$server.password:="XXXX" // mine') == '$server.password:="********" // mine'
    assert scrub('$o:=New object("host";"h";"password";"s3cr\\"et")') == \
        '$o:=New object("host";"h";"password";"********")'
    assert scrub('$o:={password: "abc"; user: "me"}') == '$o:={password: "********"; user: "me"}'
    assert scrub('$t.accessTokenOAuth2:="ya29.abc"') == '$t.accessTokenOAuth2:="********"'
    assert scrub('$pw:=Request("Your password?")') == '$pw:=Request("Your password?")'
    assert scrub('$server.user:="me"') == '$server.user:="me"'


@pytest.mark.parametrize("typed, kept", [
    ('$s["password"]:="secret"', '$s["password"]:="********"'),
    ('$s["accessTokenOAuth2"]:="ya29.x"', '$s["accessTokenOAuth2"]:="********"'),
    ('OB SET($s;"user";"me";"password";"secret";"port";465)', 'OB SET($s;"user";"me";"password";"********";"port";465)'),
    ('$o:=New object("password";"secret")', '$o:=New object("password";"********")'),
    ('$o:={password: "secret", host: "h"}', '$o:={password: "********", host: "h"}'),
    ('$o:={"certificatePassword": "p" + "q"}', '$o:={"certificatePassword": "********" + "********"}'),
    ('$s.Password+="x"\n$s.host:="h"', '$s.Password+="********"\n$s.host:="h"'),
    ('$s["pass"]:=Request("Password?")', '$s["pass"]:=Request("Password?")'),   # no secret written here
    ('ALERT("password";"shown")', 'ALERT("password";"********")'),            # a key in any call: masked
    ('$s["user"]:="me"', '$s["user"]:="me"'),
])
def test_scrub_one_rule_for_every_way_to_write_a_secret(typed, kept):
    from fourmail.repl.display import scrub
    assert scrub(typed) == kept


def test_the_transporters_secrets_are_secret_names():
    # What a transporter never shows (Transporter.md) is what the REPL, the history and the
    # run's dialogs hide: one rule, secret_names.py.
    from fourmail.secret_names import is_secret_name, is_secret_prompt
    assert all(is_secret_name(n) for n in ("password", "accessTokenOAuth2", "certificatePassword", "$pw"))
    assert not any(is_secret_name(n) for n in ("user", "host", "port", "$p", "logFile", "authenticationMode"))
    assert is_secret_prompt("Your password?") and is_secret_prompt("OAuth2 token:")
    assert not is_secret_prompt("Your name?")


def test_history_file_gets_scrubbed_text(tmp_path):
    from fourmail.repl.session import ScrubbedFileHistory
    h = ScrubbedFileHistory(str(tmp_path / "history"))
    h.append_string('$server.password:="hunter2"')
    assert list(h.get_strings()) == ['$server.password:="hunter2"']     # this session: as typed
    text = (tmp_path / "history").read_text()
    assert "hunter2" not in text and '$server.password:="********"' in text
    assert list(ScrubbedFileHistory(str(tmp_path / "history")).load_history_strings()) == \
        ['$server.password:="********"']


# ---------------------------------------------------------------- :help

def test_help_finds_commands_classes_members_and_concepts():
    from fourmail.repl.help import help_text
    assert "configures a new SMTP connection" in help_text("SMTP New transporter")
    assert "configures a new SMTP connection" in help_text("smtp new TRANSPORTER")
    assert ".send( mail : Object ) : Object" in help_text("send")
    assert ".send( mail : Object ) : Object" in help_text("SMTPTransporter.send()")
    assert ".subject" in help_text("Email.subject")
    smtp = help_text("4D.SMTPTransporter")
    assert "SMTPTransporter` class" in smtp and ".keepAlive : Boolean" in smtp and ".host : Text" in smtp
    assert "name or the IP address of the host server" in help_text("host")     # from Transporter.md
    both = help_text("delete")
    assert "IMAPTransporter.delete" in both and "POP3Transporter.delete" in both
    assert "If(Boolean_Expression)" in help_text("If")
    assert help_text("Substring").startswith("Substring ( source ; firstChar {; numChars} ) -> Text")
    assert "US-ASCII_UTF8_QP" in help_text("mail mode UTF8")
    assert "Did you mean" in help_text("SMPT New transporter")


def test_help_pages_are_package_data():
    from fourmail.repl.help import REFERENCE_DIR
    assert REFERENCE_DIR == REPO / "fourmail" / "reference"
    assert (REFERENCE_DIR / "commands" / "smtp-new-transporter.md").is_file()
    assert "4d/docs" in (REFERENCE_DIR / "SOURCES.md").read_text()
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"fourmail.reference"' in pyproject and "commands/*.md" in pyproject


# ---------------------------------------------------------------- a session

@pytest.fixture
def repl():
    from fourmail.repl.session import ReplSession
    out, err = io.StringIO(), io.StringIO()
    r = ReplSession(project_dir=REPO, out=out, err=err)
    r.rt.ask = lambda prompt: None          # dialogs cancelled
    return r


def run(repl, text):
    repl.out.seek(0)
    repl.out.truncate()
    repl.err.seek(0)
    repl.err.truncate()
    repl.execute(text)
    return repl.out.getvalue(), repl.err.getvalue()


def test_session_keeps_variables_and_declared_types(repl):
    assert run(repl, "var $i : Integer") == ("", "")
    assert run(repl, "$i:=2.6") == ("", "")
    assert run(repl, "$i") == ("3\n", "")
    assert run(repl, "$I+1") == ("4\n", "")              # names are case-insensitive
    out, err = run(repl, '$i:="text"')
    assert out == "" and "error" in err
    assert run(repl, "$o:=New object(\"a\";1)") == ("", "")
    assert run(repl, "$o.a") == ("1\n", "")
    assert run(repl, 'ALERT("hi")') == ("hi\n", "")
    assert run(repl, "OB SET($o;\"b\";2)") == ("", "")   # a procedure shows nothing
    assert run(repl, "OK") == ("1\n", "")
    assert run(repl, '$c:=New collection(1;2)\n$c.push(3)\n$c.length') == ("3\n", "")


def test_session_reports_errors_like_the_cli_and_goes_on(repl):
    out, err = run(repl, "$a:=(1+2))")
    assert err.startswith("<repl>:1:10: syntax error: unexpected ')'")
    out, err = run(repl, '$o:=Null\n$o.x:=1')
    assert err.startswith("<repl>:2: error") and "$o.x:=1" in err
    out, err = run(repl, "break")
    assert "syntax error: break outside of a loop" in err
    assert run(repl, "1+1") == ("2\n", "")


def test_session_request_uses_the_front_end_and_cancel_sets_ok(repl):
    asked = []
    repl.rt.ask = lambda prompt: asked.append(prompt) or "typed"
    assert run(repl, '$x:=Request("Name?")\n$x') == ('"typed"\n', "")
    assert asked == ["Name? "]
    repl.rt.ask = lambda prompt: None
    assert run(repl, '$x:=Request("Name?")\nOK') == ("0\n", "")


def test_sandbox_hook(repl, monkeypatch):
    import types
    from fourmail.repl import session
    monkeypatch.setattr(session, "_sandbox_hooks", lambda: None)
    assert run(repl, ":sandbox on") == ("the embedded sandbox is not available in this version\n", "")
    calls = []
    fake = types.SimpleNamespace(enable=lambda rt: calls.append("on") or "handle",
                                 disable=lambda rt, h: calls.append(("off", h)))
    monkeypatch.setattr(session, "_sandbox_hooks", lambda: (fake.enable, fake.disable))
    assert run(repl, ":sandbox")[0] == "sandbox is off (:sandbox on|off)\n"
    assert run(repl, ":sandbox on")[0].startswith("sandbox on")
    assert repl.rt.sandbox == "handle"
    run(repl, ":sandbox on")                                 # already on: not started twice
    assert run(repl, ":sandbox off")[0].startswith("sandbox off")
    assert calls == ["on", ("off", "handle")] and repl.rt.sandbox is None


def test_sandbox_hook_prefers_the_modules_enable_disable(monkeypatch):
    import fourmail.sandbox as sb
    from fourmail.repl.session import _sandbox_hooks
    enable, disable = (lambda rt: 1), (lambda rt, h: None)
    monkeypatch.setattr(sb, "enable", enable, raising=False)
    monkeypatch.setattr(sb, "disable", disable, raising=False)
    assert _sandbox_hooks() == (enable, disable)


def test_session_repl_commands(repl):
    out, _ = run(repl, ":sandbox")
    assert out in ("the embedded sandbox is not available in this version\n", "sandbox is off (:sandbox on|off)\n")
    out, _ = run(repl, ":help Email.subject")
    assert ".subject : Text" in out
    run(repl, "var $t : 4D.SMTPTransporter")
    out, _ = run(repl, ":help $t.send")
    assert ".send( mail : Object ) : Object" in out
    run(repl, '$pw:="hunter2"')
    out, _ = run(repl, ":vars")
    assert "$pw = \"********\"" in out and "hunter2" not in out
    run(repl, ":quit")
    assert repl.done


# ---------------------------------------------------------------- completion

def completions(repl, text):
    from prompt_toolkit.document import Document
    from fourmail.repl.completion import ReplCompleter
    return [(c.text, c.start_position, c.display_meta_text) for c in
            ReplCompleter(repl).get_completions(Document(text), None)]


def test_completion_of_multi_word_names_with_signatures(repl):
    got = completions(repl, "$t:=SMTP N")
    assert got == [("SMTP New transporter", -6, "SMTP New transporter( server : Object ) : 4D.SMTPTransporter  "
                                                 "(not available yet)")] or \
        [(t, p) for t, p, _ in got] == [("SMTP New transporter", -6)]
    assert "server : Object" in got[0][2]
    names = [t for t, _, _ in completions(repl, "$m:=mail mode U")]
    assert names == ["mail mode UTF8", "mail mode UTF8 in base64"]
    assert [t for t, _, _ in completions(repl, "end f")] == ["End for", "End for each"]
    assert completions(repl, 'ALERT("SMTP N') == []                  # not inside a text literal


def test_completion_of_variables_and_members(repl):
    run(repl, '$transporterName:="x"\n$mail:=New object("subject";"hi";"to";"a@b.c")')
    assert [t for t, _, _ in completions(repl, "ALERT($trans")] == ["$transporterName"]
    members = [t for t, _, _ in completions(repl, "$mail.")]
    assert members[:2] == ["subject", "to"] and "htmlBody" in members and "attachments" in members
    run(repl, "var $t : 4D.SMTPTransporter")
    got = {t: meta for t, _, meta in completions(repl, "$t.se")}
    assert set(got) == {"send", "sendTimeOut"} and "mail : Object" in got["send"]
    run(repl, "$c:=New collection")
    assert "push" in [t for t, _, _ in completions(repl, "$c.pu")]
    assert "SMTPTransporter" in [t for t, _, _ in completions(repl, "4D.S")]
    assert [t for t, _, _ in completions(repl, "var $x : Col")] == ["Collection"]
    assert [t for t, _, _ in completions(repl, ":help SMTPTransporter.se")][:1] == ["SMTPTransporter.send()"]


def test_completion_of_a_live_class_instance(repl):
    run(repl, '$f:=File("/PACKAGE/README.md")')
    members = [t for t, _, _ in completions(repl, "$f.")]
    assert "name" in members and "exists" in members and "getText" in members


def test_completion_of_a_live_transporter(repl):
    from fourmail.commands.registry import lookup_command
    if lookup_command("SMTP New transporter").impl is None:
        pytest.skip("SMTP New transporter is not implemented yet")
    run(repl, '$tr:=SMTP New transporter(New object("host";"smtp.example.com";"password";"pw"))')
    got = {t: meta for t, _, meta in completions(repl, "$tr.")}
    assert "send" in got and "mail : Object" in got["send"]          # the live function, documented
    assert "host" in got and "keepAlive" in got
    out, _ = run(repl, "$tr")
    assert out.startswith("4D.SMTPTransporter {") and '"host": "smtp.example.com"' in out and '"pw"' not in out
    repl.close()


# ---------------------------------------------------------------- start-up stays light

def test_run_does_not_import_the_repl_libraries():
    code = ("import sys\nfrom fourmail.cli import main\nmain(['run', 'examples/hello.4dm'])\n"
            "print(sorted(m for m in ('prompt_toolkit', 'pygments') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert r.stdout.splitlines()[-1] == "[]", r.stdout + r.stderr


def test_no_terminal_no_repl():
    r = subprocess.run([sys.executable, "-m", "fourmail", "repl"], capture_output=True, text=True, cwd=REPO,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 64
    assert r.stderr == "fourmail: the REPL needs a terminal; to run a file: fourmail run FILE.4dm\n"
