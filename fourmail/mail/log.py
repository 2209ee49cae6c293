"""Extended mail log files (4DSMTPLog.txt, 4DPOP3Log.txt, 4DIMAPLog.txt: debugLogFiles.md).

One line per event, tab-separated: operation number, RFC 3339 date-time with milliseconds,
4D process ID, unique process ID, then the event: session start/end information, or data
exchanged ("S <" received from the server, "C >" sent by the client). Secrets never reach the
file: authentication exchanges are written as `********`.
"""
from __future__ import annotations

import datetime as _dt
import itertools
import os
import threading
from pathlib import Path

_PROCESS_ID = 1                    # fourmail runs 4D code in one process
_UNIQUE_ID = os.getpid()
_counter = itertools.count(1)
_lock = threading.Lock()

SECRET = "********"


class MailLog:
    def __init__(self, path: Path):
        self.path = path
        self.auth_in_progress = False     # inside an AUTH exchange: client lines are secret

    def write(self, text: str) -> None:
        stamp = _dt.datetime.now().isoformat(timespec="milliseconds")
        lines = text.splitlines() or [""]
        with _lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "a", encoding="utf-8", newline="\n") as f:
                    for line in lines:
                        f.write(f"{next(_counter)}\t{stamp}\t{_PROCESS_ID}\t{_UNIQUE_ID}\t{line}\n")
            except OSError:
                pass   # a log that cannot be written must not break mail

    def session(self, text: str) -> None:
        self.write(text)

    def received(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self.write(f"S < {line}")

    def sent(self, text: str) -> None:
        """A client line; AUTH arguments and the lines of an AUTH exchange are redacted."""
        for line in text.splitlines() or [""]:
            self.write(f"C > {redact(line, self)}")

    def data(self, content: bytes) -> None:
        """Message content (extended logs keep full MIME content)."""
        self.write("C > " + content.decode("utf-8", "replace").replace("\r\n", "\n").replace("\n", "\nC > "))


def redact(line: str, log: MailLog | None = None) -> str:
    """Hide credentials in a protocol line (SMTP/POP3/IMAP AUTH, LOGIN, PASS, APOP)."""
    words = line.split(" ")
    head = [w.upper() for w in words[:3]]
    if log is not None and log.auth_in_progress:
        return SECRET
    if head and head[0] == "AUTH":                       # SMTP, POP3: AUTH MECH [initial-response]
        return " ".join(words[:2] + ([SECRET] if len(words) > 2 else []))
    if head and head[0] in ("PASS", "APOP"):             # POP3
        return " ".join(words[:1] + ([words[1], SECRET] if head[0] == "APOP" and len(words) > 2 else [SECRET]))
    if len(head) >= 2 and head[1] in ("LOGIN", "AUTHENTICATE"):   # IMAP: tag LOGIN user pass
        return " ".join(words[:3] + ([SECRET] if len(words) > 3 else []))
    return line


def resolve_log_path(rt, log_file: str) -> Path:
    """`logFile` is relative to the Logs folder, or absolute (Transporter.md .logFile)."""
    p = Path(log_file).expanduser()
    return p if p.is_absolute() else Path(rt.logs_dir) / p
