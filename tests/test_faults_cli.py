"""`--fault` on the command line, run as a user runs it: `fourmail run --sandbox --fault ...` shows
the script's error branch, `fourmail sandbox --fault ...` serves with the faults set, and a bad
spec is a usage error that says why."""
from __future__ import annotations

import poplib
import re
import smtplib
import ssl

import pytest

from sandbox_util import cli_sandbox
from test_sandbox_cli import fourmail

SEND = """$server:=New object("host"; "smtp.gmail.com"; "port"; 587; "user"; "4d@gmail.com"; "password"; "XXXXXXXX")
$transporter:=SMTP New transporter($server)
$email:=New object("from"; "4d@gmail.com"; "to"; "test@gmail.com"; "subject"; "Hello"; "textBody"; "Hi")
$status:=$transporter.send($email)
If ($status.success)
    ALERT("sent")
Else
    ALERT("Error # "+String($status.status)+", "+$status.statusText)
End if
"""


def test_run_sandbox_with_a_fault_takes_the_error_branch(tmp_path):
    script = tmp_path / "send.4dm"
    script.write_text(SEND)
    store = tmp_path / "store"
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(store), "--fault", "smtp:rcpt=550", str(script))
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == "Error # 550, 5.1.1 <test@gmail.com>: Recipient address rejected: User unknown\n"
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(store), "--fault", "smtp:auth=535:user=someone@else.com",
                 "--fault", "imap:fetch=drop", str(script))
    assert (r.returncode, r.stdout) == (0, "sent\n")          # faults that do not touch this send


def test_bad_specs_are_usage_errors(tmp_path):
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), "--fault", "smtp:rcpt=250", "examples/hello.4dm")
    assert r.returncode == 64 and r.stdout == ""
    assert r.stderr == ("fourmail: argument --fault: 'smtp:rcpt=250': an SMTP fault replies with a code from 400 "
                        "to 599, drop or delay:SECONDS (see fourmail run --help)\n")
    r = fourmail("sandbox", "--sandbox-dir", str(tmp_path), "--fault", "imap:peek=NO")
    assert r.returncode == 64 and "imap has no step 'peek'" in r.stderr and len(r.stderr.splitlines()) == 1
    r = fourmail("run", "--fault", "smtp:rcpt=550", "examples/hello.4dm")
    assert r.returncode == 64 and "--fault goes with --sandbox" in r.stderr


def test_standalone_sandbox_serves_with_its_faults(tmp_path):
    with cli_sandbox(tmp_path, "--fault", "pop3:stat=ERR:text=[IN-USE] busy", "--fault", "smtp:mail=451:once") \
            as (p, text):
        assert "  faults           pop3:stat=ERR:text=[IN-USE] busy, smtp:mail=451:once\n" in text
        port = {name: int(n) for name, n in re.findall(r"(\w+)(?: \+ \w+)?\s+127\.0\.0\.1:(\d+)", text)}
        with smtplib.SMTP("127.0.0.1", port["smtp"], timeout=10) as s:
            s.starttls(context=ssl.create_default_context(cafile=str(tmp_path / "tls" / "ca.pem")))
            s.login("a@b.c", "x")
            assert s.mail("a@b.c")[0] == 451
            assert s.mail("a@b.c")[0] == 250                  # once
        pop = poplib.POP3("127.0.0.1", port["pop3"], timeout=10)
        pop.user("reader@b.c")
        pop.pass_("x")
        try:
            pop.stat()
            raise AssertionError("STAT was answered")
        except poplib.error_proto as e:
            assert e.args[0] == b"-ERR [IN-USE] busy"
        pop.quit()
    assert p.returncode == 0


def _sent(store) -> int:
    """How many copies of the example's mail test@gmail.com's INBOX holds."""
    inbox = store / "mail" / "test@gmail.com"
    return sum(b"Subject: Hello, again" in p.read_bytes() for sub in ("new", "cur") for p in (inbox / sub).glob("*"))


@pytest.mark.parametrize("faults, out, stored", [
    ([], ["Sent on try 1: 2.0.0 OK: delivered to 1 mailbox"], 1),
    (["smtp:mail=451:once"], ["Try 1 failed (451): 4.3.0 Mail server temporarily rejected message.",
                              "Sent on try 2: 2.0.0 OK: delivered to 1 mailbox"], 1),
    (["smtp:data=drop:once"], ["Try 1 failed (0): Connection to smtp.gmail.com lost during the transaction: "
                               "Connection unexpectedly closed", "Sent on try 2: 2.0.0 OK: delivered to 1 mailbox"], 1),
    (["smtp:rcpt=550"], ["Refused for good (550): 5.1.1 <test@gmail.com>: Recipient address rejected: User unknown"], 0),
    (["smtp:connect=421"], [f"Try {n} failed (421): 4.7.0 Try again later, closing connection." for n in (1, 2, 3)], 0),
])
def test_send_and_retry_example_takes_each_branch(tmp_path, faults, out, stored):
    args = [a for f in faults for a in ("--fault", f)]
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), *args, "examples/send-and-retry.4dm")
    assert (r.returncode, r.stderr, r.stdout.splitlines()) == (0, "", out)
    assert _sent(tmp_path) == stored
