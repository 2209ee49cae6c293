"""WLanguage's AuthIdentify on the sandbox's OAuth 2.0 provider: a token it issued signs in on
SMTP, IMAP and POP3 until the provider expires it; then all three refuse it (the sessions do not
open, ErrorInfo gives the server's answer), and a sign-in the provider refuses gives a token that
is not Valid, counts as Null, with ErrorOccurred and the provider's error."""
from __future__ import annotations

import io

from fourmail import lang
from fourmail.program import new_runtime
from fourmail.sandbox import routing
from oauth_util import free_port
from sandbox_util import fresh, sandbox  # noqa: F401  (a fixture)
from wl_run import run_wl

CLIENT_SECRET = "canary-client-secret-5b1d"

SIGN_IN = """\
Params is OAuth2Parameters
Params.ClientID = "{client}"
Params.ClientSecret = "{secret}"
Params.AuthURL = "https://accounts.google.com/o/oauth2/auth"
Params.TokenURL = "https://oauth2.googleapis.com/token"
Params.Scope = "https://mail.google.com/"
Params.RedirectionURL = "http://localhost:{port}"
Params.ResponseType = oauth2ResponseTypeCode
Token is AuthToken = AuthIdentify(Params)
Trace(ErrorOccurred, Token.Valid, Token <> Null)
"""

OPEN_ALL = """\
Outgoing is emailSMTPSession
Incoming is emailPOP3Session
Mailbox is emailIMAPSession
Outgoing.ServerAddress = "smtp.gmail.com"
Outgoing.Port = 587
Outgoing.Option = emailOptionSecuredTLS
Incoming.ServerAddress = "pop.gmail.com"
Incoming.Port = 995
Incoming.Option = optionSSL
Mailbox.ServerAddress = "imap.gmail.com"
Mailbox.Port = 993
Mailbox.Option = optionSSL
Outgoing.Name = "{user}"
Incoming.Name = "{user}"
Mailbox.Name = "{user}"
Outgoing.AuthToken = Token
Incoming.AuthToken = Token
Mailbox.AuthToken = Token
IF EmailStartSession(Outgoing) THEN
	Trace("SMTP open")
	EmailCloseSession(Outgoing)
ELSE
	Trace("SMTP refused: " + ErrorInfo())
END
IF EmailStartSession(Incoming) THEN
	Trace("POP3 open")
	EmailCloseSession(Incoming)
ELSE
	Trace("POP3 refused: " + ErrorInfo())
END
IF EmailStartSession(Mailbox) THEN
	Trace("IMAP open")
	EmailCloseSession(Mailbox)
ELSE
	Trace("IMAP refused: " + ErrorInfo())
END
"""


def session(sandbox, tmp_path):
    """One runtime for several inputs, as the REPL runs them: declarations carry over."""
    out = io.StringIO()
    rt = new_runtime(lang.get("wlanguage").interactive(), project_dir=tmp_path, out=out, err=io.StringIO(),
                     interactive=False)
    routing.apply(rt, sandbox)
    variables: dict = {}

    def run(source: str) -> list[str]:
        start = len(out.getvalue())
        result = run_wl(source, sandbox, tmp_path, runtime=rt, variables=variables)
        assert (result.kind, result.err) == ("ok", ""), result.err
        return out.getvalue()[start:].splitlines()
    return rt, run


def test_an_issued_token_opens_all_three_sessions_until_the_provider_expires_it(sandbox, tmp_path):
    rt, run = session(sandbox, tmp_path)
    user = fresh("oauth")
    assert run(SIGN_IN.format(client="wl-expiry", secret=CLIENT_SECRET, port=free_port())) == ["0", "1", "1"]
    before = len(sandbox.sign_ins)
    assert run(OPEN_ALL.format(user=user)) == ["SMTP open", "POP3 open", "IMAP open"]
    seen = sandbox.sign_ins[before:]
    assert sorted((s.protocol, s.mechanism, s.ok, s.issued_token) for s in seen) == \
        [("IMAP", "XOAUTH2", True, True), ("POP3", "XOAUTH2", True, True), ("SMTP", "XOAUTH2", True, True)]

    sandbox.oauth.expire_tokens()
    before = len(sandbox.sign_ins)
    smtp, pop3, imap = run(OPEN_ALL.format(user=user))
    assert smtp.startswith("SMTP refused: SMTP session, access denied.") and "535 5.7.8" in smtp
    assert pop3.startswith("POP3 refused: POP3 session: access denied.") and "[AUTH]" in pop3 and "401" in pop3
    assert imap.startswith("IMAP refused: IMAP session: access denied.") and "AUTHENTICATIONFAILED" in imap
    seen = sandbox.sign_ins[before:]
    assert sorted((s.protocol, s.mechanism, s.ok, s.issued_token) for s in seen) == \
        [("IMAP", "XOAUTH2", False, True), ("POP3", "XOAUTH2", False, True), ("SMTP", "XOAUTH2", False, True)]
    rt.shutdown()


def test_a_sign_in_the_provider_refuses_gives_a_null_token_and_the_providers_error(sandbox, tmp_path):
    sandbox.oauth.register_client("wl-refused", "the right secret")
    rt, run = session(sandbox, tmp_path)
    assert run(SIGN_IN.format(client="wl-refused", secret=CLIENT_SECRET, port=free_port())) == ["1", "0", "0"]
    lines = run('Trace(ErrorInfo())\nTrace(ErrorInfo(errMessage))')
    assert lines[0] == lines[1]
    assert lines[0].startswith("Authentication error: <invalid_client")
    # the session of the seed's pattern does not open with it, and nothing secret was printed
    assert run('S is emailSMTPSession\nS.AuthToken = Token\nTrace(S.AuthToken = Null)') == ["1"]
    assert CLIENT_SECRET not in "".join(run("Trace(Params)"))
    rt.shutdown()
