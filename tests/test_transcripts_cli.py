"""`fourmail sandbox --transcripts` prints every session's dialogue as it happens, each line
prefixed by its session, with passwords redacted, the same lines its transcript file keeps."""
from __future__ import annotations

import poplib
import queue
import re
import signal
import socket
import smtplib
import ssl
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from test_transcripts import assert_clean

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "cli-canary-" + uuid.uuid4().hex[:10]


def until(lines: queue.Queue, seen: list, pattern: str, timeout: float = 10.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return m
    raise AssertionError(f"no line matching {pattern!r} in:\n" + "".join(seen))


def test_the_sandbox_prints_each_session_live(tmp_path):
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "sandbox", "--sandbox-dir", str(tmp_path),
                          "--port-base", "0", "--transcripts"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=REPO)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in p.stdout], daemon=True).start()
    seen: list[str] = []
    try:
        until(lines, seen, r"^Serving until interrupted")
        text = "".join(seen)
        ports = {name: int(port) for name, port in re.findall(r"(\w+)(?: \+ \w+)?\s+127\.0\.0\.1:(\d+)", text)}
        assert f"transcripts      {tmp_path / 'transcripts'} (printed below as they happen)" in text
        ca = ssl.create_default_context(cafile=str(tmp_path / "tls" / "ca.pem"))
        s = smtplib.SMTP("127.0.0.1", ports["smtp"], timeout=10)
        s.starttls(context=ca)
        s.login("writer@example.com", PASSWORD)
        label = until(lines, seen, r"^\[(smtp [0-9a-f]{6})\] \S+ == user writer@example.com \(CRAM-MD5\)$").group(1)
        # the session is still open: what it did so far is already printed
        s.sendmail("writer@example.com", ["reader@example.com"], b"Subject: live\r\n\r\nsecret body\r\n")
        until(lines, seen, rf"^\[{label}\] \S+ == message .*reader@example\.com")
        s.quit()
        until(lines, seen, rf"^\[{label}\] \S+ == end QUIT")
        pop = poplib.POP3("127.0.0.1", ports["pop3"], timeout=10)
        pop.user("reader@example.com")
        pop.pass_(PASSWORD)
        pop.quit()
        until(lines, seen, r"^\[pop3 [0-9a-f]{6}\] \S+ C: PASS \[redacted: password\]$")
        until(lines, seen, r"^\[pop3 [0-9a-f]{6}\] \S+ == end QUIT")
        left_open = socket.create_connection(("127.0.0.1", ports["imap"]), timeout=10)
        until(lines, seen, r"^\[imap [0-9a-f]{6}\] \S+ S: \* OK")
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=30)
    time.sleep(0.2)
    while not lines.empty():
        seen.append(lines.get())
    left_open.close()
    assert p.returncode == 0
    output = "".join(seen)
    # the session still open at Ctrl-C: its end is printed before the sandbox says goodbye
    assert re.search(r"^\[imap [0-9a-f]{6}\] \S+ == end sandbox stopped \(.*\n(?:.*\n)*fourmail sandbox stopped\.$",
                     output, re.M)
    assert_clean(output, PASSWORD)
    assert "secret body" not in output
    session = [x.split("] ", 1)[1] for x in seen if x.startswith(f"[{label}] ")]
    assert session[0].split(" ", 1)[1].startswith("== session from 127.0.0.1:")
    [transcript] = [f for f in (tmp_path / "transcripts").iterdir() if f.stem.endswith(label.split()[1])]
    kept = transcript.read_text().split("\n\n", 1)[1]
    assert kept == "".join(session[1:])         # live: each line the file keeps, as it happened
    assert_clean(kept, PASSWORD)


def test_a_killed_sandbox_leaves_what_its_sessions_said(tmp_path):
    p = subprocess.Popen([sys.executable, "-m", "fourmail", "sandbox", "--sandbox-dir", str(tmp_path),
                          "--port-base", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    try:
        text = ""
        for line in p.stdout:
            text += line
            if line.startswith("Serving"):
                break
        port = int(re.search(r"pop3 \+ STLS\s+127\.0\.0\.1:(\d+)", text).group(1))
        pop = poplib.POP3("127.0.0.1", port, timeout=10)
        pop.user("crash@example.com")
        pop.pass_(PASSWORD)
    finally:
        p.kill()
        p.wait(timeout=30)
    from fourmail.sandbox.transcripts import Transcripts
    [info] = Transcripts(tmp_path).list()
    kept = Transcripts(tmp_path).get(info.id)
    assert (info.protocol, info.user, info.ended) == ("POP3", "crash@example.com", None)
    assert "C: PASS [redacted: password]" in kept and re.search(r"S: \+OK logged in", kept)
    assert_clean(kept, PASSWORD)
