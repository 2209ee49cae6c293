"""Helpers for the sandbox tests: one in-process sandbox per test module, on a temporary store,
and small clients (stdlib smtplib/imaplib/poplib, a raw POP3 line client, curl)."""
from __future__ import annotations

import base64
import contextlib
import imaplib
import poplib
import smtplib
import signal
import socket
import ssl
import subprocess
import sys
import uuid
from email.message import EmailMessage
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    from fourmail.sandbox.server import Sandbox
    sb = Sandbox(tmp_path_factory.mktemp("sandbox"), quiet=True)
    sb.start()
    yield sb
    sb.stop()


def fresh(prefix="user") -> str:
    """A new account name: it starts with the demo mailbox."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def tls_client(sb) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(sb.ca_file))


def ep(sb, name):
    return sb.endpoint(name)


# ---------------------------------------------------------------- SMTP
class _SMTP_SSL(smtplib.SMTP_SSL):
    """smtplib's SMTPS, connecting to the sandbox but verifying the name the examples use."""
    tls_name = "smtp.gmail.com"

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), timeout)
        return self.context.wrap_socket(sock, server_hostname=self.tls_name)


def smtps(sb) -> smtplib.SMTP_SSL:
    e = ep(sb, "smtps")
    s = _SMTP_SSL(context=tls_client(sb), timeout=10)
    s.connect(e.host, e.port)
    return s


def smtp_starttls(sb) -> smtplib.SMTP:
    e = ep(sb, "smtp")
    s = smtplib.SMTP(e.host, e.port, timeout=10)
    s._host = "smtp.gmail.com"            # the name STARTTLS verifies
    s.ehlo()
    s.starttls(context=tls_client(sb))
    s.ehlo()
    return s


def message(subject: str, sender="4d@gmail.com", to="4d@gmail.com", body="Hello", **headers) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, to, subject
    for k, v in headers.items():
        m[k] = v
    m.set_content(body)
    return m


# ---------------------------------------------------------------- IMAP
def imaps(sb, user=None, password="XXXXXXXX") -> imaplib.IMAP4_SSL:
    e = ep(sb, "imaps")
    m = imaplib.IMAP4_SSL(e.host, e.port, ssl_context=_named(tls_client(sb), "imap.gmail.com"), timeout=10)
    if user:
        m.login(user, password)
    return m


def _named(ctx: ssl.SSLContext, name: str) -> ssl.SSLContext:
    """A client context that checks the certificate for `name` whatever host is dialled."""
    ctx.check_hostname = True
    wrap = ctx.wrap_socket

    def wrap_socket(sock, server_hostname=None, **kw):
        return wrap(sock, server_hostname=name, **kw)
    ctx.wrap_socket = wrap_socket
    return ctx


# ---------------------------------------------------------------- POP3
def pop3s(sb, user=None, password="XXXXXXXX") -> poplib.POP3_SSL:
    e = ep(sb, "pop3s")
    p = poplib.POP3_SSL(e.host, e.port, context=_named(tls_client(sb), "pop.gmail.com"), timeout=10)
    if user:
        p.user(user)
        p.pass_(password)
    return p


class Line:
    """A raw line client (POP3 AUTH exchanges, exact bytes on the wire)."""

    def __init__(self, sb, name="pop3", tls_name="pop.gmail.com"):
        e = ep(sb, name)
        self.sock = socket.create_connection((e.host, e.port), timeout=10)
        if ep(sb, name).implicit_tls:
            self.sock = _named(tls_client(sb), tls_name).wrap_socket(self.sock)
        self.file = self.sock.makefile("rb")
        self.greeting = self.line()

    def line(self) -> str:
        return self.file.readline().decode("utf-8").rstrip("\r\n")

    def send(self, text: str) -> None:
        self.sock.sendall(text.encode("utf-8") + b"\r\n")

    def cmd(self, text: str) -> str:
        self.send(text)
        return self.line()

    def multiline(self) -> list[bytes]:
        out = []
        while True:
            raw = self.file.readline()
            if raw == b".\r\n":
                return out
            out.append(raw)

    def starttls(self, sb, tls_name="pop.gmail.com") -> None:
        self.sock = _named(tls_client(sb), tls_name).wrap_socket(self.sock)
        self.file = self.sock.makefile("rb")

    def close(self) -> None:
        self.sock.close()


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


# ---------------------------------------------------------------- `fourmail sandbox` as a command
@contextlib.contextmanager
def cli_sandbox(store, *options, stop=signal.SIGTERM):
    """A `fourmail sandbox` process on free ports over `store`: (the process, what it printed until
    it serves). Stopped with `stop` (SIGTERM; SIGINT is Ctrl-C) when the block ends; then `returncode` is its exit status and
    `rest` its (remaining standard output, standard error)."""
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "sandbox", "--sandbox-dir", str(store), "--port-base", "0",
                          *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        lines = []
        for line in p.stdout:
            lines.append(line)
            if line.startswith("Serving until interrupted"):
                break
        yield p, "".join(lines)
    finally:
        p.send_signal(stop)
        p.rest = p.communicate(timeout=30)
