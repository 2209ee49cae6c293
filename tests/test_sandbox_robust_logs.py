"""A client's unreadable HTTP request (a request line or header over aiohttp's 8 KiB) costs the
`fourmail sandbox` console one short line, never a traceback."""
from __future__ import annotations

import re
import socket
import ssl
import time

from sandbox_util import cli_sandbox


def ask(host: str, port: int, request: bytes, tls: ssl.SSLContext | None = None) -> bytes:
    with socket.create_connection((host, port), timeout=10) as s:
        if tls is not None:
            s = tls.wrap_socket(s, server_hostname="accounts.google.com")
        s.sendall(request)
        return s.recv(100)


def test_a_bad_request_is_one_short_line_on_the_console(tmp_path):
    with cli_sandbox(tmp_path) as (p, text):
        inbox = re.search(r"Web inbox\s+http://([\d.]+):(\d+)/", text)
        oauth = re.search(r"OAuth 2.0 https\s+([\d.]+):(\d+)", text)
        ca = re.search(r"CA certificate\s+(\S+)", text).group(1)
        host, port = inbox.group(1), int(inbox.group(2))
        assert ask(host, port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.0 400")
        assert ask(host, port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"b" * 9000 + b"\r\n\r\n").startswith(
            b"HTTP/1.0 400")
        tls = ssl.create_default_context(cafile=ca)
        assert ask(oauth.group(1), int(oauth.group(2)), b"GET /" + b"c" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                   tls).startswith(b"HTTP/1.0 400")
        time.sleep(0.5)
    err = p.rest[1]
    assert "Traceback" not in err, err[-3000:]
    bad = [line for line in err.splitlines() if "Error handling request" in line]
    assert len(bad) == 3, err[-3000:]
    assert all(len(line) < 400 and "400" in line for line in bad), bad
