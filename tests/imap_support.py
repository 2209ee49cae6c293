"""Helpers of the IMAP tests: their own instances of the realmail servers, running 4D code
against them, and looking at the mailboxes independently of fourmail (imapclient, doveadm) to
count and hash messages.

The IMAP tests do not use the shared instance's alice and bob: the doc examples need other users
(4d@gmail.com twice with two passwords, test@gmail.com, xxxx), and tests that empty, move and
expunge whole mailboxes must not race the POP3/SMTP tests (or another test run) on the same
INBOX. So they start two more instances of tests/servers/realmail/start.sh, each with its own
work dir, ports and REALMAIL_USERS, under the lease rules of servers/control.py."""
from __future__ import annotations

import fcntl
import hashlib
import subprocess
from contextlib import contextmanager
from email.header import decode_header, make_header
from pathlib import Path

import imapclient

import conftest
import mailservers
from mailservers import make_message, sha  # noqa: F401  (re-exported for the IMAP tests)


def routes_for(server) -> list[str]:
    """The host names the tests' 4D code uses, routed to the servers (TLS verifies 127.0.0.x)."""
    return [f"imap.test:993={server.host}:{server.imaps}",      # IMAPS
            f"imap.test:143={server.host}:{server.imap}",       # STARTTLS offered
            f"notls.test:143={server.notls_host}:{server.imap}"]  # no STARTTLS at all


def run4d(server, source: str, *, project_dir: Path, answers=None, cafile=True):
    """Run 4D code in-process with the routes above; returns ALERT output and the uncaught error."""
    return conftest.run4d(source, project_dir=project_dir, answers=answers, routes=routes_for(server),
                          cafiles=[server.ca] if cafile else ())


def client(server, user: str, password: str) -> imapclient.IMAPClient:
    c = imapclient.IMAPClient(server.host, server.imaps, ssl_context=server.ssl_context(), timeout=10)
    c.login(user, password)
    return c


def box_hashes(server, user: str, password: str, box: str) -> list[str]:
    """sha256 of every message of the box (sorted): what "no mail is lost" compares."""
    c = client(server, user, password)
    try:
        c.select_folder(box, readonly=True)
        data = c.fetch(c.search("ALL"), ["BODY.PEEK[]"])
        return sorted(hashlib.sha256(d[b"BODY[]"]).hexdigest() for d in data.values())
    finally:
        c.logout()


def box_flags(server, user: str, password: str, box: str) -> dict[str, set[str]]:
    """{Subject: flags} of every message of the box."""
    c = client(server, user, password)
    try:
        c.select_folder(box, readonly=True)
        data = c.fetch(c.search("ALL"), ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        out = {}
        for d in data.values():
            raw = d[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip()
            subject = str(make_header(decode_header(raw)))
            out[subject] = {f.decode() for f in d[b"FLAGS"] if f != b"\\Recent"}
        return out
    finally:
        c.logout()


def doveadm(conf: Path, *args: str, stdin: bytes | None = None, ok=(0,)) -> str:
    p = subprocess.run(["doveadm", "-c", str(conf), *args], input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL, capture_output=True, timeout=60)
    if p.returncode not in ok:
        raise RuntimeError(f"doveadm {' '.join(args)}: exit {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode(errors="replace")


def reset_account(server, conf: Path, user: str, password: str, keep=("INBOX", "Drafts", "Sent", "Trash",
                                                                      "Junk", "Archive")) -> None:
    """Empty every mailbox of the user and delete the ones the tests created."""
    c = client(server, user, password)
    try:
        folders = [name for _, _, name in c.list_folders()]
        for name in sorted(folders, key=len, reverse=True):
            if name not in keep:
                try:
                    c.delete_folder(name)
                except imapclient.exceptions.IMAPClientError:
                    pass
        for sub in c.list_sub_folders():
            if sub[2] not in keep:
                c.unsubscribe_folder(sub[2])
    finally:
        c.logout()
    for name in keep:
        doveadm(conf, "expunge", "-u", user, "mailbox", name, "all", ok=(0, 68))


def save(conf: Path, user: str, raw: bytes, box: str = "INBOX") -> None:
    """Store a message through Dovecot (doveadm save), creating the box if needed."""
    if box.upper() != "INBOX":
        doveadm(conf, "mailbox", "create", "-u", user, box, ok=(0, 65))
    doveadm(conf, "save", "-u", user, "-m", box, stdin=raw)


# name -> (work dir, port base, users); "docs" also serves tests/test_imap.py (user carol)
INSTANCES = {
    "docs": (Path("/tmp/fourmail-imapdocs"), 11000,
             {"4d": "XXXXXXXX", "test": "test-pw", "xxxx": "xxxx", "carol": "carol-pw"}),
    "docs2": (Path("/tmp/fourmail-imapdocs2"), 12000, {"4d": "xxxxx"}),
}


def instance(name: str):
    """The named instance, started (or joined) once per process, released at exit."""
    workdir, base, users = INSTANCES[name]
    return mailservers.instance(name, users, base, workdir=workdir)


@contextmanager
def exclusive():
    """One test at a time on these instances' accounts, even across overlapping test runs
    (a test empties and fills whole mailboxes)."""
    lock = INSTANCES["docs"][0] / ".imap-tests.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield
