"""POP3 paths a real Dovecot never takes, against a tiny scripted server on loopback: no CAPA and
no SASL (USER/PASS is then the way in), no UIDL, and a connection cut in the middle of a RETR."""
from __future__ import annotations

import socket
import threading

import pytest

from fourmail.mail.pop3 import POP3Transporter
from fourmail.runtime.errors import FourDError
from fourmail.runtime.session import Runtime

MESSAGE = b"Subject: old server\r\n\r\nbody\r\n"


class OldServer:
    """RFC 1939 only: answers USER/PASS/STAT/LIST/RETR/DELE/NOOP/QUIT; -ERR for anything else.
    `cut_retr`: close the connection halfway through a RETR. Records every client line."""

    def __init__(self, cut_retr=False):
        self.cut_retr = cut_retr
        self.lines: list[str] = []
        self.quit = False
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        conn, _ = self.sock.accept()
        with conn, conn.makefile("rb") as f:
            conn.sendall(b"+OK old POP3 server ready\r\n")
            for raw in f:
                line = raw.decode().rstrip("\r\n")
                self.lines.append(line)
                verb = line.split(" ")[0].upper()
                if verb in ("USER", "PASS", "NOOP", "DELE", "RSET"):
                    conn.sendall(b"+OK\r\n")
                elif verb == "STAT":
                    conn.sendall(b"+OK 1 %d\r\n" % len(MESSAGE))
                elif verb == "LIST":
                    conn.sendall(b"+OK\r\n1 %d\r\n.\r\n" % len(MESSAGE))
                elif verb == "RETR":
                    if self.cut_retr:
                        conn.sendall(b"+OK\r\nSubject: old")
                        return
                    conn.sendall(b"+OK\r\n" + MESSAGE + b".\r\n")
                elif verb == "QUIT":
                    self.quit = True
                    conn.sendall(b"+OK bye\r\n")
                    return
                else:
                    conn.sendall(b"-ERR unknown command\r\n")


@pytest.fixture
def rt(tmp_path):
    return Runtime(project_dir=tmp_path, interactive=False)


def _transporter(rt, server, tmp_path, **options):
    return POP3Transporter(rt, {"host": "127.0.0.1", "port": server.port, "user": "u", "password": "s3cret",
                                "acceptUnsecureConnection": True, "logFile": str(tmp_path / "log.txt"),
                                **options})


@pytest.mark.parametrize("mode", ["", "PLAIN", "LOGIN"])
def test_user_pass_when_nothing_else_is_offered(rt, tmp_path, mode):
    server = OldServer()
    t = _transporter(rt, server, tmp_path, authenticationMode=mode)
    assert t.fn_getMailInfoList(rt) == [{"size": float(len(MESSAGE)), "number": 1.0, "id": ""}]  # no UIDL
    assert t.fn_getMIMEAsBlob(rt, 1) == MESSAGE
    t.close()
    assert server.lines[:3] == ["CAPA", "USER u", "PASS s3cret"] and server.quit
    log = (tmp_path / "log.txt").read_text()
    assert "C > PASS ********" in log and "s3cret" not in log
    assert "unencrypted session (acceptUnsecureConnection is True)" in log


def test_a_mechanism_not_offered_is_not_tried(rt, tmp_path):
    server = OldServer()
    status = _transporter(rt, server, tmp_path, authenticationMode="CRAM-MD5").fn_checkConnection(rt)
    assert status["success"] is False and "does not offer AUTH CRAM-MD5" in status["statusText"]
    assert status["errors"][0]["componentSignature"] == "POP3"
    assert server.lines == ["CAPA"]


def test_connection_cut_during_retr_sends_no_quit(rt, tmp_path):
    server = OldServer(cut_retr=True)
    t = _transporter(rt, server, tmp_path)
    t.fn_delete(rt, 1)
    with pytest.raises(FourDError) as lost:
        t.fn_getMail(rt, 1)
    assert "lost" in lost.value.message and "1 message(s) marked for deletion stay" in lost.value.message
    t.close()
    assert "QUIT" not in server.lines and not server.quit
