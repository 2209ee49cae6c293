"""The sandbox under load, run as a user runs it: `fourmail sandbox` in its own process.

1. Mixed load: 20 SMTP clients (STARTTLS, one connection each, 100 distinct messages each, every
   message to 5 of a pool of 20 accounts) while 5 IMAP and 5 POP3 clients poll those accounts
   every 0.5 s as a mail client checks for mail (IMAP: login, STATUS, SELECT, FETCH * (UID FLAGS);
   POP3: login, STAT, UIDL, QUIT; both over STARTTLS/STLS).
   Prints accepted messages/s and the p50/p99/max time of one send (target: >= 100/s on two
   cores, p99 <= 1 s).
2. Every message checked in every recipient's INBOX, over IMAP and over POP3, by Message-ID and
   body hash: lost, duplicated and corrupted counts (target: all 0).
3. IMAP on a 10,000-message INBOX (written through the store before the server starts): the time
   of SELECT, STATUS, SEARCH ALL and FETCH 1:* (FLAGS), and meanwhile the time an SMTP greeting
   takes on a fresh connection (target: < 0.2 s whatever IMAP does).

Loopback only; every phase is bounded in count and time (a command that takes longer than
--timeout is reported as such) and the server is stopped at the end.

    python bench/sandbox_load.py [--clients 20] [--messages 100] [--big 10000]
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import imaplib
import poplib
import random
import re
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOMAIN = "bench.example"
POOL = 20                 # recipient accounts: each message goes to RECIPIENTS of them
RECIPIENTS = 5
BIG = "big@" + DOMAIN


def recipients(client: int, n: int) -> list[str]:
    """5 distinct accounts of the pool; over a run every account gets the same share."""
    first = (client + n) % POOL
    return [f"r{(first + k * (POOL // RECIPIENTS)) % POOL:02d}@{DOMAIN}" for k in range(RECIPIENTS)]


def body_hash(raw: bytes) -> str:
    """The hash of a message's body (after the header), line ends normalised."""
    head_end = raw.find(b"\r\n\r\n")
    body = raw[head_end + 4:] if head_end >= 0 else b""
    return hashlib.sha256(body.replace(b"\r\n", b"\n")).hexdigest()


def build(client: int, n: int, rng: random.Random) -> tuple[str, bytes, list[str]]:
    to = recipients(client, n)
    msg_id = f"<c{client:02d}.m{n:03d}.{rng.getrandbits(48):012x}@{DOMAIN}>"
    m = EmailMessage()
    m["From"], m["To"], m["Subject"], m["Message-ID"] = f"sender{client:02d}@{DOMAIN}", ", ".join(to), \
        f"load {client}/{n}", msg_id
    lines = [f"message {n} of client {client}"] + [f"{rng.getrandbits(256):064x}" for _ in range(20)]
    m.set_content("\n".join(lines) + "\n")
    return msg_id, m.as_bytes(policy=m.policy.clone(linesep="\r\n")), to


# ---------------------------------------------------------------- the server
class Server:
    def __init__(self, store: Path):
        self.store = store
        self.proc = subprocess.Popen([sys.executable, "-m", "fourmail", "sandbox", "--port-base", "0",
                                      "--sandbox-dir", str(store)], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
        self.ports: dict[str, int] = {}
        for line in self.proc.stdout:
            m = re.search(r"^\s+\w+\s+(\w+).*127\.0\.0\.1:(\d+)", line)
            if m:
                self.ports[m.group(1)] = int(m.group(2))
            if line.startswith("Serving until interrupted"):
                break
        if not {"smtp", "smtps", "imap", "imaps", "pop3", "pop3s"} <= set(self.ports):   # and OAuth, the inbox
            self.stop()
            raise SystemExit(f"the sandbox did not start: {self.ports}")
        self.tls = ssl.create_default_context(cafile=str(store / "tls" / "ca.pem"))

    def smtp(self, timeout: float) -> smtplib.SMTP:
        s = smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=timeout)
        s.starttls(context=self.tls)
        s.login("bench@" + DOMAIN, "x")
        return s

    def imap(self, user: str, timeout: float) -> imaplib.IMAP4:
        m = imaplib.IMAP4("127.0.0.1", self.ports["imap"], timeout=timeout)
        m.starttls(self.tls)
        m.login(user, "x")
        return m

    def pop3(self, user: str, timeout: float) -> poplib.POP3:
        p = poplib.POP3("127.0.0.1", self.ports["pop3"], timeout=timeout)
        p.stls(self.tls)
        p.user(user)
        p.pass_("x")
        return p

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def fill(store: Path, account: str, count: int) -> None:
    """A large INBOX, written through the store before the server starts."""
    from fourmail.sandbox.demo import seed
    from fourmail.sandbox.store import Store
    asyncio.run(Store(store, seed=seed).fill(account, count))


# ---------------------------------------------------------------- phase 1: mixed load
def load(server: Server, clients: int, messages: int, deadline: float):
    sent: dict[str, tuple[str, list[str]]] = {}          # Message-ID -> (body hash, recipients)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    done = threading.Event()
    polls = Counter()

    # The messages are made before the clock starts: the bench measures the server.
    outbox = {c: [build(c, n, random.Random(c * 1000 + n)) for n in range(messages)] for c in range(clients)}
    go = threading.Barrier(clients + 1)

    def sender(c: int) -> None:
        try:
            s = server.smtp(timeout=60)
        except (OSError, smtplib.SMTPException) as e:
            with lock:
                errors.append(f"client {c}: connect: {e}")
            go.abort()
            return
        try:
            go.wait(60)
        except threading.BrokenBarrierError:
            s.close()
            return
        with s:
            for n, (msg_id, data, to) in enumerate(outbox[c]):
                if time.monotonic() > deadline:
                    with lock:
                        errors.append(f"client {c}: out of time after {n} messages")
                    return
                t = time.perf_counter()
                try:
                    refused = s.sendmail(f"sender{c:02d}@{DOMAIN}", to, data)
                except (OSError, smtplib.SMTPException) as e:
                    with lock:
                        errors.append(f"client {c} message {n}: {e}")
                    return
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    if refused:
                        errors.append(f"{msg_id}: refused {refused}")
                    else:
                        sent[msg_id] = (body_hash(data), to)

    def imap_poller(i: int) -> None:
        rng = random.Random(1000 + i)
        while not done.is_set():
            try:
                m = server.imap(recipients(rng.randrange(POOL), 0)[0], timeout=30)
                m.status("INBOX", "(MESSAGES UIDNEXT UNSEEN)")
                m.select("INBOX", readonly=True)
                m.fetch("*", "(UID FLAGS)")
                m.logout()
                polls["imap"] += 1
            except (OSError, imaplib.IMAP4.error) as e:
                polls["imap errors"] += 1
                errors.append(f"IMAP poller {i}: {e}")
            done.wait(0.5)

    def pop3_poller(i: int) -> None:
        rng = random.Random(2000 + i)
        while not done.is_set():
            try:
                p = server.pop3(recipients(rng.randrange(POOL), 0)[0], timeout=30)
                p.stat()
                p.uidl()
                p.quit()
                polls["pop3"] += 1
            except (OSError, poplib.error_proto) as e:
                polls["pop3 errors"] += 1
                errors.append(f"POP3 poller {i}: {e}")
            done.wait(0.5)

    pollers = [threading.Thread(target=imap_poller, args=(i,)) for i in range(5)]
    pollers += [threading.Thread(target=pop3_poller, args=(i,)) for i in range(5)]
    senders = [threading.Thread(target=sender, args=(c,)) for c in range(clients)]
    for t in pollers + senders:
        t.start()
    try:
        go.wait(120)                   # every client connected and signed in: the clock starts
    except threading.BrokenBarrierError:
        pass
    start = time.perf_counter()
    for t in senders:
        t.join()
    elapsed = time.perf_counter() - start
    done.set()
    for t in pollers:
        t.join()
    return sent, latencies, elapsed, errors, polls


# ---------------------------------------------------------------- phase 2: every message, once
def verify(server: Server, sent: dict[str, tuple[str, list[str]]]) -> dict[str, Counter]:
    expected: dict[str, dict[str, str]] = {}
    for msg_id, (digest, to) in sent.items():
        for r in to:
            expected.setdefault(r, {})[msg_id] = digest
    parser = BytesHeaderParser()
    result = {"IMAP": Counter(), "POP3": Counter()}

    def tally(view: str, want: dict[str, str], found: list[bytes]) -> None:
        seen = Counter()
        for raw in found:
            msg_id = parser.parsebytes(raw).get("Message-ID", "")
            if msg_id not in want:
                continue                    # the demo mailbox
            seen[msg_id] += 1
            if body_hash(raw) != want[msg_id]:
                result[view]["corrupted"] += 1
        result[view]["checked"] += len(want)
        result[view]["lost"] += sum(1 for m in want if not seen[m])
        result[view]["duplicated"] += sum(n - 1 for n in seen.values() if n > 1)

    for account, want in sorted(expected.items()):
        m = server.imap(account, timeout=120)
        m.select("INBOX", readonly=True)
        typ, data = m.fetch("1:*", "(BODY.PEEK[])")
        m.logout()
        tally("IMAP", want, [part[1] for part in data if isinstance(part, tuple)])
        p = server.pop3(account, timeout=120)
        count = p.stat()[0]
        tally("POP3", want, [b"\r\n".join(p.retr(n)[1]) + b"\r\n" for n in range(1, count + 1)])
        p.quit()
    return result


# ---------------------------------------------------------------- phase 3: a 10,000-message INBOX
def big_mailbox(server: Server, timeout: float) -> list[tuple[str, float | None, float]]:
    """(command, seconds or None when over the timeout, slowest SMTP greeting meanwhile)."""
    commands = [("SELECT", lambda m: m.select("INBOX")),
                ("STATUS", lambda m: m.status("INBOX", "(MESSAGES UIDNEXT UNSEEN)")),
                ("SEARCH ALL", lambda m: m.search(None, "ALL")),
                ("FETCH 1:* (FLAGS)", lambda m: m.fetch("1:*", "(FLAGS)"))]
    out = []
    for name, run in commands:
        box: dict[str, float] = {}

        def command():
            try:                             # a session of its own (the last one may still be busy)
                m = server.imap(BIG, timeout=timeout)
                if name in ("SEARCH ALL", "FETCH 1:* (FLAGS)"):
                    m.select("INBOX")
                t = time.perf_counter()
                run(m)
                box["t"] = time.perf_counter() - t
                m.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
        th = threading.Thread(target=command, daemon=True)
        th.start()
        greetings = []
        while th.is_alive():                 # bounded: the command's socket times out
            t = time.perf_counter()
            try:
                with socket.create_connection(("127.0.0.1", server.ports["smtp"]), timeout=timeout) as s:
                    s.makefile("rb").readline()
                greetings.append(time.perf_counter() - t)
            except OSError:
                greetings.append(float("inf"))
            time.sleep(0.1)
        th.join()
        out.append((name, box.get("t"), max(greetings, default=0.0)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--messages", type=int, default=100, help="messages per SMTP client")
    ap.add_argument("--big", type=int, default=10000, help="messages in the large INBOX (0: skip phase 3)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds any one IMAP command may take")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="fourmail-bench-") as tmp:
        store = Path(tmp) / "sandbox"
        if args.big:
            t = time.perf_counter()
            fill(store, BIG, args.big)
            print(f"filled a {args.big}-message INBOX through the store in {time.perf_counter() - t:.1f} s")
        server = Server(store)
        try:
            sent, lat, elapsed, errors, polls = load(server, args.clients, args.messages,
                                                     time.monotonic() + 600)
            lat.sort()
            print(f"load: {args.clients} SMTP clients x {args.messages} messages x {RECIPIENTS} recipients "
                  f"(pool of {POOL}), with 5 IMAP and 5 POP3 clients polling "
                  f"({polls['imap']} IMAP and {polls['pop3']} POP3 polls)")
            if lat:
                print(f"  accepted: {len(sent)} messages in {elapsed:.1f} s = {len(sent) / elapsed:.1f} messages/s")
                print(f"  send latency: p50 {statistics.median(lat) * 1000:.0f} ms, "
                      f"p99 {lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
            for e in errors[:10]:
                print("  error:", e)
            if len(errors) > 10:
                print(f"  ... {len(errors) - 10} more errors")
            t = time.perf_counter()
            result = verify(server, sent)
            for view, c in result.items():
                print(f"  {view}: {c['checked']} deliveries checked: lost {c['lost']}, duplicated {c['duplicated']}, "
                      f"corrupted {c['corrupted']}")
            print(f"  (verified in {time.perf_counter() - t:.1f} s)")
            if args.big:
                print(f"IMAP on a {args.big}-message INBOX, each command on a fresh session:")
                for name, secs, greet in big_mailbox(server, args.timeout):
                    took = f"{secs:.2f} s" if secs is not None else f"over {args.timeout:.0f} s"
                    print(f"  {name:<18} {took:>12}   slowest SMTP greeting meanwhile {greet * 1000:.0f} ms")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
