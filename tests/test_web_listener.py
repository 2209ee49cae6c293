"""The sandbox's web inbox listener: plain HTTP on 127.0.0.1, at --port-base + 8025 (Mailpit's
port), on the OAuth provider's loop; it answers its own host names only, and every answer
carries a Content-Security-Policy."""
from __future__ import annotations

import http.client as httpclient
import random
import socket

from fourmail.sandbox.server import INBOX_LISTENER, LISTENERS, WEB_LISTENER, Sandbox
from sandbox_util import sandbox  # noqa: F401
from web_util import http


def test_the_inbox_listens_on_loopback(sandbox):
    assert sandbox.inbox_url.startswith("http://127.0.0.1:") and sandbox.endpoint("http").port == sandbox.inbox.port
    page = http(sandbox, "GET", "/")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    api = http(sandbox, "GET", "/api/v1/info")
    assert api.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert http(sandbox, "GET", "/no/such/page").status == 404


def test_a_foreign_host_name_is_refused(sandbox):
    # a web page elsewhere reaching the inbox through a DNS name that points at 127.0.0.1
    conn = httpclient.HTTPConnection(sandbox.inbox.host, sandbox.inbox.port, timeout=10)
    conn.request("GET", "/api/v1/messages", headers={"Host": f"attacker.example:{sandbox.inbox.port}"})
    answer = conn.getresponse()
    assert answer.status == 403 and b"127.0.0.1 only" in answer.read()
    conn.request("GET", "/api/v1/info", headers={"Host": f"localhost:{sandbox.inbox.port}"})
    assert conn.getresponse().status == 200
    conn.close()


def _free_base() -> int:
    ports = [p for *_, p in LISTENERS + (WEB_LISTENER, INBOX_LISTENER)]
    for _ in range(50):
        base = random.randrange(30000, 65535 - max(ports))
        try:
            socks = []
            for p in ports:
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", base + p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no free port base")


def test_port_base_puts_the_inbox_at_8025(tmp_path):
    base = _free_base()
    with Sandbox(tmp_path, port_base=base, quiet=True) as sb:
        assert sb.inbox.port == base + 8025 and sb.inbox_url == f"http://127.0.0.1:{base + 8025}/"
        assert http(sb, "GET", "/api/v1/messages").status == 200
    try:                                       # stopped: nothing answers there any more
        socket.create_connection(("127.0.0.1", base + 8025), timeout=5).close()
        raise AssertionError("the inbox still answers after stop()")
    except ConnectionRefusedError:
        pass
