"""4D.SMTPTransporter (SMTPTransporterClass.md, smtp-new-transporter.md): the 4D façade of an
SMTP session (smtp_session.py, which speaks the protocol).

This module checks the 4D arguments, turns the Email object into MIME (signed if a certificate
is given), and session answers and failures into status objects and 4D errors.
"""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name
from .session import SessionFailure
from .smtp_session import SMTPSession
from .transporter import Transporter

SMTP_AUTH_MODES = ("CRAM-MD5", "LOGIN", "OAUTH2", "PLAIN")
DEFAULT_CHARSET = "US-ASCII_UTF8_QP"
CHARSET_MODES = ("US-ASCII_UTF8_QP", "US-ASCII_UTF8_B64", "ISO-8859-1", "US-ASCII_ISO-2022-JP_UTF8_QP")
ERR_NETWORK = 1               # no usable answer: connect, TLS, timeout, connection lost


def _status(code: int, text: str, success: bool) -> dict:
    return {"success": success, "status": float(code), "statusText": " ".join(text.split("\n")).strip()}


class SMTPTransporter(Transporter):
    CLASS_NAME = "SMTPTransporter"
    PROTOCOL = "SMTP"
    DEFAULT_PORT = 587
    IMPLICIT_TLS_PORTS = frozenset({465})
    AUTH_MODES = SMTP_AUTH_MODES
    EXTRA_OPTIONS = {"keepAlive": ("bool", True), "sendTimeOut": ("int", 100),
                     "bodyCharset": ("text", DEFAULT_CHARSET), "headerCharset": ("text", DEFAULT_CHARSET)}

    def __init__(self, rt, server):
        self.session: SMTPSession | None = None
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
        self.session = SMTPSession(self.host, self.port, send_timeout=self.sendTimeOut, **self.session_options())

    def _properties(self) -> dict:
        props = super()._properties()
        if self.certificate is not UNDEFINED:
            props["certificate"] = self.certificate
        if self.certificateName:
            props["certificateName"] = self.certificateName
        return props

    # ------------------------------------------------------------ session
    def close(self) -> None:
        session = getattr(self, "session", None)
        if session is not None:
            session.close()

    def _failure_status(self, f: SessionFailure) -> dict:
        """No server answer: a 4D error (status 0); else the server's code (0 if none) and text."""
        if f.no_answer:
            return self.failure_status(FourDError(code=ERR_NETWORK, message=f.text, component="SMTP"),
                                       with_status=True)
        return _status(f.status or 0, f.text, False)

    # ------------------------------------------------------------ functions
    def fn_checkConnection(self, rt):
        """checkConnection(): open (or check) the session and report (Transporter.md)."""
        try:
            code, text = self.session.check(keep=self.keepAlive)
            return _status(code, text, True)
        except SessionFailure as f:
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
            code, text = self.session.send(sender, recipients, data)
            return _status(code, text, True)
        except SessionFailure as f:
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



def smtp_new_transporter(rt, server=UNDEFINED):
    """SMTP New transporter(server): configures, does not connect (smtp-new-transporter.md)."""
    return SMTPTransporter(rt, server)
