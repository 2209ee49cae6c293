"""WLanguage and 4D on one sandbox: what a WLanguage program sends with a password a 4D program
reads over IMAP, what a 4D program sends a WLanguage program reads over POP3 (EmailReadFirst /
EmailReadNext) and IMAP (EmailGetAll); and one program written with English and with French
keywords prints the same."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from fourmail.program import new_runtime, report, run_source
from fourmail.sandbox import routing
from sandbox_util import fresh, sandbox  # noqa: F401  (a fixture)
from wl_run import run_wl

REPO = Path(__file__).resolve().parents[1]


def run_4d(source: str, sandbox, project_dir: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    rt = new_runtime(project_dir=project_dir, out=out, err=err, interactive=False)
    rt.main_name = "cross"
    routing.apply(rt, sandbox)
    outcome = run_source(rt, source, "cross.4dm")
    report(outcome, rt, "cross.4dm", err)
    rt.shutdown()
    assert (outcome.kind, err.getvalue()) == ("ok", "")
    return out.getvalue()


WL_SENDS = """\
Sender is emailSMTPSession
Sender.ServerAddress = "smtp.gmail.com"
Sender.Port = 587
Sender.Option = emailOptionSecuredTLS
Sender.Name = "{sender}"
Sender.Password = "a password"
Note is Email
Note.Sender = "{sender}"
Add(Note.Recipient, "{to}")
Note.Subject = "{subject}"
Note.Message = "Line one." + CR + "Line two, with an accent: été."
IF EmailStartSession(Sender) AND EmailSendMessage(Sender, Note) THEN Trace("sent")
EmailCloseSession(Sender)
"""

FOURD_READS = """\
$server:=New object("host"; "imap.gmail.com"; "port"; 993; "user"; "{to}"; "password"; "any")
$imap:=IMAP New transporter($server)
$box:=$imap.selectBox("INBOX")
$ids:=$imap.searchMails("SUBJECT \\"{subject}\\"")
$mail:=$imap.getMail($ids[0])
ALERT($mail.from[0].email)
ALERT($mail.subject)
ALERT($mail.bodyValues[$mail.bodyStructure.partID].value)
"""


def test_what_a_wlanguage_program_sends_with_a_password_a_4d_program_reads_over_imap(sandbox, tmp_path):
    sender, to, subject = fresh("wlsender"), fresh("reader"), f"From WLanguage to 4D {fresh('s')}"
    before = len(sandbox.sign_ins)
    run = run_wl(WL_SENDS.format(sender=sender, to=to, subject=subject), sandbox, tmp_path)
    assert (run.kind, run.err, run.out) == ("ok", "", "sent\n")
    signed = [(s.protocol, s.user, s.ok) for s in sandbox.sign_ins[before:] if s.protocol == "SMTP"]
    assert signed == [("SMTP", sender, True)]
    assert [s.mechanism for s in sandbox.sign_ins[before:] if s.protocol == "SMTP"] != ["XOAUTH2"]
    read = run_4d(FOURD_READS.format(to=to, subject=subject), sandbox, tmp_path)
    assert read.splitlines() == [sender, subject, "Line one.", "Line two, with an accent: été."]


FOURD_SENDS = """\
$smtp:=SMTP New transporter(New object("host"; "smtp.gmail.com"; "port"; 465; "user"; "4d@gmail.com"; "password"; "any"))
For ($i; 1; 2)
	$status:=$smtp.send(New object("from"; "4d@gmail.com"; "to"; "{to}"; "subject"; "{subject} #"+String($i); "textBody"; "Body "+String($i)))
	If (Not($status.success))
		ALERT($status.statusText)
	End if
End for
"""

def opening(session_type: str, host: str, port: int) -> str:
    """The lines declaring and filling the session `Box` (TLS from the start) for the user {to}."""
    return (f'Box is {session_type}\nBox.ServerAddress = "{host}"\nBox.Port = {port}\nBox.Option = optionSSL\n'
            'Box.Name = "{to}"\nBox.Password = "any"\n')


WL_READS_POP3 = opening("emailPOP3Session", "pop.gmail.com", 995) + """\
IF NOT EmailStartSession(Box) THEN
	Error(ErrorInfo())
	RETURN
END
Mail is Email
IF EmailReadFirst(Box, Mail) THEN
	LOOP
		IF Mail.Subject [= "{subject}" THEN Trace(Mail.Subject + ": " + Mail.Message)
		IF NOT EmailReadNext(Box, Mail) THEN BREAK
	END
END
Trace("at the end: " + Mail.Out)
EmailCloseSession(Box)
"""

WL_READS_IMAP = opening("emailIMAPSession", "imap.gmail.com", 993) + """\
EmailStartSession(Box)
All is array of Emails
All = EmailGetAll(Box, ertFull)
FOR EACH Mail OF All
	IF Mail.Subject [= "{subject}" THEN Trace(Mail.Subject + " from " + Mail.Sender)
END
EmailCloseSession(Box)
"""


def test_what_a_4d_program_sends_a_wlanguage_program_reads_over_pop3_and_imap(sandbox, tmp_path):
    to, subject = fresh("wlreader"), f"From 4D {fresh('s')}"
    assert run_4d(FOURD_SENDS.format(to=to, subject=subject), sandbox, tmp_path) == ""
    pop3 = run_wl(WL_READS_POP3.format(to=to, subject=subject), sandbox, tmp_path)
    assert (pop3.kind, pop3.err) == ("ok", "")
    assert pop3.out.splitlines() == [f"{subject} #1: Body 1", f"{subject} #2: Body 2", "at the end: 1"]
    imap = run_wl(WL_READS_IMAP.format(to=to, subject=subject), sandbox, tmp_path)
    assert (imap.kind, imap.err) == ("ok", "")
    assert imap.out.splitlines() == [f"{subject} #1 from 4d@gmail.com", f"{subject} #2 from 4d@gmail.com"]


WL_HEADERS_FIRST = opening("emailIMAPSession", "imap.gmail.com", 993) + """\
EmailStartSession(Box)
Heads is array of Emails
Heads = EmailGetAll(Box)
Last is Email
FOR EACH Mail OF Heads
	IF Mail.Subject [= "{subject}" THEN
		Trace(Mail.Subject)
		IF Mail.Subject ~= "{subject} #1" THEN Trace(Mail.Message)
		Last = Mail
	END
END
EmailCloseSession(Box)
Trace("[" + Last.Message + "]", ErrorOccurred)
"""


def test_headers_read_first_fetch_the_body_when_the_program_reads_it(sandbox, tmp_path):
    """EmailGetAll's default (ertHeader): headers only, the rest fetched on access — and once the
    session is closed it cannot be: the body is empty and ErrorOccurred says so."""
    to, subject = fresh("wlheads"), f"Headers first {fresh('s')}"
    run_4d(FOURD_SENDS.format(to=to, subject=subject), sandbox, tmp_path)
    run = run_wl(WL_HEADERS_FIRST.format(to=to, subject=subject), sandbox, tmp_path)
    assert (run.kind, run.err) == ("ok", "")
    assert run.out.splitlines() == [f"{subject} #1", "Body 1", f"{subject} #2", "[]", "1"]


@pytest.mark.parametrize("example", ["send-then-read.wl", "envoie-puis-lit.wl"])
def test_the_project_example_in_english_and_in_french_prints_the_same(example, tmp_path):
    r = subprocess.run([sys.executable, "-m", "fourmail", "run", "--sandbox", "--sandbox-dir", str(tmp_path / "sb"),
                        str(REPO / "examples" / example)], capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.splitlines() == ["Sent: Hello from WLanguage",
                                     "POP3: 9 messages, the newest: Hello from WLanguage",
                                     "IMAP: from wl@gmail.com: Sent by a WLanguage program, read back at once."]


WL_SENDS_BCC = WL_SENDS.partition("Note is Email")[0] + """\
EmailStartSession(Sender)
Seen is Email
Seen.Sender = "{sender}"
Add(Seen.Recipient, "{to}")
Add(Seen.Bcc, "{hidden}")
Seen.Subject = "{subject} with a Bcc"
Trace(EmailSendMessage(Sender, Seen))
Hidden is Email
Hidden.Sender = "{sender}"
Add(Hidden.Bcc, "{hidden}")
Hidden.Subject = "{subject} to a Bcc only"
Trace(EmailSendMessage(Sender, Hidden))
EmailCloseSession(Sender)
"""


def test_bcc_recipients_receive_the_mail_and_no_one_sees_them(sandbox, tmp_path):
    import email
    sender, to, hidden, subject = fresh("bccfrom"), fresh("bccto"), fresh("bcchidden"), f"Blind {fresh('s')}"
    run = run_wl(WL_SENDS_BCC.format(sender=sender, to=to, hidden=hidden, subject=subject), sandbox, tmp_path)
    assert (run.kind, run.err, run.out) == ("ok", "", "1\n1\n")

    def received(account: str) -> dict:
        found = {}
        for f in (sandbox.store_dir / "mail" / account).rglob("*"):
            if f.is_file() and subject.encode() in f.read_bytes():
                m = email.message_from_bytes(f.read_bytes())
                found[m["Subject"]] = m
        return found
    assert set(received(to)) == {f"{subject} with a Bcc"}
    got = received(hidden)
    assert set(got) == {f"{subject} with a Bcc", f"{subject} to a Bcc only"}
    for m in [*got.values(), *received(to).values()]:
        assert m["Bcc"] is None and hidden not in str(m["To"] or "") + str(m["Cc"] or "")
