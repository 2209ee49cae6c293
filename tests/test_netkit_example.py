"""examples/oauth2-send-then-read.4dm under `fourmail run --sandbox`: a token from NetKit's
OAuth2Provider sends and reads with OAuth2 (XOAUTH2) on the sandbox, also in strict mode, where
only a token the sandbox's provider issued signs in; a token that expires at once is refused, and
the example's error branch says so."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = "examples/oauth2-send-then-read.4dm"


def fourmail(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fourmail", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=REPO, timeout=120)


def test_the_example_signs_in_sends_and_reads_with_the_token(tmp_path):
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), EXAMPLE)
    assert r.returncode == 0, r.stderr
    signed, sent, read = r.stdout.splitlines()
    assert signed == "Signed in: a Bearer token for 3599 s"
    assert sent == "Sent: 2.0.0 OK: delivered to 1 mailbox"
    assert re.fullmatch(r"IMAP: message 9 of 9 from 4d@gmail\.com: OAuth 2\.0 from fourmail [0-9A-F]{32}", read)
    assert "fc1kwxxx" not in r.stdout + r.stderr


def test_in_strict_mode_only_the_issued_token_signs_in_and_an_expired_one_is_refused(tmp_path):
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("4d@gmail.com  a-password-the-example-never-gives\n")
    strict = ["run", "--sandbox", "--sandbox-dir", str(tmp_path / "store"), "--accounts", str(accounts)]
    r = fourmail(*strict, EXAMPLE)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1] == "Sent: 2.0.0 OK: delivered to 1 mailbox"
    r = fourmail(*strict, "--token-lifetime", "0", EXAMPLE)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["Signed in: a Bearer token for 0 s",
                                     "Sending failed: 5.7.8 Username and token not accepted"]


def test_the_example_parses():
    r = fourmail("parse", EXAMPLE)
    assert (r.returncode, r.stdout.strip()) == (0, "1 passed, 0 failed")
