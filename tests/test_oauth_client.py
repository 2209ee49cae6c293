"""fourmail's OAuth 2.0 client (mail/oauth2.py) against the sandbox's provider: the whole sign-in
with fourmail following the authorization URL itself, what it refuses (a wrong state, a
substituted PKCE challenge, an untrusted certificate), the provider's errors as WLanguage's
texts, the token on SMTP, IMAP and POP3, and no secret anywhere in what it prints or logs."""
from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from oauth_util import (GOOGLE_AUTH, GOOGLE_TOKEN, free_port, https, imap_xoauth2, pop3_xoauth2, smtp_xoauth2,
                        token, xoauth2)
from sandbox_util import fresh, sandbox  # noqa: F401  (the fixture)

from fourmail.mail import oauth2
from fourmail.mail.oauth2 import OAuthError


def runtime(sb=None):
    from fourmail.program import new_runtime
    rt = new_runtime(out=io.StringIO(), err=io.StringIO(), interactive=False)
    if sb is not None:
        from fourmail.sandbox.routing import apply
        apply(rt, sb)
    return rt


def params(port=None, **more) -> dict:
    return {"auth_url": GOOGLE_AUTH, "token_url": "https://accounts.google.com/o/oauth2/token",
            "client_id": "fourmail-tests", "client_secret": "tests-secret",
            "redirect_url": f"http://localhost:{port or free_port()}", "scope": "https://mail.google.com/",
            "timeout": 10, **more}


def follow(sb, url: str) -> str:
    """What a person's browser does: the authorization URL (the sandbox's provider, as its host
    name), then its redirect to the loopback listener. Returns the redirect's location."""
    status, headers, _ = https(sb, "GET", url)
    assert status == 302, status
    location = headers["Location"]
    with urllib.request.urlopen(location.replace("//localhost:", "//127.0.0.1:"), timeout=10) as r:
        assert r.status == 200 and b"You can close this page" in r.read()
    return location


# ---------------------------------------------------------------- the whole flow
def test_sign_in_under_the_sandbox_follows_the_url_and_the_token_sends_mail(sandbox):
    rt = runtime(sandbox)
    before = dt.datetime.now(dt.timezone.utc)
    token = oauth2.sign_in(rt, **params())
    assert token.valid and token.token_type == "Bearer" and token.scope == "https://mail.google.com/"
    assert token.expires_at.tzinfo is not None
    assert before + dt.timedelta(seconds=3590) < token.expires_at < before + dt.timedelta(seconds=3610)
    assert token.refresh_token and token.access_token != token.refresh_token
    assert rt.out.getvalue() == ""                # nothing to tell a person: no browser was needed
    user = fresh("signed-in")
    assert smtp_xoauth2(sandbox, user, token.access_token)[0][0] == 235
    assert imap_xoauth2(sandbox, user, token.access_token) == "OK"
    assert pop3_xoauth2(sandbox, user, token.access_token)[0].startswith("+OK")
    assert [(s.protocol, s.ok, s.issued_token) for s in sandbox.sign_ins if s.user == user] == [
        ("SMTP", True, True), ("IMAP", True, True), ("POP3", True, True)]


def test_a_4d_transporter_sends_with_the_token(sandbox):
    from fourmail.program import compile_source
    rt = runtime(sandbox)
    token = oauth2.sign_in(rt, **params())
    user = fresh("transporter")
    source = ('$server:=New object("host";"smtp.gmail.com";"port";587;"user";"' + user + '";'
              '"accessTokenOAuth2";$1)\n'
              '$t:=SMTP New transporter($server)\n'
              '$e:=New object("from";"' + user + '";"to";"' + user + '";"subject";"OAuth";"textBody";"hi")\n'
              '$s:=$t.send($e)\nALERT(String($s.success)+" "+String($s.status))\n')
    method = compile_source(rt, "#DECLARE($token : Text)\n" + source.replace("$1", "$token"), "t.4dm", "t")
    rt.run(method, [token.access_token])
    rt.shutdown()
    assert rt.out.getvalue().strip() == "True 250"
    assert [(s.protocol, s.mechanism, s.ok, s.issued_token) for s in sandbox.sign_ins if s.user == user] == [
        ("SMTP", "XOAUTH2", True, True)]


def test_expired_token_then_refresh(sandbox):
    rt = runtime(sandbox)
    token = oauth2.sign_in(rt, **params())
    sandbox.oauth.expire_tokens()
    user = fresh()
    assert smtp_xoauth2(sandbox, user, token.access_token)[-1][0] == 535
    assert "AUTHENTICATIONFAILED" in imap_xoauth2(sandbox, user, token.access_token)
    assert pop3_xoauth2(sandbox, user, token.access_token)[-1].startswith("-ERR [AUTH]")
    again = oauth2.refresh(rt, token_url=GOOGLE_TOKEN, client_id="fourmail-tests", client_secret="tests-secret",
                           refresh_token=token.refresh_token)
    assert again.valid and again.access_token != token.access_token
    assert again.refresh_token == token.refresh_token
    assert smtp_xoauth2(sandbox, user, again.access_token)[0][0] == 235
    with pytest.raises(OAuthError) as e:
        oauth2.refresh(rt, token_url=GOOGLE_TOKEN, client_id="fourmail-tests", client_secret="tests-secret",
                       refresh_token="not-one")
    assert str(e.value).startswith("Authentication error: <invalid_grant:") and e.value.error == "invalid_grant"


def test_a_zero_lifetime_gives_a_token_that_is_not_valid(sandbox):
    sandbox.oauth.token_lifetime = 0
    try:
        token = oauth2.sign_in(runtime(sandbox), **params())
    finally:
        sandbox.oauth.token_lifetime = 3599
    assert token.access_token and not token.valid


# ---------------------------------------------------------------- refusals
def test_missing_urls():
    rt = runtime()
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(rt, **params(auth_url=""))
    assert str(e.value) == "The authorization URL was not specified."
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(rt, **params(token_url=""))
    assert str(e.value) == "The URL for retrieving the access token was not specified."
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(rt, **params(token_url="http://accounts.google.com/o/oauth2/token"))
    assert str(e.value) == "The authentication failed. (the token URL must be an https:// address)"
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(rt, **params(auth_url="https://accounts.google.com:99999/auth"))
    assert str(e.value) == "The authentication failed. (the authorization URL is not a valid URL)"


def test_a_token_url_that_cannot_be_sent(sandbox):
    with pytest.raises(OAuthError) as e:
        oauth2.refresh(runtime(sandbox), token_url="https://oauth2.googleapis.com/tok en\r\nX: y",
                       client_id="c", client_secret="s", refresh_token="r")
    assert e.value.text == "The authentication failed." and "is not a valid URL" in e.value.detail


def test_redirect_port_in_use_or_not_loopback(sandbox):
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(OAuthError) as e:
            oauth2.sign_in(runtime(sandbox), **params(port))
    assert e.value.text == "Unable to create the communication socket with the OAuth authentication server."
    assert f"port {port}" in e.value.detail
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(runtime(sandbox), **params(redirect_url="https://app.example.com/callback"))
    assert e.value.text.startswith("Unable to create the communication socket") and "loopback" in e.value.detail


def test_a_redirect_with_another_state_is_a_security_error(sandbox):
    def forged(url):
        # someone else's redirect reaches the listener first: a real code, not this request's state
        q = dict(parse_qsl(urlsplit(url).query))
        q["state"] = "someone-else"
        location = follow_to(sandbox, url, q)
        return bool(location)
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(runtime(sandbox), **params(), open_browser=forged)
    assert str(e.value).startswith("Security error during the authentication. The server did not send the "
                                   "expected response. The authentication security is compromised.")


def follow_to(sb, url, query: dict) -> str:
    parts = urlsplit(url)
    return follow(sb, urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")))


def test_a_substituted_pkce_challenge_is_refused_by_the_provider(sandbox):
    from oauth_util import pkce

    def substituted(url):
        q = dict(parse_qsl(urlsplit(url).query))
        q["code_challenge"] = pkce()[1]
        follow_to(sandbox, url, q)
        return True
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(runtime(sandbox), **params(), open_browser=substituted)
    assert str(e.value) == "Authentication error: <invalid_grant: code_verifier does not match the code challenge>"


def test_wrong_client_secret_and_expired_code(sandbox):
    rt = runtime(sandbox)
    oauth2.sign_in(rt, **params(client_id="registered"))
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(rt, **params(client_id="registered", client_secret="not the one"))
    assert str(e.value) == "Authentication error: <invalid_client: unknown client or wrong client secret>"
    sandbox.oauth.code_lifetime = 0
    try:
        with pytest.raises(OAuthError) as e:
            oauth2.sign_in(rt, **params())
    finally:
        sandbox.oauth.code_lifetime = 60
    assert str(e.value) == "Authentication error: <invalid_grant: the authorization code has expired>"


def test_a_reused_code_is_refused_and_revokes_the_token(sandbox):
    seen = {}

    def browser(url):
        seen["code"] = dict(parse_qsl(urlsplit(follow(sandbox, url)).query))["code"]
        return True
    rt = runtime(sandbox)
    p = params()
    token = oauth2.sign_in(rt, **p, open_browser=browser)
    status, answer, _ = token_request(sandbox, seen["code"], p)
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert smtp_xoauth2(sandbox, fresh(), token.access_token)[-1][0] == 535


def token_request(sb, code, p):
    return token(sb, {"grant_type": "authorization_code", "code": code, "redirect_uri": p["redirect_url"],
                      "client_id": p["client_id"], "client_secret": p["client_secret"], "code_verifier": "x" * 43})


def test_the_provider_refusing_in_the_redirect(tmp_path):
    from fourmail.sandbox.server import Sandbox
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("a@gmail.com pw\nb@gmail.com pw\n")
    with Sandbox(tmp_path / "store", accounts_file=accounts, quiet=True) as sb:
        rt = runtime(sb)
        with pytest.raises(OAuthError) as e:
            oauth2.sign_in(rt, **params(additional_parameters="login_hint=c@gmail.com"))
        assert str(e.value) == "Authentication error: <access_denied: login_hint names no account of this sandbox>"
        with pytest.raises(OAuthError) as e:       # two accounts: the page asks which one
            oauth2.sign_in(rt, **params())
        assert e.value.text == "The authentication failed." and "login_hint" in e.value.detail
        token = oauth2.sign_in(rt, **params(additional_parameters="login_hint=b@gmail.com&prompt=consent"))
        assert imap_xoauth2(sb, "b@gmail.com", token.access_token) == "OK"
        assert imap_xoauth2(sb, "a@gmail.com", token.access_token) != "OK"


def test_the_provider_certificate_is_verified(sandbox):
    rt = runtime(sandbox)
    rt.cafiles = [c for c in rt.cafiles if c != str(sandbox.ca_file)]
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(rt, **params())
    assert e.value.text.startswith("Unable to create the communication socket")
    assert "certificate of accounts.google.com is not trusted" in e.value.detail


def test_no_browser_prints_the_url_and_waits(sandbox):
    rt = runtime()            # not under the sandbox: nothing follows the URL but the person
    routed = runtime(sandbox)
    rt.routes, rt.cafiles = routed.routes, routed.cafiles
    result = {}
    p = params(client_id="no-browser", client_secret="CANARY-client-secret")

    def run():
        try:
            result["token"] = oauth2.sign_in(rt, **p, open_browser=lambda url: False)
        except OAuthError as e:
            result["error"] = e
    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 10
    while "https://" not in rt.out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    printed = rt.out.getvalue()
    url = printed.split("\n")[1]
    assert printed.startswith("Open this address in a browser to sign in:")
    q = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(GOOGLE_AUTH + "?") and q["client_id"] == "no-browser"
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43 and q["state"]
    assert "CANARY" not in printed
    follow(sandbox, url)
    t.join(10)
    assert "error" not in result, result.get("error")
    assert result["token"].valid


def test_the_browser_never_coming_back_times_out(sandbox):
    with pytest.raises(OAuthError) as e:
        oauth2.sign_in(runtime(sandbox), **params(timeout=0.3), open_browser=lambda url: True)
    assert str(e.value) == "The authentication failed. (no sign-in came back from the browser within 0.3 s)"


def test_no_secret_is_printed_or_logged(tmp_path, caplog, capfd):
    from fourmail.sandbox.server import Sandbox
    seen = {}
    for name in (None, "fourmail.sandbox", "aiohttp", "mail.log", "pymap"):   # quiet sandboxes raised some
        caplog.set_level(logging.DEBUG, logger=name)
    with Sandbox(tmp_path / "store", quiet=False) as sb:
        def browser(url):
            seen["code"] = dict(parse_qsl(urlsplit(follow(sb, url)).query))["code"]
            return True
        rt = runtime(sb)
        token = oauth2.sign_in(rt, **params(client_secret="CANARY-secret-7"), open_browser=browser)
        again = oauth2.refresh(rt, token_url=GOOGLE_TOKEN, client_id="fourmail-tests",
                               client_secret="CANARY-secret-7", refresh_token=token.refresh_token)
        user = fresh()
        assert smtp_xoauth2(sb, user, token.access_token)[0][0] == 235
        assert imap_xoauth2(sb, user, again.access_token) == "OK"
        assert pop3_xoauth2(sb, user, token.access_token)[0].startswith("+OK")
        sb.oauth.expire_tokens()
        assert smtp_xoauth2(sb, user, token.access_token)[-1][0] == 535
        with pytest.raises(OAuthError) as e:
            oauth2.sign_in(rt, **params(client_secret="CANARY-wrong-8"))
    out, err = capfd.readouterr()
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    everything = "\n".join([out, err, logged, rt.out.getvalue(), rt.err.getvalue(), repr(token), repr(again),
                            str(e.value), repr(sb.sign_ins)])
    assert any(r.getMessage().startswith("OAuth: authorization_code grant") for r in caplog.records), \
        "the provider logged nothing: the check would see nothing"
    for secret in ("CANARY-secret-7", "CANARY-wrong-8", seen["code"], token.access_token, token.refresh_token,
                   again.access_token):
        assert secret not in everything
    for t in (token.access_token, again.access_token):          # nor as the clients sent them (base64)
        assert base64.b64encode(xoauth2(user, t)).decode()[:40] not in everything


# ---------------------------------------------------------------- a real browser
def test_chromium_headless_signs_in(sandbox, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        # scripts/test installs it (tests/servers/browser/install.sh) and then requires it
        assert not os.environ.get("FOURMAIL_REQUIRE_BROWSER"), "chromium is not installed"
        pytest.skip("Debian's chromium is not installed (tests/servers/browser/install.sh)")
    done = {}

    def browser(url):
        # Chromium knows neither fourmail's routes nor, in its own trust store (NSS), the sandbox
        # CA: it is given the provider's loopback address (its certificate names 127.0.0.1 too),
        # and --ignore-certificate-errors, for this test only.
        parts = urlsplit(url)
        url = urlunsplit(("https", f"{sandbox.web.host}:{sandbox.web.port}", parts.path, parts.query, ""))
        cmd = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--ignore-certificate-errors",
               f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom", url]
        done["run"] = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return True
    token = oauth2.sign_in(runtime(sandbox), **params(), open_browser=browser)
    assert token.valid
    assert "You can close this page" in done["run"].stdout
