"""WLanguage's e-mail sessions (REFERENCE.md §3, §5): the façade over the same SMTP, IMAP and
POP3 sessions the 4D transporters use (smtp_session.py, imap_session.py, pop3_session.py), and
the conversion of a WLanguage Email to and from MIME (mime.py).

What differs from 4D's transporters:
- a session connects and signs in when it is opened (4D's transporter opens nothing);
- `Option` says how to secure it, whatever the port: PLAIN (emailOptionDefault: no STARTTLS
  asked for), STARTTLS (emailOptionSecuredTLS: required, refused before any credential goes out
  if the server does not offer it), IMPLICIT (optionSSL);
- failures are WLanguage's: a `WLMailError` whose text starts with the runtime's own message
  (REFERENCE.md §2.2, "SMTP session, access denied.") followed by the server's answer.

Everything here is plain Python (dicts of the Email's fields by their English names, bytes);
commands/wl_email.py makes WLanguage values of them.
"""
from __future__ import annotations

import datetime as _dt

PLAIN, STARTTLS, IMPLICIT = "plain", "starttls", "implicit"
DEFAULT_PORTS = {"SMTP": 25, "POP3": 110, "IMAP": 143}

# The runtime's texts for a refused sign-in (REFERENCE.md §2.2); IMAP's is not in the tables
# that were read, so it is written the way POP3's is.
ACCESS_DENIED = {"SMTP": "SMTP session, access denied.", "POP3": "POP3 session: access denied.",
                 "IMAP": "IMAP session: access denied."}
TRANSACTION_REFUSED = ("SMTP session: transaction refused. Check the content of Email.Sender and "
                       "Email.Recipient[].")
NO_RECIPIENT = "The email has no recipient: Email.Recipient[], Email.Cc[] and Email.Bcc[] are empty."
NO_SENDER = "The email has no sender: Email.Sender and Email.SenderAddress are empty."

# X-Priority values for Email.Priority (1 highest, 3 normal, 5 lowest: the usual header scale).
PRIORITY_HIGH, PRIORITY_NORMAL, PRIORITY_LOW = 1, 3, 5


class WLMailError(Exception):
    """A failure a WLanguage e-mail function reports by returning False: `message` is what
    ErrorInfo() gives, `code` the server's numeric reply code when it gave one (else 0)."""

    def __init__(self, message: str, code: int = 0):
        super().__init__(message)
        self.message, self.code = message, code


def _failure(f, lead: str = "") -> WLMailError:
    status = f.status if isinstance(f.status, int) and f.status else 0
    answer = f"{status} {f.text}" if status else f.text
    if not lead:
        return WLMailError(answer, status)
    return WLMailError(f"{lead} The server answered: {answer}" if answer else lead, status)


class Connection:
    """One WLanguage session: its protocol session, opened (connected and signed in) by `open`.
    Messages of a POP3 or IMAP mailbox are numbered 1..count, as the server numbers them."""

    def __init__(self, protocol: str, host: str, port: int, tls: str, *, user: str = "", password: str = "",
                 token: str | None = None, timeout: float = 30, routes=(), cafiles=()):
        self.protocol = protocol
        options = {"implicit_tls": tls == IMPLICIT, "accept_unsecure": tls == PLAIN, "upgrade": tls == STARTTLS,
                   "user": user, "password": password, "token": token, "timeout": timeout,
                   "routes": routes, "cafiles": cafiles,
                   "names": {"token": "AuthToken", "accept_unsecure": "the session's Option (emailOptionDefault)",
                             "timeout": "EmailSetTimeOut"}}
        if protocol == "SMTP":
            from .smtp_session import SMTPSession
            if not password and not token:
                options["user"] = ""          # a name with no password: SMTP without authentication
            self.session = SMTPSession(host, port, **options)
        elif protocol == "POP3":
            from .pop3_session import POP3Session
            self.session = POP3Session(host, port, **options)
        else:
            from .imap_session import IMAPSession
            self.session = IMAPSession(host, port, **options)
        self.is_open = False
        self._count = 0

    # ------------------------------------------------------------ opening and closing
    def open(self) -> None:
        """Connect and sign in (and, on IMAP, select INBOX). Raises WLMailError."""
        from .session import SessionFailure
        s = self.session
        try:
            if self.protocol == "SMTP":
                s.check(keep=True)
            elif self.protocol == "POP3":
                # RFC 1939: the list is the session's for its whole life (EmailNbMessage says so too)
                self._count = len(s.mail_list())
            else:
                s.select("INBOX", False)
        except SessionFailure as f:
            upgrade = "STLS" if self.protocol == "POP3" else "STARTTLS"
            if self.session.upgrade and f"does not offer {upgrade}: the connection cannot be encrypted" in f.text:
                # refused before any credential went out (session.check_unencrypted)
                raise WLMailError(f"{self.protocol} session: {self.session.host}:{self.session.port} does not offer "
                                  f"{upgrade}, which emailOptionSecuredTLS requires: nothing was sent.") from None
            raise _failure(f, ACCESS_DENIED[self.protocol] if f.kind == SessionFailure.REFUSED else "") from None
        self.is_open = True

    def close(self) -> None:
        """QUIT (SMTP, POP3: deletions are applied now) or LOGOUT (IMAP, after CLOSE expunges
        the messages marked deleted). Raises WLMailError when POP3 deletions could not be applied."""
        from .session import SessionFailure
        if not self.is_open:
            return
        self.is_open = False
        try:
            self.session.close()
        except SessionFailure as f:
            raise _failure(f) from None

    # ------------------------------------------------------------ SMTP
    def send(self, data: bytes, envelope: tuple[str, list[str]] | None = None) -> str:
        """Send MIME bytes; the envelope is given (an Email's: its Bcc recipients are in no
        header), else read from the message's fields (a raw message: EmailSend). The server's
        final answer."""
        from .session import SessionFailure
        from ..runtime.errors import FourDError
        from .mime import envelope as read_envelope
        try:
            sender, recipients = envelope or read_envelope(data)
        except FourDError as e:           # no sender or no recipient in a raw message
            raise WLMailError(e.message) from None
        try:
            code, text = self.session.send(sender, recipients, data)
        except SessionFailure as f:
            raise _failure(f, TRANSACTION_REFUSED if f.kind == SessionFailure.REFUSED else "") from None
        return f"{code} {text}"

    # ------------------------------------------------------------ POP3 and IMAP
    def count(self) -> int:
        """Messages in the mailbox: fixed at sign-in on POP3, the server's current count on IMAP."""
        from .session import SessionFailure
        if self.protocol == "POP3":
            return self._count
        try:
            self.session.check()
        except SessionFailure as f:
            raise _failure(f) from None
        return self.session.message_count

    def read(self, n: int, header_only: bool = False) -> tuple[bytes, str, str | None] | None:
        """Message number n: (raw bytes, unique id, IMAP internal date as ISO text or None);
        None when there is no such message."""
        from .session import SessionFailure
        try:
            if self.protocol == "POP3":
                raw = self.session.retrieve(n, header_only)
                if raw is None:
                    return None
                info = self.session.mail_info(n)
                return raw, (info[1] if info else ""), None
            item = "BODY.PEEK[HEADER]" if header_only else "BODY.PEEK[]"
            data = self.session.fetch_one(n, ["UID", item, "INTERNALDATE"], by_uid=False)
        except SessionFailure as f:
            raise _failure(f) from None
        if data is None:
            return None
        raw = data.get(b"BODY[HEADER]" if header_only else b"BODY[]") or b""
        when = data.get(b"INTERNALDATE")
        return raw, str(data.get(b"UID", "")), when.isoformat() if isinstance(when, _dt.datetime) else None

    def unread(self) -> list[int]:
        """IMAP: the numbers of the messages not seen yet."""
        from .session import SessionFailure
        try:
            uids = self.session.search(None, [b"UNSEEN"])
            return self._numbers_of(uids) if uids else []
        except SessionFailure as f:
            raise _failure(f) from None

    def _numbers_of(self, uids: list[int]) -> list[int]:
        # UID -> sequence number: FETCH by number gives each message's UID
        count = self.session.message_count
        if not count:
            return []
        by_number = self.session.fetch(list(range(1, count + 1)), ["UID"], by_uid=False)
        wanted = set(uids)
        return sorted(n for n, d in by_number.items() if d.get(b"UID") in wanted)

    def delete(self, n: int, uid: str = "") -> None:
        """POP3: marked, deleted by the server at QUIT. IMAP: flagged \\Deleted, removed when the
        session closes."""
        from .session import SessionFailure
        try:
            if self.protocol == "POP3":
                self.session.delete(n)
                if not self.session.is_marked(n):
                    raise WLMailError(f"POP3 session: the message {n} does not exist.")
            else:
                if not uid:
                    data = self.session.fetch_one(n, ["UID"], by_uid=False)
                    if data is None:
                        raise WLMailError(f"IMAP session: the message {n} does not exist.")
                    uid = str(data[b"UID"])
                self.session.store_flags([uid], ["\\Deleted"], True)
        except SessionFailure as f:
            raise _failure(f) from None


# ---------------------------------------------------------------- the Email and MIME
def _addresses(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.strip()]


def build_source(rt, fields: dict, *, header_bcc: bool = False) -> bytes:
    """The MIME message of an Email's fields (English names: Sender, SenderAddress, Recipient,
    Cc, Bcc, Subject, Message, HTML, Attach [MailAttachment], MessageID, Priority,
    ReturnReceipt). Raises WLMailError when it has no sender or no recipient, FourDError when
    an address is not valid. `header_bcc`: the Bcc field is written (emailOptionHeaderBcc)."""
    mail = _mail_object(fields)
    bcc = mail.get("bcc")
    from .mime import email_to_mime
    data = email_to_mime(rt, mail)
    if header_bcc and bcc:
        from .mime import _address_header
        from .addresses import parse_addresses
        from .charsets import DEFAULT
        line = f"Bcc: {_address_header('Bcc', parse_addresses('bcc', bcc), DEFAULT)}\r\n".encode("ascii")
        data = line + data
    return data


def envelope_of(fields: dict) -> tuple[str, list[str]]:
    """(MAIL FROM, RCPT TO) of an Email's fields: its Bcc recipients too, whom the message's
    header does not name. Raises WLMailError / FourDError as build_source does."""
    from .mime import envelope
    return envelope(_mail_object(fields))


def _mail_object(fields: dict) -> dict:
    """An Email's fields as the mail layer's Email object (mime.py's input)."""
    to, cc, bcc = (_addresses(fields.get(k) or ()) for k in ("Recipient", "Cc", "Bcc"))
    if not (to or cc or bcc):
        raise WLMailError(NO_RECIPIENT)
    sender, address = (fields.get("Sender") or "").strip(), (fields.get("SenderAddress") or "").strip()
    if not sender and not address:
        raise WLMailError(NO_SENDER)
    mail: dict = {"from": [{"name": sender if sender != address else "", "email": address}] if address else sender}
    for key, values in (("to", to), ("cc", cc), ("bcc", bcc)):
        if values:
            mail[key] = values
    mail["subject"] = fields.get("Subject") or ""
    if fields.get("Message"):
        mail["textBody"] = fields["Message"]
    if fields.get("HTML"):
        mail["htmlBody"] = fields["HTML"]
    if not fields.get("Message") and not fields.get("HTML"):
        mail["textBody"] = ""
    if fields.get("Attach"):
        mail["attachments"] = list(fields["Attach"])
    if fields.get("MessageID"):
        mail["messageId"] = fields["MessageID"]
    headers = []
    priority = fields.get("Priority")
    if priority and priority != PRIORITY_NORMAL:
        headers.append({"name": "X-Priority", "value": str(int(priority))})
    if fields.get("ReturnReceipt"):
        headers.append({"name": "Disposition-Notification-To", "value": address or sender})
    if headers:
        mail["headers"] = headers
    return mail


def _text_parts(node: dict, values: dict, found: dict) -> None:
    for sub in node.get("subParts", ()):
        _text_parts(sub, values, found)
    pid = node.get("partID")
    if pid in values and node.get("type") in ("text/plain", "text/html"):
        found.setdefault(node["type"], values[pid]["value"])


def _shown(addresses) -> list[str]:
    return [f"{a['name']} <{a['email']}>" if a.get("name") else a["email"] for a in addresses or ()]


def wl_datetime(iso: str | None) -> str:
    """WLanguage's DateTime text (YYYYMMDDHHMMSSCC) of an ISO date, in local time; "" if none."""
    if not iso:
        return ""
    try:
        when = _dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 10000:02d}"


def import_source(rt, raw: bytes, received: str | None = None) -> dict:
    """An Email's fields (English names) from a MIME message; `received`: the server's
    reception date (IMAP INTERNALDATE) as ISO text, else the message's Date."""
    from email.parser import BytesHeaderParser
    from .mime import mime_to_email
    mail = mime_to_email(rt, raw)
    bodies: dict = {}
    _text_parts(mail.get("bodyStructure", {}), mail.get("bodyValues", {}), bodies)
    from_ = mail.get("from") or []
    head = BytesHeaderParser().parsebytes(raw)
    priority = PRIORITY_NORMAL
    try:
        priority = int((head.get("X-Priority") or "3").split()[0])
    except (ValueError, IndexError):
        pass
    date = received or mail.get("sendAt")
    header_text = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    return {
        "Sender": _shown(from_[:1])[0] if from_ else "",
        "SenderAddress": from_[0]["email"] if from_ else "",
        "Recipient": _shown(mail.get("to")), "Cc": _shown(mail.get("cc")), "Bcc": _shown(mail.get("bcc")),
        "Subject": mail.get("subject", ""),
        "Message": bodies.get("text/plain", ""), "HTML": bodies.get("text/html", ""),
        "Attach": list(mail.get("attachments", ())),
        "MessageID": mail.get("messageId", ""),
        "Priority": priority,
        "ReturnReceipt": head.get("Disposition-Notification-To") is not None,
        "ReceiveDate": wl_datetime(date),
        "Header": header_text.decode("utf-8", "replace"),
        "Source": raw.decode("utf-8", "replace"),
    }
