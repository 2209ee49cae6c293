"""The test infrastructure itself: real Postfix/Dovecot and the faulty SMTP server, driven by stdlib clients."""
from __future__ import annotations

import email
import imaplib
import poplib
import smtplib
import time
import uuid
from email.message import EmailMessage

import pytest

from mailservers import clear_mailbox, delete_box, messages, save_message, wait_for_messages


def make_message(subject: str, to: str = "alice@example.com") -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "bob@example.com", to, subject
    m.set_content("héllo from the infrastructure tests\n")
    return m


def subject_of(raw: bytes) -> str:
    return email.message_from_bytes(raw)["Subject"]


# alice's and bob's INBOXes are shared with other tests (and other test runs on this machine):
# these tests find their own messages by a unique subject or use a box of their own.

def test_smtps_auth_delivers_into_alices_maildir(realmail):
    subject = f"smtps {uuid.uuid4().hex}"
    with smtplib.SMTP_SSL(realmail.host, realmail.smtps, context=realmail.ssl_context(), timeout=10) as c:
        c.login("alice", realmail.users["alice"])
        c.send_message(make_message(subject))
    [raw] = wait_for_messages("alice", 1, containing=subject.encode())
    assert subject_of(raw) == subject
    assert b"Received: from" in raw  # it really went through Postfix


def test_saved_messages_are_read_back_over_imaps_in_order(realmail):
    box = f"Tests/{uuid.uuid4().hex[:8]}"  # a nested box: Maildir/.Tests.<hex>
    try:
        for n in (1, 2):
            save_message("bob", make_message(f"saved {n}", to="bob@example.com").as_bytes(), box=box)
        assert [subject_of(m) for m in messages("bob", box)] == ["saved 1", "saved 2"]
        with imaplib.IMAP4_SSL(realmail.host, realmail.imaps, ssl_context=realmail.ssl_context(),
                               timeout=10) as im:
            im.login("bob", realmail.users["bob"])
            typ, data = im.select(box, readonly=True)
            assert typ == "OK" and data == [b"2"]
            typ, data = im.fetch("2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            assert b"Subject: saved 2" in data[0][1]
    finally:
        delete_box("bob", box)
    assert not (realmail.maildir("bob") / f".{box.replace('/', '.')}").exists()


def test_pop3s_and_xoauth2_token(realmail):
    subject = f"pop3 {uuid.uuid4().hex}"
    save_message("bob", make_message(subject, to="bob@example.com").as_bytes())
    p = poplib.POP3_SSL(realmail.host, realmail.pop3s, context=realmail.ssl_context(), timeout=10)
    try:
        p.user("bob")
        p.pass_(realmail.users["bob"])
        count = p.stat()[0]
        assert any(f"Subject: {subject}".encode() in p.top(n, 0)[1] for n in range(count, 0, -1))
    finally:
        p.quit()
    with imaplib.IMAP4_SSL(realmail.host, realmail.imaps, ssl_context=realmail.ssl_context(), timeout=10) as im:
        token = realmail.token("bob")
        im.authenticate("XOAUTH2", lambda _: f"user=bob\x01auth=Bearer {token}\x01\x01".encode())
        im.select("INBOX", readonly=True)
        typ, data = im.search(None, "SUBJECT", f'"{subject}"')
        assert typ == "OK" and len(data[0].split()) == 1


def test_clear_mailbox(realmail):
    box = f"test-{uuid.uuid4().hex[:8]}"
    try:
        for n in (1, 2):
            save_message("alice", make_message(f"to clear {n}").as_bytes(), box=box)
        assert len(messages("alice", box)) == 2
        clear_mailbox("alice", box)
        assert messages("alice", box) == []
    finally:
        delete_box("alice", box)
    clear_mailbox("alice", box)  # nothing to clear (no such box) is fine


def test_faulty_421_on_connect(faulty_smtp):
    srv = faulty_smtp("421_on_connect")
    with pytest.raises(smtplib.SMTPConnectError) as e:
        smtplib.SMTP(srv.host, srv.port, timeout=5)
    assert e.value.smtp_code == 421


def test_faulty_421_after_mail(faulty_smtp):
    srv = faulty_smtp("421_after_mail")
    c = smtplib.SMTP(srv.host, srv.port, timeout=5)
    with pytest.raises(smtplib.SMTPSenderRefused) as e:
        c.send_message(make_message("x"))
    assert e.value.smtp_code == 421 and srv.messages == []


@pytest.mark.parametrize("behaviour", ["drop_in_data", "hang_in_data"])
def test_faulty_data_phase(faulty_smtp, behaviour):
    srv = faulty_smtp(behaviour)
    c = smtplib.SMTP(srv.host, srv.port, timeout=1)  # the client gives up on the hang after 1 s
    with pytest.raises((smtplib.SMTPServerDisconnected, ConnectionError)):
        c.send_message(make_message("x"))
    assert srv.messages == []


def test_faulty_drop_when_idle_then_ok_with_auth(faulty_smtp):
    srv = faulty_smtp("drop_when_idle", idle_timeout=0.3, auth=True)
    c = smtplib.SMTP(srv.host, srv.port, timeout=5)
    c.login("u", "p")
    c.send_message(make_message("first"))
    time.sleep(0.6)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        c.send_message(make_message("second"))
    with smtplib.SMTP(srv.host, srv.port, timeout=5) as c2:  # a reconnecting client gets through
        c2.send_message(make_message("third"))
    assert [subject_of(m.data) for m in srv.messages] == ["first", "third"]
    assert srv.logins == [("u", "p")] and srv.connections == 2
