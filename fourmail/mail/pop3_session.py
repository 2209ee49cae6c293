"""A POP3 session on top of poplib: connection, TLS (POP3S or STLS), SASL/APOP/USER, the commands
fourmail uses and their failures.

POP3 is stateful: one session (opened by the first call) serves every call, message numbers
belong to that session, and DELE marks are applied by the server only on QUIT. QUIT is sent in
exactly one place, `close()`. A session that breaks (timeout, dropped connection, garbled
answer) is closed without QUIT, so its marks are never applied: no mail is deleted by accident.
Every failure is a `SessionFailure` (session.py); nothing here knows the 4D language.
"""
from __future__ import annotations

import base64
import hmac
import poplib
import socket
import ssl

from .log import MailLog
from .session import MailSession, SessionFailure

# "Most secure offered" for POP3: challenge-response first (CRAM-MD5 is HMAC, APOP plain MD5),
# then the mechanisms that send the password itself; USER/PASS when nothing else is offered.
POP3_AUTH_PREFERENCE = ("CRAM-MD5", "APOP", "PLAIN", "LOGIN")
# poplib refuses lines over 2048 bytes; real mail (unwrapped HTML, long headers) has them.
_MAXLINE = 1 << 20
_SASL_ROUNDS = 8          # a server that keeps challenging is cut off with "*"


def _refusal(e: BaseException) -> str | None:
    """The server's text if `e` is a plain -ERR answer (the session is still fine), else None.
    An -ERR with the RFC 3206 [SYS/...] code is a server failure (e.g. Dovecot shutting the
    session down), not a refusal: the session is over."""
    if isinstance(e, poplib.error_proto) and e.args and isinstance(e.args[0], bytes) \
            and e.args[0].startswith(b"-ERR"):
        text = _answer_text(e.args[0])
        return None if text.upper().startswith("[SYS/") else text
    return None


def _reason(e: BaseException) -> str:
    """What went wrong, for a message (poplib carries server lines as bytes)."""
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "no answer in time"
    arg = e.args[0] if len(e.args) == 1 else None
    if isinstance(arg, bytes):
        return arg.decode("utf-8", "replace")
    return str(e) or type(e).__name__


def _answer_text(resp: bytes) -> str:
    """A response line without its +OK/-ERR indicator (that is what `success` says)."""
    text = resp.decode("utf-8", "replace").strip()
    for indicator in ("+OK", "-ERR"):
        if text.upper().startswith(indicator):
            return text[len(indicator):].strip()
    return text


def _close_socket(conn) -> None:
    """Close without a word to the server (poplib's close() raises if the socket is already dead)."""
    if conn is not None:
        try:
            conn.close()
        except OSError:
            pass


class _LoggingMixin:
    """poplib with the extended log (4DPOP3Log format): every line in and out, secrets redacted,
    plus the two fixes fourmail needs (long lines; STLS verifying the routed TLS name)."""

    mail_log: MailLog | None = None
    _quiet = False            # inside a multi-line answer: logged as one block at its end

    def __init__(self, *args, mail_log=None, **kwargs):
        self.mail_log = mail_log      # before poplib reads the greeting, so it is logged too
        super().__init__(*args, **kwargs)

    def _putline(self, line):
        if self.mail_log:
            self.mail_log.sent(line.decode("utf-8", "replace"))
        super()._putline(line)

    def _getline(self):
        line = self.file.readline(_MAXLINE + 1)
        if len(line) > _MAXLINE:
            raise poplib.error_proto("line too long")
        if not line:
            raise poplib.error_proto("-ERR EOF")
        octets = len(line)
        if line[-2:] == b"\r\n":
            line = line[:-2]
        elif line[:1] == b"\r":
            line = line[1:-1]
        else:
            line = line[:-1]
        if self.mail_log and not self._quiet:
            self.mail_log.received(line.decode("utf-8", "replace"))
        return line, octets

    def _getlongresp(self):
        resp = self._getresp()
        lines, octets = [], 0
        self._quiet = True
        try:
            line, o = self._getline()
            while line != b".":
                if line.startswith(b".."):
                    o -= 1
                    line = line[1:]
                octets += o
                lines.append(line)
                line, o = self._getline()
        finally:
            self._quiet = False
        if self.mail_log:   # one write for a whole message, not one file open per line
            self.mail_log.write("\n".join("S < " + ln.decode("utf-8", "replace") for ln in lines) + "\nS < .")
        return resp, lines, octets

    def starttls(self, context: ssl.SSLContext, tls_name: str):
        """STLS verifying `tls_name` (poplib's stls() would verify the address connected to)."""
        resp = self._shortcmd("STLS")
        self.sock = context.wrap_socket(self.sock, server_hostname=tls_name)
        self.file = self.sock.makefile("rb")
        self._tls_established = True
        return resp


class _POP3(_LoggingMixin, poplib.POP3):
    pass


class _POP3_SSL(_LoggingMixin, poplib.POP3_SSL):
    def __init__(self, host, port, *, tls_name, **kwargs):
        self.tls_name = tls_name
        super().__init__(host, port, **kwargs)

    def _create_socket(self, timeout):
        sock = poplib.POP3._create_socket(self, timeout)
        return self.context.wrap_socket(sock, server_hostname=self.tls_name)


class POP3Session(MailSession):
    PROTOCOL = "POP3"

    def __init__(self, host: str, port: int, **options):
        super().__init__(host, port, **options)
        self._conn = None
        self._capa: dict = {}
        self._marked: set[int] = set()      # numbers flagged by delete() in the current session
        # The caller holds message numbers of a session that broke: calls taking a number fail
        # until a call that starts a fresh numbering (stat, mail_list, check) opens a new session.
        self._stale = False

    @property
    def connection(self):
        """The open poplib connection, if any."""
        return self._conn

    def is_marked(self, n: int) -> bool:
        """`n` is marked for deletion in the open session."""
        return self._conn is not None and n in self._marked

    # ------------------------------------------------------------ opening a session
    def _open(self):
        """Connect, secure (POP3S or STLS), authenticate. Returns (conn, server text); raises SessionFailure."""
        ep = self.endpoint("STLS")
        implicit = self.implicit_tls
        conn = None
        try:
            context = self.ssl_context()
            if implicit:
                conn = _POP3_SSL(ep.host, ep.port, tls_name=ep.tls_name, mail_log=self.log,
                                 timeout=self.timeout, context=context)
            else:
                conn = _POP3(ep.host, ep.port, mail_log=self.log, timeout=self.timeout)
            capa = self._read_capa(conn)
            if not implicit and self.upgrade:
                if "STLS" in capa:
                    conn.starttls(context, ep.tls_name)
                    self.log_session(f"TLS established ({conn.sock.version()})")
                    capa = self._read_capa(conn)     # capabilities may change once encrypted
                else:
                    self.check_unencrypted("STLS")
                    self.log_session("No STLS offered: unencrypted session "
                                     f"({self.names['accept_unsecure']} is True)")
            text = self._authenticate(conn, capa)
            self._capa = capa
            return conn, text
        except BaseException as e:
            _close_socket(conn)       # never QUIT here: nothing can be pending yet anyway
            if isinstance(e, SessionFailure):
                raise
            raise self._open_failure(e, ep) from None

    def _open_failure(self, e: BaseException, ep) -> SessionFailure:
        text = _refusal(e)
        if text is not None:
            self.log_session(f"Refused by the server: {text}")
            return SessionFailure(text, status="-ERR")
        network = self.network_error_text(e, ep)
        if network is not None:
            return self.failure(network, network_error=e)
        if isinstance(e, (poplib.error_proto, ValueError, UnicodeError)):
            return self.failure(f"POP3 session with {self.host}:{self.port} failed: {_reason(e)}")
        raise e

    @staticmethod
    def _read_capa(conn) -> dict:
        """CAPA (RFC 2449); a server without it offers nothing optional."""
        try:
            _, lines, _ = conn._longcmd("CAPA")
        except poplib.error_proto as e:
            if _refusal(e) is not None:
                return {}
            raise
        caps = {}
        for line in lines:
            words = line.decode("ascii", "replace").split()
            if words:
                caps[words[0].upper()] = [w.upper() for w in words[1:]]
        return caps

    # ------------------------------------------------------------ authentication
    def _choose(self, sasl: list[str], apop: bool) -> str | None:
        return self.choose_auth(sasl + (["APOP"] if apop else []), POP3_AUTH_PREFERENCE, fallback="USER")

    def _authenticate(self, conn, capa: dict) -> str:
        UNSUPPORTED = SessionFailure.UNSUPPORTED
        sasl = capa.get("SASL", [])
        apop = bool(conn.timestamp.match(conn.welcome))
        mech = self._choose(sasl, apop)
        self.log_session(f"Authentication offered: SASL {' '.join(sasl) or '(none)'}"
                         f"{', APOP' if apop else ''}{', USER' if 'USER' in capa else ''}; selected: {mech}")
        self.check_credentials(mech, "A POP3 session")
        user, password = self.user, self._password
        if mech == "OAUTH2":
            if "XOAUTH2" not in sasl:
                raise self.failure(f"{self.host} does not offer OAuth2 authentication (SASL XOAUTH2)", UNSUPPORTED)
            errors = []      # a failed XOAUTH2 explains itself in a JSON challenge (RFC 7628)

            def xoauth2(step, challenge):
                errors.append(challenge.decode("utf-8", "replace"))
                return b""
            try:
                return self._sasl(conn, "XOAUTH2",
                                  f"user={user}\x01auth=Bearer {self._token}\x01\x01".encode(), xoauth2)
            except poplib.error_proto as e:
                if _refusal(e) is None or not errors:
                    raise
                raise SessionFailure(f"{_refusal(e)} (OAuth2: {errors[-1]})", status="-ERR") from None
        if mech == "APOP":
            if not apop:
                raise self.failure(f"{self.host} does not offer APOP (no timestamp in its greeting)", UNSUPPORTED)
            return _answer_text(conn.apop(user, password))
        if mech == "CRAM-MD5" and mech in sasl:
            return self._sasl(conn, mech, None, lambda step, challenge: (
                user + " " + hmac.new(password.encode(), challenge, "md5").hexdigest()).encode())
        if mech == "PLAIN" and mech in sasl:
            return self._sasl(conn, mech, None, lambda step, challenge:
                              f"\0{user}\0{password}".encode() if step == 0 else b"")
        if mech == "LOGIN" and mech in sasl:
            return self._sasl(conn, mech, None, lambda step, challenge:
                              (user, password)[step].encode() if step < 2 else b"")
        if mech == "USER" or (mech in ("PLAIN", "LOGIN") and not sasl):
            # No SASL at all: USER/PASS carries the same password the same way PLAIN/LOGIN would.
            conn.user(user)
            return _answer_text(conn.pass_(password))
        raise self.failure(f"{self.host} does not offer AUTH {mech}"
                           + (f" (offered: {', '.join(sasl)})" if sasl else " (no SASL authentication offered)"),
                           UNSUPPORTED)

    def _sasl(self, conn, mech: str, initial: bytes | None, respond) -> str:
        """AUTH (RFC 5034): `respond(step, challenge)` answers each "+ base64" challenge. A failed
        XOAUTH2 first sends its JSON error as a challenge, answered by an empty line, then -ERR."""
        line = f"AUTH {mech}" + ("" if initial is None else " " + (base64.b64encode(initial).decode() or "="))
        conn._putcmd(line)
        log = conn.mail_log
        if log:
            log.auth_in_progress = True      # every client line from here on is a secret
        try:
            for step in range(_SASL_ROUNDS + 1):
                resp, _ = conn._getline()
                if resp.startswith(b"+OK"):
                    return _answer_text(resp)
                if not (resp == b"+" or resp.startswith(b"+ ")):
                    raise poplib.error_proto(resp)
                if step == _SASL_ROUNDS:
                    conn._putcmd("*")         # cancel: the server then answers -ERR
                    continue
                try:
                    challenge = base64.b64decode(resp[2:].strip(), validate=True)
                except ValueError:
                    conn._putcmd("*")
                    continue
                answer = respond(step, challenge)
                conn._putcmd(base64.b64encode(answer).decode() if answer else "")
            raise poplib.error_proto(b"-ERR authentication did not end")
        finally:
            if log:
                log.auth_in_progress = False

    # ------------------------------------------------------------ running commands
    def _session(self, fresh: bool):
        if self._conn is not None:
            return self._conn, True
        if self._stale and not fresh:
            raise self.failure(f"The POP3 session with {self.host} was lost: its message numbers are no longer "
                               "valid", SessionFailure.STATE)
        conn, _ = self._open()
        self._conn, self._stale, self._marked = conn, False, set()
        return conn, False

    def _run(self, action, fresh: bool = False):
        """Run `action(conn)` in the session. A -ERR answer is the action's business; anything
        else that goes wrong loses the session (closed without QUIT) and raises SessionFailure.
        `fresh`: the call does not use message numbers, so it may open a new session, and may
        transparently replace an idle session the server dropped if no deletion was pending."""
        for attempt in (1, 2):
            conn, reused = self._session(fresh)
            try:
                return action(conn)
            except (OSError, EOFError, ValueError, UnicodeError, poplib.error_proto) as e:
                # Anything but a plain -ERR: network error, EOF, timeout, garbled answer.
                if _refusal(e) is not None:      # a plain -ERR: the session itself is fine
                    raise SessionFailure(_refusal(e), status="-ERR") from None
                error = e
                reason = (f"no answer within {self.timeout} s ({self.names['timeout']})"
                          if isinstance(e, (socket.timeout, TimeoutError)) else _reason(e))
            pending = len(self._marked)
            self.drop()
            if fresh and reused and attempt == 1 and not pending:
                self.log_session(f"POP3 session lost while idle ({reason}); opening a new one")
                continue
            text = f"POP3 session with {self.host} lost: {reason}"
            if pending:
                text += f"; {pending} message(s) marked for deletion stay on the server"
            raise self.failure(text, network_error=error)
        raise AssertionError("unreachable")

    def drop(self) -> None:
        """Forget a broken session: close the socket, never QUIT (marks must not be applied)."""
        conn, self._conn = self._conn, None
        self._marked = set()
        self._stale = True
        _close_socket(conn)

    @staticmethod
    def _ask(conn, fn, *args):
        """(True, answer) or (False, server text) for a command that may be refused with -ERR."""
        try:
            return True, fn(*args)
        except poplib.error_proto as e:
            text = _refusal(e)
            if text is None:
                raise
            return False, text


    def close(self) -> None:
        """QUIT, which makes the server apply the deletion marks (RFC 1939 UPDATE state). Raises
        a NO_ANSWER failure (logged) when that fails while messages were marked: they stay."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        pending = len(self._marked)
        self._marked = set()
        try:
            resp = conn.quit()
            self.log_session(f"POP3 session closed (QUIT): {pending} message(s) deleted — {_answer_text(resp)}")
        except (OSError, EOFError, poplib.error_proto) as e:
            _close_socket(conn)
            text = (f"POP3 session with {self.host} could not be closed properly ({_reason(e)})"
                    + (f": {pending} message(s) marked for deletion stay on the server" if pending else ""))
            self.log_session(text)
            if pending:
                raise SessionFailure(text, SessionFailure.NO_ANSWER, network_error=e) from None

    # ------------------------------------------------------------ commands
    def probe(self) -> tuple[str | None, SessionFailure | None]:
        """NOOP in the open session: (the server's text, None); when the session is gone it is
        dropped: (None, the failure that lost its marks if it had any)."""
        if self._conn is None:
            return None, None
        try:
            return _answer_text(self._conn.noop()) or "OK", None
        except (OSError, EOFError, poplib.error_proto) as e:
            pending = len(self._marked)
            self.drop()
            self.log_session(f"POP3 session lost ({_reason(e)}); opening a new one")
            if not pending:
                return None, None
            return None, SessionFailure(f"POP3 session with {self.host} lost: {pending} message(s) marked for "
                                        "deletion stay on the server", SessionFailure.NO_ANSWER, network_error=e)

    def reopen(self) -> str:
        """A new session (the open one, if any, is dropped without QUIT); the server's text."""
        if self._conn is not None:
            self.drop()
        conn, text = self._open()
        self._conn, self._stale, self._marked = conn, False, set()
        return text or "OK"

    def stat(self) -> tuple[int, int]:
        """STAT: (message count, total size); messages marked for deletion are not counted."""
        return self._run(lambda conn: conn.stat(), fresh=True)

    def mail_list(self) -> list[tuple[int, int, str]]:
        """LIST + UIDL: [(number, size, unique ID or "")]."""
        def action(conn):
            _, lines, _ = conn.list()
            ids = {}
            if "UIDL" in self._capa or not self._capa:
                ok, answer = self._ask(conn, conn.uidl)
                for line in answer[1] if ok else []:
                    num, _, uid = line.decode("utf-8", "replace").partition(" ")
                    ids[int(num)] = uid.strip()
            infos = []
            for line in lines:
                num, size = line.split()[:2]
                infos.append((int(num), int(size), ids.get(int(num), "")))
            return infos
        return self._run(action, fresh=True)

    def mail_info(self, n: int) -> tuple[int, str] | None:
        """LIST n + UIDL n: (size, unique ID or ""); None if n does not exist or is marked."""
        def action(conn):
            ok, answer = self._ask(conn, conn.list, n)
            if not ok:
                return None
            size = int(answer.split()[2])
            uid = ""
            if "UIDL" in self._capa or not self._capa:
                ok, answer = self._ask(conn, conn.uidl, n)
                uid = answer.decode("utf-8", "replace").split()[2] if ok else ""
            return size, uid
        return self._run(action)

    def retrieve(self, n: int, header_only: bool = False) -> bytes | None:
        """RETR (or TOP n 0 for the header only, when offered) as CRLF bytes; None on -ERR."""
        def action(conn):
            if header_only and "TOP" in self._capa:
                ok, answer = self._ask(conn, conn.top, n, 0)
            else:
                ok, answer = self._ask(conn, conn.retr, n)
            if not ok:
                return None
            lines = answer[1]
            if header_only:
                lines = lines[:lines.index(b"")] if b"" in lines else lines
                return b"\r\n".join(lines) + b"\r\n\r\n"
            return b"\r\n".join(lines) + b"\r\n"
        return self._run(action)

    def delete(self, n: int) -> None:
        """DELE n: marked, deleted by the server at QUIT; a refused number marks nothing."""
        def action(conn):
            ok, _ = self._ask(conn, conn.dele, n)
            if ok:
                self._marked.add(n)
        self._run(action)

    def undelete_all(self) -> None:
        """RSET: no mark left (nothing to do without a session)."""
        if self._conn is None:
            return

        def action(conn):
            conn.rset()
            self._marked = set()
        self._run(action)
