"""Transcript bounds hold for live printing too, and the folder keeps `kept` transcripts also after
many sessions that were open at once have ended."""
from __future__ import annotations

import threading
import time

from sandbox_util import Line

from fourmail.sandbox.server import Sandbox


def hang_up(c) -> None:
    c.file.close()
    c.close()


def test_live_lines_stop_at_the_transcript_limit(tmp_path):
    sb = Sandbox(tmp_path, quiet=True)
    sb.start()
    heard: list[str] = []
    lock = threading.Lock()

    def listener(t, line):
        with lock:
            heard.append(line)

    stop = sb.transcripts.listen(listener)
    try:
        sb.transcripts.limit = 3000
        c = Line(sb, "pop3")
        c.cmd("USER someone@example.com")
        c.cmd("PASS whatever")
        for _ in range(200):
            c.cmd("NOOP")
        c.cmd("QUIT")
        hang_up(c)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any("== end" in line for line in heard):
            time.sleep(0.05)
    finally:
        stop()
        sb.stop()
    dialogue = [line for line in heard if " C: " in line or " S: " in line]
    assert sum(len(line) + 1 for line in dialogue) < 3000 + 200, len(dialogue)
    assert len([line for line in heard if "left out" in line]) == 2      # where it stops, and at the end
    assert any("== end" in line for line in heard)


def test_the_folder_is_pruned_when_sessions_end(tmp_path):
    sb = Sandbox(tmp_path, quiet=True)
    sb.start()
    try:
        sb.transcripts.kept = 3
        crowd = [Line(sb, "pop3") for _ in range(6)]    # open at once: none of theirs can be deleted
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(sb.transcripts.ids()) < 6:
            time.sleep(0.05)
        assert len(sb.transcripts.ids()) == 6
        for c in crowd:
            c.cmd("QUIT")
            hang_up(c)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(sb.transcripts.ids()) > 3:
            time.sleep(0.05)
        assert len(sb.transcripts.ids()) == 3
    finally:
        sb.stop()
