"""MIME -> Email object (MAIL Convert from MIME, mail-convert-from-mime.md; EmailObjectClass.md).

4D follows JMAP (RFC 8621) for the returned object, and so does this:
- from, sender, replyTo, to, cc, bcc: collections of {name, email} (name Null when absent);
- subject, comments: decoded text; messageId, inReplyTo: ids without angle brackets;
  references: collection of ids; keywords: {keyword: True} from the Keywords header;
  sendAt: the Date header in ISO 8601 UTC ("2020-09-13T16:11:53Z");
- headers: every header field, in order, as {name, value} with the value decoded and unfolded;
- bodyStructure: the EmailBodyPart tree (partID "p0001"... on leaves, as in the doc's example;
  type, charset, encoding, disposition, language, location, subParts, headers);
- bodyValues: {partID: {value, isEncodingProblem}} for the text parts of the body; values have
  LF line ends (JMAP's rule);
- attachments: 4D.MailAttachment objects for the other leaves (files, inline images, attached
  messages), absent when there is none (mail-new-attachment example tests it against Null).
textBody/htmlBody are not set: the doc gives them to SMTP only (EmailObjectClass.md).

Real-world mail is taken as it comes: the stdlib parser records defects instead of failing, a
bad charset or transfer encoding sets isEncodingProblem, and nothing raises.
A Text argument already holds characters: 8-bit (raw) content in it is read as those characters,
whatever charset the part declares; encoded (QP/base64) content uses the declared charset.

The result is what the stdlib gives with policy.default (the tree of BytesParser, the fields as
the header registry reads them); mimetree.py and mimeheaders.py get it without the registry's
cost, which on a mailbox read by getMails() was nearly all of the time. Each part's fields are
read once, and attachments decode their content only when it is asked for.
"""
from __future__ import annotations

import datetime as _dt
import re
from email._encoded_words import decode_b
from email.message import Message
from email.policy import default as _policy
from quopri import decodestring as _decode_qp

from . import mimeheaders as _h
from .attachment import ATTACHMENT, INLINE, MailAttachment
from .mimetree import fields_of, parse as _parse

_DECODED_CTES = {"7bit", "8bit", "binary", "quoted-printable", "base64", "x-uuencode", "uuencode", "x-uue",
                 "uue"}
_CRLF = _policy.clone(linesep="\r\n")
_RAW_CTES = {"7bit", "8bit", "binary"}
_ADDRESS_FIELDS = (("from", "from"), ("sender", "sender"), ("reply-to", "replyTo"), ("to", "to"), ("cc", "cc"),
                   ("bcc", "bcc"))


def _headers(items: list[tuple[str, str]]) -> list[dict]:
    return [{"name": name, "value": _h.text(raw)} for name, raw in items]


def _ids(text: str) -> list[str]:
    ids = re.findall(r"<([^<>]*)>", text)
    return [i.strip() for i in (ids if ids else text.split()) if i.strip()]


def _iso_utc(raw: str) -> str | None:
    dt = _h.send_at(raw)
    if dt is None:
        return None
    if dt.tzinfo is None:                       # "-0000": UTC with no information about the zone
        dt = dt.replace(tzinfo=_dt.timezone.utc)
    return dt.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- body parts

def _param(params: dict, key: str):
    value = params.get(key)
    return value if isinstance(value, str) and value else None


class _Fields:
    """What a part's fields say, each read once (None/{} when absent or unreadable); the first
    field of a name is the one that counts, as for Message.get()."""

    def __init__(self, part: Message):
        first, self.ctype = fields_of(part)
        ct, cd, cte = first.get("content-type"), first.get("content-disposition"), first.get("content-transfer-encoding")
        self.ct_params = _h.mime_params("content-type", ct[1])[1] if ct is not None else {}
        self.disposition, self.cd_params = _h.mime_params("content-disposition", cd[1]) if cd is not None else (None, {})
        self.cte = _h.fetched(*cte) if cte is not None else ""      # str(part.get("content-transfer-encoding", ""))
        self.first = first

    def text(self, lname: str) -> str | None:
        field = self.first.get(lname)
        return _h.unstructured(field[1]) if field is not None else None


def _payload(part: Message, cte: str) -> tuple[bytes, bool]:
    """part.get_payload(decode=True), and whether decoding found a defect, without its lookups
    (`cte`: the str() of the part's first Content-Transfer-Encoding field, lowercased)."""
    payload = part._payload
    if not isinstance(payload, str) or cte in ("x-uuencode", "uuencode", "uue", "x-uue"):
        defects = len(part.defects)
        data = part.get_payload(decode=True)
        return data, len(part.defects) > defects
    data = payload.encode("ascii", "surrogateescape")       # the bytes the parser read
    if cte == "quoted-printable":
        return _decode_qp(data), False
    if cte == "base64":
        value, defects = decode_b(b"".join(data.splitlines()))
        return value, bool(defects)
    return data, False


def _decode_text(part: Message, fields: _Fields, text_input: bool, declared: str | None) -> tuple[str, bool, str]:
    """(value, isEncodingProblem, Content-Transfer-Encoding) of a text part."""
    full = fields.cte
    cte = full.strip().lower() or "7bit"
    problem = cte not in _DECODED_CTES
    try:
        data, defects = _payload(part, full.lower())
        data = data or b""
    except Exception:
        data, defects = str(part.get_payload() or "").encode("utf-8", "surrogateescape"), True
    problem = problem or defects                                # e.g. bad base64 padding
    if text_input and cte in _RAW_CTES and not data.isascii():
        codec = "utf-8"          # the characters of the Text argument, encoded by mime_to_email
    else:
        codec = declared or "utf-8"
    try:
        value = data.decode(codec)
    except LookupError:                                         # unknown (or non-text) charset
        value, problem = data.decode("utf-8", "replace"), True
    except Exception:            # malformed bytes (or a codec that fails in its own way)
        try:                     # undeclared 8-bit text is most often Latin-1 / Windows-1252
            value = data.decode(codec, "replace") if declared else data.decode("latin-1")
        except Exception:
            value = data.decode("latin-1")
        problem = True
    return value.replace("\r\n", "\n"), problem, cte


def _content(part: Message) -> bytes:
    try:
        if part.get_content_maintype() == "message" and part.is_multipart():
            # an attached message (or the groups of fields of a delivery report), as MIME; a
            # group is written with the blank line that ends a header, which also parts groups
            blocks = [p.as_bytes(policy=_CRLF) for p in part.get_payload()]
            if part.get_content_subtype() == "delivery-status":
                return b"\r\n".join(b[:-2] if b.endswith(b"\r\n\r\n") else b for b in blocks)
            return b"\r\n".join(blocks)
        return part.get_payload(decode=True) or b""
    except Exception:
        return str(part.get_payload() or "").encode("utf-8", "surrogateescape")


class _Walker:
    def __init__(self, text_input: bool):
        self.text_input = text_input
        self.count = 0
        self.values: dict = {}
        self.attachments: list[MailAttachment] = []

    def part(self, part: Message, root: bool) -> dict:
        items = part._headers
        fields = _Fields(part)
        ctype = fields.ctype
        node: dict = {}
        if ctype.startswith("multipart/") and part.is_multipart():
            node["type"] = ctype
            self._describe(fields, node)
            node["subParts"] = [self.part(p, False) for p in part.get_payload() if isinstance(p, Message)]
            node["headers"] = _headers(items)
            return node
        self.count += 1
        pid = f"p{self.count:04d}"
        node["partID"] = pid
        node["type"] = ctype
        charset = _param(fields.ct_params, "charset")
        if charset:
            node["charset"] = charset
        disposition = fields.disposition
        filename = _param(fields.cd_params, "filename") or _param(fields.ct_params, "name")
        if (ctype.startswith(("text/", "multipart/")) and disposition != ATTACHMENT and not filename):
            value, problem, cte = _decode_text(part, fields, self.text_input, charset)
            if root and value.endswith("\n") and cte in _RAW_CTES | {"quoted-printable"}:
                value = value[:-1]          # the final CRLF ends the message's last line
            self.values[pid] = {"value": value, "isEncodingProblem": problem}
            if problem:
                node["encoding"] = cte
        else:
            self.attachments.append(self._attachment(part, fields, pid, ctype, disposition, filename))
        self._describe(fields, node)
        node["headers"] = _headers(items)
        return node

    @staticmethod
    def _describe(fields: _Fields, node: dict) -> None:
        if fields.disposition:
            node["disposition"] = fields.disposition
        language = fields.text("content-language")
        if language is not None:
            tags = [t.strip() for t in language.split(",") if t.strip()]
            if tags:
                node["language"] = tags
        location = fields.text("content-location")
        if location is not None and location.strip():
            node["location"] = location.strip()

    @staticmethod
    def _attachment(part, fields: _Fields, pid, ctype, disposition, filename) -> MailAttachment:
        cid = fields.text("content-id")
        cid = cid.strip().strip("<>").strip() if cid is not None else ""
        size = _param(fields.cd_params, "size")
        return MailAttachment(
            type=ctype, disposition=disposition or (INLINE if cid else ATTACHMENT), name=filename,
            cid=cid or None, size=float(size) if size and size.isdigit() else None,
            load=lambda: _content(part), part_id=pid)


# ---------------------------------------------------------------- the Email object

def _top_level(msg: Message, mail: dict) -> None:
    items = msg._headers
    headers = _headers(items)               # every field's text, once: subject & co. are among them
    fields: dict[str, list[tuple[str, str]]] = {}
    for (name, raw), h in zip(items, headers):
        fields.setdefault(name.lower(), []).append((raw, h["value"]))
    for header, prop in _ADDRESS_FIELDS:
        if header in fields:
            addresses = [{"name": n, "email": e} for raw, _ in fields[header] for n, e in _h.addresses(header, raw)]
            if addresses:
                mail[prop] = addresses
    for header, prop in (("subject", "subject"), ("comments", "comments")):
        if header in fields:
            mail[prop] = fields[header][0][1]
    if "message-id" in fields:
        ids = _ids(fields["message-id"][0][1])
        if ids:
            mail["messageId"] = ids[0]
    if "in-reply-to" in fields:
        ids = _ids(fields["in-reply-to"][0][1])
        if ids:
            mail["inReplyTo"] = " ".join(ids)
    if "references" in fields:
        ids = [i for _, text in fields["references"] for i in _ids(text)]
        if ids:
            mail["references"] = ids
    if "keywords" in fields:
        words = [w.strip() for _, text in fields["keywords"] for w in text.split(",") if w.strip()]
        if words:
            mail["keywords"] = {w: True for w in words}
    if "date" in fields:
        iso = _iso_utc(fields["date"][0][0])
        if iso:
            mail["sendAt"] = iso
    mail["headers"] = headers


def mime_to_email(rt, data) -> dict:
    """The Email object for a MIME document given as a Blob (bytes) or a Text."""
    text_input = isinstance(data, str)
    raw = data.encode("utf-8", "surrogatepass") if text_input else bytes(data)
    try:
        msg = _parse(raw)
    except Exception:                       # not expected: the parser records defects instead
        msg = _parse(b"")
    mail: dict = {}
    _top_level(msg, mail)
    walker = _Walker(text_input)
    try:
        mail["bodyStructure"] = walker.part(msg, True)
    except RecursionError:                  # absurdly deep nesting: keep what the headers gave
        mail["bodyStructure"] = {"type": msg.get_content_type(), "headers": mail["headers"]}
    mail["bodyValues"] = walker.values
    if walker.attachments:
        mail["attachments"] = walker.attachments
    return mail
