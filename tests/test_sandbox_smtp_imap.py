"""The sandbox SMTP (aiosmtpd) and IMAP (pymap) servers: TLS modes, AUTH mechanisms, delivery to
every recipient visible at once to IMAP and POP3, the demo mailbox, exact message bytes."""
from __future__ import annotations

import base64
import hashlib
import hmac
import imaplib
import smtplib
import socket
import ssl

import pytest

from sandbox_util import (_named, ep, fresh, imaps, message, pop3s, sandbox, smtp_starttls,  # noqa: F401
                          smtps, tls_client)


def test_listens_on_loopback_only(sandbox):
    assert {e.name for e in sandbox.endpoints} == {"smtp", "smtps", "imap", "imaps", "pop3", "pop3s"}
    assert all(e.host == "127.0.0.1" for e in sandbox.endpoints)


# ---------------------------------------------------------------- SMTP
def test_smtps_offers_and_accepts_auth(sandbox):
    # aiosmtpd alone refuses AUTH on implicit TLS ("538 Encryption required"): the sandbox fixes it.
    with smtps(sandbox) as s:
        s.ehlo()
        assert set(s.esmtp_features["auth"].split()) == {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"}
        assert "starttls" not in s.esmtp_features
        assert s.login(fresh(), "XXXXXXXX")[0] == 235


def test_submission_offers_auth_only_after_starttls(sandbox):
    e = ep(sandbox, "smtp")
    with smtplib.SMTP(e.host, e.port, timeout=10) as s:
        s.ehlo()
        assert s.has_extn("starttls") and not s.has_extn("auth")
    with smtp_starttls(sandbox) as s:
        assert s.has_extn("auth") and not s.has_extn("starttls")


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_smtp_password_mechanisms(sandbox, mech):
    with smtps(sandbox) as s:
        s.ehlo()
        s.user, s.password = fresh(), "pw"
        method = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login, "CRAM-MD5": s.auth_cram_md5}[mech]
        assert s.auth(mech, method, initial_response_ok=mech != "CRAM-MD5")[0] == 235


def test_smtp_xoauth2(sandbox):
    with smtps(sandbox) as s:
        s.ehlo()
        token = f"user={fresh()}\x01auth=Bearer ya29.token\x01\x01"
        assert s.auth("XOAUTH2", lambda challenge=None: token)[0] == 235


def test_to_cc_bcc_each_get_the_message_visible_at_once(sandbox):
    to, cc, bcc = fresh("to"), fresh("cc"), fresh("bcc")
    m = message("three recipients", to=to, Cc=cc)
    with smtp_starttls(sandbox) as s:
        s.login(fresh(), "pw")
        s.send_message(m, to_addrs=[to, cc, bcc])
    for user in (to, cc, bcc):
        box = imaps(sandbox, user)
        box.select("INBOX")
        ids = box.search(None, "SUBJECT", '"three recipients"')[1][0].split()
        assert len(ids) == 1
        header = box.fetch(ids[0], "(BODY.PEEK[HEADER])")[1][0][1]
        assert b"Bcc" not in header and b"Return-Path: <4d@gmail.com>" in header
        box.logout()
        p = pop3s(sandbox, user)
        assert b"Subject: three recipients" in p.top(p.stat()[0], 0)[1]
        p.quit()


def test_every_domain_is_local_and_names_are_case_insensitive(sandbox):
    user = fresh()
    with smtps(sandbox) as s:
        s.login("sender@gmail.com", "x")
        s.sendmail("sender@gmail.com", [user.upper()], message("case", to=user.upper()).as_bytes())
        s.sendmail("sender@gmail.com", ["someone@far-away.example"], message("far").as_bytes())
    m = imaps(sandbox, user.upper())
    m.select("INBOX")
    assert m.search(None, "SUBJECT", "case")[1][0]
    m.logout()


def test_smtputf8_and_8bit(sandbox):
    user = "zoë-" + fresh()                          # a non-ASCII address needs SMTPUTF8
    raw = f"From: a@b.c\r\nTo: {user}\r\nSubject: 8bit\r\n\r\nZoë — 日本語\r\n".encode("utf-8")
    with smtps(sandbox) as s:
        s.login("a@b.c", "x")
        s.ehlo()
        assert s.has_extn("smtputf8") and s.has_extn("8bitmime")
        s.sendmail("a@b.c", [user], raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    p = pop3s(sandbox, user)
    assert b"\r\n".join(p.retr(9)[1]).endswith(raw.split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n"))
    p.quit()


# ---------------------------------------------------------------- IMAP
def test_imaps_and_starttls(sandbox):
    m = imaps(sandbox)
    assert "STARTTLS" not in m.capabilities
    assert {"AUTH=PLAIN", "AUTH=LOGIN", "AUTH=CRAM-MD5", "AUTH=XOAUTH2"} <= set(m.capabilities)
    m.logout()
    e = ep(sandbox, "imap")
    m = imaplib.IMAP4(e.host, e.port, timeout=10)
    assert "STARTTLS" in m.capabilities
    m.starttls(_named(tls_client(sandbox), "imap.gmail.com"))
    assert m.login(fresh(), "pw")[0] == "OK"
    m.logout()


def test_imap_mechanisms(sandbox):
    m = imaps(sandbox)
    assert m.login_cram_md5(fresh(), "pw")[0] == "OK"
    m.logout()
    m = imaps(sandbox)
    user = fresh()
    assert m.authenticate("XOAUTH2", lambda _: f"user={user}\x01auth=Bearer tok\x01\x01".encode())[0] == "OK"
    m.logout()
    m = imaps(sandbox)
    assert m.authenticate("PLAIN", lambda _: f"\0{fresh()}\0pw".encode())[0] == "OK"
    m.logout()


def test_demo_mailbox(sandbox):
    m = imaps(sandbox, fresh())
    names = {line.decode().rsplit(' "/" ', 1)[1].strip('"') for line in m.list()[1]}
    assert names == {"INBOX", "Drafts", "Sent", "Junk Email", "documents", "Bills", "Bills/Atlas Corp",
                     "Bills/Nova Orion Industries"}
    typ, count = m.select("INBOX")
    assert int(count[0]) == 8
    assert m.search(None, "SUBJECT", '"4D new feature:"')[1][0].split() == [b"2", b"7"]
    assert m.search(None, "SEEN")[1][0].split() == [b"1", b"2", b"4"]
    bodies = b"".join(m.fetch("1:*", "(BODY.PEEK[])")[1][i][1] for i in range(0, 16, 2))
    for part in (b"text/html", b"Content-Disposition: attachment", b"image/png", b"Content-ID: <logo>",
                 b"=?utf-8?"):
        assert part in bodies
    assert int(m.select('"Junk Email"')[1][0]) == 2
    m.logout()


def test_append_and_copy_keep_the_exact_bytes(sandbox):
    raw = b"From: a@b.c\r\nSubject: exact\r\nX-Long: " + b"x" * 200 + b"\r\n\r\nline 1\r\n\r\nFrom the start\r\n"
    m = imaps(sandbox, fresh())
    assert m.append("Drafts", r"(\Seen \Draft)", None, raw)[0] == "OK"
    m.select("Drafts")
    assert m.fetch("2", "(BODY.PEEK[])")[1][0][1] == raw
    assert m.copy("2", "documents")[0] == "OK"          # pymap's maildir COPY wrote empty files
    m.select("documents")
    typ, data = m.fetch("1", "(FLAGS BODY.PEEK[])")
    assert data[0][1] == raw and b"\\Draft" in data[0][0]
    m.logout()


def test_imap_sees_a_pop3_deletion_and_pop3_an_imap_one(sandbox):
    user = fresh()
    p = pop3s(sandbox, user)
    p.dele(1)
    p.quit()
    m = imaps(sandbox, user)
    assert int(m.select("INBOX")[1][0]) == 7
    m.store("1", "+FLAGS", r"(\Deleted)")
    m.expunge()
    m.logout()
    p = pop3s(sandbox, user)
    assert p.stat()[0] == 6
    p.quit()


def test_certificate_made_on_demand_for_another_host(sandbox):
    e = ep(sandbox, "imaps")
    ctx = tls_client(sandbox)
    with socket.create_connection((e.host, e.port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="mail.my-company.example") as s:
            assert s.recv(100).startswith(b"* OK")
    with socket.create_connection((e.host, e.port), timeout=10) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            ssl.create_default_context().wrap_socket(raw, server_hostname="imap.gmail.com")


def test_smtp_cram_md5_digest_is_checked_in_strict_mode_only(sandbox):
    # open mode: any digest; strict mode (test_sandbox_strict) checks it
    with smtps(sandbox) as s:
        s.ehlo()
        code, challenge = s.docmd("AUTH", "CRAM-MD5")
        assert code == 334
        digest = hmac.new(b"whatever", base64.b64decode(challenge), hashlib.md5).hexdigest()
        assert s.docmd(base64.b64encode(f"{fresh()} {digest}".encode()).decode())[0] == 235
