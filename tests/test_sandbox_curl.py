"""Real clients no one here wrote: curl sends over smtps and reads over imaps and pop3s, trusting
only the sandbox CA, with the doc examples' host names resolved to the loopback listeners."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from sandbox_util import ep, fresh, sandbox  # noqa: F401


@pytest.fixture(autouse=True, scope="module")
def curl_installed(realmail):
    # The test servers' install step (tests/servers/realmail/start.sh) also installs curl.
    assert shutil.which("curl"), "curl is missing although the test servers' install step installs it"


def curl(sb, url: str, name: str, host: str, port: int, *args: str) -> subprocess.CompletedProcess:
    e = ep(sb, name)
    return subprocess.run(["curl", "-sS", "--max-time", "20", "--cacert", str(sb.ca_file),
                           "--connect-to", f"{host}:{port}:{e.host}:{e.port}", *args, url],
                          capture_output=True, timeout=60)


def test_curl_sends_over_smtps_and_reads_back_over_imaps_and_pop3s(sandbox, tmp_path):
    user = fresh()
    mail = tmp_path / "mail.txt"
    mail.write_bytes(f"From: 4d@gmail.com\r\nTo: {user}\r\nSubject: sent by curl\r\n\r\n"
                     ".a line with a leading dot\r\nHello from curl\r\n".encode())
    r = curl(sandbox, "smtps://smtp.gmail.com", "smtps", "smtp.gmail.com", 465, "-u", "4d@gmail.com:XXXXXXXX",
             "--mail-from", "4d@gmail.com", "--mail-rcpt", user, "-T", str(mail))
    assert r.returncode == 0, r.stderr

    r = curl(sandbox, "imaps://imap.gmail.com/INBOX;UID=9", "imaps", "imap.gmail.com", 993, "-u", f"{user}:pw")
    assert r.returncode == 0, r.stderr
    assert b"Subject: sent by curl" in r.stdout and b"\r\n.a line with a leading dot\r\n" in r.stdout

    r = curl(sandbox, "pop3s://pop.gmail.com/", "pop3s", "pop.gmail.com", 995, "-u", f"{user}:pw")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 9                  # LIST: the demo mailbox + the new one
    r = curl(sandbox, "pop3s://pop.gmail.com/9", "pop3s", "pop.gmail.com", 995, "-u", f"{user}:pw")
    assert r.returncode == 0, r.stderr
    assert b"Hello from curl" in r.stdout and b"\r\n.a line with a leading dot\r\n" in r.stdout


def test_curl_starttls_listeners(sandbox):
    user = fresh()
    r = curl(sandbox, "imap://imap.gmail.com/INBOX;UID=1", "imap", "imap.gmail.com", 143, "--ssl-reqd",
             "-u", f"{user}:pw")
    assert r.returncode == 0, r.stderr
    assert b"Subject: Welcome to the fourmail sandbox" in r.stdout
    r = curl(sandbox, "pop3://pop.gmail.com/1", "pop3", "pop.gmail.com", 110, "--ssl-reqd", "-u", f"{user}:pw")
    assert r.returncode == 0, r.stderr
    assert b"Subject: Welcome to the fourmail sandbox" in r.stdout


def test_curl_rejects_the_sandbox_without_its_ca(sandbox):
    e = ep(sandbox, "imaps")
    r = subprocess.run(["curl", "-sS", "--max-time", "20", "--connect-to", f"imap.gmail.com:993:{e.host}:{e.port}",
                        "-u", "a:b", "imaps://imap.gmail.com/INBOX"], capture_output=True, timeout=60)
    assert r.returncode == 60, r.stderr                    # peer certificate cannot be authenticated


def test_curl_with_an_invalid_mailbox_name_gets_an_error_and_the_sandbox_goes_on(sandbox):
    # The README's recipe with "R&D": curl sends the name as is, an unclosed '&' in modified
    # UTF-7. pymap's decoder looped forever on it, stopping every listener of the sandbox.
    user = fresh()
    r = curl(sandbox, "imaps://imap.gmail.com/R&D;UID=1", "imaps", "imap.gmail.com", 993, "-u", f"{user}:pw")
    assert r.returncode != 0 and r.returncode != 28, r.stderr          # an IMAP error, not a timeout
    r = curl(sandbox, "imaps://imap.gmail.com/INBOX;UID=1", "imaps", "imap.gmail.com", 993, "-u", f"{user}:pw")
    assert r.returncode == 0, r.stderr
    assert b"Subject: Welcome to the fourmail sandbox" in r.stdout
