"""The sandbox's IMAP server on big mailboxes: each command's time at 1,000 and 10,000 messages.

A sandbox on a temporary store; one INBOX filled with 1,000 messages, another with 10,000
(`Store.fill` in fourmail/sandbox/store.py: one lock and one uid list write for all).
Over one imaplib session each: SELECT, STATUS, UID SEARCH ALL, FETCH 1:* (FLAGS), STORE 1:*
+FLAGS, NOOP, each the best of three runs. Prints the times and the ratio of the 10,000-message
time to the 1,000-message time: about 10 is linear (pymap alone was quadratic: about 100).
Targets: every command <= 0.5 s at 10,000 messages, every ratio <= 15. Also printed: the longest
another client's NOOP waited during one more run of each command (how long the server's event
loop was held; that STORE renames 10,000 files).

    python bench/imap_big_mailbox.py [N ...]      # default: 1000 10000
"""
from __future__ import annotations

import asyncio
import imaplib
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fourmail.sandbox.demo import seed  # noqa: E402
from fourmail.sandbox.server import Sandbox  # noqa: E402
from fourmail.sandbox.store import Store  # noqa: E402

COMMANDS = [
    ("SELECT", lambda m: m.select("INBOX")),
    ("STATUS", lambda m: m.status("INBOX", "(MESSAGES RECENT UNSEEN UIDNEXT)")),
    ("UID SEARCH ALL", lambda m: m.uid("SEARCH", "ALL")),
    ("FETCH 1:* (FLAGS)", lambda m: m.fetch("1:*", "(FLAGS)")),
    ("STORE 1:* +FLAGS", lambda m: m.store("1:*", "+FLAGS.SILENT", "(\\Answered)")),
    ("NOOP", lambda m: m.noop()),
]


class Bystander(threading.Thread):
    """Another client, on a small mailbox, sending NOOP after NOOP meanwhile: its longest wait
    is how long a command on the big mailbox kept the server from everyone else."""

    def __init__(self, sb: Sandbox):
        super().__init__(daemon=True)
        e = sb.endpoint("imap")
        self.m = imaplib.IMAP4(e.host, e.port, timeout=600)
        self.m.login("bystander@example.com", "pw")
        self.m.select("INBOX")
        self.longest, self.running = 0.0, True
        self.start()

    def run(self) -> None:
        while self.running:
            t = time.perf_counter()
            self.m.noop()
            self.longest = max(self.longest, time.perf_counter() - t)
            time.sleep(0.001)

    def stop(self) -> None:
        self.running = False
        self.join()
        self.m.logout()


def measure(sb: Sandbox, store: Store, n: int) -> dict[str, float]:
    account = f"bench-{n}@example.com"
    asyncio.run(store.fill(account, n))
    e = sb.endpoint("imap")
    m = imaplib.IMAP4(e.host, e.port, timeout=600)
    m.login(account, "pw")
    m.select("INBOX")
    times, held = {}, {}
    for name, command in COMMANDS:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            typ, _ = command(m)
            best = min(best, time.perf_counter() - t)
            assert typ == "OK", (name, typ)
        times[name] = best
    m.store("1:*", "-FLAGS.SILENT", "(\\Answered)")        # so that the next STORE renames again
    watch = Bystander(sb)                  # apart: its NOOPs share the server with the command
    for name, command in COMMANDS:
        time.sleep(0.05)
        watch.longest = 0.0
        assert command(m)[0] == "OK"
        time.sleep(0.05)                   # the NOOP that waited is answered after the command
        held[name] = watch.longest
    watch.stop()
    m.logout()
    return times, held


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    with tempfile.TemporaryDirectory() as d, Sandbox(d, quiet=True) as sb:
        store = Store(Path(d), seed=seed)
        measured = {n: measure(sb, store, n) for n in sizes}
    results = {n: measured[n][0] for n in sizes}
    held = measured[sizes[-1]][1]
    small, big = sizes[0], sizes[-1]
    print(f"{'command':20s}" + "".join(f"{n:>10,d} msgs" for n in sizes) + f"   ratio {big // small}x size"
          + f"   others waited at {big:,d}")
    worst = 0.0
    for name, _ in COMMANDS:
        ratio = results[big][name] / results[small][name]
        worst = max(worst, results[big][name])
        print(f"{name:20s}" + "".join(f"{results[n][name]:>13.3f}s" for n in sizes) + f"   {ratio:8.1f}"
              + f"   {held[name]:15.3f}s")
    print(f"slowest command at {big:,d} messages: {worst:.3f} s (target <= 0.5 s); another client waited"
          f" at most {max(held.values()):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
