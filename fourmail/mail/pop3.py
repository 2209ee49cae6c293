"""4D.POP3Transporter (POP3TransporterClass.md, pop3-new-transporter.md): the 4D façade of a POP3
session (pop3_session.py, which speaks the protocol and guards the deletion marks).

This module checks the 4D arguments, turns messages into Email objects and session failures
into status objects and 4D errors. The session sends QUIT (which applies DELE marks) only when
the transporter is released (`$t:=Null`, end of the run).
"""
from __future__ import annotations

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, to_longint, type_name
from .pop3_session import POP3Session
from .session import SessionFailure
from .transporter import Transporter

POP3_AUTH_MODES = ("APOP", "CRAM-MD5", "LOGIN", "OAUTH2", "PLAIN")

# 4D error codes of the POP3 component (componentSignature "POP3").
ERR_NETWORK = 1           # no usable answer: connect, TLS, timeout, connection lost
ERR_SERVER = 2            # refused by the server, or no way to authenticate (mechanism not offered)
ERR_SESSION = 3           # the call needs the session whose numbers the code holds, and it is gone
_CODES = {SessionFailure.NO_ANSWER: ERR_NETWORK, SessionFailure.UNSUPPORTED: ERR_SERVER,
          SessionFailure.STATE: ERR_SESSION}


class POP3Transporter(Transporter):
    CLASS_NAME = "POP3Transporter"
    PROTOCOL = "POP3"
    DEFAULT_PORT = 995
    IMPLICIT_TLS_PORTS = frozenset({995})    # 995 POP3S; any other port: plain + STLS upgrade
    AUTH_MODES = POP3_AUTH_MODES

    def __init__(self, rt, server):
        self.session: POP3Session | None = None
        super().__init__(rt, server)
        self.session = POP3Session(self.host, self.port, **self.session_options())

    # ------------------------------------------------------------ failures
    def error_of(self, f: SessionFailure) -> FourDError | None:
        """The 4D error of a failure; None for a server's refusal (its text is the status)."""
        code = _CODES.get(f.kind)
        if code is None:
            return None
        text = f.text
        if f.kind == SessionFailure.STATE:
            text += ". Call getMailInfoList() or checkConnection() to open a new session"
        return FourDError(code=code, message=text, component="POP3")

    def _guard(self, empty, body):
        """Functions without a status: a failure is a 4D error (ON ERR CALL sees it), then `empty`."""
        try:
            return body()
        except SessionFailure as f:
            failure = f
        error = self.error_of(failure) or FourDError(code=ERR_SERVER, component="POP3",
                                                     message=f"POP3 server {self.host} refused: {failure.text}")
        self.rt.report_error(error)       # outside the except: the error carries no Python context
        return empty

    @staticmethod
    def _number(fname: str, n) -> int:
        if isinstance(n, bool) or not isinstance(n, (int, float)):
            raise FourDError(E.BAD_PARAMETER, name=f".{fname}()", component="POP3",
                             detail=f"msgNumber must be a number, not {type_name(n)}")
        return to_longint(n)

    # ------------------------------------------------------------ release
    def close(self) -> None:
        """Release: QUIT, which makes the server apply the deletion marks (RFC 1939 UPDATE state)."""
        session = getattr(self, "session", None)
        if session is None:
            return
        try:
            session.close()
        except SessionFailure as f:
            try:   # released from __del__ or at the end of the run: the stack can only record it
                self.rt.record_error(self.error_of(f))
            except Exception:
                pass

    # ------------------------------------------------------------ functions
    def fn_checkConnection(self, rt):
        """checkConnection(): check the session (NOOP), or open a new one (Transporter.md)."""
        text, lost = self.session.probe()
        if text is not None:
            return {"success": True, "statusText": text}
        if lost is not None:
            rt.record_error(self.error_of(lost))
        try:
            return {"success": True, "statusText": self.session.reopen()}
        except SessionFailure as f:
            error = self.error_of(f)
            if error is not None:
                return self.failure_status(error, with_status=False)
            return {"success": False, "statusText": f.text}

    def fn_getBoxInfo(self, rt):
        """getBoxInfo() -> {mailCount, size} (STAT; messages marked for deletion are not counted)."""
        def body():
            count, size = self.session.stat()
            return {"mailCount": float(count), "size": float(size)}
        return self._guard(None, body)

    def fn_getMailInfoList(self, rt):
        """getMailInfoList() -> [{size, number, id}] (LIST + UIDL)."""
        return self._guard(None, lambda: [{"size": float(size), "number": float(num), "id": uid}
                                          for num, size, uid in self.session.mail_list()])

    def fn_getMailInfo(self, rt, msgNumber=UNDEFINED):
        """getMailInfo(n) -> {size, id}; Null if n does not exist or is marked for deletion."""
        n = self._number("getMailInfo", msgNumber)

        def body():
            info = self.session.mail_info(n)
            return None if info is None else {"size": float(info[0]), "id": info[1]}
        return None if n < 1 else self._guard(None, body)

    def fn_getMIMEAsBlob(self, rt, msgNumber=UNDEFINED):
        """getMIMEAsBlob(n) -> the message as the server stores it; empty if missing or marked."""
        n = self._number("getMIMEAsBlob", msgNumber)
        return b"" if n < 1 else self._guard(b"", lambda: self.session.retrieve(n) or b"")

    def fn_getMail(self, rt, msgNumber=UNDEFINED, headerOnly=UNDEFINED):
        """getMail(n{; headerOnly}) -> Email object; Null if missing or marked for deletion."""
        n = self._number("getMail", msgNumber)
        if headerOnly is UNDEFINED or headerOnly is None:
            headerOnly = False
        if not isinstance(headerOnly, bool):
            raise FourDError(E.BAD_PARAMETER, name=".getMail()", component="POP3",
                             detail=f"headerOnly must be a boolean, not {type_name(headerOnly)}")
        if n < 1:
            return None
        data = self._guard(None, lambda: self.session.retrieve(n, headerOnly))
        if not data:
            return None
        from .mime import mime_to_email
        mail = mime_to_email(rt, data)
        if headerOnly:
            for key in ("attachments", "bodyStructure", "bodyValues", "htmlBody", "textBody"):
                mail.pop(key, None)
        return mail

    def fn_delete(self, rt, msgNumber=UNDEFINED):
        """delete(n): DELE marks n; the server deletes it only at QUIT, i.e. when the transporter
        is released. A number that does not exist marks nothing (as getMail returns Null for it)."""
        n = self._number("delete", msgNumber)
        if n < 1 or self.session.is_marked(n):
            return None
        self._guard(None, lambda: self.session.delete(n))
        return None

    def fn_undeleteAll(self, rt):
        """undeleteAll(): RSET removes every deletion mark of the session."""
        self._guard(None, lambda: self.session.undelete_all())
        return None


def pop3_new_transporter(rt, server=UNDEFINED):
    """POP3 New transporter(server): configures; the session opens at the first call."""
    return POP3Transporter(rt, server)
