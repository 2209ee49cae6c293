"""The sandbox IMAP server on big mailboxes: every command reads the folder's `dovecot-uidlist` a
bounded number of times, whatever the number of messages (pymap read it once per message:
quadratic), time grows linearly, and nothing it keeps between reads is ever stale: what SMTP,
POP3, another session or another process changes shows in the very next command.
The timings themselves are in bench/imap_big_mailbox.py."""
from __future__ import annotations

import asyncio
import imaplib
import os
import re
import time
from pathlib import Path

import pytest

from fourmail.sandbox.demo import seed
from fourmail.sandbox.store import Store
from sandbox_util import ep, fresh, message, pop3s, sandbox, smtps  # noqa: F401


def store_of(sb) -> Store:
    return Store(sb.store_dir, seed=seed)


def login(sb, user) -> imaplib.IMAP4:
    e = ep(sb, "imap")
    m = imaplib.IMAP4(e.host, e.port, timeout=120)
    m.login(user, "pw")
    return m


def big(sb, n) -> str:
    user = fresh("big")
    asyncio.run(store_of(sb).fill(user, n))
    return user


@pytest.fixture
def uidlist_reads(monkeypatch):
    """How many times the server parses a dovecot-uidlist (counted in the server itself)."""
    from pymap.backend.maildir.uidlist import UidList
    count = [0]
    original = UidList.file_read.__func__

    def counting(cls, path):
        count[0] += 1
        return original(cls, path)
    monkeypatch.setattr(UidList, "file_read", classmethod(counting))
    return count


COMMANDS = [("SELECT", lambda m: m.select("INBOX")),
            ("STATUS", lambda m: m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")),
            ("UID SEARCH ALL", lambda m: m.uid("SEARCH", "ALL")),
            ("SEARCH UNSEEN", lambda m: m.search(None, "UNSEEN")),
            ("FETCH 1:* (FLAGS)", lambda m: m.fetch("1:*", "(FLAGS)")),
            ("STORE 1:* +FLAGS", lambda m: m.store("1:*", "+FLAGS.SILENT", "(\\Answered)")),
            ("STORE 1:* -FLAGS", lambda m: m.store("1:*", "-FLAGS.SILENT", "(\\Answered)")),
            ("NOOP", lambda m: m.noop())]


def test_each_command_reads_the_uid_list_a_bounded_number_of_times(sandbox, uidlist_reads):
    n = 2000
    m = login(sandbox, big(sandbox, n))
    m.select("INBOX")
    for name, command in COMMANDS:
        uidlist_reads[0] = 0
        typ, _ = command(m)
        assert typ == "OK", name
        assert uidlist_reads[0] <= 3, f"{name}: {uidlist_reads[0]} reads for {n} messages"
    for name, folder, command in [("COPY", "Archive", lambda: m.copy("1:*", "Archive")),
                                  ("MOVE", "Moved", lambda: m.uid("MOVE", "1:500", "Moved"))]:
        m.create(folder)
        uidlist_reads[0] = 0
        typ, data = command()
        assert typ == "OK", (name, data)
        assert uidlist_reads[0] <= 4, f"{name}: {uidlist_reads[0]} reads for {n} messages"
    assert m.status("Archive", "(MESSAGES)")[1][0] == b"Archive (MESSAGES %d)" % (n + 8)
    assert m.status("Moved", "(MESSAGES)")[1][0] == b"Moved (MESSAGES 500)"
    m.noop()
    m.untagged_responses.clear()           # MOVE's own EXPUNGEs
    m.store("1:100", "+FLAGS.SILENT", "(\\Deleted)")
    uidlist_reads[0] = 0
    typ, data = m.expunge()
    assert typ == "OK" and len(data) == 100
    assert uidlist_reads[0] <= 3
    m.logout()


def test_time_grows_linearly(sandbox):
    def best(m, command) -> float:
        times = []
        for _ in range(3):
            t = time.perf_counter()
            assert command(m)[0] == "OK"
            times.append(time.perf_counter() - t)
        return min(times)

    sessions = {n: login(sandbox, big(sandbox, n)) for n in (200, 2000)}
    for m in sessions.values():
        m.select("INBOX")
    for name, command in COMMANDS[:5]:
        small, large = best(sessions[200], command), best(sessions[2000], command)
        # 10x the messages: linear is about 10x the time, pymap's quadratic read was about 100x
        assert large < 40 * max(small, 0.002), f"{name}: {small:.4f} s at 200, {large:.4f} s at 2000"
    for m in sessions.values():
        m.logout()


# ---------------------------------------------------------------- never stale
def exists(m) -> int:
    m.noop()
    return int(m.select("INBOX", readonly=True)[1][0])


def test_deliveries_show_in_the_next_command_every_time(sandbox):
    user = big(sandbox, 300)
    m = login(sandbox, user)
    count = int(m.select("INBOX")[1][0])
    store = store_of(sandbox)
    for i in range(15):           # each delivery within milliseconds of the previous command
        asyncio.run(store.deliver(user, f"Subject: quick {i}\r\n\r\nbody\r\n".encode()))
        typ, data = m.noop()
        count += 1
        assert m.untagged_responses.pop("EXISTS", [b"?"])[-1] == str(count).encode(), i
        m.untagged_responses.clear()
        typ, data = m.fetch(str(count), "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        assert f"quick {i}".encode() in data[0][1]
    with smtps(sandbox) as s:
        s.login(fresh(), "pw")
        s.send_message(message("over smtp", to=user))
    m.noop()                      # SEARCH answers with the messages the session was told of
    assert m.search(None, "SUBJECT", '"over smtp"')[1][0] == str(count + 1).encode()
    m.logout()


def test_pop3_deletions_and_other_sessions_flags_show_at_once(sandbox):
    user = big(sandbox, 300)
    a, b = login(sandbox, user), login(sandbox, user)
    total = int(a.select("INBOX")[1][0])
    b.select("INBOX")
    for i in range(1, 6):
        b.store(str(i), "+FLAGS", "(\\Flagged \\Seen)")
        assert b"\\Flagged" in a.fetch(str(i), "(FLAGS)")[1][0]
        b.store(str(i), "-FLAGS", "(\\Flagged)")
        assert b"\\Flagged" not in a.fetch(str(i), "(FLAGS)")[1][0]
    p = pop3s(sandbox, user)
    p.dele(1)
    p.dele(2)
    p.quit()
    typ, data = a.noop()
    assert len(a.untagged_responses.pop("EXPUNGE", [])) == 2
    assert int(a.status("INBOX", "(MESSAGES)")[1][0].split()[-1].rstrip(b")")) == total - 2
    assert len(a.search(None, "ALL")[1][0].split()) == total - 2
    a.logout()
    b.logout()


def test_a_flag_changed_by_another_program_shows_at_once(sandbox):
    # another program (mutt, Dovecot) renames the file: no uid list change at all
    user = big(sandbox, 300)
    m = login(sandbox, user)
    m.select("INBOX")
    folder = Path(store_of(sandbox).account_dir(user))
    for i in range(5):
        uid = m.fetch("1:*", "(UID FLAGS)")[1]
        names = sorted(os.listdir(folder / "cur"))
        target = next(n for n in names if n.endswith(":2,S"))
        os.rename(folder / "cur" / target, folder / "cur" / (target[:-1] + "FS"))
        flags = m.fetch("1:*", "(FLAGS)")[1]
        assert sum(b"\\Flagged \\Seen" in f for f in flags) == sum(b"\\Flagged \\Seen" in f for f in uid) + 1, i
        assert len(re.findall(rb"FLAGS", b" ".join(flags))) == 300 + 8          # and the demo mailbox
    # a STORE keeps the flag the other program set: it reads the file's name as it is now
    target = next(n for n in sorted(os.listdir(folder / "cur")) if n.endswith(":2,S"))
    key = target.split(":")[0]
    m.select("INBOX")
    os.rename(folder / "cur" / target, folder / "cur" / f"{key}:2,DS")
    assert m.uid("STORE", str(uid_of(folder, key)), "+FLAGS.SILENT", "(\\Answered)")[0] == "OK"
    assert [n for n in os.listdir(folder / "cur") if n.startswith(key)] == [f"{key}:2,DRS"]    # R is \Answered
    m.logout()


def uid_of(folder: Path, key: str) -> int:
    for line in (folder / "dovecot-uidlist").read_text().splitlines()[1:]:
        if line.split(":", 1)[1].split(":")[0] == key:
            return int(line.split()[0])
    raise KeyError(key)
