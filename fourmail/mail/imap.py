"""4D.IMAPTransporter (IMAPTransporterClass.md, imap-new-transporter.md) on top of imapclient.

imapclient speaks the protocol (FETCH/LIST parsing, modified UTF-7 mailbox names, literals);
this module maps 4D's functions onto it. One session serves every call: it opens on the first
call, re-selects the last selected mailbox when it has to reopen, and is checked with NOOP
when it sat idle longer than checkConnectionDelay.

Messages are addressed by UID ("unique ID", always a text in 4D) or by sequence number (a
number). `.delete()` only sets \\Deleted; as the page says, flagged messages are removed by
`.expunge()`, by selecting another mailbox, or when the transporter is released (CLOSE).
"""
from __future__ import annotations

import datetime as _dt
import hmac
import imaplib
import socket
import time

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError, ProtocolError
from imapclient.response_parser import parse_message_list

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, LazyObject, is_whole, to_longint, type_name
from . import network
from .log import MailLog
from .transporter import Transporter

IMAP_AUTH_MODES = ("CRAM-MD5", "LOGIN", "OAUTH2", "PLAIN")
IMAP_ALL = 1                  # the `IMAP all` constant
READ_ONLY_STATE = 1           # `IMAP read only state` (0: read write, the default)

# 4D error codes of the IMAP component (componentSignature "IMAP"); same numbering as POP3.
ERR_NETWORK = 1               # no usable answer: connect, TLS, timeout, connection lost
ERR_SERVER = 2                # the server refused (authentication, NO/BAD answer)
ERR_STATE = 3                 # the call needs a selected mailbox, or the notifier is running
ERR_NOT_FOUND = 4             # getMail(): no such message

# JMAP keywords of the Email object <-> IMAP system flags (EmailObjectClass.md .keywords).
KEYWORD_FLAGS = {"$draft": "\\Draft", "$seen": "\\Seen", "$flagged": "\\Flagged",
                 "$answered": "\\Answered", "$deleted": "\\Deleted"}
FLAG_KEYWORDS = {f.upper(): k for k, f in KEYWORD_FLAGS.items()}
_BAD_KEYWORD_CHARS = set('(){]%*"\\ ')
_FETCH_CHUNK = 500            # ids per FETCH command: keeps command lines far below server limits
_SASL_ROUNDS = 8


class _Failure(Exception):
    """A step failed: `text` for statusText; `error` set when no server answered."""

    def __init__(self, text: str, error: FourDError | None = None):
        super().__init__(text)
        self.text, self.error = text, error


def _param(fname: str, detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=f".{fname}()", detail=detail, component="IMAP")


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
    text = str(e) or type(e).__name__
    return text.replace("socket error: ", "")


# ---------------------------------------------------------------- the transporter
class IMAPTransporter(Transporter):
    CLASS_NAME = "IMAPTransporter"
    PROTOCOL = "IMAP"
    DEFAULT_PORT = 993
    IMPLICIT_TLS_PORTS = frozenset({993})    # 993 IMAPS; any other port: plain + STARTTLS upgrade
    AUTH_MODES = IMAP_AUTH_MODES
    EXTRA_OPTIONS = {"checkConnectionDelay": ("int", 300)}

    def __init__(self, rt, server):
        self._conn: _Client | None = None
        self._notifier = None
        super().__init__(rt, server)
        # IMAPNotifier.md's example passes a `listener` (a user-class instance): the notifier
        # calls its functions (imap_notifier.py).
        self.listener = server.get("listener", UNDEFINED)
        self._box: str | None = None             # the selected mailbox, re-selected on reconnection
        self._box_readonly = False
        self._delimiter: str | None = None
        self._last_used = 0.0

    def _properties(self) -> dict:
        props = super()._properties()
        if self.listener is not UNDEFINED:
            props["listener"] = self.listener
        return props

    def get_property(self, name: str):
        if name == "notifier":
            return self.notifier
        return super().get_property(name)

    @property
    def notifier(self):
        if self._notifier is None:
            from .imap_notifier import IMAPNotifier
            self._notifier = IMAPNotifier(self)
        return self._notifier

    # ------------------------------------------------------------ opening a session
    def _open(self) -> _Client:
        """Connect, secure (IMAPS or STARTTLS), authenticate. Raises _Failure."""
        ep, implicit = self.begin_session("STARTTLS")
        conn = None
        try:
            context = network.ssl_context(self.rt)
            conn = _Client(ep, implicit, context, self.connectionTimeOut, self._log)
            if not implicit:
                if conn.has_capability("STARTTLS"):
                    conn.starttls(context)
                    self.log_session(f"TLS established ({conn.socket().version()})")
                elif not self.acceptUnsecureConnection:
                    raise self._network_failure(
                        f"{self.host}:{self.port} does not offer STARTTLS: the connection cannot be encrypted "
                        "and acceptUnsecureConnection is False")
                else:
                    self.log_session("No STARTTLS offered: unencrypted session (acceptUnsecureConnection is True)")
            self._authenticate(conn)
            return conn
        except BaseException as e:
            if conn is not None:
                try:
                    conn.shutdown()
                except Exception:
                    pass
            if isinstance(e, _Failure):
                raise
            raise self._open_failure(e, ep, conn) from None

    def _open_failure(self, e: BaseException, ep, conn) -> _Failure:
        network = self.network_error_text(e, ep)
        if network is not None:
            return self._network_failure(network)
        if isinstance(e, (LoginError, imaplib.IMAP4.error)) and not isinstance(e, imaplib.IMAP4.abort):
            st = conn._imap.last_status if conn is not None else None
            if st and st[0] in ("NO", "BAD"):
                self.log_session(f"Refused by the server: {st[1]}")
                return _Failure(st[1])
        if isinstance(e, (imaplib.IMAP4.error, ProtocolError, ValueError, UnicodeError)):
            return self._network_failure(f"IMAP session with {self.host}:{self.port} failed: {_reason(e)}")
        raise e

    def _network_failure(self, text: str, code: int = ERR_NETWORK) -> _Failure:
        self.log_session(text)
        return _Failure(text, FourDError(code=code, message=text, component="IMAP"))

    def _authenticate(self, conn: _Client) -> None:
        offered = [c.decode("ascii", "replace")[5:] for c in conn.capabilities() if c.startswith(b"AUTH=")]
        mech = self.choose_auth(offered)
        self.log_session(f"Authentication offered: {' '.join(offered) or '(none)'}; selected: {mech}")
        if mech is None:
            raise self._network_failure("An IMAP session needs a user (with a password or accessTokenOAuth2)",
                                        ERR_SERVER)
        user, password = self.user, self._password
        if mech == "OAUTH2":
            if not self._token:
                raise self._network_failure("authenticationMode OAUTH2 needs accessTokenOAuth2", ERR_SERVER)
            token = self._token
            if "XOAUTH2" in offered:
                sasl, first = "XOAUTH2", f"user={user}\x01auth=Bearer {token}\x01\x01"
            elif "OAUTHBEARER" in offered:
                gs2 = "n,a=" + user.replace("=", "=3D").replace(",", "=2C") + "," if user else "n,,"
                sasl, first = "OAUTHBEARER", f"{gs2}\x01auth=Bearer {token}\x01\x01"
            else:
                raise self._network_failure(f"{self.host} does not offer OAuth2 authentication (AUTH=XOAUTH2)",
                                            ERR_SERVER)
            # after a refusal the server explains itself in a JSON challenge; an empty answer ends it
            self._sasl(conn, sasl, lambda step, challenge: first if step == 0 else b"")
        elif mech == "CRAM-MD5":
            if mech not in offered:
                raise self._network_failure(f"{self.host} does not offer AUTH=CRAM-MD5"
                                            + (f" (offered: {', '.join(offered)})" if offered else ""),
                                            ERR_SERVER)
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
        if self._notifier is not None and self._notifier.isStarted:
            raise _Failure("", FourDError(code=ERR_STATE, component="IMAP", message=(
                "The IMAP notifier is started: call .notifier.stop() before using the transporter")))
        conn = self._conn
        if conn is not None and (check or time.monotonic() - self._last_used > self.checkConnectionDelay):
            try:
                conn.noop()
            except (imaplib.IMAP4.error, OSError, ProtocolError) as e:
                self.log_session(f"IMAP session lost ({_reason(e)}); opening a new one")
                self._drop()
                conn = None
        if conn is None:
            conn = self._open()
            self._conn = conn
            if self._box is not None:
                try:
                    conn.select_folder(self._box, self._box_readonly)
                except imaplib.IMAP4.error as e:
                    box, self._box = self._box, None
                    raise _Failure(f"The mailbox {box!r} cannot be selected again: {_reason(e)}")
        self._last_used = time.monotonic()
        return conn

    def _run(self, action, *, needs_box: bool = False, writes: bool = False):
        """Run `action(conn)`. A NO/BAD answer raises _Failure with the server's text; a lost
        connection is dropped (the next call reopens it) and raises _Failure with a 4D error."""
        conn = self._session()
        if needs_box and self._box is None:
            raise _Failure("", FourDError(code=ERR_STATE, component="IMAP",
                                          message="No mailbox is selected: call .selectBox() first"))
        if writes and self._box_readonly:
            # Dovecot answers OK to STORE in an EXAMINEd mailbox and changes nothing: say so instead
            raise _Failure("", FourDError(code=ERR_STATE, component="IMAP", message=(
                f"The mailbox {self._box!r} is selected read only (IMAP read only state): it cannot be changed")))
        return self._call(conn, action)

    def _call(self, conn: _Client, action):
        """`action(conn)` with the failures mapped (see _run); no session check (IDLE uses it)."""
        conn._imap.last_status = None
        try:
            return action(conn)
        except (imaplib.IMAP4.abort, OSError, ProtocolError, ValueError, UnicodeError) as e:
            self._drop()
            reason = (f"no answer within {self.connectionTimeOut} s (connectionTimeOut)"
                      if isinstance(e, (socket.timeout, TimeoutError)) else _reason(e))
            raise self._network_failure(f"IMAP session with {self.host} lost: {reason}") from None
        except CapabilityError as e:
            raise self._network_failure(f"{self.host}: {e}", ERR_SERVER) from None
        except imaplib.IMAP4.error as e:
            st = conn._imap.last_status
            raise _Failure(st[1] if st and st[0] in ("NO", "BAD") else _reason(e)) from None
        finally:
            self._last_used = time.monotonic()

    def _status(self, action, *, needs_box: bool = False, writes: bool = False) -> dict:
        """Functions returning an IMAP status object."""
        try:
            return {"success": True, "statusText": self._run(action, needs_box=needs_box, writes=writes)}
        except _Failure as f:
            return self._failure(f)

    def _failure(self, f: _Failure) -> dict:
        if f.error is not None:
            return self.failure_status(f.error, with_status=False)
        return {"success": False, "statusText": f.text}

    def _guard(self, empty, body):
        """Functions without a status: a failure is a 4D error (ON ERR CALL sees it), then `empty`."""
        try:
            return body()
        except _Failure as f:
            error = f.error or FourDError(code=ERR_SERVER, component="IMAP",
                                          message=f"IMAP server {self.host} refused: {f.text}")
            self.rt.report_error(error)
            return empty

    def _drop(self) -> None:
        """Forget a broken session without a word to the server (nothing is expunged)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.shutdown()
            except Exception:
                pass

    # ------------------------------------------------------------ release
    def close(self) -> None:
        """Release: CLOSE the mailbox (removes the messages marked deleted, as .delete() says), LOGOUT."""
        conn, self._conn = getattr(self, "_conn", None), None
        notifier = getattr(self, "_notifier", None)
        if notifier is not None:
            notifier.halt(conn)
        if conn is None:
            return
        try:
            conn.socket().settimeout(min(self.connectionTimeOut, 5))
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

    # ------------------------------------------------------------ parameters
    @staticmethod
    def _text_arg(fname: str, what: str, v, optional: bool = False) -> str | None:
        if optional and (v is UNDEFINED or v is None):
            return None
        if not isinstance(v, str):
            raise _param(fname, f"{what} must be a text, not {type_name(v)}")
        return v

    @staticmethod
    def _options(fname: str, v) -> dict:
        if v is UNDEFINED or v is None:
            return {}
        if not isinstance(v, dict):
            raise _param(fname, f"options must be an object, not {type_name(v)}")
        return v

    @staticmethod
    def _flag_option(fname: str, opts: dict, name: str, default: bool) -> bool:
        v = opts.get(name, UNDEFINED)
        if v is UNDEFINED or v is None:
            return default
        if not isinstance(v, bool):
            raise _param(fname, f"{name} must be a boolean, not {type_name(v)}")
        return v

    @staticmethod
    def _message_ids(fname: str, v) -> list[str]:
        """msgIDs: a collection of unique IDs, one unique ID (text), or `IMAP all`."""
        if isinstance(v, bool) or v is UNDEFINED or v is None:
            raise _param(fname, f"msgIDs must be a collection of unique IDs or IMAP all, not {type_name(v)}")
        if isinstance(v, (int, float)):
            if v != IMAP_ALL:
                raise _param(fname, f"{v:g} is not IMAP all (1): pass unique IDs as a collection of texts")
            return ["1:*"]
        items = [v] if isinstance(v, str) else v if isinstance(v, list) else None
        if items is None:
            raise _param(fname, f"msgIDs must be a collection of unique IDs or IMAP all, not {type_name(v)}")
        ids = []
        for item in items:
            if isinstance(item, (int, float)) and not isinstance(item, bool) and is_whole(item) and item > 0:
                ids.append(str(int(item)))
            elif isinstance(item, str) and item.strip().isdigit() and int(item) > 0:
                ids.append(str(int(item)))
            else:
                raise _param(fname, f"{item!r} is not a unique message ID")
        return ids

    @staticmethod
    def _flags(fname: str, keywords) -> list[str]:
        """Keywords object -> IMAP flags; only true values count (IMAPTransporterClass.md .addFlags())."""
        if not isinstance(keywords, dict):
            raise _param(fname, f"keywords must be an object, not {type_name(keywords)}")
        flags = []
        for name, value in keywords.items():
            if value is not True:
                continue
            system = KEYWORD_FLAGS.get(name.lower())
            if system:
                flags.append(system)
            elif (not name or not name.isascii()
                  or any(c in _BAD_KEYWORD_CHARS or ord(c) < 32 or ord(c) == 127 for c in name)):
                raise _param(fname, f"{name!r} is not a valid keyword (no space, control character or ( ) {{ ] % * \" \\)")
            else:
                flags.append(name)
        return flags

    def _range(self, conn: _Client, start, end, fname: str) -> tuple[int, int, int]:
        """(first, last, count) for a sequence range; numbers <= 0 mean first/last message."""
        for what, v in (("startMsg", start), ("endMsg", end)):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _param(fname, f"{what} must be a number, not {type_name(v)}")
        lo, hi = to_longint(start), to_longint(end)
        if hi <= 0 or hi > conn._imap.exists:
            conn.noop()            # new messages may have arrived: the server tells with EXISTS
        count = conn._imap.exists
        if lo > hi > 0:
            lo, hi = hi, lo        # an IMAP range n:m is the same set as m:n
        lo = 1 if lo <= 0 else lo
        hi = count if hi <= 0 else hi
        return lo, hi, count       # lo > hi: nothing (e.g. "up to the last" in an empty mailbox)

    # ------------------------------------------------------------ fetching
    @staticmethod
    def _fetch(conn: _Client, ids: list[int], items: list[str], by_uid: bool) -> dict:
        """FETCH in chunks; {uid or sequence number: data} (imapclient parses the answers)."""
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

    @staticmethod
    def _items(with_body: bool, update_seen: bool) -> list[str]:
        # BODY[...] (not .PEEK) makes the server set \Seen, in the same round trip
        section = "BODY" + ("" if update_seen else ".PEEK") + ("[]" if with_body else "[HEADER]")
        return ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", section]

    def _email(self, data: dict, with_body: bool) -> dict:
        """An Email object from FETCH data, with the IMAP-only id, receivedAt, size, keywords."""
        mail = _parsed(self.rt, data, with_body)
        mail.update(self._fetch_properties(data))
        return mail

    def _lazy_email(self, data: dict, with_body: bool) -> LazyObject:
        """The same Email object, its MIME parsed when the program first looks inside it: the
        properties FETCH gave directly (id, receivedAt, size, keywords) are there at once. The
        filling needs no transporter, so holding mails does not keep the session open."""
        rt = self.rt
        return LazyObject(self._fetch_properties(data), lambda: _parsed(rt, data, with_body))

    @staticmethod
    def _fetch_properties(data: dict) -> dict:
        props = {"id": str(data[b"UID"])}
        when = data.get(b"INTERNALDATE")
        if isinstance(when, _dt.datetime):
            if when.tzinfo is None:
                when = when.astimezone()
            props["receivedAt"] = when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if b"RFC822.SIZE" in data:
            props["size"] = float(data[b"RFC822.SIZE"])
        props["keywords"] = flags_to_keywords(data.get(b"FLAGS", ()))
        return props

    # ------------------------------------------------------------ functions: session and mailboxes
    def fn_checkConnection(self, rt):
        """checkConnection(): check the session (NOOP), reopening it if needed (Transporter.md)."""
        try:
            self._session(check=True)
        except _Failure as f:
            return self._failure(f)
        return self._status(lambda conn: (conn.noop(), conn.ok_text())[1])

    def fn_selectBox(self, rt, name=UNDEFINED, state=UNDEFINED):
        """selectBox(name{; state}) -> {name, mailCount, mailRecent, id, flags, permanentFlags}."""
        name = self._text_arg("selectBox", "name", name)
        if state is UNDEFINED or state is None:
            state = 0
        if isinstance(state, bool) or not isinstance(state, (int, float)) or state not in (0, READ_ONLY_STATE):
            raise _param("selectBox", "state must be IMAP read write state (0) or IMAP read only state (1)")
        readonly = state == READ_ONLY_STATE

        def action(conn):
            if self._box is not None and not self._box_readonly and not _same_box(self._box, name):
                conn.close_folder()      # CLOSE expunges: "by selecting another mailbox" (.delete())
                self._box = None
            try:
                info = conn.select_folder(name, readonly)
            except imaplib.IMAP4.error:
                self._box = None         # a failed SELECT leaves no mailbox selected (RFC 3501)
                raise
            self._box, self._box_readonly = name, readonly
            return info

        def body():
            info = self._run(action)
            return {"name": name, "mailCount": float(info.get(b"EXISTS", 0)),
                    "mailRecent": float(info.get(b"RECENT", 0)), "id": str(info.get(b"UIDVALIDITY", "")),
                    "flags": _flag_text(info.get(b"FLAGS", ())),
                    "permanentFlags": _flag_text(info.get(b"PERMANENTFLAGS", ()))}
        return self._guard(None, body)

    def fn_getBoxInfo(self, rt, name=UNDEFINED):
        """getBoxInfo({name}) -> {name, mailCount, mailRecent, id, mailUnseen} without selecting it."""
        name = self._text_arg("getBoxInfo", "name", name, optional=True)

        def body():
            box = name if name is not None else self._box
            if box is None:
                raise _Failure("", FourDError(code=ERR_STATE, component="IMAP", message=(
                    "No mailbox is selected: pass a mailbox name or call .selectBox() first")))
            st = self._run(lambda conn: conn.folder_status(box, ("MESSAGES", "RECENT", "UIDVALIDITY", "UNSEEN")))
            return _box_info(box, st)
        return self._guard(None, body)

    def fn_getBoxList(self, rt, parameters=UNDEFINED):
        """getBoxList({parameters}) -> [{name, selectable, inferior, interesting, mailCount...}]."""
        opts = self._options("getBoxList", parameters)
        subscribed = self._flag_option("getBoxList", opts, "isSubscribed", False)
        with_props = self._flag_option("getBoxList", opts, "withBoxProperties", True)
        with_info = self._flag_option("getBoxList", opts, "withBoxInfo", False)
        names = opts.get("names", UNDEFINED)
        wanted = None
        if names is not UNDEFINED and names is not None:
            if not isinstance(names, list):
                raise _param("getBoxList", f"names must be a collection, not {type_name(names)}")
            wanted = {(n.get("name") if isinstance(n, dict) else n) for n in names}

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
                item = {}
                if with_props or with_info:
                    item["name"] = box
                if with_props:
                    item["selectable"] = selectable
                    item["inferior"] = b"\\NOINFERIORS" not in upper
                    item["interesting"] = b"\\MARKED" in upper
                if with_info and selectable:
                    try:
                        info = _box_info(box, conn.folder_status(box, ("MESSAGES", "RECENT", "UIDVALIDITY",
                                                                       "UNSEEN")))
                        item.update((k, info[k]) for k in ("mailCount", "mailRecent", "mailUnseen", "id"))
                    except imaplib.IMAP4.error as e:
                        if isinstance(e, imaplib.IMAP4.abort):
                            raise
                boxes.append(item)
            return boxes
        return self._guard(None, lambda: self._run(action))

    def fn_getDelimiter(self, rt):
        """getDelimiter() -> the hierarchy delimiter (LIST "" "")."""
        def body():
            if self._delimiter is None:
                listing = self._run(lambda conn: conn.list_folders("", ""))
                delim = listing[0][1] if listing else None
                if isinstance(delim, bytes):
                    delim = delim.decode("utf-8", "replace")
                if not delim:
                    return ""          # a flat server: no hierarchy
                self._delimiter = delim
            return self._delimiter
        return self._guard("", body)

    def _box_command(self, fname: str, name, command) -> dict:
        name = self._text_arg(fname, "name", name)

        def action(conn):
            getattr(conn, command)(name)
            return conn.ok_text()
        return self._status(action)

    def fn_createBox(self, rt, name=UNDEFINED):
        """createBox(name): CREATE (the server creates missing parents)."""
        return self._box_command("createBox", name, "create_folder")

    def fn_deleteBox(self, rt, name=UNDEFINED):
        """deleteBox(name): DELETE (INBOX or a missing mailbox is refused by the server)."""
        name = self._text_arg("deleteBox", "name", name)

        def action(conn):
            if self._box is not None and _same_box(self._box, name):
                # leave it first: a server may end a session whose selected mailbox disappears
                if conn.has_capability("UNSELECT"):
                    conn.unselect_folder()
                else:
                    conn.close_folder()
                self._box = None
            conn.delete_folder(name)
            return conn.ok_text()
        return self._status(action)

    def fn_subscribe(self, rt, name=UNDEFINED):
        return self._box_command("subscribe", name, "subscribe_folder")

    def fn_unsubscribe(self, rt, name=UNDEFINED):
        return self._box_command("unsubscribe", name, "unsubscribe_folder")

    def fn_renameBox(self, rt, currentName=UNDEFINED, newName=UNDEFINED):
        """renameBox(currentName; newName): RENAME."""
        old = self._text_arg("renameBox", "currentName", currentName)
        new = self._text_arg("renameBox", "newName", newName)

        def action(conn):
            conn.rename_folder(old, new)
            if self._box is not None and _same_box(self._box, old):
                self._box = new
            return conn.ok_text()
        return self._status(action)

    # ------------------------------------------------------------ functions: messages
    def fn_searchMails(self, rt, searchCriteria=UNDEFINED):
        """searchMails(criteria) -> collection of unique IDs (texts) of the matching messages.

        The page calls them "message numbers", but its examples pass the result to copy(),
        move() and delete(), which take unique IDs: UID SEARCH gives what they need."""
        from . import imap_search
        criteria = self._text_arg("searchMails", "searchCriteria", searchCriteria, optional=True) or ""
        charset, tokens = imap_search.build(criteria)

        def action(conn):
            args = ([b"CHARSET", charset.encode("ascii")] if charset else []) + tokens
            return [str(uid) for uid in parse_message_list(conn._raw_command_untagged(b"SEARCH", args, uid=True))]
        return self._guard([], lambda: self._run(action, needs_box=True))

    def fn_numToID(self, rt, startMsg=UNDEFINED, endMsg=UNDEFINED):
        """numToID(startMsg; endMsg) -> unique IDs of that sequence range (<= 0: first/last)."""
        def action(conn):
            lo, hi, count = self._range(conn, startMsg, endMsg, "numToID")
            if count == 0 or lo > count:
                return []
            data = self._fetch(conn, list(range(lo, min(hi, count) + 1)), ["UID"], by_uid=False)
            return [str(data[n][b"UID"]) for n in sorted(data)]
        return self._guard([], lambda: self._run(action, needs_box=True))

    def fn_getMail(self, rt, msg=UNDEFINED, options=UNDEFINED):
        """getMail(msgNumber | msgID {; options}) -> Email object; Null (and an error) if missing."""
        by_uid, key = self._message_key("getMail", msg)
        opts = self._options("getMail", options)
        update_seen = self._flag_option("getMail", opts, "updateSeen", True)
        with_body = self._flag_option("getMail", opts, "withBody", True)

        def action(conn):
            if key is None or (not by_uid and key > conn._imap.exists):
                return None
            data = self._fetch(conn, [key], self._items(with_body, update_seen), by_uid)
            return data.get(key)

        def body():
            data = self._run(action, needs_box=True)
            if data is None:
                raise _Failure("", FourDError(code=ERR_NOT_FOUND, component="IMAP", message=(
                    f"The message {'with unique ID ' + repr(msg) if by_uid else 'number ' + format(msg, 'g')} "
                    f"does not exist in the mailbox {self._box!r}")))
            return self._email(data, with_body)
        return self._guard(None, body)

    def fn_getMails(self, rt, first=UNDEFINED, second=UNDEFINED, third=UNDEFINED):
        """getMails(ids {; options}) or getMails(startMsg; endMsg {; options}) -> {list, notFound}."""
        if isinstance(first, list):
            ids, options = first, second
            opts = self._options("getMails", options)
        else:
            ids, opts = None, self._options("getMails", third)
        update_seen = self._flag_option("getMails", opts, "updateSeen", True)
        with_body = self._flag_option("getMails", opts, "withBody", True)
        items = self._items(with_body, update_seen)

        def action(conn):
            if ids is not None:
                wanted = [(i, self._uid_of(i)) for i in ids]
                data = self._fetch(conn, sorted({u for _, u in wanted if u}), items, by_uid=True)
                found = [data[u] for _, u in wanted if u in data]
                missing = [i for i, u in wanted if u not in data]
                return found, missing
            lo, hi, count = self._range(conn, first, second, "getMails")
            numbers = list(range(lo, min(hi, count) + 1)) if count else []
            data = self._fetch(conn, numbers, items, by_uid=False) if numbers else {}
            found = [data[n] for n in numbers if n in data]
            missing = [float(n) for n in range(lo, hi + 1) if n not in data]
            return found, missing

        def body():
            found, missing = self._run(action, needs_box=True)
            # Parsed on first use: fetching a thousand messages costs the transfer, not a
            # thousand MIME parses the program may never look at (bench/imap_fetch.py).
            return {"list": [self._lazy_email(d, with_body) for d in found], "notFound": missing}
        return self._guard(None, body)

    def fn_getMIMEAsBlob(self, rt, msg=UNDEFINED, updateSeen=UNDEFINED):
        """getMIMEAsBlob(msgNumber | msgID {; updateSeen}) -> the message as stored; empty if missing."""
        by_uid, key = self._message_key("getMIMEAsBlob", msg)
        if updateSeen is UNDEFINED or updateSeen is None:
            updateSeen = True
        if not isinstance(updateSeen, bool):
            raise _param("getMIMEAsBlob", f"updateSeen must be a boolean, not {type_name(updateSeen)}")
        section = "BODY[]" if updateSeen else "BODY.PEEK[]"

        def action(conn):
            if key is None or (not by_uid and key > conn._imap.exists):
                return b""
            data = self._fetch(conn, [key], ["UID", section], by_uid).get(key)
            return bytes(data.get(b"BODY[]") or b"") if data else b""
        return self._guard(b"", lambda: self._run(action, needs_box=True))

    def _message_key(self, fname: str, msg) -> tuple[bool, int | None]:
        """(by_uid, key): a number is a sequence number, a text a unique ID (None: cannot exist)."""
        if isinstance(msg, str):
            return True, self._uid_of(msg)
        if isinstance(msg, bool) or not isinstance(msg, (int, float)):
            raise _param(fname, f"the message must be a sequence number or a unique ID (text), not "
                                f"{type_name(msg)}")
        return False, int(msg) if msg >= 1 and is_whole(msg) else None

    @staticmethod
    def _uid_of(v) -> int | None:
        if isinstance(v, str) and v.strip().isdigit() and int(v) > 0:
            return int(v)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and is_whole(v) and v > 0:
            return int(v)
        return None

    def _flag_command(self, fname: str, msgIDs, keywords, add: bool) -> dict:
        ids = self._message_ids(fname, msgIDs)
        flags = self._flags(fname, keywords)

        def action(conn):
            if not ids:
                return "No message to process"
            if add:
                conn.add_flags(ids, flags, silent=True)
            else:
                conn.remove_flags(ids, flags, silent=True)
            return conn.ok_text()
        return self._status(action, needs_box=True, writes=True)

    def fn_addFlags(self, rt, msgIDs=UNDEFINED, keywords=UNDEFINED):
        """addFlags(msgIDs; keywords): STORE +FLAGS ($seen... -> \\Seen...; custom keywords as is)."""
        return self._flag_command("addFlags", msgIDs, keywords, True)

    def fn_removeFlags(self, rt, msgIDs=UNDEFINED, keywords=UNDEFINED):
        """removeFlags(msgIDs; keywords): STORE -FLAGS."""
        return self._flag_command("removeFlags", msgIDs, keywords, False)

    def fn_delete(self, rt, msgIDs=UNDEFINED):
        """delete(msgIDs | IMAP all): set \\Deleted only (removed by expunge/CLOSE, see the module doc)."""
        return self._flag_command("delete", msgIDs, {"$deleted": True}, True)

    def _transfer(self, fname: str, msgIDs, destinationBox, command: str) -> dict:
        ids = self._message_ids(fname, msgIDs)
        box = self._text_arg(fname, "destinationBox", destinationBox)

        def action(conn):
            if not ids:
                return "No message to process"
            getattr(conn, command)(ids, box)
            return conn.ok_text()
        return self._status(action, needs_box=True, writes=command == "move")

    def fn_copy(self, rt, msgIDs=UNDEFINED, destinationBox=UNDEFINED):
        """copy(msgIDs | IMAP all; destinationBox): UID COPY."""
        return self._transfer("copy", msgIDs, destinationBox, "copy")

    def fn_move(self, rt, msgIDs=UNDEFINED, destinationBox=UNDEFINED):
        """move(msgIDs | IMAP all; destinationBox): UID MOVE (RFC 6851; the server must offer MOVE)."""
        return self._transfer("move", msgIDs, destinationBox, "move")

    def fn_expunge(self, rt):
        """expunge(): remove the messages flagged \\Deleted from the selected mailbox."""
        def action(conn):
            text, _ = conn.expunge()
            return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return self._status(action, needs_box=True, writes=True)

    def fn_append(self, rt, mailObj=UNDEFINED, destinationBox=UNDEFINED, options=UNDEFINED):
        """append(mailObj {; destinationBox {; options}}): APPEND the MIME of the Email object,
        with its keywords as flags (and its receivedAt, if any, as the arrival date)."""
        from .mime import email_to_mime
        from .smtp import CHARSET_MODES, DEFAULT_CHARSET
        if not isinstance(mailObj, dict):
            raise _param("append", f"mailObj must be an Email object, not {type_name(mailObj)}")
        box = self._text_arg("append", "destinationBox", destinationBox, optional=True)
        opts = self._options("append", options)
        charsets = []
        for name in ("headerCharset", "bodyCharset"):
            v = opts.get(name, UNDEFINED)
            v = DEFAULT_CHARSET if v is UNDEFINED or v is None else v
            if v not in CHARSET_MODES:
                raise _param("append", f"{name} must be one of the mail mode constants, not {v!r}")
            charsets.append(v)
        keywords = mailObj.get("keywords", UNDEFINED)
        flags = self._flags("append", keywords) if isinstance(keywords, dict) else []
        when = _parse_iso(mailObj.get("receivedAt", UNDEFINED))
        try:
            data = email_to_mime(rt, mailObj, charsets[0], charsets[1])
        except FourDError as e:
            if not e.component or e.component == "4DRT":
                e.component = "IMAP"
            rt.report_error(e)
            return self.failure_status(e, with_status=False)

        def action(conn):
            target = box if box is not None else self._box
            if target is None:
                raise _Failure("", FourDError(code=ERR_STATE, component="IMAP", message=(
                    "No destination mailbox: pass destinationBox or call .selectBox() first")))
            conn.append(target, data, flags, when)
            return conn.ok_text()
        return self._status(action)


# ---------------------------------------------------------------- helpers
def _parsed(rt, data: dict, with_body: bool) -> dict:
    """The Email object of a FETCHed message's MIME (without the IMAP-only properties)."""
    from .mime import mime_to_email
    raw = data.get(b"BODY[]" if with_body else b"BODY[HEADER]") or b""
    mail = mime_to_email(rt, raw)
    if not with_body:
        for name in ("bodyStructure", "bodyValues", "attachments", "textBody", "htmlBody"):
            mail.pop(name, None)
    return mail


def flags_to_keywords(flags) -> dict:
    """IMAP flags -> the Email object's keywords ({"$seen": True, "custom": True})."""
    out = {}
    for f in flags:
        name = f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f)
        if name.startswith("\\"):
            kw = FLAG_KEYWORDS.get(name.upper())
            if kw:
                out[kw] = True           # \Recent and other system flags have no keyword
        else:
            out[name] = True
    return out


def _flag_text(flags) -> str:
    return " ".join(f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in flags)


def _box_info(name: str, st: dict) -> dict:
    return {"name": name, "mailCount": float(st.get(b"MESSAGES", 0)), "mailRecent": float(st.get(b"RECENT", 0)),
            "id": str(st.get(b"UIDVALIDITY", "")), "mailUnseen": float(st.get(b"UNSEEN", 0))}


def _same_box(a: str, b: str) -> bool:
    # INBOX is case-insensitive (RFC 3501 5.1); other names are not
    return a == b or (a.upper() == "INBOX" and b.upper() == "INBOX")


def _parse_iso(v) -> _dt.datetime | None:
    if not isinstance(v, str) or not v:
        return None
    try:
        when = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)


def imap_new_transporter(rt, server=UNDEFINED):
    """IMAP New transporter(server): configures, does not connect (imap-new-transporter.md)."""
    return IMAPTransporter(rt, server)
