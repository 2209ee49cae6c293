"""No mail is lost over POP3: delete() only marks, the server deletes at QUIT, and fourmail sends
QUIT only when the transporter is released. A session that ends any other way (socket closed
underneath, server kick, process killed) deletes nothing. The mailbox is checked from the
Maildir files (sha256 of every message) and from Dovecot's own log, never through fourmail."""
from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fourmail.mail.pop3 import POP3Transporter
from fourmail.runtime.errors import FourDError
from pop3_support import (box_hashes, dovecot_log, fill, messages, pop3_disconnects, pop3mail,  # noqa: F401
                          run4d, runtime, sample_messages, sha)

USER = "pop3-keep"      # a mailbox no other test (nor a parallel test run) writes to
TESTS = Path(__file__).resolve().parent


@pytest.fixture
def box(pop3mail, tmp_path):
    """The INBOX holding the three sample messages; `before` is its fingerprint."""
    realmail = pop3mail
    fill(realmail, USER, sample_messages())

    class Box:
        server = realmail
        password = realmail.users[USER]
        before = box_hashes(realmail, USER)
        files = [sha(m) for m in messages(realmail, USER)]      # in POP3 number order
        since = len(dovecot_log(realmail))

        def transporter(self, **options):
            rt = runtime(realmail, project_dir=tmp_path)
            server = {"host": "pop.test", "user": USER, "password": self.password, **options}
            return rt, POP3Transporter(rt, server)

        def run(self, source, **kw):
            prefix = (f'var $server : Object\n$server:=New object("host";"pop.test";"user";"{USER}";'
                      f'"password";"{self.password}")\n')
            return run4d(realmail, prefix + source, project_dir=tmp_path, **kw)

        def disconnects(self, sessions: int = 1):
            return pop3_disconnects(realmail, USER, self.since, expect=sessions)
    yield Box()
    fill(realmail, USER, [])


def test_marks_delete_nothing_until_the_transporter_is_released(box):
    rt, t = box.transporter()
    t.fn_delete(rt, 1)
    t.fn_delete(rt, 2)
    assert t.fn_getBoxInfo(rt)["mailCount"] == 1              # the session no longer shows them...
    assert box_hashes(box.server, USER) == box.before                      # ...but they are all still stored
    t = None                                                   # release: QUIT
    gc.collect()
    assert box_hashes(box.server, USER) == [box.files[2]]                  # exactly 1 and 2 went
    last = box.disconnects()[-1]
    assert "Logged out" in last and "del=2/3" in last


def test_undelete_all_then_release_deletes_nothing(box):
    rt, t = box.transporter()
    for info in t.fn_getMailInfoList(rt):
        t.fn_delete(rt, info["number"])
    assert t.fn_getMailInfoList(rt) == []
    t.fn_undeleteAll(rt)
    assert [i["number"] for i in t.fn_getMailInfoList(rt)] == [1, 2, 3]
    t = None
    assert box_hashes(box.server, USER) == box.before
    assert "del=0/3" in box.disconnects()[-1]


def test_socket_closed_underneath_deletes_nothing(box):
    rt, t = box.transporter()
    t.fn_delete(rt, 1)
    t.fn_delete(rt, 3)
    t.session.connection.sock.shutdown(socket.SHUT_RDWR)       # the connection goes away, no QUIT
    with pytest.raises(FourDError) as lost:
        t.fn_getMail(rt, 2)
    assert lost.value.component == "POP3" and lost.value.code == 1
    assert "2 message(s) marked for deletion stay on the server" in lost.value.message
    # The numbers the code holds belonged to that session: refused until a fresh list is taken.
    with pytest.raises(FourDError) as stale:
        t.fn_delete(rt, 2)
    assert stale.value.code == 3 and "getMailInfoList()" in stale.value.message
    assert len(t.fn_getMailInfoList(rt)) == 3                  # a new session: nothing was deleted
    t = None                                                   # and its release deletes nothing either
    assert box_hashes(box.server, USER) == box.before
    assert all("del=0/3" in line for line in box.disconnects())


def test_server_dropping_the_session_deletes_nothing(box):
    rt, t = box.transporter(port=110)                          # STLS this time
    t.fn_delete(rt, 2)
    subprocess.run(["doveadm", "-c", str(box.server.dovecot_conf), "kick", USER], check=True,
                   capture_output=True)
    time.sleep(0.2)
    assert box_hashes(box.server, USER) == box.before
    with pytest.raises(FourDError) as lost:
        t.fn_getMIMEAsBlob(rt, 1)
    assert "1 message(s) marked for deletion stay on the server" in lost.value.message
    status = t.fn_checkConnection(rt)                          # documented: recreates the connection
    assert status["success"] is True
    assert t.fn_getBoxInfo(rt)["mailCount"] == 3
    t = None
    assert box_hashes(box.server, USER) == box.before


def test_idle_session_dropped_with_nothing_marked_reconnects_quietly(box):
    rt, t = box.transporter()
    assert t.fn_getBoxInfo(rt)["mailCount"] == 3
    subprocess.run(["doveadm", "-c", str(box.server.dovecot_conf), "kick", USER], check=True,
                   capture_output=True)
    time.sleep(0.2)
    assert [i["number"] for i in t.fn_getMailInfoList(rt)] == [1, 2, 3]    # a new session, no error
    assert rt.errors == []
    t = None
    assert box_hashes(box.server, USER) == box.before


def test_killed_process_deletes_nothing(box):
    # A 4D process that dies (kill -9) never releases its transporter: its marks must not apply.
    script = textwrap.dedent(f"""
        import sys, time
        from fourmail.mail.network import parse_route
        from fourmail.mail.pop3 import POP3Transporter
        from fourmail.runtime.session import Runtime
        rt = Runtime(interactive=False)
        rt.routes = [parse_route("pop.test:995={box.server.host}:{box.server.pop3s}")]
        rt.cafiles = [{str(box.server.ca)!r}]
        t = POP3Transporter(rt, {{"host": "pop.test", "user": {USER!r}, "password": {box.password!r}}})
        for info in t.fn_getMailInfoList(rt):
            t.fn_delete(rt, info["number"])
        print(t.fn_getBoxInfo(rt)["mailCount"], flush=True)
        time.sleep(60)
    """)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                         cwd=TESTS.parent, env={**os.environ, "PYTHONPATH": str(TESTS.parent)})
    try:
        assert p.stdout.readline().strip() == "0.0"           # every message marked
        assert box_hashes(box.server, USER) == box.before
    finally:
        os.kill(p.pid, signal.SIGKILL)
        p.wait(10)
    time.sleep(0.2)
    assert box_hashes(box.server, USER) == box.before
    assert "del=0/3" in box.disconnects()[-1]


def test_doc_delete_example_with_a_real_transporter(box):
    # POP3TransporterClass__02 as printed uses an undefined $POP3_transporter (see
    # test_pop3_examples.py); here it is preceded by the line that creates one.
    snippet = (Path(__file__).resolve().parents[2] / "shared/reference/4d/examples/"
               "POP3TransporterClass__02.4dm").read_text()
    source = "$POP3_transporter:=POP3 New transporter($server)\n" + snippet + textwrap.dedent("""
        $check:=POP3 New transporter($server)
        ALERT(JSON Stringify($check.getBoxInfo()))
        """)
    undo = box.run(source, answers=["Undo"])                   # CONFIRM refused: undeleteAll()
    assert undo.error is None and json.loads(undo.lines[-1])["mailCount"] == 3
    assert box_hashes(box.server, USER) == box.before                      # even after the end of the run
    delete = box.run(source, answers=["Delete"])               # confirmed: $POP3_transporter:=Null
    assert delete.error is None
    assert json.loads(delete.lines[-1]) == {"mailCount": 0, "size": 0}   # gone at the release, mid-run
    assert box_hashes(box.server, USER) == []


def test_end_of_run_releases_even_after_an_error(box):
    # 4D releases an aborted method's objects, which closes (QUITs) the session: marks apply.
    r = box.run('$t:=POP3 New transporter($server)\n$t.delete(1)\n$x:=1/0\nALERT("not reached")')
    assert r.error is not None and r.error.code == 20 and r.lines == []
    assert box_hashes(box.server, USER) == sorted(box.files[1:])
    # The same with a caught error on the transporter: releasing it by Null still QUITs at once.
    fill(box.server, USER, sample_messages())
    r = box.run('$t:=POP3 New transporter($server)\n$t.delete(1)\n$x:=Try($t.getMail("x"))\n'
                '$t:=Null\n$c:=POP3 New transporter($server)\nALERT(String($c.getBoxInfo().mailCount))')
    assert r.lines == ["2"]
