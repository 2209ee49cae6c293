"""What a client may send the sandbox is bounded: SMTP messages (MESSAGE_SIZE_LIMIT, announced
as SIZE) and POP3 lines."""
from __future__ import annotations

import smtplib

import pytest
from sandbox_util import Line, fresh, sandbox, smtp_starttls  # noqa: F401  (sandbox is a fixture)

from fourmail.sandbox.limits import MESSAGE_SIZE_LIMIT, PREAUTH_LITERAL_LIMIT


def test_smtp_announces_the_size_limit(sandbox):
    with smtp_starttls(sandbox) as s:
        assert s.has_extn("size") and int(s.esmtp_features["size"]) == MESSAGE_SIZE_LIMIT
        code, text = s.mail("4d@gmail.com", [f"SIZE={MESSAGE_SIZE_LIMIT + 1}"])
        assert code == 552, text


def test_smtp_refuses_a_message_over_the_limit_and_keeps_serving(sandbox):
    to = fresh()
    head = f"From: 4d@gmail.com\r\nTo: {to}\r\nSubject: big\r\n\r\n".encode()
    line = b"x" * 998 + b"\r\n"
    body = line * (MESSAGE_SIZE_LIMIT // len(line) + 1)
    with smtp_starttls(sandbox) as s:
        # a client that does not declare SIZE: the refusal comes at the end of DATA
        assert s.mail("4d@gmail.com")[0] == 250 and s.rcpt(to)[0] == 250
        code, text = s.data(head + body)
        assert code == 552, text
        # the session goes on: a message within the limit is delivered
        assert s.sendmail("4d@gmail.com", [to], head + line) == {}


def test_pop3_bounds_its_line_length(sandbox):
    c = Line(sandbox, "pop3")
    assert c.greeting.startswith("+OK")
    c.send("USER " + "a" * (2 * PREAUTH_LITERAL_LIMIT))       # the limit: a few kilobytes
    assert c.line().startswith("-ERR")
    assert c.file.readline() == b""          # and the connection is closed
    c.close()
    c = Line(sandbox, "pop3")               # the listener still serves
    assert c.cmd("CAPA").startswith("+OK")
    c.close()


def test_smtp_hangs_up_on_a_line_that_never_ends(sandbox):
    """A line longer than any message the sandbox takes is not buffered: 552, connection closed."""
    with smtp_starttls(sandbox) as s:
        assert s.mail("4d@gmail.com")[0] == 250 and s.rcpt(fresh())[0] == 250
        assert s.docmd("DATA")[0] == 354
        chunk = b"x" * (1 << 20)
        try:
            for _ in range(MESSAGE_SIZE_LIMIT // len(chunk) + 2):
                s.sock.sendall(chunk)
        except OSError:
            pass                             # closed while sending: the answer is still there
        s.sock.settimeout(10)
        answer = s.getreply()
        assert answer[0] == 552, answer
        with pytest.raises(smtplib.SMTPServerDisconnected):
            s.noop()
