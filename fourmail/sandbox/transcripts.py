"""Session transcripts: every connection's dialogue as the sandbox's servers saw it.

Each SMTP, IMAP and POP3 connection gets one text file in the store's `transcripts/` folder,
written line by line as the session goes (a crash keeps what happened):

    # fourmail sandbox transcript
    id: 20261206-064300.123456-smtps-1a2b3c
    protocol: SMTP
    listener: smtps (implicit TLS) 127.0.0.1:20465
    client: 127.0.0.1:54321
    start: 2026-12-06T06:43:00.123456+00:00

    06:43:00.124 S: 220 fourmail-sandbox fourmail sandbox ESMTP
    06:43:00.130 C: AUTH PLAIN [redacted: PLAIN credentials of 4d@gmail.com]
    06:43:00.131 == user 4d@gmail.com (PLAIN)
    06:43:00.305 C: [message: 1234 bytes, Message-ID <x@y>]
    06:43:00.310 == message {"account": "test@gmail.com", "folder": "INBOX", "uid": 9, ...}
    06:43:00.401 == end QUIT (2026-12-06T06:43:00.401+00:00)

`C:` is what the client sent, `S:` what the server answered, `==` what the sandbox noted: TLS,
the user signed in, each message the session produced, how the session ended. Times are UTC.

What is never written: the secret of any sign-in. AUTH/AUTHENTICATE answers (PLAIN, LOGIN,
CRAM-MD5, XOAUTH2: passwords, digests and tokens), IMAP LOGIN's password, POP3 PASS and APOP's
digest are replaced by a marker that says what was removed and keeps the user name. Messages
(SMTP DATA, IMAP APPEND and FETCH literals, POP3 RETR and TOP answers) are summarized: size and
Message-ID.

Bounds: a transcript keeps TRANSCRIPT_LIMIT bytes of dialogue (then only the notes, up to
NOTES_RESERVE more, and its end, which says how many lines were left out); one line shows at
most LINE_SHOWN characters; the folder keeps the TRANSCRIPTS_KEPT newest transcripts (the oldest
are deleted as sessions start and end). Live printing stops where the file does. `Transcripts.limit`,
`.notes_reserve` and `.kept` hold the first three for each sandbox (tests lower them).

The servers call three things: `start(...)` when a connection starts, `tap(...)` on its streams
(every byte read and written then goes through the transcript), `Transcript.close()` when it ends;
the dialogue itself is read here, per protocol, from the bytes.
"""
from __future__ import annotations

import base64
import binascii
import collections
import datetime as dt
import json
import logging
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

FOLDER = "transcripts"           # beside the store's mail/ and tls/
SUFFIX = ".log"
TRANSCRIPT_LIMIT = 1024 * 1024   # bytes of dialogue kept in one transcript
NOTES_RESERVE = 256 * 1024       # past it, room for the notes (messages produced, the end)
TRANSCRIPTS_KEPT = 500           # transcripts kept in the folder, the newest
LINE_SHOWN = 2000                # characters of one line written
LINE_READ = 8192                 # bytes of one line kept while reading it (the rest is counted)
HEADER_KEPT = 64 * 1024          # bytes of a message kept to find its Message-ID
SMALL_LITERAL = 200              # an IMAP literal up to this size is shown as text
LIVE_QUEUE = 10000               # lines waiting to be printed live
PENDING_COMMANDS = 1000          # commands awaiting their answer that a dialogue remembers

log = logging.getLogger("fourmail.sandbox")
_DOT_END = re.compile(rb"\n\.\r?\n")
_NOTE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} == (\w+) (.*)$", re.M)
_HEADER = re.compile(r"^(\w+): (.*)$")
_MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\r\n]{1,500}>)")
_ID = re.compile(r"^[0-9]{8}-[0-9]{6}\.[0-9]{6}-[a-z0-9]+-[0-9a-f]{6}$")


@dataclass
class Produced:
    """A message a session put in the store: SMTP delivery, IMAP APPEND."""
    account: str
    folder: str
    uid: int | None = None
    file: str | None = None          # the Maildir file name, up to its flags (`key:2,S`)
    message_id: str | None = None


@dataclass
class TranscriptInfo:
    id: str
    protocol: str                    # SMTP, IMAP, POP3
    listener: str                    # smtp, smtps, imap, imaps, pop3, pop3s
    client: str                      # host:port
    start: str                       # ISO 8601, UTC
    user: str = ""                   # the account signed in ("" if none)
    end: str | None = None           # None: still open (or its sandbox stopped before it ended)
    ended: str | None = None         # QUIT, LOGOUT, dropped, timed out, closed by the server...
    messages: list[Produced] = field(default_factory=list)
    size: int = 0                    # bytes of the file

    def to_json(self) -> dict:
        return asdict(self)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def shown(data: bytes | str, limit: int = LINE_SHOWN) -> str:
    """A line as written: UTF-8 where it is, other bytes and control characters escaped (a line
    of the transcript is always one line), cut at `limit` characters."""
    text = data if isinstance(data, str) else data.decode("utf-8", "backslashreplace")
    # C0 and C1 controls and the Unicode line separators: a client's line may not drive the
    # terminal `--transcripts` prints to, nor break a line in two
    text = re.sub("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]",
                  lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)
    if len(text) > limit:
        text = text[:limit] + f"... [{len(text) - limit} more characters]"
    return text


class Transcripts:
    """The store's transcripts: `open()` one per connection, `list()`, `get()`, `listen()`."""

    def __init__(self, root: str | Path):
        self.folder = Path(root) / FOLDER
        self.limit = TRANSCRIPT_LIMIT
        self.notes_reserve = NOTES_RESERVE
        self.kept = TRANSCRIPTS_KEPT
        self._lock = threading.Lock()
        self._open: dict[str, Transcript] = {}
        self._listeners: list[Callable[["Transcript", str], None]] = []
        self._cache: dict[str, tuple[tuple[int, int], TranscriptInfo]] = {}
        self.store = None                 # store.Store: gives a produced message its file name
        self.decode_mailbox = None        # the IMAP server's modified UTF-7 decoder (imap_server.py)

    def file_of(self, account: str, folder: str, uid: int | None) -> str | None:
        """The file name (up to its flags) of message `uid` in an account's folder, if known."""
        if self.store is None or uid is None or not account:
            return None
        from .store import UidList
        try:
            record = UidList.read(self.store.folder_path(self.store.account_dir(account), folder)).records.get(uid)
        except (OSError, ValueError, KeyError, IndexError):
            return None
        return record.key if record is not None else None

    # ------------------------------------------------------------ writing
    def open(self, protocol: str, implicit_tls: bool, client, server) -> "Transcript":
        listener = protocol.lower() + ("s" if implicit_tls else "")
        start = _now()
        tid = f"{start:%Y%m%d-%H%M%S.%f}-{listener}-{secrets.token_hex(3)}"
        t = Transcript(self, tid, protocol, listener, implicit_tls, _address(client), start)
        with self._lock:
            self._open[tid] = t
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._prune()
            fd = os.open(self.folder / (tid + SUFFIX), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
            t.file = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        except OSError as e:                  # a full disk: the session goes on, live printing too
            log.warning("cannot write transcript %s: %s", tid, e.strerror or e)
        tls = "implicit TLS" if implicit_tls else ("STLS" if protocol == "POP3" else "STARTTLS")
        t.write_raw(f"# fourmail sandbox transcript\nid: {tid}\nprotocol: {protocol}\n"
                    f"listener: {listener} ({tls}) {_address(server)}\nclient: {t.client}\n"
                    f"start: {start.isoformat()}\n\n")
        self._tell(t, f"{start:%H:%M:%S.%f}"[:12] + f" == session from {t.client}, transcript {tid}")
        return t

    def _prune(self, room: int = 1) -> None:
        """Delete the oldest transcripts, but not those of sessions still open, so that `room`
        new ones leave `kept` of them."""
        names = sorted(n for n in os.listdir(self.folder) if n.endswith(SUFFIX))
        with self._lock:
            live = set(self._open)
        for name in names[:max(0, len(names) - self.kept + room)]:
            if name[:-len(SUFFIX)] in live:
                continue
            try:
                (self.folder / name).unlink()
            except OSError:
                pass
            self._cache.pop(name[:-len(SUFFIX)], None)

    def _closed(self, t: "Transcript") -> None:
        with self._lock:
            self._open.pop(t.id, None)
        try:
            self._prune(room=0)               # many sessions at once left more than `kept`, kept while open
        except OSError:
            pass

    def close_all(self, how: str) -> None:
        """End the transcripts still open (the sandbox stops): `how` says why."""
        with self._lock:
            left = list(self._open.values())
        for t in left:
            t.close(how)

    # ------------------------------------------------------------ live
    def listen(self, fn: Callable[["Transcript", str], None]) -> Callable[[], None]:
        """Call fn(transcript, line) for every line written from now on, in every session, from
        the servers' threads (fn must be quick). Returns the function that stops it."""
        with self._lock:
            self._listeners.append(fn)

        def stop() -> None:
            with self._lock:
                if fn in self._listeners:
                    self._listeners.remove(fn)
        return stop

    def _tell(self, t: "Transcript", line: str) -> None:
        for fn in list(self._listeners):
            try:
                fn(t, line)
            except Exception:                 # a listener's fault is not the session's
                log.debug("transcript listener failed", exc_info=True)

    # ------------------------------------------------------------ reading
    def ids(self) -> list[str]:
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(n[:-len(SUFFIX)] for n in names if n.endswith(SUFFIX) and _ID.match(n[:-len(SUFFIX)]))

    def get(self, tid: str) -> str | None:
        """One transcript's text, or None if there is no such transcript."""
        if not _ID.match(tid or ""):
            return None
        try:
            return (self.folder / (tid + SUFFIX)).read_text("utf-8", "replace")
        except OSError:
            return None

    def info(self, tid: str) -> TranscriptInfo | None:
        if not _ID.match(tid or ""):
            return None
        path = self.folder / (tid + SUFFIX)
        try:
            st = path.stat()
        except OSError:
            return None
        sig = (st.st_size, st.st_mtime_ns)
        cached = self._cache.get(tid)
        if cached and cached[0] == sig:
            return cached[1]
        text = self.get(tid)
        if text is None:
            return None
        found = parse(text)
        if found is None:
            return None
        found.size = st.st_size
        self._cache[tid] = (sig, found)
        return found

    def list(self, account: str | None = None, message: str | None = None, folder: str | None = None,
             uid: int | None = None) -> list[TranscriptInfo]:
        """The transcripts, oldest first: all, or those of `account` (signed in, or a message
        delivered to it), or those that produced `message` (its Message-ID, with or without <>,
        or its file name), or message `uid` of `account`'s `folder`."""
        out = []
        want_account = account.strip().casefold() if account else None
        want_message = message.strip().strip("<>") if message else None
        for tid in self.ids():
            found = self.info(tid)
            if found is None:
                continue
            if want_account and found.user.casefold() != want_account \
                    and not any(m.account == want_account for m in found.messages):
                continue
            if (folder is not None or uid is not None) and not any(
                    (not want_account or m.account == want_account) and (folder is None or m.folder == folder)
                    and (uid is None or m.uid == uid) for m in found.messages):
                continue
            if want_message and not any((m.message_id or "").strip("<>") == want_message
                                        or (m.file and want_message.split(":", 1)[0] == m.file)
                                        for m in found.messages):
                continue
            out.append(found)
        return out


def parse(text: str) -> TranscriptInfo | None:
    """What a transcript file says of itself: its header and its `==` notes."""
    head, _, _ = text.partition("\n\n")
    fields = {}
    for line in head.splitlines()[1:]:
        m = _HEADER.match(line)
        if m:
            fields[m.group(1)] = m.group(2)
    if not {"id", "protocol", "listener", "client", "start"} <= fields.keys():
        return None
    info = TranscriptInfo(fields["id"], fields["protocol"], fields["listener"].split(" ")[0], fields["client"],
                          fields["start"])
    for m in _NOTE.finditer(text):
        kind, rest = m.groups()
        if kind == "user":
            info.user = rest.rpartition(" (")[0]
        elif kind == "message":
            try:
                info.messages.append(Produced(**json.loads(rest)))
            except (ValueError, TypeError):
                pass
        elif kind == "end":
            how, _, at = rest.rpartition(" (")
            info.ended, info.end = how, at.rstrip(")")
    return info


def _address(addr) -> str:
    if isinstance(addr, (tuple, list)) and len(addr) >= 2:
        host = str(addr[0])
        return f"[{host}]:{addr[1]}" if ":" in host else f"{host}:{addr[1]}"
    return str(addr or "unknown")


class Transcript:
    """One connection's transcript. Its methods run on the connection's event loop thread."""

    def __init__(self, owner: Transcripts, tid: str, protocol: str, listener: str, implicit_tls: bool,
                 client: str, start: dt.datetime):
        self.owner, self.id, self.protocol, self.listener = owner, tid, protocol, listener
        self.client, self.start = client, start
        self.file = None
        self.size = 0
        self.left_out = 0                 # lines not written, past the limit
        self.user = ""
        self.goodbye: str | None = None   # QUIT or LOGOUT, once answered
        self.ending: str | None = None    # what the server knows of why it ends (timed out...)
        self.client_gone = False
        self.closed = False
        self.tls_noted = False
        self.tls_expected = implicit_tls
        self._write_lock = threading.RLock()      # close_all() comes from another thread
        self.dialogue = {"SMTP": _SMTP, "IMAP": _IMAP, "POP3": _POP3}[protocol](self)

    @property
    def label(self) -> str:
        """The short name live output prefixes each line with."""
        return f"{self.listener} {self.id[-6:]}"

    # ------------------------------------------------------------ from the servers
    def received(self, data: bytes, stream=None) -> None:
        self._check_tls(stream)
        self.dialogue.c.feed(bytes(data))

    def sent(self, data: bytes, stream=None) -> None:
        self._check_tls(stream)
        self.dialogue.s.feed(bytes(data))

    def _check_tls(self, stream) -> None:
        if self.tls_noted or stream is None:
            return
        ssl_object = stream.get_extra_info("ssl_object")
        if ssl_object is not None:
            self.tls_noted = True
            self.note("tls", f"{ssl_object.version()} {ssl_object.cipher()[0]}"
                      + (" (implicit TLS)" if self.tls_expected else " (upgraded)"))

    def eof(self) -> None:
        """The client closed its side."""
        self.client_gone = True

    def close(self, how: str | None = None) -> None:
        """The connection ended: `how` if the server knows why, else the client's goodbye,
        the client's going away, or the server's closing it."""
        with self._write_lock:
            if self.closed:
                return
            self.closed = True
        how = how or self.ending or self.goodbye or ("dropped" if self.client_gone else "closed by the server")
        if self.left_out:
            self.note("limit", f"{self.left_out} lines left out past {self.owner.limit} bytes", force=True)
        self.note("end", f"{how} ({_now().isoformat()})", force=True)
        with self._write_lock:
            if self.file is not None:
                try:
                    self.file.close()
                except OSError:
                    pass
                self.file = None
        self.owner._closed(self)

    # ------------------------------------------------------------ from the dialogue
    def line(self, direction: str, text: str) -> None:
        self._emit(f"{direction}: {text}", note=False)

    def note(self, kind: str, text: str, force: bool = False) -> None:
        self._emit(f"== {kind} {shown(text)}", note=True, force=force)

    def signed_in(self, user: str | None, mechanism: str) -> None:
        if user:
            self.user = user.strip().casefold()
        self.note("user", f"{self.user} ({mechanism})")

    def produced(self, p: Produced) -> None:
        self.note("message", json.dumps(asdict(p), ensure_ascii=False))

    def stored(self, account: str, folder: str, uid: int | None, data: bytes) -> None:
        """The session put message `data` in the store (SMTP delivery): the account, its file."""
        self.produced(Produced(account, folder, uid, self.owner.file_of(account, folder, uid), message_id_of(data)))

    def _emit(self, text: str, note: bool, force: bool = False) -> None:
        stamp = f"{_now():%H:%M:%S.%f}"[:12] + " "
        limit = self.owner.limit + (self.owner.notes_reserve if note else 0)
        if self.size > limit and not force:
            self.left_out += 1
            if self.left_out == 1:            # live printing stops where the file does, and says so
                self.owner._tell(self, stamp + f"== limit further lines left out past {self.owner.limit} bytes "
                                               "(the transcript's end says how many)")
            return
        self.owner._tell(self, stamp + text)
        self.write_raw(stamp + text + "\n")

    def write_raw(self, text: str) -> None:
        with self._write_lock:
            if self.file is None:
                return
            try:
                self.file.write(text)
                self.file.flush()            # as the session goes: a crash keeps what happened
                self.size += len(text.encode("utf-8"))
            except OSError:
                self.file = None


def print_live(transcripts: Transcripts, stream) -> Callable[[], None]:
    """Print every transcript line to `stream` as it happens, prefixed by its session
    (`[smtps 1a2b3c] 06:43:00.124 S: 220 ...`): `fourmail sandbox --transcripts`. The servers
    only queue the lines; a thread prints them, so a slow terminal never holds a session up (past
    LIVE_QUEUE lines waiting, lines are counted and the count printed instead). Returns stop()."""
    import queue
    lines: queue.Queue = queue.Queue(LIVE_QUEUE)
    lost = [0]

    def listener(t: Transcript, line: str) -> None:
        try:
            lines.put_nowait(f"[{t.label}] {line}")
        except queue.Full:
            lost[0] += 1

    def printer() -> None:
        while True:
            line = lines.get()
            if line is None:
                return
            try:
                if lost[0]:
                    n, lost[0] = lost[0], 0
                    stream.write(f"[{n} transcript lines not shown: the output was too slow]\n")
                stream.write(line + "\n")
                if lines.empty():
                    stream.flush()
            except (OSError, ValueError):       # the output was closed: stop printing
                unlisten()
                return

    unlisten = transcripts.listen(listener)
    thread = threading.Thread(target=printer, name="fourmail-transcripts", daemon=True)
    thread.start()

    def stop() -> None:
        unlisten()
        lines.put(None)
        thread.join(timeout=2)
    return stop


class _Null:
    """The transcript of a server started without transcripts."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


NO_TRANSCRIPT = _Null()


def start(transcripts: Transcripts | None, protocol: str, implicit_tls: bool, client, server):
    """The transcript of a new connection (a no-op one when the server keeps none)."""
    if transcripts is None:
        return NO_TRANSCRIPT
    try:
        return transcripts.open(protocol, implicit_tls, client, server)
    except Exception:
        log.exception("transcript not started")
        return NO_TRANSCRIPT


def tap(t, reader, writer) -> None:
    """Route every byte `reader` receives and `writer` sends (after TLS: decrypted) through the
    transcript t. A fault of the transcript's is logged and ends the transcript, never the session."""
    if t is NO_TRANSCRIPT:
        return
    feed_data, feed_eof, write = reader.feed_data, reader.feed_eof, writer.write

    def guarded(fn, *args):
        if t.closed:
            return
        try:
            fn(*args)
        except Exception:
            log.exception("transcript %s stopped", t.id)
            t.close("transcript stopped by an internal error")

    def tapped_feed(data):
        guarded(t.received, data, writer)
        feed_data(data)

    def tapped_eof():
        guarded(t.eof)
        feed_eof()

    def tapped_write(data):
        guarded(t.sent, data, writer)
        write(data)

    reader.feed_data, reader.feed_eof, writer.write = tapped_feed, tapped_eof, tapped_write


# ---------------------------------------------------------------- reading the dialogue
class _Splitter:
    """One direction's bytes cut into lines for `on_line(line, dropped)` (the line without its
    end, and how many bytes past LINE_READ were not kept); `take(n, sink, done)` hands the next
    n bytes to sink(bytes) then calls done() (IMAP literals)."""

    def __init__(self, on_line):
        self.on_line = on_line
        self.buf = bytearray()
        self.dropped = 0
        self.remaining = 0
        self.dot, self.held, self.virtual = False, b"", 0
        self.sink = self.done = None

    def take(self, n: int, sink, done) -> None:
        if n <= 0:
            done()
            return
        self.remaining, self.sink, self.done = n, sink, done

    def take_until_dot(self, sink, done) -> None:
        """From a line start, hand what comes to sink(bytes) up to a line that is only '.' (the
        end of SMTP DATA and of POP3 RETR), then call done(). Found in bulk, not line by line:
        a 25 MiB message is a few hundred thousand lines."""
        self.dot, self.sink, self.done = True, sink, done
        self.held, self.virtual = b"\n", 1          # a line starts here: as if after a \n

    def cancel(self) -> None:
        self.remaining, self.sink, self.done, self.dot = 0, None, None, False

    def _dot_feed(self, data: bytes) -> int:
        """Bytes of data used up by the message (all of it unless its end is there)."""
        buf = self.held + data
        m = _DOT_END.search(buf)
        if m:
            if m.start() + 1 > self.virtual:
                self.sink(buf[self.virtual:m.start() + 1])
            done, self.sink, self.done, self.dot = self.done, None, None, False
            done()
            return m.end() - len(self.held)
        cut = max(self.virtual, len(buf) - 3)          # the end may straddle two reads: hold 3 bytes
        if cut > self.virtual:
            self.sink(buf[self.virtual:cut])
            self.held, self.virtual = buf[cut:], 0
        else:
            self.held = buf                            # nothing handed on yet (4 bytes at most)
        return len(data)

    def feed(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            if self.dot:
                i += self._dot_feed(data[i:])
                continue
            if self.remaining:
                n = min(self.remaining, len(data) - i)
                self.sink(data[i:i + n])
                self.remaining -= n
                i += n
                if not self.remaining:
                    done, self.sink, self.done = self.done, None, None
                    done()
                continue
            j = data.find(b"\n", i)
            end = len(data) if j < 0 else j + 1
            room = LINE_READ - len(self.buf)
            self.buf += data[i:min(end, i + max(room, 0))]
            self.dropped += max(0, end - i - max(room, 0))
            i = end
            if j >= 0:
                line, dropped = bytes(self.buf), self.dropped
                self.buf, self.dropped = bytearray(), 0
                if line.endswith(b"\n"):
                    line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
                self.on_line(line, max(0, dropped - 2) if dropped else 0)


class _Content:
    """A message (or literal) going by: its size, and its Message-ID from what is kept of it."""

    def __init__(self):
        self.size = 0
        self.kept = bytearray()

    def add(self, data: bytes, extra: int = 0) -> None:
        self.size += len(data) + extra
        if len(self.kept) < HEADER_KEPT:
            self.kept += data[:HEADER_KEPT - len(self.kept)]

    def message_id(self) -> str | None:
        head = bytes(self.kept).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        m = _MESSAGE_ID.search(head)
        return m.group(1).decode("utf-8", "replace") if m else None

    def summary(self, what: str = "message") -> str:
        mid = self.message_id()
        return f"[{what}: {self.size} bytes" + (f", Message-ID {shown(mid)}]" if mid else "]")


def message_id_of(data: bytes) -> str | None:
    c = _Content()
    c.add(data[:HEADER_KEPT])
    return c.message_id()


class _Sasl:
    """One SASL exchange: each client answer is replaced by a marker naming what was removed
    (and the user name it carried)."""

    def __init__(self, mechanism: str):
        self.mechanism = mechanism.upper()
        self.user: str | None = None
        self.prompt = ""                   # the last challenge, decoded (LOGIN: Username:/Password:)
        self.answers = 0

    def challenge(self, text: bytes) -> None:
        try:
            self.prompt = base64.b64decode(text.strip(), validate=True).decode("utf-8", "replace").lower()
        except (binascii.Error, ValueError):
            self.prompt = ""

    def answer(self, raw: bytes, initial: bool = False) -> str:
        self.answers += 1
        text = raw.strip()
        if text == b"*":
            return "*"
        if text in (b"", b"="):
            return text.decode()
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return "[redacted: an answer that is not base64]"
        mech = self.mechanism
        if mech == "PLAIN":
            parts = data.split(b"\0")
            if len(parts) == 3:
                self.user = parts[1].decode("utf-8", "replace")
                return f"[redacted: PLAIN credentials of {shown(self.user, 200)}]"
            return "[redacted: PLAIN credentials]"
        if mech == "LOGIN":
            if self.answers == 1 and (initial or self.prompt.startswith("username")):
                self.user = data.decode("utf-8", "replace")
                return f"[LOGIN user name: {shown(self.user, 200)}]"
            return "[redacted: LOGIN password]"
        if mech == "CRAM-MD5":
            user = data.decode("utf-8", "replace").rpartition(" ")[0]
            if user:
                self.user = user
            return f"[redacted: CRAM-MD5 answer of {shown(user, 200)}]"
        if mech == "XOAUTH2":
            m = re.match(rb"user=([^\x01]*)\x01", data)
            if m:
                self.user = m.group(1).decode("utf-8", "replace")
                return f"[redacted: XOAUTH2 token of {shown(self.user, 200)}]"
            return "[redacted: XOAUTH2 answer]"
        return f"[redacted: {shown(mech, 40)} answer]"


# the mechanisms whose name a transcript shows; any other word where a mechanism goes may be a
# client's credentials sent without one, and is kept out with the rest
_SASL_NAMES = frozenset((b"PLAIN", b"LOGIN", b"CRAM-MD5", b"XOAUTH2", b"OAUTHBEARER", b"EXTERNAL", b"ANONYMOUS",
                         b"DIGEST-MD5", b"SCRAM-SHA-1", b"SCRAM-SHA-256", b"GSSAPI", b"NTLM"))


def _sasl_start(arg: bytes) -> tuple[_Sasl, bytes]:
    """AUTH / AUTHENTICATE's arguments: the exchange and its initial answer. Split on any blank,
    as the servers split them (aiosmtpd takes `AUTH PLAIN<TAB>...`); an unknown mechanism's
    exchange is all answer, kept out of the transcript."""
    parts = arg.split(None, 1)
    mech = parts[0].upper() if parts else b""
    if mech not in _SASL_NAMES:
        return _Sasl("(an unknown mechanism)"), arg.strip()
    return _Sasl(mech.decode("ascii")), parts[1] if len(parts) > 1 else b""


class _Dialogue:
    def __init__(self, t: Transcript):
        self.t = t
        self.c = _Splitter(self.client_line)
        self.s = _Splitter(self.server_line)

    def client_line(self, line: bytes, dropped: int) -> None:
        raise NotImplementedError

    def server_line(self, line: bytes, dropped: int) -> None:
        raise NotImplementedError

    def show(self, direction: str, line: bytes | str, dropped: int = 0) -> None:
        self.t.line(direction, shown(line) + (f"... [{dropped} more bytes]" if dropped else ""))


def _verb(line: bytes) -> tuple[str, bytes]:
    verb, _, rest = line.partition(b" ")
    return verb.decode("ascii", "replace").upper(), rest


class _SMTP(_Dialogue):
    def __init__(self, t):
        super().__init__(t)
        self.sasl: _Sasl | None = None
        self.body: _Content | None = None
        self.data_asked = self.quit_asked = self.tls_asked = False

    def client_line(self, line, dropped):
        if self.sasl is not None:
            return self.show("C", self.sasl.answer(line))
        verb, rest = _verb(line)
        if verb == "AUTH":
            self.sasl, initial = _sasl_start(rest)
            return self.show("C", f"AUTH {shown(self.sasl.mechanism, 40)}"
                             + (" " + self.sasl.answer(initial, initial=True) if initial.strip() else ""))
        self.quit_asked = self.quit_asked or verb == "QUIT"
        self.tls_asked = verb == "STARTTLS"
        self.show("C", line, dropped)
        if verb == "DATA" and not rest.strip():
            self.body, self.data_asked = _Content(), True     # whatever follows is the message
            self.c.take_until_dot(self.body.add, self._message_end)

    def _message_end(self) -> None:
        self.show("C", self.body.summary())
        self.show("C", ".")
        self.body = None

    def server_line(self, line, dropped):
        self.show("S", line, dropped)
        if line[3:4] == b"-":
            return                           # more lines of the same reply
        code = line[:3]
        if self.sasl is not None:
            if code == b"334":
                return self.sasl.challenge(line[4:])
            if code == b"235":
                self.t.signed_in(self.sasl.user, self.sasl.mechanism)
            self.sasl = None
        if self.data_asked:
            self.data_asked = False
            if code != b"354":
                self.body = None             # DATA refused: what follows are commands
                self.c.cancel()
        if self.quit_asked and code == b"221":
            self.t.goodbye = "QUIT"
        if self.tls_asked:
            self.tls_asked = False
            if code == b"220":
                self.t.note("tls", "STARTTLS accepted, handshake")


class _POP3(_Dialogue):
    MULTILINE = {"CAPA", "LIST", "UIDL", "AUTH"}     # without an argument

    def __init__(self, t):
        super().__init__(t)
        self.sasl: _Sasl | None = None
        self.user: str | None = None         # USER's name, for PASS
        self.pending = collections.deque(maxlen=PENDING_COMMANDS)
        self.listing = False
        self.greeted = False

    def client_line(self, line, dropped):
        if self.sasl is not None:
            return self.show("C", self.sasl.answer(line))
        verb, rest = _verb(line)
        arg = rest.strip()
        if verb == "PASS":
            self.pending.append((verb, arg, self.user))
            return self.show("C", "PASS [redacted: password]")
        if verb == "APOP":
            user = arg.rpartition(b" ")[0].decode("utf-8", "replace")
            self.pending.append((verb, arg, user))
            return self.show("C", f"APOP {shown(user, 200)} [redacted: digest]")
        if verb == "AUTH" and arg:
            self.sasl, initial = _sasl_start(arg)
            self.pending.append((verb, arg, None))
            return self.show("C", f"AUTH {shown(self.sasl.mechanism, 40)}"
                             + (" " + self.sasl.answer(initial, initial=True) if initial.strip() else ""))
        if verb == "USER":
            self.user = arg.decode("utf-8", "replace")
        self.pending.append((verb, arg, None))
        self.show("C", line, dropped)

    def server_line(self, line, dropped):
        self.show("S", line, dropped)
        if self.listing:
            self.listing = line != b"."
            return
        if self.sasl is not None and (line == b"+" or line.startswith(b"+ ")):
            return self.sasl.challenge(line[2:])
        ok = line.startswith(b"+OK")
        if not ok and not line.startswith(b"-ERR"):
            return
        if not self.greeted:
            self.greeted = True
            return
        if not self.pending:
            return
        verb, arg, user = self.pending.popleft()
        if verb == "AUTH" and self.sasl is not None:
            if ok:
                self.t.signed_in(self.sasl.user, self.sasl.mechanism)
            self.sasl = None
        elif verb in ("PASS", "APOP") and ok:
            self.t.signed_in(user, "USER/PASS" if verb == "PASS" else "APOP")
        elif verb in ("RETR", "TOP") and ok:
            content = _Content()
            self.s.take_until_dot(content.add, lambda: (self.show("S", content.summary()), self.show("S", ".")))
        elif verb in self.MULTILINE and not arg and ok:
            self.listing = True
        elif verb == "QUIT" and ok:
            self.t.goodbye = "QUIT"
        elif verb == "STLS" and ok:
            self.t.note("tls", "STLS accepted, handshake")


_TOKEN = re.compile(rb'\s*("(?:[^"\\]|\\.)*"|\{\d+\+?\}$|[^\s(){]+)')
_LITERAL = re.compile(rb"\{(\d{1,19})(\+?)\}$")
_APPENDUID = re.compile(rb"\[APPENDUID \d+ ([0-9:,]+)\]", re.I)


def _mailbox(token: bytes, decode) -> str:
    """A mailbox name as the store names it: unquoted, then decoded by the IMAP server's own
    modified UTF-7 decoder (`decode`)."""
    raw = re.sub(rb'\\(["\\])', rb"\1", token[1:-1]) if token[:1] == b'"' else token
    try:
        return decode(raw)
    except Exception:                 # not valid (the server refuses the APPEND anyway), or no decoder
        return raw.decode("utf-8", "replace")


def _uids(text: bytes) -> list[int]:
    out = []
    for part in text.decode("ascii").split(","):
        a, _, b = part.partition(":")
        out.extend(range(int(a), int(b or a) + 1) if int(b or a) - int(a) < 10000 else [int(a)])
    return out


class _Command:
    def __init__(self, tag: bytes, name: str):
        self.tag, self.name = tag, name
        self.secret = False               # LOGIN: what follows its user name is the password
        self.user_literal = False         # LOGIN: the user name comes as a literal
        self.user: str | None = None
        self.mailbox: str | None = None   # APPEND
        self.message_ids: list[str | None] = []


class _IMAP(_Dialogue):
    def __init__(self, t):
        super().__init__(t)
        self.tags: collections.OrderedDict[bytes, _Command] = collections.OrderedDict()
        self.cmd: _Command | None = None  # the command whose literal or rest is being read
        self.sasl: _Sasl | None = None
        self.sasl_tag: bytes | None = None

    # ---------------------------------------------------------- client
    def client_line(self, line, dropped):
        if self.sasl is not None:
            return self.show("C", self.sasl.answer(line))
        cmd, self.cmd = self.cmd, None
        if cmd is not None:                              # the rest of a command after a literal
            if cmd.secret:
                shown_line = "[redacted: password]" if line.strip() else ""
            else:
                shown_line = shown(line)
            if shown_line:
                self.show("C", shown_line)
            return self._literal_after(cmd, line)
        tag, _, rest = line.partition(b" ")
        verb, rest = _verb(rest)
        if verb == "UID":
            sub, rest = _verb(rest)
            verb = "UID " + sub
        cmd = _Command(tag, verb)
        if len(self.tags) >= PENDING_COMMANDS:
            self.tags.popitem(last=False)
        self.tags[tag] = cmd
        if verb == "LOGIN":
            m = _TOKEN.match(rest)
            token = m.group(1) if m else b""
            cmd.secret = True
            if _LITERAL.match(token):
                cmd.user_literal, cmd.secret = True, False
                self.show("C", f"{shown(tag, 80)} LOGIN {shown(token)}")
            else:
                cmd.user = token.strip(b'"').decode("utf-8", "replace")
                self.show("C", f"{shown(tag, 80)} LOGIN {shown(token, 300)} [redacted: password]")
            return self._literal_after(cmd, line)
        if verb == "AUTHENTICATE":
            (self.sasl, initial), self.sasl_tag = _sasl_start(rest), tag
            return self.show("C", f"{shown(tag, 80)} AUTHENTICATE {shown(self.sasl.mechanism, 40)}"
                             + (" " + self.sasl.answer(initial, initial=True) if initial.strip() else ""))
        if verb == "APPEND":
            m = _TOKEN.match(rest)
            if m and not _LITERAL.match(m.group(1)):
                cmd.mailbox = _mailbox(m.group(1), self.t.owner.decode_mailbox)
        self.show("C", line, dropped)
        self._literal_after(cmd, line)

    def _literal_after(self, cmd: _Command, line: bytes) -> None:
        """A line ending in {n} or {n+}: the client's next n bytes are its literal. A well-behaved
        client waits for the server's + before sending a {n} one, and sends nothing if the server
        answers the command instead (then the wait is called off); one that does not wait still
        has its literal read as one, as the server reads it."""
        m = _LITERAL.search(line)
        if m:
            self._take_client(cmd, int(m.group(1)))

    def _take_client(self, cmd: _Command, n: int) -> None:
        self.cmd = cmd
        content = _Content()

        def done():
            if cmd.user_literal and cmd.user is None:
                cmd.user = bytes(content.kept).decode("utf-8", "replace")
                cmd.secret = True
                self.show("C", f"[LOGIN user name: {shown(cmd.user, 300)}]")
            elif cmd.secret:
                self.show("C", "[redacted: password]")
            elif cmd.name in ("APPEND", "UID APPEND"):
                cmd.message_ids.append(content.message_id())
                self.show("C", content.summary())
            else:
                self.show("C", self._small(content))
        self.c.take(n, content.add, done)

    @staticmethod
    def _small(content: _Content) -> str:
        if content.size <= SMALL_LITERAL and b"\n" not in content.kept:
            return "[literal: " + json.dumps(bytes(content.kept).decode("utf-8", "replace"), ensure_ascii=False) + "]"
        return content.summary("literal")

    # ---------------------------------------------------------- server
    def server_line(self, line, dropped):
        self.show("S", line, dropped)
        if line == b"+" or line.startswith(b"+ "):
            if self.sasl is not None:
                self.sasl.challenge(line[2:])
            return
        m = _LITERAL.search(line)
        if m:                                      # the server's literal: FETCH BODY[], ENVELOPE...
            content = _Content()
            self.s.take(int(m.group(1)), content.add, lambda: self.show("S", self._small(content)))
        tag, _, rest = line.partition(b" ")
        cmd = self.tags.pop(tag, None) if tag != b"*" else None
        if cmd is None:
            return
        ok = rest[:3].upper() == b"OK " or rest.upper() == b"OK"
        if self.cmd is cmd:                        # answered instead of +: the literal never comes
            self.cmd = None
            self.c.cancel()
        if tag == self.sasl_tag:
            if ok:
                self.t.signed_in(self.sasl.user, self.sasl.mechanism)
            self.sasl = self.sasl_tag = None
        elif cmd.name == "LOGIN" and ok:
            self.t.signed_in(cmd.user, "LOGIN")
        elif cmd.name == "LOGOUT" and ok:
            self.t.goodbye = "LOGOUT"
        elif cmd.name == "STARTTLS" and ok:
            self.t.note("tls", "STARTTLS accepted, handshake")
        elif cmd.name in ("APPEND", "UID APPEND") and ok:
            found = _APPENDUID.search(rest)
            uids = _uids(found.group(1)) if found else []
            for i, mid in enumerate(cmd.message_ids):
                uid = uids[i] if i < len(uids) else None
                self.t.produced(Produced(self.t.user, cmd.mailbox or "", uid,
                                         self.t.owner.file_of(self.t.user, cmd.mailbox or "", uid), mid))
