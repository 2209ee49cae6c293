"""Helpers of the IMAP tests: their own instances of the realmail servers, running 4D code
against them, and looking at the mailboxes independently of fourmail (imapclient, doveadm) to
count and hash messages.

The IMAP tests do not use the shared instance's alice and bob: the doc examples need other users
(4d@gmail.com twice with two passwords, test@gmail.com, xxxx), and tests that empty, move and
expunge whole mailboxes must not race the POP3/SMTP tests (or another test run) on the same
INBOX. So they start two more instances of tests/servers/realmail/start.sh, each with its own
work dir, ports and REALMAIL_USERS, under the lead's lease rules (servers/control.py)."""
from __future__ import annotations

import atexit
import fcntl
import hashlib
import io
import os
import ssl
import subprocess
from contextlib import contextmanager
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path

import imapclient

from fourmail.mail.network import parse_route
from fourmail.runtime.errors import FourDError
from fourmail.runtime.session import Runtime


class Result:
    def __init__(self, out: str, error, rt):
        self.out, self.error, self.rt = out, error, rt

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def routes_for(server) -> list[str]:
    """The host names the tests' 4D code uses, routed to the servers (TLS verifies 127.0.0.x)."""
    return [f"imap.test:993={server.host}:{server.imaps}",      # IMAPS
            f"imap.test:143={server.host}:{server.imap}",       # STARTTLS offered
            f"notls.test:143={server.notls_host}:{server.imap}"]  # no STARTTLS at all


def run4d(server, source: str, *, project_dir: Path, answers=None, cafile=True) -> Result:
    """Run 4D code in-process with the routes above; returns ALERT output and the uncaught error."""
    out = io.StringIO()
    rt = Runtime(project_dir=project_dir, out=out, answers=answers, interactive=False)
    rt.routes = [parse_route(r) for r in routes_for(server)]
    rt.cafiles = [str(server.ca)] if cafile else []
    method = rt.compile_source(source, "test.4dm", "test")
    rt.main_name = "test"
    error = None
    try:
        try:
            rt.run(method)
        finally:
            rt.shutdown()
    except FourDError as e:
        error = e
    return Result(out.getvalue(), error, rt)


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


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_message(subject: str, *, sender="Zoë Martin <alice@example.com>", to="bob@example.com",
                 text="Bonjour à tous,\nvoici le message.\n", html: str | None = None,
                 attachment: tuple[str, bytes] | None = None) -> bytes:
    """A real MIME message, CRLF line ends (as Dovecot stores and serves it)."""
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


class Servers:
    """What an instance of tests/servers/realmail/start.sh wrote in WORKDIR/realmail.env."""

    def __init__(self, workdir: Path):
        env = {}
        for line in (workdir / "realmail.env").read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.startswith("#"):
                env[key.removeprefix("REALMAIL_")] = value.strip('"')
        self.dir, self.host, self.notls_host = workdir, env["HOST"], env["NOTLS_HOST"]
        self.imap, self.imaps = int(env["IMAP_PORT"]), int(env["IMAPS_PORT"])
        self.ca, self.dovecot_conf = Path(env["CA"]), Path(env["DOVECOT_CONF"])
        self.users = dict(u.split(":", 1) for u in env["USERS"].split())

    def token(self, user: str) -> str:
        return (self.dir / "tokens" / user).read_text().strip()

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))


def acquire_instance(workdir: Path, users: dict[str, str], port_base: int) -> Servers:
    """Another instance of the realmail servers (own work dir, ports, users), with the lead's
    lease rules (servers/control.py): stopped by the last test run that leaves."""
    from servers import control
    settings = {"REALMAIL_USERS": " ".join(f"{u}:{p}" for u, p in users.items())}
    for key, offset in (("IMAP", 143), ("IMAPS", 993), ("POP3", 110), ("POP3S", 995), ("SMTP", 25),
                        ("SUBMISSION", 587), ("SMTPS", 465), ("SMTP_NOTLS", 26)):
        settings[f"REALMAIL_{key}_PORT"] = str(port_base + offset)
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)          # start.sh reads its settings from the environment
    try:
        control.acquire(workdir)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Servers(workdir)


def release_instance(workdir: Path) -> None:
    from servers import control
    control.release(workdir)


# name -> (work dir, port base, users); "docs" also serves tests/test_imap.py (user carol)
INSTANCES = {
    "docs": (Path("/tmp/fourmail-imapdocs"), 11000,
             {"4d": "XXXXXXXX", "test": "test-pw", "xxxx": "xxxx", "carol": "carol-pw"}),
    "docs2": (Path("/tmp/fourmail-imapdocs2"), 12000, {"4d": "xxxxx"}),
}
_acquired: dict[str, Servers] = {}


def instance(name: str) -> Servers:
    """The named instance, started (or joined) once per process, released at exit."""
    if name not in _acquired:
        workdir, base, users = INSTANCES[name]
        _acquired[name] = acquire_instance(workdir, users, base)
    return _acquired[name]


@atexit.register
def _release_all() -> None:
    while _acquired:
        name, _ = _acquired.popitem()
        try:
            release_instance(INSTANCES[name][0])
        except Exception:
            pass


@contextmanager
def exclusive():
    """One test at a time on these instances' accounts, even across overlapping test runs
    (a test empties and fills whole mailboxes)."""
    lock = INSTANCES["docs"][0] / ".imap-tests.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield
