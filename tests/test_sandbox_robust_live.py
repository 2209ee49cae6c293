"""The inbox's live updates go on for every page when one websocket client never reads: that
client is closed once it falls behind and its socket released, the others get their events at once."""
from __future__ import annotations

import base64
import os
import socket
import time
from email.message import EmailMessage

import pytest
from sandbox_util import fresh, sandbox, smtps  # noqa: F401  (sandbox is a fixture)
from web_util import Events

from fourmail.sandbox.web import live


def silent_websocket(sb) -> socket.socket:
    """A websocket client that opens the updates and never reads a byte."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((sb.inbox.host, sb.inbox.port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET /api/events HTTP/1.1\r\nHost: {sb.inbox.host}:{sb.inbox.port}\r\nUpgrade: websocket\r\n"
              f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    return s


def closed_within(s: socket.socket, seconds: float) -> bool:
    """Read what is waiting until the sandbox ends the connection; False if it is still open then."""
    s.settimeout(0.5)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if s.recv(1 << 20) == b"":
                return True
        except socket.timeout:
            continue
        except ConnectionError:
            return True
    return False


@pytest.fixture
def short_queue(monkeypatch):
    monkeypatch.setattr(live, "QUEUE_BATCHES", 2)


def test_a_client_that_never_reads_is_closed_and_holds_no_one_up(sandbox, short_queue):
    with Events(sandbox.inbox_url) as following:
        slow = silent_websocket(sandbox)
        time.sleep(0.5)                                   # its upgrade is done
        try:
            # events large enough to fill the silent client's buffers: one delivery to many
            # mailboxes, each a "new" event carrying its long subject
            recipients = [fresh() for _ in range(40)]
            m = EmailMessage()
            m["From"], m["To"], m["Subject"] = "4d@gmail.com", ", ".join(recipients), "big " + "word " * 40_000
            m.set_content("Hello")
            s = smtps(sandbox)
            s.login("4d@gmail.com", "XXXXXXXX")
            s.send_message(m)
            m.replace_header("Subject", "small")
            for _ in range(3):                            # each read apart: the silent client falls behind
                m.replace_header("To", fresh())
                s.send_message(m)
                time.sleep(0.2)
            m.replace_header("To", fresh())
            m.replace_header("Subject", "after the crowd")
            started = time.monotonic()
            s.send_message(m)
            s.quit()
            following.wait(lambda e: e["Type"] == "new" and e["Data"]["Subject"] == "after the crowd", timeout=10)
            assert time.monotonic() - started < live.SEND_SECONDS, "the reading client waited for the silent one"
            assert closed_within(slow, 10), "the silent client's connection is still open"
        finally:
            slow.close()
