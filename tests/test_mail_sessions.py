"""The protocol sessions (fourmail/mail/*_session.py) used without any 4D runtime: plain Python
settings in, answers or one SessionFailure out, as a second façade (another language) needs them.
They talk to the real Postfix/Dovecot of tests/servers."""
from __future__ import annotations

import socket
import uuid

import pytest

from fourmail.mail.imap_session import IMAPSession
from fourmail.mail.log import MailLog
from fourmail.mail.pop3_session import POP3Session
from fourmail.mail.session import SessionFailure
from fourmail.mail.smtp_session import SMTPSession


def _options(rm, **kw):
    return {"implicit_tls": True, "user": "alice", "password": "alice-pw", "cafiles": [str(rm.ca)], **kw}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smtp_session_sends_and_reports_a_refusal_with_the_server_code(realmail):
    session = SMTPSession(realmail.host, realmail.smtps, **_options(realmail))
    subject = f"session {uuid.uuid4().hex}"
    code, text = session.send("alice@example.com", ["bob@example.com"],
                              f"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: {subject}\r\n\r\nhi\r\n"
                              .encode())
    assert code == 250 and text
    session.close()
    wrong = SMTPSession(realmail.host, realmail.smtps, **_options(realmail, password="wrong"))
    with pytest.raises(SessionFailure) as refused:
        wrong.check()
    f = refused.value
    assert f.kind == SessionFailure.REFUSED and f.status == 535 and not f.no_answer and f.network_error is None


def test_imap_session_selects_and_a_refused_login_carries_the_status(realmail):
    session = IMAPSession(realmail.host, realmail.imaps, **_options(realmail))
    info = session.select("INBOX", readonly=True)
    assert session.box == "INBOX" and session.box_readonly and b"EXISTS" in info
    assert session.message_count == info[b"EXISTS"]
    session.close()
    with pytest.raises(SessionFailure) as refused:
        IMAPSession(realmail.host, realmail.imaps, **_options(realmail, password="wrong")).check()
    assert refused.value.kind == SessionFailure.REFUSED and refused.value.status == "NO"


def test_pop3_session_counts_messages(realmail):
    session = POP3Session(realmail.host, realmail.pop3s, **_options(realmail))
    count, size = session.stat()
    assert count == len(session.mail_list()) and size >= 0
    session.close()


def test_no_server_answering_is_told_apart_with_the_network_error(realmail, tmp_path):
    log = MailLog(tmp_path / "log.txt")
    session = IMAPSession("127.0.0.1", _closed_port(), **_options(realmail, log=log))
    with pytest.raises(SessionFailure) as lost:
        session.check()
    f = lost.value
    assert f.no_answer and isinstance(f.network_error, ConnectionRefusedError) and f.status is None
    assert "Cannot connect to 127.0.0.1" in f.text and f.text in log.path.read_text()


def test_messages_name_the_settings_as_the_facade_says(realmail):
    # The same refusal to go on in clear, named by default and by a façade's own words.
    for names, expected in ((None, "accept_unsecure is False"),
                            ({"accept_unsecure": "acceptUnsecureConnection"}, "acceptUnsecureConnection is False")):
        session = IMAPSession(realmail.notls_host, realmail.imap, implicit_tls=False, user="alice",
                              password="alice-pw", names=names)
        with pytest.raises(SessionFailure) as refused:
            session.check()
        assert refused.value.no_answer and expected in refused.value.text


@pytest.mark.parametrize("session_class, port, name, connect", [
    (IMAPSession, "imaps", "An IMAP session", IMAPSession.check),
    (POP3Session, "pop3s", "A POP3 session", POP3Session.stat)])
def test_a_sign_in_with_nothing_to_sign_in_with_is_refused_before_any_credential(realmail, session_class, port, name,
                                                                                  connect):
    no_user = session_class(realmail.host, getattr(realmail, port), **_options(realmail, user="", password=""))
    with pytest.raises(SessionFailure) as nothing:
        connect(no_user)
    assert nothing.value.kind == SessionFailure.UNSUPPORTED and str(nothing.value).startswith(f"{name} needs a user")
    no_token = session_class(realmail.host, getattr(realmail, port), **_options(realmail, auth_mode="OAUTH2"))
    with pytest.raises(SessionFailure) as tokenless:
        connect(no_token)
    assert tokenless.value.kind == SessionFailure.UNSUPPORTED and "OAUTH2 needs" in str(tokenless.value)
