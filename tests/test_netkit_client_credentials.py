"""The sandbox provider's client_credentials grant (RFC 6749 §4.4), which NetKit's "service"
permission asks for: a client with a secret gets a token of its own, without a refresh token, that
signs in over XOAUTH2; a request without a secret is invalid_client and registers nothing."""
from __future__ import annotations

from oauth_util import GOOGLE_TOKEN, smtp_xoauth2, token
from sandbox_util import fresh, sandbox  # noqa: F401  (a fixture)


def test_a_confidential_client_gets_a_token_without_refresh_token(sandbox):
    status, answer, headers = token(sandbox, {"grant_type": "client_credentials", "client_id": "cc-1",
                                              "client_secret": "s-1", "scope": "https://mail.google.com/"})
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert sorted(answer) == ["access_token", "expires_in", "scope", "token_type"]
    assert (answer["token_type"], answer["scope"]) == ("Bearer", "https://mail.google.com/")
    assert smtp_xoauth2(sandbox, fresh("cc"), answer["access_token"])[-1][0] == 235
    # the secret is now this client's: Basic with it works, another one does not
    status, _, _ = token(sandbox, {"grant_type": "client_credentials"}, basic=("cc-1", "s-1"))
    assert status == 200
    status, answer, _ = token(sandbox, {"grant_type": "client_credentials", "client_id": "cc-1",
                                        "client_secret": "other"})
    assert (status, answer["error"]) == (401, "invalid_client")


def test_a_client_without_secret_is_refused_and_not_registered(sandbox):
    status, answer, _ = token(sandbox, {"grant_type": "client_credentials", "client_id": "cc-public"})
    assert (status, answer["error"]) == (401, "invalid_client")
    status, _, _ = token(sandbox, {"grant_type": "client_credentials", "client_id": "cc-public",
                                   "client_secret": "now-one"}, url=GOOGLE_TOKEN)
    assert status == 200
