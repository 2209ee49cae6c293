"""No listener of the sandbox waits on another: each protocol runs on its own event loop, so a
command that holds the IMAP loop (a long SEARCH on a large mailbox) delays neither SMTP nor
POP3, and stopping the sandbox never waits long on a loop that is stuck. A port that cannot be
used is explained with its real reason."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import REPO
from sandbox_util import fresh, message, smtp_starttls

from fourmail.sandbox.server import Sandbox, SandboxError

GENEROUS = 2.0          # seconds: catches a listener held by another (a bound, not a benchmark)
HOLD = 8.0              # how long the IMAP loop is held


def _hold_imap_loop(sb: Sandbox, seconds: float) -> threading.Event:
    """Stand in for a slow IMAP command: a callback that holds the IMAP listeners' loop."""
    held = threading.Event()

    def block():
        held.set()
        time.sleep(seconds)
    sb._loops["IMAP"].loop.call_soon_threadsafe(block)
    assert held.wait(5)
    return held


def _greeting_time(sb: Sandbox, name: str) -> float:
    e = sb.endpoint(name)
    start = time.monotonic()
    with socket.create_connection((e.host, e.port), timeout=HOLD + 5) as s:
        assert s.makefile("rb").readline().startswith((b"220", b"+OK"))
    return time.monotonic() - start


def test_a_held_imap_loop_delays_neither_smtp_nor_pop3(tmp_path):
    with Sandbox(tmp_path, quiet=True) as sb:
        _hold_imap_loop(sb, HOLD)
        assert _greeting_time(sb, "smtp") < GENEROUS
        assert _greeting_time(sb, "pop3") < GENEROUS
        # and mail goes through meanwhile: SMTP delivers, POP3 reads it
        to = fresh()
        with smtp_starttls(sb) as s:
            s.send_message(message("while IMAP is busy", to=to))
        import poplib
        p = poplib.POP3(sb.endpoint("pop3").host, sb.endpoint("pop3").port, timeout=GENEROUS)
        p.user(to)
        p.pass_("x")
        assert b"Subject: while IMAP is busy" in b"\n".join(p.retr(p.stat()[0])[1])
        p.quit()


def test_stop_does_not_wait_on_a_stuck_loop(tmp_path):
    sb = Sandbox(tmp_path, quiet=True)
    sb.start()
    _hold_imap_loop(sb, 30)
    start = time.monotonic()
    sb.stop()
    assert time.monotonic() - start < 2 * GENEROUS
    e = sb.endpoint("smtp")            # the loops that answered closed their listeners
    with pytest.raises(OSError):
        socket.create_connection((e.host, e.port), timeout=GENEROUS).close()


def test_a_port_in_use_says_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        base = taken.getsockname()[1] - 587            # the SMTP listener's port is the taken one
        with pytest.raises(SandboxError, match=r"(?i)address already in use.*is another sandbox running\?"):
            Sandbox(tmp_path, port_base=base, quiet=True).start()


def test_a_privileged_port_says_so(tmp_path):
    """--port-base 1 asks for ports 111 to 996: only root (CAP_NET_BIND_SERVICE) may listen there."""
    run = [sys.executable, "-m", "fourmail", "sandbox", "--sandbox-dir", str(tmp_path), "--port-base", "1"]
    if os.geteuid() == 0:               # root may use any port: run without that capability
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop CAP_NET_BIND_SERVICE")
        run = ["setpriv", "--bounding-set", "-net_bind_service", *run]
    r = subprocess.run(run, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=REPO, timeout=60)
    assert r.returncode != 0, (r.stdout, r.stderr)
    assert "permission denied" in r.stderr.lower() and "ports below 1024 need root" in r.stderr, r.stderr
    assert "another sandbox" not in r.stderr
