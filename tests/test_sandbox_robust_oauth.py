"""The OAuth 2.0 provider keeps a bounded amount whatever clients ask: scopes and client ids have a
maximum length, dead tokens are dropped (an expired one is still known as issued for a while), and
the live tokens, refresh tokens and client registrations each have a bound."""
from __future__ import annotations

import logging
import uuid

import pytest

from oauth_util import GOOGLE_AUTH, authorize, code_for, https, pkce, request_params, token
from sandbox_util import sandbox  # noqa: F401  (the fixture)

from fourmail.sandbox import oauth_provider

REDIRECT = "http://localhost:9000"


def client_token(sb, client_id=None, secret="s-1", scope="https://mail.google.com/"):
    client_id = client_id or f"app-{uuid.uuid4().hex[:8]}"
    return token(sb, {"grant_type": "client_credentials", "scope": scope}, basic=(client_id, secret))[:2]


def test_a_scope_over_the_maximum_is_invalid_scope_and_is_not_logged_in_full(sandbox, caplog):
    caplog.set_level(logging.INFO, logger="fourmail.sandbox.oauth")
    status, answer = client_token(sandbox, scope="s" * (oauth_provider.MAX_SCOPE + 1))
    assert (status, answer["error"]) == (400, "invalid_scope")
    status, answer = client_token(sandbox, scope="s" * oauth_provider.MAX_SCOPE)
    assert status == 200 and answer["scope"] == "s" * oauth_provider.MAX_SCOPE
    lines = [r.getMessage() for r in caplog.records if r.name == "fourmail.sandbox.oauth"]
    assert lines and all(len(line) < 400 for line in lines), max(map(len, lines))


def test_a_client_id_over_the_maximum_is_invalid_request(sandbox, caplog):
    caplog.set_level(logging.INFO, logger="fourmail.sandbox.oauth")
    status, answer = client_token(sandbox, client_id="c" * (oauth_provider.MAX_CLIENT_ID + 1))
    assert (status, answer["error"]) == (400, "invalid_request")
    assert all(len(r.getMessage()) < 400 for r in caplog.records)


def test_the_authorization_endpoint_bounds_scope_and_client_id(sandbox):
    _, challenge = pkce()
    status, params, *_ = authorize(sandbox, **request_params(REDIRECT, challenge,
                                                             scope="s" * (oauth_provider.MAX_SCOPE + 1)))
    assert status == 302 and params["error"] == "invalid_scope", params
    status, params, _, body = authorize(sandbox, **request_params(REDIRECT, challenge,
                                                                  client_id="c" * (oauth_provider.MAX_CLIENT_ID + 1)))
    assert status == 400 and params is None and b"client_id" in body


def test_an_expired_token_is_dropped_but_still_known_as_issued(sandbox, monkeypatch):
    monkeypatch.setattr(oauth_provider, "RETIRED_KEPT", 2)
    monkeypatch.setattr(sandbox.oauth, "token_lifetime", 0)
    first = client_token(sandbox)[1]["access_token"]
    client_token(sandbox)                                      # drops the first (expired)
    assert sandbox.oauth.issued(first) and sandbox.oauth.verdict("x@example.com", first) is False
    client_token(sandbox)
    client_token(sandbox)                                      # only the last two dead ones are kept
    assert not sandbox.oauth.issued(first) and sandbox.oauth.verdict("x@example.com", first) is None


def test_past_the_bound_the_oldest_live_token_is_revoked(sandbox, monkeypatch):
    monkeypatch.setattr(oauth_provider, "MAX_LIVE_TOKENS", 3)
    tokens = [client_token(sandbox)[1]["access_token"] for _ in range(6)]
    assert sandbox.oauth.verdict("x@example.com", tokens[-1]) is True
    assert sandbox.oauth.issued(tokens[0]) and sandbox.oauth.verdict("x@example.com", tokens[0]) is False


def test_past_the_bound_the_oldest_refresh_token_is_forgotten(sandbox, monkeypatch):
    monkeypatch.setattr(oauth_provider, "MAX_REFRESH_TOKENS", 2)
    refresh = []
    for _ in range(3):
        code, verifier = code_for(sandbox, REDIRECT)
        status, answer, _ = token(sandbox, {"grant_type": "authorization_code", "code": code,
                                            "redirect_uri": REDIRECT, "client_id": "client-1",
                                            "client_secret": "secret-1", "code_verifier": verifier})
        assert status == 200, answer
        refresh.append(answer["refresh_token"])
    form = {"grant_type": "refresh_token", "client_id": "client-1", "client_secret": "secret-1"}
    assert token(sandbox, {**form, "refresh_token": refresh[-1]})[0] == 200
    status, answer, _ = token(sandbox, {**form, "refresh_token": refresh[0]})
    assert (status, answer["error"]) == (400, "invalid_grant")


def test_past_the_bound_the_oldest_client_registration_is_forgotten(sandbox, monkeypatch):
    monkeypatch.setattr(oauth_provider, "MAX_CLIENTS", 3)
    first = f"app-{uuid.uuid4().hex[:8]}"
    assert client_token(sandbox, first, "one")[0] == 200
    assert client_token(sandbox, first, "two")[0] == 401        # registered with "one"
    for _ in range(3):
        assert client_token(sandbox)[0] == 200
    assert client_token(sandbox, first, "two")[0] == 200        # forgotten: registered anew
