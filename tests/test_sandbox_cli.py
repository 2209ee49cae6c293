"""`fourmail run --sandbox` and `fourmail sandbox`, run as a user runs them (subprocesses)."""
from __future__ import annotations

import os
import poplib
import re
import signal
import smtplib
import subprocess
import sys

from conftest import REPO


def fourmail(*args, cwd=REPO, env=None, timeout=120):
    env = {**{k: v for k, v in os.environ.items() if k not in ("FOURMAIL_ROUTES", "FOURMAIL_CAFILE")},
           **(env or {})}
    return subprocess.run([sys.executable, "-m", "fourmail", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=cwd, env=env, timeout=timeout)


def test_send_then_read_example(tmp_path):
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), "examples/send-then-read.4dm")
    assert r.returncode == 0, r.stderr
    sent, imap, pop3 = r.stdout.splitlines()
    assert sent == "Sent: 2.0.0 OK: delivered to 2 mailboxes"
    subject = re.search(r"Hello from fourmail [0-9A-F]{32}", imap).group(0)
    assert imap.startswith("IMAP: message 9 of 9 from 4d@gmail.com: ") and pop3.endswith(subject)
    assert pop3.startswith("POP3: message 9 of test@gmail.com: ")
    # The store persists: a second run finds the first run's mail.
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), "examples/send-then-read.4dm")
    assert "IMAP: message 10 of 10" in r.stdout


def test_listener_example(tmp_path):
    """examples/listen: the sandbox's IMAP server pushes the mail the script sent (IDLE) and
    the listener class beside the script is called back while the script waits."""
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), "examples/listen/listen.4dm")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"Listening to INBOX\nNew mail #9 from 4d@gmail.com: Ping [0-9A-F]{32}\n", r.stdout), r.stdout


def test_default_store_is_the_per_user_data_folder(tmp_path):
    r = fourmail("run", "--sandbox", "examples/send-then-read.4dm", env={"XDG_DATA_HOME": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    store = tmp_path / "fourmail" / "sandbox"
    assert (store / "tls" / "ca.pem").exists() and (store / "mail" / "4d@gmail.com" / "dovecot-uidlist").exists()


def test_strict_accounts_show_the_auth_failure_path(tmp_path):
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("test@gmail.com right-password\n")
    example = REPO.parent / "shared" / "reference" / "4d" / "examples" / "SMTPTransporterClass__02.4dm"
    script = tmp_path / "check.4dm"
    script.write_bytes(example.read_bytes())
    args = ["run", "--sandbox", "--sandbox-dir", str(tmp_path / "store"), "--accounts", str(accounts), str(script)]
    r = fourmail(*args, "--answer", "wrong-password")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "Error # 535, 5.7.8 Authentication credentials invalid"
    r = fourmail(*args, "--answer", "right-password")
    assert r.stdout.splitlines()[-1] == "SMTP connection check successful!"


def test_a_non_standard_port_reaches_the_listener_of_the_transporters_protocol(tmp_path):
    script = tmp_path / "port.4dm"
    script.write_text('$t:=SMTP New transporter(New object("host";"smtp.example.org";"port";2525;'
                      '"user";"me@example.org";"password";"x"))\n'
                      '$s:=$t.checkConnection()\nALERT(String($s.success))\n')
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path / "store"), str(script))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "True\n"                   # STARTTLS, certificate made for smtp.example.org


def test_sandbox_options_need_sandbox(tmp_path):
    r = fourmail("run", "--accounts", "a.txt", "examples/hello.4dm")
    assert r.returncode == 64 and "--sandbox" in r.stderr


def test_bad_accounts_file(tmp_path):
    bad = tmp_path / "accounts.txt"
    bad.write_text("lonely\n")
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), "--accounts", str(bad), "examples/hello.4dm")
    assert r.returncode == 64
    assert r.stderr.startswith("fourmail: sandbox: ") and "accounts.txt:1" in r.stderr


def test_run_without_sandbox_loads_no_server_code():
    code = ("import sys; from fourmail.cli import main; main(['run', 'examples/hello.4dm']); "
            "print(sorted(m for m in ('pymap', 'aiosmtpd', 'cryptography', 'fourmail.sandbox') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert r.stdout.splitlines() == ["Hello, World!", "[]"], r.stderr


def test_standalone_sandbox_serves_until_interrupted(tmp_path):
    from sandbox_util import cli_sandbox
    with cli_sandbox(tmp_path, stop=signal.SIGINT) as (p, text):
        ports = {name: int(port) for name, port in re.findall(r"(\w+)(?: \+ \w+)?\s+127\.0\.0\.1:(\d+)", text)}
        assert set(ports) == {"smtp", "smtps", "imap", "imaps", "pop3", "pop3s", "https"}, text
        assert f"CA certificate   {tmp_path / 'tls' / 'ca.pem'}" in text
        with smtplib.SMTP("127.0.0.1", ports["smtp"], timeout=10) as s:
            s.starttls(context=__import__("ssl").create_default_context(cafile=str(tmp_path / "tls" / "ca.pem")))
            s.login("a@b.c", "x")
            s.sendmail("a@b.c", ["reader@b.c"], b"Subject: standalone\r\n\r\nhi\r\n")
        pop = poplib.POP3("127.0.0.1", ports["pop3"], timeout=10)
        pop.user("reader@b.c")
        pop.pass_("x")
        assert b"Subject: standalone" in b"\n".join(pop.retr(pop.stat()[0])[1])
        pop.quit()
    out, err = p.rest
    assert p.returncode == 0, err
    assert "fourmail sandbox stopped." in out


def test_imap_and_pop3_on_unusual_ports_reach_the_sandbox(tmp_path):
    # a port that names no protocol is routed by the transporter's own protocol
    script = tmp_path / "odd.4dm"
    script.write_text('$t:=IMAP New transporter(New object("host";"imap.example.org";"port";1143;"user";"u";"password";"p"))\n'
                      '$s:=$t.checkConnection()\nALERT(String($s.success))\n'
                      '$p:=POP3 New transporter(New object("host";"pop.example.org";"port";1110;"user";"u";"password";"p"))\n'
                      '$s:=$p.checkConnection()\nALERT(String($s.success))\n')
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-m", "fourmail", "run", "--sandbox", "--sandbox-dir", str(tmp_path / "store"),
                        str(script)], capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=120)
    assert (r.returncode, r.stdout) == (0, "True\nTrue\n"), r.stderr
