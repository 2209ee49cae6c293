"""Abandoned TLS handshakes (half a ClientHello, then close) leave no memory behind, on every
implicit-TLS listener: measured on a `fourmail sandbox` process, as a user runs it."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

from conftest import REPO

HANDSHAKES = 3000
# The start of a real ClientHello (record header, handshake header, version, half the random):
# the server waits for the rest, which never comes.
PARTIAL_HELLO = bytes.fromhex("16030100c8010000c40303") + bytes(16)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def test_abandoned_tls_handshakes_do_not_grow_memory(tmp_path):
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "sandbox", "--sandbox-dir", str(tmp_path),
                          "--port-base", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         cwd=REPO)
    try:
        ports = {}
        for line in p.stdout:
            m = re.search(r"(smtps|imaps|pop3s)\s+127\.0\.0\.1:(\d+)", line)
            if m:
                ports[m.group(1)] = int(m.group(2))
            if line.startswith("Serving until interrupted"):
                break
        assert set(ports) == {"smtps", "imaps", "pop3s"}
        start = _rss_mb(p.pid)
        deadline = time.monotonic() + 300
        for name, port in ports.items():
            for _ in range(HANDSHAKES):
                assert time.monotonic() < deadline, "the sandbox is too slow to accept connections"
                with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                    s.sendall(PARTIAL_HELLO)
        time.sleep(1.5)
        grown = _rss_mb(p.pid) - start
        assert grown < 30, f"RSS grew by {grown:.0f} MB after {HANDSHAKES} abandoned handshakes on each TLS port"
    finally:
        p.terminate()
        p.wait(timeout=30)
