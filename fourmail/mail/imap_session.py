"""An IMAP session on top of imapclient: connection, TLS (IMAPS or STARTTLS), SASL, the commands
fourmail uses and their failures, IDLE.

imapclient speaks the protocol (FETCH/LIST parsing, modified UTF-7 mailbox names, literals).
One session serves every call: it opens on the first call, re-selects the last selected mailbox
when it has to reopen, and is checked with NOOP when it sat idle longer than `check_delay`.
Every failure is a `SessionFailure` (session.py); nothing here knows the 4D language.
"""
from __future__ import annotations

import hmac
import imaplib
import socket
import time

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError, ProtocolError
from imapclient.response_parser import parse_message_list

from .log import MailLog
from .session import MailSession, SessionFailure

_FETCH_CHUNK = 500            # ids per FETCH command: keeps command lines far below server limits
_SASL_ROUNDS = 8
_STATUS_ITEMS = ("MESSAGES", "RECENT", "UIDVALIDITY", "UNSEEN")


# ---------------------------------------------------------------- the wire
class _IMAP4(imaplib.IMAP4):
    """imaplib with what fourmail needs: TLS verifying the routed name, the extended log
    (secrets redacted), the text of the last tagged answer (statusText), and the message
    count kept up to date from EXISTS/EXPUNGE answers."""

    def __init__(self, host, port, timeout, *, tls_name, implicit_context, mail_log):
        self.tls_name, self.implicit_context, self.mail_log = tls_name, implicit_context, mail_log
        self.last_status: tuple[str, str] | None = None
        self.exists = 0
        self._secret_tag = None
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout):
        sock = socket.create_connection((self.host, self.port), timeout)
        if self.implicit_context is None:
            return sock
        try:
            return self.implicit_context.wrap_socket(sock, server_hostname=self.tls_name)
        except BaseException:
            sock.close()
            raise

    def starttls(self, ssl_context=None):
        # imaplib verifies self.host; a routed connection must verify the name it was routed for
        host, self.host = self.host, self.tls_name
        try:
            return super().starttls(ssl_context)
        finally:
            self.host = host

    def send(self, data):
        if self.mail_log and data != b"\r\n":
            self._log_sent(data)
        super().send(data)

    def _log_sent(self, data: bytes) -> None:
        log = self.mail_log
        text = data.decode("utf-8", "replace").rstrip("\r\n")
        if data.startswith(self.tagpre) and not log.auth_in_progress:
            words = text.split(" ", 2)
            if len(words) > 1 and words[1].upper() in ("LOGIN", "AUTHENTICATE"):
                log.sent(text)                   # redact() keeps "TAG LOGIN user", hides the rest
                self._secret_tag = words[0].encode()
                log.auth_in_progress = True      # literals and SASL answers until the tagged reply
                return
        log.sent(text)

    def _get_line(self):
        line = super()._get_line()
        if line.startswith(self.tagpre):
            m = self.tagre.match(line)
            if m:
                self.last_status = (m.group("type").decode("ascii", "replace"),
                                    m.group("data").decode("utf-8", "replace"))
                if self._secret_tag is not None and m.group("tag") == self._secret_tag:
                    self._secret_tag = None
                    if self.mail_log:
                        self.mail_log.auth_in_progress = False
        elif line.startswith(b"* "):
            if line.endswith(b" EXISTS"):
                self.exists = int(line[2:-7])
            elif line.endswith(b" EXPUNGE"):
                self.exists = max(0, self.exists - 1)
        if self.mail_log:
            self.mail_log.received(line.decode("utf-8", "replace"))
        return line

    def read(self, size):
        data = super().read(size)
        if self.mail_log:       # a literal (message content): one write, not one per line
            self.mail_log.write("\n".join("S < " + ln for ln in
                                          data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")))
        return data


class _Client(IMAPClient):
    def __init__(self, endpoint, implicit: bool, context, timeout: int, mail_log: MailLog | None):
        self._endpoint, self._mail_log = endpoint, mail_log
        self._implicit_context = context if implicit else None
        super().__init__(endpoint.host, endpoint.port, use_uid=True, ssl=implicit, ssl_context=context,
                         timeout=timeout)
        self._imap.debug = 0          # imapclient turns imaplib's debugging on: a repr() of every literal
        self.normalise_times = False  # INTERNALDATE keeps its zone, so receivedAt can be given in UTC

    def _create_IMAP4(self):
        return _IMAP4(self._endpoint.host, self._endpoint.port, self._timeout.connect,
                      tls_name=self._endpoint.tls_name, implicit_context=self._implicit_context,
                      mail_log=self._mail_log)

    def ok_text(self) -> str:
        st = self._imap.last_status
        return st[1] if st else ""


def _reason(e: BaseException) -> str:
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "no answer in time"
    arg = e.args[0] if len(e.args) == 1 else None
    text = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else (str(e) or type(e).__name__)
    return text.replace("socket error: ", "")


def same_box(a: str, b: str) -> bool:
    # INBOX is case-insensitive (RFC 3501 5.1); other names are not
    return a == b or (a.upper() == "INBOX" and b.upper() == "INBOX")


# ---------------------------------------------------------------- the session
class IMAPSession(MailSession):
    PROTOCOL = "IMAP"

    def __init__(self, host: str, port: int, *, check_delay: float = 300, **options):
        super().__init__(host, port, **options)
        self.check_delay = check_delay
        self._conn: _Client | None = None
        self._box: str | None = None             # the selected mailbox, re-selected on reconnection
        self._box_readonly = False
        self._delimiter: str | None = None
        self._last_used = 0.0

    @property
    def connection(self) -> _Client | None:
        """The open imapclient connection, if any."""
        return self._conn

    @property
    def box(self) -> str | None:
        """The selected mailbox (None: none)."""
        return self._box

    @property
    def box_readonly(self) -> bool:
        return self._box_readonly

    @property
    def message_count(self) -> int:
        """Messages in the selected mailbox, as the server's EXISTS/EXPUNGE answers tell."""
        return self._conn._imap.exists if self._conn is not None else 0

    # ------------------------------------------------------------ opening
    def _open(self) -> _Client:
        """Connect, secure (IMAPS or STARTTLS), authenticate. Raises SessionFailure."""
        ep = self.endpoint("STARTTLS")
        implicit = self.implicit_tls
        conn = None
        try:
            context = self.ssl_context()
            conn = _Client(ep, implicit, context, self.timeout, self.log)
            if not implicit and self.upgrade:
                if conn.has_capability("STARTTLS"):
                    conn.starttls(context)
                    self.log_session(f"TLS established ({conn.socket().version()})")
                else:
                    self.check_unencrypted("STARTTLS")
                    self.log_session("No STARTTLS offered: unencrypted session "
                                     f"({self.names['accept_unsecure']} is True)")
            self._authenticate(conn)
            return conn
        except BaseException as e:
            if conn is not None:
                try:
                    conn.shutdown()
                except Exception:
                    pass
            if isinstance(e, SessionFailure):
                raise
            raise self._open_failure(e, ep, conn) from None

    def _open_failure(self, e: BaseException, ep, conn) -> SessionFailure:
        network = self.network_error_text(e, ep)
        if network is not None:
            return self.failure(network, network_error=e)
        if isinstance(e, (LoginError, imaplib.IMAP4.error)) and not isinstance(e, imaplib.IMAP4.abort):
            st = conn._imap.last_status if conn is not None else None
            if st and st[0] in ("NO", "BAD"):
                self.log_session(f"Refused by the server: {st[1]}")
                return SessionFailure(st[1], status=st[0])
        if isinstance(e, (imaplib.IMAP4.error, ProtocolError, ValueError, UnicodeError)):
            return self.failure(f"IMAP session with {self.host}:{self.port} failed: {_reason(e)}")
        raise e

    def _authenticate(self, conn: _Client) -> None:
        offered = [c.decode("ascii", "replace")[5:] for c in conn.capabilities() if c.startswith(b"AUTH=")]
        mech = self.choose_auth(offered)
        self.log_session(f"Authentication offered: {' '.join(offered) or '(none)'}; selected: {mech}")
        self.check_credentials(mech, "An IMAP session")
        unsupported = SessionFailure.UNSUPPORTED
        user, password = self.user, self._password
        if mech == "OAUTH2":
            token = self._token
            if "XOAUTH2" in offered:
                sasl, first = "XOAUTH2", f"user={user}\x01auth=Bearer {token}\x01\x01"
            elif "OAUTHBEARER" in offered:
                gs2 = "n,a=" + user.replace("=", "=3D").replace(",", "=2C") + "," if user else "n,,"
                sasl, first = "OAUTHBEARER", f"{gs2}\x01auth=Bearer {token}\x01\x01"
            else:
                raise self.failure(f"{self.host} does not offer OAuth2 authentication (AUTH=XOAUTH2)", unsupported)
            # after a refusal the server explains itself in a JSON challenge; an empty answer ends it
            self._sasl(conn, sasl, lambda step, challenge: first if step == 0 else b"")
        elif mech == "CRAM-MD5":
            if mech not in offered:
                raise self.failure(f"{self.host} does not offer AUTH=CRAM-MD5"
                                   + (f" (offered: {', '.join(offered)})" if offered else ""), unsupported)
            self._sasl(conn, mech, lambda step, challenge: (
                user + " " + hmac.new(password.encode(), challenge, "md5").hexdigest()) if step == 0 else None)
        elif mech == "PLAIN" and mech in offered:
            self._sasl(conn, mech, lambda step, challenge: f"\0{user}\0{password}" if step == 0 else None)
        elif mech == "LOGIN" and mech in offered:
            self._sasl(conn, mech, lambda step, challenge: (user, password)[step] if step < 2 else None)
        else:
            # PLAIN/LOGIN not offered as SASL: the IMAP LOGIN command carries the same password.
            conn.login(user, password)

    @staticmethod
    def _sasl(conn: _Client, mech: str, respond) -> None:
        steps = iter(range(_SASL_ROUNDS + 1))

        def answer(challenge: bytes):
            step = next(steps, _SASL_ROUNDS)
            return None if step >= _SASL_ROUNDS else respond(step, challenge)
        conn.sasl_login(mech, answer)

    # ------------------------------------------------------------ running commands
    def _session(self, check: bool = False) -> _Client:
        """The open session: reopened (and the last mailbox re-selected) if needed."""
        conn = self._conn
        if conn is not None and (check or time.monotonic() - self._last_used > self.check_delay):
            try:
                conn.noop()
            except (imaplib.IMAP4.error, OSError, ProtocolError) as e:
                self.log_session(f"IMAP session lost ({_reason(e)}); opening a new one")
                self.drop()
                conn = None
        if conn is None:
            conn = self._open()
            self._conn = conn
            if self._box is not None:
                try:
                    conn.select_folder(self._box, self._box_readonly)
                except imaplib.IMAP4.error as e:
                    box, self._box = self._box, None
                    raise SessionFailure(f"The mailbox {box!r} cannot be selected again: {_reason(e)}")
        self._last_used = time.monotonic()
        return conn

    def _run(self, action, check: bool = False):
        """Run `action(conn)` in the session, opened if needed (see _call)."""
        return self._call(self._session(check), action)

    def _call(self, conn: _Client, action):
        """`action(conn)`. A NO/BAD answer raises SessionFailure with the server's text; a lost
        connection is dropped (the next call reopens it) and raises a NO_ANSWER failure."""
        conn._imap.last_status = None
        try:
            return action(conn)
        except (imaplib.IMAP4.abort, OSError, ProtocolError, ValueError, UnicodeError) as e:
            self.drop()
            reason = (f"no answer within {self.timeout} s ({self.names['timeout']})"
                      if isinstance(e, (socket.timeout, TimeoutError)) else _reason(e))
            raise self.failure(f"IMAP session with {self.host} lost: {reason}", network_error=e) from None
        except CapabilityError as e:
            raise self.failure(f"{self.host}: {e}", SessionFailure.UNSUPPORTED) from None
        except imaplib.IMAP4.error as e:
            st = conn._imap.last_status
            if st and st[0] in ("NO", "BAD"):
                raise SessionFailure(st[1], status=st[0]) from None
            raise SessionFailure(_reason(e)) from None
        finally:
            self._last_used = time.monotonic()

    def drop(self) -> None:
        """Forget a broken session without a word to the server (nothing is expunged)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.shutdown()
            except Exception:
                pass

    def close(self) -> None:
        """CLOSE the mailbox (removes the messages marked deleted), LOGOUT."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.socket().settimeout(min(self.timeout, 5))
            if self._box is not None and not self._box_readonly:
                conn.close_folder()
            conn.logout()
            self.log_session("IMAP session closed")
        except Exception as e:
            try:
                conn.shutdown()
            except Exception:
                pass
            self.log_session(f"IMAP session with {self.host} could not be closed properly ({_reason(e)})")

    # ------------------------------------------------------------ commands: session and mailboxes
    def check(self) -> str:
        """NOOP, reopening the session if it is gone; the server's text."""
        self._session(check=True)
        return self._run(lambda conn: (conn.noop(), conn.ok_text())[1])

    def select(self, name: str, readonly: bool) -> dict:
        """SELECT (EXAMINE if `readonly`), after CLOSE of another mailbox selected read write
        (CLOSE expunges); imapclient's SELECT answer ({b"EXISTS": n, b"FLAGS": (...), ...})."""
        def action(conn):
            if self._box is not None and not self._box_readonly and not same_box(self._box, name):
                conn.close_folder()
                self._box = None
            try:
                info = conn.select_folder(name, readonly)
            except imaplib.IMAP4.error:
                self._box = None         # a failed SELECT leaves no mailbox selected (RFC 3501)
                raise
            self._box, self._box_readonly = name, readonly
            return info
        return self._run(action)

    def box_status(self, name: str) -> dict:
        """STATUS (MESSAGES RECENT UIDVALIDITY UNSEEN) of a mailbox, without selecting it."""
        return self._run(lambda conn: conn.folder_status(name, _STATUS_ITEMS))

    def list_boxes(self, subscribed: bool = False, wanted: set | None = None, with_status: bool = False) -> list:
        """LIST (and LSUB when `subscribed`): [(name, upper-case flags, selectable, STATUS or None)],
        only the names in `wanted` if given; STATUS of each selectable one if `with_status` (a
        mailbox whose STATUS is refused has None)."""
        def action(conn):
            folders = conn.list_folders()
            subs = {n for _, _, n in conn.list_sub_folders()} if subscribed else None
            boxes = []
            for flags, delim, box in folders:
                if delim and self._delimiter is None:
                    self._delimiter = delim.decode("utf-8", "replace") if isinstance(delim, bytes) else delim
                if (subs is not None and box not in subs) or (wanted is not None and box not in wanted):
                    continue
                upper = {f.upper() for f in flags}
                selectable = not ({b"\\NOSELECT", b"\\NONEXISTENT"} & upper)
                status = None
                if with_status and selectable:
                    try:
                        status = conn.folder_status(box, _STATUS_ITEMS)
                    except imaplib.IMAP4.error as e:
                        if isinstance(e, imaplib.IMAP4.abort):
                            raise
                boxes.append((box, upper, selectable, status))
            return boxes
        return self._run(action)

    def delimiter(self) -> str:
        """The hierarchy delimiter (LIST "" ""); "" on a flat server."""
        if self._delimiter is None:
            listing = self._run(lambda conn: conn.list_folders("", ""))
            delim = listing[0][1] if listing else None
            if isinstance(delim, bytes):
                delim = delim.decode("utf-8", "replace")
            if not delim:
                return ""
            self._delimiter = delim
        return self._delimiter

    def _box_command(self, command: str, name: str) -> str:
        def action(conn):
            getattr(conn, command)(name)
            return conn.ok_text()
        return self._run(action)

    def create_box(self, name: str) -> str:
        """CREATE (the server creates missing parents); the server's text."""
        return self._box_command("create_folder", name)

    def subscribe(self, name: str) -> str:
        return self._box_command("subscribe_folder", name)

    def unsubscribe(self, name: str) -> str:
        return self._box_command("unsubscribe_folder", name)

    def delete_box(self, name: str) -> str:
        """DELETE; the selected mailbox is left first (a server may end a session whose selected
        mailbox disappears)."""
        def action(conn):
            if self._box is not None and same_box(self._box, name):
                if conn.has_capability("UNSELECT"):
                    conn.unselect_folder()
                else:
                    conn.close_folder()
                self._box = None
            conn.delete_folder(name)
            return conn.ok_text()
        return self._run(action)

    def rename_box(self, old: str, new: str) -> str:
        def action(conn):
            conn.rename_folder(old, new)
            if self._box is not None and same_box(self._box, old):
                self._box = new
            return conn.ok_text()
        return self._run(action)

    # ------------------------------------------------------------ commands: messages
    def search(self, charset: str | None, tokens: list) -> list[int]:
        """UID SEARCH with criteria already in IMAP syntax; the UIDs found."""
        def action(conn):
            args = ([b"CHARSET", charset.encode("ascii")] if charset else []) + tokens
            return list(parse_message_list(conn._raw_command_untagged(b"SEARCH", args, uid=True)))
        return self._run(action)

    def _range(self, conn: _Client, lo: int, hi: int) -> tuple[int, int, int]:
        """(first, last, count) for a sequence range; numbers <= 0 mean first/last message."""
        if hi <= 0 or hi > conn._imap.exists:
            conn.noop()            # new messages may have arrived: the server tells with EXISTS
        count = conn._imap.exists
        if lo > hi > 0:
            lo, hi = hi, lo        # an IMAP range n:m is the same set as m:n
        lo = 1 if lo <= 0 else lo
        hi = count if hi <= 0 else hi
        return lo, hi, count       # lo > hi: nothing (e.g. "up to the last" in an empty mailbox)

    def fetch_range(self, start: int, end: int, items: list[str]) -> tuple[int, int, dict]:
        """FETCH `items` of the messages numbered start..end (<= 0: first/last; NOOP first when
        new messages may have arrived): (first, last, {number: data}) of what exists."""
        def action(conn):
            lo, hi, count = self._range(conn, start, end)
            numbers = list(range(lo, min(hi, count) + 1)) if count else []
            return lo, hi, (self._fetch(conn, numbers, items, by_uid=False) if numbers else {})
        return self._run(action)

    def fetch(self, ids: list[int], items: list[str], by_uid: bool = True) -> dict:
        """FETCH in chunks; {uid or sequence number: data} (with b"UID" in the data)."""
        return self._run(lambda conn: self._fetch(conn, ids, items, by_uid))

    def fetch_one(self, key: int | None, items: list[str], by_uid: bool) -> dict | None:
        """The FETCH data of one message, None if it does not exist."""
        def action(conn):
            if key is None or (not by_uid and key > conn._imap.exists):
                return None
            return self._fetch(conn, [key], items, by_uid).get(key)
        return self._run(action)

    @staticmethod
    def _fetch(conn: _Client, ids: list[int], items: list[str], by_uid: bool) -> dict:
        out: dict = {}
        conn.use_uid = by_uid
        try:
            for i in range(0, len(ids), _FETCH_CHUNK):
                out.update(conn.fetch(ids[i:i + _FETCH_CHUNK], items))
            if by_uid:           # keyed by UID, imapclient leaves it out of the data
                for uid, data in out.items():
                    data[b"UID"] = uid
        finally:
            conn.use_uid = True
        return out

    def store_flags(self, uids: list[str], flags: list[str], add: bool) -> str:
        """UID STORE +FLAGS.SILENT / -FLAGS.SILENT (uids may be ["1:*"])."""
        def action(conn):
            if not uids:
                return "No message to process"
            if add:
                conn.add_flags(uids, flags, silent=True)
            else:
                conn.remove_flags(uids, flags, silent=True)
            return conn.ok_text()
        return self._run(action)

    def transfer(self, uids: list[str], box: str, move: bool) -> str:
        """UID COPY, or UID MOVE (RFC 6851: the server must offer MOVE)."""
        def action(conn):
            if not uids:
                return "No message to process"
            (conn.move if move else conn.copy)(uids, box)
            return conn.ok_text()
        return self._run(action)

    def expunge(self) -> str:
        def action(conn):
            text, _ = conn.expunge()
            return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return self._run(action)

    def append(self, box: str, data: bytes, flags: list[str], when) -> str:
        """APPEND a message with its flags and arrival date (None: now)."""
        def action(conn):
            conn.append(box, data, flags, when)
            return conn.ok_text()
        return self._run(action)

    # ------------------------------------------------------------ IDLE (RFC 2177)
    def idle(self) -> str:
        """Enter IDLE in the selected mailbox; the server's continuation text. Until idle_done()
        only idle_check() and idle_renew() may use the session."""
        conn = self._session()
        if not conn.has_capability("IDLE"):
            raise self.failure(f"{self.host} does not offer IDLE (RFC 2177)", SessionFailure.UNSUPPORTED)
        self._call(conn, lambda c: c.idle())
        text = conn._imap.continuation_response
        return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text or "")

    def idle_check(self, timeout: float) -> list:
        """What the server pushed within `timeout` seconds (imapclient's parsed responses).
        Failures are not mapped: the caller ends IDLE and drops the session."""
        conn = self._conn
        if conn is None:
            raise ConnectionError("the IMAP session is closed")
        return conn.idle_check(timeout=timeout)

    def idle_renew(self) -> list:
        """DONE then IDLE again (before the server's inactivity timeout); what was pushed meanwhile."""
        conn = self._conn
        if conn is None:
            raise ConnectionError("the IMAP session is closed")
        responses = conn.idle_done()[1]
        conn.idle()
        return responses

    def idle_done(self, mapped: bool = True) -> tuple[str, list]:
        """DONE: (the server's text, what it pushed last). `mapped`: failures are SessionFailures
        (False: left as they are, for a session about to be closed anyway)."""
        conn = self._conn
        if conn is None:
            raise SessionFailure("The IMAP session was lost while idle", SessionFailure.NO_ANSWER)
        if not mapped:
            text, responses = conn.idle_done()
        else:
            text, responses = self._call(conn, lambda c: c.idle_done())
        return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text), responses
