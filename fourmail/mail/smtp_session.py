"""An SMTP session on top of smtplib: connection, TLS (implicit or STARTTLS), SASL, the mail
transaction and its failures.

A kept-alive connection the server dropped while idle is replaced once, transparently. Every
failure is a `SessionFailure` (session.py) whose `status` is the server's reply code (0 when no
server answered); nothing here knows the 4D language.
"""
from __future__ import annotations

import smtplib
import socket

from .log import MailLog
from .session import MailSession, SessionFailure

_NETWORK_ERRORS = (OSError, smtplib.SMTPException)


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


class SMTPSession(MailSession):
    PROTOCOL = "SMTP"

    def __init__(self, host: str, port: int, *, send_timeout: float = 100, **options):
        super().__init__(host, port, **options)
        self.send_timeout = send_timeout
        self._conn: smtplib.SMTP | None = None

    @property
    def connection(self) -> smtplib.SMTP | None:
        """The open smtplib connection, if any."""
        return self._conn

    def failure(self, text: str, kind: str = SessionFailure.NO_ANSWER,
                network_error: BaseException | None = None) -> SessionFailure:
        f = super().failure(text, kind, network_error)
        f.status = 0
        return f

    # ------------------------------------------------------------ connection
    def _open(self) -> smtplib.SMTP:
        """Connect, secure (implicit TLS or STARTTLS), authenticate. Raises SessionFailure."""
        ep = self.endpoint("STARTTLS")
        implicit = self.implicit_tls
        try:
            context = self.ssl_context()
            local = socket.gethostname() or "localhost"
            if implicit:
                conn = _SMTP_SSL(local_hostname=local, timeout=self.timeout, context=context)
                conn.tls_name = ep.tls_name
            else:
                conn = _SMTP(local_hostname=local, timeout=self.timeout)
            conn.mail_log = self.log
            code, msg = conn.connect(ep.host, ep.port)
            try:
                if code != 220:
                    raise SessionFailure(_text(msg), status=code)
                conn._host = ep.tls_name           # the name STARTTLS verifies
                conn.ehlo()
                if not implicit and self.upgrade:
                    if conn.has_extn("starttls"):
                        conn.starttls(context=context)
                        conn.ehlo()
                    else:
                        self.check_unencrypted("STARTTLS")
                self._authenticate(conn)
                return conn
            except BaseException:
                conn.close()
                raise
        except SessionFailure:
            raise
        except smtplib.SMTPResponseException as e:     # SMTPAuthenticationError too
            raise SessionFailure(_text(e.smtp_error), status=e.smtp_code) from None
        except OSError as e:
            raise self.failure(self.network_error_text(e, ep), network_error=e) from None
        except smtplib.SMTPException as e:
            raise self.failure(f"SMTP session with {self.host}:{self.port} failed: {e}", network_error=e) from None

    def _authenticate(self, conn: smtplib.SMTP) -> None:
        offered = conn.esmtp_features.get("auth", "").upper().split()
        mech = self.choose_auth(offered)
        if mech is None:
            return
        unsupported = SessionFailure.UNSUPPORTED
        if mech == "OAUTH2":
            if not self._token:
                raise SessionFailure(f"{self.names['auth_mode']} OAUTH2 needs {self.names['token']}", unsupported,
                                     status=0)
            if "XOAUTH2" not in offered:
                raise SessionFailure(f"{self.host} does not offer OAuth2 authentication (AUTH XOAUTH2)",
                                     unsupported, status=0)
            user, token = self.user, self._token

            def xoauth2(challenge=None):
                # After a failure the server sends a JSON challenge; an empty answer ends it (RFC 7628).
                return "" if challenge is not None else f"user={user}\x01auth=Bearer {token}\x01\x01"
            conn.auth("XOAUTH2", xoauth2)
            return
        if mech not in offered:
            raise SessionFailure(f"{self.host} does not offer AUTH {mech}"
                                 + (f" (offered: {', '.join(offered)})" if offered else " (no authentication offered)"),
                                 unsupported, status=0)
        conn.user, conn.password = self.user, self._password
        method = {"CRAM-MD5": conn.auth_cram_md5, "PLAIN": conn.auth_plain, "LOGIN": conn.auth_login}[mech]
        conn.auth(mech, method, initial_response_ok=mech != "CRAM-MD5")

    def close(self) -> None:
        """QUIT (or just close the socket if the server does not answer)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                if conn.sock is not None:
                    conn.sock.settimeout(min(self.timeout, 5))
                conn.quit()
            except _NETWORK_ERRORS:
                conn.close()
            self.log_session("SMTP session closed")

    def drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    @staticmethod
    def _quit(conn) -> None:
        try:
            conn.quit()
        except _NETWORK_ERRORS:
            conn.close()

    # ------------------------------------------------------------ commands
    def check(self, keep: bool = True) -> tuple[int, str]:
        """NOOP in the open session, or in a new one (kept open if `keep`): (code, text)."""
        if self._conn is not None:
            try:
                code, msg = self._conn.noop()
                if code == 250:
                    return code, _text(msg)
            except _NETWORK_ERRORS:
                pass
            self.drop()
        conn = self._open()
        code, msg = conn.noop()
        if keep:
            self._conn = conn
        else:
            self._quit(conn)
        if code != 250:
            raise SessionFailure(_text(msg), status=code)
        return code, _text(msg)

    def send(self, sender: str, recipients: list[str], data: bytes) -> tuple[int, str]:
        """MAIL FROM, RCPT TO (every recipient must be accepted), DATA: the server's final
        (code, text). A refusal raises a REFUSED failure with the server's code; the session
        stays usable (RSET), or is dropped when the server said it is closing (421)."""
        for attempt in (1, 2):
            reused = self._conn is not None
            if self._conn is None:
                self._conn = self._open()
            conn = self._conn
            try:
                conn.sock.settimeout(self.send_timeout)
                options = []
                if any(not a.isascii() for a in [sender, *recipients]):
                    if not conn.has_extn("smtputf8"):
                        conn.rset()
                        raise SessionFailure("The server does not accept non-ASCII addresses (no SMTPUTF8)",
                                             SessionFailure.UNSUPPORTED, status=0)
                    options.append("SMTPUTF8")
                if any(b > 127 for b in data) and conn.has_extn("8bitmime"):
                    options.append("BODY=8BITMIME")
                code, msg = conn.mail(sender, options)
            except (smtplib.SMTPServerDisconnected, ConnectionError) as e:
                # An idle kept-alive connection the server dropped: open a new one, once.
                self.drop()
                if reused and attempt == 1:
                    self.log_session("SMTP connection lost while idle; reconnecting")
                    continue
                raise self.failure(f"Connection to {self.host} lost: {e}", network_error=e) from None
            except (socket.timeout, TimeoutError) as e:
                self.drop()
                raise self.failure(f"No answer from {self.host} within {self.send_timeout} s "
                                   f"({self.names['send_timeout']})", network_error=e) from None
            try:
                if code != 250:
                    raise self._refused(code, msg)
                for rcpt in recipients:
                    code, msg = conn.rcpt(rcpt)
                    if code not in (250, 251):
                        raise self._refused(code, msg)   # nothing is sent unless every recipient is accepted
                code, msg = conn.data(data)
                if code == 421:
                    self.drop()
                if code != 250:
                    raise SessionFailure(_text(msg), status=code)
                return code, _text(msg)
            except smtplib.SMTPResponseException as e:
                self._safe_rset()
                raise SessionFailure(_text(e.smtp_error), status=e.smtp_code) from None
            except (smtplib.SMTPServerDisconnected, ConnectionError, socket.timeout, TimeoutError) as e:
                self.drop()
                if isinstance(e, TimeoutError) or isinstance(e.__context__, TimeoutError):
                    raise self.failure(f"No answer from {self.host} within {self.send_timeout} s "
                                       f"({self.names['send_timeout']})", network_error=e) from None
                raise self.failure(f"Connection to {self.host} lost during the transaction: {e}",
                                   network_error=e) from None
        raise self.failure(f"Cannot reconnect to {self.host}")   # pragma: no cover

    def _refused(self, code: int, msg) -> SessionFailure:
        """The server refused a step: leave the session usable (RSET), or drop it when the
        server said it is closing (421)."""
        if code == 421:
            self.drop()
        else:
            self._safe_rset()
        return SessionFailure(_text(msg), status=code)

    def _safe_rset(self) -> None:
        try:
            if self._conn is not None:
                self._conn.rset()
        except _NETWORK_ERRORS:
            self.drop()
