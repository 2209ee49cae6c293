"""The sandbox's OAuth 2.0 authorization server (RFC 6749 authorization code grant, RFC 7636 PKCE).

Under `--sandbox` every HTTPS host reaches it (routing.py), with a certificate for the name asked
(certs.py), so the doc examples' `accounts.google.com`, `oauth2.googleapis.com`,
`login.microsoftonline.com` or `www.dropbox.com` are all this one server. It is served with aiohttp
on the sandbox's own event loop (server.py).

Endpoints, whatever the host: a path whose last segment is `auth` or `authorize` is the
authorization endpoint (Google's `/o/oauth2/auth`, `/o/oauth2/v2/auth`, Microsoft's
`/{tenant}/oauth2/v2.0/authorize`, Dropbox's `/oauth2/authorize`); one whose last segment is
`token` is the token endpoint (`/o/oauth2/token`, `/token`, `/{tenant}/oauth2/v2.0/token`).

- Authorize checks `response_type=code`, `client_id`, a loopback `redirect_uri` (RFC 8252: http,
  localhost / 127.0.0.1 / [::1], any port), `state` and a PKCE challenge (S256 or plain), then
  approves at once: 302 to `redirect_uri?code=...&state=...`. A bad client or redirect URI is an
  HTML error page (RFC 6749 §4.1.2.1 forbids redirecting then); other errors redirect with `error=`.
- Who signs in: `login_hint` when given. Without it, in open mode the token is for any user; in
  strict mode (`--accounts`) the only listed account, or, when several are listed, a page listing
  them (each a link that adds its `login_hint`).
- Token: `authorization_code` (the code is one-time, expires after `code_lifetime` seconds, is
  bound to its client, redirect URI and PKCE challenge; a code used twice revokes the tokens it
  gave), `refresh_token`, and `client_credentials` (a client with a secret gets a token of its
  own, with no refresh token: NetKit's "service" permission). The client authenticates with its
  secret in the body or with HTTP Basic. The sandbox has no client registry: a client id is
  registered by its first token request (its secret, or none for a public client), and a later
  request with another secret is `invalid_client`.

Codes, secrets and tokens are random and kept as SHA-256 digests only; nothing here logs them.

What it keeps is bounded, whatever a client asks: a scope longer than MAX_SCOPE or a client id
longer than MAX_CLIENT_ID is refused (400), and each token issued first drops what is dead. An
access token past its expiry leaves only its digest in a set of the last RETIRED_KEPT ones, so that
`issued()` still tells a program using it that it expired rather than that it was never issued
(older ones become unknown); past MAX_LIVE_TOKENS the oldest live token is retired (revoked), past
MAX_REFRESH_TOKENS the oldest refresh token is forgotten, and past MAX_CLIENTS the oldest client
registration (a later request then registers the client anew).
The mail servers ask `tokens.verdict(user, token)` through accounts.py.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from ..mail.network import LOOPBACK_HOSTS

CODE_LIFETIME = 60.0             # seconds an authorization code may wait for its exchange
TOKEN_LIFETIME = 3599            # seconds an access token is valid (Google's expires_in)
_PKCE = re.compile(r"[A-Za-z0-9._~-]{43,128}")       # RFC 7636 §4.1 / §4.2
MAX_SCOPE = 2048                 # characters of a scope (Google's longest real ones are a few hundred)
MAX_CLIENT_ID = 256              # characters of a client id (Google's are about 72)
MAX_LIVE_TOKENS = 10_000         # access tokens not yet expired
RETIRED_KEPT = 10_000            # expired or revoked access tokens still recognised by issued()
MAX_REFRESH_TOKENS = 10_000
MAX_CLIENTS = 10_000
LOGGED = 80                      # characters of a client id or scope a log line shows
log = logging.getLogger("fourmail.sandbox.oauth")      # what was granted to whom: never a secret


def _short(text: str) -> str:
    """A client's text for a log line: at most LOGGED characters, shown with repr's quoting."""
    return repr(text if len(text) <= LOGGED else text[:LOGGED] + "...")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class _Grant:
    """What an authorization code, and the tokens made from it, are for."""
    client_id: str
    scope: str
    user: str | None                 # None: any user (open mode without login_hint)


@dataclass
class _Code:
    grant: _Grant
    redirect_uri: str
    challenge: str
    method: str
    expires: float
    used: bool = False
    tokens: list = field(default_factory=list)     # (access, refresh or None) digests it gave, revoked if reused


@dataclass
class _Token:
    grant: _Grant
    expires: float                   # time.time()
    refresh: str | None = None       # the digest of its refresh token


class TokenStore:
    """What the provider issued, shared by the HTTPS loop and the mail servers' loops."""

    def __init__(self, accounts):
        self.accounts = accounts
        self.token_lifetime = TOKEN_LIFETIME
        self.code_lifetime = CODE_LIFETIME
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, _Token] = {}
        self._refresh: dict[str, _Grant] = {}
        self._clients: dict[str, str | None] = {}     # client id -> digest of its secret (None: public)
        self._retired: dict[str, None] = {}           # digests of dropped access tokens, oldest first

    # ------------------------------------------------------------ for tests and the mail servers
    def expire_tokens(self) -> None:
        """Every access token issued so far is expired from now on (refresh tokens stay valid)."""
        now = time.time()
        with self._lock:
            for t in self._access.values():
                t.expires = min(t.expires, now)

    def register_client(self, client_id: str, client_secret: str | None) -> None:
        with self._lock:
            self._clients[client_id] = None if client_secret is None else _digest(client_secret)

    def issued(self, token: str) -> bool:
        """Is this a token the provider issued (valid or not)?"""
        with self._lock:
            digest = _digest(token)
            return digest in self._access or digest in self._retired

    def verdict(self, user: str, token: str) -> bool | None:
        """None: not a token the provider issued. Else whether it signs `user` in now: not expired,
        not revoked, for that user (or any), and in strict mode only for a listed account."""
        with self._lock:
            digest = _digest(token)
            t = self._access.get(digest)
            if t is None:
                return False if digest in self._retired else None
        if time.time() >= t.expires or not user:
            return False
        if t.grant.user is not None and self.accounts.key(t.grant.user) != self.accounts.key(user):
            return False
        return self.accounts.knows(user)

    # ------------------------------------------------------------ the grants
    def new_code(self, grant: _Grant, redirect_uri: str, challenge: str, method: str) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            for k in [k for k, c in self._codes.items() if c.expires < now - 600]:
                del self._codes[k]             # long dead: forget them (a reuse then is just unknown)
            self._codes[_digest(code)] = _Code(grant, redirect_uri, challenge, method, now + self.code_lifetime)
        log.info("OAuth: authorization code for client %s, user %s, scope %s", _short(grant.client_id),
                 grant.user or "(any)", _short(grant.scope))
        return code

    def _issue(self, grant: _Grant, refresh: str | None, renewable: bool = True) -> dict:
        """Under the lock: a new access token (and a refresh token when `refresh` is None and the
        grant is `renewable`)."""
        self._prune()
        access = secrets.token_urlsafe(32)
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": int(self.token_lifetime),
                  "scope": grant.scope}
        if refresh is None and renewable:
            new_refresh = secrets.token_urlsafe(48)
            refresh = _digest(new_refresh)
            self._refresh[refresh] = grant
            answer["refresh_token"] = new_refresh
        self._access[_digest(access)] = _Token(grant, time.time() + self.token_lifetime, refresh)
        return answer

    def _retire(self, digest: str) -> None:
        self._access.pop(digest, None)
        self._retired[digest] = None
        while len(self._retired) > RETIRED_KEPT:
            del self._retired[next(iter(self._retired))]

    def _prune(self) -> None:
        """Under the lock: drop what is dead and keep each collection under its bound."""
        now, mono = time.time(), time.monotonic()
        for digest in [d for d, t in self._access.items() if t.expires <= now]:
            self._retire(digest)
        while len(self._access) >= MAX_LIVE_TOKENS:
            self._retire(next(iter(self._access)))
        for k in [k for k, c in self._codes.items() if c.expires < mono - 600]:
            del self._codes[k]
        while len(self._refresh) >= MAX_REFRESH_TOKENS:
            del self._refresh[next(iter(self._refresh))]
        while len(self._clients) > MAX_CLIENTS:
            del self._clients[next(iter(self._clients))]

    def _client_ok(self, client_id: str, secret: str | None) -> bool:
        """Under the lock: the client's first request registers it."""
        if client_id not in self._clients:
            self._clients[client_id] = None if secret is None else _digest(secret)
            while len(self._clients) > MAX_CLIENTS:
                del self._clients[next(iter(self._clients))]
            return True
        known = self._clients[client_id]
        if known is None:
            return secret is None
        return secret is not None and hmac.compare_digest(known, _digest(secret))

    def exchange(self, form: dict, client_id: str, secret: str | None) -> tuple[int, dict]:
        """The token endpoint: (HTTP status, JSON answer) for an authenticated grant request."""
        grant_type = form.get("grant_type", "")
        with self._lock:
            if len(client_id) > MAX_CLIENT_ID:                    # before it registers a client
                status, answer = 400, _error("invalid_request", f"client_id is longer than {MAX_CLIENT_ID} characters")
            elif len(form.get("scope", "")) > MAX_SCOPE:
                status, answer = 400, _error("invalid_scope", f"scope is longer than {MAX_SCOPE} characters")
            elif grant_type == "client_credentials" and secret is None:   # checked before it registers a client
                status, answer = 401, _error("invalid_client", "the client_credentials grant needs a client secret")
            elif not self._client_ok(client_id, secret):
                status, answer = 401, _error("invalid_client", "unknown client or wrong client secret")
            elif grant_type == "authorization_code":
                status, answer = self._code_grant(form, client_id)
            elif grant_type == "refresh_token":
                status, answer = self._refresh_grant(form, client_id)
            elif grant_type == "client_credentials":
                status, answer = self._client_grant(form, client_id)
            elif not grant_type:
                status, answer = 400, _error("invalid_request", "grant_type is missing")
            else:
                status, answer = 400, _error("unsupported_grant_type", f"grant_type {_short(grant_type)} is not supported")
        if status == 200:
            log.info("OAuth: %s grant for client %s: access token for %d s, scope %s", grant_type,
                     _short(client_id), answer["expires_in"], _short(answer["scope"]))
        else:
            log.info("OAuth: %s grant for client %s refused: %s (%s)", (grant_type or "no")[:LOGGED],
                     _short(client_id), answer["error"], answer["error_description"])
        return status, answer

    def _code_grant(self, form: dict, client_id: str) -> tuple[int, dict]:
        code_text, verifier = form.get("code", ""), form.get("code_verifier", "")
        if not code_text:
            return 400, _error("invalid_request", "code is missing")
        code = self._codes.get(_digest(code_text))
        if code is None:
            return 400, _error("invalid_grant", "unknown authorization code")
        if code.used:
            for access, refresh in code.tokens:     # RFC 6749 §4.1.2: a code used twice revokes its tokens
                self._retire(access)         # retired, so the mail servers still know it as the provider's
                if refresh:
                    self._refresh.pop(refresh, None)
            return 400, _error("invalid_grant", "the authorization code was already used")
        code.used = True
        if time.monotonic() > code.expires:
            return 400, _error("invalid_grant", "the authorization code has expired")
        if code.grant.client_id != client_id:
            return 400, _error("invalid_grant", "the authorization code was issued to another client")
        if form.get("redirect_uri", "") != code.redirect_uri:
            return 400, _error("invalid_grant", "redirect_uri does not match the authorization request")
        if not verifier:
            return 400, _error("invalid_request", "code_verifier is missing")
        if not _PKCE.fullmatch(verifier) or not hmac.compare_digest(_challenge(verifier, code.method),
                                                                    code.challenge):
            return 400, _error("invalid_grant", "code_verifier does not match the code challenge")
        answer = self._issue(code.grant, None)
        code.tokens.append((_digest(answer["access_token"]),
                            _digest(answer["refresh_token"]) if "refresh_token" in answer else None))
        return 200, answer

    def _client_grant(self, form: dict, client_id: str) -> tuple[int, dict]:
        """RFC 6749 §4.4: the application's own token (its client has a secret); no refresh token
        (§4.4.3). It signs in any account (in strict mode, any listed one), as an application
        granted access to every mailbox would."""
        return 200, self._issue(_Grant(client_id, form.get("scope", ""), None), None, renewable=False)

    def _refresh_grant(self, form: dict, client_id: str) -> tuple[int, dict]:
        text = form.get("refresh_token", "")
        if not text:
            return 400, _error("invalid_request", "refresh_token is missing")
        digest = _digest(text)
        grant = self._refresh.get(digest)
        if grant is None or grant.client_id != client_id:
            return 400, _error("invalid_grant", "unknown or revoked refresh token")
        scope = form.get("scope")
        if scope and not set(scope.split()) <= set(grant.scope.split()):
            return 400, _error("invalid_scope", "the scope asked exceeds the one first granted")
        narrowed = _Grant(grant.client_id, scope or grant.scope, grant.user)
        return 200, self._issue(narrowed, digest)


def _error(code: str, description: str) -> dict:
    return {"error": code, "error_description": description}


def _challenge(verifier: str, method: str) -> str:
    if method == "S256":
        return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    return verifier


def loopback_redirect(uri: str) -> bool:
    """RFC 8252 §7.3: a native app's redirect URI is http on a loopback host, any port."""
    try:
        parts = urlsplit(uri)
        parts.port                                     # a bad port raises
    except ValueError:
        return False
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS and not parts.fragment


def _with_query(uri: str, params: dict) -> str:
    parts = urlsplit(uri)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


# ---------------------------------------------------------------- HTML pages
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5}}</style></head>
<body><h1>{title}</h1>{body}<p><small>fourmail sandbox: an OAuth 2.0 authorization server on loopback;
no real account is involved.</small></p></body></html>
"""


def _page(title: str, body: str, status: int = 200):
    from aiohttp import web
    return web.Response(status=status, text=_PAGE.format(title=html.escape(title), body=body),
                        content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


class Provider:
    """The aiohttp application over a TokenStore."""

    def __init__(self, tokens: TokenStore):
        self.tokens = tokens
        self.accounts = tokens.accounts

    def app(self):
        from aiohttp import web
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_route("*", "/{path:.*}", self.dispatch)
        return app

    async def dispatch(self, request):
        last = request.path.rstrip("/").rsplit("/", 1)[-1].lower()
        if last in ("auth", "authorize") and request.method in ("GET", "POST"):
            return await self.authorize(request)
        if last == "token" and request.method == "POST":
            return await self.token(request)
        if last == "token":
            return _json(405, _error("invalid_request", "the token endpoint takes POST"), {"Allow": "POST"})
        if request.path == "/" and request.method == "GET":
            return _page("fourmail sandbox sign-in", "<p>Authorization endpoint: any path ending in "
                         "<code>/auth</code> or <code>/authorize</code>; token endpoint: any path ending in "
                         "<code>/token</code>.</p>")
        return _page("Not found", "<p>This sandbox serves OAuth 2.0 only.</p>", 404)

    # ------------------------------------------------------------ authorization endpoint
    async def authorize(self, request):
        params = dict(request.query)
        if request.method == "POST":
            form = await _form(request)
            if form is None:
                return _page("Sign-in refused", "<p>The request's form could not be read.</p>", 400)
            params.update(form)
        client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
        if not client_id:
            return _page("Sign-in refused", "<p>The request names no <code>client_id</code>.</p>", 400)
        if len(client_id) > MAX_CLIENT_ID:
            return _page("Sign-in refused", f"<p>The <code>client_id</code> is longer than {MAX_CLIENT_ID} "
                         "characters.</p>", 400)
        if not loopback_redirect(redirect_uri):
            return _page("Sign-in refused", "<p>The <code>redirect_uri</code> "
                         f"<code>{html.escape(redirect_uri) or '(none)'}</code> is not a loopback address "
                         "(<code>http://localhost:PORT/</code>, <code>http://127.0.0.1:PORT/</code>): "
                         "the sandbox signs in native applications only (RFC 8252).</p>", 400)
        state = params.get("state")

        def refuse(error: str, description: str):
            from aiohttp import web
            answer = {"error": error, "error_description": description}
            if state:
                answer["state"] = state
            raise web.HTTPFound(_with_query(redirect_uri, answer), headers={"Cache-Control": "no-store"})

        if len(params.get("scope", "")) > MAX_SCOPE:
            refuse("invalid_scope", f"scope is longer than {MAX_SCOPE} characters")
        if params.get("response_type") != "code":
            refuse("unsupported_response_type", "only response_type=code is supported")
        if not state:
            refuse("invalid_request", "state is required")
        challenge, method = params.get("code_challenge", ""), params.get("code_challenge_method", "plain")
        if not challenge:
            refuse("invalid_request", "code_challenge is required (PKCE, RFC 7636)")
        if method not in ("S256", "plain"):
            refuse("invalid_request", f"code_challenge_method {method} is not supported")
        if not _PKCE.fullmatch(challenge):
            refuse("invalid_request", "code_challenge is not 43 to 128 unreserved characters")
        user = params.get("login_hint") or None
        if self.accounts.strict:
            if user is not None and not self.accounts.knows(user):
                refuse("access_denied", "login_hint names no account of this sandbox")
            if user is None:
                listed = self.accounts.users()
                if len(listed) == 1:
                    user = listed[0]
                elif not listed:
                    refuse("access_denied", "the sandbox lists no account")
                else:
                    return self._choose(request, params, listed)
        code = self.tokens.new_code(_Grant(client_id, params.get("scope", ""), user), redirect_uri, challenge,
                                    method)
        from aiohttp import web
        raise web.HTTPFound(_with_query(redirect_uri, {"code": code, "state": state}),
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    def _choose(self, request, params: dict, users: list[str]):
        items = "".join(f'<li><a href="{html.escape(request.path + "?" + urlencode({**params, "login_hint": u}))}">'
                        f"{html.escape(u)}</a></li>" for u in users)
        return _page("Choose an account", f"<p>Sign in to the application as:</p><ul>{items}</ul>"
                     "<p>(A program signing in without a browser gives <code>login_hint=ACCOUNT</code> "
                     "in its authorization request instead.)</p>")

    # ------------------------------------------------------------ token endpoint
    async def token(self, request):
        if request.content_type != "application/x-www-form-urlencoded":
            return _json(400, _error("invalid_request", "the body must be application/x-www-form-urlencoded"))
        form = await _form(request)
        if form is None:
            return _json(400, _error("invalid_request", "the body is not a readable form"))
        basic = _basic(request.headers.get("Authorization", ""))
        if basic is False:
            return _json(401, _error("invalid_client", "malformed HTTP Basic credentials"),
                         {"WWW-Authenticate": 'Basic realm="fourmail sandbox"'})
        if basic is not None:
            if "client_secret" in form:
                return _json(400, _error("invalid_request", "the client authenticates one way only"))
            client_id, secret = basic
            if form.get("client_id", client_id) != client_id:
                return _json(400, _error("invalid_request", "client_id differs from the Basic credentials"))
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if not client_id:
            return _json(401, _error("invalid_client", "no client_id"))
        status, answer = self.tokens.exchange(form, client_id, secret)
        headers = {"WWW-Authenticate": 'Basic realm="fourmail sandbox"'} if status == 401 and basic else {}
        return _json(status, answer, headers)


async def _form(request) -> dict | None:
    """A POST's form fields that are text (a file part is no OAuth parameter); None when the body
    cannot be read as a form (bytes that are not UTF-8, a broken multipart)."""
    try:
        fields = await request.post()
    except (UnicodeDecodeError, ValueError):
        return None
    return {k: v for k, v in fields.items() if isinstance(v, str)}


def _basic(header: str):
    """HTTP Basic client credentials (RFC 6749 §2.3.1: both parts form-urlencoded): None when
    absent, False when malformed."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        pair = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except ValueError:
        return False
    client_id, colon, secret = pair.partition(":")
    if not colon:
        return False
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


def _json(status: int, answer: dict, headers: dict | None = None):
    from aiohttp import web
    return web.Response(status=status, text=json.dumps(answer), content_type="application/json",
                        headers={"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})})


async def start_https(tokens: TokenStore, host: str, port: int, tls):
    """The provider's listener on the running loop: an aiohttp runner, its site, and the socket."""
    from aiohttp import web
    runner = web.AppRunner(Provider(tokens).app(), access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=tls)
    await site.start()
    return runner, site
