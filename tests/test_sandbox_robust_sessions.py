"""Idle clients cannot stop the sandbox: each listener serves at most MAX_SESSIONS sessions at
once and answers one more with its protocol's "too many connections" reply, while the other
listeners keep answering; and the process may open as many files as its hard limit allows."""
from __future__ import annotations

import resource
import subprocess
import sys
import time

import pytest
from sandbox_util import REPO, Line, imaps, sandbox, smtp_starttls  # noqa: F401  (sandbox is a fixture)

from fourmail.sandbox import limits

CAP = 4
REFUSALS = {"smtp": "421 4.7.0", "smtps": "421 4.7.0", "imap": "* BYE", "imaps": "* BYE",
            "pop3": "-ERR [SYS/TEMP]", "pop3s": "-ERR [SYS/TEMP]"}
TLS_NAMES = {"smtps": "smtp.gmail.com", "imaps": "imap.gmail.com", "pop3s": "pop.gmail.com"}


def hang_up(c) -> None:
    c.file.close()                 # the socket's descriptor stays open while its file is
    c.close()


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SESSIONS", CAP)


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_session_over_the_cap_is_refused_and_others_still_answer(sandbox, small_cap, name):
    held = [Line(sandbox, name, TLS_NAMES.get(name, "pop.gmail.com")) for _ in range(CAP)]
    try:
        assert not any(c.greeting.startswith(REFUSALS[name]) for c in held)
        over = Line(sandbox, name, TLS_NAMES.get(name, "pop.gmail.com"))
        assert over.greeting.startswith(REFUSALS[name]), over.greeting
        assert over.file.readline() == b""               # and closed
        hang_up(over)
        # another protocol is not held up by this listener's crowd
        other = "imap" if not name.startswith("imap") else "pop3"
        c = Line(sandbox, other)
        assert not c.greeting.startswith(REFUSALS[other]), c.greeting
        hang_up(c)
    finally:
        for c in held:
            hang_up(c)
    # the held sessions' places are free again once they close
    deadline = time.monotonic() + 10
    while True:
        c = Line(sandbox, name, TLS_NAMES.get(name, "pop.gmail.com"))
        refused = c.greeting.startswith(REFUSALS[name])
        hang_up(c)
        if not refused or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not refused


def test_a_session_that_upgrades_with_starttls_counts_once(sandbox, small_cap):
    held = []
    try:
        for _ in range(CAP - 1):
            held.append(smtp_starttls(sandbox))          # EHLO, STARTTLS, EHLO again
        last = Line(sandbox, "smtp")
        assert last.greeting.startswith("220"), last.greeting
        held.append(last)
        over = Line(sandbox, "smtp")
        assert over.greeting.startswith("421 4.7.0"), over.greeting
        hang_up(over)
    finally:
        for c in held:
            hang_up(c)


def test_the_sandbox_raises_the_soft_limit_on_open_files(tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.skip("the hard limit leaves nothing to raise")
    script = (
        "import resource, sys\n"
        "from fourmail.sandbox.server import Sandbox\n"
        "hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        f"sb = Sandbox({str(tmp_path)!r}, quiet=True)\n"
        "sb.start()\n"
        "try:\n"
        "    print(resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard))\n"
        "finally:\n"
        "    sb.stop()\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True", out.stderr[-2000:]
