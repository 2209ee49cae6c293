"""4D NetKit's OAuth2Provider (cs.NetKit.OAuth2Provider, the component method New OAuth2 provider),
native like the transporters, on fourmail's OAuth 2.0 client (mail/oauth2.py) that WLanguage's
AuthIdentify uses too.

    $provider:=cs.NetKit.OAuth2Provider.new($param)   // or New OAuth2 provider($param)
    $token:=$provider.getToken()                      // {token: {access_token...}; tokenExpiration}
    $server.accessTokenOAuth2:=$token

As NetKit does (its OAuth2Provider class and its English error texts, componentSignature "4DNK"):
- the parameters are checked when the object is made and again by getToken(): error 1 (no
  parameter object), 2 (a required attribute missing or empty: clientId, scope when `name` is
  given, permission, redirectURI in "signedIn" mode, tokenURI, authenticateURI, tenant), 3 (a
  `permission` other than "signedIn" or "service"). The error is thrown and the object still made
  (NetKit throws "deferred" errors): ON ERR CALL, Try and Last errors see it.
- `name` "Google" or "Microsoft" gives the default endpoints ({tenant}, "common" by default, in
  Microsoft's); `scope` is a text or a collection; `accessType` "offline" adds offline_access to
  Microsoft's scope.
- getToken() returns the token it holds (`token`, given or obtained) while `tokenExpiration` is
  in the future; refreshes an expired one that has a refresh_token; else signs in again:
  "signedIn" opens the browser (the authorization code grant with PKCE, the redirect received on
  the redirectURI's loopback port; under --sandbox fourmail is the browser itself), "service"
  asks for a token with the client credentials grant. The new token is kept in the object.
- failures: 4 (no sign-in came back within `timeout`, 120 s by default), 5 (the token endpoint
  answered an unexpected status), 6 (the redirect held no code), 7 (the redirectURI's port is
  in use), 8 (the token endpoint refused: "Request returned an unexpected response (401
  Unauthorized: ...)"), 12 (the sign-in failed otherwise, e.g. the provider refused in the
  browser). getToken() then returns Null.

Where fourmail differs, and why: PKCE (S256) is always used, since the sandbox requires it and
real providers accept it; `loginHint`, `prompt` and `accessType` are sent with PKCE too (NetKit
drops them then); a refreshed token keeps its refresh_token when the provider sends none (NetKit's
page tells the developer to put it back). `authenticationPage`/`authenticationErrorPage` (a file,
a path or a URL) are what the browser shows after the redirect, the page alone: the other files
of its folder are not served. Google's "service" mode (a JWT signed
with a service account's private key) is not provided.

Secrets: the object never shows `clientSecret`, `privateKey` or `token` (not listed, not
stringified; `clientSecret` and `privateKey` cannot be read back); `token` reads as the object
NetKit documents, for a program to keep it.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from http import HTTPStatus
from urllib.parse import urlencode

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, ClassInstance, check_arity

COMPONENT = "4DNK"
STORE = "cs.NetKit"

# NetKit's error texts (Resources/en.lproj/NetKitEN.xlf, ERR_4DNK_n)
MESSAGES = {
    1: "Undefined or null parameters object.",
    2: '"{attribute}" attribute is not defined or is empty.',
    3: 'Unsupported value in "{attribute}" attribute.',
    4: "The authorization code was not received within the time limit (timeout error).",
    5: "'GetToken' request returned an unexpected status code (received: {received} expected: {expected}).",
    6: "'GetToken' request returned an empty 'authorizationCode'.",
    7: "The port {port} is already used.",
    8: "Request returned an unexpected response ({status} {explanation}: {message}).",
    12: "The '{function}' function returned an unexpected error : {message}.",
}

ENDPOINTS = {   # name -> (authenticateURI, tokenURI), NetKit's defaults
    "Microsoft": ("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
                  "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"),
    "Google": ("https://accounts.google.com/o/oauth2/auth", "https://accounts.google.com/o/oauth2/token"),
}
PERMISSIONS = ("signedIn", "service")
DEFAULT_TIMEOUT = 120.0
LONGEST_WAIT = 24 * 3600.0          # the most seconds a sign-in waits (`timeout`)
LONGEST_TOKEN = 10 * 365 * 86400.0  # the most seconds a token's `expires_in` counts for
HIDDEN = ("clientSecret", "privateKey", "token")          # never listed nor stringified
UNREADABLE = ("clientSecret", "privateKey")               # and these never read back


class NetKitError(Exception):
    def __init__(self, code: int, **params):
        text = MESSAGES[code]
        for k, v in params.items():
            text = text.replace("{" + k + "}", str(v))
        self.code, self.text = code, text
        super().__init__(text)

    def as_4d(self) -> FourDError:
        return FourDError(code=self.code, message=self.text, component=COMPONENT, deferred=True)


def _text(v) -> str:
    """NetKit's String(): a missing or Null value is ""."""
    if v is UNDEFINED or v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return v if isinstance(v, str) else str(v)


def _check_prerequisites(params) -> None:
    """What the constructor checks, in NetKit's order."""
    if not isinstance(params, dict):
        raise NetKitError(1)
    if not _text(params.get("clientId")):
        raise NetKitError(2, attribute="clientId")
    if _text(params.get("name")) and not _scope_text(params.get("scope")):
        raise NetKitError(2, attribute="scope")
    permission = _text(params.get("permission"))
    if not permission:
        raise NetKitError(2, attribute="permission")
    if permission not in PERMISSIONS:
        raise NetKitError(3, attribute="permission")
    if permission == "signedIn" and not _text(params.get("redirectURI")):
        raise NetKitError(2, attribute="redirectURI")


def _scope_text(scope) -> str:
    if isinstance(scope, list):
        return " ".join(_text(s) for s in scope)
    return _text(scope)


def _parse_expiration(text: str) -> dt.datetime | None:
    """tokenExpiration: ISO 8601; without a zone it is local time (as NetKit writes it)."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        return when.astimezone(dt.timezone.utc) if when.tzinfo else when.astimezone()
    except (ValueError, OverflowError):      # not a date, or one at the ends of the calendar
        return None


def _expiration_text(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class OAuth2Provider(ClassInstance):
    """An instance of cs.NetKit.OAuth2Provider."""

    CLASS_NAME = "OAuth2Provider"
    COMPONENT = "NetKit"                            # its class is cs.NetKit.OAuth2Provider
    READONLY = False
    COMPUTED = ("authenticateURI", "tokenURI", "scope", "grantType")

    def __init__(self, rt):
        self.rt = rt
        self.props: dict = {}                       # the public properties, in NetKit's order
        self._secret = {"clientSecret": "", "privateKey": ""}
        self._scope = self._authenticate_uri = self._token_uri = self._grant_type = ""

    def setup(self, params: dict) -> None:
        p = self.props
        p["name"] = _text(params.get("name"))
        p["permission"] = _text(params.get("permission"))
        p["clientId"] = _text(params.get("clientId"))
        p["redirectURI"] = _text(params.get("redirectURI"))
        self._scope = _scope_text(params.get("scope"))
        tenant = params.get("tenant", UNDEFINED)
        p["tenant"] = "common" if tenant is UNDEFINED else _text(tenant)
        self._authenticate_uri = _text(params.get("authenticateURI"))
        self._token_uri = _text(params.get("tokenURI"))
        self._secret["clientSecret"] = _text(params.get("clientSecret"))
        token = params.get("token")
        p["token"] = copy.deepcopy(token) if isinstance(token, dict) else None
        expiration = params.get("tokenExpiration")
        p["tokenExpiration"] = expiration if isinstance(expiration, str) else None
        timeout = params.get("timeout", UNDEFINED)
        p["timeout"] = DEFAULT_TIMEOUT if timeout is UNDEFINED else _number(timeout)
        for page in ("authenticationPage", "authenticationErrorPage"):
            if params.get(page, UNDEFINED) not in (UNDEFINED, None):
                p[page] = params[page]
        access = _text(params.get("accessType"))
        p["accessType"] = access if access in ("online", "offline") else "online"
        p["loginHint"] = _text(params.get("loginHint"))
        prompt = _text(params.get("prompt"))
        if prompt in ("none", "consent", "select_account"):
            p["prompt"] = prompt
        auto = params.get("browserAutoOpen", UNDEFINED)
        p["browserAutoOpen"] = auto if isinstance(auto, bool) else True
        p["clientEmail"] = _text(params.get("clientEmail"))
        self._secret["privateKey"] = _text(params.get("privateKey"))
        self._grant_type = _text(params.get("grantType"))
        p["PKCEEnabled"] = params.get("PKCEEnabled") is True
        if p["PKCEEnabled"]:
            method = _text(params.get("PKCEMethod"))
            p["PKCEMethod"] = method if method in ("plain", "S256") else "S256"

    # ------------------------------------------------------------ NetKit's computed properties
    def _name(self) -> str:
        return _text(self.props.get("name"))

    def _tenant(self) -> str:
        return _text(self.props.get("tenant")) or "common"

    def _endpoint(self, given: str, which: int) -> str:
        default = ENDPOINTS.get(self._name())
        if default is None:
            return given
        return (given or default[which]).replace("{tenant}", self._tenant())

    def computed(self, name: str):
        if name == "authenticateURI":
            return self._endpoint(self._authenticate_uri, 0)
        if name == "tokenURI":
            return self._endpoint(self._token_uri, 1)
        if name == "scope":
            scope = self._scope
            if self._name() == "Microsoft" and self.props.get("accessType") == "offline" \
                    and "offline_access" not in scope:
                scope = "offline_access " + scope
            return scope
        if name == "grantType":
            if self._grant_type:
                return self._grant_type
            if self.props.get("permission") == "service" and self._name() == "Google":
                return "urn:ietf:params:oauth:grant-type:jwt-bearer"
            return "client_credentials"
        return UNDEFINED

    # ------------------------------------------------------------ the 4D object protocol
    def _properties(self) -> dict:
        shown = {k: v for k, v in self.props.items() if k not in HIDDEN}
        for name in ("scope", "authenticateURI", "tokenURI"):
            shown[name] = self.computed(name)
        return shown

    def get_property(self, name: str):
        if name in self.COMPUTED:
            return self.computed(name)
        if name in UNREADABLE:
            return UNDEFINED
        return self.props.get(name, UNDEFINED)

    def set_property(self, rt, name: str, value) -> None:
        if name in self.COMPUTED:
            raise FourDError(E.READONLY_PROPERTY, name=name, cls=f"{STORE}.{self.CLASS_NAME}")
        if name in UNREADABLE:
            self._secret[name] = "" if value is UNDEFINED else _text(value)
        elif value is UNDEFINED:
            self.props.pop(name, None)
        else:
            self.props[name] = value

    def remove_property(self, rt, name: str) -> None:
        self.set_property(rt, name, UNDEFINED)

    def call_function(self, rt, name: str, args: list):
        fn = getattr(self, "fn_" + name, None)
        if fn is None:
            raise FourDError(E.UNKNOWN_MEMBER_FUNCTION, name=name, cls=f"{STORE}.{self.CLASS_NAME}")
        check_arity(f"{STORE}.{self.CLASS_NAME}.{name}()", fn, len(args))
        return fn(rt, *args)

    def __repr__(self) -> str:
        return f"<{STORE}.{self.CLASS_NAME} {self._name() or '(custom)'}>"

    # ------------------------------------------------------------ functions
    def fn_getToken(self, rt):
        try:
            return self._get_token(rt)
        except NetKitError as e:
            rt.report_error(e.as_4d())           # NetKit throws: ON ERR CALL, Try, Last errors
            return None

    def fn_isTokenValid(self, rt):
        """True when the held token has not expired, or was refreshed now (NetKit's page)."""
        token = self.props.get("token")
        if not isinstance(token, dict):
            return False
        if not self._expired():
            return True
        if not _text(token.get("refresh_token")):
            return False
        try:
            self._obtain(rt, refresh=True)
        except NetKitError:
            return False
        return True

    # ------------------------------------------------------------ getToken
    def _expired(self) -> bool:
        token = self.props.get("token")
        text = self.props.get("tokenExpiration")
        if isinstance(text, str) and text:
            when = _parse_expiration(text)
        else:           # no expiration given: NetKit counts expires_in from now
            when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=_seconds(token.get("expires_in"),
                                                                                    LONGEST_TOKEN))
        return when is None or dt.datetime.now(dt.timezone.utc) >= when

    def _held(self) -> dict:
        token = self.props["token"]
        text = self.props.get("tokenExpiration")
        if not (isinstance(text, str) and text):
            text = _expiration_text(dt.datetime.now(dt.timezone.utc)
                                    + dt.timedelta(seconds=_seconds(token.get("expires_in"), LONGEST_TOKEN)))
        return {"token": copy.deepcopy(token), "tokenExpiration": text}

    def _get_token(self, rt):
        token = self.props.get("token")
        refresh = False
        if isinstance(token, dict):
            if not self._expired():
                return self._held()
            refresh = bool(_text(token.get("refresh_token")))
        self._sanity()
        return self._obtain(rt, refresh=refresh)

    def _sanity(self) -> None:
        """getToken()'s checks, in NetKit's order."""
        p = self.props
        google_or_ms = self._name() in ENDPOINTS
        if not _text(p.get("clientId")):
            raise NetKitError(2, attribute="clientId")
        if not self.computed("authenticateURI"):
            raise NetKitError(2, attribute="authenticateURI")
        if google_or_ms and not self.computed("scope"):
            raise NetKitError(2, attribute="scope")
        if not self.computed("tokenURI"):
            raise NetKitError(2, attribute="tokenURI")
        if self._name() == "Microsoft" and not _text(p.get("tenant")):
            raise NetKitError(2, attribute="tenant")
        permission = _text(p.get("permission"))
        if not permission:
            raise NetKitError(2, attribute="permission")
        if permission == "signedIn" and not _text(p.get("redirectURI")):
            raise NetKitError(2, attribute="redirectURI")
        if permission not in PERMISSIONS:
            raise NetKitError(3, attribute="permission")

    def _obtain(self, rt, refresh: bool) -> dict:
        from ..mail import oauth2
        p = self.props
        token_url, scope = self.computed("tokenURI"), self.computed("scope")
        secret = self._secret["clientSecret"]
        try:
            if p.get("permission") == "service":
                if self.computed("grantType") != "client_credentials":
                    raise FourDError(E.NOT_IMPLEMENTED, name=f"{STORE}.OAuth2Provider.getToken()",
                                     detail=f'the "service" permission with grantType {self.computed("grantType")} '
                                            "(a JWT signed with a private key) is not provided: fourmail asks "
                                            "for client_credentials tokens only")
                token = oauth2.client_credentials(rt, token_url=token_url, client_id=p["clientId"],
                                                  client_secret=secret, scope=scope)
            elif refresh:
                token = oauth2.refresh(rt, token_url=token_url, client_id=p["clientId"], client_secret=secret,
                                       refresh_token=_text(p["token"].get("refresh_token")), scope=scope)
            else:
                token = oauth2.sign_in(rt, auth_url=self.computed("authenticateURI"), token_url=token_url,
                                       client_id=p["clientId"], client_secret=secret,
                                       redirect_url=p["redirectURI"], scope=scope,
                                       additional_parameters=self._additional(),
                                       timeout=_seconds(p.get("timeout", DEFAULT_TIMEOUT), LONGEST_WAIT),
                                       auto_open=p.get("browserAutoOpen") is not False,
                                       pages=self._pages(rt))
        except oauth2.OAuthError as e:
            raise _netkit_error(e, p.get("redirectURI", "")) from None
        answer = _token_object(token)
        p["token"] = answer
        p["tokenExpiration"] = _expiration_text(token.expires_at) if token.expires_at else None
        return {"token": copy.deepcopy(answer), "tokenExpiration": p["tokenExpiration"]}

    def _pages(self, rt) -> dict:
        """authenticationPage / authenticationErrorPage: what the browser shows after the redirect."""
        pages = {}
        for key, name in (("ok", "authenticationPage"), ("error", "authenticationErrorPage")):
            page = browser_page(rt, self.props.get(name))
            if page is not None:
                pages[key] = page
        return pages

    def _additional(self) -> str:
        p = self.props
        extra = {"access_type": p.get("accessType", ""), "login_hint": p.get("loginHint", ""),
                 "prompt": p.get("prompt", "")}
        if self._name() == "Microsoft":
            extra["response_mode"] = "query"
        return urlencode({k: v for k, v in extra.items() if v})


MAX_PAGE = 1024 * 1024


def browser_page(rt, value):
    """A page parameter as NetKit takes it: a 4D.File, a local path (relative: to the project
    folder) or an http(s) URL the browser is sent to. None when there is none or it cannot be read
    (the browser then sees fourmail's own page)."""
    from pathlib import Path

    from ..mail.oauth2 import Page
    from .files import File4D
    if isinstance(value, File4D):
        path = value._native
    elif isinstance(value, str) and value.strip():
        if value.strip().lower().startswith(("http://", "https://")):
            return Page(url=value.strip())
        path = Path(value)
        if not path.is_absolute():
            path = Path(rt.project_dir) / path
    else:
        return None
    try:
        with open(path, "rb") as f:
            return Page(html=f.read(MAX_PAGE))
    except (OSError, ValueError):            # ValueError: a NUL in the path
        return None


def _seconds(v, most: float) -> float:
    """A number of seconds the provider's parameters or a token give, between 0 and `most`."""
    n = _number(v)
    return min(max(n, 0.0), most) if n == n else 0.0


def _number(v) -> float:
    if isinstance(v, bool) or v is None or v is UNDEFINED:
        return 0.0
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v).strip() or 0)
    except ValueError:
        return 0.0


def _token_object(token) -> dict:
    """The `token` property NetKit returns: the provider's JSON answer, as JSON Parse gives it."""
    from .objects import _from_json
    answer = dict(token.answer) if token.answer else {"access_token": token.access_token,
                                                       "token_type": token.token_type}
    if token.refresh_token and not answer.get("refresh_token"):
        answer["refresh_token"] = token.refresh_token          # kept from the token refreshed
    return _from_json(answer)


def _netkit_error(e, redirect_uri: str) -> NetKitError:
    """The NetKit error for a failed sign-in or token request."""
    if e.reason == "timeout":
        return NetKitError(4)
    if e.reason == "port":
        from urllib.parse import urlsplit
        try:
            port = urlsplit(redirect_uri).port or 80
        except ValueError:
            port = redirect_uri
        return NetKitError(7, port=port)
    if e.reason == "no_code":
        return NetKitError(6)
    if e.status is not None and e.error:
        try:
            explanation = HTTPStatus(e.status).phrase
        except ValueError:
            explanation = ""
        return NetKitError(8, status=e.status, explanation=explanation, message=e.description or e.error)
    if e.status is not None and e.status != 200:
        return NetKitError(5, received=e.status, expected=200)
    if e.error:                                  # the provider refused in the browser
        detail = {"error": e.error}
        if e.description:
            detail["error_description"] = e.description
        return NetKitError(12, function="OAuth2Provider._getAuthorizationCode", message=json.dumps(detail))
    return NetKitError(12, function="OAuth2Provider.getToken", message=str(e))


def new_oauth2_provider(rt, params=UNDEFINED) -> OAuth2Provider:
    """New OAuth2 provider ( paramObj ) and cs.NetKit.OAuth2Provider.new( paramObj )."""
    provider = OAuth2Provider(rt)
    try:
        _check_prerequisites(params)
    except NetKitError as e:
        rt.report_error(e.as_4d())               # thrown, and the object is made all the same
        return provider
    provider.setup(params)
    return provider
