"""Abandoned TLS handshakes (half a ClientHello, then close) leave no memory behind, on every
implicit-TLS listener and after every STARTTLS/STLS: measured on a `fourmail sandbox` process,
as a user runs it. Nor do they fill its log with a traceback each."""
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


UPGRADES = 1000
STARTTLS = {"smtp": [b"EHLO bench\r\n", b"STARTTLS\r\n"], "imap": [b"a STARTTLS\r\n"], "pop3": [b"STLS\r\n"]}


def _upgrade_and_abandon(port: int, commands: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()                                        # the greeting
        for command in commands:
            s.sendall(command)
            while True:                                     # to the last line of the answer
                line = f.readline()
                if not line or line[3:4] == b" " or line.startswith((b"a ", b"+OK", b"-ERR")):
                    break
        s.sendall(PARTIAL_HELLO)


def test_abandoned_tls_handshakes_do_not_grow_memory(tmp_path):
    log = open(tmp_path / "stderr.txt", "w+")
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "sandbox", "--sandbox-dir", str(tmp_path / "store"),
                          "--port-base", "0"], stdout=subprocess.PIPE, stderr=log, text=True, cwd=REPO)
    try:
        ports = {}
        for line in p.stdout:
            m = re.search(r"(smtps?|imaps?|pop3s?)(?: \+ \w+)?\s+127\.0\.0\.1:(\d+)", line)
            if m:
                ports[m.group(1)] = int(m.group(2))
            if line.startswith("Serving until interrupted"):
                break
        assert len(ports) == 6
        start = _rss_mb(p.pid)
        deadline = time.monotonic() + 300
        for name in ("smtps", "imaps", "pop3s"):
            for _ in range(HANDSHAKES):
                assert time.monotonic() < deadline, "the sandbox is too slow to accept connections"
                with socket.create_connection(("127.0.0.1", ports[name]), timeout=10) as s:
                    s.sendall(PARTIAL_HELLO)
        for name, commands in STARTTLS.items():
            for _ in range(UPGRADES):
                assert time.monotonic() < deadline, "the sandbox is too slow to accept connections"
                _upgrade_and_abandon(ports[name], commands)
        time.sleep(1.5)
        grown = _rss_mb(p.pid) - start
        # The leak kept ~300 KiB a handshake (about 900 MB here); fixed, growth is about 10 MB,
        # more on a loaded machine where more handshakes are still in flight when measured.
        assert grown < 100, (f"RSS grew by {grown:.0f} MB after {HANDSHAKES} abandoned handshakes on each "
                            f"implicit-TLS port and {UPGRADES} after each STARTTLS")
    finally:
        p.terminate()
        p.wait(timeout=30)
    log.seek(0)
    assert "Traceback" not in log.read()
