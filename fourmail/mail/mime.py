"""Email object <-> MIME: MAIL Convert to MIME, SMTP .send(), MAIL Convert from MIME.

email_to_mime() writes the RFC 5322 message for a 4D Email object (EmailObjectClass.md) with the
header order of mail-convert-to-mime.md's example (MIME-Version, Date, Message-ID, Sender, From,
To, ..., Content-Type, Subject); envelope() gives the SMTP MAIL FROM / RCPT TO addresses;
mime_to_email() (mimeparse.py) reads MIME back into an Email object.

Choices where the docs leave room:
- one To (Cc, Reply-To) header listing every address, comma-separated: the doc example prints one
  "To:" line per address, which RFC 5322 3.6 forbids (at most one To field);
- bodies follow Transporter.md's charset table ("US-ASCII if possible"): an ASCII body is
  `charset="US-ASCII"` + 7bit. The doc example (17 R4, before the modes existed in 17 R5)
  shows UTF-8 + quoted-printable for an ASCII body;
- Sender is the From address when not given (the doc example has "Sender:" for a mail without
  one); Message-ID is <32 hex digits @ the From domain> when not given; Date is now when there
  is no sendAt.
"""
from __future__ import annotations

import datetime as _dt
import re
import uuid
from email.contentmanager import _encode_text
from email import encoders
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.policy import EmailPolicy, default as _default_policy
from email.utils import format_datetime, formatdate

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name
from .addresses import format_address, parse_addresses
from .attachment import ATTACHMENT, INLINE, MailAttachment
from .charsets import DEFAULT, MAX_LINE, body_encoding, check_mode, encode_header, encode_words
from .mimeparse import mime_to_email

__all__ = ["email_to_mime", "envelope", "mime_to_email"]


class _Raw(str):
    """A header value this module already encoded (RFC 2047, per the charset mode) and folded."""


class _Policy(EmailPolicy):
    """policy.default with CRLF, except that _Raw header values are written as they are: the
    default policy would re-encode every header in UTF-8, ignoring the charset mode."""

    def header_store_parse(self, name, value):
        return (name, value) if isinstance(value, _Raw) else super().header_store_parse(name, value)

    def header_fetch_parse(self, name, value):
        return value if isinstance(value, _Raw) else super().header_fetch_parse(name, value)

    def fold(self, name, value):
        return f"{name}: {value}{self.linesep}" if isinstance(value, _Raw) else super().fold(name, value)

    def fold_binary(self, name, value):
        if isinstance(value, _Raw):
            return self.fold(name, value).encode("utf-8")      # non-ASCII only in SMTPUTF8 addresses
        return super().fold_binary(name, value)


_POLICY = _Policy(linesep="\r\n", max_line_length=MAX_LINE)

# Email object property -> the header it writes. A `headers` entry naming one of these is
# ignored when the property is set (EmailObjectClass.md .headers) and supplies it otherwise.
_PROPERTY_HEADER = {"from": "From", "sender": "Sender", "replyTo": "Reply-To", "to": "To", "cc": "Cc",
                    "bcc": "Bcc", "subject": "Subject", "comments": "Comments", "keywords": "Keywords",
                    "messageId": "Message-ID", "inReplyTo": "In-Reply-To", "references": "References",
                    "sendAt": "Date"}
# Written by the conversion itself: never taken from `headers` (nor from a part's headers).
_STRUCTURAL = {"mime-version", "content-type", "content-transfer-encoding"}
# Trace and signature fields describe an earlier delivery of a mail read by MAIL Convert from MIME;
# written again they would be false (and a stale DKIM signature fails), so `headers` cannot add them.
_TRANSPORT = {"received", "return-path", "dkim-signature", "authentication-results", "arc-seal",
              "arc-message-signature", "arc-authentication-results"}
_PART_OWN = _STRUCTURAL | {"content-disposition", "content-language", "content-location"}
_MAX_DEPTH = 50
_FIELD_NAME = re.compile(r"^[!-9;-~]+$")       # RFC 5322 2.2: printable ASCII except ":"


def _invalid(detail: str) -> FourDError:
    return FourDError(E.MIME_INVALID_MAIL, detail=detail)


def _given(v) -> bool:
    return v is not None and v is not UNDEFINED


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text)


def _hex_id() -> str:
    return uuid.uuid4().hex.upper()            # the form of 4D's Message-ID and boundaries


# ---------------------------------------------------------------- reading the Email object

class _Mail:
    """The Email object's fields, with `headers` entries standing in for unset properties."""

    def __init__(self, mail: dict):
        self.mail = mail
        self.entries: list[tuple[str, str]] = []
        headers = mail.get("headers", UNDEFINED)
        if _given(headers):
            if not isinstance(headers, list):
                raise _invalid(f"headers must be a collection, got {type_name(headers)}")
            for h in headers:
                if not isinstance(h, dict):
                    raise _invalid(f"a headers item must be an object, got {type_name(h)}")
                name, value = h.get("name", UNDEFINED), h.get("value", UNDEFINED)
                if not _given(name):
                    continue                    # "If null or undefined, the header field is not added"
                if not isinstance(name, str) or not _FIELD_NAME.match(name):
                    raise _invalid(f"invalid header name {name!r}")
                if not _given(value):
                    value = ""
                if not isinstance(value, str):
                    raise _invalid(f"the value of the header {name} must be a text, got {type_name(value)}")
                self.entries.append((name, value))

    def get(self, prop: str):
        """The property, or the text of the headers entries for its header, or None."""
        v = self.mail.get(prop, UNDEFINED)
        if _given(v):
            return v
        header = _PROPERTY_HEADER[prop].lower()
        found = [value for name, value in self.entries if name.lower() == header]
        return ", ".join(found) if found else None

    def text(self, prop: str) -> str | None:
        v = self.get(prop)
        if v is not None and not isinstance(v, str):
            raise _invalid(f"{prop} must be a text, got {type_name(v)}")
        return v

    def addresses(self, prop: str) -> list[tuple[str, str]]:
        return parse_addresses(prop, self.get(prop))

    def custom_headers(self) -> list[tuple[str, str]]:
        known = {h.lower() for h in _PROPERTY_HEADER.values()} | _STRUCTURAL | _TRANSPORT
        return [(n, v) for n, v in self.entries if n.lower() not in known]


def _message_ids(text: str) -> list[str]:
    """"<a@b> <c@d>", "a@b c@d" or "<a@b>" -> ["a@b", "c@d"]."""
    ids = re.findall(r"<([^<>]*)>", text)
    return [i.strip() for i in (ids if ids else text.split()) if i.strip()]


def _date_header(send_at: str) -> str:
    """sendAt (ISO 8601, UTC) -> an RFC 5322 date; a time without zone is taken as UTC."""
    text = send_at.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        dt = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise _invalid(f"sendAt \"{send_at}\" is not an ISO 8601 date") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_dt.timezone.utc)
    return format_datetime(dt.astimezone(_dt.timezone.utc), usegmt=True)


def _fold_words(name: str, text: str) -> str:
    """Fold a structured header value at its spaces so lines stay within MAX_LINE when possible."""
    out, width = [], len(name) + 2
    for i, word in enumerate(text.split(" ")):
        if i and width + 1 + len(word) > MAX_LINE:
            out.append("\r\n " + word)
            width = 1 + len(word)
        else:
            out.append((" " if i else "") + word)
            width += (1 if i else 0) + len(word)
    return "".join(out)


def _address_header(name: str, addresses: list[tuple[str, str]], hmode: str) -> _Raw:
    return _Raw(_fold_words(name, ", ".join(format_address(n, a, hmode) for n, a in addresses)))


# ---------------------------------------------------------------- body parts

def _text_part(text: str, subtype: str, bmode: str) -> MIMEPart:
    charset, cte = body_encoding(text, bmode)
    part = MIMEPart(_POLICY)
    if cte == "base64":
        # set_content(str) would put a final line break inside the base64 data; bytes keep the
        # text as it is, with the CRLF line ends of the canonical form (RFC 2045 6.8).
        part["Content-Type"] = _Raw(f'text/{subtype}; charset="{charset}"')
        part.set_payload("\r\n".join(re.split(r"\r\n|\r|\n", text)).encode(charset))
        encoders.encode_base64(part)
    else:
        # What EmailMessage.set_content does, with the headers written as they are (_Raw): the
        # header registry would parse them again for every message sent.
        _, payload = _encode_text(text, charset, cte, _POLICY)
        part["Content-Type"] = _Raw(f'text/{subtype}; charset="{charset}"')
        part["Content-Transfer-Encoding"] = _Raw(cte)
        part.set_payload(payload)
    return part


def _drop_final_newline(part: MIMEPart) -> None:
    """The line break before a boundary belongs to the boundary (RFC 2046 5.1.1): without this,
    every part would end with a blank line, unlike the doc example."""
    cte = str(part.get("Content-Transfer-Encoding", "")).lower()
    if cte == "8bit":                   # the payload holds raw bytes: get_payload() would decode them
        data = part.get_payload(decode=True)
        if data.endswith(b"\n"):
            part.set_payload(data[:-1])
    elif cte in ("7bit", "quoted-printable", "base64"):
        payload = part.get_payload()
        if payload.endswith("\n"):
            part.set_payload(payload[:-1])


def _container(subtype: str, parts: list[MIMEPart]) -> MIMEPart:
    c = MIMEPart(_POLICY)
    c["Content-Type"] = _Raw(f'multipart/{subtype}; boundary="{_hex_id()}"')
    for part in parts:
        if not part.is_multipart():
            _drop_final_newline(part)
        c.attach(part)
    return c


def _param(header: str, value: str, pname: str, pvalue: str | None, hmode: str) -> _Raw:
    """`value; pname="pvalue"` with pvalue RFC 2047-encoded per headerCharset (file names)."""
    if not pvalue:
        return _Raw(value)
    words = encode_words(_one_line(pvalue), hmode)
    quoted = '"' + (words or pvalue.replace("\\", "\\\\").replace('"', '\\"')) + '"'
    sep = "; " if len(header) + len(value) + len(pname) + len(quoted) + 5 <= MAX_LINE else ";\r\n "
    return _Raw(f"{value}{sep}{pname}={quoted}")


class _Verbatim(MIMEPart):
    """A part whose body is written as it is, whatever its type says: the generator's own writer
    for message/delivery-status wants it parsed into groups of fields, and would fail on text."""

    def get_content_maintype(self):
        return "application"

    def get_content_subtype(self):
        return "octet-stream"


class _VerbatimMessage(EmailMessage):
    """A whole message whose body is such a part (its root is a delivery status)."""

    get_content_maintype = _Verbatim.get_content_maintype
    get_content_subtype = _Verbatim.get_content_subtype


def _attachment_part(rt, att: MailAttachment, hmode: str) -> MIMEPart:
    data = att.content(rt)
    part = MIMEPart(_POLICY)
    part["Content-Type"] = _param("Content-Type", _one_line(att.type), "name", att.name, hmode)
    disposition = att.disposition or (INLINE if att.cid else ATTACHMENT)
    part["Content-Disposition"] = _param("Content-Disposition", disposition, "filename", att.name, hmode)
    if att.cid:
        part["Content-ID"] = _Raw(f"<{_one_line(att.cid)}>")
    if _one_line(att.type).split(";")[0].strip().lower().startswith("message/") \
            and _one_line(att.type).split(";")[0].strip().lower() != "message/rfc822":
        # a delivery report's status and the like (RFC 3464) are written as they came, never base64
        # (a message/* part is 7bit or 8bit, RFC 2046 5.2)
        verbatim = _Verbatim(_POLICY)
        for name, value in part.raw_items():
            verbatim[name] = value
        text = data.decode("utf-8", "surrogateescape")
        verbatim["Content-Transfer-Encoding"] = _Raw("7bit" if text.isascii() else "8bit")
        verbatim.set_payload(text)
        return verbatim
    part.set_payload(data)
    encoders.encode_base64(part)
    return part


def _attachments(mail: dict) -> list[MailAttachment]:
    atts = mail.get("attachments", UNDEFINED)
    if not _given(atts):
        return []
    if not isinstance(atts, list):
        raise _invalid(f"attachments must be a collection, got {type_name(atts)}")
    out = []
    for a in atts:
        if a is None or a is UNDEFINED:
            continue                          # a collection resized by assignment holds nulls
        if not isinstance(a, MailAttachment):
            raise _invalid(f"attachments must hold 4D.MailAttachment objects, got {type_name(a)}")
        out.append(a)
    return out


def _simple_body(rt, mail: dict, atts: list[MailAttachment], bmode: str, hmode: str) -> MIMEPart:
    """textBody / htmlBody (both: multipart/alternative, EmailObjectClass.md "Handling body part");
    attachments with a cid go with the HTML in multipart/related, the others in multipart/mixed."""
    bodies = {}
    for prop, subtype in (("textBody", "plain"), ("htmlBody", "html")):
        v = mail.get(prop, UNDEFINED)
        if _given(v):
            if not isinstance(v, str):
                raise _invalid(f"{prop} must be a text, got {type_name(v)}")
            if v:
                bodies[subtype] = _text_part(v, subtype, bmode)
    inline = [a for a in atts if a.cid] if "html" in bodies else []
    regular = [a for a in atts if a not in inline]
    if inline:
        bodies["html"] = _container("related", [bodies["html"]] + [_attachment_part(rt, a, hmode) for a in inline])
    body = (_container("alternative", [bodies["plain"], bodies["html"]]) if len(bodies) == 2
            else next(iter(bodies.values()), None))
    if regular:
        return _container("mixed", ([body] if body is not None else [])
                          + [_attachment_part(rt, a, hmode) for a in regular])
    return body if body is not None else _text_part("", "plain", bmode)


def _part_extras(part: MIMEPart, node: dict, hmode: str) -> None:
    """A bodyStructure part's disposition, language, location and other headers."""
    disposition, language, location = (node.get(k, UNDEFINED) for k in ("disposition", "language", "location"))
    if isinstance(disposition, str) and disposition:
        part["Content-Disposition"] = _Raw(_one_line(disposition))
    if isinstance(language, list) and language:
        part["Content-Language"] = _Raw(", ".join(_one_line(str(x)) for x in language if isinstance(x, str)))
    if isinstance(location, str) and location:
        part["Content-Location"] = _Raw(_one_line(location))
    headers = node.get("headers", UNDEFINED)
    for h in headers if isinstance(headers, list) else []:
        name, value = (h.get("name"), h.get("value", "")) if isinstance(h, dict) else (None, None)
        # A part's own fields are the Content-* ones (RFC 2045 9); a root part's headers also list
        # the message's, which the message writes itself.
        if isinstance(name, str) and _FIELD_NAME.match(name) and name.lower().startswith("content-") \
                and name.lower() not in _PART_OWN and name.lower() not in {k.lower() for k in part.keys()} \
                and isinstance(value, str):
            part[name] = _Raw(encode_header(_one_line(value), hmode, name))


def _structure_part(rt, node, values: dict, atts: list[MailAttachment], used: list, bmode: str,
                    hmode: str, depth: int = 0) -> MIMEPart | None:
    """One EmailBodyPart of bodyStructure -> MIME (None: a part with nothing to send)."""
    if depth > _MAX_DEPTH:               # 4D objects can contain themselves
        raise _invalid(f"bodyStructure is nested more than {_MAX_DEPTH} levels deep")
    if not isinstance(node, dict):
        raise _invalid(f"a bodyStructure part must be an object, got {type_name(node)}")
    ctype = node.get("type", UNDEFINED)
    if not isinstance(ctype, str) or "/" not in ctype:
        raise _invalid("every bodyStructure part needs a \"type\" such as \"text/plain\"")
    maintype, _, subtype = ctype.strip().lower().partition("/")
    subtype = subtype.split(";")[0].strip()
    if maintype == "multipart":
        subs = node.get("subParts", UNDEFINED)
        parts = [p for p in (_structure_part(rt, s, values, atts, used, bmode, hmode, depth + 1)
                             for s in (subs if isinstance(subs, list) else [])) if p is not None]
        return _container(subtype or "mixed", parts) if parts else None
    pid = node.get("partID", node.get("partId", UNDEFINED))   # the doc's table says partID, its example partId
    if isinstance(pid, str) and isinstance(values.get(pid), dict):
        value = values[pid].get("value", "")
        if not isinstance(value, str):
            raise _invalid(f"bodyValues[\"{pid}\"].value must be a text, got {type_name(value)}")
        part = _text_part(value, subtype or "plain", bmode)
        _part_extras(part, node, hmode)
        return part
    # No value: the attachment this part came from (MAIL Convert from MIME), or with its Content-ID.
    cids = [str(h.get("value", "")).strip().strip("<>") for h in node.get("headers", None) or []
            if isinstance(h, dict) and str(h.get("name", "")).lower() == "content-id"]
    for att in atts:
        if att not in used and ((pid is not UNDEFINED and att.part_id == pid) or (att.cid and att.cid in cids)):
            used.append(att)
            return _attachment_part(rt, att, hmode)
    return None


def _structured_body(rt, mail: dict, atts: list[MailAttachment], bmode: str, hmode: str) -> MIMEPart:
    """bodyStructure + bodyValues define the body (EmailObjectClass.md "Handling body part")."""
    values = mail.get("bodyValues", UNDEFINED)
    if not isinstance(values, dict):
        raise _invalid("bodyStructure and bodyValues must be passed together")
    used: list[MailAttachment] = []
    body = _structure_part(rt, mail["bodyStructure"], values, atts, used, bmode, hmode)
    rest = [_attachment_part(rt, a, hmode) for a in atts if a not in used]
    if rest:
        return _container("mixed", ([body] if body is not None else []) + rest)
    return body if body is not None else _text_part("", "plain", bmode)


# ---------------------------------------------------------------- the message

def _raw_mime(data) -> bytes:
    """A mail given as MIME text or Blob (SMTPTransporterClass.md .send(), 17 R5 "Support of mime
    contents"): CRLF line ends, and no Bcc field (blind copies are never shown)."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raw = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    head, sep, body = raw.partition(b"\r\n\r\n")
    kept, skipping = [], False
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        skipping = line.split(b":", 1)[0].strip().lower() == b"bcc"
        if not skipping:
            kept.append(line)
    return b"\r\n".join(kept) + sep + body


def email_to_mime(rt, mail, header_charset: str = DEFAULT, body_charset: str = DEFAULT) -> bytes:
    """The RFC 5322 message (CRLF line ends) for a 4D Email object (or MIME text / Blob)."""
    if isinstance(mail, (str, bytes, bytearray)):
        return _raw_mime(mail)
    if not isinstance(mail, dict):
        raise _invalid(f"an Email object was expected, got {type_name(mail)}")
    hmode, bmode = check_mode(header_charset, "headerCharset"), check_mode(body_charset, "bodyCharset")
    m = _Mail(mail)
    msg = EmailMessage(_POLICY)
    msg["MIME-Version"] = _Raw("1.0")

    send_at = m.get("sendAt")
    if send_at == "":
        send_at = None
    if isinstance(send_at, str) and _given(mail.get("sendAt", UNDEFINED)):
        msg["Date"] = _Raw(_date_header(send_at))
    elif send_at is not None:
        if not isinstance(send_at, str):
            raise _invalid(f"sendAt must be a text, got {type_name(send_at)}")
        msg["Date"] = _Raw(_one_line(send_at))          # a Date entry of `headers`, as written
    else:
        msg["Date"] = _Raw(formatdate(usegmt=True))

    from_ = m.addresses("from")
    ids = _message_ids(_one_line(m.text("messageId") or ""))
    if ids:
        msg["Message-ID"] = _Raw(f"<{ids[0]}>")
    else:
        domain = from_[0][1].rsplit("@", 1)[1] if from_ else "fourmail.local"
        msg["Message-ID"] = _Raw(f"<{_hex_id()}@{domain}>")

    sender = m.addresses("sender")[:1] or from_[:1]     # RFC 5322 3.6.2: one mailbox
    if sender:
        msg["Sender"] = _address_header("Sender", sender, hmode)
    for prop in ("from", "replyTo", "to", "cc"):        # bcc: never written
        addresses = from_ if prop == "from" else m.addresses(prop)
        if addresses:
            msg[_PROPERTY_HEADER[prop]] = _address_header(_PROPERTY_HEADER[prop], addresses, hmode)
    m.addresses("bcc")                                  # still checked: a bad bcc is an invalid mail

    in_reply_to = m.text("inReplyTo")
    if in_reply_to and _message_ids(in_reply_to):
        msg["In-Reply-To"] = _Raw(_fold_words("In-Reply-To", " ".join(f"<{i}>" for i in _message_ids(
            _one_line(in_reply_to)))))
    references = m.get("references")
    if isinstance(references, str):
        references = _message_ids(_one_line(references))
    if references:
        if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
            raise _invalid("references must be a collection of message ids (texts)")
        ids = [i for r in references for i in _message_ids(_one_line(r))]
        if ids:
            msg["References"] = _Raw(_fold_words("References", " ".join(f"<{i}>" for i in ids)))
    comments = m.text("comments")
    if comments:
        msg["Comments"] = _Raw(encode_header(_one_line(comments), hmode, "Comments"))
    keywords = m.get("keywords")
    if isinstance(keywords, dict):
        # EmailObjectClass.md .keywords: "This property is the keywords header"; value must be true.
        words = [k for k, v in keywords.items() if v is True]
        if words:
            encoded = [encode_words(_one_line(w), hmode, governed=False) or _one_line(w) for w in words]
            msg["Keywords"] = _Raw(_fold_words("Keywords", ", ".join(encoded)))
    elif isinstance(keywords, str) and keywords:        # a Keywords entry of `headers`
        msg["Keywords"] = _Raw(encode_header(_one_line(keywords), hmode, "Keywords"))
    elif keywords is not None:
        raise _invalid(f"keywords must be an object, got {type_name(keywords)}")
    for name, value in m.custom_headers():
        msg[name] = _Raw(encode_header(_one_line(value), hmode, name))

    atts = _attachments(mail)
    if _given(mail.get("bodyStructure", UNDEFINED)):
        body = _structured_body(rt, mail, atts, bmode, hmode)
    else:
        body = _simple_body(rt, mail, atts, bmode, hmode)
    for name, value in body.raw_items():
        del msg[name]                     # the body's own field, over one `headers` also gave
        msg[name] = value
    if isinstance(body, _Verbatim):       # a message that is a delivery status: written as it is
        msg.__class__ = _VerbatimMessage
    if body.is_multipart() or str(body.get("Content-Transfer-Encoding", "")).lower() != "8bit":
        msg.set_payload(body.get_payload())
    else:                                # raw 8-bit bytes: get_payload() would decode them
        msg.set_payload(body.get_payload(decode=True))

    subject = m.text("subject")
    if subject is not None:
        msg["Subject"] = _Raw(encode_header(_one_line(subject), hmode, "Subject", governed=True))
    return msg.as_bytes()


# ---------------------------------------------------------------- the SMTP envelope

def _raw_envelope(data) -> tuple[list, list, list]:
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    msg = BytesParser(policy=_default_policy).parsebytes(raw, headersonly=True)

    def addrs(name):
        out = []
        for value in msg.get_all(name, []):
            try:
                out.extend(a.addr_spec for a in value.addresses if "@" in a.addr_spec)
            except Exception:           # an unparsable field adds no address
                pass
        return out
    return addrs("sender")[:1] or addrs("from")[:1], addrs("from"), addrs("to") + addrs("cc") + addrs("bcc")


def envelope(mail) -> tuple[str, list[str]]:
    """(MAIL FROM address, RCPT TO addresses): the sender, else the (first) from address, and
    to + cc + bcc without duplicates, in order. No from or no recipient: a 4D error (the SMTP
    .send() doc: then "Failed to send email")."""
    if isinstance(mail, (str, bytes, bytearray)):
        sender, from_, recipients = _raw_envelope(mail)
    elif isinstance(mail, dict):
        m = _Mail(mail)
        from_ = [a for _, a in m.addresses("from")]
        sender = [a for _, a in m.addresses("sender")][:1] or from_[:1]
        recipients = [a for prop in ("to", "cc", "bcc") for _, a in m.addresses(prop)]
    else:
        raise _invalid(f"an Email object was expected, got {type_name(mail)}")
    if not sender:
        raise FourDError(E.MAIL_NO_FROM)
    seen, unique = set(), []
    for a in recipients:
        if a.lower() not in seen:
            seen.add(a.lower())
            unique.append(a)
    if not unique:
        raise FourDError(E.MAIL_NO_RECIPIENT)
    return sender[0], unique
