"""The sandbox POP3 server (in-house: there is no maintained Python POP3 server to build on).

RFC 1939 with its extensions: AUTHORIZATION (USER/PASS, APOP, AUTH PLAIN/LOGIN/CRAM-MD5/XOAUTH2
per RFC 5034, STLS per RFC 2595, CAPA per RFC 2449), TRANSACTION (STAT, LIST, RETR, DELE, NOOP,
RSET, TOP, UIDL) and UPDATE (QUIT). It serves the INBOX of the shared store:

- the message list is fixed at login (numbers stay valid for the session); mail delivered during
  the session shows in the next one;
- DELE only marks; messages are removed at QUIT, never when a session is dropped;
- the UIDL of a message is its IMAP UID, so a message has the same id in both views (4D's
  `id` property). UIDs are never reused in a folder (the store's UID list only grows), which is
  what RFC 1939 asks of a unique-id;
- messages are sent with CRLF line ends and dot-stuffed.

Plaintext logins are accepted without TLS: the server listens on loopback only (Dovecot's
policy for local connections, which the sandbox IMAP server follows too).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import os
import re
import secrets
import ssl
import time
from dataclasses import dataclass

from .accounts import XOAUTH2_ERROR, Accounts, xoauth2_parse
from .faults import pop3_text
from .limits import PREAUTH_LITERAL_LIMIT, start_capped_server
from .store import Store, account_name, crlf, crlf_size
from .transcripts import NO_TRANSCRIPT, start as start_transcript, tap

HOSTNAME = "fourmail-sandbox"
IDLE_TIMEOUT = 600.0          # RFC 1939: the autologout timer is at least 10 minutes
MAX_BAD_COMMANDS = 20
# The longest line read: RFC 2449 allows 255 octets a command, but a SASL answer (an XOAUTH2
# token) runs to a few kilobytes. A longer line is answered -ERR and the connection closed.
LINE_LIMIT = PREAUTH_LITERAL_LIMIT
MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")
log = logging.getLogger("fourmail.sandbox.pop3")


class _Cancelled(Exception):
    """The client answered a SASL challenge with '*' or with bad base64 (already answered)."""


@dataclass
class _Msg:
    uid: int
    key: str
    size: int            # octets as sent: CRLF line ends, before dot-stuffing
    deleted: bool = False


def dot_stuff(data: bytes) -> bytes:
    """A CRLF message as a POP3 multi-line body: dot-stuffed, ending with CRLF.CRLF."""
    if data and not data.endswith(b"\r\n"):
        data += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", data) + b".\r\n"


def top(data: bytes, lines: int) -> bytes:
    """The header, the blank line, and the first `lines` lines of the body (TOP)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b"\r\n"
    head, body = data[:end + 4], data[end + 4:]
    kept = body.split(b"\r\n")
    if body.endswith(b"\r\n"):
        kept.pop()
    return head + b"".join(line + b"\r\n" for line in kept[:lines])


class POP3Session:
    transcript = NO_TRANSCRIPT

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, store: Store,
                 accounts: Accounts, tls: ssl.SSLContext | None, implicit_tls: bool):
        self.reader, self.writer = reader, writer
        self.store, self.accounts, self.tls = store, accounts, tls
        self.secure = implicit_tls
        self.timestamp = f"<{os.getpid()}.{time.time_ns()}.{secrets.randbelow(10**6)}@{HOSTNAME}>"
        self.pending_user: str | None = None
        self.account: str | None = None            # set once authenticated: TRANSACTION state
        self.msgs: list[_Msg] = []

    # ------------------------------------------------------------ I/O
    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def reply(self, ok: bool, text: str) -> None:
        await self.send(("+OK " if ok else "-ERR ").encode() + text.encode("utf-8") + b"\r\n")

    async def readline(self) -> bytes | None:
        try:
            line = await asyncio.wait_for(self.reader.readline(), IDLE_TIMEOUT)
        except asyncio.TimeoutError:
            self.transcript.ending = "timed out"
            await self.reply(False, "[SYS/PERM] autologout: idle for too long")
            return None
        except (ValueError, asyncio.LimitOverrunError):
            await self.reply(False, "line too long")
            return None
        return line if line.endswith(b"\n") else None          # EOF: the client is gone

    async def run(self) -> None:
        try:
            if await self._fault("connect", ""):
                return              # a fault's greeting (-ERR) or none: the server hangs up
            await self.reply(True, f"fourmail sandbox POP3 ready {self.timestamp}")
            bad = 0
            while True:
                raw = await self.readline()
                if raw is None:
                    return                # dropped without QUIT: nothing is deleted
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                command, _, arg = line.partition(" ")
                command = command.upper()
                log.debug("C: %s", command if command in ("PASS", "AUTH", "APOP") else line)
                state = "transaction" if self.account else "authorization"
                handler = getattr(self, f"{state}_{command}", None) if command.isalpha() else None
                if handler is None:
                    bad += 1
                    if bad >= MAX_BAD_COMMANDS:
                        await self.reply(False, "too many unknown commands, closing")
                        return
                    await self.reply(False, f"unknown command or not allowed in the {state.upper()} state")
                    continue
                bad = 0
                faulted = await self._fault(command.lower(), arg)
                if faulted == "close" or (faulted is None and await handler(arg) == "close"):
                    return
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            return
        finally:
            self.writer.close()

    # ------------------------------------------------------------ faults (faults.py)
    async def _fault(self, step: str, arg: str) -> str | None:
        """A fault in place of this answer: "answered", "close" (the session ends), or None:
        the command is answered as usual."""
        faults = getattr(self.accounts, "faults", None)
        if not faults:
            return None
        user = self.account or {"user": arg.strip(), "pass": self.pending_user,
                                "apop": arg.strip().rpartition(" ")[0]}.get(step)
        fault = faults.decide("pop3", step, user)
        if fault is None:
            return None
        if fault.action == "delay":
            await asyncio.sleep(fault.seconds)
            return None
        if fault.action == "reply":
            self.pending_user = None if step == "pass" else self.pending_user
            await self.reply(False, pop3_text(fault))
            return "close" if step == "connect" else "answered"
        if fault.mid_transfer and self.account:            # once part of the message went out
            found = self._msg(arg)
            data = self.store.read(self.account, found[1].key) if not isinstance(found, str) else None
            if data is not None:
                body = dot_stuff(crlf(data))
                await self.send(f"+OK {len(crlf(data))} octets\r\n".encode() + body[:max(1, len(body) // 2)])
        return "close"

    # ------------------------------------------------------------ AUTHORIZATION state
    async def authorization_CAPA(self, arg):
        return await self._capa()

    async def transaction_CAPA(self, arg):
        return await self._capa()

    async def _capa(self):
        caps = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER",
                "IMPLEMENTATION fourmail-sandbox"]
        if not self.account:
            caps += ["USER", "SASL " + " ".join(MECHANISMS)]
            if self.tls and not self.secure:
                caps.append("STLS")
        await self.send(b"+OK capability list follows\r\n" + "".join(c + "\r\n" for c in caps).encode() + b".\r\n")

    async def authorization_STLS(self, arg):
        if self.secure or not self.tls:
            return await self.reply(False, "TLS is already active" if self.secure else "TLS not available")
        await self.reply(True, "begin TLS negotiation")
        try:
            await self.writer.start_tls(self.tls)
        except (ssl.SSLError, ConnectionError, OSError) as e:
            log.debug("STLS handshake failed: %r", e)
            return "close"
        self.secure = True
        self.pending_user = None          # RFC 2595: forget what was said in the clear

    async def authorization_USER(self, arg):
        if not arg.strip():
            return await self.reply(False, "USER needs a name")
        self.pending_user = arg.strip()
        await self.reply(True, "send PASS")

    async def authorization_PASS(self, arg):
        user, self.pending_user = self.pending_user, None
        if user is None:
            return await self.reply(False, "USER first")
        await self._login(user, self.accounts.check_password(user, arg), "USER")

    async def authorization_APOP(self, arg):
        user, _, digest = arg.strip().rpartition(" ")
        if not user or not re.fullmatch(r"[0-9a-fA-F]{32}", digest):
            return await self.reply(False, "APOP needs a name and an MD5 digest")
        await self._login(user, self.accounts.check_apop(user, self.timestamp, digest), "APOP")

    async def authorization_AUTH(self, arg):
        mech, _, initial = arg.strip().partition(" ")
        mech = mech.upper()
        if not mech:
            return await self.send(b"+OK SASL mechanisms follow\r\n"
                                   + "".join(m + "\r\n" for m in MECHANISMS).encode() + b".\r\n")
        if mech not in MECHANISMS:
            return await self.reply(False, f"unsupported authentication mechanism {mech}")
        try:
            first = None
            if initial:
                first = b"" if initial == "=" else self._b64(initial)
            await getattr(self, "_sasl_" + mech.replace("-", "_"))(first)
        except _Cancelled as e:
            await self.reply(False, str(e))

    def _b64(self, text: str) -> bytes:
        try:
            return base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise _Cancelled("invalid base64 in the AUTH exchange") from None

    async def _challenge(self, data: bytes) -> bytes:
        await self.send(b"+ " + base64.b64encode(data) + b"\r\n")
        raw = await self.readline()
        if raw is None:
            raise ConnectionError("client gone during AUTH")
        answer = raw.decode("ascii", "replace").strip()
        if answer == "*":
            raise _Cancelled("AUTH canceled by the client")
        return self._b64(answer)

    async def _sasl_PLAIN(self, first):
        data = first if first is not None else await self._challenge(b"")
        parts = data.split(b"\0")
        if len(parts) != 3:
            raise _Cancelled("malformed PLAIN response")
        authz, user, password = (p.decode("utf-8", "replace") for p in parts)
        ok = (not authz or account_name(authz) == account_name(user)) and self.accounts.check_password(user, password)
        await self._login(user, ok, "PLAIN")

    async def _sasl_LOGIN(self, first):
        user = first if first is not None else await self._challenge(b"Username:")
        password = await self._challenge(b"Password:")
        user_text = user.decode("utf-8", "replace")
        await self._login(user_text, self.accounts.check_password(user_text, password.decode("utf-8", "replace")),
                          "LOGIN")

    async def _sasl_CRAM_MD5(self, first):
        challenge = f"<{secrets.randbelow(10**9)}.{int(time.time())}@{HOSTNAME}>".encode()
        user, _, digest = (await self._challenge(challenge)).decode("utf-8", "replace").rpartition(" ")
        await self._login(user, bool(user) and self.accounts.check_cram_md5(user, challenge, digest), "CRAM-MD5")

    async def _sasl_XOAUTH2(self, first):
        data = first if first is not None else await self._challenge(b"")
        parsed = xoauth2_parse(data)
        ok = bool(parsed) and self.accounts.check_token(*parsed)
        if parsed:
            self.accounts.record("POP3", parsed[0], "XOAUTH2", ok, token=parsed[1])
        if ok:
            return await self._login(parsed[0], True)
        # The XOAUTH2 failure: a JSON error as a challenge, the client's (empty) answer, then -ERR.
        await self.send(b"+ " + base64.b64encode(XOAUTH2_ERROR) + b"\r\n")
        await self.readline()
        await self._login(parsed[0] if parsed else "", False)

    async def _login(self, user: str, ok: bool, mechanism: str | None = None) -> None:
        if mechanism is not None:         # XOAUTH2 records itself, with its token's kind
            self.accounts.record("POP3", user, mechanism, ok)
        if not ok:
            await asyncio.sleep(0.2)        # as servers do: slow down password guessing
            return await self.reply(False, "[AUTH] authentication failed")
        account = account_name(user)
        try:
            _, messages = await self.store.messages(account)
        except TimeoutError:
            return await self.reply(False, "[IN-USE] the maildrop is locked, try again")
        msgs = []
        for m in messages:
            size = crlf_size(m.key)             # from the name (W=) when the store wrote it
            if size is None:
                try:
                    data = m.path.read_bytes()
                except FileNotFoundError:              # renamed (flags changed) since the listing
                    data = self.store.read(account, m.key)
                size = None if data is None else len(crlf(data))
            if size is not None:
                msgs.append(_Msg(m.uid, m.key, size))
        self.account, self.msgs = account, msgs
        await self.reply(True, f"logged in, {len(msgs)} messages ({sum(m.size for m in msgs)} octets)")

    async def authorization_QUIT(self, arg):
        await self.reply(True, "fourmail sandbox POP3 signing off")
        return "close"

    # ------------------------------------------------------------ TRANSACTION state
    def _msg(self, arg: str) -> tuple[int, _Msg] | str:
        """The message an argument names, or the error to answer."""
        text = arg.strip().split(" ")[0] if arg.strip() else ""
        if not text.isdigit():
            return "a message number is needed"
        n = int(text)
        if not 1 <= n <= len(self.msgs):
            return f"no such message, only {len(self.msgs)} messages in the maildrop"
        if self.msgs[n - 1].deleted:
            return f"message {n} already deleted"
        return n, self.msgs[n - 1]

    def _live(self) -> list[tuple[int, _Msg]]:
        return [(n, m) for n, m in enumerate(self.msgs, 1) if not m.deleted]

    def _uidl(self, m: _Msg) -> str:
        return str(m.uid)

    async def transaction_STAT(self, arg):
        live = self._live()
        await self.reply(True, f"{len(live)} {sum(m.size for _, m in live)}")

    async def transaction_LIST(self, arg):
        if arg.strip():
            found = self._msg(arg)
            if isinstance(found, str):
                return await self.reply(False, found)
            return await self.reply(True, f"{found[0]} {found[1].size}")
        live = self._live()
        await self.send(f"+OK {len(live)} messages ({sum(m.size for _, m in live)} octets)\r\n".encode()
                        + "".join(f"{n} {m.size}\r\n" for n, m in live).encode() + b".\r\n")

    async def transaction_UIDL(self, arg):
        if arg.strip():
            found = self._msg(arg)
            if isinstance(found, str):
                return await self.reply(False, found)
            return await self.reply(True, f"{found[0]} {self._uidl(found[1])}")
        await self.send(b"+OK unique-id listing follows\r\n"
                        + "".join(f"{n} {self._uidl(m)}\r\n" for n, m in self._live()).encode() + b".\r\n")

    async def _content(self, arg) -> tuple[int, bytes] | None:
        found = self._msg(arg)
        if isinstance(found, str):
            await self.reply(False, found)
            return None
        n, m = found
        data = self.store.read(self.account, m.key)
        if data is None:
            await self.reply(False, f"message {n} was expunged by another session")
            return None
        return n, crlf(data)

    async def transaction_RETR(self, arg):
        got = await self._content(arg)
        if got:
            await self.send(f"+OK {len(got[1])} octets\r\n".encode() + dot_stuff(got[1]))

    async def transaction_TOP(self, arg):
        parts = arg.split()
        if len(parts) != 2 or not parts[1].isdigit():
            return await self.reply(False, "TOP needs a message number and a number of lines")
        got = await self._content(parts[0])
        if got:
            await self.send(b"+OK top of message follows\r\n" + dot_stuff(top(got[1], int(parts[1]))))

    async def transaction_DELE(self, arg):
        found = self._msg(arg)
        if isinstance(found, str):
            return await self.reply(False, found)
        found[1].deleted = True
        await self.reply(True, f"message {found[0]} deleted")

    async def transaction_RSET(self, arg):
        for m in self.msgs:
            m.deleted = False
        await self.reply(True, f"maildrop has {len(self.msgs)} messages ({sum(m.size for m in self.msgs)} octets)")

    async def transaction_NOOP(self, arg):
        await self.reply(True, "")

    async def transaction_QUIT(self, arg):
        # The UPDATE state: only now are the messages marked with DELE removed.
        doomed = [m.uid for m in self.msgs if m.deleted]
        try:
            removed = await self.store.remove(self.account, doomed) if doomed else 0
        except (OSError, TimeoutError) as e:
            log.warning("POP3 UPDATE failed: %s", e)
            await self.reply(False, "[SYS/TEMP] some deleted messages not removed")
            return "close"
        await self.reply(True, f"fourmail sandbox POP3 signing off ({removed} messages deleted)")
        return "close"


async def start_pop3(store: Store, accounts: Accounts, host: str, port: int, tls: ssl.SSLContext,
                     implicit_tls: bool, transcripts=None) -> asyncio.AbstractServer:
    """A POP3 listener: POP3S (`implicit_tls`) or POP3 offering STLS."""
    async def serve(reader, writer):
        session = POP3Session(reader, writer, store, accounts, tls, implicit_tls)
        session.transcript = start_transcript(transcripts, "POP3", implicit_tls, writer.get_extra_info("peername"),
                                              writer.get_extra_info("sockname"))
        tap(session.transcript, reader, writer)
        try:
            await session.run()
        finally:
            session.transcript.close()

    return await start_capped_server(serve, host, port, b"-ERR [SYS/TEMP] too many connections, try again later\r\n",
                                     ssl=tls if implicit_tls else None, limit=LINE_LIMIT)
