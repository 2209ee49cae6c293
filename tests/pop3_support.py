"""Helpers of the POP3 tests: an instance of the real servers of their own, 4D code (or the
transporter itself) run against it, mailboxes filled and looked at without fourmail (the Maildir
files and Dovecot's own log), to count and hash messages."""
from __future__ import annotations

import atexit
import hashlib
import io
import os
import re
import subprocess
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from fourmail.mail.network import parse_route
from mailservers import Realmail
from servers import control
from fourmail.runtime.errors import FourDError
from fourmail.runtime.session import Runtime

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

_lock = threading.Lock()
_servers: Realmail | None = None


def servers() -> Realmail:
    """Start (or join) the POP3 tests' instance, once per process; released at exit."""
    global _servers
    with _lock:
        if _servers is None:
            settings = {"REALMAIL_USERS": " ".join(f"{u}:{p}" for u, p in USERS.items())}
            for key, port in (("IMAP", 143), ("IMAPS", 993), ("POP3", 110), ("POP3S", 995), ("SMTP", 25),
                              ("SUBMISSION", 587), ("SMTPS", 465), ("SMTP_NOTLS", 26)):
                settings[f"REALMAIL_{key}_PORT"] = str(PORT_BASE + port)
            saved = {k: os.environ.get(k) for k in settings}
            os.environ.update(settings)           # start.sh reads its settings from the environment
            try:
                control.acquire(WORKDIR)
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            atexit.register(control.release, WORKDIR)
            _servers = _load(WORKDIR)
        return _servers


def _load(workdir: Path) -> Realmail:
    env = {}
    for line in (workdir / "realmail.env").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            env[key.removeprefix("REALMAIL_")] = value.strip('"')
    ports = {k.removesuffix("_PORT").lower(): int(v) for k, v in env.items() if k.endswith("_PORT")}
    return Realmail(dir=workdir, host=env["HOST"], notls_host=env["NOTLS_HOST"], **ports, ca=Path(env["CA"]),
                    users=dict(u.split(":", 1) for u in env["USERS"].split()),
                    dovecot_conf=Path(env["DOVECOT_CONF"]))


@pytest.fixture(scope="session")
def pop3mail() -> Realmail:
    """The POP3 tests' servers (import this fixture into a test module)."""
    try:
        return servers()
    except control.RealmailError as e:
        pytest.fail(str(e), pytrace=False)     # never skip: the transporter is meaningless untested


class Result:
    def __init__(self, out: str, error, rt, variables: dict):
        self.out, self.error, self.rt, self.variables = out, error, rt, variables

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


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


def run4d(server, source: str, *, project_dir: Path, answers=None, cafile=True, routes=()) -> Result:
    """Run 4D code in-process with the routes above. Locals are kept (dict mode) so a test can
    read what a snippet computed without printing it; the run ends with the release of them all."""
    out = io.StringIO()
    rt = runtime(server, project_dir=project_dir, answers=answers, cafile=cafile, out=out, routes=routes)
    method = rt.compile_source(source, "test.4dm", "test", locals_mode="dict")
    rt.main_name = "test"
    variables: dict = {}
    error = None
    try:
        try:
            rt.run(method, locals_dict=variables)
        finally:
            rt.shutdown()
    except FourDError as e:
        error = e
    return Result(out.getvalue(), error, rt, variables)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_message(subject: str, *, sender="Zoë Martin <alice@example.com>", to="bob@example.com",
                 text="Bonjour à tous,\nvoici le message.\n", html: str | None = None,
                 attachment: tuple[str, bytes] | None = None) -> bytes:
    """A real MIME message with CRLF line ends (what a POP3 server serves)."""
    m = EmailMessage()
    m["From"] = sender
    m["To"] = to
    m["Subject"] = subject
    m["Message-ID"] = f"<{sha(subject.encode())[:16]}@example.com>"
    m["Date"] = "Mon, 02 Mar 2026 10:00:00 +0100"
    m.set_content(text)
    if html:
        m.add_alternative(html, subtype="html")
    if attachment:
        name, data = attachment
        m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return m.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


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


def pop3_logins(server, user: str, since: int = 0) -> list[str]:
    """Dovecot's own record of the POP3 logins of user (after byte offset `since` of its log):
    e.g. "method=CRAM-MD5, ..., TLS" — proof of what really happened on the wire."""
    return [line for line in dovecot_log(server)[since:].splitlines()
            if re.search(rf"pop3-login: Info: Login: user=<{re.escape(user)}>", line)]


def pop3_disconnects(server, user: str, since: int = 0) -> list[str]:
    """Dovecot's end-of-session lines for user: "Logged out ... retr=N/bytes, del=N/M"."""
    return [line for line in dovecot_log(server)[since:].splitlines()
            if re.search(rf"pop3\({re.escape(user)}\).*Disconnected", line)]

