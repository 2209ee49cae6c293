"""An OAuth 2.0 sign-in for a native application: the authorization code grant (RFC 6749 §4.1)
with PKCE (RFC 7636, S256) and `state`, the redirect received on loopback (RFC 8252).

    token = sign_in(rt, auth_url=..., token_url=..., client_id=..., client_secret=...,
                    redirect_url="http://localhost:9000", scope="https://mail.google.com/")
    token.access_token, token.refresh_token, token.expires_at, token.valid

1. A PKCE verifier and a random `state`; a listener on the host and port of `redirect_url`
   (`localhost` is 127.0.0.1).
2. The browser goes to the authorization URL: the system browser (Python's `webbrowser`), or
   `open_browser(url)` when given. With no browser, the URL is printed for the user (it holds no
   secret). Under `--sandbox`, when the authorization URL is routed to the sandbox's own provider
   (sandbox/routing.py sets `rt.oauth_sandbox`), fourmail is the user agent itself: it GETs the URL
   through the routes and follows the provider's redirect to the listener. A system browser would
   not do: it knows neither fourmail's routes (accounts.google.com would be Google's) nor the
   sandbox CA, and the sandbox approves at once, so there is nothing for a person to decide.
3. The listener waits for the redirect, checks `state`, answers the browser with a small page.
4. The code is exchanged at `token_url` over verified TLS, through the run's routes and CA files
   (`rt.routes`, `rt.cafiles`, as mail/network.py resolves mail hosts); the client secret travels
   in that request's body only.

Failures raise OAuthError, whose text is WLanguage's runtime message where one applies. Nothing
here prints or logs the client secret, the code, the verifier or a token.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import secrets
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .network import LOOPBACK_HOSTS

DEFAULT_TIMEOUT = 300.0          # seconds the person has to sign in in the browser
HTTP_TIMEOUT = 30.0              # one HTTPS request to the provider
MAX_ANSWER = 1024 * 1024         # the most of a token answer read

# WLanguage's runtime messages (REFERENCE.md §2.2)
NO_AUTH_URL = "The authorization URL was not specified."
NO_TOKEN_URL = "The URL for retrieving the access token was not specified."
NO_SOCKET = "Unable to create the communication socket with the OAuth authentication server."
BAD_JSON = "Error while parsing the server response. The JSON response of the server is unreadable."
SECURITY = ("Security error during the authentication. The server did not send the expected response. "
            "The authentication security is compromised.")
FAILED = "The authentication failed."
PROVIDER_ERROR = "Authentication error: <{}>"

_RESERVED = ("response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method",
             "scope")


class OAuthError(Exception):
    """A sign-in that failed. `text` is the runtime's own message, `detail` what happened (may be
    empty), `error` the provider's RFC 6749 error code when it gave one; str() is both. For a
    language that words each case itself: `status` the HTTP status of the token endpoint's answer,
    `description` the provider's error_description, `reason` which step failed ("timeout": no
    redirect came back, "port": the redirect URL's port could not be listened on)."""

    def __init__(self, text: str, detail: str = "", error: str | None = None, *, status: int | None = None,
                 description: str = "", reason: str = ""):
        self.text, self.detail, self.error = text, detail, error
        self.status, self.description, self.reason = status, description, reason
        super().__init__(text + (f" ({detail})" if detail else ""))


@dataclass
class Page:
    """What the browser gets after the redirect, instead of fourmail's own page: `html` served as
    is, or the `url` it is sent on to."""
    html: bytes = field(default=b"", repr=False)
    url: str = ""


@dataclass
class Token:
    access_token: str = field(repr=False)
    token_type: str = "Bearer"
    expires_at: dt.datetime | None = None        # aware (UTC); None: the provider did not say
    scope: str = ""
    refresh_token: str = field(default="", repr=False)
    answer: dict = field(default_factory=dict, repr=False)     # the provider's JSON answer, as sent

    @property
    def valid(self) -> bool:
        return bool(self.access_token) and (self.expires_at is None
                                             or dt.datetime.now(dt.timezone.utc) < self.expires_at)


# ---------------------------------------------------------------- the flow
def sign_in(rt, *, auth_url: str, token_url: str, client_id: str, client_secret: str, redirect_url: str,
            scope: str = "", additional_parameters: str = "", open_browser=None,
            timeout: float = DEFAULT_TIMEOUT, auto_open: bool = True, pages: dict | None = None) -> Token:
    """The authorization code grant, from the browser to the token. `open_browser(url) -> bool`
    replaces the system browser (False: it could not open one); `auto_open` False opens none and
    prints the URL (the sandbox still follows it). `pages` {"ok": Page, "error": Page} replace the
    page the browser sees after the redirect. Raises OAuthError."""
    if not auth_url:
        raise OAuthError(NO_AUTH_URL)
    if not token_url:
        raise OAuthError(NO_TOKEN_URL)
    _check_https(auth_url, "the authorization URL")
    _check_https(token_url, "the token URL")
    verifier = secrets.token_urlsafe(64)          # 86 characters of [A-Za-z0-9_-]: RFC 7636 §4.1
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(24)
    url = _authorization_url(auth_url, {"response_type": "code", "client_id": client_id,
                                        "redirect_uri": redirect_url, "scope": scope, "state": state,
                                        "code_challenge": challenge, "code_challenge_method": "S256"},
                             additional_parameters)
    with _Listener(redirect_url, pages) as listener:
        if open_browser is not None:
            opened = bool(open_browser(url))
        elif _sandbox_follows(rt, auth_url):
            threading.Thread(target=_follow, args=(rt, url, listener), daemon=True,
                             name="fourmail-oauth-agent").start()
            opened = True
        else:
            opened = auto_open and _system_browser(url)
        if not opened:
            _say(rt, f"Open this address in a browser to sign in:\n{url}\n")
        params = listener.wait(timeout)
    if params.get("state") != state:
        raise OAuthError(SECURITY, "the redirect's state is not the one sent")
    if "error" in params:
        raise OAuthError(PROVIDER_ERROR.format(_error_text(params)), error=params["error"],
                         description=params.get("error_description", ""))
    code = params.get("code", "")
    if not code:
        raise OAuthError(FAILED, "the redirect holds no authorization code", reason="no_code")
    return _token_request(rt, token_url, {"grant_type": "authorization_code", "code": code,
                                          "redirect_uri": redirect_url, "client_id": client_id,
                                          "client_secret": client_secret, "code_verifier": verifier})


def refresh(rt, *, token_url: str, client_id: str, client_secret: str, refresh_token: str,
            scope: str = "") -> Token:
    """The refresh token grant (RFC 6749 §6): a new access token; the refresh token is kept when
    the provider sends no new one."""
    if not token_url:
        raise OAuthError(NO_TOKEN_URL)
    _check_https(token_url, "the token URL")
    token = _token_request(rt, token_url, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                                           "client_id": client_id, "client_secret": client_secret,
                                           "scope": scope})
    if not token.refresh_token:
        token.refresh_token = refresh_token
    return token


def client_credentials(rt, *, token_url: str, client_id: str, client_secret: str, scope: str = "") -> Token:
    """The client credentials grant (RFC 6749 §4.4): a token for the application itself, no
    browser, no refresh token."""
    if not token_url:
        raise OAuthError(NO_TOKEN_URL)
    _check_https(token_url, "the token URL")
    return _token_request(rt, token_url, {"grant_type": "client_credentials", "client_id": client_id,
                                          "client_secret": client_secret, "scope": scope})


def _check_https(url: str, what: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError:
        raise OAuthError(FAILED, f"{what} is not a valid URL") from None
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise OAuthError(FAILED, f"{what} must be an https:// address")


def _authorization_url(auth_url: str, ours: dict, additional: str) -> str:
    parts = urlsplit(auth_url)
    extra = [(k, v) for k, v in parse_qsl(additional.lstrip("?&"), keep_blank_values=True) if k not in _RESERVED]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _RESERVED]
    query += [(k, v) for k, v in ours.items() if v or k != "scope"] + extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _error_text(answer: dict) -> str:
    error, description = str(answer.get("error", "")), str(answer.get("error_description", "") or "")
    return f"{error}: {description}" if description else error


def _say(rt, text: str) -> None:
    write = getattr(rt, "write", None)
    if write is not None:
        write(text)
    else:
        rt.out.write(text)


def _system_browser(url: str) -> bool:
    """Open the system's graphical browser. A console browser (lynx, w3m: what `webbrowser`
    falls back to without a display) would take over the terminal the program runs in, so it
    counts as no browser unless $BROWSER asks for it."""
    import os
    import webbrowser
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    if type(browser) is webbrowser.GenericBrowser and not os.environ.get("BROWSER"):
        return False
    try:
        return bool(browser.open(url))
    except Exception:
        return False


# ---------------------------------------------------------------- the loopback listener
class _Listener:
    """An HTTP server on the redirect URL's loopback host and port, until the redirect comes."""

    def __init__(self, redirect_url: str, pages: dict | None = None):
        try:
            parts = urlsplit(redirect_url)
            port = parts.port
        except ValueError:
            raise OAuthError(NO_SOCKET, "the redirection URL is not a valid URL") from None
        host = (parts.hostname or "").lower()
        if parts.scheme.lower() != "http" or host not in LOOPBACK_HOSTS:
            raise OAuthError(NO_SOCKET, "the redirection URL must be http://localhost:PORT/ (a loopback address)")
        self.path = parts.path or "/"
        self.params: dict | None = None
        self.failure: OAuthError | None = None
        self.done = threading.Event()
        listener = self
        family = socket.AF_INET6 if host == "::1" else socket.AF_INET

        class Server(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                params = dict(parse_qsl(query, keep_blank_values=True))
                if path != listener.path or not ({"code", "error"} & params.keys()) or listener.done.is_set():
                    return self._page(404, "Not found", "This address waits for a sign-in redirect.")
                listener.params = params
                listener.done.set()
                page = (pages or {}).get("error" if "error" in params else "ok")
                if page is not None:
                    return self._given(page)
                if "error" in params:
                    return self._page(200, "Sign-in refused", "The authorization server refused the sign-in: "
                                      + html.escape(_error_text(params)) + ". You can close this page.")
                self._page(200, "Signed in", "fourmail received the authorization. You can close this page.")

            def _given(self, page):
                if page.url:
                    self.send_response(302)
                    self.send_header("Location", page.url)
                    self.send_header("Content-Length", "0")
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(page.html)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                self.send_header("Connection", "close")
                self.end_headers()
                if not page.url:
                    self.wfile.write(page.html)

            def _page(self, status, title, text):
                body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
                        f"<body><h1>{title}</h1><p>{text}</p></body></html>").encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")     # the code must not leak further
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):     # the request line holds the code: never logged
                pass

        try:
            self.server = Server(("::1" if family == socket.AF_INET6 else "127.0.0.1", port or 80), Handler)
        except OSError as e:
            raise OAuthError(NO_SOCKET, f"port {port or 80} on {host}: {e.strerror or e}", reason="port") from None
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True, name="fourmail-oauth-listener")

    def __enter__(self) -> "_Listener":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait(self, timeout: float) -> dict:
        if not self.done.wait(timeout):
            raise OAuthError(FAILED, f"no sign-in came back from the browser within {timeout:g} s", reason="timeout")
        if self.params is None:                    # the sandbox agent gave up: its reason
            raise self.failure
        return self.params

    def fail(self, error: OAuthError) -> None:
        if not self.done.is_set():
            self.failure = error
            self.done.set()


# ---------------------------------------------------------------- HTTPS through the run's routes
def _sandbox_follows(rt, auth_url: str) -> bool:
    """Is the authorization URL routed to the sandbox's own provider?"""
    target = getattr(rt, "oauth_sandbox", None)
    if not target:
        return False
    from .network import resolve_route
    parts = urlsplit(auth_url)
    ep = resolve_route(getattr(rt, "routes", ()), parts.hostname or "", parts.port or 443, "HTTPS")
    return (ep.host, ep.port) == tuple(target)


def _https(rt, method: str, url: str, body: bytes | None = None, headers: dict | None = None,
           timeout: float = HTTP_TIMEOUT):
    """One HTTPS request through `rt.routes`, verified with the system CAs and `rt.cafiles` against
    the host the URL names (or the one a route reaches). Returns (status, headers, body)."""
    import http.client

    from .network import resolve_route, ssl_context
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    ep = resolve_route(getattr(rt, "routes", ()), host, port, "HTTPS")
    context = ssl_context(rt)

    class Connection(http.client.HTTPSConnection):
        def connect(self):
            sock = socket.create_connection((ep.host, ep.port), self.timeout)
            self.sock = context.wrap_socket(sock, server_hostname=ep.tls_name)

    conn = Connection(host, port, timeout=timeout, context=context)
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        conn.request(method, target, body=body, headers={"User-Agent": "fourmail", **(headers or {})})
        answer = conn.getresponse()
        data = answer.read(MAX_ANSWER + 1)
        return answer.status, answer.headers, data
    except http.client.InvalidURL:                    # a control character or a blank in it
        raise OAuthError(FAILED, f"{url.split('?')[0]} is not a valid URL") from None
    except (OSError, http.client.HTTPException) as e:
        import ssl
        reason = (f"the certificate of {ep.tls_name} is not trusted: {e.verify_message}"
                  if isinstance(e, ssl.SSLCertVerificationError) else f"{host}:{port}: {_reason(e)}")
        raise OAuthError(NO_SOCKET, reason) from None
    except ValueError:                                # a host name IDNA cannot encode
        raise OAuthError(FAILED, f"{url.split('?')[0]} is not a valid URL") from None
    finally:
        conn.close()


def _reason(e: Exception) -> str:
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


def _token_request(rt, token_url: str, form: dict) -> Token:
    body = urlencode({k: v for k, v in form.items() if v is not None and (v or k not in ("scope", "client_secret"))})
    status, _, data = _https(rt, "POST", token_url, body.encode("ascii"),
                             {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    try:
        answer = json.loads(data.decode("utf-8")) if len(data) <= MAX_ANSWER else None
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        raise OAuthError(BAD_JSON, f"HTTP {status} from the token URL", status=status)
    if "error" in answer:
        raise OAuthError(PROVIDER_ERROR.format(_error_text(answer)), error=str(answer["error"]), status=status,
                         description=str(answer.get("error_description", "") or ""))
    access = answer.get("access_token")
    if status != 200 or not isinstance(access, str) or not access:
        raise OAuthError(FAILED, f"HTTP {status} from the token URL, with no access token", status=status)
    expires_at = None
    try:
        seconds = float(answer["expires_in"])
        expires_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
    except (KeyError, TypeError, ValueError, OverflowError):
        pass
    return Token(access_token=access, token_type=str(answer.get("token_type") or "Bearer"), expires_at=expires_at,
                 scope=str(answer.get("scope") or form.get("scope") or ""),
                 refresh_token=str(answer.get("refresh_token") or ""), answer=answer)


def _follow(rt, url: str, listener: _Listener) -> None:
    """The user agent under --sandbox: GET the authorization URL, follow its redirect to the
    listener (which is this process's own: no route applies)."""
    try:
        status, headers, data = _https(rt, "GET", url)
        location = headers.get("Location", "") if status in (301, 302, 303, 307) else ""
        if not location:
            page = data.decode("utf-8", "replace")
            hint = ("the sandbox asks which account signs in: add login_hint=ACCOUNT to the additional "
                    "parameters" if "login_hint" in page else f"HTTP {status} from the authorization URL")
            raise OAuthError(FAILED, hint)
        parts = urlsplit(location)
        if parts.scheme != "http" or (parts.hostname or "").lower() not in LOOPBACK_HOSTS:
            raise OAuthError(FAILED, "the authorization server redirected elsewhere than the redirection URL")
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1" if parts.hostname != "::1" else "::1", parts.port or 80,
                                          timeout=HTTP_TIMEOUT)
        try:
            conn.request("GET", urlunsplit(("", "", parts.path or "/", parts.query, "")),
                         headers={"Host": parts.netloc})
            conn.getresponse().read()
        finally:
            conn.close()
    except OAuthError as e:
        listener.fail(e)
    except (OSError, ValueError) as e:
        listener.fail(OAuthError(NO_SOCKET, _reason(e)))
