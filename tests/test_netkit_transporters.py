"""The object NetKit's getToken() returns goes straight into a transporter's accessTokenOAuth2:
SMTP, IMAP and POP3 sign in with XOAUTH2 on the sandbox with the token its provider issued. When
the provider has expired that token the servers refuse it (the transporters' statuses say so), and
getToken() on the same provider, its tokenExpiration passed, refreshes it: the new one signs in."""
from __future__ import annotations

import time

from netkit_util import run_on_sandbox
from oauth_util import free_port
from sandbox_util import fresh, sandbox  # noqa: F401  (a fixture)

SECRET = "canary-netkit-transport-4e2a"

GET_TOKEN = """
$param:=New object("name"; "Google"; "permission"; "signedIn"; "clientId"; "{client}"; "clientSecret"; "{secret}";\\
    "redirectURI"; "http://127.0.0.1:{port}/authorize/"; "scope"; "https://mail.google.com/"; "loginHint"; "{user}")
$provider:=cs.NetKit.OAuth2Provider.new($param)
$token:=$provider.getToken()
"""

USE_TOKEN = """
$smtp:=SMTP New transporter(New object("host"; "smtp.gmail.com"; "port"; 465; "user"; "{user}"; \\
    "authenticationMode"; SMTP authentication OAUTH2; "accessTokenOAuth2"; $token))
$mail:=New object("from"; "{user}"; "to"; "{user}"; "subject"; "{subject}"; "textBody"; "Sent with a NetKit token.")
$status:=$smtp.send($mail)
ALERT("SMTP "+String($status.success)+" "+String($status.status))
$imap:=IMAP New transporter(New object("host"; "imap.gmail.com"; "port"; 993; "user"; "{user}"; \\
    "authenticationMode"; IMAP authentication OAUTH2; "accessTokenOAuth2"; $token))
$status:=$imap.checkConnection()
ALERT("IMAP "+String($status.success))
$pop3:=POP3 New transporter(New object("host"; "pop.gmail.com"; "port"; 995; "user"; "{user}"; \\
    "authenticationMode"; POP3 authentication OAUTH2; "accessTokenOAuth2"; $token))
$status:=$pop3.checkConnection()
ALERT("POP3 "+String($status.success))
$smtp:=Null
$imap:=Null
$pop3:=Null
"""


def outcomes(sandbox, since: int) -> list[tuple]:
    return sorted((s.protocol, s.mechanism, s.ok, s.issued_token) for s in sandbox.sign_ins[since:])


def test_the_token_object_signs_in_on_smtp_imap_and_pop3(sandbox, tmp_path):
    user = fresh("netkit")
    before = len(sandbox.sign_ins)
    run = run_on_sandbox(GET_TOKEN.format(client="nk-mail", secret=SECRET, port=free_port(), user=user)
                         + USE_TOKEN.format(user=user, subject="NetKit token on three protocols"), sandbox, tmp_path)
    assert (run.err, run.lines) == ("", ["SMTP True 250", "IMAP True", "POP3 True"])
    assert outcomes(sandbox, before) == [("IMAP", "XOAUTH2", True, True), ("POP3", "XOAUTH2", True, True),
                                         ("SMTP", "XOAUTH2", True, True)]
    assert SECRET not in run.out


def test_an_expired_token_is_refused_then_refreshed_by_get_token(sandbox, tmp_path):
    user = fresh("netkit")
    sandbox.oauth.token_lifetime = 2
    try:
        source = GET_TOKEN.format(client="nk-expiry", secret=SECRET, port=free_port(), user=user) + """
$first:=$token.token.access_token
DELAY PROCESS(Current process; 150)
""" + USE_TOKEN.format(user=user, subject="expired") + """
$token:=$provider.getToken()
ALERT("refreshed "+String($token.token.access_token#$first))
""" + USE_TOKEN.format(user=user, subject="refreshed")
        before = len(sandbox.sign_ins)
        started = time.monotonic()
        run = run_on_sandbox(source, sandbox, tmp_path)
    finally:
        sandbox.oauth.token_lifetime = 3599
    assert time.monotonic() - started >= 2
    assert run.err == ""
    assert run.lines == ["SMTP False 535", "IMAP False", "POP3 False", "refreshed True",
                         "SMTP True 250", "IMAP True", "POP3 True"]
    seen = outcomes(sandbox, before)
    assert seen == sorted([("SMTP", "XOAUTH2", False, True), ("IMAP", "XOAUTH2", False, True),
                           ("POP3", "XOAUTH2", False, True), ("SMTP", "XOAUTH2", True, True),
                           ("IMAP", "XOAUTH2", True, True), ("POP3", "XOAUTH2", True, True)])


def test_a_service_token_signs_in_too(sandbox, tmp_path):
    user = fresh("netkit")
    before = len(sandbox.sign_ins)
    run = run_on_sandbox(f"""
$provider:=New OAuth2 provider(New object("name"; "Microsoft"; "permission"; "service"; "clientId"; "nk-svc-mail";\\
    "clientSecret"; "{SECRET}"; "scope"; "https://outlook.office365.com/.default"))
$token:=$provider.getToken()
$imap:=IMAP New transporter(New object("host"; "outlook.office365.com"; "port"; 993; "user"; "{user}"; \\
    "accessTokenOAuth2"; $token))
ALERT("IMAP "+String($imap.checkConnection().success))
""", sandbox, tmp_path)
    assert (run.err, run.lines) == ("", ["IMAP True"])
    assert outcomes(sandbox, before) == [("IMAP", "XOAUTH2", True, True)]
