"""The SMTP examples of the docs, run unchanged through the CLI against a real Postfix.

The examples name smtp.gmail.com: `--route` points it at the test server and `--cafile` trusts
the test CA; the files are copied byte for byte (their Logs folder is written beside them).
Their accounts (4D@gmail.com / XXXX, test@gmail.com) live on a server instance of their own,
with the domains they send to (gmail.com, 4d.com).
"""
from __future__ import annotations

import email
import shutil
import subprocess
import sys
import time
from email import policy

import pytest

import mailservers as ms
from conftest import CORPUS, REPO


@pytest.fixture(scope="module")
def docs():
    try:
        return ms.instance("smtpdocs", {"4d": "XXXX", "test": "test-pw"}, 14000, domains=["gmail.com", "4d.com", "mail.com"])
    except ms.RealmailError as e:
        pytest.fail(str(e), pytrace=False)


def run_example(name, tmp_path, server, *answers, port_map=None):
    shutil.copyfile(CORPUS / name, tmp_path / name)
    routes = []
    for port, target in (port_map or {465: server.smtps, 587: server.submission}).items():
        routes += ["--route", f"smtp.gmail.com:{port}=127.0.0.1:{target}"]
    args = [sys.executable, "-m", "fourmail", "run", str(tmp_path / name), *routes, "--cafile", str(server.ca)]
    for a in answers:
        args += ["--answer", a]
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=REPO, timeout=120)


def inbox(server, user):
    box = server.maildir(user)
    files = sorted((p for sub in ("new", "cur") for p in (box / sub).glob("*")), key=lambda p: p.stat().st_mtime)
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]


def wait_inbox(server, user, count, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msgs = inbox(server, user)
        if len(msgs) >= count:
            return msgs
        time.sleep(0.05)
    raise AssertionError(f"{user} has {len(inbox(server, user))} messages, expected {count}")


def test_smtp_new_transporter_example_sends(docs, tmp_path):
    before = {u: len(inbox(docs, u)) for u in ("4d", "test")}
    r = run_example("smtp-new-transporter__01.4dm", tmp_path, docs)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    for user in ("4d", "test"):
        msg = wait_inbox(docs, user, before[user] + 1)[-1]
        assert msg["Subject"] == "my first mail "
        assert msg["From"].addresses[0].addr_spec == "4d@gmail.com"
        assert [a.addr_spec for a in msg["To"].addresses] == ["4d@4d.com", "test@4d.com"]
        html = msg.get_body(("html",)).get_content()
        # the literal continued with `\` over three lines (the doc prints it so)
        assert "velit...'</h4><p>There are many variations of passages of Lorem Ipsum available.The generated" in html
        assert msg.get_body(("plain",)).get_content().strip() == "Hello World"
    log = (tmp_path / "Logs" / "LogTest.txt").read_text()
    assert "C > Subject: my first mail" in log and "XXXX" not in log


def test_smtp_new_transporter_example_failure_path_hits_the_doc_bug(docs, realmail, tmp_path):
    # Against a server where 4D@gmail.com does not exist the send fails, and the example reads
    # $status.message, which the status object does not have: "..."+Undefined is a 4D error.
    r = run_example("smtp-new-transporter__01.4dm", tmp_path, realmail)
    assert r.returncode == 1
    assert r.stderr.startswith(f"{tmp_path / 'smtp-new-transporter__01.4dm'}:22: error 54")
    assert "Text + Undefined" in r.stderr


def test_check_connection_example(docs, tmp_path):
    r = run_example("SMTPTransporterClass__02.4dm", tmp_path, docs, "test-pw")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "SMTP connection check successful!"
    r = run_example("SMTPTransporterClass__02.4dm", tmp_path, docs, "wrong")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1].startswith("Error # 535, ")


def test_certificate_example_stops_at_its_relative_path(docs, tmp_path):
    # File() takes absolute paths only (file.md); the example passes a bare file name
    r = run_example("SMTPTransporterClass__01.4dm", tmp_path, docs)
    assert r.returncode == 1 and ":9: error" in r.stderr.splitlines()[0] and "absolute" in r.stderr


def test_attachment_example_stops_at_the_windows_path(docs, tmp_path):
    doc = tmp_path / "photo.jpg"
    doc.write_bytes(b"\xff\xd8\xff fake jpeg")
    r = run_example("mail-new-attachment__01.4dm", tmp_path, docs, str(doc))
    assert r.returncode == 1
    assert ":20: error -43" in r.stderr.splitlines()[0] and "4D.jpg" in r.stderr
    r = run_example("mail-new-attachment__01.4dm", tmp_path, docs)          # dialog cancelled: nothing
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


@pytest.mark.parametrize("name, line", [("mail-new-attachment__02.4dm", 2), ("mail-convert-from-mime__02.4dm", 5),
                                        ("EmailObjectClass__03.4dm", 5)])
def test_write_pro_examples_stop_at_write_pro(docs, tmp_path, name, line):
    r = run_example(name, tmp_path, docs)
    assert r.returncode == 1 and f":{line}: error 67" in r.stderr and "4D Write Pro" in r.stderr
