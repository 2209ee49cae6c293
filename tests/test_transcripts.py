"""Session transcripts: each SMTP, IMAP and POP3 session on the sandbox, in both TLS modes, as the
server saw it, with no sign-in secret in any form, messages summarized and linked, bounded."""
from __future__ import annotations

import base64
import hashlib
import hmac
import imaplib
import re
import socket
import time
import uuid

import pytest

from fourmail.sandbox import pop3_server
from fourmail.sandbox.server import Sandbox
from oauth_util import GOOGLE_TOKEN, code_for, imap_xoauth2, pop3_xoauth2, smtp_xoauth2, token, xoauth2
from sandbox_util import (Line, b64, fresh, imaps, message, pop3s, sandbox, smtp_starttls,  # noqa: F401
                          smtps, tls_client, _named)

PASSWORD = "Canary-pw-" + uuid.uuid4().hex[:12]
BASE64ISH = re.compile(r"[A-Za-z0-9+/=]{8,}")


@pytest.fixture(scope="module")
def live(sandbox):
    """Every line the sandbox printed live during the module."""
    lines: list[str] = []
    stop = sandbox.transcripts.listen(lambda t, line: lines.append(f"[{t.label}] {line}"))
    yield lines
    stop()


def sessions_since(sb, before: set, count: int = 1, timeout: float = 5.0):
    """The transcripts started since `before`, once `count` of them have ended."""
    deadline = time.monotonic() + timeout
    while True:
        new = [i for i in sb.transcripts.list() if i.id not in before]
        if len([i for i in new if i.ended]) >= count or time.monotonic() > deadline:
            return new
        time.sleep(0.05)


def drop(c: Line) -> None:
    """Close a line client's connection (its file object holds the socket open otherwise)."""
    c.file.close()
    c.close()


def ids(sb) -> set:
    return set(sb.transcripts.ids())


def assert_clean(text: str, *secrets: str) -> None:
    """No secret, as it is, base64-encoded, or inside anything that decodes from base64."""
    for secret in secrets:
        assert secret not in text
        assert b64(secret) not in text
    for chunk in BASE64ISH.findall(text):
        try:
            decoded = base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("utf-8", "replace")
        except ValueError:
            continue
        for secret in secrets:
            assert secret not in decoded, (chunk, secret)


def cram_answers(text: str, user: str, password: str) -> list[str]:
    """The CRAM-MD5 answers a client gave to each challenge the transcript shows."""
    out = []
    for challenge in re.findall(r"S: (?:334|\+) ([A-Za-z0-9+/=]+)$", text, re.M):
        raw = base64.b64decode(challenge)
        if raw.startswith(b"<"):
            digest = hmac.new(password.encode(), raw, hashlib.md5).hexdigest()
            out += [digest, f"{user} {digest}"]
    return out


# ---------------------------------------------------------------- SMTP
@pytest.mark.parametrize("listener", ["smtp", "smtps"])
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_smtp_sign_ins_are_redacted_and_keep_the_user(sandbox, live, listener, mechanism):
    user, before, shown_before = fresh(), ids(sandbox), len(live)
    s = smtp_starttls(sandbox) if listener == "smtp" else smtps(sandbox)
    s.ehlo()
    s.user, s.password = user, PASSWORD
    s.auth(mechanism, getattr(s, "auth_" + mechanism.lower().replace("-", "_")))
    s.quit()
    [info] = sessions_since(sandbox, before)
    text = sandbox.transcripts.get(info.id)
    assert (info.protocol, info.listener, info.user, info.ended) == ("SMTP", listener, user, "QUIT")
    assert f"== user {user} ({mechanism})" in text
    assert "[redacted: " in text and user in text
    assert ("(implicit TLS)" if listener == "smtps" else "(upgraded)") in text
    secrets = [PASSWORD] + (cram_answers(text, user, PASSWORD) if mechanism == "CRAM-MD5" else [])
    if mechanism == "CRAM-MD5":
        assert len(secrets) > 1
    assert_clean(text, *secrets)
    assert_clean("\n".join(live[shown_before:]), *secrets)
    assert any(f"[{listener} {info.id[-6:]}]" in line and "C: AUTH " + mechanism in line for line in live)


def test_an_smtp_delivery_is_summarized_and_names_the_stored_message(sandbox):
    before, to = ids(sandbox), [fresh("to"), fresh("cc")]
    mid = f"<{uuid.uuid4().hex}@transcripts.test>"
    body = "The body stays out of the transcript: " + uuid.uuid4().hex
    m = message("Transcribed", to=", ".join(to), body=body, **{"Message-ID": mid})
    with smtp_starttls(sandbox) as s:
        s.login(fresh("from"), PASSWORD)
        s.send_message(m)
    [info] = sessions_since(sandbox, before)
    text = sandbox.transcripts.get(info.id)
    assert body not in text and "Subject: Transcribed" not in text
    size = len(m.as_bytes().replace(b"\n", b"\r\n"))
    assert re.search(rf"C: \[message: {size - 1}\d? bytes, Message-ID {re.escape(mid)}\]", text) or \
        re.search(rf"C: \[message: \d+ bytes, Message-ID {re.escape(mid)}\]", text)
    assert sorted(p.account for p in info.messages) == sorted(to)
    for p in info.messages:
        assert (p.folder, p.message_id) == ("INBOX", mid)
        inbox = sandbox.store_dir / "mail" / p.account / "new"
        files = [f.name for f in inbox.iterdir() if f.name.split(":")[0] == p.file]
        assert len(files) == 1 and mid.encode() in (inbox / files[0]).read_bytes()
    assert [i.id for i in sandbox.transcripts.list(message=mid)] == [info.id]
    assert [i.id for i in sandbox.transcripts.list(message=mid.strip("<>"))] == [info.id]
    assert [i.id for i in sandbox.transcripts.list(message=info.messages[0].file)] == [info.id]
    assert info.id in [i.id for i in sandbox.transcripts.list(account=to[1].upper())]
    assert sandbox.transcripts.list(message="<nobody@nowhere>") == []


def test_smtp_xoauth2_with_a_token_the_provider_issued_and_an_expired_one(sandbox, live):
    user = fresh("oauth")
    code, verifier = code_for(sandbox, "http://localhost:9000", login_hint=user)
    status, answer, _ = token(sandbox, {"grant_type": "authorization_code", "code": code, "client_id": "client-1",
                                        "redirect_uri": "http://localhost:9000", "client_secret": "secret-1",
                                        "code_verifier": verifier}, GOOGLE_TOKEN)
    assert status == 200
    access = answer["access_token"]
    before, shown_before = ids(sandbox), len(live)
    assert smtp_xoauth2(sandbox, user, access)[-1][0] == 235
    assert imap_xoauth2(sandbox, user, access) == "OK"
    assert pop3_xoauth2(sandbox, user, access)[-1].startswith("+OK")
    sandbox.oauth.expire_tokens()
    assert smtp_xoauth2(sandbox, user, access)[-1][0] == 535
    assert imap_xoauth2(sandbox, user, access) != "OK"
    assert pop3_xoauth2(sandbox, user, access)[-1].startswith("-ERR")
    found = sessions_since(sandbox, before, 6)
    assert sorted(i.protocol for i in found) == ["IMAP", "IMAP", "POP3", "POP3", "SMTP", "SMTP"]
    assert sorted(i.user for i in found) == ["", "", "", user, user, user]
    everything = "\n".join(sandbox.transcripts.get(i.id) for i in found)
    assert everything.count(f"[redacted: XOAUTH2 token of {user}]") == 6
    secrets = [access, xoauth2(user, access).decode(), answer["refresh_token"]]
    assert_clean(everything, *secrets)
    assert_clean("\n".join(live[shown_before:]), *secrets)


# ---------------------------------------------------------------- IMAP
def imap_starttls(sb) -> imaplib.IMAP4:
    e = sb.endpoint("imap")
    m = imaplib.IMAP4(e.host, e.port, timeout=10)
    m.starttls(_named(tls_client(sb), "imap.gmail.com"))
    return m


@pytest.mark.parametrize("listener", ["imap", "imaps"])
@pytest.mark.parametrize("how", ["LOGIN", "PLAIN", "CRAM-MD5"])
def test_imap_sign_ins_are_redacted(sandbox, live, listener, how):
    user, before, shown_before = fresh(), ids(sandbox), len(live)
    m = imaps(sandbox) if listener == "imaps" else imap_starttls(sandbox)
    if how == "LOGIN":
        m.login(user, PASSWORD)
    elif how == "PLAIN":
        m.authenticate("PLAIN", lambda _: f"\0{user}\0{PASSWORD}".encode())
    else:
        m.login_cram_md5(user, PASSWORD)
    m.logout()
    [info] = sessions_since(sandbox, before)
    text = sandbox.transcripts.get(info.id)
    assert (info.protocol, info.listener, info.user, info.ended) == ("IMAP", listener, user, "LOGOUT")
    secrets = [PASSWORD, f"\0{user}\0{PASSWORD}"] + cram_answers(text, user, PASSWORD)
    assert_clean(text, *secrets)
    assert_clean("\n".join(live[shown_before:]), *secrets)
    if how == "LOGIN":
        assert re.search(rf"C: \S+ LOGIN \"?{re.escape(user)}\"? \[redacted: password\]", text)


def raw_imap(sb) -> tuple[socket.socket, object]:
    e = sb.endpoint("imaps")
    sock = _named(tls_client(sb), "imap.gmail.com").wrap_socket(socket.create_connection((e.host, e.port), 10))
    f = sock.makefile("rb")
    f.readline()
    return sock, f


def test_imap_login_with_literals_and_a_client_that_does_not_wait_for_the_continuation(sandbox):
    user, before = fresh(), ids(sandbox)
    sock, f = raw_imap(sandbox)
    # user and password as synchronizing literals, waiting for each +
    sock.sendall(f"a1 LOGIN {{{len(user)}}}\r\n".encode())
    assert f.readline().startswith(b"+")
    sock.sendall(f"{user} {{{len(PASSWORD)}}}\r\n".encode())
    assert f.readline().startswith(b"+")
    sock.sendall(PASSWORD.encode() + b"\r\n")
    assert f.readline().startswith(b"a1 OK")
    sock.sendall(b"a2 LOGOUT\r\n")
    f.readline(), f.readline()
    f.close()
    sock.close()
    # a LITERAL+ password, sent at once
    sock, f = raw_imap(sandbox)
    sock.sendall(f"b1 LOGIN {user} {{{len(PASSWORD)}+}}\r\n{PASSWORD}\r\n".encode())
    assert f.readline().startswith(b"b1 OK")
    f.close()
    sock.close()
    found = sessions_since(sandbox, before, 2)
    assert sorted(i.ended for i in found) == ["LOGOUT", "dropped"]
    assert [i.user for i in found] == [user, user]
    for i in found:
        assert_clean(sandbox.transcripts.get(i.id), PASSWORD)
    assert f"[LOGIN user name: {user}]" in sandbox.transcripts.get(found[0].id)


@pytest.mark.parametrize("folder, wire", [("Drafts", "Drafts"), ("Envoyés", '"Envoy&AOk-s"')])
def test_imap_append_and_fetch_are_summarized_and_the_append_is_linked(sandbox, folder, wire):
    user = fresh()
    mid = f"<{uuid.uuid4().hex}@append.test>"
    body = "An appended body: " + uuid.uuid4().hex
    m = imaps(sandbox, user, PASSWORD)
    if folder != "Drafts":
        m.create(wire)
    before = ids(sandbox)
    m.logout()
    m = imaps(sandbox, user, PASSWORD)
    typ, data = m.append(wire, "(\\Seen)", None, message("Draft", body=body, **{"Message-ID": mid}).as_bytes())
    uid = int(re.search(rb"APPENDUID \d+ (\d+)", data[0]).group(1))
    m.select(wire)
    m.uid("FETCH", str(uid), "(BODY[])")
    m.logout()
    [info] = sessions_since(sandbox, before)
    text = sandbox.transcripts.get(info.id)
    assert body not in text
    assert len(re.findall(rf"\[(?:message|literal): \d+ bytes, Message-ID {re.escape(mid)}\]", text)) == 2
    [p] = info.messages
    assert (p.account, p.folder, p.uid, p.message_id) == (user, folder, uid, mid)
    [stored] = [f for f in (sandbox.store_dir / "mail" / user).rglob("*") if f.name.split(":")[0] == p.file]
    assert mid.encode() in stored.read_bytes()
    assert [i.id for i in sandbox.transcripts.list(message=mid)] == [info.id]


# ---------------------------------------------------------------- POP3
@pytest.mark.parametrize("listener", ["pop3", "pop3s"])
def test_pop3_every_sign_in_is_redacted(sandbox, live, listener):
    user, before, shown_before = fresh(), ids(sandbox), len(live)

    def client():
        c = Line(sandbox, listener)
        if listener == "pop3":
            assert c.cmd("STLS").startswith("+OK")
            c.starttls(sandbox)
        return c

    c = client()
    assert c.cmd(f"USER {user}").startswith("+OK")
    assert c.cmd(f"PASS {PASSWORD}").startswith("+OK")
    assert c.cmd("RETR 1").startswith("+OK")
    c.multiline()
    assert c.cmd("QUIT").startswith("+OK")
    drop(c)
    c = client()
    stamp = re.search(r"<[^>]+>", c.greeting).group(0)
    digest = hashlib.md5((stamp + PASSWORD).encode()).hexdigest()
    assert c.cmd(f"APOP {user} {digest}").startswith("+OK")
    drop(c)
    c = client()
    assert c.cmd("AUTH PLAIN " + b64(f"\0{user}\0{PASSWORD}")).startswith("+OK")
    drop(c)
    c = client()
    assert c.cmd("AUTH LOGIN").startswith("+ ")
    assert c.cmd(b64(user)).startswith("+ ")
    assert c.cmd(b64(PASSWORD)).startswith("+OK")
    drop(c)
    c = client()
    challenge = base64.b64decode(c.cmd("AUTH CRAM-MD5")[2:])
    cram = hmac.new(PASSWORD.encode(), challenge, hashlib.md5).hexdigest()
    assert c.cmd(b64(f"{user} {cram}")).startswith("+OK")
    drop(c)
    found = sessions_since(sandbox, before, 5)
    assert [i.user for i in found] == [user] * 5
    assert [i.ended for i in found] == ["QUIT"] + ["dropped"] * 4
    everything = "\n".join(sandbox.transcripts.get(i.id) for i in found)
    secrets = [PASSWORD, digest, cram, f"{user} {cram}", f"\0{user}\0{PASSWORD}"]
    assert_clean(everything, *secrets)
    assert_clean("\n".join(live[shown_before:]), *secrets)
    assert f"[LOGIN user name: {user}]" in everything and f"APOP {user} [redacted: digest]" in everything
    assert re.search(r"S: \+OK \d+ octets\n.* S: \[message: \d+ bytes, Message-ID <demo-0@sandbox.fourmail>\]",
                     everything)


# ---------------------------------------------------------------- how sessions end
def test_how_sessions_end(sandbox, monkeypatch):
    before = ids(sandbox)
    monkeypatch.setattr(pop3_server, "IDLE_TIMEOUT", 0.3)
    idle = Line(sandbox, "pop3")
    assert idle.line().startswith("-ERR [SYS/PERM] autologout")
    drop(idle)
    monkeypatch.setattr(pop3_server, "IDLE_TIMEOUT", 600.0)
    bad = Line(sandbox, "pop3")
    for _ in range(pop3_server.MAX_BAD_COMMANDS):
        bad.send("NONSENSE")
    while bad.file.readline():
        pass
    drop(bad)
    from aiosmtpd.smtp import SMTP
    from fourmail.sandbox.smtp_server import SandboxSMTP
    monkeypatch.setattr(SandboxSMTP, "_reset_timeout", lambda self, duration=None: SMTP._reset_timeout(self, 0.3))
    quiet = Line(sandbox, "smtps", tls_name="smtp.gmail.com")
    assert quiet.file.readline() == b""            # closed by the server once idle
    drop(quiet)
    found = sessions_since(sandbox, before, 3)
    assert sorted((i.protocol, i.ended) for i in found) == [("POP3", "closed by the server"), ("POP3", "timed out"),
                                                           ("SMTP", "timed out")]


def test_a_session_open_when_the_sandbox_stops(tmp_path):
    sb = Sandbox(tmp_path, quiet=True)
    sb.start()
    c = Line(sb, "pop3s")
    before = time.monotonic()
    while not sb.transcripts.ids() and time.monotonic() - before < 5:
        time.sleep(0.02)
    sb.stop()
    drop(c)
    [info] = sb.transcripts.list()
    assert info.ended == "sandbox stopped" and info.end


# ---------------------------------------------------------------- limits
def test_a_transcript_and_the_number_kept_are_bounded(tmp_path):
    sb = Sandbox(tmp_path, quiet=True)
    sb.start()
    try:
        sb.transcripts.limit, sb.transcripts.kept = 4000, 3
        c = Line(sb, "pop3")
        c.cmd("USER someone@example.com")
        c.cmd("PASS whatever")
        for _ in range(300):
            c.cmd("NOOP")
        c.cmd("QUIT")
        drop(c)
        long_line = Line(sb, "pop3")
        long_line.cmd("NOOP " + "x" * 6000)
        drop(long_line)
        for _ in range(4):
            drop(Line(sb, "pop3"))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not all(i.ended for i in sb.transcripts.list()):
            time.sleep(0.05)
        files = sorted((tmp_path / "transcripts").iterdir())
        assert len(files) == 3 == len(sb.transcripts.list())
    finally:
        sb.stop()
    sb2 = Sandbox(tmp_path / "second", quiet=True)
    sb2.start()
    try:
        sb2.transcripts.limit = 4000
        c = Line(sb2, "pop3")
        c.cmd("USER someone@example.com")
        c.cmd("PASS whatever")
        for _ in range(300):
            c.cmd("NOOP")
        c.cmd("NOOP " + "y" * 6000)
        c.cmd("QUIT")
        drop(c)
        [info] = sessions_since(sb2, set())
        text = sb2.transcripts.get(info.id)
        assert info.ended == "QUIT" and info.size < 4000 + 500
        assert re.search(r"== limit \d+ lines left out past 4000 bytes", text)
        assert "y" * 100 not in text
    finally:
        sb2.stop()


def test_one_long_line_is_cut(sandbox):
    before = ids(sandbox)
    c = Line(sandbox, "smtps", tls_name="smtp.gmail.com")
    c.cmd("NOOP " + "z" * 20000)
    c.cmd("QUIT")
    drop(c)
    [info] = sessions_since(sandbox, before)
    text = sandbox.transcripts.get(info.id)
    line = next(x for x in text.splitlines() if "C: NOOP" in x)
    assert len(line) < 2200 and re.search(r"\.\.\. \[\d+ more characters\]\.\.\. \[\d+ more bytes\]$", line)


def test_a_transcript_is_on_disk_while_its_session_goes_on(sandbox):
    before = ids(sandbox)
    c = Line(sandbox, "pop3s")
    user = fresh()
    assert c.cmd(f"USER {user}").startswith("+OK")
    assert c.cmd(f"PASS {PASSWORD}").startswith("+OK")
    [info] = [i for i in sandbox.transcripts.list() if i.id not in before]
    text = sandbox.transcripts.get(info.id)
    assert (info.user, info.end, info.ended) == (user, None, None)
    assert "C: PASS [redacted: password]" in text and "== end" not in text
    assert c.cmd("QUIT").startswith("+OK")
    drop(c)
    [info] = sessions_since(sandbox, before)
    assert info.ended == "QUIT" and info.end >= info.start


def test_a_user_name_is_listed_whole_and_a_client_cannot_write_a_note(sandbox):
    before = ids(sandbox)
    c = Line(sandbox, "pop3")
    odd = f"odd (name) {uuid.uuid4().hex[:6]}@example.com"
    assert c.cmd("USER " + odd).startswith("+OK")
    assert c.cmd("PASS x\r\n00:00:00.000 == end QUIT (forged)").startswith("+OK")
    c.line()                               # the answer to the forged line, an unknown command
    drop(c)
    [info] = sessions_since(sandbox, before)
    assert (info.user, info.ended) == (odd.casefold(), "dropped")


def test_a_refused_data_leaves_the_commands_after_it_shown(sandbox):
    before = ids(sandbox)
    c = Line(sandbox, "smtps", tls_name="smtp.gmail.com")
    assert c.cmd("EHLO client").startswith("250")
    while not c.line().startswith("250 "):
        pass
    assert c.cmd("DATA").startswith("503")
    assert c.cmd("NOOP").startswith("250")
    assert c.cmd("QUIT").startswith("221")
    drop(c)
    [info] = sessions_since(sandbox, before)
    text = sandbox.transcripts.get(info.id)
    assert "C: NOOP" in text and info.ended == "QUIT" and "[message:" not in text


def test_the_end_of_a_message_is_found_however_the_reads_cut_it():
    from fourmail.sandbox.transcripts import _Splitter
    message = b"Message-ID: <cut@test>\r\n\r\nline\r\n..dot-stuffed\r\n.\r\n"
    after = b"QUIT\r\n"
    for cut in range(1, len(message) + len(after)):
        for second in range(cut, len(message) + len(after)):
            got, lines, ended = [], [], []
            s = _Splitter(lambda line, dropped: lines.append(line))
            s.take_until_dot(got.append, lambda: ended.append(len(lines)))
            whole = message + after
            for piece in (whole[:cut], whole[cut:second], whole[second:]):
                s.feed(piece)
            assert b"".join(got) == message[:-3] and ended == [0] and lines == [b"QUIT"], (cut, second)


def test_an_auth_split_by_a_tab_or_sent_without_a_mechanism_is_still_redacted(sandbox, live):
    """aiosmtpd splits AUTH's arguments on any blank: `AUTH PLAIN<TAB>credentials` signs in, and
    the credentials stay out; a word that names no mechanism may be credentials too."""
    user = fresh("tab")
    before = ids(sandbox)
    with smtps(sandbox) as s:
        s.ehlo()
        assert s.docmd("AUTH", "PLAIN\t" + b64(f"\0{user}\0{PASSWORD}"))[0] == 235
    with smtps(sandbox) as s:
        s.ehlo()
        assert s.docmd("AUTH", b64(f"\0{user}\0{PASSWORD}"))[0] >= 500      # no mechanism named
    sessions = sessions_since(sandbox, before, 2)
    assert len(sessions) == 2
    signed = [t for t in sessions if t.user]
    assert [t.user for t in signed] == [user]
    credentials = b64(f"\0{user}\0{PASSWORD}").upper()      # not even with its case changed
    for t in sessions:
        text = sandbox.transcripts.get(t.id)
        assert_clean(text, PASSWORD, f"\0{user}\0{PASSWORD}")
        assert credentials not in text.upper()
    assert_clean("\n".join(live), PASSWORD, f"\0{user}\0{PASSWORD}")
    assert credentials not in "\n".join(live).upper()


def test_a_clients_control_characters_cannot_reach_the_terminal(sandbox):
    before = ids(sandbox)
    with smtps(sandbox) as s:
        s.command_encoding = "utf-8"                 # the line as a hostile client sends it
        s.docmd("NOOP", "\u009b2J\u2028next\x1b[31m")
    (t,) = sessions_since(sandbox, before, 1)
    text = sandbox.transcripts.get(t.id)
    assert "\\x9b2J\\u2028next\\x1b[31m" in text
    assert not any(c in text for c in "\u009b\u2028\x1b")
