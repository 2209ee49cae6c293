"""WLanguage's e-mail types as run-time values (REFERENCE.md §3.2–§3.7): emailSMTPSession,
emailPOP3Session, emailIMAPSession, Email, emailAttach, OAuth2Parameters, AuthToken.

Each is a `WLObject`: its properties have an English and a French name, matched as WLanguage
names are (without case or accents: the namespace's fold), and its prefixed functions
(`session.StartSession()`, `mail.BuildSource()`) are the classic functions of the namespace
(`EmailStartSession(session)`), called with the value first. A secret (a password, a client
secret, a token) is readable by its property but never shown when the value is printed or
converted to text.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, Array, ClassInstance, type_name
from ..runtime.wl_rules import fold_name
from .registry import namespace

LANGUAGE = "wlanguage"

# Option of a session (REFERENCE.md §3.2, §3.11). emailOptionSecuredTLS is 2 in generated code;
# the two others' values were not seen: fourmail's own.
OPTION_DEFAULT, OPTION_SSL, OPTION_SECURED_TLS = 0, 1, 2
OAUTH2_RESPONSE_TYPE_CODE = 1


# ---------------------------------------------------------------- converting assigned values
def _error(type_name_: str, prop: str, detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=f"{type_name_}.{prop}", detail=detail)


def as_text(value: Any, what: str = "a text") -> str:
    if value is None or value is UNDEFINED:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(what)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    raise TypeError(what)


def as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TypeError("a number")
    return int(value)


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    raise TypeError("a boolean")


def as_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError("a buffer or a text")


def text_array(values=()) -> Array:
    return Array("TEXT", [""] + list(values))


def object_array(values=()) -> Array:
    return Array("OBJECT", [None] + list(values))


def as_text_array(value: Any) -> Array:
    """An array of texts; a text makes a one-element array (the legacy `Email.Recipient = "a@b"`)."""
    if isinstance(value, Array):
        return value
    if value is None or value is UNDEFINED or value == "":
        return text_array()
    return text_array([as_text(value)])


def elements(arr: Array) -> list:
    return arr.items[1:]


# ---------------------------------------------------------------- the base
class Prop:
    """A property: its English and French names, the attribute holding it, how an assigned
    value converts (None: read-only), and whether it is a secret."""

    __slots__ = ("names", "attr", "convert", "secret")

    def __init__(self, names: tuple[str, ...], attr: str, convert: Callable | None, secret: bool = False):
        self.names, self.attr, self.convert, self.secret = names, attr, convert, secret


class WLObject(ClassInstance):
    TYPE_NAME = ""                    # the English type name, as messages show it
    PROPS: tuple[Prop, ...] = ()
    METHODS: tuple[str, ...] = ()     # canonical names of the functions `value.F(...)` calls
    READONLY = False
    _table: dict[str, Prop]

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        cls._table = {fold_name(n): p for p in cls.PROPS for n in p.names}
        cls.CLASS_NAME = cls.TYPE_NAME

    def _prop(self, name: str) -> Prop:
        p = self._table.get(fold_name(name))
        if p is None:
            raise FourDError(E.BAD_PARAMETER, name=self.TYPE_NAME,
                             detail=f"{name} is not a property of {self.TYPE_NAME}")
        return p

    def get_property(self, name: str) -> Any:
        p = self._prop(name)
        v = getattr(self, p.attr)
        return v() if callable(v) else v

    def is_secret_property(self, name: str) -> bool:
        p = self._table.get(fold_name(name))
        return p is not None and p.secret

    def set_property(self, rt, name: str, value: Any) -> None:
        p = self._prop(name)
        if p.convert is None:
            raise FourDError(E.READONLY_PROPERTY, name=p.names[0], cls=self.TYPE_NAME)
        try:
            setattr(self, p.attr, p.convert(value))
        except TypeError as e:
            raise _error(self.TYPE_NAME, p.names[0], f"expected {e}, got {type_name(value)}") from None

    def _properties(self) -> dict:
        """What printing shows: every property but the secrets, by its English name."""
        out = {}
        for p in self.PROPS:
            if p.secret:
                continue
            v = getattr(self, p.attr)
            v = v() if callable(v) else v
            out[p.names[0]] = elements(v) if isinstance(v, Array) else v
        return out

    # ------------------------------------------------------------ prefixed functions
    def _method(self, name: str):
        cmd = namespace(LANGUAGE).lookup_command("Email" + name)
        if cmd is None or cmd.name not in self.METHODS:
            return None
        return cmd

    def has_function(self, name: str) -> bool:
        return self._method(name) is not None

    def call_function(self, rt, name: str, args: list) -> Any:
        cmd = self._method(name)
        if cmd is None:
            raise FourDError(E.UNKNOWN_MEMBER_FUNCTION, name=name, cls=self.TYPE_NAME)
        n = len(args) + 1
        if n < cmd.min_args or (cmd.max_args is not None and n > cmd.max_args):
            raise FourDError(E.WRONG_PARAMETER_COUNT, name=f"{self.TYPE_NAME}.{name}",
                             detail=f"{len(args)} parameter(s) given")
        return cmd.resolve()(rt, self, *args)

    def function_names(self) -> list[str]:
        return sorted(m[len("Email"):] for m in self.METHODS)

    def __repr__(self) -> str:
        return f"<{self.TYPE_NAME}>"


# ---------------------------------------------------------------- OAuth 2.0
class AuthToken(WLObject):
    """An OAuth 2.0 access token (REFERENCE.md §3.7). `value` and `refresh_token` are secrets;
    `expires_at` an aware datetime or None; `Valid`: a value that has not expired."""

    TYPE_NAME = "AuthToken"

    def __init__(self, value: str = "", refresh_token: str = "", expires_at: _dt.datetime | None = None,
                 service_data: str = ""):
        self.value, self.refresh_token, self.expires_at, self.service_data = value, refresh_token, expires_at, \
            service_data

    def valid(self) -> bool:
        if not self.value:
            return False
        return self.expires_at is None or self.expires_at > _dt.datetime.now(_dt.timezone.utc)

    def counts_as_null(self) -> bool:
        """`token <> Null` is how the docs test a sign-in (REFERENCE.md §4): a token that is not
        Valid is Null."""
        return not self.valid()

    def expiration_date(self) -> str:
        from ..mail.wl_email import wl_datetime
        return wl_datetime(self.expires_at.isoformat()) if self.expires_at else ""

    PROPS = (Prop(("Value", "Valeur"), "value", as_text, secret=True),
             Prop(("RefreshToken",), "refresh_token", as_text, secret=True),
             Prop(("ExpirationDate", "DateExpiration"), "expiration_date", None),
             Prop(("Valid", "Valide"), "valid", None),
             Prop(("ServiceData", "DonnéesService"), "service_data", as_text))


def as_token(value: Any) -> AuthToken | None:
    if value is None or value is UNDEFINED:
        return None
    if isinstance(value, AuthToken):
        return value
    raise TypeError("an AuthToken")


class OAuth2Parameters(WLObject):
    """What AuthIdentify needs to sign in (REFERENCE.md §3.6); `client_secret` is a secret."""

    TYPE_NAME = "OAuth2Parameters"

    def __init__(self):
        self.client_id = self.client_secret = self.auth_url = self.token_url = ""
        self.redirection_url = self.scope = self.additional_parameters = ""
        self.response_type = OAUTH2_RESPONSE_TYPE_CODE

    PROPS = (Prop(("ClientID",), "client_id", as_text),
             Prop(("ClientSecret",), "client_secret", as_text, secret=True),
             Prop(("AuthURL", "URLAuth"), "auth_url", as_text),
             Prop(("TokenURL", "URLToken"), "token_url", as_text),
             Prop(("RedirectionURL", "URLRedirection"), "redirection_url", as_text),
             Prop(("Scope",), "scope", as_text),
             Prop(("ResponseType", "TypeRéponse"), "response_type", as_int),
             Prop(("AdditionalParameters", "ParamètresSupplémentaires"), "additional_parameters", as_text))


# ---------------------------------------------------------------- sessions
def _option(value: Any) -> int:
    v = as_int(value)
    if v not in (OPTION_DEFAULT, OPTION_SSL, OPTION_SECURED_TLS):
        raise TypeError("emailOptionDefault, emailOptionSecuredTLS or optionSSL")
    return v


def _port(value: Any) -> int:
    v = as_int(value)
    if not 1 <= v <= 65535:
        raise TypeError("a port between 1 and 65535")
    return v


class Session(WLObject):
    """An e-mail session variable. `connection` (mail/wl_email.Connection) is set while it is
    open; `cursor` is where EmailReadFirst/Next/Last/Previous stand (0: nowhere yet);
    `current` the (number, unique id) of the last message read."""

    PROTOCOL = ""
    METHODS = ("EmailStartSession", "EmailCloseSession")

    def __init__(self, rt=None):
        from ..mail.wl_email import DEFAULT_PORTS
        self.host, self.port, self.user, self.password = "", DEFAULT_PORTS[self.PROTOCOL], "", ""
        self.option, self.token, self.asynchronous = OPTION_DEFAULT, None, False
        self.label = ""               # the user name that names a session opened by the legacy forms
        self.connection = None
        self.started = False          # EmailStartSession opened it once: a use after its end fails
        self.cursor, self.current = 0, None
        if rt is not None:
            rt.release_at_end(self)   # an open session is closed (QUIT/LOGOUT) when the run ends

    PROPS = (Prop(("ServerAddress", "AdresseServeur"), "host", as_text),
             Prop(("Port",), "port", _port),
             Prop(("Name", "Nom"), "user", as_text),
             Prop(("Password", "MotDePasse"), "password", as_text, secret=True),
             Prop(("Option",), "option", _option),
             Prop(("AuthToken",), "token", as_token),
             Prop(("Asynchronous", "Asynchrone"), "asynchronous", as_bool))

    @property
    def is_open(self) -> bool:
        return self.connection is not None and self.connection.is_open

    def close(self) -> None:
        """Close the connection if it is open (the end of the run; failures are not reported)."""
        conn, self.connection = self.connection, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    def __del__(self):
        # A session value nobody holds any more closes its connection, as a 4D transporter does.
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"<{self.TYPE_NAME} {self.host}:{self.port}>"


class SMTPSession(Session):
    TYPE_NAME, PROTOCOL = "emailSMTPSession", "SMTP"
    METHODS = Session.METHODS + ("EmailSendMessage",)


_READING = ("EmailReadFirst", "EmailReadNext", "EmailReadLast", "EmailReadPrevious", "EmailReadMessage",
            "EmailDeleteMessage", "EmailNbMessage", "EmailGetAll")


class POP3Session(Session):
    TYPE_NAME, PROTOCOL = "emailPOP3Session", "POP3"
    METHODS = Session.METHODS + _READING


class IMAPSession(Session):
    TYPE_NAME, PROTOCOL = "emailIMAPSession", "IMAP"
    METHODS = Session.METHODS + _READING


SESSION_TYPES = {"SMTP": SMTPSession, "POP3": POP3Session, "IMAP": IMAPSession}


# ---------------------------------------------------------------- the Email
class EmailAttach(WLObject):
    """An attachment (REFERENCE.md §3.5). One received keeps the MailAttachment it came from and
    decodes its content when Content is first read."""

    TYPE_NAME = "emailAttach"

    def __init__(self, rt=None):
        self.name = self.content_type = self.content_description = self.content_id = ""
        self._content: bytes | None = b""
        self._received = None         # (rt, MailAttachment) whose content is read on demand

    def content(self) -> bytes:
        if self._content is None:
            rt, att = self._received
            self._content, self._received = att.content(rt), None
        return self._content

    def _set_content(self, data: bytes) -> bytes:
        self._content, self._received = data, None
        return data

    PROPS = (Prop(("Name", "Nom"), "name", as_text),
             Prop(("Content", "Contenu"), "content", None),
             Prop(("ContentType", "TypeContenu"), "content_type", as_text),
             Prop(("ContentDescription", "DescriptionContenu"), "content_description", as_text),
             Prop(("ContentID",), "content_id", as_text))

    def set_property(self, rt, name: str, value: Any) -> None:
        if self._prop(name).attr == "content":          # a method attribute: stored by hand
            try:
                self._set_content(as_bytes(value))
            except TypeError as e:
                raise _error(self.TYPE_NAME, "Content", f"expected {e}, got {type_name(value)}") from None
            return
        super().set_property(rt, name, value)

    def _properties(self) -> dict:
        props = super()._properties()
        props["Content"] = f"[{len(self.content())} bytes]"   # a buffer is not text
        return props

    @classmethod
    def received(cls, rt, att) -> "EmailAttach":
        a = cls()
        a.name, a.content_type, a.content_id = att.name or "", att.type or "", att.cid or ""
        a._content, a._received = None, (rt, att)
        return a

    def mail_attachment(self, rt):
        """The mail layer's attachment for this one."""
        from ..mail.attachment import ATTACHMENT, INLINE, MailAttachment, type_for
        cid = self.content_id.strip().strip("<>") or None
        return MailAttachment(type=self.content_type or type_for(self.name), disposition=INLINE if cid else ATTACHMENT,
                              name=self.name or None, cid=cid, data=self.content())


def _attach_array(value: Any) -> Array:
    if isinstance(value, Array):
        return value
    if isinstance(value, EmailAttach):
        return object_array([value])
    if value is None or value is UNDEFINED:
        return object_array()
    raise TypeError("an array of emailAttach")


def _count(value: Any) -> int | None:
    v = as_int(value)
    if v < 0:
        raise TypeError("a count of 0 or more")
    return v


# (field, its array, its count property): the legacy structure gives counts with the arrays
_COUNTED = (("Recipient", "recipient", "nb_recipient"), ("Cc", "cc", "nb_cc"), ("Bcc", "bcc", "nb_bcc"),
            ("Attach", "attach", "nb_attach"))


class Email(WLObject):
    """An e-mail (REFERENCE.md §3.4): the `Email` type and the process's `Email` structure."""

    TYPE_NAME = "Email"
    METHODS = ("EmailBuildSource", "EmailImportSource", "EmailLoadAttachment", "EmailReset")

    # what reading only the headers leaves out, fetched when the program first reads one of them
    # (REFERENCE.md §3.10: ertHeader "headers only, the rest fetched on access")
    BODY = frozenset(("message", "html", "attach", "source", "nb_attach_"))

    def __init__(self, rt=None):
        self.clear()

    def clear(self) -> None:
        self.rest = None        # a header-only read: a function giving the whole message's fields
        self.sender = self.sender_address = self.subject = self.message = self.html = ""
        self.recipient, self.cc, self.bcc = text_array(), text_array(), text_array()
        self.attach = object_array()
        self.source = self.id = self.message_id = self.receive_date = self.header = ""
        self.priority, self.return_receipt, self.out = 3, False, False
        self.nb_recipient = self.nb_cc = self.nb_bcc = self.nb_attach = None   # None: the array's size

    def _counted(self, attr: str, count_attr: str) -> int:
        n = getattr(self, count_attr)
        return getattr(self, attr).size() if n is None else n

    def nb_recipient_(self) -> int:
        return self._counted("recipient", "nb_recipient")

    def nb_cc_(self) -> int:
        return self._counted("cc", "nb_cc")

    def nb_bcc_(self) -> int:
        return self._counted("bcc", "nb_bcc")

    def nb_attach_(self) -> int:
        return self._counted("attach", "nb_attach")

    PROPS = (Prop(("Sender", "Expediteur"), "sender", as_text),
             Prop(("SenderAddress", "AdresseExpéditeur"), "sender_address", as_text),
             Prop(("Recipient", "Destinataire"), "recipient", as_text_array),
             Prop(("Cc",), "cc", as_text_array),
             Prop(("Bcc", "Cci"), "bcc", as_text_array),
             Prop(("Subject", "Sujet"), "subject", as_text),
             Prop(("Message",), "message", as_text),
             Prop(("HTML",), "html", as_text),
             Prop(("Attach", "Attache"), "attach", _attach_array),
             Prop(("Source",), "source", as_text),
             Prop(("ID", "MailIdentifier", "IdentifiantMail"), "id", as_text),
             Prop(("MessageID",), "message_id", as_text),
             Prop(("Priority", "Priorité"), "priority", as_int),
             Prop(("ReturnReceipt", "AccuséRéception"), "return_receipt", as_bool),
             Prop(("ReceiveDate", "DateRéception"), "receive_date", as_text),
             Prop(("Header", "Entête"), "header", as_text),
             Prop(("Out", "EnDehors"), "out", as_bool),
             Prop(("NbRecipient", "NbDestinataire"), "nb_recipient_", None),
             Prop(("NbCc",), "nb_cc_", None),
             Prop(("NbBcc", "NbCci"), "nb_bcc_", None),
             Prop(("NbAttach", "NbAttache"), "nb_attach_", None))

    def get_property(self, name: str) -> Any:
        if self.rest is not None and self._prop(name).attr in self.BODY:
            self.fetch_rest()
        return super().get_property(name)

    def fetch_rest(self) -> None:
        """The body of a message read header-only (`rest()`: its fields, the attachments as
        EmailAttach values); when it cannot be fetched any more (its session is closed), `rest`
        gives None, ErrorOccurred says why and the body stays empty."""
        rest, self.rest = self.rest, None
        fields = rest()
        if fields is not None:
            self.message, self.html, self.source = fields["Message"], fields["HTML"], fields["Source"]
            self.attach = object_array(fields["Attach"])

    def set_property(self, rt, name: str, value: Any) -> None:
        if self.rest is not None and self._prop(name).attr in self.BODY:
            self.rest = None                            # the program's own body replaces the one not fetched
        p = self._prop(name)
        if p.attr.startswith("nb_"):                    # a count of the legacy structure
            try:
                setattr(self, p.attr[:-1], _count(value))
            except TypeError as e:
                raise _error(self.TYPE_NAME, p.names[0], f"expected {e}, got {type_name(value)}") from None
            return
        super().set_property(rt, name, value)

    # ------------------------------------------------------------ to and from the mail layer
    def fields(self, rt) -> dict:
        """The fields mail/wl_email.build_source takes. A count (NbRecipient...) larger than its
        array is WLanguage's "Incorrect Email structure" (a WLMailError)."""
        from ..mail.wl_email import WLMailError
        out = {"Sender": self.sender, "SenderAddress": self.sender_address, "Subject": self.subject,
               "Message": self.message, "HTML": self.html, "MessageID": self.message_id,
               "Priority": self.priority, "ReturnReceipt": self.return_receipt}
        for field, attr, count_attr in _COUNTED:
            items = elements(getattr(self, attr))
            n = getattr(self, count_attr)
            if n is not None:
                if n > len(items):
                    raise WLMailError(f"Incorrect Email structure. Nb{field} is set to {n} while the array "
                                      f"{field}[] contains {len(items)} element(s).")
                items = items[:n]
            out[field] = items
        atts = []
        for a in out["Attach"]:
            if not isinstance(a, EmailAttach):
                raise FourDError(E.BAD_PARAMETER, name="Email.Attach",
                                 detail=f"an element is {type_name(a)}, not an emailAttach")
            atts.append(a.mail_attachment(rt))
        out["Attach"] = atts
        return out

    def fill(self, rt, fields: dict) -> None:
        """Take the fields mail/wl_email.import_source gives (the counts follow the arrays)."""
        self.clear()
        self.sender, self.sender_address = fields["Sender"], fields["SenderAddress"]
        self.recipient, self.cc, self.bcc = (text_array(fields[k]) for k in ("Recipient", "Cc", "Bcc"))
        self.subject, self.message, self.html = fields["Subject"], fields["Message"], fields["HTML"]
        self.attach = object_array([EmailAttach.received(rt, a) for a in fields["Attach"]])
        self.message_id, self.priority = fields["MessageID"], fields["Priority"]
        self.return_receipt, self.receive_date = fields["ReturnReceipt"], fields["ReceiveDate"]
        self.header, self.source = fields["Header"], fields["Source"]


# ---------------------------------------------------------------- making values (ns.type)
def new_smtp_session(rt):
    return SMTPSession(rt)


def new_pop3_session(rt):
    return POP3Session(rt)


def new_imap_session(rt):
    return IMAPSession(rt)


def new_email(rt):
    return Email(rt)


def new_attach(rt):
    return EmailAttach(rt)


def new_oauth2_parameters(rt):
    return OAuth2Parameters()


def new_auth_token(rt):
    return AuthToken()
