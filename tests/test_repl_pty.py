"""The REPL as a person uses it: the real `python -m fourmail` in a pseudo-terminal, keystrokes in,
screen text out (pyte renders the terminal). HOME and the XDG folders are a temporary folder."""
from __future__ import annotations

import re

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("pyte")

from conftest import CORPUS, REPO  # noqa: E402
from replterm import TAB, Terminal  # noqa: E402


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")    # the parser's table cache, shared by this module's sessions


@pytest.fixture
def term(tmp_path, cache_dir):
    t = Terminal(tmp_path, cache=cache_dir)
    t.wait_for("4D>")
    yield t
    t.close()


def screen_lines(t) -> list[str]:
    return [line for line in t.lines if line.strip()]


def after_last_prompt_with(t, text: str) -> list[str]:
    """The screen lines after the last line that starts with the prompt and holds `text`."""
    lines = t.lines
    idx = max(i for i, line in enumerate(lines) if line.startswith("4D>") and text in line)
    return lines[idx + 1:]


def test_multiline_if_block_indents_dedents_and_runs_once_closed(term):
    term.line("If(1=1)")
    term.wait_for(lambda s: "4D> If(1=1)" in s and any(line.startswith("...") for line in s.splitlines()))
    term.line('ALERT("yes")')             # typed without indentation: the REPL indents it
    term.settle()
    term.line("Else")                       # typed at the block's level: put back one level
    term.settle()
    term.line('ALERT("no")')
    term.settle()
    assert "yes" not in [line.strip() for line in term.lines]   # nothing ran yet: the block is open
    term.line("End if")
    term.wait_for(lambda s: "yes" in [line.strip() for line in s.splitlines()])
    lines = term.lines
    start = lines.index("4D> If(1=1)")
    assert lines[start + 1] == '...     ALERT("yes")'
    assert lines[start + 2] == "... Else"
    assert lines[start + 3] == '...     ALERT("no")'
    assert lines[start + 4] == "... End if"
    assert lines[start + 5] == "yes"
    assert "no" not in [line.strip() for line in lines]
    term.prompt_ready()


def _doc_example(marker: str) -> str:
    """A ```4d block of the reference pages shipped in the package."""
    page = (REPO / "fourmail" / "reference" / "concepts" / "cf_looping.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```4d\n(.*?)```", page, re.S)
    return next(b for b in blocks if marker in b)


def test_pasted_doc_example_runs_as_one_unit(term):
    example = _doc_example("tested at the beginning")   # cf_looping.md: For each ... While / Until
    term.paste(example)
    term.wait_for(lambda s: "1001" in [line.strip() for line in s.splitlines()])
    term.prompt_ready()
    lines = term.lines
    outputs = [line.strip() for line in lines if line.strip() in ("36", "1001")]
    assert outputs == ["36", "1001"]
    # one prompt for the whole paste: its lines are continuation lines, not new inputs
    assert sum(1 for line in lines if line.startswith("4D>") and line.strip() != "4D>") == 1
    assert any(line.startswith("...") and "End for each" in line for line in lines)


def test_pasted_corpus_example_with_request_cancelled(term):
    example = (CORPUS / "POP3TransporterClass__01.4dm").read_text(encoding="utf-8")
    term.paste(example)
    # the Request dialog's own line (the pasted source holds the same words, after `...`)
    term.wait_for(lambda s: any(line.startswith("Please enter your password:") for line in s.splitlines()))
    term.child.sendcontrol("c")              # cancel the Request dialog: OK = 0, the If is skipped
    term.prompt_ready()
    term.line("OK")
    term.wait_for(lambda s: after_last_prompt_with(term, "OK")[:1] == ["0"])
    term.line("$options")
    term.wait_for(lambda s: after_last_prompt_with(term, "$options")[:1] == ["{}"])


def test_completion_of_smtp_n_shows_signature_and_completes(term):
    term.type("$t:=SMTP N")
    term.wait_for("SMTP New transporter( server : Object ) : 4D.SMTPTransporter")   # the signature, as you type
    term.type(TAB)
    term.wait_for("4D> $t:=SMTP New transporter")


def test_syntax_error_then_a_working_line(term):
    term.line("$a:=(1+2))")
    term.wait_for("syntax error")
    assert "<repl>:1:10: syntax error: unexpected ')': unbalanced parentheses" in term.text
    caret_line = next(line for line in term.lines if line.strip() == "^")
    source_line = next(line for line in term.lines if line.strip() == "$a:=(1+2))" and not line.startswith("4D>"))
    assert caret_line.index("^") == source_line.index("$") + 9
    term.prompt_ready()
    term.line('ALERT("still here")')
    term.wait_for(lambda s: "still here" in [line.strip() for line in s.splitlines()])
    term.line("$b:=40+2")
    term.settle()
    term.line("$b")
    term.wait_for(lambda s: after_last_prompt_with(term, "4D> $b")[:1] == ["42"])
    assert "Traceback" not in term.text


def test_runtime_error_is_reported_and_the_session_goes_on(term):
    term.line('$o:=Null')
    term.settle()
    term.line('$o.host:="x"')
    term.wait_for("error")
    assert re.search(r"<repl>:1: error \d+ \(4DRT\)", term.text)
    term.line("$n:=1")
    term.settle()
    term.line("$n+1")
    term.wait_for(lambda s: after_last_prompt_with(term, "$n+1")[:1] == ["2"])


def test_secrets_hidden_on_screen_and_scrubbed_from_history_file(tmp_path, cache_dir):
    t = Terminal(tmp_path, cache=cache_dir)
    try:
        t.wait_for("4D>")
        t.line('$server:=New object("host";"smtp.example.com";"password";"hunter2")')
        t.settle()
        t.line('$server.accessTokenOAuth2:="tok-123456"')
        t.settle()
        t.line('$server["certificatePassword"]:="pfx-pass"')
        t.settle()
        t.line("$server")
        t.wait_for('"host": "smtp.example.com"')
        t.settle()
        screen = t.text
        assert '"password": "********"' in screen and '"accessTokenOAuth2": "********"' in screen
        assert "hunter2" not in screen.split("4D> $server\n", 1)[1]
        assert "tok-123456" not in screen.split("4D> $server\n", 1)[1]
        # Request asking for a password reads it hidden
        t.line('$pw:=Request("Password?")')
        t.wait_for(lambda s: any(line.startswith("Password?") for line in s.splitlines()))
        t.line("s3cr3t")
        t.prompt_ready()
        assert "s3cr3t" not in t.text
        t.line("Length($pw)")
        t.wait_for(lambda s: after_last_prompt_with(t, "Length($pw)")[:1] == ["6"])
        # the session's own history still has the typed text
        t.child.send(b"\x1b[A")          # Up: the previous input
        t.wait_for("4D> Length($pw)")
    finally:
        t.close()
    history = (tmp_path / "data" / "fourmail" / "history").read_text(encoding="utf-8")
    assert "hunter2" not in history and "tok-123456" not in history and "s3cr3t" not in history
    assert "pfx-pass" not in history and '$server["certificatePassword"]:="********"' in history
    assert '"password";"********"' in history
    assert '$server.accessTokenOAuth2:="********"' in history
    assert 'smtp.example.com' in history               # only secrets are scrubbed


def test_help_and_sandbox_commands(term):
    term.line(":help SMTP New transporter")
    term.wait_for("Command number  |  1608")          # the end of the page (its start has scrolled)
    term.prompt_ready()
    term.line(":sandbox")
    term.wait_for(lambda s: "the embedded sandbox is not available in this version" in s or
                  "sandbox is off (:sandbox on|off)" in s)
    term.prompt_ready()


def test_typed_variables_persist_across_inputs(term):
    term.line("var $i : Integer")
    term.settle()
    term.line("$i:=2.6")
    term.settle()
    term.line("$i")
    term.wait_for(lambda s: after_last_prompt_with(term, "4D> $i")[:1] == ["3"])
    term.line("Current date")
    term.wait_for(lambda s: re.fullmatch(r"!\d{4}-\d\d-\d\d!", (after_last_prompt_with(term, "Current date")[:1]
                                                                 or [""])[0]) is not None)


def test_fourmail_repl_subcommand(tmp_path, cache_dir):
    t = Terminal(tmp_path, args=("repl",), cache=cache_dir)
    try:
        t.wait_for(":help NAME shows the 4D reference")
        t.line("1+2")
        t.wait_for(lambda s: after_last_prompt_with(t, "1+2")[:1] == ["3"])
        t.child.sendcontrol("d")
        t.child.expect(pexpect.EOF, timeout=10)
        t.child.close()
        assert t.child.exitstatus == 0
    finally:
        t.close()


def test_run_on_a_terminal_reads_a_password_without_echo(tmp_path):
    script = tmp_path / "login.4dm"
    script.write_text('$user:=Request("User name?")\n$pw:=Request("Password?")\n'
                      'ALERT($user+" typed "+String(Length($pw))+" characters")\n')
    t = Terminal(tmp_path, args=("run", str(script)))
    try:
        t.wait_for("User name?")
        t.line("visible-me")
        t.wait_for("Password?")
        t.line("S3cr3t-typed")
        t.wait_for("visible-me typed 12 characters")
        t.child.expect(pexpect.EOF, timeout=10)
        t.child.close()
        assert t.child.exitstatus == 0
    finally:
        t.close()
    assert "User name? visible-me" in t.text           # an ordinary answer echoes
    assert "S3cr3t" not in t.text
