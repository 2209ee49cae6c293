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


class Events:
    """A client of the inbox's live updates (/api/events), in a thread of its own: what the
    sandbox pushes is collected in `events`; `wait(pred)` returns the first that matches."""

    def __init__(self, inbox_url: str, **scope):
        import queue
        import threading
        import urllib.parse
        self.url = inbox_url.replace("http://", "ws://").rstrip("/") + "/api/events"
        if scope:
            self.url += "?" + urllib.parse.urlencode(scope)
        self.events: list[dict] = []
        self._new = queue.Queue()
        self._ready = threading.Event()
        self._stop = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "the websocket did not open"

    def _run(self):
        import asyncio
        import aiohttp

        async def main():
            self._stop = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            async with aiohttp.ClientSession() as session, session.ws_connect(self.url) as ws:
                self._ready.set()
                reader = asyncio.ensure_future(self._read(ws))
                await self._stop.wait()
                reader.cancel()
        asyncio.run(main())

    async def _read(self, ws):
        async for msg in ws:
            event = json.loads(msg.data)
            self.events.append(event)
            self._new.put(event)

    def wait(self, pred, timeout: float = 5.0) -> dict:
        import queue
        import time
        for event in list(self.events):
            if pred(event):
                return event
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no such event within {timeout} s; got {self.events}")
            try:
                event = self._new.get(timeout=left)
            except queue.Empty:
                continue
            if pred(event):
                return event

    def close(self):
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
