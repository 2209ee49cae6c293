"""`fourmail run --sandbox` uses the `fourmail sandbox` already serving the same store (found by
the state file it keeps there), so that its web inbox shows the script's mail as it arrives; a
stale state file (a process gone, listeners that do not answer) means a sandbox of its own."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sandbox_util import cli_sandbox
from web_util import Events

REPO = Path(__file__).resolve().parent.parent
SEND = """$t:=SMTP New transporter(New object("host";"smtp.gmail.com";"port";465;"user";"4d@gmail.com";"password";"x"))
$s:=$t.send(New object("from";"4d@gmail.com";"to";"watcher@example.com";"subject";"SUBJECT";"textBody";"Hi"))
ALERT(String($s.success))
"""


def fourmail(*args, **kw):
    return subprocess.run([sys.executable, "-m", "fourmail", *args], capture_output=True, text=True, cwd=REPO,
                          stdin=subprocess.DEVNULL, timeout=120, **kw)


def inbox_url(printed: str) -> str:
    return next(line.split()[2] for line in printed.splitlines() if line.strip().startswith("Web inbox"))


def script(tmp_path, subject: str) -> Path:
    f = tmp_path / f"{subject}.4dm"
    f.write_text(SEND.replace("SUBJECT", subject))
    return f


def test_run_sends_through_the_running_sandbox_and_its_page_sees_it(tmp_path):
    store = tmp_path / "store"
    with cli_sandbox(store) as (p, printed):
        url = inbox_url(printed)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        state = json.loads((store / "running.json").read_text())
        assert state["pid"] == p.pid and state["inbox"]["port"] == int(url.rsplit(":", 1)[1].strip("/"))
        assert oct((store / "running.json").stat().st_mode & 0o777) == "0o600"
        with Events(url) as events:
            started = time.monotonic()
            run = fourmail("run", "--sandbox", "--sandbox-dir", str(store), str(script(tmp_path, "Seen live")))
            assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr
            # the running sandbox delivered it: its page is told (another process's delivery
            # would reach the store but not this sandbox's watchers)
            new = events.wait(lambda e: e["Type"] == "new" and e["Data"]["Subject"] == "Seen live")
            assert new["Data"]["Account"] == "watcher@example.com" and time.monotonic() - started < 60
            # a run that asks for other settings (strict accounts) starts a sandbox of its own
            accounts = tmp_path / "accounts.txt"
            accounts.write_text("4d@gmail.com x\nwatcher@example.com y\n")
            run = fourmail("run", "--sandbox", "--sandbox-dir", str(store), "--accounts", str(accounts),
                           str(script(tmp_path, "Strict and alone")))
            assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr
            time.sleep(1)
            assert not [e for e in events.events if e["Type"] == "new" and e["Data"]["Subject"] == "Strict and alone"]
    assert p.returncode == 0
    assert not (store / "running.json").exists()          # gone with the sandbox


def test_a_runs_faults_apply_to_the_running_sandbox_for_that_run_only(tmp_path):
    import urllib.request
    with cli_sandbox(tmp_path / "store", "--fault", "imap:select=NO") as (_, printed):
        url = inbox_url(printed)

        def faults() -> list:
            with urllib.request.urlopen(url + "api/v1/chaos", timeout=10) as r:
                return json.loads(r.read())["Faults"]
        assert faults() == ["imap:select=NO"]
        run = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path / "store"), "--fault", "smtp:rcpt=550",
                       str(script(tmp_path, "Refused")))
        assert run.returncode == 0 and run.stdout.strip() == "False", run.stderr     # RCPT 550: not sent
        assert faults() == ["imap:select=NO"]                # the running sandbox's own, as before the run


def test_a_stale_state_file_starts_a_sandbox_of_its_own(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    endpoint = {"name": "smtps", "protocol": "SMTP", "implicit_tls": True, "host": "127.0.0.1", "port": 9,
                "standard_port": 465}
    stale = {"pid": gone.pid, "store": str(store.resolve()), "endpoints": [endpoint], "web": endpoint,
             "inbox": endpoint, "ca_file": str(store / "tls" / "ca.pem"), "accounts": None, "token_lifetime": None}
    (store / "running.json").write_text(json.dumps(stale))
    run = fourmail("run", "--sandbox", "--sandbox-dir", str(store), str(script(tmp_path, "On its own")))
    assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr
    # alive but not answering (this test's own pid: never "another" sandbox) is stale as well
    stale["pid"] = os.getppid()
    (store / "running.json").write_text(json.dumps(stale))
    run = fourmail("run", "--sandbox", "--sandbox-dir", str(store), str(script(tmp_path, "Again on its own")))
    assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr
    (store / "running.json").write_text("{not json")
    run = fourmail("run", "--sandbox", "--sandbox-dir", str(store), str(script(tmp_path, "Once more")))
    assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr
