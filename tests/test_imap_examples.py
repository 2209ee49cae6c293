"""Every IMAP example of the docs, run unchanged through the CLI (`fourmail run FILE --route
imap.gmail.com=... --cafile ...`) against a real Dovecot, with the result checked (ALERT output,
mailbox state, exit code).

The examples log in as 4d@gmail.com / XXXXXXXX, but three of them (IMAPTransporterClass__01,
__09, __19) as 4d@gmail.com / xxxxx, plus xxxx / xxxx (__02) and test@gmail.com (__05, password
from Request). The shared realmail servers only have alice and bob, and one Dovecot cannot give
one user two passwords, so these tests use two more instances of the same servers
(imap_support.instance: own work dir, ports and REALMAIL_USERS): "docs" (4d, test, xxxx) and
"docs2" (4d with the other password). Dovecot drops the domain (%Ln), so 4d@gmail.com logs in
as 4d.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imap_support import (box_flags, box_hashes, client, exclusive, instance, make_message, reset_account,
                          save)

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "4d" / "examples"


@pytest.fixture(scope="module")
def docs():
    try:
        return {"docs": instance("docs"), "docs2": instance("docs2")}
    except RuntimeError as e:       # servers.control.RealmailError
        pytest.fail(str(e), pytrace=False)


class Account:
    def __init__(self, server, user, password):
        self.server, self.user, self.pw = server, user, password

    def reset(self):
        reset_account(self.server, self.server.dovecot_conf, self.user, self.pw)

    def save(self, raw, box="INBOX"):
        save(self.server.dovecot_conf, self.user, raw, box)

    def hashes(self, box="INBOX"):
        return box_hashes(self.server, self.user, self.pw, box)

    def flags(self, box="INBOX"):
        return box_flags(self.server, self.user, self.pw, box)

    def seen(self, *subjects):
        c = client(self.server, self.user, self.pw)
        c.select_folder("INBOX")
        for s in subjects:
            c.add_flags(c.search(["SUBJECT", s]), [b"\\Seen"])
        c.logout()

    def create(self, box):
        c = client(self.server, self.user, self.pw)
        c.create_folder(box)
        c.logout()


SUBJECTS = ["4D new feature: IMAP", "Monthly Reports", "Lunch", "4D new feature: POP3", "Holidays",
            "Reports 2026", "Invoice", "Hello"]


@pytest.fixture
def acct(docs):
    """4d@gmail.com on "docs" (password XXXXXXXX) and on "docs2" (xxxxx), INBOX filled with 8
    messages (two seen), plus the other example users, all reset."""
    accounts = {"4d": Account(docs["docs"], "4d", "XXXXXXXX"), "4d-x": Account(docs["docs2"], "4d", "xxxxx"),
                "test": Account(docs["docs"], "test", "test-pw"), "xxxx": Account(docs["docs"], "xxxx", "xxxx")}
    with exclusive():
        for a in accounts.values():
            a.reset()
        for a in (accounts["4d"], accounts["4d-x"]):
            for s in SUBJECTS:
                a.save(make_message(s, attachment=("f.bin", b"\0\1\2") if "Reports" in s else None))
            a.seen("Lunch", "Invoice")
        yield accounts


def run_example(docs, name: str, instance="docs", answers=(), tmp=None):
    server = docs[instance]
    route = f"127.0.0.1:{server.imaps}"
    cmd = [sys.executable, "-m", "fourmail", "run", str(EXAMPLES / name),
           "--route", f"imap.gmail.com={route}", "--route", f"domain.com={route}",
           "--cafile", str(server.ca), "--logs", str(tmp)]
    for a in answers:
        cmd += ["--answer", a]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOURMAIL_")}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


def ok(p) -> list[str]:
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()


def flagged(acct, box="INBOX") -> dict:
    return acct.flags(box)


# ---------------------------------------------------------------- examples that run
def test_01_add_flags_marks_all_seen(docs, acct, tmp_path):
    a = acct["4d-x"]
    assert ok(run_example(docs, "IMAPTransporterClass__01.4dm", "docs2", tmp=tmp_path)) == []
    assert all("\\Seen" in f for f in flagged(a).values()) and len(flagged(a)) == 8


def test_02_append_a_draft(docs, acct, tmp_path):
    assert ok(run_example(docs, "IMAPTransporterClass__02.4dm", tmp=tmp_path)) == []
    assert flagged(acct["xxxx"], "Drafts") == {"Lorem Ipsum": {"\\Seen", "\\Draft"}}


def test_03_copy_found_messages(docs, acct, tmp_path):
    a = acct["4d"]
    a.create("documents")
    inbox = a.hashes()
    assert ok(run_example(docs, "IMAPTransporterClass__03.4dm", tmp=tmp_path)) == []
    assert a.hashes() == inbox
    assert set(flagged(a, "documents")) == {"4D new feature: IMAP", "4D new feature: POP3"}
    assert set(a.hashes("documents")) < set(inbox)


def test_04_copy_all(docs, acct, tmp_path):
    a = acct["4d"]
    a.create("documents")
    inbox = a.hashes()
    assert ok(run_example(docs, "IMAPTransporterClass__04.4dm", tmp=tmp_path)) == []
    assert a.hashes() == inbox and a.hashes("documents") == inbox


def test_05_create_box_with_the_requested_password(docs, acct, tmp_path):
    def alerts(p):     # the CLI echoes the Request dialog and its answer: keep the ALERTs
        return [line for line in ok(p) if not line.startswith("Please enter your password:")]
    p = run_example(docs, "IMAPTransporterClass__05.4dm", answers=["test-pw"], tmp=tmp_path)
    assert alerts(p) == ["Mailbox creation successful!"]
    assert "Invoices" in [n for _, _, n in client(docs["docs"], "test", "test-pw").list_folders()]
    p = run_example(docs, "IMAPTransporterClass__05.4dm", answers=["test-pw"], tmp=tmp_path)
    out = alerts(p)
    assert len(out) == 1 and out[0].startswith("Error: [ALREADYEXISTS] Mailbox already exists")
    p = run_example(docs, "IMAPTransporterClass__05.4dm", tmp=tmp_path)       # Request cancelled: OK=0
    assert alerts(p) == []


def test_06_delete_found_messages(docs, acct, tmp_path):
    a = acct["4d"]
    assert ok(run_example(docs, "IMAPTransporterClass__06.4dm", tmp=tmp_path)) == []
    # flagged \Deleted, then removed when the transporter is released (IMAPTransporterClass.md .delete())
    assert set(flagged(a)) == set(SUBJECTS) - {"Monthly Reports", "Reports 2026"}


def test_07_delete_all_in_junk_email(docs, acct, tmp_path):
    a = acct["4d"]
    for s in ("Spam 1", "Spam 2"):
        a.save(make_message(s), "Junk Email")
    inbox = a.hashes()
    assert ok(run_example(docs, "IMAPTransporterClass__07.4dm", tmp=tmp_path)) == []
    assert a.hashes("Junk Email") == [] and a.hashes() == inbox


def test_09_expunge_seen(docs, acct, tmp_path):
    a = acct["4d-x"]
    before = a.hashes()
    assert ok(run_example(docs, "IMAPTransporterClass__09.4dm", "docs2", tmp=tmp_path)) == []
    assert set(flagged(a)) == set(SUBJECTS) - {"Lunch", "Invoice"}
    assert len(a.hashes()) == len(before) - 2 and set(a.hashes()) < set(before)


def test_13_get_mail_marks_it_seen(docs, acct, tmp_path):
    a = acct["4d"]
    assert ok(run_example(docs, "IMAPTransporterClass__13.4dm", tmp=tmp_path)) == []
    f = flagged(a)
    assert "\\Seen" in f[SUBJECTS[0]] and f[SUBJECTS[1]] == set()


def test_14_get_mails_leaves_them_unseen(docs, acct, tmp_path):
    a = acct["4d"]
    before = flagged(a)
    assert ok(run_example(docs, "IMAPTransporterClass__14.4dm", tmp=tmp_path)) == []
    assert flagged(a) == before


def test_15_get_mime_as_blob(docs, acct, tmp_path):
    a = acct["4d"]
    assert ok(run_example(docs, "IMAPTransporterClass__15.4dm", tmp=tmp_path)) == []
    assert "\\Seen" in flagged(a)[SUBJECTS[0]]


def test_16_move_found_messages(docs, acct, tmp_path):
    a = acct["4d"]
    a.create("documents")
    before = a.hashes()
    assert ok(run_example(docs, "IMAPTransporterClass__16.4dm", tmp=tmp_path)) == []
    assert set(flagged(a, "documents")) == {"4D new feature: IMAP", "4D new feature: POP3"}
    assert sorted(a.hashes() + a.hashes("documents")) == before          # no mail lost


def test_17_move_all(docs, acct, tmp_path):
    a = acct["4d"]
    a.create("documents")
    before = a.hashes()
    assert ok(run_example(docs, "IMAPTransporterClass__17.4dm", tmp=tmp_path)) == []
    assert a.hashes() == [] and a.hashes("documents") == before


def test_18_num_to_id_then_delete(docs, acct, tmp_path):
    a = acct["4d"]
    assert ok(run_example(docs, "IMAPTransporterClass__18.4dm", tmp=tmp_path)) == []
    # numToID(8-5; 8) = messages 3..8, deleted (and removed at release): the first two remain
    assert set(flagged(a)) == set(SUBJECTS[:2])


def test_19_remove_seen_flags(docs, acct, tmp_path):
    a = acct["4d-x"]
    assert ok(run_example(docs, "IMAPTransporterClass__19.4dm", "docs2", tmp=tmp_path)) == []
    assert all("\\Seen" not in f for f in flagged(a).values())


def test_21_select_box(docs, acct, tmp_path):
    before = acct["4d"].hashes()
    assert ok(run_example(docs, "IMAPTransporterClass__21.4dm", tmp=tmp_path)) == []
    assert acct["4d"].hashes() == before


def test_new_transporter_check_connection_and_log(docs, acct, tmp_path):
    assert ok(run_example(docs, "imap-new-transporter__01.4dm", tmp=tmp_path)) == []
    log = (tmp_path / "LogTest.txt").read_text()
    assert "IMAP connection to imap.gmail.com:993" in log and "NOOP" in log
    assert "XXXXXXXX" not in log
    # the same example where the password is wrong (docs2 has another one): the ALERT shows
    p = run_example(docs, "imap-new-transporter__01.4dm", "docs2", tmp=tmp_path)
    assert ok(p) == ["An error occurred: [AUTHENTICATIONFAILED] Authentication failed."]


# ---------------------------------------------------------------- examples that cannot run as printed
@pytest.mark.parametrize("name", ["IMAPTransporterClass__08.4dm", "IMAPTransporterClass__20.4dm",
                                  "IMAPTransporterClass__22.4dm", "IMAPTransporterClass__23.4dm"])
def test_statement_on_the_if_line_is_a_syntax_error(docs, tmp_path, name):
    p = run_example(docs, name, answers=["test-pw"], tmp=tmp_path)
    assert p.returncode == 2 and p.stdout == ""
    assert "syntax error" in p.stderr and 'If(OK=1) $options.host:="imap.gmail.com"' in p.stderr


@pytest.mark.parametrize("name", ["IMAPTransporterClass__10.4dm", "IMAPTransporterClass__11.4dm",
                                  "IMAPTransporterClass__12.4dm"])
def test_undefined_server_is_a_clear_error(docs, tmp_path, name):
    p = run_example(docs, name, tmp=tmp_path)
    assert p.returncode == 1 and p.stdout == ""
    assert "the server parameter must be an object, not Undefined" in p.stderr
    assert "IMAP New transporter($server)" in p.stderr


def test_notifier_example_needs_a_user_class(docs, tmp_path):
    p = run_example(docs, "IMAPNotifier__01.4dm", tmp=tmp_path)
    assert p.returncode == 1 and "cs.IMAPListener" in p.stderr
