"""Every POP3 example of the 4D documentation, run unchanged through the real CLI
(`python -m fourmail run FILE`) against Dovecot: the snippets' hosts (pop.gmail.com,
pop3.gmail.com) are pointed at it with --route, and their accounts (4d@gmail.com / XXXXXXXX,
test@gmail.com with the password given to Request) exist there. Results are checked from what
the snippets print, from what they computed (the same file run in-process), and from Dovecot's
own log. The two examples that are not valid as printed must fail with a clear 4D error."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS
from pop3_support import (box_hashes, dovecot_log, fill, normalized, pop3_disconnects, pop3_logins,  # noqa: F401
                          pop3mail, run4d, sample_messages)

DOC_USER, DOC_PASSWORD = "4d", "XXXXXXXX"          # 4d@gmail.com: Dovecot keeps the local part (%Ln)
ASK_USER, ASK_PASSWORD = "test", "test-pw"         # test@gmail.com, password typed at Request
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def doc(pop3mail, tmp_path):
    realmail = pop3mail
    assert realmail.users[DOC_USER] == DOC_PASSWORD and realmail.users[ASK_USER] == ASK_PASSWORD
    msgs = fill(realmail, DOC_USER, sample_messages()[:2])

    class Doc:
        server = realmail
        messages = msgs
        before = box_hashes(realmail, DOC_USER)
        logs = tmp_path / "Logs"
        since = len(dovecot_log(realmail))
        routes = [f"pop.gmail.com={realmail.host}:{realmail.pop3s}",
                  f"pop3.gmail.com={realmail.host}:{realmail.pop3s}"]

        def cli(self, name, *answers):
            """`fourmail run` on the doc file itself; only the host is redirected (--route)."""
            args = [sys.executable, "-m", "fourmail", "run", str(CORPUS / f"{name}.4dm"),
                    "--cafile", str(realmail.ca), "--logs", str(self.logs)]
            for route in self.routes:
                args += ["--route", route]
            for answer in answers:
                args += ["--answer", answer]
            return subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=60,
                                  stdin=subprocess.DEVNULL)

        def variables(self, name):
            """What the unchanged snippet computed (same file, in-process, locals kept)."""
            r = run4d(realmail, (CORPUS / f"{name}.4dm").read_text(), project_dir=tmp_path, routes=self.routes)
            assert r.error is None, r.error.describe()
            return r.variables

        def logins(self, user, expect=0):
            return pop3_logins(realmail, user, self.since, expect)

        def sessions(self, user):
            return pop3_disconnects(realmail, user, self.since, expect=1)
    yield Doc()
    assert box_hashes(realmail, DOC_USER) == Doc.before          # no example deletes anything
    fill(realmail, DOC_USER, [])


def test_class_01_check_connection_with_the_password_asked(doc):
    ok = doc.cli("POP3TransporterClass__01", ASK_PASSWORD)
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1] == "POP3 connection check successful!"
    login, = doc.logins(ASK_USER, expect=1)
    assert "method=CRAM-MD5" in login and ", TLS," in login        # default port 995, most secure mode
    wrong = doc.cli("POP3TransporterClass__01", "not-the-password")
    assert wrong.returncode == 0 and wrong.stdout.splitlines()[-1] == "Error: [AUTH] Authentication failed."
    cancelled = doc.cli("POP3TransporterClass__01")              # no answer: Request cancelled, OK=0
    assert cancelled.returncode == 0 and "POP3" not in cancelled.stdout and "Error" not in cancelled.stdout
    assert len(doc.logins(ASK_USER)) == 1                          # nothing tried when cancelled


def test_class_02_is_invalid_as_printed(doc):
    r = doc.cli("POP3TransporterClass__02")
    assert r.returncode == 1
    assert ("POP3TransporterClass__02.4dm:1: error 60 (4DRT): getMailInfoList() is not a function of an "
            "undefined value") in r.stderr
    assert "Traceback" not in r.stderr
    # The same snippet with a transporter is test_doc_delete_example_with_a_real_transporter.


def test_class_03_box_info(doc):
    r = doc.cli("POP3TransporterClass__03")
    assert r.returncode == 0 and r.stdout == "The mailbox contains 2 messages.\n"
    assert "Logged out" in doc.sessions(DOC_USER)[-1]              # released at the end: QUIT


def test_class_04_sender_of_the_first_mail(doc):
    r = doc.cli("POP3TransporterClass__04")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert "retr=1/" in doc.sessions(DOC_USER)[-1]                 # the server sent one message
    assert doc.variables("POP3TransporterClass__04")["$sender"] == [{"name": "Zoë Martin",
                                                                     "email": "alice@example.com"}]


def test_class_05_is_invalid_as_printed(doc):
    r = doc.cli("POP3TransporterClass__05")
    assert r.returncode == 1
    assert ('POP3TransporterClass__05.4dm:4: error 57 (4DRT): Object not initialized: cannot set property '
            '"host" of a Null value') in r.stderr
    assert doc.logins(DOC_USER) == []                              # it never got to connect


def test_class_06_count_and_size(doc):
    r = doc.cli("POP3TransporterClass__06")
    size = sum(len(normalized(m)) for m in doc.messages)
    assert r.returncode == 0 and r.stdout == f"The mailbox contains 2 message(s) for {size} bytes.\n"


def test_class_07_mime_as_blob(doc):
    r = doc.cli("POP3TransporterClass__07")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert "retr=1/" in doc.sessions(DOC_USER)[-1]
    assert doc.variables("POP3TransporterClass__07")["$blob"] == normalized(doc.messages[0])


def test_command_01_check_connection_with_a_log_file(doc):
    r = doc.cli("pop3-new-transporter__01")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""   # success: no ALERT
    log = (doc.logs / "LogTest.txt").read_text()                  # logFile relative to the Logs folder
    lines = [line.split("\t") for line in log.splitlines()]
    assert all(len(f) == 5 and f[0].isdigit() and f[1][4] == "-" and f[1][10] == "T" for f in lines)
    events = [f[4] for f in lines]
    assert events[0] == "POP3 connection to pop.gmail.com:995 (via 127.0.0.1:%d), TLS: implicit" % doc.server.pop3s
    assert "C > AUTH CRAM-MD5" in events and "C > ********" in events and "C > QUIT" in events
    assert any(e.startswith("S < +OK Logged in") for e in events)
    assert DOC_PASSWORD not in log
    login, = doc.logins(DOC_USER, expect=1)
    assert "method=CRAM-MD5" in login
    json.dumps(events)          # the log is plain text: every line decodes
