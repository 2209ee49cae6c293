"""Strict accounts mode (`--accounts FILE`): wrong passwords, digests and tokens fail on every
protocol and mechanism; the listed ones work; only listed accounts receive mail."""
from __future__ import annotations

import base64
import hashlib
import hmac
import imaplib
import poplib
import re
import smtplib

import pytest

from sandbox_util import Line, b64, imaps, message, pop3s, smtp_starttls, smtps

USER, PASSWORD, TOKEN = "4d@gmail.com", "s3cret#pw", "ya29.sandbox-token"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    from fourmail.sandbox.server import Sandbox
    root = tmp_path_factory.mktemp("strict")
    accounts = root / "accounts.txt"
    accounts.write_text(f"# user password token\n{USER} {PASSWORD} {TOKEN}\ntest@gmail.com other\n")
    sb = Sandbox(root / "store", accounts_file=accounts, quiet=True)
    sb.start()
    yield sb
    sb.stop()


def cram(challenge_b64: str, user: str, password: str) -> str:
    digest = hmac.new(password.encode(), base64.b64decode(challenge_b64), hashlib.md5).hexdigest()
    return b64(f"{user} {digest}")


# ---------------------------------------------------------------- SMTP
@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_smtp_passwords(sandbox, mech):
    for password, code in ((PASSWORD, 235), ("wrong", 535)):
        with smtps(sandbox) as s:
            s.ehlo()
            s.user, s.password = USER.upper(), password
            method = {"PLAIN": s.auth_plain, "LOGIN": s.auth_login, "CRAM-MD5": s.auth_cram_md5}[mech]
            if code == 235:
                assert s.auth(mech, method, initial_response_ok=mech != "CRAM-MD5")[0] == 235
            else:
                with pytest.raises(smtplib.SMTPAuthenticationError) as e:
                    s.auth(mech, method, initial_response_ok=mech != "CRAM-MD5")
                assert e.value.smtp_code == 535


def test_smtp_xoauth2_failure_sends_the_error_challenge(sandbox):
    with smtps(sandbox) as s:
        s.ehlo()
        code, text = s.docmd("AUTH", "XOAUTH2 " + b64(f"user={USER}\x01auth=Bearer wrong\x01\x01"))
        assert code == 334 and b'"status":"401"' in base64.b64decode(text)
        assert s.docmd("")[0] == 535
    with smtps(sandbox) as s:
        s.ehlo()
        assert s.docmd("AUTH", "XOAUTH2 " + b64(f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01"))[0] == 235


def test_smtp_requires_auth_and_known_recipients(sandbox):
    with smtp_starttls(sandbox) as s:
        assert s.mail(USER)[0] == 530                  # authentication required
    with smtp_starttls(sandbox) as s:
        s.login(USER, PASSWORD)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as e:
            s.send_message(message("x", to="nobody@gmail.com"))
        assert e.value.recipients["nobody@gmail.com"][0] == 550
        assert s.send_message(message("to a listed account", to="test@gmail.com")) == {}


# ---------------------------------------------------------------- IMAP
def test_imap_passwords_and_mechanisms(sandbox):
    m = imaps(sandbox)
    with pytest.raises(imaplib.IMAP4.error):
        m.login(USER, "wrong")
    assert m.login(USER, PASSWORD)[0] == "OK"
    m.logout()
    m = imaps(sandbox)
    with pytest.raises(imaplib.IMAP4.error):
        m.login("stranger@gmail.com", PASSWORD)
    m.logout()
    m = imaps(sandbox)
    with pytest.raises(imaplib.IMAP4.error):
        m.login_cram_md5(USER, "wrong")
    assert m.login_cram_md5(USER, PASSWORD)[0] == "OK"
    m.logout()
    for token, ok in (("wrong", False), (TOKEN, True)):
        m = imaps(sandbox)
        auth = f"user={USER}\x01auth=Bearer {token}\x01\x01".encode()
        if ok:
            assert m.authenticate("XOAUTH2", lambda _: auth)[0] == "OK"
        else:
            with pytest.raises(imaplib.IMAP4.error):
                m.authenticate("XOAUTH2", lambda _: auth)
        m.logout()


# ---------------------------------------------------------------- POP3
def test_pop3_user_pass_and_apop(sandbox):
    p = pop3s(sandbox)
    p.user(USER)
    with pytest.raises(poplib.error_proto, match="AUTH"):
        p.pass_("wrong")
    p.user(USER)
    assert p.pass_(PASSWORD).startswith(b"+OK")
    p.quit()
    c = Line(sandbox, "pop3s")
    stamp = re.search(r"<[^>]+>", c.greeting).group(0)
    assert c.cmd(f"APOP {USER} {hashlib.md5((stamp + 'wrong').encode()).hexdigest()}").startswith("-ERR [AUTH]")
    assert c.cmd(f"APOP {USER} {hashlib.md5((stamp + PASSWORD).encode()).hexdigest()}").startswith("+OK")
    c.close()


def test_pop3_sasl(sandbox):
    c = Line(sandbox, "pop3s")
    assert c.cmd("AUTH PLAIN " + b64(f"\0{USER}\0wrong")).startswith("-ERR [AUTH]")
    assert c.cmd("AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}")).startswith("+OK")
    c.close()
    c = Line(sandbox, "pop3s")
    c.cmd("AUTH LOGIN")
    c.cmd(b64(USER))
    assert c.cmd(b64("wrong")).startswith("-ERR")
    challenge = c.cmd("AUTH CRAM-MD5")[2:]
    assert c.cmd(cram(challenge, USER, "wrong")).startswith("-ERR")
    challenge = c.cmd("AUTH CRAM-MD5")[2:]
    assert c.cmd(cram(challenge, USER, PASSWORD)).startswith("+OK")
    c.close()
    c = Line(sandbox, "pop3s")
    answer = c.cmd("AUTH XOAUTH2 " + b64(f"user={USER}\x01auth=Bearer wrong\x01\x01"))
    assert answer.startswith("+ ") and b'"status":"401"' in base64.b64decode(answer[2:])
    assert c.cmd("").startswith("-ERR [AUTH]")
    assert c.cmd("AUTH XOAUTH2 " + b64(f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01")).startswith("+OK")
    c.close()


def test_bad_accounts_file_is_a_clear_error(tmp_path):
    from fourmail.sandbox.server import Sandbox, SandboxError
    bad = tmp_path / "accounts.txt"
    bad.write_text("only-a-user\n")
    with pytest.raises(SandboxError, match="accounts.txt:1"):
        Sandbox(tmp_path / "store", accounts_file=bad).start()
    with pytest.raises(SandboxError, match="cannot read"):
        Sandbox(tmp_path / "store", accounts_file=tmp_path / "missing.txt").start()
