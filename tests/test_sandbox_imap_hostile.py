"""The sandbox IMAP server (pymap, fixed in imap_protocol.py and imap_maildir.py) under what any
client may send: each hostile command gets BAD or NO, never a hang, a buffered flood or an ended
session, and the session (and every other listener) goes on. Raw sockets: exact bytes."""
from __future__ import annotations

import socket

import pytest

from fourmail.sandbox.limits import MESSAGE_SIZE_LIMIT, PREAUTH_LITERAL_LIMIT
from sandbox_util import ep, fresh, pop3s, sandbox  # noqa: F401


class Raw:
    """An IMAP client on a plain socket: lines as written, answers as sent."""

    def __init__(self, sb, user: str | None = None):
        e = ep(sb, "imap")
        self.sock = socket.create_connection((e.host, e.port), timeout=10)   # a hang fails here
        self.file = self.sock.makefile("rb")
        self.greeting = self.line()
        self.n = 0
        if user:
            assert self.cmd(f"LOGIN {user} pw")[-1].startswith(b"%s OK" % self.tag)

    def line(self) -> bytes:
        return self.file.readline().rstrip(b"\r\n")

    def send(self, data: bytes | str) -> None:
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def cmd(self, text: bytes | str) -> list[bytes]:
        """Send a tagged command; every line up to its tagged answer (or a '+')."""
        self.n += 1
        self.tag = b"t%d" % self.n
        self.send(self.tag + b" " + (text.encode() if isinstance(text, str) else text) + b"\r\n")
        return self.until_tagged()

    def until_tagged(self) -> list[bytes]:
        out = []
        while True:
            line = self.line()
            out.append(line)
            if line.startswith(self.tag + b" ") or line.startswith(b"+") or not line:
                return out

    def close(self) -> None:
        self.sock.close()


def answer(lines: list[bytes]) -> bytes:
    return lines[-1].split(b" ", 2)[1] if lines and lines[-1] else b"<closed>"


def still_serving(sb, raw: Raw | None = None) -> None:
    """The session answers NOOP, and the other listeners answer too."""
    if raw is not None:
        assert answer(raw.cmd("NOOP")) == b"OK"
    other = Raw(sb, fresh())
    assert answer(other.cmd("SELECT INBOX")) == b"OK"
    other.close()
    p = pop3s(sb, fresh())
    assert p.stat()[0] == 8
    p.quit()


# ---------------------------------------------------------------- mailbox names
BAD_NAMES = ["R&D", "&Jjo", "a&", "&A-", "&AAA-", "&2D3-", "&Jjo-&", '"R&D"']


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("command", ["SELECT {}", "EXAMINE {}", "STATUS {} (MESSAGES)", "CREATE {}", "DELETE {}",
                                     "RENAME {} other", "RENAME INBOX/x {}", "SUBSCRIBE {}", "LIST \"\" {}",
                                     "LSUB {} *", "APPEND {} {{1+}}\r\nx"])
def test_invalid_modified_utf7_names_are_refused_never_hang(sandbox, name, command):
    # pymap's decoder looped forever on an unclosed '&' (curl sends R&D as is): every listener stopped.
    raw = Raw(sandbox, fresh())
    assert answer(raw.cmd(command.format(name))) == b"BAD"
    still_serving(sandbox, raw)
    raw.close()


def test_valid_modified_utf7_names_still_work(sandbox):
    raw = Raw(sandbox, fresh())
    assert answer(raw.cmd("CREATE R&-D")) == b"OK"                      # "R&D", properly encoded
    assert answer(raw.cmd("CREATE Re&AwE-sum&AOk-")) == b"OK"          # non-ASCII
    listing = raw.cmd('LIST "" *')
    assert b'"R&-D"' in b"\n".join(listing) or b" R&-D" in b"\n".join(listing)
    assert b"Re&AwE-sum&AOk-" in b"\n".join(listing)
    assert answer(raw.cmd("SELECT R&-D")) == b"OK"
    raw.close()


@pytest.mark.parametrize("command", ['DELETE ""', "DELETE /", "DELETE a//b", 'RENAME Drafts ""', "RENAME Drafts .",
                                     "CREATE /", "CREATE .", "CREATE a/", 'SELECT ""', "SELECT .", "SELECT /",
                                     'STATUS "" (MESSAGES)', 'SUBSCRIBE ""', 'APPEND "/" {1+}\r\nx', 'COPY 1 ""'])
def test_names_outside_the_account_are_refused(sandbox, command):
    # In Maildir++, "" is the account's own folder and "/" the folder of all accounts:
    # DELETE "" emptied the account, CREATE / made the store's root a Maildir.
    user = fresh()
    raw = Raw(sandbox, user)
    assert answer(raw.cmd("SELECT INBOX")) == b"OK"
    assert raw.cmd(command)[-1].startswith(raw.tag + b" NO [CANNOT]")
    status = raw.cmd("STATUS INBOX (MESSAGES)")
    assert status[0] == b"* STATUS INBOX (MESSAGES 8)" and answer(status) == b"OK"
    assert b"Drafts" in b"\n".join(raw.cmd('LIST "" *'))
    mail_root = sandbox.store_dir / "mail"
    assert not any((mail_root / sub).exists() for sub in ("cur", "new", "tmp", "maildirfolder"))
    still_serving(sandbox, raw)
    raw.close()


@pytest.mark.parametrize("search", [b'SEARCH SUBJECT "\xff"', b'SEARCH CHARSET UTF-8 SUBJECT "\xff\xfe"'])
def test_undecodable_search_text_is_refused(sandbox, search):
    raw = Raw(sandbox, fresh())
    assert answer(raw.cmd("SELECT INBOX")) == b"OK"
    assert answer(raw.cmd(search)) == b"BAD"
    still_serving(sandbox, raw)
    raw.close()


# ---------------------------------------------------------------- literals and lines
def test_no_big_literal_before_login(sandbox):
    raw = Raw(sandbox)
    # synchronizing: refused at once, no "+": the client never sends the 999,999,999 bytes
    lines = raw.cmd("APPEND INBOX {999999999}")
    assert lines[-1].startswith(raw.tag + b" BAD [TOOBIG]")
    lines = raw.cmd("APPEND INBOX {%d}" % (PREAUTH_LITERAL_LIMIT + 1))
    assert lines[-1].startswith(raw.tag + b" BAD [TOOBIG]")
    assert answer(raw.cmd("NOOP")) == b"OK"
    # non-synchronizing: refused, and the connection closed rather than read
    raw.send(b"t99 APPEND INBOX {999999999+}\r\n")
    assert raw.line().startswith(b"t99 BAD [TOOBIG]")
    assert raw.line().startswith(b"* BYE")
    try:
        for _ in range(64):                    # 64 MiB would be buffered by a server still reading
            raw.send(b"x" * (1 << 20))
        closed = raw.file.read() == b""
    except OSError:
        closed = True
    assert closed
    raw.close()
    still_serving(sandbox)


def test_append_limit_after_login(sandbox):
    raw = Raw(sandbox, fresh())
    caps = b" ".join(raw.cmd("CAPABILITY"))
    assert b"APPENDLIMIT=%d" % MESSAGE_SIZE_LIMIT in caps
    lines = raw.cmd("APPEND INBOX {%d}" % (MESSAGE_SIZE_LIMIT + 1))
    assert lines[-1].startswith(raw.tag + b" NO [TOOBIG]")      # RFC 7889; and no "+" was sent
    body = b"Subject: small\r\n\r\nhello\r\n"
    assert raw.cmd(b"APPEND INBOX {%d}" % len(body))[-1].startswith(b"+")
    raw.send(body + b"\r\n")
    assert answer(raw.until_tagged()) == b"OK"
    raw.send(b"t98 APPEND INBOX {%d+}\r\n" % (MESSAGE_SIZE_LIMIT + 1))
    assert raw.line().startswith(b"t98 BAD [TOOBIG]")
    assert raw.line().startswith(b"* BYE")
    raw.close()
    still_serving(sandbox)


def test_a_line_over_64_kib_is_refused_and_the_session_goes_on(sandbox):
    raw = Raw(sandbox, fresh())
    assert answer(raw.cmd(b"SELECT INBOX")) == b"OK"
    lines = raw.cmd(b"UID FETCH " + b"1," * 33000 + b"1 (FLAGS)")        # 66,000 bytes
    assert answer(lines) == b"BAD"
    still_serving(sandbox, raw)
    raw.close()


def test_before_login_a_long_line_is_refused_too(sandbox):
    raw = Raw(sandbox)
    assert answer(raw.cmd(b"LOGIN " + b"a" * 70000 + b" pw")) == b"BAD"
    assert answer(raw.cmd("NOOP")) == b"OK"
    raw.close()


# ---------------------------------------------------------------- ended sessions
def test_create_makes_the_missing_parents(sandbox):
    raw = Raw(sandbox, fresh())
    assert answer(raw.cmd("CREATE x/y/z")) == b"OK"
    listing = b"\n".join(raw.cmd('LIST "" x*'))
    for name in (b'"/" x\r', b'"/" x/y\r', b'"/" x/y/z\r'):
        assert name.rstrip(b"\r") in listing.replace(b"\r", b"")
    assert answer(raw.cmd("SELECT x/y/z")) == b"OK"
    still_serving(sandbox, raw)
    raw.close()


@pytest.mark.parametrize("depth", [400, 5000])
def test_deeply_nested_search_is_refused(sandbox, depth):
    raw = Raw(sandbox, fresh())
    assert answer(raw.cmd("SELECT INBOX")) == b"OK"
    assert answer(raw.cmd("SEARCH " + "(" * depth + "ALL" + ")" * depth)) in (b"BAD", b"NO")
    still_serving(sandbox, raw)
    raw.close()


def test_a_moderately_nested_search_still_works(sandbox):
    raw = Raw(sandbox, fresh())
    assert answer(raw.cmd("SELECT INBOX")) == b"OK"
    lines = raw.cmd("SEARCH " + "(" * 20 + "ALL" + ")" * 20)
    assert answer(lines) == b"OK" and lines[0] == b"* SEARCH 1 2 3 4 5 6 7 8"
    raw.close()


def test_many_small_literals_before_login_add_up(sandbox):
    raw = Raw(sandbox)
    chunk = b"x" * 4000
    raw.send(b"t9 LOGIN {4000+}\r\n" + chunk + b" {4000+}\r\n" + chunk)
    for _ in range(40):                         # 160,000 bytes: far over what one command may bring
        try:
            raw.send(b" {4000+}\r\n" + chunk)
        except OSError:
            break
    assert raw.line().startswith(b"t9 BAD [TOOBIG]")
    raw.close()
    still_serving(sandbox)


def test_an_append_of_exactly_the_limit_is_taken(sandbox):
    user = fresh()
    raw = Raw(sandbox, user)
    body = b"Subject: big\r\n\r\n" + b"a" * (MESSAGE_SIZE_LIMIT - 16 - 2) + b"\r\n"
    assert len(body) == MESSAGE_SIZE_LIMIT
    raw.send(b"t50 APPEND INBOX {%d+}\r\n" % len(body) + body + b"\r\n")
    raw.tag = b"t50"
    assert answer(raw.until_tagged()) == b"OK"
    assert raw.cmd("STATUS INBOX (MESSAGES)")[0] == b"* STATUS INBOX (MESSAGES 9)"
    raw.close()


def test_rename_of_a_missing_mailbox_or_onto_an_existing_one_is_refused(sandbox):
    raw = Raw(sandbox, fresh())
    assert raw.cmd("RENAME nowhere somewhere")[-1].startswith(raw.tag + b" NO [NONEXISTENT]")
    assert raw.cmd('RENAME Drafts "Junk Email"')[-1].startswith(raw.tag + b" NO [ALREADYEXISTS]")
    listing = b"\n".join(raw.cmd('LIST "" *'))
    assert b"somewhere" not in listing and b"Drafts" in listing
    assert raw.cmd('STATUS "Junk Email" (MESSAGES)')[0] == b'* STATUS "Junk Email" (MESSAGES 2)'
    assert answer(raw.cmd("RENAME Drafts Brouillons")) == b"OK"
    still_serving(sandbox, raw)
    raw.close()


def test_a_long_line_inside_authenticate_or_idle_is_refused(sandbox):
    raw = Raw(sandbox)
    assert raw.cmd("AUTHENTICATE PLAIN")[-1].startswith(b"+")
    raw.send(b"A" * 70000 + b"\r\n")
    assert answer(raw.until_tagged()) in (b"BAD", b"NO")
    assert answer(raw.cmd(f"LOGIN {fresh()} pw")) == b"OK"
    assert answer(raw.cmd("SELECT INBOX")) == b"OK"
    assert raw.cmd("IDLE")[-1].startswith(b"+")
    raw.send(b"D" * 70000 + b"\r\n")                  # instead of DONE
    assert answer(raw.until_tagged()) == b"BAD"
    still_serving(sandbox, raw)
    raw.close()
