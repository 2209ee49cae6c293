"""The sandbox POP3 server against RFC 1939 (and 2449 CAPA, 2595 STLS, 5034 AUTH), with stdlib
poplib and a raw line client; its view shared with IMAP."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from sandbox_util import Line, b64, fresh, imaps, message, pop3s, sandbox, smtps  # noqa: F401

DEMO_INBOX = 8


def login(sb, user, name="pop3s") -> Line:
    c = Line(sb, name)
    assert c.cmd(f"USER {user}").startswith("+OK")
    assert c.cmd("PASS XXXXXXXX").startswith("+OK")
    return c


def test_greeting_carries_an_apop_timestamp_and_apop_logs_in(sandbox):
    c = Line(sandbox, "pop3s")
    assert c.greeting.startswith("+OK")
    stamp = re.search(r"<[^>]+@[^>]+>", c.greeting).group(0)
    digest = hashlib.md5((stamp + "any").encode()).hexdigest()
    assert c.cmd(f"APOP {fresh()} {digest}").startswith("+OK")
    assert c.cmd("STAT").startswith(f"+OK {DEMO_INBOX} ")
    c.close()


def test_authorization_state_refuses_transaction_commands(sandbox):
    c = Line(sandbox, "pop3")
    for command in ("STAT", "LIST", "RETR 1", "DELE 1", "UIDL", "TOP 1 0", "NOOP", "RSET"):
        assert c.cmd(command).startswith("-ERR"), command
    assert c.cmd("PASS x").startswith("-ERR")                 # PASS needs USER first
    assert c.cmd(f"USER {fresh()}").startswith("+OK")
    assert c.cmd("PASS x").startswith("+OK")
    for command in ("USER x", "PASS x", "APOP x 0123456789abcdef0123456789abcdef", "STLS", "AUTH PLAIN"):
        assert c.cmd(command).startswith("-ERR"), command     # no second login in TRANSACTION
    assert c.cmd("QUIT").startswith("+OK")
    c.close()


def test_stat_list_uidl_retr_agree(sandbox):
    p = pop3s(sandbox, fresh())
    count, size = p.stat()
    assert count == DEMO_INBOX
    resp, listing, _ = p.list()
    sizes = {int(n): int(s) for n, s in (line.split() for line in listing)}
    assert sum(sizes.values()) == size and len(sizes) == count
    assert p.list(3).split()[2] == str(sizes[3]).encode()
    resp, lines, octets = p.retr(3)
    assert octets == sizes[3] == sum(len(x) + 2 for x in lines)     # LIST sizes count CRLF line ends
    uidls = [line.split()[1] for line in p.uidl()[1]]
    assert len(set(uidls)) == count
    for bad in ("0", str(count + 1), "x"):
        assert refused(p, f"LIST {bad}")
    p.quit()


def refused(p, command) -> bool:
    """Does the server answer -ERR to this command?"""
    try:
        p._shortcmd(command)
    except Exception as e:
        return str(e).startswith("b'-ERR")
    return False


def test_deletes_only_at_quit_and_rset_undoes(sandbox):
    user = fresh()
    p = pop3s(sandbox, user)
    before = [line.split()[1] for line in p.uidl()[1]]
    p.dele(1)
    p.dele(2)
    assert p.stat()[0] == DEMO_INBOX - 2
    assert refused(p, "RETR 1") and refused(p, "DELE 1")   # a deleted message is gone for the session
    p.rset()
    assert p.stat()[0] == DEMO_INBOX
    p.dele(1)
    # Seen from another session before QUIT: nothing removed yet.
    other = pop3s(sandbox, user)
    assert other.stat()[0] == DEMO_INBOX
    other.quit()
    p.quit()
    p = pop3s(sandbox, user)
    after = [line.split()[1] for line in p.uidl()[1]]
    assert after == before[1:]                          # the rest keep their UIDL
    p.quit()


def test_a_dropped_session_deletes_nothing(sandbox):
    user = fresh()
    c = login(sandbox, user)
    for n in range(1, DEMO_INBOX + 1):
        assert c.cmd(f"DELE {n}").startswith("+OK")
    c.close()                                           # no QUIT: no UPDATE state
    p = pop3s(sandbox, user)
    assert p.stat()[0] == DEMO_INBOX
    p.quit()


def test_uidl_is_the_imap_uid_and_stable(sandbox):
    user = fresh()
    m = imaps(sandbox, user)
    m.select("INBOX")
    typ, data = m.fetch("1:*", "(UID)")
    imap_uids = [re.search(rb"UID (\d+)", d).group(1).decode() for d in data]
    m.logout()
    p = pop3s(sandbox, user)
    first = [line.decode().split() for line in p.uidl()[1]]
    p.quit()
    p = pop3s(sandbox, user)
    second = [line.decode().split() for line in p.uidl()[1]]
    p.quit()
    assert first == second
    assert [u for _, u in first] == imap_uids


def test_delivery_is_visible_at_once_with_the_imap_uid(sandbox):
    user = fresh()
    with smtps(sandbox) as s:
        s.login(user, "x")
        s.send_message(message("fresh mail", to=user))
    p = pop3s(sandbox, user)
    n, uid = p.uidl()[1][-1].decode().split()
    assert int(n) == DEMO_INBOX + 1
    assert b"Subject: fresh mail" in p.top(int(n), 0)[1]
    p.quit()
    m = imaps(sandbox, user)
    m.select("INBOX")
    assert m.uid("SEARCH", None, "SUBJECT", '"fresh mail"')[1][0].decode() == uid
    m.logout()


def test_dot_stuffing_both_ways(sandbox):
    user = fresh()
    body = ".starts with a dot\n..two dots\n.\nafter a lone dot\n"
    with smtps(sandbox) as s:                           # smtplib stuffs, aiosmtpd unstuffs
        s.login(user, "x")
        s.send_message(message("dots", to=user, body=body))
    c = login(sandbox, user)
    c.send(f"RETR {DEMO_INBOX + 1}")
    assert c.line().startswith("+OK")
    wire = c.multiline()
    assert b"..starts with a dot\r\n" in wire and b"...two dots\r\n" in wire and b"..\r\n" in wire
    c.cmd("QUIT")
    p = pop3s(sandbox, user)                            # poplib unstuffs
    lines = p.retr(DEMO_INBOX + 1)[1]
    assert lines[-4:] == [b".starts with a dot", b"..two dots", b".", b"after a lone dot"]
    p.quit()
    m = imaps(sandbox, user)
    m.select("INBOX")
    text = m.fetch(str(DEMO_INBOX + 1), "(BODY.PEEK[TEXT])")[1][0][1]
    assert text == body.replace("\n", "\r\n").encode()
    m.logout()


def test_top(sandbox):
    p = pop3s(sandbox, fresh())
    resp, lines, _ = p.top(1, 0)
    assert lines[-1] == b"" and b"Subject: Welcome to the fourmail sandbox" in lines
    assert all(b": " in line or line.startswith((b" ", b"\t")) for line in lines[:-1])
    resp, two, _ = p.top(1, 2)
    assert two[:len(lines)] == lines and two[len(lines):] == [b"Hello,", b""]
    full = p.retr(1)[1]
    assert p.top(1, 1000)[1] == full
    p.quit()


def test_capa_in_both_states_and_stls(sandbox):
    c = Line(sandbox, "pop3")
    c.send("CAPA")
    assert c.line().startswith("+OK")
    caps = [x.decode().strip() for x in c.multiline()]
    for cap in ("TOP", "UIDL", "USER", "STLS", "RESP-CODES", "SASL PLAIN LOGIN CRAM-MD5 XOAUTH2"):
        assert cap in caps
    assert c.cmd("STLS").startswith("+OK")
    c.starttls(sandbox)
    c.send("CAPA")
    c.line()
    assert "STLS" not in [x.decode().strip() for x in c.multiline()]
    assert c.cmd("STLS").startswith("-ERR")
    assert c.cmd(f"USER {fresh()}").startswith("+OK") and c.cmd("PASS x").startswith("+OK")
    c.send("CAPA")
    c.line()
    after = [x.decode().strip() for x in c.multiline()]
    assert "TOP" in after and "USER" not in after
    c.cmd("QUIT")
    s = Line(sandbox, "pop3s")                          # implicit TLS: no STLS offered
    s.send("CAPA")
    s.line()
    assert "STLS" not in [x.decode().strip() for x in s.multiline()]
    s.close()


def test_sasl_mechanisms(sandbox):
    user = fresh()
    c = Line(sandbox, "pop3s")
    assert c.cmd("AUTH PLAIN " + b64(f"\0{user}\0pw")).startswith("+OK")
    c.cmd("QUIT")
    c = Line(sandbox, "pop3s")
    assert c.cmd("AUTH PLAIN") == "+ "
    assert c.cmd(b64(f"\0{user}\0pw")).startswith("+OK")
    c.cmd("QUIT")
    c = Line(sandbox, "pop3s")
    assert c.cmd("AUTH LOGIN").startswith("+ ")
    assert c.cmd(b64(user)).startswith("+ ")
    assert c.cmd(b64("pw")).startswith("+OK")
    c.cmd("QUIT")
    c = Line(sandbox, "pop3s")
    challenge = base64.b64decode(c.cmd("AUTH CRAM-MD5")[2:])
    digest = hmac.new(b"pw", challenge, hashlib.md5).hexdigest()
    assert c.cmd(b64(f"{user} {digest}")).startswith("+OK")
    c.cmd("QUIT")
    c = Line(sandbox, "pop3s")
    assert c.cmd("AUTH XOAUTH2 " + b64(f"user={user}\x01auth=Bearer tok\x01\x01")).startswith("+OK")
    assert c.cmd("STAT").startswith(f"+OK {DEMO_INBOX} ")
    c.cmd("QUIT")
    c = Line(sandbox, "pop3s")
    assert c.cmd("AUTH LOGIN").startswith("+ ")
    assert c.cmd("*").startswith("-ERR")                 # the client cancels
    assert c.cmd("AUTH NTLM").startswith("-ERR")
    c.send("AUTH")
    assert c.line().startswith("+OK")
    assert [x.strip() for x in c.multiline()] == [b"PLAIN", b"LOGIN", b"CRAM-MD5", b"XOAUTH2"]
    c.close()


def test_a_message_expunged_by_imap_during_a_pop3_session(sandbox):
    user = fresh()
    p = pop3s(sandbox, user)
    m = imaps(sandbox, user)
    m.select("INBOX")
    m.store("1", "+FLAGS", r"(\Deleted)")
    m.expunge()
    m.logout()
    assert refused(p, "RETR 1")                     # numbers stay valid; the content is gone
    assert p.retr(2)[1]
    p.quit()
