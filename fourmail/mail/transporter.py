"""What the SMTP, IMAP and POP3 transporters share (Transporter.md): the server object, read-only
properties, the settings of their protocol session (session.py), status objects, release.
"""
from __future__ import annotations

from typing import Any

from ..runtime.errors import E, FourDError
from ..runtime.values import LONGINT_MAX, LONGINT_MIN, UNDEFINED, ClassInstance, type_name
from .log import MailLog, resolve_log_path

def _bad(component: str, detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name="server", detail=detail, component=component)


def token_text(token: Any) -> str | None:
    """accessTokenOAuth2: a text, or a token object ({token: {access_token}} or {access_token})."""
    if token is UNDEFINED or token is None or token == "":
        return None
    if isinstance(token, str):
        return token
    if isinstance(token, dict):
        inner = token.get("token", token)
        if isinstance(inner, dict) and isinstance(inner.get("access_token"), str):
            return inner["access_token"]
        if isinstance(token.get("access_token"), str):
            return token["access_token"]
    raise _bad("4DRT", "accessTokenOAuth2 must be a text or an OAuth2 token object")


class Transporter(ClassInstance):
    PROTOCOL = ""                     # "SMTP", "IMAP", "POP3"
    DEFAULT_PORT = 0
    IMPLICIT_TLS_PORTS: frozenset = frozenset()
    AUTH_MODES: tuple = ()            # the values authenticationMode accepts
    EXTRA_OPTIONS: dict = {}          # protocol-specific options -> (type, default)

    def __init__(self, rt, server):
        if not isinstance(server, dict):
            raise _bad(self.PROTOCOL, f"the server parameter must be an object, not {type_name(server)}")
        self.rt = rt
        host = server.get("host", UNDEFINED)
        if not isinstance(host, str) or not host.strip():
            raise FourDError(E.BAD_PARAMETER, name=f"{self.PROTOCOL} New transporter",
                             detail="the host property is mandatory", component=self.PROTOCOL)
        self.host = host.strip()
        self.port = self._int(server, "port", self.DEFAULT_PORT, 1, 65535)
        self.user = self._text(server, "user", "")
        self._password = self._text(server, "password", "")
        self._token = token_text(server.get("accessTokenOAuth2", UNDEFINED))
        mode = self._text(server, "authenticationMode", "")
        if mode and mode.upper() not in self.AUTH_MODES:
            raise _bad(self.PROTOCOL, f"authenticationMode {mode!r} is not one of {', '.join(self.AUTH_MODES)}")
        self.authenticationMode = mode.upper()
        self.connectionTimeOut = self._int(server, "connectionTimeOut", 30, 0)
        self.acceptUnsecureConnection = self._bool(server, "acceptUnsecureConnection", False)
        self.logFile = self._text(server, "logFile", "")
        self._log = MailLog(resolve_log_path(rt, self.logFile)) if self.logFile else None
        for name, (kind, default) in self.EXTRA_OPTIONS.items():
            getter = {"int": self._int, "bool": self._bool, "text": self._text}[kind]
            setattr(self, name, getter(server, name, default))
        rt.release_at_end(self)       # its session closes when the run ends

    # ------------------------------------------------------------ server object reading
    def _text(self, server, name, default):
        v = server.get(name, UNDEFINED)
        if v is UNDEFINED or v is None:
            return default
        if not isinstance(v, str):
            raise _bad(self.PROTOCOL, f"{name} must be a text, not {type_name(v)}")
        return v

    def _int(self, server, name, default, lo=LONGINT_MIN, hi=LONGINT_MAX):
        v = server.get(name, UNDEFINED)
        if v is UNDEFINED or v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _bad(self.PROTOCOL, f"{name} must be a number, not {type_name(v)}")
        if not lo <= v <= hi:                 # also an infinity or a NaN (1e309, 0/0 as reals)
            raise _bad(self.PROTOCOL, f"{name} must be between {lo} and {hi}, not {v:g}")
        return int(v)

    def _bool(self, server, name, default):
        v = server.get(name, UNDEFINED)
        if v is UNDEFINED or v is None:
            return default
        if not isinstance(v, bool):
            raise _bad(self.PROTOCOL, f"{name} must be a boolean, not {type_name(v)}")
        return v

    # ------------------------------------------------------------ 4D object protocol
    PUBLIC = ("acceptUnsecureConnection", "authenticationMode", "connectionTimeOut", "host", "logFile", "port",
              "user")

    def _properties(self) -> dict:
        """What 4D shows: every option but the password and the OAuth2 token."""
        props = {}
        for name in sorted(self.PUBLIC + tuple(self.EXTRA_OPTIONS)):
            v = getattr(self, name)
            if name == "logFile" and not v:
                continue
            props[name] = float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        return props

    def __repr__(self) -> str:
        return f"<4D.{self.CLASS_NAME} {self.host}:{self.port}>"

    # ------------------------------------------------------------ shared behaviour
    def implicit_tls(self) -> bool:
        return self.port in self.IMPLICIT_TLS_PORTS

    def session_options(self) -> dict:
        """The settings a protocol session (session.py) takes, as plain Python values; the run's
        routes and CA files are read at each connection (the REPL and the sandbox change them)."""
        return {"implicit_tls": self.implicit_tls(), "accept_unsecure": self.acceptUnsecureConnection,
                "user": self.user, "password": self._password, "token": self._token,
                "auth_mode": self.authenticationMode, "timeout": self.connectionTimeOut,
                "routes": _RunSetting(self.rt, "routes"), "cafiles": _RunSetting(self.rt, "cafiles"),
                "log": self._log, "names": SETTING_NAMES}

    def failure_status(self, error: FourDError, with_status: bool) -> dict:
        """A status for a failure with no server answer: the error goes in `errors`."""
        self.rt.record_error(error)
        st = {"success": False}
        if with_status:
            st["status"] = 0.0
        st["statusText"] = error.message
        st["errors"] = [error.as_object()]
        return st

    def close(self) -> None:
        """Close the connection (QUIT/LOGOUT); subclasses implement."""

    def __del__(self):
        # The transporter is released ($t:=Null, end of scope): its connection closes (and, for
        # POP3, deletions are committed), as the command pages say.
        try:
            self.close()
        except Exception:
            pass


# The session settings as 4D names them, for the sessions' messages.
SETTING_NAMES = {"timeout": "connectionTimeOut", "send_timeout": "sendTimeOut",
                 "accept_unsecure": "acceptUnsecureConnection", "token": "accessTokenOAuth2",
                 "auth_mode": "authenticationMode"}


class _RunSetting:
    """A list of the run (rt.routes, rt.cafiles), read when iterated."""

    def __init__(self, rt, name: str):
        self._rt, self._name = rt, name

    def __iter__(self):
        return iter(getattr(self._rt, self._name, ()))
