"""4D NetKit's OAuth2Provider: `cs.NetKit.OAuth2Provider.new($param)` and `New OAuth2 provider`
check their parameters as NetKit does (its error codes and texts, component 4DNK), show NetKit's
properties but never the client secret nor a token, and getToken() signs in with the sandbox's
OAuth 2.0 provider: a held token is given again, an expired one refreshed, "service" uses the
client credentials grant, and each failure is NetKit's error."""
from __future__ import annotations

import json
import socket

import pytest

from conftest import alerts, run4d
from netkit_util import run_on_sandbox
from oauth_util import free_port
from sandbox_util import sandbox  # noqa: F401  (a fixture)

SECRET = "canary-netkit-secret-93f1"


def errors_of(source: str) -> list[dict]:
    """Last errors after `source` runs inside Try."""
    result = run4d(source + "\nALERT(JSON Stringify(Last errors))")
    return alerts(result)[-1]


# ---------------------------------------------------------------- parameters, as NetKit checks them

@pytest.mark.parametrize("param, code, text", [
    ("Null", 1, "Undefined or null parameters object."),
    ('New object("permission"; "signedIn")', 2, '"clientId" attribute is not defined or is empty.'),
    ('New object("name"; "Google"; "clientId"; "c"; "permission"; "signedIn")', 2,
     '"scope" attribute is not defined or is empty.'),
    ('New object("clientId"; "c")', 2, '"permission" attribute is not defined or is empty.'),
    ('New object("clientId"; "c"; "permission"; "signedin")', 3, 'Unsupported value in "permission" attribute.'),
    ('New object("clientId"; "c"; "permission"; "signedIn")', 2,
     '"redirectURI" attribute is not defined or is empty.'),
])
def test_the_constructor_throws_netkits_errors(param, code, text):
    for make in (f"cs.NetKit.OAuth2Provider.new({param})", f"New OAuth2 provider({param})"):
        assert errors_of(f"$p:=Try({make})") == [{"errCode": code, "message": text, "componentSignature": "4DNK"}]


def test_an_error_method_sees_the_error_and_the_object_is_made_all_the_same(tmp_path):
    (tmp_path / "catch.4dm").write_text('ALERT("caught "+String(Error))\n')
    result = run4d('ON ERR CALL("catch")\n$p:=New OAuth2 provider(New object("clientId"; "c"))\n'
                   'ON ERR CALL("")\nALERT(String(OB Instance of($p; cs.NetKit.OAuth2Provider)))\n'
                   'ALERT(Last errors[0].componentSignature)', project_dir=tmp_path)
    assert alerts(result) == ["caught 2", "True", "4DNK"]


def test_an_uncaught_netkit_error_stops_the_run_naming_it():
    result = run4d('$p:=cs.NetKit.OAuth2Provider.new(New object("clientId"; "c"; "permission"; "x"))\nALERT("after")')
    assert result.lines == []
    assert (result.error.code, result.error.component) == (3, "4DNK")


def test_the_name_gives_the_default_endpoints_and_the_object_shows_netkits_properties():
    result = run4d(f"""
$google:=cs.NetKit.OAuth2Provider.new(New object("name"; "Google"; "permission"; "signedIn"; "clientId"; "g-1";\\
    "clientSecret"; "{SECRET}"; "redirectURI"; "http://127.0.0.1:50993/authorize/"; "scope"; \\
    New collection("https://mail.google.com/"; "openid")))
ALERT(JSON Stringify($google))
$ms:=New OAuth2 provider(New object("name"; "Microsoft"; "permission"; "service"; "clientId"; "m-1"; \\
    "clientSecret"; "{SECRET}"; "tenant"; "contoso.onmicrosoft.com"; "scope"; "https://outlook.office365.com/.default";\\
    "accessType"; "offline"; "prompt"; "sometimes"; "timeout"; 30))
ALERT($ms.authenticateURI)
ALERT($ms.tokenURI)
ALERT($ms.scope)
ALERT(String($ms.timeout)+" "+String(OB Is defined($ms; "prompt"))+" "+String($ms.clientSecret=Null))
$custom:=cs.NetKit.OAuth2Provider.new(New object("permission"; "signedIn"; "clientId"; "c-1"; \\
    "redirectURI"; "http://localhost:8080/"; "authenticateURI"; "https://id.example.com/authorize"; \\
    "tokenURI"; "https://id.example.com/token"))
ALERT($custom.authenticateURI+" "+$custom.tokenURI+" ["+$custom.scope+"] "+$custom.tenant)
$custom.scope:="changed"
""")
    shown = result.lines
    google = json.loads(shown[0])
    assert google["authenticateURI"] == "https://accounts.google.com/o/oauth2/auth"
    assert google["tokenURI"] == "https://accounts.google.com/o/oauth2/token"
    assert google["scope"] == "https://mail.google.com/ openid"
    assert (google["name"], google["permission"], google["clientId"], google["tenant"], google["timeout"],
            google["accessType"], google["browserAutoOpen"]) == ("Google", "signedIn", "g-1", "common", 120,
                                                                  "online", True)
    assert "clientSecret" not in google and "token" not in google
    assert shown[1:6] == [
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
        "offline_access https://outlook.office365.com/.default",
        "30 False True",
        "https://id.example.com/authorize https://id.example.com/token [] common"]
    assert SECRET not in result.out
    # scope is computed, as NetKit's `Function get scope`: assigning it is an error
    assert result.error is not None and "read-only" in result.error.message


def test_the_client_secret_can_be_changed_but_never_read_back():
    result = run4d(f"""
$p:=New OAuth2 provider(New object("permission"; "service"; "clientId"; "c"; "clientSecret"; "{SECRET}"))
$p.clientSecret:="{SECRET}-2"
ALERT(String(Undefined($p.clientSecret)))
ALERT(JSON Stringify(OB Keys($p)))
ALERT(String($p))
""")
    shown = alerts(result)
    assert shown[0] == "True" and "clientSecret" not in shown[1]
    assert SECRET not in result.out


# ---------------------------------------------------------------- getToken on the sandbox

SIGNED_IN = """
$param:=New object("name"; "Google"; "permission"; "signedIn"; "clientId"; "{client}"; "clientSecret"; "{secret}";\\
    "redirectURI"; "http://127.0.0.1:{port}/authorize/"; "scope"; "https://mail.google.com/"; "loginHint"; "{user}")
$provider:=cs.NetKit.OAuth2Provider.new($param)
"""


def test_get_token_signs_in_keeps_the_token_and_gives_it_again(sandbox, tmp_path):
    run = run_on_sandbox(SIGNED_IN.format(client="nk-held", secret=SECRET, port=free_port(), user="held@gmail.com")
                         + """
$token:=$provider.getToken()
ALERT(JSON Stringify(OB Keys($token)))
ALERT(JSON Stringify(OB Keys($token.token).orderBy()))
ALERT($token.token.token_type+" "+String($token.token.expires_in)+" "+$token.token.scope)
ALERT($token.tokenExpiration)
$again:=$provider.getToken()
ALERT(String($again.token.access_token=$token.token.access_token))
ALERT(String($provider.token.access_token=$token.token.access_token)+" "+String($provider.isTokenValid()))
ALERT(JSON Stringify($provider))
""", sandbox, tmp_path)
    assert run.err == ""
    keys, token_keys, kind, expiration, again, held, shown = run.lines
    assert json.loads(keys) == ["token", "tokenExpiration"]
    assert json.loads(token_keys) == ["access_token", "expires_in", "refresh_token", "scope", "token_type"]
    assert kind == "Bearer 3599 https://mail.google.com/"
    assert expiration.endswith("Z") and len(expiration) == 20
    assert (again, held) == ("True", "True True")
    access = run.variables["$token"]["token"]["access_token"]
    refresh = run.variables["$token"]["token"]["refresh_token"]
    assert sandbox.oauth.issued(access)
    for secret in (SECRET, access, refresh):
        assert secret not in shown
    assert json.loads(shown)["tokenExpiration"] == expiration


def test_an_expired_token_is_refreshed_without_a_new_sign_in(sandbox, tmp_path):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = busy.getsockname()[1]
        # a token from an earlier sign-in, kept by the program and given back with its expiration passed
        first = run_on_sandbox(SIGNED_IN.format(client="nk-refresh", secret=SECRET, port=free_port(),
                                                user="refresh@gmail.com") + "$token:=$provider.getToken()",
                               sandbox, tmp_path)
        assert first.err == ""
        old = first.variables["$token"]["token"]
        source = SIGNED_IN.format(client="nk-refresh", secret=SECRET, port=port, user="refresh@gmail.com") + """
$param.token:=$old
$param.tokenExpiration:="2001-01-01T00:00:00Z"
$provider:=New OAuth2 provider($param)
ALERT(String($provider.isTokenValid()))
$param.tokenExpiration:="2001-01-01T00:00:00Z"
$provider:=New OAuth2 provider($param)
$new:=$provider.getToken()
ALERT(String($new.token.access_token#$old.access_token)+" "+String($new.token.refresh_token=$old.refresh_token))
ALERT(String($new.tokenExpiration>"2001"))
"""
        run = run_on_sandbox(f"$old:=JSON Parse({json.dumps(json.dumps(old))})\n" + source, sandbox, tmp_path)
    finally:
        busy.close()
    # the redirect URI's port is taken: a sign-in in the browser would have failed with error 7
    assert (run.err, run.lines) == ("", ["True", "True True", "True"])
    assert sandbox.oauth.issued(run.variables["$new"]["token"]["access_token"])


def test_service_permission_gets_a_client_credentials_token(sandbox, tmp_path):
    run = run_on_sandbox(f"""
$provider:=New OAuth2 provider(New object("name"; "Microsoft"; "permission"; "service"; "clientId"; "nk-service";\\
    "clientSecret"; "{SECRET}"; "scope"; "https://outlook.office365.com/.default"))
$token:=$provider.getToken()
ALERT(String(Undefined($token.token.refresh_token))+" "+$token.token.scope)
$public:=New OAuth2 provider(New object("name"; "Microsoft"; "permission"; "service"; "clientId"; "nk-public";\\
    "scope"; "https://outlook.office365.com/.default"))
$none:=Try($public.getToken())
ALERT(String($none=Null)+" "+String(Last errors[0].errCode)+" "+Last errors[0].message)
""", sandbox, tmp_path)
    assert run.err == ""
    assert run.lines == [
        "True https://outlook.office365.com/.default",
        "True 8 Request returned an unexpected response (401 Unauthorized: "
        "the client_credentials grant needs a client secret)."]
    assert sandbox.oauth.issued(run.variables["$token"]["token"]["access_token"])


def test_a_wrong_client_secret_is_refused_with_netkits_error_8(sandbox, tmp_path):
    sandbox.oauth.register_client("nk-refused", "the right secret")
    run = run_on_sandbox(SIGNED_IN.format(client="nk-refused", secret=SECRET, port=free_port(), user="r@gmail.com")
                         + """
$token:=Try($provider.getToken())
ALERT(String($token=Null))
ALERT(JSON Stringify(Last errors))
ALERT(String($provider.token=Null))
""", sandbox, tmp_path)
    assert run.err == ""
    assert run.lines[0] == "True"
    assert json.loads(run.lines[1]) == [{
        "errCode": 8, "componentSignature": "4DNK",
        "message": "Request returned an unexpected response (401 Unauthorized: unknown client or wrong client secret)."}]
    assert run.lines[2] == "True"
    assert SECRET not in run.out


def test_a_redirect_uri_that_is_no_loopback_listener_is_error_12(sandbox, tmp_path):
    run = run_on_sandbox("""
$provider:=New OAuth2 provider(New object("permission"; "signedIn"; "clientId"; "nk-12"; \\
    "redirectURI"; "https://127.0.0.1/authorize/"; "authenticateURI"; "https://accounts.google.com/o/oauth2/auth";\\
    "tokenURI"; "https://oauth2.googleapis.com/token"))
$token:=Try($provider.getToken())
ALERT(String(Last errors[0].errCode)+" "+Last errors[0].message)
""", sandbox, tmp_path)
    # an https redirect URI is not a loopback listener fourmail can open: no sign-in starts
    assert run.err == ""
    assert run.lines[0].startswith("12 The 'OAuth2Provider.getToken' function returned an unexpected error : ")


def test_the_redirect_port_in_use_is_error_7(sandbox, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = run_on_sandbox(SIGNED_IN.format(client="nk-7", secret=SECRET, port=port, user="p@gmail.com")
                             + "$t:=Try($provider.getToken())\nALERT(Last errors[0].message)", sandbox, tmp_path)
    assert run.lines == [f"The port {port} is already used."]


def test_without_a_browser_the_url_is_printed_and_the_timeout_is_error_4(sandbox, tmp_path):
    # not under --sandbox: no browser opens (browserAutoOpen False), nobody signs in
    run = run_on_sandbox(SIGNED_IN.format(client="nk-4", secret=SECRET, port=free_port(), user="t@gmail.com")
                         + """$provider.browserAutoOpen:=False
$provider.timeout:=1
$t:=Try($provider.getToken())
ALERT(Last errors[0].message)
""", sandbox, tmp_path, routed=False)
    printed, message = run.lines[0:2], run.lines[-1]
    assert printed[0] == "Open this address in a browser to sign in:"
    assert printed[1].startswith("https://accounts.google.com/o/oauth2/auth?") and "login_hint=t%40gmail.com" in printed[1]
    assert SECRET not in run.out
    assert message == "The authorization code was not received within the time limit (timeout error)."


def test_the_repl_shows_the_provider_by_its_class_without_its_secret(tmp_path):
    import io

    from fourmail.repl.session import ReplSession
    out, err = io.StringIO(), io.StringIO()
    repl = ReplSession(project_dir=tmp_path, out=out, err=err)
    repl.execute(f'$p:=New OAuth2 provider(New object("name"; "Google"; "permission"; "signedIn"; "clientId"; "c";'
                 f'"clientSecret"; "{SECRET}"; "redirectURI"; "http://127.0.0.1:9/"; "scope"; "s"))')
    repl.execute("$p")
    repl.execute("cs.NetKit.OAuth2Provider")
    repl.close()
    shown = out.getvalue()
    assert err.getvalue() == ""
    assert shown.startswith("cs.NetKit.OAuth2Provider {\n") and '"clientId": "c"' in shown
    assert "[class cs.NetKit.OAuth2Provider]" in shown          # a class is not a secret, whatever its name
    assert SECRET not in shown


# ---------------------------------------------------------------- authenticationPage / authenticationErrorPage

def browser_on_sandbox(sandbox, seen: dict):
    """A browser for oauth2.sign_in: it asks the sandbox's provider, then opens the redirect on the
    listener and keeps what the listener answers (seen["done"] is set once it has: the sign-in may
    end before the browser has read the page)."""
    import http.client
    import threading
    from urllib.parse import parse_qsl, urlsplit

    from oauth_util import https

    def visit(url: str) -> None:
        status, headers, _ = https(sandbox, "GET", url)
        target = urlsplit(headers["Location"])
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
        conn.request("GET", target.path + "?" + target.query)
        answer = conn.getresponse()
        seen.update(status=answer.status, location=answer.headers.get("Location"), body=answer.read(),
                    redirect=dict(parse_qsl(target.query)))
        conn.close()
        seen["done"].set()

    def open_browser(url: str) -> bool:
        threading.Thread(target=visit, args=(url,), daemon=True).start()
        return True
    seen["done"] = threading.Event()
    return open_browser


@pytest.fixture(scope="module")
def strict_sandbox(tmp_path_factory):
    from fourmail.sandbox.server import Sandbox
    folder = tmp_path_factory.mktemp("strict")
    (folder / "accounts.txt").write_text("listed@gmail.com  a-password\n")
    sb = Sandbox(folder / "store", accounts_file=folder / "accounts.txt", quiet=True)
    sb.start()
    yield sb
    sb.stop()


@pytest.mark.parametrize("user, status, body, location", [
    ("listed@gmail.com", 200, b"<p>custom: signed in</p>", None),
    ("unlisted@gmail.com", 302, b"", "https://example.com/ko"),      # the provider refuses: access_denied
])
def test_the_browser_sees_the_page_given_for_the_outcome(strict_sandbox, tmp_path, user, status, body, location):
    from fourmail.mail import oauth2
    from fourmail.program import new_runtime
    from fourmail.sandbox import routing
    rt = new_runtime(project_dir=tmp_path, interactive=False)
    routing.apply(rt, strict_sandbox)
    seen: dict = {}
    pages = {"ok": oauth2.Page(html=b"<p>custom: signed in</p>"), "error": oauth2.Page(url="https://example.com/ko")}
    try:
        oauth2.sign_in(rt, auth_url="https://accounts.google.com/o/oauth2/auth",
                       token_url="https://oauth2.googleapis.com/token", client_id="nk-pages", client_secret=SECRET,
                       redirect_url=f"http://127.0.0.1:{free_port()}/authorize/", scope="https://mail.google.com/",
                       additional_parameters="login_hint=" + user, pages=pages,
                       open_browser=browser_on_sandbox(strict_sandbox, seen), timeout=10)
    except oauth2.OAuthError as e:
        assert e.error == "access_denied"
    assert seen["done"].wait(10)
    assert (seen["status"], seen["body"], seen["location"]) == (status, body, location)


def test_a_sign_in_refused_in_the_browser_is_error_12(strict_sandbox, tmp_path):
    run = run_on_sandbox(SIGNED_IN.format(client="nk-12", secret=SECRET, port=free_port(), user="unlisted@gmail.com")
                         + "$t:=Try($provider.getToken())\nALERT(Last errors[0].message)", strict_sandbox, tmp_path)
    assert run.lines == ["The 'OAuth2Provider._getAuthorizationCode' function returned an unexpected error : "
                         '{"error": "access_denied", "error_description": "login_hint names no account of this '
                         'sandbox"}.']


def test_netkit_page_parameters_are_a_file_a_path_or_a_url(tmp_path):
    from fourmail.commands.netkit import browser_page
    from fourmail.program import new_runtime
    (tmp_path / "OK.html").write_text("<p>file page</p>")
    rt = new_runtime(project_dir=tmp_path, interactive=False)
    result = run4d('$f:=File("/PACKAGE/OK.html")', project_dir=tmp_path, keep_variables=True)
    assert browser_page(rt, result.variables["$f"]).html == b"<p>file page</p>"
    assert browser_page(rt, "OK.html").html == b"<p>file page</p>"
    assert browser_page(rt, str(tmp_path / "OK.html")).html == b"<p>file page</p>"
    assert browser_page(rt, "https://example.com/ok.html").url == "https://example.com/ok.html"
    assert browser_page(rt, "missing.html") is None and browser_page(rt, "") is None


def test_microsoft_signs_in_on_its_tenant_endpoints_with_offline_access(sandbox, tmp_path):
    run = run_on_sandbox(f"""
$provider:=New OAuth2 provider(New object("name"; "Microsoft"; "permission"; "signedIn"; "clientId"; "nk-ms";\\
    "tenant"; "organizations"; "redirectURI"; "http://localhost:{free_port()}/"; "accessType"; "offline";\\
    "scope"; "https://outlook.office.com/IMAP.AccessAsUser.All"))
$token:=$provider.getToken()
ALERT($token.token.scope)
ALERT(String(Length($token.token.refresh_token)>0))
""", sandbox, tmp_path)
    assert (run.err, run.lines) == ("", ["offline_access https://outlook.office.com/IMAP.AccessAsUser.All", "True"])


def test_a_token_given_without_expiration_is_valid_for_its_expires_in_from_now(sandbox, tmp_path):
    # NetKit counts expires_in from the moment the object is asked: no sign-in is needed
    run = run_on_sandbox(f"""
$provider:=New OAuth2 provider(New object("permission"; "signedIn"; "clientId"; "nk-given";\\
    "redirectURI"; "http://127.0.0.1:{free_port()}/"; "authenticateURI"; "https://login.example.com/authorize";\\
    "tokenURI"; "https://login.example.com/token";\\
    "token"; New object("access_token"; "given-token"; "token_type"; "Bearer"; "expires_in"; 600)))
$token:=$provider.getToken()
ALERT($token.token.access_token+" "+String($provider.isTokenValid()))
$provider.token:=New object("access_token"; "used-up"; "expires_in"; 0)
$token:=$provider.getToken()
ALERT(String($token.token.access_token#"used-up"))
""", sandbox, tmp_path)
    # the second has expired and has no refresh token: getToken() signs in again
    assert (run.err, run.lines) == ("", ["given-token True", "True"])
    assert sandbox.oauth.issued(run.variables["$token"]["token"]["access_token"])
