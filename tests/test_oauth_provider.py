"""The sandbox's OAuth 2.0 provider, spoken to over HTTPS as a browser and a client would, and the
tokens it issues signing in (or not) on the sandbox's SMTP, IMAP and POP3 over XOAUTH2."""
from __future__ import annotations

import base64
import json
import time

import pytest

from oauth_util import (GOOGLE_AUTH, GOOGLE_TOKEN, authorize, code_for, https, imap_xoauth2, pkce, pop3_xoauth2,
                        request_params, smtp_xoauth2, token)
from sandbox_util import fresh, sandbox  # noqa: F401  (the fixture)

from fourmail.sandbox.accounts import XOAUTH2_ERROR

REDIRECT = "http://localhost:9000"


def exchange(sb, code, verifier, **more):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": "client-1",
            "client_secret": "secret-1", "code_verifier": verifier, **more}
    return token(sb, form)


def issued(sb, **more) -> dict:
    code, verifier = code_for(sb, REDIRECT, **more)
    status, answer, _ = exchange(sb, code, verifier)
    assert status == 200, answer
    return answer


# ---------------------------------------------------------------- authorization endpoint
def test_authorize_approves_at_once_with_a_redirect_to_the_loopback_uri(sandbox):
    verifier, challenge = pkce()
    status, params, headers, _ = authorize(sandbox, **request_params(REDIRECT + "/cb?x=1", challenge))
    assert status == 302
    assert headers["Location"].startswith("http://localhost:9000/cb?x=1&code=")
    assert params["state"] == "st-1" and params["x"] == "1"
    assert len(params["code"]) >= 40
    assert code_for(sandbox, REDIRECT)[0] != code_for(sandbox, REDIRECT)[0]


@pytest.mark.parametrize("url", ["https://accounts.google.com/o/oauth2/v2/auth",
                                 "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                                 "https://www.dropbox.com/oauth2/authorize"])
def test_every_providers_authorize_path_and_host(sandbox, url):
    _, challenge = pkce()
    status, params, *_ = authorize(sandbox, url, **request_params("http://127.0.0.1:9874/", challenge))
    assert status == 302 and params["code"] and params["state"] == "st-1"


@pytest.mark.parametrize("change, described", [
    ({"client_id": ""}, "client_id"),
    ({"redirect_uri": "https://app.example.com/callback"}, "loopback"),
    ({"redirect_uri": "http://192.168.1.2:9000/"}, "loopback"),
    ({"redirect_uri": ""}, "loopback"),
])
def test_no_redirect_to_an_unknown_client_or_a_non_loopback_uri(sandbox, change, described):
    _, challenge = pkce()
    status, params, headers, body = authorize(sandbox, **{**request_params(REDIRECT, challenge), **change})
    assert status == 400 and params is None            # RFC 6749 §4.1.2.1: never redirect then
    assert headers["Content-Type"].startswith("text/html")
    assert described in body.decode() and "<h1>Sign-in refused</h1>" in body.decode()


@pytest.mark.parametrize("change, error, described", [
    ({"response_type": "token"}, "unsupported_response_type", "response_type=code"),
    ({"state": ""}, "invalid_request", "state is required"),
    ({"code_challenge": ""}, "invalid_request", "code_challenge is required"),
    ({"code_challenge_method": "S512"}, "invalid_request", "S512 is not supported"),
    ({"code_challenge": "short"}, "invalid_request", "43 to 128"),
])
def test_other_errors_redirect_with_error(sandbox, change, error, described):
    _, challenge = pkce()
    status, params, *_ = authorize(sandbox, **{**request_params(REDIRECT, challenge), **change})
    assert status == 302 and params["error"] == error and "code" not in params
    assert described in params["error_description"]
    assert params.get("state") == (change.get("state", "st-1") or None)


# ---------------------------------------------------------------- token endpoint
def test_code_exchange_answers_rfc6749_json(sandbox):
    sandbox.oauth.token_lifetime = 1234
    try:
        code, verifier = code_for(sandbox, REDIRECT)
        status, answer, headers = exchange(sandbox, code, verifier)
    finally:
        sandbox.oauth.token_lifetime = 3599
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert headers["Content-Type"].startswith("application/json")
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 1234
    assert answer["scope"] == "https://mail.google.com/"
    assert len(answer["access_token"]) >= 40 and len(answer["refresh_token"]) >= 40
    assert answer["access_token"] != answer["refresh_token"]


def test_plain_pkce_and_the_other_token_paths(sandbox):
    code, verifier = code_for(sandbox, REDIRECT, method="plain")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": "client-1",
            "client_secret": "secret-1", "code_verifier": verifier}
    status, answer, _ = token(sandbox, form, "https://login.microsoftonline.com/common/oauth2/v2.0/token")
    assert status == 200 and answer["access_token"]
    code, verifier = code_for(sandbox, REDIRECT)
    status, answer, _ = token(sandbox, {**form, "code": code, "code_verifier": verifier},
                              "https://accounts.google.com/o/oauth2/token")
    assert status == 200 and answer["access_token"]


def test_wrong_verifier_missing_verifier_and_plain_verifier_for_s256(sandbox):
    code, verifier = code_for(sandbox, REDIRECT)
    status, answer, _ = exchange(sandbox, code, pkce()[0])
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert "code_verifier does not match" in answer["error_description"]
    code, verifier = code_for(sandbox, REDIRECT)
    status, answer, _ = exchange(sandbox, code, "")
    assert (status, answer["error"]) == (400, "invalid_request")
    # S256: the challenge itself given as the verifier does not pass
    verifier, challenge = pkce()
    _, params, *_ = authorize(sandbox, **request_params(REDIRECT, challenge))
    status, answer, _ = exchange(sandbox, params["code"], challenge)
    assert answer["error"] == "invalid_grant"


def test_code_is_one_time_and_a_reuse_revokes_its_tokens(sandbox):
    user = fresh()
    code, verifier = code_for(sandbox, REDIRECT)
    status, first, _ = exchange(sandbox, code, verifier)
    assert status == 200 and imap_xoauth2(sandbox, user, first["access_token"]) == "OK"
    status, again, _ = exchange(sandbox, code, verifier)
    assert (status, again["error"]) == (400, "invalid_grant") and "already used" in again["error_description"]
    assert imap_xoauth2(sandbox, user, first["access_token"]) != "OK"          # revoked
    status, answer, _ = token(sandbox, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                        "client_id": "client-1", "client_secret": "secret-1"})
    assert answer["error"] == "invalid_grant"


def test_expired_code(sandbox):
    sandbox.oauth.code_lifetime = 0
    try:
        code, verifier = code_for(sandbox, REDIRECT)
    finally:
        sandbox.oauth.code_lifetime = 60
    time.sleep(0.01)
    status, answer, _ = exchange(sandbox, code, verifier)
    assert (status, answer["error"]) == (400, "invalid_grant") and "expired" in answer["error_description"]


def test_code_bound_to_its_redirect_uri_and_client(sandbox):
    code, verifier = code_for(sandbox, REDIRECT)
    status, answer, _ = exchange(sandbox, code, verifier, redirect_uri="http://localhost:9001")
    assert answer["error"] == "invalid_grant" and "redirect_uri" in answer["error_description"]
    code, verifier = code_for(sandbox, REDIRECT)
    status, answer, _ = exchange(sandbox, code, verifier, client_id="client-2", client_secret="other")
    assert answer["error"] == "invalid_grant" and "another client" in answer["error_description"]
    status, answer, _ = exchange(sandbox, "no-such-code", verifier)
    assert answer["error"] == "invalid_grant"


def test_client_secret_in_the_body_or_basic_and_a_wrong_one(sandbox):
    sandbox.oauth.register_client("client-b", "right secret/+")
    base = {"grant_type": "authorization_code", "redirect_uri": REDIRECT}
    code, verifier = code_for(sandbox, REDIRECT, client_id="client-b")
    form = {**base, "code": code, "code_verifier": verifier}
    status, answer, headers = token(sandbox, {**form, "client_id": "client-b"}, basic=("client-b", "wrong"))
    assert (status, answer["error"]) == (401, "invalid_client") and headers["WWW-Authenticate"].startswith("Basic")
    code, verifier = code_for(sandbox, REDIRECT, client_id="client-b")
    form = {**base, "code": code, "code_verifier": verifier}
    status, answer, _ = token(sandbox, {**form, "client_id": "client-b", "client_secret": "wrong"})
    assert (status, answer["error"]) == (401, "invalid_client")
    code, verifier = code_for(sandbox, REDIRECT, client_id="client-b")
    form = {**base, "code": code, "code_verifier": verifier}
    # RFC 6749 §2.3.1: the Basic credentials are form-encoded
    status, answer, _ = token(sandbox, form, basic=("client-b", "right+secret%2F%2B"))
    assert status == 200 and answer["access_token"]
    status, answer, _ = token(sandbox, {**form, "client_secret": "x"}, basic=("client-b", "right+secret%2F%2B"))
    assert answer["error"] == "invalid_request"


def test_a_client_is_registered_by_its_first_request(sandbox):
    code, verifier = code_for(sandbox, REDIRECT, client_id="client-new")
    form = {"grant_type": "authorization_code", "redirect_uri": REDIRECT, "client_id": "client-new",
            "code": code, "code_verifier": verifier, "client_secret": "first"}
    assert token(sandbox, form)[0] == 200
    code, verifier = code_for(sandbox, REDIRECT, client_id="client-new")
    status, answer, _ = token(sandbox, {**form, "code": code, "code_verifier": verifier, "client_secret": "second"})
    assert (status, answer["error"]) == (401, "invalid_client")


def test_refresh_grant(sandbox):
    first = issued(sandbox)
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": "client-1",
            "client_secret": "secret-1"}
    status, answer, _ = token(sandbox, form)
    assert status == 200 and answer["access_token"] != first["access_token"]
    assert answer["scope"] == first["scope"] and answer["expires_in"] > 0
    assert imap_xoauth2(sandbox, fresh(), answer["access_token"]) == "OK"
    assert token(sandbox, {**form, "scope": "https://mail.google.com/ https://www.googleapis.com/auth/drive"}
                 )[1]["error"] == "invalid_scope"
    assert token(sandbox, {**form, "refresh_token": "nope"})[1]["error"] == "invalid_grant"
    assert token(sandbox, {**form, "client_secret": "wrong"})[1]["error"] == "invalid_client"


def test_bad_token_requests(sandbox):
    form = {"client_id": "client-1", "client_secret": "secret-1"}
    assert token(sandbox, {**form, "grant_type": "password"})[1]["error"] == "unsupported_grant_type"
    assert token(sandbox, form)[1]["error"] == "invalid_request"
    status, headers, body = https(sandbox, "GET", GOOGLE_TOKEN)
    assert status == 405 and json.loads(body)["error"] == "invalid_request"
    status, headers, body = https(sandbox, "POST", GOOGLE_TOKEN, b'{"grant_type": "x"}',
                                  {"Content-Type": "application/json"})
    assert status == 400 and json.loads(body)["error"] == "invalid_request"


# ---------------------------------------------------------------- its tokens over XOAUTH2
def test_an_issued_token_signs_in_on_smtp_imap_and_pop3_until_it_expires(sandbox):
    answer = issued(sandbox)
    user, access = fresh("oauth"), answer["access_token"]
    assert smtp_xoauth2(sandbox, user, access)[0][0] == 235
    assert imap_xoauth2(sandbox, user, access) == "OK"
    assert pop3_xoauth2(sandbox, user, access)[0].startswith("+OK")
    seen = [s for s in sandbox.sign_ins if s.user == user]
    assert [(s.protocol, s.mechanism, s.ok, s.issued_token) for s in seen] == [
        ("SMTP", "XOAUTH2", True, True), ("IMAP", "XOAUTH2", True, True), ("POP3", "XOAUTH2", True, True)]
    assert access not in repr(seen)

    sandbox.oauth.expire_tokens()
    smtp = smtp_xoauth2(sandbox, user, access)
    assert smtp[0][0] == 334 and base64.b64decode(smtp[0][1]) == XOAUTH2_ERROR
    assert smtp[1] == (535, b"5.7.8 Username and token not accepted")
    challenges = []
    assert "AUTHENTICATIONFAILED" in imap_xoauth2(sandbox, user, access, challenges)
    assert challenges == [b"", XOAUTH2_ERROR]
    pop3 = pop3_xoauth2(sandbox, user, access)
    assert base64.b64decode(pop3[0][2:]) == XOAUTH2_ERROR and pop3[1].startswith("-ERR [AUTH]")
    seen = [s for s in sandbox.sign_ins if s.user == user][3:]
    assert [(s.protocol, s.ok, s.issued_token) for s in seen] == [("SMTP", False, True), ("IMAP", False, True),
                                                                  ("POP3", False, True)]


def test_token_lifetime(sandbox):
    sandbox.oauth.token_lifetime = 1
    try:
        answer = issued(sandbox)
    finally:
        sandbox.oauth.token_lifetime = 3599
    assert answer["expires_in"] == 1
    assert imap_xoauth2(sandbox, fresh(), answer["access_token"]) == "OK"
    time.sleep(1.1)
    assert imap_xoauth2(sandbox, fresh(), answer["access_token"]) != "OK"


def test_open_mode_still_takes_any_other_token(sandbox):
    user = fresh()
    assert imap_xoauth2(sandbox, user, "ya29.anything-at-all") == "OK"
    assert [(s.ok, s.issued_token) for s in sandbox.sign_ins if s.user == user] == [(True, False)]


def test_login_hint_binds_the_token_to_its_user(sandbox):
    user = fresh()
    answer = issued(sandbox, login_hint=user)
    assert imap_xoauth2(sandbox, user.upper(), answer["access_token"]) == "OK"
    assert imap_xoauth2(sandbox, fresh(), answer["access_token"]) != "OK"


# ---------------------------------------------------------------- strict mode
@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    from fourmail.sandbox.server import Sandbox
    root = tmp_path_factory.mktemp("strict-oauth")
    accounts = root / "accounts.txt"
    accounts.write_text("4d@gmail.com pw1 ya29.file-token\ntest@gmail.com pw2\n")
    sb = Sandbox(root / "store", accounts_file=accounts, quiet=True)
    sb.start()
    yield sb
    sb.stop()


def test_strict_mode_asks_which_listed_account(strict):
    _, challenge = pkce()
    status, params, headers, body = authorize(strict, **request_params(REDIRECT, challenge))
    page = body.decode()
    assert status == 200 and params is None and headers["Content-Type"].startswith("text/html")
    assert "4d@gmail.com" in page and "test@gmail.com" in page and "login_hint=test%40gmail.com" in page
    status, params, *_ = authorize(strict, **request_params(REDIRECT, challenge, login_hint="nobody@gmail.com"))
    assert params["error"] == "access_denied"


def test_strict_mode_token_signs_in_its_listed_user_only(strict):
    code, verifier = code_for(strict, REDIRECT, login_hint="test@gmail.com")
    status, answer, _ = exchange(strict, code, verifier)
    access = answer["access_token"]
    assert smtp_xoauth2(strict, "test@gmail.com", access)[0][0] == 235
    assert smtp_xoauth2(strict, "4d@gmail.com", access)[-1][0] == 535
    assert smtp_xoauth2(strict, "other@gmail.com", access)[-1][0] == 535
    # the account file's own token keeps working, and an unknown one does not
    assert smtp_xoauth2(strict, "4d@gmail.com", "ya29.file-token")[0][0] == 235
    assert pop3_xoauth2(strict, "4d@gmail.com", "ya29.file-token")[0].startswith("+OK")
    assert imap_xoauth2(strict, "4d@gmail.com", "ya29.other") != "OK"
    assert [(s.user, s.ok, s.issued_token) for s in strict.sign_ins[-6:]] == [
        ("test@gmail.com", True, True), ("4d@gmail.com", False, True), ("other@gmail.com", False, True),
        ("4d@gmail.com", True, False), ("4d@gmail.com", True, False), ("4d@gmail.com", False, False)]


def test_strict_mode_with_one_account_signs_it_in_without_asking(tmp_path):
    from fourmail.sandbox.server import Sandbox
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("only@gmail.com pw\n")
    with Sandbox(tmp_path / "store", accounts_file=accounts, quiet=True) as sb:
        code, verifier = code_for(sb, REDIRECT)
        access = exchange(sb, code, verifier)[1]["access_token"]
        assert imap_xoauth2(sb, "only@gmail.com", access) == "OK"


def test_provider_pages_work_for_any_host_with_a_valid_certificate(sandbox):
    status, headers, body = https(sandbox, "GET", "https://oauth2.googleapis.com/")
    assert status == 200 and b"token endpoint" in body
    status, headers, body = https(sandbox, "GET", "https://api.dropboxapi.com/nothing-here")
    assert status == 404
