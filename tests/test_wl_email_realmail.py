"""WLanguage's e-mail functions against a real Postfix and Dovecot (tests/servers/realmail):
the session options (plain, STARTTLS, implicit TLS) as the servers see them, password and
XOAUTH2 sign-in, refusals, and mail read back over POP3 and IMAP. Functions are called through
the WLanguage namespace, as compiled WLanguage code calls them."""
from __future__ import annotations

import io
import uuid

import pytest

import mailservers as ms
from fourmail.commands.registry import namespace
from fourmail.mail.network import parse_route
from fourmail.program import new_runtime
from test_smtp import delivered, not_delivered, postfix_log

NS = namespace("wlanguage")
HOST = "smtp.example.test"


def call(rt, name, *args):
    return NS.lookup_command(name).resolve()(rt, *args)


def K(name):
    return NS.lookup_constant(name).value


@pytest.fixture
def rt(realmail, tmp_path):
    r = new_runtime(project_dir=tmp_path, out=io.StringIO(), interactive=False)
    rm = realmail
    r.routes = [parse_route(x) for x in (
        f"{HOST}:465=127.0.0.1:{rm.smtps}", f"{HOST}:587=127.0.0.1:{rm.submission}", f"{HOST}:25=127.0.0.1:{rm.smtp}",
        f"notls.example.test:587=127.0.0.1:{rm.smtp_notls}",
        f"pop.example.test:995={rm.host}:{rm.pop3s}", f"pop.example.test:110={rm.host}:{rm.pop3}",
        f"imap.example.test:993={rm.host}:{rm.imaps}", f"imap.example.test:143={rm.host}:{rm.imap}")]
    r.cafiles = [str(rm.ca)]
    yield r
    r.shutdown()


def session(rt, type_name, host, port, option, user="alice", password="alice-pw"):
    s = NS.lookup_type(type_name).resolve()(rt)
    for prop, value in (("ServerAddress", host), ("Port", port), ("Name", user), ("Password", password),
                        ("Option", option)):
        s.set_property(rt, prop, value)
    return s


def mail(rt, subject, body="Hello Bob"):
    m = NS.lookup_type("Email").resolve()(rt)
    m.set_property(rt, "Sender", "alice@example.com")
    m.set_property(rt, "Recipient", "bob@example.com")
    m.set_property(rt, "Subject", subject)
    m.set_property(rt, "Message", body)
    return m


def subject() -> str:
    return "wl " + uuid.uuid4().hex[:12]


def received(msg) -> str:
    return " ".join(map(str, msg.get_all("Received")))


@pytest.mark.parametrize("port, option", [(587, "emailOptionSecuredTLS"), (465, "optionSSL")])
def test_send_with_password_over_tls(rt, realmail, port, option):
    s = session(rt, "emailSMTPSession", HOST, port, K(option))
    assert call(rt, "EmailStartSession", s) is True, call(rt, "ErrorInfo")
    subj = subject()
    assert call(rt, "EmailSendMessage", s, mail(rt, subj)) is True, call(rt, "ErrorInfo")
    assert call(rt, "EmailCloseSession", s) is True
    msg = delivered("bob", subj)
    assert msg.get_content().strip() == "Hello Bob"
    assert "using TLS" in received(msg)
    assert "sasl_username=alice" in postfix_log(realmail)


def test_default_option_stays_plain_even_when_starttls_is_offered(rt, realmail):
    # Postfix's port 25 here offers STARTTLS and allows AUTH in clear: WLanguage's default does not upgrade
    s = session(rt, "emailSMTPSession", HOST, 25, K("emailOptionDefault"))
    assert call(rt, "EmailStartSession", s) is True, call(rt, "ErrorInfo")
    subj = subject()
    assert call(rt, "EmailSendMessage", s, mail(rt, subj)) is True, call(rt, "ErrorInfo")
    call(rt, "EmailCloseSession", s)
    assert "using TLS" not in received(delivered("bob", subj))


def test_secured_tls_is_refused_by_a_server_without_starttls_before_any_credential(rt, realmail):
    s = session(rt, "emailSMTPSession", "notls.example.test", 587, K("emailOptionSecuredTLS"),
                password="never-sent-pw")
    assert call(rt, "EmailStartSession", s) is False
    assert call(rt, "ErrorInfo") == ("SMTP session: notls.example.test:587 does not offer STARTTLS, which "
                                     "emailOptionSecuredTLS requires: nothing was sent.")
    assert "never-sent-pw" not in postfix_log(realmail)


def test_wrong_password(rt):
    s = session(rt, "emailSMTPSession", HOST, 465, K("optionSSL"), password="wrong")
    assert call(rt, "EmailStartSession", s) is False
    assert call(rt, "ErrorOccurred") is True
    assert call(rt, "ErrorInfo").startswith("SMTP session, access denied. The server answered: 535")


def test_xoauth2_with_an_auth_token(rt, realmail):
    s = session(rt, "emailSMTPSession", HOST, 465, K("optionSSL"), password="")
    token = NS.lookup_type("AuthToken").resolve()(rt)
    token.set_property(rt, "Value", realmail.token("alice"))
    s.set_property(rt, "AuthToken", token)
    assert call(rt, "EmailStartSession", s) is True, call(rt, "ErrorInfo")
    subj = subject()
    assert call(rt, "EmailSendMessage", s, mail(rt, subj)) is True
    call(rt, "EmailCloseSession", s)
    delivered("bob", subj)
    assert "sasl_method=XOAUTH2, sasl_username=alice" in postfix_log(realmail)


def test_a_refused_recipient_is_a_refused_transaction(rt):
    s = session(rt, "emailSMTPSession", HOST, 587, K("emailOptionSecuredTLS"))
    assert call(rt, "EmailStartSession", s) is True
    m = mail(rt, subject())
    m.set_property(rt, "Recipient", "nobody@elsewhere.invalid")
    assert call(rt, "EmailSendMessage", s, m) is False
    assert call(rt, "ErrorInfo").startswith("SMTP session: transaction refused.")
    good = subject()
    assert call(rt, "EmailSendMessage", s, mail(rt, good)) is True    # the session goes on
    call(rt, "EmailCloseSession", s)
    delivered("bob", good)


def test_read_over_pop3_and_imap(rt):
    subjects = [subject(), subject()]
    smtp = session(rt, "emailSMTPSession", HOST, 587, K("emailOptionSecuredTLS"))
    assert call(rt, "EmailStartSession", smtp)
    for subj in subjects:
        assert call(rt, "EmailSendMessage", smtp, mail(rt, subj, body="Salut " + subj))
    call(rt, "EmailCloseSession", smtp)
    for subj in subjects:
        delivered("bob", subj)

    pop = session(rt, "emailPOP3Session", "pop.example.test", 110, K("emailOptionSecuredTLS"),
                  user="bob", password="bob-pw")                         # STLS required
    assert call(rt, "EmailStartSession", pop) is True, call(rt, "ErrorInfo")
    assert pop.connection.session.connection.sock.version().startswith("TLS")
    m = NS.lookup_type("Email").resolve()(rt)
    read, ok = [], call(rt, "EmailReadFirst", pop, m)
    while ok:
        read.append((m.get_property("Subject"), m.get_property("Message").strip()))
        ok = call(rt, "EmailReadNext", pop, m)
    assert m.get_property("Out") is True
    assert [(s, "Salut " + s) for s in subjects] == [r for r in read if r[0] in subjects]
    assert call(rt, "EmailNbMessage", pop) == len(read)
    call(rt, "EmailCloseSession", pop)

    imap = session(rt, "emailIMAPSession", "imap.example.test", 993, K("optionSSL"), user="bob", password="bob-pw")
    assert call(rt, "EmailStartSession", imap) is True, call(rt, "ErrorInfo")
    every = call(rt, "EmailGetAll", imap, K("ertFull"))
    got = {e.get_property("Subject"): e for e in every.items[1:]}
    for subj in subjects:
        assert got[subj].get_property("Message").strip() == "Salut " + subj
        assert got[subj].get_property("SenderAddress") == "alice@example.com"
        assert got[subj].get_property("ReceiveDate")[:2] == "20"
    # delete the first over IMAP: gone once the session closes
    n = [i for i, e in enumerate(every.items[1:], 1) if e.get_property("Subject") == subjects[0]][0]
    assert call(rt, "EmailDeleteMessage", imap, n) is True
    assert call(rt, "EmailCloseSession", imap) is True
    assert not_delivered("bob", subjects[0], wait=0)
    assert ms.messages("bob")


def test_status_of_a_refused_mail_is_email_error(rt):
    s = session(rt, "emailSMTPSession", HOST, 587, K("emailOptionSecuredTLS"))
    assert call(rt, "EmailStartSession", s) is True
    ok, refused = mail(rt, subject()), mail(rt, subject())
    refused.set_property(rt, "Recipient", "nobody@elsewhere.invalid")
    assert call(rt, "EmailSendMessage", s, ok) is True
    assert call(rt, "EmailSendMessage", s, refused) is False
    assert ok.get_property("ID") != refused.get_property("ID")
    assert call(rt, "EmailStatus", ok.get_property("ID")) == K("emailSent")
    assert call(rt, "EmailStatus", refused.get_property("ID")) == K("emailError")
    refused.set_property(rt, "Recipient", "")
    assert call(rt, "EmailSendMessage", s, refused) is False
    assert refused.get_property("ID") == ""
    call(rt, "EmailCloseSession", s)
