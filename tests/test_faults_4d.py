"""What a 4D program sees when the sandbox injects a fault: for each kind, a 4D snippet runs on the
sandbox (as `fourmail run --sandbox --fault ...` runs it) and the status object its transporter
returns, or the 4D errors it raises, are checked exactly.

The README's lesson ("Faults on purpose: what your 4D code sees") is made from LESSON below:
`test_readme_lesson_is_what_these_tests_check` fails when the two differ.
"""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from fourmail.program import new_runtime, report, run_source
from fourmail.sandbox import routing
from oauth_util import code_for, free_port, token
from sandbox_util import fresh, imaps, pop3s, sandbox  # noqa: F401  (a fixture)

REPO = Path(__file__).resolve().parents[1]


def send(user="4d@gmail.com", to="test@gmail.com", subject="Hello", extra="") -> str:
    return f"""$server:=New object("host"; "smtp.gmail.com"; "port"; 465; "user"; "{user}")
$server.password:="XXXXXXXX"{extra}
$transporter:=SMTP New transporter($server)
$email:=New object("from"; "{user}"; "to"; "{to}"; "subject"; "{subject}"; "textBody"; "Hi")
$status:=$transporter.send($email)
ALERT(JSON Stringify($status))
"""


def imap(action: str, user="test@gmail.com", before="") -> str:
    return f"""$server:=New object("host"; "imap.gmail.com"; "port"; 993; "user"; "{user}"; "password"; "XXXXXXXX")
$transporter:=IMAP New transporter($server)
ALERT(JSON Stringify($transporter.checkConnection())){before}
$result:=Try({action})
ALERT(JSON Stringify(New object("result"; $result; "errors"; Last errors)))
"""


def pop3(action: str, user="test@gmail.com") -> str:
    return f"""$server:=New object("host"; "pop.gmail.com"; "port"; 995; "user"; "{user}"; "password"; "XXXXXXXX")
$transporter:=POP3 New transporter($server)
ALERT(JSON Stringify($transporter.checkConnection()))
$result:=Try({action})
ALERT(JSON Stringify(New object("result"; $result; "errors"; Last errors)))
"""


def run_4d(sb, source: str, faults: list[str]) -> list:
    """Run `source` on the sandbox with these faults set; what it ALERTed, as JSON values."""
    sb.faults.set(faults)
    out, err = io.StringIO(), io.StringIO()
    rt = new_runtime(project_dir=REPO, out=out, err=err, interactive=False)
    rt.main_name = "faults"
    routing.apply(rt, sb)
    try:
        outcome = run_source(rt, source, "faults.4dm")
        report(outcome, rt, "faults.4dm", err)
        rt.shutdown()
    finally:
        sb.faults.clear()
    assert (outcome.kind, err.getvalue()) == ("ok", "")
    return [json.loads(line) for line in out.getvalue().splitlines()]


def lost(host: str, what: str, code: int = 1, component: str = "SMTP", status: bool = True) -> dict:
    """A status for a failure with no server answer: the 4D error is in `errors` too."""
    st = {"success": False, "status": 0, "statusText": what} if status else {"success": False, "statusText": what}
    st["errors"] = [{"errCode": code, "message": what, "componentSignature": component}]
    return st


def error(code: int, message: str, component: str) -> dict:
    """Last errors after Try(...), which gave Undefined (so `result` is not in the object)."""
    return {"errors": [{"errCode": code, "message": message, "componentSignature": component}]}


# Each lesson: the fault, what Gmail (or any server) does, the 4D code, what the code sees.
LESSON = [
    ("smtp:auth=535", "Gmail refuses the password", "send", [
        {"success": False, "status": 535, "statusText": "5.7.8 Username and Password not accepted."}]),
    ("smtp:rcpt=550", "Gmail does not know a recipient", "send", [
        {"success": False, "status": 550,
         "statusText": "5.1.1 <test@gmail.com>: Recipient address rejected: User unknown"}]),
    ("smtp:connect=421", "Gmail is too busy to take the connection", "send", [
        {"success": False, "status": 421, "statusText": "4.7.0 Try again later, closing connection."}]),
    ("smtp:mail=421", "Gmail closes the session at MAIL FROM", "send", [
        {"success": False, "status": 421, "statusText": "4.7.0 Try again later, closing connection."}]),
    ("smtp:data=451", "Gmail takes the message, then refuses it for now", "send", [
        {"success": False, "status": 451, "statusText": "4.3.0 Mail server temporarily rejected message."}]),
    ("smtp:data=drop", "the connection drops in the middle of the message", "send", [
        lost("smtp.gmail.com", "Connection to smtp.gmail.com lost during the transaction: "
                               "Connection unexpectedly closed")]),
    ("smtp:data=delay:5", "Gmail answers the message after sendTimeOut (2 s here)", "send sendTimeOut=2", [
        lost("smtp.gmail.com", "No answer from smtp.gmail.com within 2 s (sendTimeOut)")]),
    ("smtp:connect=delay:5", "Gmail greets after connectionTimeOut (1 s here)", "send connectionTimeOut=1", [
        lost("smtp.gmail.com", "Cannot connect to smtp.gmail.com:465: Connection unexpectedly closed: "
                               "The read operation timed out")]),
    ("oauth:expire", "the OAuth 2.0 token has expired", "send with accessTokenOAuth2", [
        {"success": False, "status": 535, "statusText": "5.7.8 Username and token not accepted"}]),
    ("imap:authenticate=NO", "Gmail refuses the IMAP sign-in", "imap selectBox", [
        {"success": False, "statusText": "[AUTHENTICATIONFAILED] Invalid credentials (Failure)"},
        error(2, "IMAP server imap.gmail.com refused: [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
              "IMAP")]),
    ("imap:select=NO", "Gmail cannot open the mailbox", "imap selectBox", [
        {"success": True, "statusText": "NOOP completed."},
        error(2, "IMAP server imap.gmail.com refused: [UNAVAILABLE] Temporary failure, try again later.",
              "IMAP")]),
    ("imap:fetch=drop", "the connection drops in the middle of a message", "imap getMail", [
        {"success": True, "statusText": "NOOP completed."},
        error(1, "IMAP session with imap.gmail.com lost: command: FETCH => EOF", "IMAP")]),
    ("imap:connect=BYE", "Gmail greets with BYE and hangs up", "imap selectBox", [
        lost("imap.gmail.com", "IMAP session with imap.gmail.com:993 failed: * BYE Server shutting down, "
                               "try again later.", component="IMAP", status=False),
        error(1, "IMAP session with imap.gmail.com:993 failed: * BYE Server shutting down, try again later.",
              "IMAP")]),
    ("imap:select=delay:4", "Gmail answers SELECT after connectionTimeOut (1 s here)", "imap selectBox timeout=1", [
        {"success": True, "statusText": "NOOP completed."},
        error(1, "IMAP session with imap.gmail.com lost: no answer within 1 s (connectionTimeOut)", "IMAP")]),
    ("pop3:auth=ERR", "Gmail refuses the POP3 sign-in", "pop3 getMail", [
        {"success": False, "statusText": "[AUTH] Username and password not accepted."},
        error(2, "POP3 server pop.gmail.com refused: [AUTH] Username and password not accepted.", "POP3")]),
    ("pop3:retr=ERR", "Gmail refuses to send one message (getMail returns Null, as for a message that is not there)",
     "pop3 getMail", [
        {"success": True, "statusText": "logged in, 8 messages (OCTETS octets)"},
        {"result": None, "errors": None}]),
    ("pop3:retr=delay:4", "Gmail answers RETR after connectionTimeOut (1 s here)", "pop3 getMail timeout=1", [
        {"success": True, "statusText": "logged in, 8 messages (OCTETS octets)"},
        error(1, "POP3 session with pop.gmail.com lost: no answer within 1 s (connectionTimeOut)", "POP3")]),
    ("pop3:retr=drop", "the connection drops in the middle of a message", "pop3 getMail", [
        {"success": True, "statusText": "logged in, 8 messages (OCTETS octets)"},
        error(1, "POP3 session with pop.gmail.com lost: -ERR EOF", "POP3")]),
]

CODE = {
    "send": lambda user: send(),
    "send sendTimeOut=2": lambda user: send(extra='\n$server.sendTimeOut:=2'),
    "send connectionTimeOut=1": lambda user: send(extra='\n$server.connectionTimeOut:=1'),
    "imap selectBox": lambda user: imap('$transporter.selectBox("INBOX")', user),
    "imap getMail": lambda user: imap("$transporter.getMail(1)", user, '\n$box:=$transporter.selectBox("INBOX")'),
    "pop3 getMail": lambda user: pop3("$transporter.getMail(1)", user),
    "imap selectBox timeout=1": lambda user: with_timeout(imap('$transporter.selectBox("INBOX")', user)),
    "pop3 getMail timeout=1": lambda user: with_timeout(pop3("$transporter.getMail(1)", user)),
}


def with_timeout(source: str) -> str:
    return source.replace('"password"; "XXXXXXXX")', '"password"; "XXXXXXXX"; "connectionTimeOut"; 1)', 1)


@pytest.mark.parametrize("fault, _, code, expected", [row for row in LESSON if row[2] in CODE],
                         ids=[row[0] for row in LESSON if row[2] in CODE])
def test_what_4d_sees(sandbox, fault, _, code, expected):
    user = fresh()                  # a fresh account: its demo mailbox holds 8 messages
    source = CODE[code](user)
    t0 = time.monotonic()
    if code.startswith("send"):
        source = source.replace('"test@gmail.com"', f'"{user}"')
        expected = json.loads(json.dumps(expected).replace("test@gmail.com", user))
    if "OCTETS" in json.dumps(expected):           # the size of the account's demo mailbox
        box = pop3s(sandbox, user)
        octets = box.stat()[1]
        box.quit()
        expected = json.loads(json.dumps(expected).replace("OCTETS", str(octets)))
    assert run_4d(sandbox, source, [fault]) == expected
    if "delay" in fault:            # it failed within the client's timeout, not the server's delay
        assert time.monotonic() - t0 < float(fault.rpartition(":")[2]) - 0.5


def inbox_subjects(sb, user: str) -> list[bytes]:
    box = imaps(sb, user)
    box.select("INBOX")
    found = box.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1]
    box.logout()
    return [part[1].strip() for part in found if isinstance(part, tuple)]


@pytest.mark.parametrize("fault", ["smtp:data=drop", "smtp:rcpt=550", "smtp:data=451"])
def test_a_failed_send_stores_nothing(sandbox, fault):
    to, subject = fresh(), f"never {fault}"
    assert run_4d(sandbox, send(to=to, subject=subject), [fault])[0]["success"] is False
    assert f"Subject: {subject}".encode() not in inbox_subjects(sandbox, to)
    assert run_4d(sandbox, send(to=to, subject=subject), [])[0]["success"] is True     # without it: sent
    assert inbox_subjects(sandbox, to).count(f"Subject: {subject}".encode()) == 1


def test_a_delay_past_send_timeout_fails_within_the_timeout(sandbox):
    to, subject = fresh(), "too late"
    t0 = time.monotonic()
    status = run_4d(sandbox, send(to=to, subject=subject, extra="\n$server.sendTimeOut:=2"), ["smtp:data=delay:6"])
    elapsed = time.monotonic() - t0
    assert status[0]["statusText"] == "No answer from smtp.gmail.com within 2 s (sendTimeOut)"
    assert 1 <= elapsed <= 3
    time.sleep(4.5)                  # the server's answer would have come by now: the mail was not taken
    assert f"Subject: {subject}".encode() not in inbox_subjects(sandbox, to)


def test_a_delayed_greeting_fails_within_connection_timeout(sandbox):
    t0 = time.monotonic()
    status = run_4d(sandbox, send(extra="\n$server.connectionTimeOut:=1"), ["smtp:connect=delay:5"])
    elapsed = time.monotonic() - t0
    assert status[0]["success"] is False and 0 <= elapsed <= 2


def test_once_then_the_retry_works(sandbox):
    source = send() + "$status:=$transporter.send($email)\nALERT(JSON Stringify($status))\n"
    first, second = run_4d(sandbox, source, ["smtp:mail=451:once"])
    assert (first["status"], second["success"]) == (451, True)


def test_expired_token(sandbox):
    user = fresh()
    redirect = f"http://localhost:{free_port()}/"
    code, verifier = code_for(sandbox, redirect, login_hint=user)
    status, answer, _ = token(sandbox, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                                        "client_id": "client-1", "code_verifier": verifier})
    assert status == 200
    source = send(user=user, to=user).replace('$server.password:="XXXXXXXX"',
                                               f'$server.accessTokenOAuth2:="{answer["access_token"]}"')
    assert run_4d(sandbox, source, [])[0]["success"] is True           # the token works...
    expected = next(row[3] for row in LESSON if row[0] == "oauth:expire")
    assert run_4d(sandbox, source, ["oauth:expire"]) == expected       # ...until it is expired


# ---------------------------------------------------------------- the README's lesson
CODE_TEXT = {
    "send": "`$status:=$transporter.send($email)` gives",
    "send sendTimeOut=2": "with `$server.sendTimeOut:=2`, `.send()` gives",
    "send connectionTimeOut=1": "with `$server.connectionTimeOut:=1`, `.send()` gives",
    "send with accessTokenOAuth2": "with a token in `accessTokenOAuth2`, `.send()` gives",
    "imap selectBox": "`.checkConnection()`, then `Try($transporter.selectBox(\"INBOX\"))` and `Last errors` give",
    "imap getMail": "`.checkConnection()`, then `Try($transporter.getMail(1))` and `Last errors` give",
    "pop3 getMail": "`.checkConnection()`, then `Try($transporter.getMail(1))` and `Last errors` give",
    "imap selectBox timeout=1": "with `connectionTimeOut` 1, `.checkConnection()`, then "
                                "`Try($transporter.selectBox(\"INBOX\"))` and `Last errors` give",
    "pop3 getMail timeout=1": "with `connectionTimeOut` 1, `.checkConnection()`, then "
                              "`Try($transporter.getMail(1))` and `Last errors` give",
}


def lesson_markdown() -> str:
    lines = []
    for fault, what, code, expected in LESSON:
        lines.append(f"- **{what}** (`--fault {fault}`): {CODE_TEXT[code]}")
        for value in expected:
            text = json.dumps(value, ensure_ascii=False).replace("OCTETS", "...")
            lines.append(f"  `{text}`")
    return "\n".join(lines)


def test_readme_lesson_is_what_these_tests_check():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert lesson_markdown() in readme, "README's lesson differs; it should read:\n" + lesson_markdown()
