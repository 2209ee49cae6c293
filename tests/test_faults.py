"""Fault injection (fourmail/sandbox/faults.py): the readable specs, the decisions (always, once,
N times, a probability, one account), and what each server sends in place of its answer, seen
on the wire by plain clients against the sandbox's real servers."""
from __future__ import annotations

import imaplib
import poplib
import random
import smtplib
import socket
import time

import pytest

from fourmail.sandbox.faults import Fault, FaultError, Faults, from_mailpit, parse, to_mailpit
from sandbox_util import Line, _named, ep, fresh, imaps, message, pop3s, sandbox, smtps, tls_client  # noqa: F401


@pytest.fixture
def faults(sandbox):
    yield sandbox.faults
    sandbox.faults.clear()


# ---------------------------------------------------------------- the readable form
@pytest.mark.parametrize("spec, expected", [
    ("smtp:rcpt=550", Fault("smtp", "rcpt", "reply", code=550)),
    ("smtp:rcpt=550:once", Fault("smtp", "rcpt", "reply", code=550, times=1)),
    ("SMTP:Auth=535:p=0.5", Fault("smtp", "auth", "reply", code=535, probability=0.5)),
    ("smtp:auth=535:p=25%", Fault("smtp", "auth", "reply", code=535, probability=0.25)),
    ("imap:fetch=drop", Fault("imap", "fetch", "drop")),
    ("imap:select=no:times=3", Fault("imap", "select", "reply", code="NO", times=3)),
    ("pop3:retr=delay:35", Fault("pop3", "retr", "delay", seconds=35.0)),
    ("pop3:pass=-ERR:user=Test@Gmail.com", Fault("pop3", "pass", "reply", code="ERR", user="test@gmail.com")),
    ("smtp:data=554:text=5.7.1 Message rejected: spam: sorry",
     Fault("smtp", "data", "reply", code=554, text="5.7.1 Message rejected: spam: sorry")),
    ("oauth:expire", Fault("oauth", "expire", "expire")),
    ("oauth:expire:once", Fault("oauth", "expire", "expire", times=1)),
])
def test_specs_parse_and_print_back(spec, expected):
    fault = parse(spec)
    assert fault == expected
    assert parse(fault.spec) == fault


@pytest.mark.parametrize("spec, says", [
    ("", "PROTOCOL:STEP=ACTION"),
    ("ftp:retr=550", "smtp, imap, pop3 or oauth"),
    ("smtp:rcpt", "PROTOCOL:STEP=ACTION"),
    ("smtp:greet=421", "no step 'greet'"),
    ("smtp:rcpt=250", "from 400 to 599"),
    ("smtp:rcpt=abc", "from 400 to 599"),
    ("imap:fetch=550", "NO, BAD or BYE"),
    ("pop3:retr=NO", "replies ERR"),
    ("pop3:retr=delay", "delay needs its seconds"),
    ("pop3:retr=delay:-1", "the delay must be a number from 0"),
    ("smtp:rcpt=550:p=2", "p must be a number from 0 to 1"),
    ("smtp:rcpt=550:p=150%", "p must be a number from 0 to 100"),
    ("smtp:rcpt=550:times=0", "times must be a whole number"),
    ("smtp:rcpt=550:sometimes", "unknown option 'sometimes'"),
    ("imap:fetch=drop:text=x", "text= goes with a reply code"),
    ("oauth:refresh", "oauth:expire"),
    ("smtp:rcpt=550:text=5.1.1 no\r\n250 OK", "without control characters"),
])
def test_bad_specs_say_why(spec, says):
    with pytest.raises(FaultError) as e:
        parse(spec)
    assert says in str(e.value)


# ---------------------------------------------------------------- decisions
def test_always_once_and_times():
    f = Faults()
    f.set(["smtp:rcpt=550:once", "smtp:mail=451:times=2", "smtp:data=554"])
    assert [bool(f.decide("smtp", "rcpt")) for _ in range(3)] == [True, False, False]
    assert [bool(f.decide("smtp", "mail")) for _ in range(3)] == [True, True, False]
    assert all(f.decide("smtp", "data").code == 554 for _ in range(5))
    assert f.decide("imap", "data") is None and f.decide("smtp", "ehlo") is None
    assert f.specs() == ["smtp:data=554"]           # the used-up ones are gone


def test_probability_fires_about_as_often_as_asked():
    f = Faults(random.Random(14))
    f.set(["smtp:auth=535:p=0.3"])
    fired = sum(f.decide("smtp", "auth") is not None for _ in range(2000))
    assert 500 < fired < 700
    f.set(["smtp:auth=535:p=0"])
    assert all(f.decide("smtp", "auth") is None for _ in range(200))


def test_one_account_only():
    f = Faults()
    f.set(["imap:select=NO:user=Bob@Gmail.com"])
    assert f.decide("imap", "select", "alice@gmail.com") is None
    assert f.decide("imap", "select", None) is None
    assert f.decide("imap", "select", "BOB@gmail.com").code == "NO"
    f.set(["smtp:rcpt=550:user=bob@gmail.com"])
    assert f.decide("smtp", "rcpt", "alice@gmail.com", "bob@gmail.com") is not None   # the recipient


# ---------------------------------------------------------------- Mailpit's chaos triggers
def test_mailpit_triggers_round_trip():
    faults = from_mailpit({"Sender": {"ErrorCode": 451, "Probability": 50}, "Recipient": {"ErrorCode": 550,
                                                                                          "Probability": 100}})
    assert [f.spec for f in faults] == ["smtp:mail=451:p=0.5", "smtp:rcpt=550"]
    shown = to_mailpit(faults + [parse("imap:fetch=drop"), parse("smtp:rcpt=550:once")])
    assert shown == {"Sender": {"ErrorCode": 451, "Probability": 50},
                     "Recipient": {"ErrorCode": 550, "Probability": 100},
                     "Authentication": {"ErrorCode": 535, "Probability": 0},
                     "Faults": ["imap:fetch=drop", "smtp:rcpt=550:once"]}
    assert [f.spec for f in from_mailpit(shown)] == [f.spec for f in faults] + ["imap:fetch=drop",
                                                                                 "smtp:rcpt=550:once"]
    assert from_mailpit({}) == []
    # Mailpit's defaults: an ErrorCode of 0 (or none) is 451 for Sender and Recipient, 535 for AUTH
    assert [f.code for f in from_mailpit({"Authentication": {"Probability": 5}, "Sender": {"ErrorCode": 0,
                                                                                             "Probability": 5}})] \
        == [451, 535]


@pytest.mark.parametrize("body, says", [
    ({"Sender": {"ErrorCode": 250, "Probability": 5}}, "error code must be between 400 and 599"),
    ({"Recipient": {"ErrorCode": 451, "Probability": 101}}, "probability must be between 0 and 100"),
    ({"Recipient": {"ErrorCode": 451, "Probability": 0.5}}, "probability must be between 0 and 100"),
    ({"Greylist": {}}, "unknown chaos trigger 'Greylist'"),
    ({"Faults": "imap:fetch=drop"}, "Faults must be a list"),
    ({"Faults": ["imap:fetch=550"]}, "NO, BAD or BYE"),
    ([], "a JSON object"),
])
def test_mailpit_bad_triggers(body, says):
    with pytest.raises(FaultError) as e:
        from_mailpit(body)
    assert says in str(e.value)


# ---------------------------------------------------------------- SMTP on the wire
def test_smtp_rcpt_550_names_the_address_and_the_session_goes_on(sandbox, faults):
    faults.set(["smtp:rcpt=550:user=nobody@gmail.com"])
    with smtps(sandbox) as s:
        s.ehlo()
        s.login(fresh(), "pw")
        with pytest.raises(smtplib.SMTPRecipientsRefused) as e:
            s.send_message(message("x", to="nobody@gmail.com"))
        assert e.value.recipients == {"nobody@gmail.com": (
            550, b"5.1.1 <nobody@gmail.com>: Recipient address rejected: User unknown")}
        to = fresh()
        assert s.send_message(message("x", to=to)) == {}


def test_smtp_421_at_connect_and_at_mail_closes_the_connection(sandbox, faults):
    faults.set(["smtp:connect=421"])
    e = ep(sandbox, "smtp")
    with socket.create_connection((e.host, e.port), timeout=5) as sock:
        f = sock.makefile("rb")
        assert f.readline() == b"421 4.7.0 Try again later, closing connection.\r\n"
        assert f.readline() == b""                     # and the server hung up
    faults.set(["smtp:connect=554:text=5.7.0 No SMTP service here"])
    with socket.create_connection((e.host, e.port), timeout=5) as sock:
        f = sock.makefile("rb")
        assert f.readline() == b"554 5.7.0 No SMTP service here\r\n"
        assert f.readline() == b""
    faults.set(["smtp:mail=421"])
    with smtps(sandbox) as s:
        s.ehlo()
        s.login(fresh(), "pw")
        assert s.mail("a@gmail.com") == (421, b"4.7.0 Try again later, closing connection.")
        with pytest.raises(smtplib.SMTPServerDisconnected):
            s.noop()


def test_smtp_auth_535_for_one_account_only(sandbox, faults):
    victim = fresh("victim")
    faults.set([f"smtp:auth=535:user={victim}"])
    with smtps(sandbox) as s:
        s.ehlo()
        with pytest.raises(smtplib.SMTPAuthenticationError) as e:
            s.login(victim, "pw")          # CRAM-MD5: the challenge goes out, then the refusal
        assert (e.value.smtp_code, e.value.smtp_error) == (535, b"5.7.8 Username and Password not accepted.")
        assert s.login(fresh(), "pw")[0] == 235             # not signed in: another user may
    assert sandbox.sign_ins[-2].user == victim


def test_smtp_drop_mid_data_stores_nothing(sandbox, faults):
    to = fresh()
    faults.set(["smtp:data=drop:once"])
    with smtps(sandbox) as s:
        s.ehlo()
        s.login(fresh(), "pw")
        with pytest.raises(smtplib.SMTPServerDisconnected):
            s.send_message(message("dropped", to=to, body="x" * 200_000))
    box = imaps(sandbox, to)
    box.select("INBOX")
    assert box.search(None, "SUBJECT", "dropped")[1] == [b""]
    box.logout()


def test_smtp_data_reply_comes_after_the_data_and_stores_nothing(sandbox, faults):
    to = fresh()
    faults.set(["smtp:data=554:text=5.7.1 Message rejected as spam"])
    with smtps(sandbox) as s:
        s.ehlo()
        s.login(fresh(), "pw")
        s.mail("a@gmail.com")
        s.rcpt(to)
        assert s.data(message("spam", to=to).as_bytes()) == (554, b"5.7.1 Message rejected as spam")
        assert s.noop()[0] == 250
    box = imaps(sandbox, to)
    box.select("INBOX")
    assert box.search(None, "SUBJECT", "spam")[1] == [b""]
    box.logout()


def test_smtp_delay(sandbox, faults):
    faults.set(["smtp:ehlo=delay:1.2"])
    with smtps(sandbox) as s:
        t0 = time.monotonic()
        assert s.ehlo()[0] == 250
        assert 1.1 < time.monotonic() - t0 < 3


def test_smtp_late_answer_to_data_still_delivers_to_a_client_that_waited(sandbox, faults):
    to = fresh()
    faults.set(["smtp:data=delay:1"])
    with smtps(sandbox) as s:
        s.ehlo()
        s.login(fresh(), "pw")
        t0 = time.monotonic()
        assert s.send_message(message("late", to=to)) == {}
        assert time.monotonic() - t0 >= 1
    box = imaps(sandbox, to)
    box.select("INBOX")
    assert len(box.search(None, "SUBJECT", "late")[1][0].split()) == 1
    box.logout()


# ---------------------------------------------------------------- IMAP on the wire
def test_imap_no_bad_and_bye(sandbox, faults):
    user = fresh()
    faults.set([f"imap:login=NO:once:user={user}", "imap:search=BAD:once", "imap:store=BYE:once"])
    box = imaps(sandbox)
    with pytest.raises(imaplib.IMAP4.error, match=r"\[AUTHENTICATIONFAILED\] Invalid credentials"):
        box.login(user, "pw")
    box.login(user, "pw")                                  # once: the second try signs in
    box.select("INBOX")
    with pytest.raises(imaplib.IMAP4.error, match="BAD.*Command not accepted"):
        box.search(None, "ALL")
    with pytest.raises(imaplib.IMAP4.abort, match="Server shutting down"):
        box.store("1", "+FLAGS", r"\Deleted")
    box = imaps(sandbox, user)
    box.select("INBOX")
    assert box.fetch("1", "(FLAGS)")[1][0].find(b"Deleted") < 0     # the STORE was never done


def test_imap_append_no_stores_nothing(sandbox, faults):
    user = fresh()
    faults.set([f"imap:append=NO:user={user}"])
    box = imaps(sandbox, user)
    assert box.append("INBOX", None, None, message("appended").as_bytes()) == (
        "NO", [b"[UNAVAILABLE] Temporary failure, try again later."])
    box.select("INBOX")
    assert box.search(None, "SUBJECT", "appended")[1] == [b""]


def test_imap_drop_mid_fetch_sends_part_of_the_message(sandbox, faults):
    user = fresh()
    faults.set([f"imap:fetch=drop:user={user}"])
    e = ep(sandbox, "imaps")
    sock = _named(tls_client(sandbox), "imap.gmail.com").wrap_socket(socket.create_connection((e.host, e.port),
                                                                                               timeout=5))
    f = sock.makefile("rb")
    f.readline()
    for line in (f"a LOGIN {user} pw", "b SELECT INBOX", "c FETCH 1 BODY.PEEK[]"):
        sock.sendall(line.encode() + b"\r\n")
    got = f.read()                                     # to the end: the server closed
    start = got.index(b"* 1 FETCH (BODY[] {")
    size = int(got[start:].split(b"{")[1].split(b"}")[0])
    assert 0 < len(got) - start < size and b"c OK" not in got


def test_imap_drop_between_commands(sandbox, faults):
    user = fresh()
    faults.set([f"imap:select=drop:user={user}"])
    box = imaps(sandbox, user)
    with pytest.raises(imaplib.IMAP4.abort):
        box.select("INBOX")


def test_imap_uid_fetch_is_fetch(sandbox, faults):
    user = fresh()
    faults.set([f"imap:fetch=NO:user={user}"])
    box = imaps(sandbox, user)
    box.select("INBOX")
    assert box.uid("FETCH", "1", "(FLAGS)")[0] == "NO"


def test_imap_greeting_bye(sandbox, faults):
    faults.set(["imap:connect=BYE:text=Too many connections"])
    with pytest.raises(imaplib.IMAP4.error, match="BYE Too many connections"):
        imaps(sandbox)


# ---------------------------------------------------------------- POP3 on the wire
def test_pop3_err_at_pass_and_dele(sandbox, faults):
    user = fresh()
    faults.set([f"pop3:pass=ERR:once:user={user}", "pop3:dele=ERR:once"])
    p = pop3s(sandbox)
    p.user(user)
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\] Username and password not accepted"):
        p.pass_("pw")
    p.user(user)
    assert p.pass_("pw").startswith(b"+OK")
    with pytest.raises(poplib.error_proto, match="^b'-ERR Unable to complete the command, try again later.'$"):
        p.dele(1)
    assert p.stat()[0] == 8                                # the session goes on


def test_pop3_drop_mid_retr(sandbox, faults):
    user = fresh()
    faults.set([f"pop3:retr=drop:user={user}"])
    line = Line(sandbox)
    line.cmd(f"USER {user}")
    assert line.cmd("PASS pw").startswith("+OK")
    size = int(line.cmd("LIST 1").split()[2])
    line.send("RETR 1")
    got = line.file.read()
    assert got.startswith(b"+OK") and b"\r\n.\r\n" not in got and 0 < len(got) < size
    # nothing deleted, nothing lost: the next session sees the same maildrop
    assert pop3s(sandbox, user).stat()[0] == 8


def test_pop3_greeting_err_hangs_up(sandbox, faults):
    faults.set(["pop3:connect=ERR"])
    line = Line(sandbox)
    assert line.greeting == "-ERR [SYS/TEMP] Temporary failure, try again later."
    assert line.file.readline() == b""


# ---------------------------------------------------------------- OAuth
def test_oauth_expire_now_and_while_set(sandbox, faults):
    store = sandbox.oauth
    from fourmail.sandbox.oauth_provider import _Grant
    with store._lock:
        before = store._issue(_Grant("cid", "mail", None), None)["access_token"]
    user = fresh()
    assert store.verdict(user, before) is True
    faults.set(["oauth:expire:once"])
    assert store.verdict(user, before) is False
    with store._lock:
        after = store._issue(_Grant("cid", "mail", None), None)["access_token"]
    assert store.verdict(user, after) is True               # once: the new ones live
    lifetime = store.token_lifetime
    faults.set(["oauth:expire"])
    with store._lock:
        answer = store._issue(_Grant("cid", "mail", None), None)
    assert answer["expires_in"] == 0 and store.verdict(user, answer["access_token"]) is False
    faults.clear()
    assert store.token_lifetime == lifetime
