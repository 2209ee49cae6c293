"""1,000 sends over one keepAlive SMTP transporter against raw smtplib, same server, same run.

The server is a real SMTP server on loopback: aiosmtpd with its Sink handler, in its own
process so it does not share the interpreter with the clients. fourmail runs a 4D loop
(`$transporter.send($email)` 1,000 times); the baseline is what a Python programmer writes:
one smtplib connection, an EmailMessage built and sent 1,000 times. Target: ratio <= 1.15.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_SENDS", "1000"))

SCRIPT = """
var $server;$email;$status : Object
var $transporter : 4D.SMTPTransporter
$server:=New object("host";"127.0.0.1";"port";{port};"acceptUnsecureConnection";True)
$transporter:=SMTP New transporter($server)
$email:=New object
$email.from:="alice@example.com"
$email.to:="bob@example.com"
$email.subject:="Benchmark"
$email.textBody:="Hello from the benchmark."
For($i;1;{n})
  $status:=$transporter.send($email)
  If(Not($status.success))
    throw(1;$status.statusText)
  End if
End for
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                             "-l", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the aiosmtpd server did not start")


def run_fourmail(port: int) -> float:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "bench.4dm"
        f.write_text(SCRIPT.replace("{port}", str(port)).replace("{n}", str(N)))
        from fourmail.program import compile_source, new_runtime
        rt = new_runtime(project_dir=Path(d), interactive=False)
        method = compile_source(rt, f.read_text(), str(f), "bench")
        t0 = time.perf_counter()
        rt.run(method)
        elapsed = time.perf_counter() - t0
        rt.shutdown()
        return elapsed


def run_smtplib(port: int) -> float:
    import smtplib
    t0 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, local_hostname="localhost") as s:
        for _ in range(N):
            msg = EmailMessage()
            msg["From"] = "alice@example.com"
            msg["To"] = "bob@example.com"
            msg["Subject"] = "Benchmark"
            msg.set_content("Hello from the benchmark.")
            s.send_message(msg)
    return time.perf_counter() - t0


def main() -> int:
    sys.path.insert(0, str(ROOT))
    port = free_port()
    server = start_server(port)
    try:
        run_smtplib(port)          # warm up both paths once (imports, server)
        ours = min(run_fourmail(port) for _ in range(2))
        theirs = min(run_smtplib(port) for _ in range(2))
    finally:
        server.terminate()
        server.wait(10)
    print(f"fourmail: {N} sends over one keepAlive transporter in {ours:.3f} s")
    print(f"smtplib:  {N} sends over one connection in {theirs:.3f} s")
    print(f"ratio: {ours / theirs:.2f} (target <= 1.15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
