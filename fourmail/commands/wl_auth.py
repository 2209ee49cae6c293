"""AuthIdentify (FR AuthIdentifie) and AuthVerifyAuthentication: WLanguage's OAuth 2.0 sign-in
(REFERENCE.md §4) on fourmail's client, mail/oauth2.py.

AuthIdentify always gives an AuthToken: a failed sign-in gives one that is not Valid (and compares
equal to Null, the test the seed example makes), with ErrorOccurred True and the runtime's own
message in ErrorInfo(). The tokens a process obtained are kept for the run (never shown), so that
AuthVerifyAuthentication finds the person already signed in, refreshing an expired token when it
has a refresh token, as its page describes."""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name
from .wl_errors import reset, set_error
from .wl_values import AuthToken, OAuth2Parameters


def _parameters(value, function: str) -> OAuth2Parameters:
    if not isinstance(value, OAuth2Parameters):
        # OpenIDParameters and JWT sign-ins are not provided: a programming error, as a wrong type is
        raise FourDError(E.BAD_PARAMETER, name=function,
                         detail=f"an OAuth2Parameters variable is expected, not {type_name(value)}")
    return value


def _key(p: OAuth2Parameters) -> tuple:
    return (p.client_id, p.auth_url, p.token_url, p.scope)


def _signed_in(rt) -> dict:
    """The tokens this process obtained, by the parameters they were obtained with."""
    return rt.__dict__.setdefault("_wl_auth_tokens", {})


def _as_auth_token(token) -> AuthToken:
    return AuthToken(token.access_token, token.refresh_token, token.expires_at)


def auth_identify(rt, parameters, procedure=UNDEFINED):
    """AuthIdentify(<parameters>): the AuthToken. AuthIdentify(<parameters>, <Procedure>), the
    asynchronous syntax: returns at once; the sign-in runs once the code has returned (the
    process's messages run then, as a window's events would) and calls the procedure with
    (success, token)."""
    p = _parameters(parameters, "AuthIdentify")
    if procedure is UNDEFINED:
        return _identify(rt, p)
    if type(procedure) is not str or not procedure:
        raise FourDError(E.BAD_PARAMETER, name="AuthIdentify",
                         detail=f"a procedure is expected after the parameters, not {type_name(procedure)}")
    rt.load_method(procedure)                    # an unknown procedure is an error now, not later

    def sign_in_then_call(process_rt):
        token = _identify(process_rt, p)
        process_rt.call_method(procedure, [token.valid(), token])
    rt.application.call_worker(rt, rt.process.number, sign_in_then_call, None)
    return UNDEFINED


def _identify(rt, p: OAuth2Parameters) -> AuthToken:
    from ..mail.oauth2 import OAuthError, sign_in
    reset(rt)
    try:
        token = sign_in(rt, auth_url=p.auth_url, token_url=p.token_url, client_id=p.client_id,
                        client_secret=p.client_secret, redirect_url=p.redirection_url, scope=p.scope,
                        additional_parameters=p.additional_parameters)
    except OAuthError as e:
        set_error(rt, str(e))
        return AuthToken()
    result = _as_auth_token(token)
    _signed_in(rt)[_key(p)] = result
    return result


def auth_verify_authentication(rt, parameters) -> AuthToken:
    """The token of a sign-in already made with these parameters, refreshed when it expired; else
    a token that is not Valid (no error: nobody is signed in yet)."""
    from ..mail.oauth2 import OAuthError, refresh
    reset(rt)
    p = _parameters(parameters, "AuthVerifyAuthentication")
    held = _signed_in(rt).get(_key(p))
    if held is None:
        return AuthToken()
    if held.valid() or not held.refresh_token:
        return held
    try:
        token = refresh(rt, token_url=p.token_url, client_id=p.client_id, client_secret=p.client_secret,
                        refresh_token=held.refresh_token, scope=p.scope)
    except OAuthError as e:
        set_error(rt, str(e))
        return AuthToken()
    result = _signed_in(rt)[_key(p)] = _as_auth_token(token)
    return result
