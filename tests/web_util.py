"""Helpers for the web inbox tests: an HTTP client for the sandbox's inbox and API (stdlib, no
proxy), and mail with an HTML part, an inline image and an attachment, sent over SMTPS."""
from __future__ import annotations

import json
import struct
import urllib.error
import urllib.request
import zlib
from email.message import EmailMessage

from sandbox_util import smtps

_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(sb, method: str, path: str, body=None, headers=None) -> Answer:
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    req = urllib.request.Request(sb.inbox_url.rstrip("/") + path, data=data, method=method, headers=headers or {})
    if body is not None and not isinstance(body, bytes):
        req.add_header("Content-Type", "application/json")
    try:
        with _direct.open(req, timeout=15) as r:
            return Answer(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.headers, e.read())


def png(width: int, height: int) -> bytes:
    """A small valid PNG (solid red) of that size."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def rich_message(subject: str, to: str, html: str, attachment: bytes, image: bytes, sender="4d@gmail.com",
                 text="The text part.") -> EmailMessage:
    """multipart/mixed: (multipart/alternative: text, multipart/related: HTML + cid:logo) + a file."""
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, to, subject
    m.set_content(text)
    m.add_alternative(html, subtype="html")
    m.get_payload()[1].add_related(image, "image", "png", cid="<logo@fourmail>", disposition="inline",
                                     filename="logo.png")
    m.add_attachment(attachment, maintype="application", subtype="octet-stream", filename="data.bin")
    return m


def send(sb, m: EmailMessage, user="4d@gmail.com") -> None:
    s = smtps(sb)
    s.login(user, "XXXXXXXX")
    s.send_message(m)
    s.quit()
