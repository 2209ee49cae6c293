"""Transcripts of the sessions 4D's own transporters open on the sandbox: a 4D script sends with a
password and with an OAuth2 token, reads back over IMAP and POP3; each session's transcript says
who signed in and how it ended, names the message, and holds no password and no token."""
from __future__ import annotations

import io
import uuid
from pathlib import Path

from fourmail.program import new_runtime, report, run_source
from fourmail.sandbox import routing
from sandbox_util import fresh, sandbox  # noqa: F401  (a fixture)
from test_transcripts import assert_clean, ids, sessions_since

PASSWORD = "4D-canary-" + uuid.uuid4().hex[:10]
TOKEN = "ya29.canary-" + uuid.uuid4().hex

SENDS = """\
$server:=New object("host"; "smtp.gmail.com"; "port"; {port}; "user"; "{user}"; "authenticationMode"; "{mode}")
$server.{secret_property}:="{secret}"
$transporter:=SMTP New transporter($server)
$email:=New object("from"; "{user}"; "to"; "{to}"; "subject"; "{subject}"; "textBody"; "Not in any transcript: {subject}")
$status:=$transporter.send($email)
ALERT(String($status.success))
$transporter:=Null
"""

READS = """\
$imap:=IMAP New transporter(New object("host"; "imap.gmail.com"; "port"; 993; "user"; "{to}"; "password"; "{password}"))
$box:=$imap.selectBox("INBOX")
$ids:=$imap.searchMails("SUBJECT \\"{subject}\\"")
$mail:=$imap.getMail($ids[0])
ALERT($mail.messageId)
$imap:=Null
$pop3:=POP3 New transporter(New object("host"; "pop.gmail.com"; "port"; 995; "user"; "{to}"; "password"; "{password}"))
$info:=$pop3.getMailInfoList()
$mail:=$pop3.getMail($info[$info.length-1].number)
ALERT($mail.subject)
$pop3:=Null
"""


def run_4d(source: str, sb, project_dir: Path) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    rt = new_runtime(project_dir=project_dir, out=out, err=err, interactive=False)
    routing.apply(rt, sb)
    outcome = run_source(rt, source, "transcribed.4dm")
    report(outcome, rt, "transcribed.4dm", err)
    rt.shutdown()
    assert (outcome.kind, err.getvalue()) == ("ok", "")
    return out.getvalue().splitlines()


def test_a_4d_script_s_sessions_are_transcribed_without_its_secrets(sandbox, tmp_path):
    sender, to = fresh("sender"), fresh("to")
    live: list[str] = []
    stop = sandbox.transcripts.listen(lambda t, line: live.append(line))
    try:
        sent = {}
        for port, mode, prop, secret in ((465, "PLAIN", "password", PASSWORD), (587, "LOGIN", "password", PASSWORD),
                                         (465, "OAUTH2", "accessTokenOAuth2", TOKEN)):
            before, subject = ids(sandbox), f"Transcribed {mode} {uuid.uuid4().hex[:8]}"
            assert run_4d(SENDS.format(port=port, user=sender, to=to, subject=subject, mode=mode,
                                       secret_property=prop, secret=secret), sandbox, tmp_path) == ["True"]
            [smtp] = sessions_since(sandbox, before)
            assert (smtp.protocol, smtp.user, smtp.ended) == ("SMTP", sender, "QUIT")
            sent[subject] = smtp
        before = ids(sandbox)
        message_id, subject_read = run_4d(READS.format(to=to, subject=subject, password=PASSWORD), sandbox, tmp_path)
        imap, pop3 = sorted(sessions_since(sandbox, before, 2), key=lambda i: i.protocol)
    finally:
        stop()
    assert subject_read == subject
    assert (imap.protocol, imap.user, imap.ended) == ("IMAP", to, "LOGOUT")
    assert (pop3.protocol, pop3.user, pop3.ended) == ("POP3", to, "QUIT")
    # the last message sent is the one read: its SMTP session names it, as stored for `to`
    [produced] = sent[subject].messages
    assert (produced.account, produced.message_id) == (to, f"<{message_id}>")
    assert [i.id for i in sandbox.transcripts.list(message=message_id)] == [sent[subject].id]
    assert f"Message-ID <{message_id}>]" in sandbox.transcripts.get(imap.id)
    assert f"Message-ID <{message_id}>]" in sandbox.transcripts.get(pop3.id)
    texts = [sandbox.transcripts.get(i.id) for i in [*sent.values(), imap, pop3]]
    assert "[redacted: PLAIN credentials of " + sender in texts[0]
    assert "[redacted: LOGIN password]" in texts[1] and "(upgraded)" in texts[1]
    assert "[redacted: XOAUTH2 token of " + sender in texts[2]
    for text in texts + ["\n".join(live)]:
        assert "Not in any transcript" not in text
        assert_clean(text, PASSWORD, TOKEN)


def test_a_token_from_the_oauth_client_signs_in_and_stays_out_of_the_transcripts(sandbox, tmp_path):
    from fourmail.mail import oauth2
    from oauth_util import free_port
    user = fresh("signed")
    rt = new_runtime(out=io.StringIO(), err=io.StringIO(), interactive=False)
    routing.apply(rt, sandbox)
    token = oauth2.sign_in(rt, auth_url="https://accounts.google.com/o/oauth2/auth",
                           token_url="https://oauth2.googleapis.com/token", client_id="transcripts",
                           client_secret="transcripts-secret", redirect_url=f"http://localhost:{free_port()}",
                           scope="https://mail.google.com/", additional_parameters=f"login_hint={user}", timeout=10)
    rt.shutdown()
    assert sandbox.oauth is not None and token.valid
    before, subject = ids(sandbox), f"Signed in {uuid.uuid4().hex[:8]}"
    assert run_4d(SENDS.format(port=587, user=user, to=user, subject=subject, mode="OAUTH2",
                               secret_property="accessTokenOAuth2", secret=token.access_token),
                  sandbox, tmp_path) == ["True"]
    [smtp] = sessions_since(sandbox, before)
    assert (smtp.user, smtp.ended, [m.account for m in smtp.messages]) == (user, "QUIT", [user])
    assert [s.issued_token for s in sandbox.sign_ins if s.user == user] == [True]
    text = sandbox.transcripts.get(smtp.id)
    assert f"[redacted: XOAUTH2 token of {user}]" in text
    assert_clean(text, token.access_token, token.refresh_token, "transcripts-secret")
