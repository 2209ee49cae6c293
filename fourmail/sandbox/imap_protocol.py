"""pymap 0.36.7's IMAP protocol layer made safe against what any client may send.

Everything here answers BAD or NO and keeps the session where pymap hung, buffered without bound
or ended the session with `* BYE [SERVERBUG]`:

- A mailbox name with an unclosed `&` (`R&D`, as curl sends it) sent pymap's modified UTF-7
  decoder into an endless loop on the event loop, freezing every listener. `modutf7_decode` is
  replaced by a strict one-pass decoder (RFC 3501 5.1.3) that every mailbox name and LIST
  pattern goes through; whatever it cannot decode is a parse error, hence BAD.
- Literals: before login no literal may exceed PREAUTH_LITERAL_LIMIT, after login none may exceed
  MESSAGE_SIZE_LIMIT, announced as APPENDLIMIT (RFC 7889), and one command may not bring more
  than that in all. A synchronizing literal over the limit gets its tagged answer instead of the
  `+` (NO [TOOBIG] for APPEND, as RFC 7889 and RFC 4469 say; BAD [TOOBIG] otherwise), so the
  client never sends it. A LITERAL+ one is on its way already: BAD [TOOBIG], then BYE and the
  connection is closed rather than reading it (RFC 7888 section 4 allows either).
- A line longer than the stream's limit (64 KiB, Dovecot's too) raised ValueError: it is read to
  its end without being kept and answered BAD.
- Deeply nested SEARCH keys exhausted Python's recursion: BAD. So is any other error while
  parsing (8-bit text in a SEARCH string ended the session).
- Any other unexpected error inside a command answers `NO [SERVERBUG]` and the session goes on
  (Dovecot's answer to an internal error), logged on the "fourmail.sandbox" logger.

- Faults (faults.py) take the place of an answer where each is computed (Connection._exec).

- A refused XOAUTH2 token gets Gmail's answer (RFC 7628 §3.2.2): the JSON error as a `+`
  challenge, the client's answer, then NO [AUTHENTICATIONFAILED]; pymap answered NO at once.

And two costs of big answers: responses go out 64 KiB at a time, draining between batches (pymap
made a send() per piece, 50,000 for FETCH 1:* FLAGS of 10,000 messages, and buffered a whole
FETCH BODY[] in memory), and byte formatting skips typing-Protocol checks (20 us each).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re

from .limits import MESSAGE_SIZE_LIMIT, PREAUTH_LITERAL_LIMIT

_log = logging.getLogger("fourmail.sandbox")
_pymap_log = logging.getLogger("pymap.imap")
_B64 = re.compile(rb"[A-Za-z0-9+,]*")
_TAG = re.compile(rb"[\x21-\x7e]{1,64}")                     # enough of a tag to answer it
_BATCH = 65536                          # bytes of response written at a time
_LINE = 65536                           # asyncio's stream limit: the longest line read
_LITERAL_PLUS = re.compile(rb"\{(\d{1,19})\+\}\r?\n$")
_server_class = None


def modutf7_decode(data: bytes) -> str:
    """A mailbox name in modified UTF-7 (RFC 3501 5.1.3), strictly: `&-` is `&`, `&...-` is
    base64 (`,` for `/`) of UTF-16BE, the rest is itself. 8-bit text is taken as UTF-8 (as
    clients that skip the encoding send it). Raises NotParseable, never loops."""
    from pymap.parsing.exceptions import NotParseable
    data = bytes(data)
    out, i = [], 0
    try:
        while i < len(data):
            amp = data.find(b"&", i)
            if amp < 0:
                out.append(data[i:].decode("utf-8"))
                break
            out.append(data[i:amp].decode("utf-8"))
            end = data.find(b"-", amp + 1)
            if end < 0:
                raise ValueError("unclosed '&'")
            chunk = data[amp + 1:end]
            if not chunk:
                out.append("&")
            else:
                if not _B64.fullmatch(chunk):
                    raise ValueError("not modified base64")
                raw = base64.b64decode(chunk + b"=" * (-len(chunk) % 4), altchars=b"+,", validate=True)
                out.append(raw.decode("utf-16-be"))
            i = end + 1
    except (ValueError, binascii.Error) as e:       # UnicodeDecodeError is a ValueError
        raise NotParseable(data, b"CANNOT") from e
    name = "".join(out)
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in name):
        raise NotParseable(data, b"CANNOT")            # no file name may hold them
    return name


class _Batch:
    """A write stream that collects what it is given until flush()."""

    def __init__(self, writer):
        self.writer, self.parts, self.size = writer, [], 0

    def write(self, data) -> None:
        self.parts.append(data)
        self.size += len(data)

    def flush(self) -> None:
        if self.parts:
            self.writer.write(b"".join(self.parts))
            self.parts, self.size = [], 0


class _LineTooLong(Exception):
    def __init__(self, head: bytes, literal_plus: bool):
        self.head, self.literal_plus = head, literal_plus


class _TooBig(Exception):
    def __init__(self, head: bytes):
        self.head = head


def _tag(line: bytes) -> bytes:
    m = _TAG.match(line)
    return m.group(0) if m else b"*"


def server_class():
    """The sandbox's IMAPServer class; the first call also patches pymap (imported on first use
    only, as `fourmail run` without --sandbox never loads it)."""
    global _server_class
    if _server_class is None:
        _server_class = _build()
    return _server_class


def _build():
    from pymap.exceptions import ResponseError
    from pymap.imap import IMAPConnection, IMAPServer
    from pymap.imap.state import ConnectionState
    from pymap.parsing.commands import InvalidCommand
    from pymap.parsing.state import ParsingInterrupt, ParsingState
    from pymap.parsing.response import (CommandResponse, Response, ResponseBad, ResponseBye, ResponseCode,
                                        ResponseNo, ResponseOk)
    from pysasl.exception import AuthenticationError
    from pymap.context import current_command
    from pymap.exceptions import ResponseError as _ResponseError
    from .faults import imap_text
    too_big = ResponseCode.of(b"TOOBIG")

    class _Greeting(_ResponseError):
        """A fault at connect: the greeting is `* BYE` and the connection closes."""

        def __init__(self, text: bytes):
            super().__init__()
            self.text = text

        def get_response(self, tag: bytes):
            return ResponseBye(self.text)

    class Refused(InvalidCommand):
        """A command answered before it was parsed (or read): `response` is the answer."""

        def __init__(self, params, response):
            super().__init__(params, None)
            self.response = response

    class Connection(IMAPConnection):
        # A subclass without __slots__: room for the per-command limits. One literal may be
        # `limit` bytes; all a command brings after its first line (literals and the lines
        # between them) at most `limit` + one line more.
        limit = budget = PREAUTH_LITERAL_LIMIT

        async def _line(self) -> bytes:
            """One line, or _LineTooLong after reading and dropping it whole."""
            try:
                return await self.reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as e:
                return e.partial                         # end of stream: readline() raises EOFError
            except asyncio.LimitOverrunError as e:
                head = await self.reader.readexactly(e.consumed)
                tail = head[-32:]
                while True:
                    try:
                        tail = (tail + await self.reader.readuntil(b"\n"))[-32:]
                        break
                    except asyncio.LimitOverrunError as more:
                        tail = (tail + await self.reader.readexactly(more.consumed))[-32:]
                    except asyncio.IncompleteReadError:
                        raise EOFError() from None
                raise _LineTooLong(head[:128], bool(_LITERAL_PLUS.search(tail))) from None

        def _spend(self, n: int, head: bytes, literal: bool = True) -> None:
            if (literal and n > self.limit) or n > self.budget:
                raise _TooBig(head[:128])
            self.budget -= n

        async def readline(self) -> memoryview:
            buf = bytearray(await self._line())
            while True:
                if not buf.endswith(b"\n"):
                    raise EOFError()
                lit_plus = _LITERAL_PLUS.search(buf, max(0, len(buf) - 32))
                if not lit_plus:
                    self._print("%s -->| %s", buf)
                    return memoryview(buf)
                self._spend(int(lit_plus.group(1)), bytes(buf))
                buf += await self.reader.readexactly(int(lit_plus.group(1)))
                line = await self._line()
                self._spend(len(line), bytes(buf), literal=False)
                buf += line

        async def _refuse_and_close(self, head: bytes, text: bytes, code=None) -> None:
            await self.write_response(ResponseBad(_tag(head), text, code))
            await self.write_response(ResponseBye(b"Closing: the client sends what it was refused."))
            raise EOFError()

        async def read_command(self, state):
            authed = state._session is not None
            self.limit = MESSAGE_SIZE_LIMIT if authed else PREAUTH_LITERAL_LIMIT
            self.budget = self.limit + _LINE
            base = self.params if authed else self.params.copy(max_append_len=PREAUTH_LITERAL_LIMIT)
            try:
                line = await self.readline()
            except _LineTooLong as e:
                if e.literal_plus:
                    await self._refuse_and_close(e.head, b"Line too long.")
                return Refused(base.copy(tag=_tag(e.head)), ResponseBad(_tag(e.head), b"Line too long."))
            except _TooBig as e:
                await self._refuse_and_close(e.head, b"Literal too big.", too_big)
            conts: list[memoryview] = []
            tag = _tag(bytes(line))
            while True:
                params = base.copy(ParsingState(continuations=conts))
                try:
                    cmd, _ = self.commands.parse(line, params)
                except ParsingInterrupt as interrupt:
                    length = getattr(interrupt.expected, "literal_length", 0)
                    if length > self.limit or length > self.budget:     # no "+": it is never sent
                        return self._too_big(base, tag, line, authed)
                    self.budget -= length
                    try:
                        await self._interrupt(state, interrupt, conts)
                    except _LineTooLong as e:
                        if e.literal_plus:
                            await self._refuse_and_close(tag, b"Line too long.")
                        return Refused(base.copy(tag=tag), ResponseBad(tag, b"Line too long."))
                    except _TooBig:
                        await self._refuse_and_close(tag, b"Literal too big.", too_big)
                except RecursionError:
                    return Refused(base.copy(tag=tag), ResponseBad(tag, b"Command nested too deeply."))
                except Exception:                        # e.g. 8-bit text where a charset fails
                    _log.exception("IMAP command not parsed: %r", bytes(line[:80]))
                    return Refused(base.copy(tag=tag), ResponseBad(tag, b"Command not understood."))
                else:
                    exc = getattr(cmd, "parse_exc", None)
                    if isinstance(cmd, InvalidCommand) and exc is not None and exc.code is not None \
                            and bytes(exc.code) == bytes(too_big):
                        return self._too_big(base, tag, line, authed)
                    return cmd

        def _too_big(self, params, tag: bytes, line, authed: bool):
            # RFC 7889: an APPEND over APPENDLIMIT is NO [TOOBIG]; before login it is no command at all
            if authed and bytes(line[:160]).upper().split(b" ", 2)[1:2] == [b"APPEND"]:
                return Refused(params.copy(tag=tag), ResponseNo(tag, b"Message too big.", too_big))
            return Refused(params.copy(tag=tag), ResponseBad(tag, b"Literal too big.", too_big))

        async def write_response(self, resp) -> None:
            # pymap wrote each piece of each response with its own send(), buffered a whole
            # FETCH 1:* BODY[] in the transport before draining once, and serialised every
            # response a second time for a debug log that is off. Write 64 KiB at a time,
            # draining (and so letting the other connections run) between batches.
            out = _Batch(self.writer)
            try:
                if isinstance(resp, CommandResponse):
                    for untagged in resp._untagged:
                        await untagged.async_write(out)
                        if out.size >= _BATCH:
                            out.flush()
                            await self.writer.drain()
                            await asyncio.sleep(0)
                    Response.write(resp, out)              # the tagged line
                else:
                    await resp.async_write(out)
                out.flush()
                await self.writer.drain()
            except ConnectionError:
                pass
            else:
                if _pymap_log.isEnabledFor(logging.DEBUG):
                    self._print("%s <--| %s", bytes(resp))

        # ------------------------------------------------ faults (faults.py): every answer,
        # the greeting included, is computed in _exec, where a fault takes its place
        faults = state = creds = None

        async def run(self, state) -> None:
            self.state, self.faults = state, getattr(getattr(state.login, "accounts", None), "faults", None)
            await super().run(state)

        async def _exec(self, future):
            cmd = current_command.get(None)
            fault = self._fault(cmd) if self.faults else None
            if fault is None:
                return await super()._exec(future)
            try:
                return await self._inject(fault, cmd, future)
            finally:
                future.close()          # if it never ran (a reply, or the client left), it does nothing

        async def _inject(self, fault, cmd, future):
            if fault.action == "delay":
                await asyncio.sleep(fault.seconds)
                return await super()._exec(future)
            if fault.mid_transfer:                  # once part of the data went out
                await self._cut(await super()._exec(future))
            if fault.action == "drop":
                self.writer.close()
                raise EOFError()
            text = imap_text(fault).encode("utf-8")
            if cmd is None:                         # a greeting is OK, PREAUTH or BYE (RFC 3501 7.1)
                raise _Greeting(text)
            return {"NO": ResponseNo, "BAD": ResponseBad}[fault.code](cmd.tag, text) \
                if fault.code != "BYE" else ResponseBye(text)

        def _fault(self, cmd):
            if cmd is None:
                step = "connect"
            elif isinstance(cmd, InvalidCommand):
                return None
            else:
                step = bytes(cmd.command).decode("ascii", "replace").split()[-1].lower()
            session = getattr(self.state, "_session", None)
            user = session.owner if session is not None else None
            if user is None and step == "login":
                user = bytes(cmd.userid).decode("utf-8", "replace")
            elif user is None and step == "authenticate" and self.creds is not None:
                user = self.creds.authcid or self.creds.authzid
            return self.faults.decide("imap", step, user)

        async def _cut(self, resp) -> None:
            """Half of the answer, the start of the message's bytes with it."""
            parts: list[bytes] = []
            out = _Batch(type("_Sink", (), {"write": staticmethod(parts.append)}))
            for untagged in resp._untagged:
                await untagged.async_write(out)
            Response.write(resp, out)
            out.flush()
            data = b"".join(parts)
            self.writer.write(data[:max(1, len(data) // 2)])
            try:
                await self.writer.drain()
            except ConnectionError:
                pass

        async def authenticate(self, state, mech_name):
            try:
                creds = self.creds = await super().authenticate(state, mech_name)
                refused = getattr(state.login, "xoauth2_refused", None)
                if creds is not None and refused is not None and refused(creds):
                    from pymap.parsing.response import ResponseContinuation
                    from .accounts import XOAUTH2_ERROR
                    await self.write_response(ResponseContinuation(base64.b64encode(XOAUTH2_ERROR)))
                    await self.read_continuation(0)        # empty (or '*'): the refusal follows
                return creds
            except (_LineTooLong, _TooBig):
                raise AuthenticationError("Response too long.") from None

        async def read_idle_done(self, cmd) -> bool:
            try:
                return await super().read_idle_done(cmd)
            except (_LineTooLong, _TooBig):              # answered BAD: "Expected DONE"
                return False

    class Server(IMAPServer):
        transcripts = None                                # transcripts.Transcripts

        async def __call__(self, reader, writer, sock_info) -> None:
            from contextlib import AsyncExitStack, closing
            from pymap.context import connection_exit
            from .transcripts import start, tap
            transcript = start(self.transcripts, "IMAP", writer.get_extra_info("ssl_object") is not None,
                               writer.get_extra_info("peername"), writer.get_extra_info("sockname"))
            tap(transcript, reader, writer)
            conn = Connection(self.commands, self._config, reader, writer, sock_info)
            state = ConnectionState(self._login, self._config)
            try:
                async with AsyncExitStack() as stack:
                    connection_exit.set(stack)
                    stack.enter_context(closing(conn))
                    await conn.run(state)
            finally:
                transcript.close()

    original_do_command = ConnectionState.do_command

    async def do_command(self, cmd):
        if isinstance(cmd, Refused):
            return cmd.response
        try:
            return await original_do_command(self, cmd)
        except (ResponseError, AuthenticationError, TimeoutError, ConnectionError, EOFError):
            raise                                        # pymap answers these itself
        except RecursionError:
            return ResponseBad(cmd.tag, b"Command nested too deeply.")
        except Exception:
            _log.exception("IMAP %s failed", bytes(cmd.command).decode("ascii", "replace"))
            return ResponseNo(cmd.tag, b"Internal error.", ResponseCode.of(b"SERVERBUG"))

    import pymap.parsing.command.auth as auth_commands
    import pymap.parsing.modutf7 as modutf7
    import pymap.parsing.specials.mailbox as mailbox_special
    for module in (modutf7, auth_commands, mailbox_special):     # each imported the name itself
        module.modutf7_decode = modutf7_decode
    ConnectionState.do_command = do_command

    from pymap.fetch import MessageAttributes
    from pymap.parsing.specials import FetchRequirement
    from pymap.parsing.response.specials import FetchResponse

    async def do_fetch(self, cmd):
        # pymap's, with a turn for the other connections every 1,024 answers built, and no
        # loading hook when nothing is to be loaded
        if not cmd.uid:
            self.selected.hide_expunged = True
        set_seen = not self.selected.readonly and any(attr.set_seen for attr in cmd.attributes)
        messages, updates = await self.session.fetch_messages(self.selected, cmd.sequence_set, set_seen)
        resp = ResponseOk(cmd.tag, cmd.command + b" completed.")
        for i, (msg_seq, msg) in enumerate(messages, 1):
            if i % 1024 == 0:
                await asyncio.sleep(0)
            if msg.expunged:
                resp.code = ResponseCode.of(b"EXPUNGEISSUED")
            msg_attrs = MessageAttributes(msg, self.selected, cmd.attributes)
            # FLAGS, UID, INTERNALDATE need nothing loaded: no loading hook around their writing
            hook = None if msg_attrs.requirement.has_none(FetchRequirement.CONTENT) else msg_attrs.load_hook()
            resp.add_untagged(FetchResponse(msg_seq, msg_attrs, writing_hook=hook))
        return resp, updates

    ConnectionState.do_fetch = do_fetch

    from pymap.bytes import BytesFormat
    original_mod = BytesFormat.__mod__

    def mod(self, other):
        # a tuple is always formatted item by item: skip the typing-Protocol isinstance checks
        # (about 20 us each on Python 3.11) that pymap makes before finding that out
        return self.format(other) if type(other) is tuple else original_mod(self, other)

    BytesFormat.__mod__ = mod
    return Server
