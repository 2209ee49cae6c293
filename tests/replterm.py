"""Drive the real `python -m fourmail` REPL in a pseudo-terminal and read its screen (pyte)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pyte

REPO = Path(__file__).resolve().parent.parent
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
TAB, ENTER, ESC = "\t", "\r", "\x1b"


class Terminal:
    def __init__(self, home: Path, args=(), rows: int = 40, cols: int = 120, cwd: Path | None = None,
                 cache: Path | None = None):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PROMPT_TOOLKIT"))}
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(cache or home / "cache"),
                   XDG_CONFIG_HOME=str(home / "config"), TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                   COLUMNS=str(cols), LINES=str(rows))
        env.pop("FOURMAIL_DEBUG", None)
        self.child = pexpect.spawn(sys.executable, ["-m", "fourmail", *args], cwd=str(cwd or home), env=env,
                                   dimensions=(rows, cols), encoding=None, timeout=5)
        # answer the terminal's queries (cursor position reports) as a real terminal would
        self.screen.write_process_input = lambda data: self.child.send(data.encode())

    # ------------------------------------------------------------ reading the screen
    def pump(self, duration: float = 0.05) -> None:
        end = time.monotonic() + duration
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=max(0.0, min(0.05, end - time.monotonic())))
                self.stream.feed(data)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                return
            if time.monotonic() >= end:
                return

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def wait_for(self, what, timeout: float = 30.0) -> str:
        """Pump until `what` (a string on the screen, or a predicate of the screen text) holds."""
        check = (lambda t: what in t) if isinstance(what, str) else what
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.1)
            if check(self.text):
                return self.text
            if not self.child.isalive():
                self.pump(0.2)
                if check(self.text):
                    return self.text
                break
        raise AssertionError(f"timed out waiting for {what!r}; screen:\n{self.text}")

    def settle(self, quiet: float = 0.4, timeout: float = 10.0) -> str:
        """Pump until the screen stops changing for `quiet` seconds."""
        end = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < end:
            self.pump(0.1)
            now = self.text
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return self.text

    # ------------------------------------------------------------ typing
    def type(self, text: str, delay: float | None = None) -> None:
        """Keystrokes: all at once (as a fast typist), or one by one with `delay` between them."""
        if delay is None:
            self.child.send(text.encode())
            return
        for ch in text:
            self.child.send(ch.encode())
            self.pump(delay)

    def line(self, text: str) -> None:
        """Type a line and press Enter."""
        self.type(text)
        self.pump(0.05)
        self.child.send(ENTER.encode())

    def paste(self, text: str) -> None:
        self.child.send((PASTE_START + text + PASTE_END).encode())

    def prompt_ready(self) -> str:
        """Wait for an empty prompt as the last line written on the screen."""
        return self.wait_for(lambda t: [l for l in t.splitlines() if l.strip()][-1:] == ["4D>"])

    def close(self) -> None:
        if self.child.isalive():
            self.child.sendcontrol("c")       # drop a half-typed input, then leave
            self.pump(0.1)
            self.child.sendcontrol("d")
            try:
                self.child.expect(pexpect.EOF, timeout=5)
            except (pexpect.TIMEOUT, pexpect.EOF):
                pass
        self.child.close(force=True)
