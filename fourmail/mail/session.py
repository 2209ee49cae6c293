"""What the SMTP, IMAP and POP3 sessions share: where to connect (routes, TLS), the choice of an
authentication mechanism, the session log, and the one failure type they raise.

A session speaks its protocol with plain Python values (host, port, TLS mode, credentials,
timeout, routes, CA files, log writer) and knows nothing of the 4D language: a façade (the 4D
transporter classes in smtp.py, imap.py, pop3.py) turns a `SessionFailure` into what its
language shows (status objects, 4D errors).
"""
from __future__ import annotations

import socket
import ssl
from typing import Iterable

from . import network
from .log import MailLog

# How messages name the settings (the Python parameters by default); a façade passes the names
# its language uses, e.g. {"timeout": "connectionTimeOut"}.
SETTING_NAMES = {"timeout": "timeout", "send_timeout": "send_timeout", "accept_unsecure": "accept_unsecure",
                 "token": "token", "auth_mode": "auth_mode"}

# Most secure first: the default when no authentication mode is given (Transporter.md).
AUTH_PREFERENCE = ("CRAM-MD5", "PLAIN", "LOGIN")


class SessionFailure(Exception):
    """A session step failed.

    `text`: what to tell (the server's own words when it refused); `kind`: REFUSED (the server
    answered no: `status` is its code, e.g. 550, "NO", "-ERR"), NO_ANSWER (no usable answer:
    connect, TLS, timeout, connection lost; `network_error` is the exception below, if any),
    UNSUPPORTED (the settings cannot work with this server: no user, a mechanism or extension
    not offered), STATE (the session cannot do that now: no mailbox selected, read only,
    numbers of a lost session)."""

    REFUSED, NO_ANSWER, UNSUPPORTED, STATE = "refused", "no answer", "unsupported", "state"

    def __init__(self, text: str, kind: str = REFUSED, *, status=None, network_error: BaseException | None = None):
        super().__init__(text)
        self.text, self.kind, self.status, self.network_error = text, kind, status, network_error

    @property
    def no_answer(self) -> bool:
        return self.kind == self.NO_ANSWER


class MailSession:
    """One connection to a mail server, opened on demand by a subclass."""

    PROTOCOL = ""

    def __init__(self, host: str, port: int, *, implicit_tls: bool, accept_unsecure: bool = False,
                 user: str = "", password: str = "", token: str | None = None, auth_mode: str = "",
                 timeout: float = 30, routes: Iterable[network.Route] = (), cafiles: Iterable[str] = (),
                 log: MailLog | None = None, names: dict | None = None, upgrade: bool = True):
        self.host, self.port = host, port
        self.implicit_tls, self.accept_unsecure = implicit_tls, accept_unsecure
        # upgrade False: a plain session that never asks for STARTTLS/STLS (WLanguage's
        # emailOptionDefault); the 4D transporters always upgrade when the server offers it.
        self.upgrade = upgrade
        self.user, self._password, self._token = user, password, token
        self.auth_mode = auth_mode.upper()
        self.timeout = timeout
        self.routes, self.cafiles = routes, cafiles      # iterables, read at each connection
        self.log = log
        self.names = {**SETTING_NAMES, **(names or {})}

    # ------------------------------------------------------------ connecting
    def endpoint(self, upgrade: str) -> network.Endpoint:
        """Where this session connects (routes applied); logged with its TLS mode."""
        ep = network.resolve_route(self.routes, self.host, self.port, self.PROTOCOL)
        self.log_session(f"{self.PROTOCOL} connection to {self.host}:{self.port}"
                         + (f" (via {ep.host}:{ep.port})" if ep.routed else "")
                         + f", TLS: {self._tls_mode(upgrade)}")
        return ep

    def _tls_mode(self, upgrade: str) -> str:
        if self.implicit_tls:
            return "implicit"
        return upgrade + " if offered" if self.upgrade else "none (plain session)"

    def ssl_context(self) -> ssl.SSLContext:
        return network.client_context(self.cafiles)

    def network_error_text(self, e: BaseException, ep: network.Endpoint) -> str | None:
        """What to say when connecting failed below the mail protocol (TLS, timeout, socket);
        None when `e` is not such a failure."""
        if isinstance(e, ssl.SSLCertVerificationError):
            return f"TLS certificate of {ep.tls_name} rejected: {e.verify_message}"
        if isinstance(e, ssl.SSLError):
            return f"TLS failure with {self.host}:{self.port}: {e.reason or e}"
        if isinstance(e, (socket.timeout, TimeoutError)):
            return f"No answer from {self.host}:{self.port} within {self.timeout} s ({self.names['timeout']})"
        if isinstance(e, OSError):
            return f"Cannot connect to {self.host}:{self.port}: {e.strerror or e}"
        return None

    def choose_auth(self, offered: list[str], preference: tuple = AUTH_PREFERENCE,
                    fallback: str | None = None) -> str | None:
        """The mechanism to use: the one asked for, else OAUTH2 with a token, else the most
        secure the server offers (in `preference` order), else `fallback` (by default LOGIN,
        or what the server offers). None: nothing to authenticate with."""
        offered = [m.upper() for m in offered]
        if self.auth_mode:
            return self.auth_mode
        if self._token:
            return "OAUTH2"
        if not self.user:
            return None
        for mech in preference:
            if mech in offered:
                return mech
        if fallback is not None:
            return fallback
        return "LOGIN" if not offered else offered[0]

    def check_unencrypted(self, upgrade: str) -> None:
        """The server offers no `upgrade` (STARTTLS, STLS): refuse the session before any
        credential or mail goes out, unless it accepts an unencrypted connection."""
        if not self.accept_unsecure:
            raise self.failure(f"{self.host}:{self.port} does not offer {upgrade}: the connection cannot be "
                               f"encrypted and {self.names['accept_unsecure']} is False")

    def check_credentials(self, mech: str | None, session_name: str) -> None:
        """Refuse, before any credential goes out, a sign-in choose_auth found nothing for (no
        user) or an OAUTH2 one with no token. `session_name`: "An IMAP session"."""
        if mech is None:
            raise self.failure(f"{session_name} needs a user (with a password or {self.names['token']})",
                               SessionFailure.UNSUPPORTED)
        if mech == "OAUTH2" and not self._token:
            raise self.failure(f"{self.names['auth_mode']} OAUTH2 needs {self.names['token']}",
                               SessionFailure.UNSUPPORTED)

    # ------------------------------------------------------------ failures and log
    def failure(self, text: str, kind: str = SessionFailure.NO_ANSWER,
                network_error: BaseException | None = None) -> SessionFailure:
        """A failure that is not the server's refusal: logged, since no server line says it."""
        self.log_session(text)
        return SessionFailure(text, kind, network_error=network_error)

    def log_session(self, text: str) -> None:
        if self.log:
            self.log.session(text)
