"""AuthIdentify's asynchronous syntax, AuthIdentify(<parameters>, <Procedure>), on the sandbox's
OAuth 2.0 provider: it returns at once, and once the code has returned the sign-in runs and the
procedure is called with (success, token); the token then opens a session with XOAUTH2."""
from __future__ import annotations

import pytest

from oauth_util import free_port
from sandbox_util import fresh, sandbox  # noqa: F401  (a fixture)
from test_wl_extras import run
from wl_run import run_wl

CLIENT_SECRET = "canary-secret-async-7c2e"

PARAMS = """\
Params is OAuth2Parameters
Params.ClientID = "{client}"
Params.ClientSecret = "{secret}"
Params.AuthURL = "https://accounts.google.com/o/oauth2/auth"
Params.TokenURL = "https://oauth2.googleapis.com/token"
Params.Scope = "https://mail.google.com/"
Params.RedirectionURL = "http://localhost:{port}"
"""

ASYNC = PARAMS + """\
AuthIdentify(Params, SignedIn)
Trace("asked")

PROCEDURE SignedIn(Success is boolean, Token is AuthToken)
Trace("signed in: " + Success + " " + Token.Valid + " " + ErrorOccurred)
IF NOT Success THEN
	Trace(ErrorInfo())
	RETURN
END
Session is emailSMTPSession
Session.ServerAddress = "smtp.gmail.com"
Session.Port = 587
Session.Option = emailOptionSecuredTLS
Session.Name = "{user}"
Session.AuthToken = Token
IF EmailStartSession(Session) THEN
	Trace("SMTP open")
	EmailCloseSession(Session)
END
"""

ASYNC_FR = PARAMS.replace("is OAuth2Parameters", "est un OAuth2Paramètres") + """\
AuthIdentifie(Params, Connecté)
Trace("demandé")

PROCÉDURE Connecté(Réussi, Jeton)
Trace("connecté : " + Réussi + " " + Jeton.Valid)
"""


def test_the_procedure_is_called_with_success_and_the_token_once_the_code_has_returned(sandbox, tmp_path):
    before = len(sandbox.sign_ins)
    result = run_wl(ASYNC.format(client="wl-async", secret=CLIENT_SECRET, port=free_port(), user=fresh("async")),
                    sandbox, tmp_path)
    assert (result.kind, result.err) == ("ok", "")
    assert result.out.splitlines() == ["asked", "signed in: 1 1 0", "SMTP open"]
    seen = sandbox.sign_ins[before:]
    assert [(s.protocol, s.mechanism, s.ok, s.issued_token) for s in seen] == [("SMTP", "XOAUTH2", True, True)]
    assert CLIENT_SECRET not in result.out


def test_the_french_names_and_untyped_parameters(sandbox, tmp_path):
    result = run_wl(ASYNC_FR.format(client="wl-async-fr", secret=CLIENT_SECRET, port=free_port()), sandbox, tmp_path)
    assert (result.kind, result.out) == ("ok", "demandé\nconnecté : 1 1\n")


def test_a_refused_sign_in_calls_the_procedure_with_false_and_the_providers_error(sandbox, tmp_path):
    sandbox.oauth.register_client("wl-async-refused", "the right secret")
    result = run_wl(ASYNC.format(client="wl-async-refused", secret=CLIENT_SECRET, port=free_port(), user="x"),
                    sandbox, tmp_path)
    assert result.kind == "ok"
    asked, signed, error = result.out.splitlines()
    assert (asked, signed) == ("asked", "signed in: 0 0 1")
    assert error.startswith("Authentication error: <invalid_client")


@pytest.mark.parametrize("call, message", [
    ('AuthIdentify(Params, "NoSuchProcedure")', "NoSuchProcedure"),
    ("AuthIdentify(Params, 12)", "a procedure is expected after the parameters"),
])
def test_the_procedure_must_be_one_of_the_program(call, message):
    kind, out = run(PARAMS.format(client="c", secret="s", port=1) + call + '\nTrace("never")')
    assert kind == "error" and message in out and "never" not in out
