"""4D.SMTPTransporter (SMTPTransporterClass.md, smtp-new-transporter.md) on top of smtplib."""
from __future__ import annotations

import smtplib
import socket

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name
from . import network
from .log import MailLog
from .transporter import Transporter

SMTP_AUTH_MODES = ("CRAM-MD5", "LOGIN", "OAUTH2", "PLAIN")
DEFAULT_CHARSET = "US-ASCII_UTF8_QP"
CHARSET_MODES = ("US-ASCII_UTF8_QP", "US-ASCII_UTF8_B64", "ISO-8859-1", "US-ASCII_ISO-2022-JP_UTF8_QP")
_NETWORK_ERRORS = (OSError, smtplib.SMTPException)


class _Failure(Exception):
    """A session step failed with a status to return: (status code or 0, text, 4D error or None)."""

    def __init__(self, status: int, text: str, error: FourDError | None = None):
        super().__init__(text)
        self.status, self.text, self.error = status, text, error


class _LoggingMixin:
    """smtplib with every exchange written to the extended log (secrets redacted)."""

    mail_log: MailLog | None = None
    _in_data = False      # inside DATA: the message bytes are logged as content
    _secret = False       # inside AUTH: client lines are never logged

    def send(self, s):
        log = self.mail_log
        if log and not self._secret:
            if self._in_data and isinstance(s, bytes):
                log.data(s)
            else:
                log.sent((s.decode("utf-8", "replace") if isinstance(s, bytes) else s).rstrip("\r\n"))
        super().send(s)

    def getreply(self):
        code, msg = super().getreply()
        if self.mail_log:
            text = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
            self.mail_log.received("\n".join(f"{code} {line}" for line in text.splitlines() or [""]))
        return code, msg

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def auth(self, mechanism, authobject, *, initial_response_ok=True):
        if self.mail_log:
            self.mail_log.sent(f"AUTH {mechanism} ********")
        self._secret = True
        try:
            return super().auth(mechanism, authobject, initial_response_ok=initial_response_ok)
        finally:
            self._secret = False


class _SMTP(_LoggingMixin, smtplib.SMTP):
    pass


class _SMTP_SSL(_LoggingMixin, smtplib.SMTP_SSL):
    tls_name = ""

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), timeout, self.source_address)
        return self.context.wrap_socket(sock, server_hostname=self.tls_name or host)


def _text(msg) -> str:
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)


def _status(code: int, msg, success: bool) -> dict:
    return {"success": success, "status": float(code), "statusText": " ".join(_text(msg).split("\n")).strip()}


class SMTPTransporter(Transporter):
    CLASS_NAME = "SMTPTransporter"
    PROTOCOL = "SMTP"
    DEFAULT_PORT = 587
    IMPLICIT_TLS_PORTS = frozenset({465})
    AUTH_MODES = SMTP_AUTH_MODES
    EXTRA_OPTIONS = {"keepAlive": ("bool", True), "sendTimeOut": ("int", 100),
                     "bodyCharset": ("text", DEFAULT_CHARSET), "headerCharset": ("text", DEFAULT_CHARSET)}

    def __init__(self, rt, server):
        super().__init__(rt, server)
        for name in ("bodyCharset", "headerCharset"):
            if getattr(self, name) not in CHARSET_MODES:
                raise FourDError(E.BAD_PARAMETER, name="server", component="SMTP",
                                 detail=f"{name} must be one of the mail mode constants, not {getattr(self, name)!r}")
        self.certificate = server.get("certificate", UNDEFINED)
        self.certificateName = self._text(server, "certificateName", "")
        self._certificate_password = self._text(server, "certificatePassword", "")
        if self.certificate is not UNDEFINED and self.certificateName:
            raise FourDError(E.BAD_PARAMETER, name="server", component="SMTP",
                             detail="certificate and certificateName cannot be used together")
        if self.certificateName:
            # A name in the system certificate store (keychain) has no equivalent here.
            raise FourDError(E.NOT_IMPLEMENTED, name="certificateName", component="SMTP",
                             detail="there is no system certificate store; pass the .p12 file with certificate")
        self._signer = None
        self._conn: smtplib.SMTP | None = None

    def _properties(self) -> dict:
        props = super()._properties()
        if self.certificate is not UNDEFINED:
            props["certificate"] = self.certificate
        if self.certificateName:
            props["certificateName"] = self.certificateName
        return props

    # ------------------------------------------------------------ connection
    def _open(self) -> smtplib.SMTP:
        """Connect, secure (implicit TLS or STARTTLS), authenticate. Raises _Failure."""
        ep, implicit = self.begin_session("STARTTLS")
        try:
            context = network.ssl_context(self.rt)
            local = socket.gethostname() or "localhost"
            if implicit:
                conn = _SMTP_SSL(local_hostname=local, timeout=self.connectionTimeOut, context=context)
                conn.tls_name = ep.tls_name
            else:
                conn = _SMTP(local_hostname=local, timeout=self.connectionTimeOut)
            conn.mail_log = self._log
            code, msg = conn.connect(ep.host, ep.port)
            try:
                if code != 220:
                    raise _Failure(code, _text(msg))
                conn._host = ep.tls_name           # the name STARTTLS verifies
                conn.ehlo()
                if not implicit:
                    if conn.has_extn("starttls"):
                        conn.starttls(context=context)
                        conn.ehlo()
                    elif not self.acceptUnsecureConnection:
                        raise self._network_failure(
                            f"{self.host}:{self.port} does not offer STARTTLS: the connection cannot be encrypted "
                            "and acceptUnsecureConnection is False")
                self._authenticate(conn)
                return conn
            except BaseException:
                conn.close()
                raise
        except _Failure:
            raise
        except smtplib.SMTPAuthenticationError as e:
            raise _Failure(e.smtp_code, _text(e.smtp_error)) from None
        except smtplib.SMTPResponseException as e:
            raise _Failure(e.smtp_code, _text(e.smtp_error)) from None
        except OSError as e:
            raise self._network_failure(self.network_error_text(e, ep)) from None
        except smtplib.SMTPException as e:
            raise self._network_failure(f"SMTP session with {self.host}:{self.port} failed: {e}") from None

    def _network_failure(self, text: str) -> _Failure:
        self.log_session(text)
        return _Failure(0, text, FourDError(code=1, message=text, component="SMTP"))

    def _authenticate(self, conn: smtplib.SMTP) -> None:
        offered = conn.esmtp_features.get("auth", "").upper().split()
        mech = self.choose_auth(offered)
        if mech is None:
            return
        if mech == "OAUTH2":
            if not self._token:
                raise _Failure(0, "authenticationMode OAUTH2 needs accessTokenOAuth2")
            if "XOAUTH2" not in offered:
                raise _Failure(0, f"{self.host} does not offer OAuth2 authentication (AUTH XOAUTH2)")
            user, token = self.user, self._token

            def xoauth2(challenge=None):
                # After a failure the server sends a JSON challenge; an empty answer ends it (RFC 7628).
                return "" if challenge is not None else f"user={user}\x01auth=Bearer {token}\x01\x01"
            conn.auth("XOAUTH2", xoauth2)
            return
        if mech not in offered:
            raise _Failure(0, f"{self.host} does not offer AUTH {mech}"
                              + (f" (offered: {', '.join(offered)})" if offered else " (no authentication offered)"))
        conn.user, conn.password = self.user, self._password
        method = {"CRAM-MD5": conn.auth_cram_md5, "PLAIN": conn.auth_plain, "LOGIN": conn.auth_login}[mech]
        conn.auth(mech, method, initial_response_ok=mech != "CRAM-MD5")

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                if conn.sock is not None:
                    conn.sock.settimeout(min(self.connectionTimeOut, 5))
                conn.quit()
            except _NETWORK_ERRORS:
                conn.close()
            self.log_session("SMTP session closed")

    # ------------------------------------------------------------ functions
    def fn_checkConnection(self, rt):
        """checkConnection(): open (or check) the session and report (Transporter.md)."""
        try:
            if self._conn is not None:
                try:
                    code, msg = self._conn.noop()
                    if code == 250:
                        return _status(code, msg, True)
                except _NETWORK_ERRORS:
                    pass
                self._drop()
            conn = self._open()
            code, msg = conn.noop()
            if self.keepAlive:
                self._conn = conn
            else:
                self._quit(conn)
            return _status(code, msg, code == 250)
        except _Failure as f:
            return self._failure_status(f)

    def fn_send(self, rt, mail=UNDEFINED):
        """send(mail): MIME-encode the Email object and send it (SMTPTransporterClass.md .send())."""
        from .mime import email_to_mime, envelope
        try:
            if not isinstance(mail, dict):
                raise FourDError(E.BAD_PARAMETER, name=".send()", component="SMTP",
                                 detail=f"the mail must be an Email object, not {type_name(mail)}")
            sender, recipients = envelope(mail)
            data = email_to_mime(rt, mail, self.headerCharset, self.bodyCharset)
            if self.certificate is not UNDEFINED:
                data = self._sign(rt, data)
        except FourDError as e:
            # Not an SMTP matter: a 4D error, and the documented status (SMTPTransporterClass.md .send()).
            if not e.component or e.component == "4DRT":
                e.component = "SMTP"
            rt.report_error(e)
            return {"success": False, "status": 0.0, "statusText": "Failed to send email"}
        try:
            return self._transaction(sender, recipients, data)
        except _Failure as f:
            return self._failure_status(f)
        finally:
            if not self.keepAlive:
                self.close()

    # ------------------------------------------------------------ internals
    def _sign(self, rt, data: bytes) -> bytes:
        from .smime import load_signer, sign
        if self._signer is None:
            self._signer = load_signer(rt, self.certificate, self._certificate_password)
        return sign(data, *self._signer)

    def _transaction(self, sender: str, recipients: list[str], data: bytes) -> dict:
        for attempt in (1, 2):
            reused = self._conn is not None
            if self._conn is None:
                self._conn = self._open()
            conn = self._conn
            try:
                conn.sock.settimeout(self.sendTimeOut)
                options = []
                if any(not a.isascii() for a in [sender, *recipients]):
                    if not conn.has_extn("smtputf8"):
                        conn.rset()
                        return _status(0, "The server does not accept non-ASCII addresses (no SMTPUTF8)", False)
                    options.append("SMTPUTF8")
                if any(b > 127 for b in data) and conn.has_extn("8bitmime"):
                    options.append("BODY=8BITMIME")
                code, msg = conn.mail(sender, options)
            except (smtplib.SMTPServerDisconnected, ConnectionError) as e:
                # An idle kept-alive connection the server dropped: open a new one, once.
                self._drop()
                if reused and attempt == 1:
                    self.log_session("SMTP connection lost while idle; reconnecting")
                    continue
                raise self._network_failure(f"Connection to {self.host} lost: {e}") from None
            except (socket.timeout, TimeoutError):
                self._drop()
                raise self._network_failure(f"No answer from {self.host} within {self.sendTimeOut} s "
                                            "(sendTimeOut)") from None
            try:
                if code != 250:
                    return self._refused(code, msg)
                for rcpt in recipients:
                    code, msg = conn.rcpt(rcpt)
                    if code not in (250, 251):
                        return self._refused(code, msg)   # nothing is sent unless every recipient is accepted
                code, msg = conn.data(data)
                if code == 421:
                    self._drop()
                return _status(code, msg, code == 250)
            except smtplib.SMTPResponseException as e:
                self._safe_rset()
                return _status(e.smtp_code, e.smtp_error, False)
            except (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout, TimeoutError) as e:
                self._drop()
                if isinstance(e, TimeoutError) or isinstance(e.__context__, TimeoutError):
                    raise self._network_failure(f"No answer from {self.host} within {self.sendTimeOut} s "
                                                "(sendTimeOut)") from None
                raise self._network_failure(f"Connection to {self.host} lost during the transaction: {e}") from None
        raise self._network_failure(f"Cannot reconnect to {self.host}")   # pragma: no cover

    def _refused(self, code: int, msg) -> dict:
        """The server refused a step: report its answer, and leave the session usable (RSET),
        or drop it when the server said it is closing (421)."""
        if code == 421:
            self._drop()
        else:
            self._safe_rset()
        return _status(code, msg, False)

    def _failure_status(self, f: _Failure) -> dict:
        if f.error is not None:
            return self.failure_status(f.error, with_status=True)
        return _status(f.status, f.text, False)

    def _safe_rset(self) -> None:
        try:
            if self._conn is not None:
                self._conn.rset()
        except _NETWORK_ERRORS:
            self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _quit(self, conn) -> None:
        try:
            conn.quit()
        except _NETWORK_ERRORS:
            conn.close()


def smtp_new_transporter(rt, server=UNDEFINED):
    """SMTP New transporter(server): configures, does not connect (smtp-new-transporter.md)."""
    return SMTPTransporter(rt, server)
