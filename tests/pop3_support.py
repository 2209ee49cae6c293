"""Helpers of the POP3 tests: an instance of the real servers of their own, 4D code (or the
transporter itself) run against it, mailboxes filled and looked at without fourmail (the Maildir
files and Dovecot's own log), to count and hash messages."""
from __future__ import annotations

import io
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

import conftest
import mailservers
from fourmail.mail.network import parse_route
from fourmail.runtime.session import Runtime
from mailservers import Realmail, make_message, sha  # noqa: F401  (re-exported for the POP3 tests)
from servers import control

ATTACHMENT = bytes(range(256)) * 4

# The POP3 tests run on an instance of tests/servers/realmail of their own (work dir, ports,
# REALMAIL_USERS), like the IMAP doc examples: the doc examples log in as 4d@gmail.com /
# XXXXXXXX and test@gmail.com (Dovecot keeps the local part, %Ln), accounts the shared instance
# does not have, and the "no mail is lost" fingerprints must be exact, so no other test (or
# parallel test run) may write to these mailboxes. Same lease rules (servers/control.py): the
# last test run using it stops it.
WORKDIR = Path(os.environ.get("FOURMAIL_POP3_REALMAIL_DIR", "/tmp/fourmail-pop3"))
PORT_BASE = 13000
USERS = {"pop3-user": "pop3-pw",      # test_pop3.py
         "pop3-keep": "keep-pw",      # test_pop3_no_mail_lost.py
         "4d": "XXXXXXXX",            # the doc examples' 4d@gmail.com
         "test": "test-pw"}           # POP3TransporterClass__01's test@gmail.com (password asked)

def servers() -> Realmail:
    """Start (or join) the POP3 tests' instance, once per process; released at exit."""
    return mailservers.instance("pop3", USERS, PORT_BASE, workdir=WORKDIR)


@pytest.fixture(scope="session")
def pop3mail() -> Realmail:
    """The POP3 tests' servers (import this fixture into a test module)."""
    try:
        return servers()
    except control.RealmailError as e:
        pytest.fail(str(e), pytrace=False)     # never skip: the transporter is meaningless untested


def routes_for(server) -> list[str]:
    """The host names the tests' 4D code uses, routed to the servers (TLS verifies 127.0.0.x)."""
    return [f"pop.test:995={server.host}:{server.pop3s}",        # POP3S
            f"pop.test:110={server.host}:{server.pop3}",         # STLS offered
            f"notls.test:110={server.notls_host}:{server.pop3}"]  # no STLS at all


def runtime(server, *, project_dir: Path, answers=None, cafile=True, out=None, routes=()) -> Runtime:
    rt = Runtime(project_dir=project_dir, out=out or io.StringIO(), answers=answers, interactive=False)
    rt.routes = [parse_route(r) for r in [*routes, *routes_for(server)]]
    rt.cafiles = [str(server.ca)] if cafile else []
    return rt


def run4d(server, source: str, *, project_dir: Path, answers=None, cafile=True, routes=()):
    """Run 4D code in-process with the routes above. Locals are kept (Result.variables) so a test
    can read what a snippet computed without printing it; the run ends with the release of them all."""
    return conftest.run4d(source, project_dir=project_dir, answers=answers, routes=[*routes, *routes_for(server)],
                          cafiles=[server.ca] if cafile else (), keep_variables=True)


def sample_messages() -> list[bytes]:
    """Three messages: non-ASCII subject with an attachment, multipart/alternative, plain."""
    return [make_message("Réunion à 10h — 日本語 ☕", attachment=("données.bin", ATTACHMENT)),
            make_message("Weekly report", html="<p>report</p>"),
            make_message("4D new feature: POP3", sender="Bob <bob@example.com>", text="x" * 3000 + "\n")]


def doveadm(server, *args: str, stdin: bytes | None = None, ok=(0,)) -> None:
    p = subprocess.run(["doveadm", "-c", str(server.dovecot_conf), *args], input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL, capture_output=True, timeout=60)
    if p.returncode not in ok:
        raise AssertionError(f"doveadm {' '.join(args)}: exit {p.returncode}: {p.stderr.decode(errors='replace')}")


def messages(server, user: str) -> list[bytes]:
    """The message files of user's INBOX (new/ and cur/), in delivery order (= POP3 numbers)."""
    md = server.maildir(user)
    for _ in range(20):
        try:
            files = [p for sub in ("new", "cur") if (md / sub).is_dir() for p in (md / sub).iterdir()]
            # Dovecot names files "<seconds>.M<microseconds>P<pid>...": that is the delivery order.
            key = [(int(p.name.partition(".M")[0]), int(p.name.partition(".M")[2].partition("P")[0]))
                   if p.name.partition(".M")[0].isdigit() else (0, 0) for p in files]
            return [p.read_bytes() for _, p in sorted(zip(key, files))]
        except FileNotFoundError:
            time.sleep(0.01)     # Dovecot moved a file (new/ -> cur/) while we read: rescan
    raise AssertionError(f"{md} kept changing while being read")


def fill(server, user: str, msgs: list[bytes]) -> list[bytes]:
    """Empty user's INBOX and store msgs in it (doveadm save: numbered 1..n in this order)."""
    doveadm(server, "expunge", "-u", user, "mailbox", "INBOX", "all", ok=(0, 68))
    for m in msgs:
        doveadm(server, "save", "-u", user, "-m", "INBOX", stdin=m)
    assert len(messages(server, user)) == len(msgs)
    return msgs


def box_hashes(server, user: str) -> list[str]:
    """sha256 of every message file of the INBOX (sorted), read from the Maildir, not over POP3:
    what "no mail is lost" compares before and after."""
    return sorted(sha(m) for m in messages(server, user))


def normalized(raw: bytes) -> bytes:
    """A message as POP3 serves it (CRLF), whatever line ends the Maildir file has."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def dovecot_log(server) -> str:
    path = server.dir / "log" / "dovecot.log"
    return path.read_text(errors="replace") if path.exists() else ""


def _log_lines(server, pattern: str, since: int, expect: int) -> list[str]:
    """The lines of Dovecot's log (after byte offset `since`) matching pattern. Dovecot writes its
    log through a separate process, a moment after it answered the client: wait up to 10 s for
    `expect` lines rather than race them."""
    deadline = time.monotonic() + 10
    while True:
        lines = [line for line in dovecot_log(server)[since:].splitlines() if re.search(pattern, line)]
        if len(lines) >= expect or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def pop3_logins(server, user: str, since: int = 0, expect: int = 0) -> list[str]:
    """Dovecot's own record of the POP3 logins of user (after byte offset `since` of its log):
    e.g. "method=CRAM-MD5, ..., TLS" — proof of what really happened on the wire."""
    return _log_lines(server, rf"pop3-login: Info: Login: user=<{re.escape(user)}>", since, expect)


def pop3_disconnects(server, user: str, since: int = 0, expect: int = 0) -> list[str]:
    """Dovecot's end-of-session lines for user: "Logged out ... retr=N/bytes, del=N/M"."""
    return _log_lines(server, rf"pop3\({re.escape(user)}\).*Disconnected", since, expect)
