"""The MIME -> Email object conversion as it was before it was made fast (fourmail/mail/mimeparse.py
at commit 40a6702): the stdlib's BytesParser with policy.default and its header registry for every
field. Kept only as the oracle of tests/test_mime_differential.py: the fast conversion must give
exactly what this gives.
"""
from __future__ import annotations

import datetime as _dt
import re
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import default as _policy

from fourmail.mail.attachment import ATTACHMENT, INLINE, MailAttachment

_DECODED_CTES = {"7bit", "8bit", "binary", "quoted-printable", "base64", "x-uuencode", "uuencode", "x-uue",
                 "uue"}
_CRLF = _policy.clone(linesep="\r\n")
_RAW_CTES = {"7bit", "8bit", "binary"}
_ADDRESS_FIELDS = (("from", "from"), ("sender", "sender"), ("reply-to", "replyTo"), ("to", "to"), ("cc", "cc"),
                   ("bcc", "bcc"))


def _fix8(value: str) -> str:
    """Raw 8-bit header bytes (surrogate-escaped by the parser) as UTF-8, else Latin-1."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n", "", value).strip()


def _header(name: str, raw: str):
    """The stdlib's parsed header object, or None if it cannot be parsed."""
    try:
        return _policy.header_factory(name, _unfold(_fix8(raw)))
    except Exception:
        return None


def _text(name: str, raw: str) -> str:
    """The field's text with RFC 2047 words decoded and folding removed, otherwise as written."""
    h = _header("X-Unstructured", raw)          # any unregistered name parses as unstructured
    if h is not None:
        return str(h)
    value = _unfold(_fix8(raw))
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def _headers(part: Message) -> list[dict]:
    return [{"name": name, "value": _text(name, raw)} for name, raw in part.raw_items()]


def _first(part: Message, name: str):
    """The parsed header object of the first `name` field of a part, or None."""
    for n, raw in part.raw_items():
        if n.lower() == name:
            return _header(n, raw)
    return None


def _ids(text: str) -> list[str]:
    ids = re.findall(r"<([^<>]*)>", text)
    return [i.strip() for i in (ids if ids else text.split()) if i.strip()]


def _addresses(values: list[tuple[str, str]]) -> list[dict]:
    out = []
    for name, raw in values:
        h = _header(name, raw)
        for a in getattr(h, "addresses", ()) if h is not None else ():
            if "@" in a.addr_spec:
                out.append({"name": a.display_name or None, "email": a.addr_spec})
    return out


def _iso_utc(raw: str) -> str | None:
    h = _header("Date", raw)
    dt = getattr(h, "datetime", None)
    if dt is None:
        return None
    if dt.tzinfo is None:                       # "-0000": UTC with no information about the zone
        dt = dt.replace(tzinfo=_dt.timezone.utc)
    return dt.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- body parts

def _param(h, key: str):
    params = getattr(h, "params", None) or {}
    value = params.get(key)
    return value if isinstance(value, str) and value else None


def _decode_text(part: Message, text_input: bool) -> tuple[str, bool, str]:
    """(value, isEncodingProblem, Content-Transfer-Encoding) of a text part."""
    cte = str(part.get("content-transfer-encoding", "") or "").strip().lower() or "7bit"
    problem = cte not in _DECODED_CTES
    defects = len(part.defects)
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:
        data, problem = str(part.get_payload() or "").encode("utf-8", "surrogateescape"), True
    problem = problem or len(part.defects) > defects          # e.g. bad base64 padding
    declared = _param(_first(part, "content-type"), "charset")
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


class _Walker:
    def __init__(self, text_input: bool):
        self.text_input = text_input
        self.count = 0
        self.values: dict = {}
        self.attachments: list[MailAttachment] = []

    def part(self, part: Message, root: bool) -> dict:
        ctype = part.get_content_type()
        node: dict = {}
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            node["type"] = ctype
            self._describe(part, node)
            node["subParts"] = [self.part(p, False) for p in part.get_payload() if isinstance(p, Message)]
            node["headers"] = _headers(part)
            return node
        self.count += 1
        pid = f"p{self.count:04d}"
        node["partID"] = pid
        node["type"] = ctype
        ct, cd = _first(part, "content-type"), _first(part, "content-disposition")
        charset = _param(ct, "charset")
        if charset:
            node["charset"] = charset
        disposition = getattr(cd, "content_disposition", None) if cd is not None else None
        filename = _param(cd, "filename") or _param(ct, "name")
        if (part.get_content_maintype() in ("text", "multipart") and disposition != ATTACHMENT
                and not filename):
            value, problem, cte = _decode_text(part, self.text_input)
            if root and value.endswith("\n") and cte in _RAW_CTES | {"quoted-printable"}:
                value = value[:-1]          # the final CRLF ends the message's last line
            self.values[pid] = {"value": value, "isEncodingProblem": problem}
            if problem:
                node["encoding"] = cte
        else:
            self.attachments.append(self._attachment(part, pid, ctype, disposition, filename, cd))
        self._describe(part, node)
        node["headers"] = _headers(part)
        return node

    @staticmethod
    def _describe(part: Message, node: dict) -> None:
        cd = _first(part, "content-disposition")
        if cd is not None and getattr(cd, "content_disposition", None):
            node["disposition"] = cd.content_disposition
        language = _first(part, "content-language")
        if language is not None:
            tags = [t.strip() for t in str(language).split(",") if t.strip()]
            if tags:
                node["language"] = tags
        location = _first(part, "content-location")
        if location is not None and str(location).strip():
            node["location"] = str(location).strip()

    @staticmethod
    def _content(part: Message) -> bytes:
        try:
            if part.get_content_maintype() == "message" and part.is_multipart():
                # an attached message (or the header blocks of a delivery report), as MIME
                blocks = [p.as_bytes(policy=_CRLF) for p in part.get_payload()]
                if part.get_content_subtype() == "delivery-status":     # its groups as they were
                    return b"\r\n".join(b[:-2] if b.endswith(b"\r\n\r\n") else b for b in blocks)
                return b"\r\n".join(blocks)
            return part.get_payload(decode=True) or b""
        except Exception:
            return str(part.get_payload() or "").encode("utf-8", "surrogateescape")

    def _attachment(self, part, pid, ctype, disposition, filename, cd) -> MailAttachment:
        cid_header = _first(part, "content-id")
        cid = str(cid_header).strip().strip("<>").strip() if cid_header is not None else ""
        size = _param(cd, "size")
        return MailAttachment(
            type=ctype, disposition=disposition or (INLINE if cid else ATTACHMENT), name=filename,
            cid=cid or None, size=float(size) if size and size.isdigit() else None,
            data=self._content(part), part_id=pid)


# ---------------------------------------------------------------- the Email object

def _top_level(msg: Message, mail: dict) -> None:
    fields: dict[str, list[tuple[str, str]]] = {}
    for name, raw in msg.raw_items():
        fields.setdefault(name.lower(), []).append((name, raw))
    for header, prop in _ADDRESS_FIELDS:
        addresses = _addresses(fields.get(header, []))
        if addresses:
            mail[prop] = addresses
    for header, prop in (("subject", "subject"), ("comments", "comments")):
        if header in fields:
            mail[prop] = _text(*fields[header][0])
    if "message-id" in fields:
        ids = _ids(_text(*fields["message-id"][0]))
        if ids:
            mail["messageId"] = ids[0]
    if "in-reply-to" in fields:
        ids = _ids(_text(*fields["in-reply-to"][0]))
        if ids:
            mail["inReplyTo"] = " ".join(ids)
    if "references" in fields:
        ids = [i for f in fields["references"] for i in _ids(_text(*f))]
        if ids:
            mail["references"] = ids
    if "keywords" in fields:
        words = [w.strip() for f in fields["keywords"] for w in _text(*f).split(",") if w.strip()]
        if words:
            mail["keywords"] = {w: True for w in words}
    if "date" in fields:
        iso = _iso_utc(fields["date"][0][1])
        if iso:
            mail["sendAt"] = iso
    mail["headers"] = _headers(msg)


def mime_to_email(rt, data) -> dict:
    """The Email object for a MIME document given as a Blob (bytes) or a Text."""
    text_input = isinstance(data, str)
    raw = data.encode("utf-8", "surrogatepass") if text_input else bytes(data)
    try:
        msg = BytesParser(policy=_policy).parsebytes(raw)
    except Exception:                       # not expected: the parser records defects instead
        msg = BytesParser(policy=_policy).parsebytes(b"")
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

