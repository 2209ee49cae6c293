"""WLanguage's e-mail functions (REFERENCE.md §3.8–§3.10), `fn(rt, *args)`, on the sessions of
mail/wl_email.py. Each one resets the process's last error (wl_errors), and a failure the mail
server or the message causes returns False with the error set; a programming error (a wrong
argument, an unknown session name) is a FourDError, which `WHEN EXCEPTION IN` catches.

Choices where PC SOFT's pages were not found (REFERENCE.md §3.10, §7):
- EmailReadFirst/Next/Last/Previous(<session> [, <Email>]) move a cursor of the session over
  the messages numbered 1..EmailNbMessage. Past either end they return False, set the Email's
  `Out` (FR `EnDehors`) to True and leave ErrorOccurred False: the end of the mailbox is not an
  error, it is how a legacy loop `WHILE NOT Email.Out` ends. Reading a message fills the Email
  given, else the process's Email structure.
- Reading an IMAP message does not mark it as seen (BODY.PEEK).
- EmailDeleteMessage(<session> [, <number>]) deletes the message numbered, else the last one
  read. POP3 applies deletions at EmailCloseSession (QUIT); IMAP flags the message \\Deleted,
  and the session's close removes it.
- Sending is always synchronous (as the page says WINDEV does): the Email's ID is its
  Message-ID, and EmailStatus(ID) answers emailSent or emailError.
- The process's time-out (EmailSetTimeOut, in seconds, 30 by default) applies to the sessions
  opened after it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name
from . import wl_errors
from .wl_values import (OPTION_SECURED_TLS, OPTION_SSL, SESSION_TYPES, Email, EmailAttach, Session, as_int,
                        as_text, object_array)

# Options of EmailSendMessage / EmailBuildSource, and EmailGetAll's (fourmail's values: PC SOFT's
# were not seen; ertHeader is the default, so 0).
OPTION_ENCODE_HEADER, OPTION_HEADER_BCC = 4, 8
ERT_HEADER, ERT_FULL, ERT_NOT_READ, ERT_ASYNCHRONOUS = 0, 1, 2, 4
EMAIL_SENT, EMAIL_PENDING, EMAIL_ERROR = 1, 2, 3
DEFAULT_TIMEOUT = 30


class _MailState:
    """The process's e-mail state: the sessions the legacy forms named by user name (by
    protocol), the time-out, what each sent mail became, the Email structure."""

    def __init__(self):
        self.named: dict[str, dict[str, Session]] = {}
        self.closed: dict[str, dict[str, Session]] = {}     # names EmailCloseSession ended
        self.timeout = DEFAULT_TIMEOUT
        self.sent: dict[str, bool] = {}
        self.structure: Email | None = None


def _state(rt) -> _MailState:
    # Per process, like the last error (see wl_errors): kept in the Runtime's instance dictionary.
    state = rt.__dict__.get("_wl_mail")
    if state is None:
        state = rt.__dict__["_wl_mail"] = _MailState()
    return state


def _bad(fn: str, detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=fn, detail=detail)


def _text_arg(fn: str, what: str, v: Any) -> str:
    try:
        return as_text(v)
    except TypeError:
        raise _bad(fn, f"the {what} must be a text, not {type_name(v)}") from None


def _int_arg(fn: str, what: str, v: Any) -> int:
    try:
        return as_int(v)
    except TypeError:
        raise _bad(fn, f"the {what} must be a number, not {type_name(v)}") from None


def _given(v: Any) -> bool:
    return v is not UNDEFINED and v is not None


def _fail(rt, e) -> bool:
    return wl_errors.set_error(rt, e.message, e.code)


# ---------------------------------------------------------------- sessions
def email_structure(rt) -> Email:
    """Email: the process's Email structure (made on first use)."""
    state = _state(rt)
    if state.structure is None:
        state.structure = Email(rt)
    return state.structure


def _session(rt, fn: str, value: Any, protocols: tuple[str, ...]) -> Session:
    """The session a function is given: a session variable, or the user name of a session a
    legacy form opened (the first of `protocols` it has)."""
    if isinstance(value, Session):
        if value.PROTOCOL not in protocols:
            raise _bad(fn, f"an {value.TYPE_NAME} cannot be used here")
        return value
    if isinstance(value, str):
        state = _state(rt)
        named = state.named.get(value.casefold()) or state.closed.get(value.casefold(), {})
        for p in protocols:
            if p in named:
                return named[p]
        raise _bad(fn, f"'{value}' is an invalid email session.")
    raise _bad(fn, f"a session variable or the name of a session was expected, not {type_name(value)}")


def _email_arg(rt, fn: str, value: Any) -> Email:
    if not _given(value):
        return email_structure(rt)
    if not isinstance(value, Email):
        raise _bad(fn, f"an Email was expected, not {type_name(value)}")
    return value


def _open(rt, s: Session) -> bool:
    """Connect and sign in; False (with the error set) when that fails."""
    from ..mail.transporter import _RunSetting      # the run's routes and CA files, read at each connection
    from ..mail.wl_email import IMPLICIT, PLAIN, STARTTLS, Connection, WLMailError
    s.close()
    if not s.host.strip():           # the docs' blanked-out server names: a failure, not a crash
        return wl_errors.set_error(rt, f"{s.PROTOCOL} session: the server address is empty.")
    tls = {OPTION_SSL: IMPLICIT, OPTION_SECURED_TLS: STARTTLS}.get(s.option, PLAIN)
    token = s.token.value if s.token is not None and s.token.value else None
    conn = Connection(s.PROTOCOL, s.host.strip(), s.port, tls, user=s.user, password=s.password, token=token,
                      timeout=_state(rt).timeout, routes=_RunSetting(rt, "routes"),
                      cafiles=_RunSetting(rt, "cafiles"))
    s.cursor, s.current = 0, None
    try:
        conn.open()
    except WLMailError as e:
        return _fail(rt, e)
    s.connection, s.started = conn, True
    return True


def _opened(rt, fn: str, s: Session):
    """The session's connection. A session that was started and is no longer open (closed, or
    its connection lost): None, with the error set (ErrorOccurred), WLanguage's runtime text for
    it, a failure like the others (REFERENCE.md §2.2), named by its user name. A session never
    started is the code's mistake: an exception."""
    if not s.is_open and not s.started:
        raise _bad(fn, f"the {s.TYPE_NAME} is not open (EmailStartSession)")
    if not s.is_open:
        wl_errors.set_error(rt, f"'{s.label or s.user}' is an invalid email session.")
        return None
    return s.connection


def start_session(rt, *args) -> bool:
    """EmailStartSession(<session>) or the compatibility form EmailStartSession(<user>,
    <password>, <POP3 server> [, <SMTP server> [, <POP3 port> [, <SMTP port> [, <async>]]]])."""
    wl_errors.reset(rt)
    fn = "EmailStartSession"
    if len(args) == 1:
        if not isinstance(args[0], Session):
            raise _bad(fn, f"a session variable was expected, not {type_name(args[0])}")
        return _open(rt, args[0])
    if not 3 <= len(args) <= 7:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=fn, detail="a session, or a user, a password and a "
                                                                  "POP3 server")
    user, password, pop3 = (_text_arg(fn, w, v) for w, v in zip(("user name", "password", "POP3 server"), args))
    smtp = _text_arg(fn, "SMTP server", args[3]) if len(args) > 3 else ""
    pop3_port = _int_arg(fn, "POP3 port", args[4]) if len(args) > 4 else 110
    smtp_port = _int_arg(fn, "SMTP port", args[5]) if len(args) > 5 else 25
    sessions = [_legacy(rt, "POP3", user, password, pop3, pop3_port)]
    if smtp:
        # The user and password are the POP3 account's: this form's SMTP session does not sign in
        # (authenticated SMTP is EmailStartSMTPSession's, with its password) [inferred].
        s = _legacy(rt, "SMTP", user, "", smtp, smtp_port)
        if len(args) > 6:
            s.set_property(rt, "Asynchronous", args[6])
        sessions.append(s)
    return _open_named(rt, user, sessions)


def _legacy(rt, protocol: str, user: str, password: str, host: str, port: int, option: int = 0) -> Session:
    s = SESSION_TYPES[protocol](rt)
    s.user, s.password, s.host, s.port, s.label = user, password, host, port, user
    s.set_property(rt, "Option", option)
    return s


def _open_named(rt, user: str, sessions: list[Session]) -> bool:
    for s in sessions:
        if not _open(rt, s):
            for t in sessions:
                t.close()
            return False
    _state(rt).closed.pop(user.casefold(), None)
    named = _state(rt).named.setdefault(user.casefold(), {})
    for s in sessions:
        old = named.get(s.PROTOCOL)
        if old is not None and old is not s:
            old.close()
        named[s.PROTOCOL] = s
    return True


def start_smtp_session(rt, *args) -> bool:
    """EmailStartSMTPSession(<user> [, <password>], <server> [, <port> [, <async> [, <option>]]]):
    with two arguments they are the user and the server; else a text third argument is the
    server (the second is the password), a number third argument is the port."""
    wl_errors.reset(rt)
    fn = "EmailStartSMTPSession"
    if not 2 <= len(args) <= 6:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=fn, detail="a user and a server at least")
    user = _text_arg(fn, "user name", args[0])
    if len(args) == 2 or not isinstance(args[2], str):
        password, rest = "", list(args[1:])
    else:
        password, rest = _text_arg(fn, "password", args[1]), list(args[2:])
    if len(rest) > 4:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=fn, detail="too many parameters")
    host = _text_arg(fn, "server address", rest[0])
    port = _int_arg(fn, "port", rest[1]) if len(rest) > 1 else 25
    option = _int_arg(fn, "option", rest[3]) if len(rest) > 3 else 0
    s = _legacy(rt, "SMTP", user, password, host, port, option)
    return _open_named(rt, user, [s])


def _start_mailbox(rt, protocol: str, args) -> bool:
    wl_errors.reset(rt)
    fn = f"EmailStart{protocol}Session"
    if not 3 <= len(args) <= 5:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=fn, detail="a user, a password and a server")
    user, password, host = (_text_arg(fn, w, v) for w, v in zip(("user name", "password", "server address"), args))
    from ..mail.wl_email import DEFAULT_PORTS
    port = _int_arg(fn, "port", args[3]) if len(args) > 3 else DEFAULT_PORTS[protocol]
    option = _int_arg(fn, "option", args[4]) if len(args) > 4 else 0
    return _open_named(rt, user, [_legacy(rt, protocol, user, password, host, port, option)])


def start_pop3_session(rt, *args) -> bool:
    """EmailStartPOP3Session(<user>, <password>, <server> [, <port> [, <option>]])."""
    return _start_mailbox(rt, "POP3", args)


def start_imap_session(rt, *args) -> bool:
    """EmailStartIMAPSession(<user>, <password>, <server> [, <port> [, <option>]])."""
    return _start_mailbox(rt, "IMAP", args)


def close_session(rt, session) -> bool:
    """EmailCloseSession(<session or user name>): QUIT or LOGOUT (every session of that name)."""
    from ..mail.wl_email import WLMailError
    wl_errors.reset(rt)
    fn = "EmailCloseSession"
    if isinstance(session, str):
        named = _state(rt).named.pop(session.casefold(), None)
        if not named:
            raise _bad(fn, f"'{session}' is an invalid email session.")
        _state(rt).closed[session.casefold()] = named     # a use of the name now fails (_opened)
        sessions = list(named.values())
    else:
        sessions = [_session(rt, fn, session, ("SMTP", "POP3", "IMAP"))]
    ok = True
    for s in sessions:
        conn, s.connection = s.connection, None
        if conn is not None:
            try:
                conn.close()
            except WLMailError as e:
                ok = _fail(rt, e)
    return ok


# ---------------------------------------------------------------- sending
def _check_options(fn: str, options: Any, allowed: int) -> int:
    if not _given(options):
        return 0
    v = _int_arg(fn, "option", options)
    if v & ~allowed:
        raise _bad(fn, f"unknown option {v}")
    return v


def send_message(rt, session, mail=UNDEFINED, options=UNDEFINED) -> bool:
    """EmailSendMessage(<session> [, <Email> [, <options>]]): without an Email, the Email
    structure. Headers are always encoded when they need it (RFC 2047), which is what
    emailOptionEncodeHeader asks for."""
    from ..mail.wl_email import WLMailError, build_source, envelope_of
    wl_errors.reset(rt)
    fn = "EmailSendMessage"
    s = _session(rt, fn, session, ("SMTP",))
    m = _email_arg(rt, fn, mail)
    _check_options(fn, options, OPTION_ENCODE_HEADER)
    conn = _opened(rt, fn, s)
    if conn is None:
        return False
    m.id = ""                        # a mail that cannot be built has no identifier
    try:
        fields = m.fields(rt)
        data = build_source(rt, fields)
        m.id = m.message_id = _message_id(data)
        conn.send(data, envelope_of(fields))
    except WLMailError as e:
        if m.id:
            _state(rt).sent[m.id] = False
        return _fail(rt, e)
    except FourDError as e:          # an address that is not one: the message is wrong, not the code
        return wl_errors.set_error(rt, e.message, e.code)
    _state(rt).sent[m.id] = True
    return True


def _message_id(data: bytes) -> str:
    from email.parser import BytesHeaderParser
    value = BytesHeaderParser().parsebytes(data).get("Message-ID", "")
    return str(value).strip().strip("<>")


def send(rt, session, filename) -> bool:
    """EmailSend(<session or user name>, <file>): send the MIME message the file holds (its Bcc
    field is not sent)."""
    from ..mail.mime import email_to_mime
    from ..mail.wl_email import WLMailError
    wl_errors.reset(rt)
    fn = "EmailSend"
    s = _session(rt, fn, session, ("SMTP",))
    path = Path(_text_arg(fn, "file name", filename))
    if not path.is_absolute():
        path = Path(getattr(rt, "project_dir", None) or Path.cwd()) / path
    conn = _opened(rt, fn, s)
    if conn is None:
        return False
    try:
        raw = path.read_bytes()
    except OSError as e:
        return wl_errors.set_error(rt, f"The file {path} cannot be read: {e.strerror or e}")
    try:
        conn.send(email_to_mime(rt, raw))
    except WLMailError as e:
        return _fail(rt, e)
    return True


def status(rt, ident) -> int:
    """EmailStatus(<identifier>): emailSent or emailError (sending is synchronous)."""
    wl_errors.reset(rt)
    ident = _text_arg("EmailStatus", "identifier", ident)
    sent = _state(rt).sent.get(ident)
    if sent is None:
        wl_errors.set_error(rt, f"No email was sent with the identifier {ident}.")
        return EMAIL_ERROR
    return EMAIL_SENT if sent else EMAIL_ERROR


def build_source(rt, mail=UNDEFINED, options=UNDEFINED) -> bool:
    """EmailBuildSource([<Email> [, <options>]]): the MIME text into the Email's Source;
    emailOptionHeaderBcc writes the Bcc field."""
    from ..mail.wl_email import WLMailError, build_source as build
    wl_errors.reset(rt)
    fn = "EmailBuildSource"
    m = _email_arg(rt, fn, mail)
    opts = _check_options(fn, options, OPTION_ENCODE_HEADER | OPTION_HEADER_BCC)
    try:
        data = build(rt, m.fields(rt), header_bcc=bool(opts & OPTION_HEADER_BCC))
    except WLMailError as e:
        return _fail(rt, e)
    except FourDError as e:
        return wl_errors.set_error(rt, e.message, e.code)
    m.source = data.decode("utf-8", "replace")
    m.message_id = _message_id(data)
    return True


def import_source(rt, mail=UNDEFINED) -> bool:
    """EmailImportSource([<Email>]): the Email's other properties from its Source."""
    from ..mail.wl_email import import_source as parse
    wl_errors.reset(rt)
    m = _email_arg(rt, "EmailImportSource", mail)
    source = m.source
    if not source.strip():
        return wl_errors.set_error(rt, "The Source of the email is empty.")
    m.fill(rt, parse(rt, source.encode("utf-8", "surrogatepass")))
    m.source = source
    return True


def load_attachment(rt, mail, filename) -> bool:
    """EmailLoadAttachment(<Email>, <file>) or `mail.LoadAttachment(<file>)`: the file becomes
    an attachment of the Email (its name, its content, a type from its extension)."""
    from ..mail.attachment import type_for
    wl_errors.reset(rt)
    fn = "EmailLoadAttachment"
    m = _email_arg(rt, fn, mail)
    path = Path(_text_arg(fn, "file name", filename))
    if not path.is_absolute():
        path = Path(getattr(rt, "project_dir", None) or Path.cwd()) / path
    try:
        data = path.read_bytes()
    except OSError as e:
        return wl_errors.set_error(rt, f"The file {path} cannot be read: {e.strerror or e}")
    att = EmailAttach()
    att.name, att.content_type = path.name, type_for(path.name)
    att._set_content(data)
    m.attach.items.append(att)
    return True


def reset_email(rt, mail=UNDEFINED) -> None:
    """EmailReset([<Email>]): every property of the Email (by default the structure) emptied."""
    wl_errors.reset(rt)
    _email_arg(rt, "EmailReset", mail).clear()


# ---------------------------------------------------------------- reading
def _mailbox(rt, fn: str, session):
    s = _session(rt, fn, session, ("POP3", "IMAP"))
    return s, _opened(rt, fn, s)


def _read_into(rt, s: Session, conn, n: int, m: Email, header_only: bool = False) -> bool:
    from ..mail.wl_email import import_source as parse
    got = conn.read(n, header_only)
    if got is None:
        m.out = True
        return False
    raw, uid, received = got
    m.fill(rt, parse(rt, raw, received))
    m.id, m.out = uid, False
    s.current = (n, uid)
    if header_only:
        m.rest = lambda: _rest_of(rt, s, n, uid)
    return True


def _rest_of(rt, s: Session, n: int, uid: str) -> dict | None:
    """The whole of message n, read header-only before: its fields, or None (ErrorOccurred says
    why) when its session is closed or the message is gone."""
    from ..mail.wl_email import WLMailError, import_source as parse
    wl_errors.reset(rt)
    conn = s.connection
    if conn is None:
        wl_errors.set_error(rt, f"The body of message {n} was not read: its session is closed.")
        return None
    try:
        got = conn.read(n, False)
    except WLMailError as e:
        _fail(rt, e)
        return None
    if got is None or (uid and got[1] != uid):
        wl_errors.set_error(rt, f"The body of message {n} was not read: the message is no longer on the server.")
        return None
    fields = parse(rt, got[0], got[2])
    fields["Attach"] = [EmailAttach.received(rt, a) for a in fields["Attach"]]
    return fields


def _move(rt, fn: str, session, mail, where) -> bool:
    from ..mail.wl_email import WLMailError
    wl_errors.reset(rt)
    s, conn = _mailbox(rt, fn, session)
    m = _email_arg(rt, fn, mail)
    if conn is None:
        return False
    try:
        count = conn.count()
        n = where(s.cursor, count)
        s.cursor = max(0, min(n, count + 1))
        if not 1 <= n <= count:
            m.out = True                 # the end of the mailbox: not an error (see the module's notes)
            return False
        return _read_into(rt, s, conn, n, m)
    except WLMailError as e:
        return _fail(rt, e)


def read_first(rt, session, mail=UNDEFINED) -> bool:
    """EmailReadFirst(<session> [, <Email>])."""
    return _move(rt, "EmailReadFirst", session, mail, lambda cur, count: 1)


def read_next(rt, session, mail=UNDEFINED) -> bool:
    """EmailReadNext(<session> [, <Email>])."""
    return _move(rt, "EmailReadNext", session, mail, lambda cur, count: cur + 1)


def read_last(rt, session, mail=UNDEFINED) -> bool:
    """EmailReadLast(<session> [, <Email>])."""
    return _move(rt, "EmailReadLast", session, mail, lambda cur, count: count)


def read_previous(rt, session, mail=UNDEFINED) -> bool:
    """EmailReadPrevious(<session> [, <Email>])."""
    return _move(rt, "EmailReadPrevious", session, mail, lambda cur, count: (count + 1 if cur == 0 else cur) - 1)


def read_message(rt, session, *args) -> bool:
    """EmailReadMessage(<session> [, <Email>], <number>)."""
    from ..mail.wl_email import WLMailError
    wl_errors.reset(rt)
    fn = "EmailReadMessage"
    if len(args) not in (1, 2):
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=fn, detail="a session, [an Email,] a message number")
    m = _email_arg(rt, fn, args[0] if len(args) == 2 else UNDEFINED)
    n = _int_arg(fn, "message number", args[-1])
    s, conn = _mailbox(rt, fn, session)
    if conn is None:
        return False
    try:
        if _read_into(rt, s, conn, n, m):
            s.cursor = n
            return True
    except WLMailError as e:
        return _fail(rt, e)
    return wl_errors.set_error(rt, f"{s.PROTOCOL} session: the message {n} does not exist.")


def delete_message(rt, session, number=UNDEFINED) -> bool:
    """EmailDeleteMessage(<session> [, <number>]): the message numbered, else the last one read."""
    from ..mail.wl_email import WLMailError
    wl_errors.reset(rt)
    fn = "EmailDeleteMessage"
    s, conn = _mailbox(rt, fn, session)
    if conn is None:
        return False
    if _given(number):
        n, uid = _int_arg(fn, "message number", number), ""
    elif s.current is not None:
        n, uid = s.current
    else:
        return wl_errors.set_error(rt, f"{s.PROTOCOL} session: no message was read, none to delete.")
    try:
        conn.delete(n, uid if s.PROTOCOL == "IMAP" else "")
    except WLMailError as e:
        return _fail(rt, e)
    return True


def nb_message(rt, session) -> int:
    """EmailNbMessage(<session>): POP3, the count at sign-in; IMAP, the mailbox's current count.
    A failure gives 0 with the error set."""
    from ..mail.wl_email import WLMailError
    wl_errors.reset(rt)
    s, conn = _mailbox(rt, "EmailNbMessage", session)
    if conn is None:
        return 0
    try:
        return conn.count()
    except WLMailError as e:
        _fail(rt, e)
        return 0


def get_all(rt, session, options=UNDEFINED):
    """EmailGetAll(<session> [, <options>]): an array of Email, every message (ertHeader: the
    headers; ertFull: the whole messages), or the unread ones with ertNotRead (IMAP only)."""
    from ..mail.wl_email import WLMailError
    wl_errors.reset(rt)
    fn = "EmailGetAll"
    s, conn = _mailbox(rt, fn, session)
    opts = _check_options(fn, options, ERT_FULL | ERT_NOT_READ | ERT_ASYNCHRONOUS)
    if opts & ERT_NOT_READ and s.PROTOCOL == "POP3":
        raise _bad(fn, "ertNotRead needs an IMAP session (POP3 does not know which messages were read)")
    if conn is None:
        return object_array()
    found = []
    try:
        numbers = conn.unread() if opts & ERT_NOT_READ else list(range(1, conn.count() + 1))
        for n in numbers:
            m = Email(rt)
            if _read_into(rt, s, conn, n, m, header_only=not opts & ERT_FULL):
                found.append(m)
    except WLMailError as e:
        _fail(rt, e)
        return object_array()
    return object_array(found)


# ---------------------------------------------------------------- time-out
def set_timeout(rt, seconds) -> None:
    """EmailSetTimeOut(<seconds>): for the sessions opened from now on."""
    wl_errors.reset(rt)
    v = _int_arg("EmailSetTimeOut", "time-out", seconds)
    if v <= 0:
        raise _bad("EmailSetTimeOut", f"the time-out must be a number of seconds above 0, not {v}")
    _state(rt).timeout = v


def get_timeout(rt) -> int:
    """EmailGetTimeOut(): the time-out, in seconds."""
    return _state(rt).timeout

