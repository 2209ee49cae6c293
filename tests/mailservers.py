"""Real mail servers for tests: Postfix + Dovecot on loopback, and a faulty SMTP server.

    rm = realmail()                 # starts the servers once per process (root; installs them if needed)
    smtplib.SMTP_SSL(rm.host, rm.smtps, context=rm.ssl_context())
    ...send to bob...; wait_for_messages("bob", 1, containing=b"Subject: my unique subject")

The servers come from servers/realmail/start.sh (work dir $REALMAIL_DIR, default
/tmp/fourmail-realmail); see that script for what listens where. They are shared by the
whole test run (and by overlapping runs: servers/control.py), so a test clears the
mailboxes it counts on. `faulty_smtp` lives in servers/faulty_smtp.py and is re-exported here.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from servers import control
from servers.control import RealmailError  # noqa: F401  (re-exported)
from servers.faulty_smtp import FaultySMTP, Received, faulty_smtp  # noqa: F401  (re-exported)

WORKDIR = Path(os.environ.get("REALMAIL_DIR", "/tmp/fourmail-realmail")).absolute()  # <= 70 chars (unix sockets)


@dataclass(frozen=True)
class Realmail:
    dir: Path
    host: str          # 127.0.0.1: every listener
    notls_host: str    # 127.0.0.2: IMAP/POP3 without any STARTTLS/STLS (same ports)
    imap: int
    imaps: int
    pop3: int
    pop3s: int
    smtp: int          # STARTTLS optional, AUTH in clear allowed, MX-like
    smtp_notls: int    # never offers STARTTLS
    submission: int    # STARTTLS required before AUTH; AUTH required
    smtps: int         # implicit TLS, AUTH required
    ca: Path           # the throw-away CA that signed every server certificate
    users: dict[str, str] = field(compare=False)  # {user: password}
    dovecot_conf: Path = field(compare=False)

    def token(self, user: str) -> str:
        """The static XOAUTH2/OAUTHBEARER bearer token (an HS256 JWT) that Dovecot accepts for user."""
        return (self.dir / "tokens" / user).read_text().strip()

    def maildir(self, user: str) -> Path:
        return self.dir / "mail" / user / "Maildir"

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only the test CA."""
        return ssl.create_default_context(cafile=str(self.ca))


_lock = threading.Lock()
_instance: Realmail | None = None
_failure: str | None = None


def realmail() -> Realmail:
    """Start the servers (once per process) and describe them; raise RealmailError if they cannot start."""
    global _instance, _failure
    with _lock:
        if _instance is not None:
            return _instance
        if _failure is not None:  # do not retry a failed install/start for every test
            raise RealmailError(_failure)
        try:
            control.acquire(WORKDIR)
        except RealmailError as e:
            _failure = str(e)
            raise
        try:
            _instance = _load(WORKDIR)
        except Exception:
            control.release(WORKDIR)
            raise
        atexit.register(stop)  # no lingering daemons even without the pytest finalizer
        return _instance


def stop() -> None:
    """Done with the servers (idempotent): they stop unless another test run still uses them."""
    global _instance
    with _lock:
        if _instance is not None:
            _instance = None
            control.release(WORKDIR)


_instances: dict[str, Realmail] = {}


def instance(name: str, users: dict[str, str], port_base: int, domains: list[str] | None = None,
             workdir: Path | None = None) -> Realmail:
    """Another instance of the servers, for tests that need their own accounts (the doc
    examples' users and passwords) or domains: its own work dir and ports (port_base + the
    standard port), started once per process and released at exit under the same lease rules."""
    with _lock:
        if name in _instances:
            return _instances[name]
        workdir = workdir or Path(f"/tmp/fourmail-{name}")
        settings = {"REALMAIL_USERS": " ".join(f"{u}:{p}" for u, p in users.items())}
        if domains:
            settings["REALMAIL_DOMAINS"] = " ".join(domains)
        for key, port in (("IMAP", 143), ("IMAPS", 993), ("POP3", 110), ("POP3S", 995), ("SMTP", 25),
                          ("SUBMISSION", 587), ("SMTPS", 465), ("SMTP_NOTLS", 26)):
            settings[f"REALMAIL_{key}_PORT"] = str(port_base + port)
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
        _instances[name] = _load(workdir)
        atexit.register(control.release, workdir)
        return _instances[name]


def _load(workdir: Path) -> Realmail:
    env = {}
    for line in (workdir / "realmail.env").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            env[key.removeprefix("REALMAIL_")] = value.strip('"')
    port = {k.removesuffix("_PORT").lower(): int(v) for k, v in env.items() if k.endswith("_PORT")}
    return Realmail(dir=workdir, host=env["HOST"], notls_host=env["NOTLS_HOST"], **port,
                    ca=Path(env["CA"]), users=dict(u.split(":", 1) for u in env["USERS"].split()),
                    dovecot_conf=Path(env["DOVECOT_CONF"]))


# ---- mailboxes --------------------------------------------------------------------

def _box_dir(user: str, box: str) -> Path:
    # Maildir++ layout: INBOX is the Maildir itself, "Drafts" is .Drafts, "a/b" is .a.b
    md = realmail().maildir(user)
    return md if box.upper() == "INBOX" else md / ("." + box.replace("/", "."))


def _delivery_key(path: Path) -> tuple:
    # Dovecot names files "<seconds>.M<microseconds>P<pid>.<host>,S=...:2,<flags>"
    secs, _, rest = path.name.partition(".M")
    usecs = rest.partition("P")[0]
    if secs.isdigit() and usecs.isdigit():
        return (int(secs), int(usecs), path.name)
    return (int(path.stat().st_mtime), 0, path.name)


def messages(user: str, box: str = "INBOX") -> list[bytes]:
    """The raw messages in user's box (new/ and cur/), oldest delivery first."""
    d = _box_dir(user, box)
    for _ in range(20):
        try:
            files = [p for sub in ("new", "cur") if (d / sub).is_dir() for p in (d / sub).iterdir()]
            return [p.read_bytes() for p in sorted(files, key=_delivery_key)]
        except FileNotFoundError:
            time.sleep(0.01)  # Dovecot moved a file (new/ -> cur/, flag change) while we read: rescan
    raise RealmailError(f"{d} kept changing while being read")


def wait_for_messages(user: str, count: int, box: str = "INBOX", timeout: float = 10,
                      containing: bytes | None = None) -> list[bytes]:
    """Poll until user's box holds at least count messages (only those containing the given
    bytes, e.g. a unique Subject, if set); return them. Delivery is asynchronous."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in messages(user, box) if containing is None or containing in m]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            log = realmail().dir / "log" / "postfix.log"
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-10:]) if log.exists() else ""
            raise AssertionError(f"{user}/{box}: {len(found)} of {count} messages after {timeout} s; "
                                 f"end of {log}:\n{tail}")
        time.sleep(0.05)


def _doveadm(*args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> None:
    # The instance's own config (-c), so doveadm talks to this Dovecot and its Maildirs.
    p = subprocess.run(["doveadm", "-c", str(realmail().dovecot_conf), *args], input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    if p.returncode not in ok:
        raise RealmailError(f"doveadm {' '.join(args)} failed (exit {p.returncode}): "
                            f"{p.stderr.decode(errors='replace').strip()}")


def clear_mailbox(user: str, box: str = "INBOX") -> None:
    """Expunge every message of user's box through Dovecot (safe while IMAP/POP3 sessions are open)."""
    _doveadm("expunge", "-u", user, "mailbox", box, "all", ok=(0, 68))  # 68: no such mailbox


def create_box(user: str, name: str) -> None:
    """Create a mailbox; an existing one is left as it is."""
    _doveadm("mailbox", "create", "-u", user, name, ok=(0, 65))  # 65: already exists


def delete_box(user: str, name: str) -> None:
    """Delete a mailbox and its messages (not INBOX); a missing one is fine."""
    _doveadm("mailbox", "delete", "-u", user, "-s", name, ok=(0, 68))


def save_message(user: str, raw: bytes, box: str = "INBOX") -> None:
    """Store a raw RFC 5322 message in user's box through Dovecot, so its indexes know it."""
    if box.upper() != "INBOX":
        create_box(user, box)
    _doveadm("save", "-u", user, "-m", box, stdin=raw)


# ---- messages made for the tests ---------------------------------------------------

def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_message(subject: str, *, sender="Zoë Martin <alice@example.com>", to="bob@example.com",
                 text="Bonjour à tous,\nvoici le message.\n", html: str | None = None,
                 attachment: tuple[str, bytes] | None = None) -> bytes:
    """A real MIME message with CRLF line ends (as Dovecot stores and serves it)."""
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
