"""The sandbox SMTP server: aiosmtpd, delivering every message into the store, never relaying.

Every recipient is local, whatever its domain: the message lands in the INBOX of the account
named by the full address (case-folded), the same account an IMAP or POP3 login with that
address opens. To, Cc and Bcc are all RCPT recipients, so each gets its copy. In strict mode
(`--accounts`) only listed accounts receive mail, and AUTH is required before MAIL.

AUTH (PLAIN, LOGIN, CRAM-MD5, XOAUTH2) is offered once the connection is encrypted, by
STARTTLS or by implicit TLS (SMTPS), as Gmail does.
"""
from __future__ import annotations

import asyncio
import base64
import email.utils
import logging
import secrets
import ssl
import time

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword, TLSSetupException

from .accounts import XOAUTH2_ERROR, Accounts, xoauth2_parse
from .faults import SMTP_STEPS, smtp_reply
from .limits import MESSAGE_SIZE_LIMIT, capped
from .store import Store, account_name
from .transcripts import NO_TRANSCRIPT, start as start_transcript, tap

HOSTNAME = "fourmail-sandbox"
log = logging.getLogger("fourmail.sandbox.smtp")


class SandboxSMTP(SMTP):
    transcript = NO_TRANSCRIPT

    def __init__(self, handler, *, accounts: Accounts, transcripts=None, **kwargs):
        # data_size_limit: announced as SIZE in EHLO; a larger MAIL SIZE= or DATA gets 552.
        super().__init__(handler, hostname=HOSTNAME, ident="fourmail sandbox ESMTP", enable_SMTPUTF8=True,
                         authenticator=self._check_login, auth_required=accounts.strict,
                         data_size_limit=MESSAGE_SIZE_LIMIT, **kwargs)
        self.accounts = accounts
        self._transcripts = transcripts
        self._open_line = 0           # bytes received since the last line end
        self.faults = getattr(accounts, "faults", None)
        self._auth_pending = False    # AUTH runs: its final answer may be a fault's
        self._data_fault = None       # a fault for the answer after the data
        for step in SMTP_STEPS:
            if step.upper() in self._smtp_methods:
                self._smtp_methods[step.upper()] = self._faulted(step, self._smtp_methods[step.upper()])

    # ------------------------------------------------------------ faults (faults.py)
    def _decide(self, step: str, *others: str):
        if not self.faults:
            return None
        user = self.session.auth_data if isinstance(self.session.auth_data, str) else None
        return self.faults.decide("smtp", step, user, *others)

    def _faulted(self, step: str, method):
        async def command(arg):
            if step == "auth":            # decided at its answer, once the user is known
                self._auth_pending = True
                try:
                    return await method(arg)
                finally:
                    self._auth_pending = False
            fault = self._decide(step, *([_recipient(arg)] if step == "rcpt" else []))
            if fault is None:
                return await method(arg)
            if step == "data" and fault.action != "drop":
                self._data_fault = fault      # the final answer, once the data is in
                try:
                    return await method(arg)
                finally:
                    self._data_fault = None   # (a DATA refused before the data never used it)
            if not await self._inject(fault, arg):
                return await method(arg)
        return command

    async def _inject(self, fault, arg=None) -> bool:
        """Do what the fault says; False: a delay, the command is then answered as usual."""
        if fault.action == "delay":
            await asyncio.sleep(fault.seconds)
            return False
        if fault.action == "drop":
            if fault.mid_transfer:        # mid-DATA: the message starts, then the line goes dead
                await super().push("354 End data with <CR><LF>.<CR><LF>")
                try:
                    await asyncio.wait_for(self._reader.readuntil(b"\r\n"), 30)
                except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    pass
            self.transport.close()
            return True
        await self.push(smtp_reply(fault, arg))
        return True

    async def push(self, status) -> None:
        code = status[:3] if isinstance(status, str) else bytes(status[:3]).decode("ascii", "replace")
        if self._auth_pending and code != "334":
            self._auth_pending = False
            fault = self._decide("auth")
            if fault is not None and fault.action != "delay":
                self.session.authenticated, self.session.auth_data = False, None
                await self._inject(fault)
                return
            if fault is not None:
                await asyncio.sleep(fault.seconds)
        await super().push(status)
        if code == "421" and self.transport is not None:
            self.transport.close()    # 421: the server closes the connection (RFC 5321 3.8)

    async def _handle_client(self) -> None:
        fault = self._decide("connect")
        if fault is not None and await self._inject(fault):
            if self.transport is not None:
                self.transport.close()    # a greeting that refuses: the server hangs up
            return
        await super()._handle_client()

    def data_received(self, data: bytes) -> None:
        # aiosmtpd drops a message once it passes data_size_limit, but keeps every piece of a
        # line that never ends (a client can make it buffer gigabytes). Such a line is longer
        # than any message the sandbox takes: past MESSAGE_SIZE_LIMIT, answer 552 and hang up.
        end = data.rfind(b"\n")
        self._open_line = len(data) - end - 1 if end >= 0 else self._open_line + len(data)
        if self._open_line > MESSAGE_SIZE_LIMIT:
            self._open_line = 0
            self._writer.write(b"552 5.3.4 Line longer than the message size limit, closing\r\n")
            self.transport.close()
            return
        super().data_received(data)

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if self._original_transport is None:             # not the end of a STARTTLS handshake
            self.transcript = start_transcript(self._transcripts, "SMTP", ssl_object is not None,
                                               transport.get_extra_info("peername"),
                                               transport.get_extra_info("sockname"))
            tap(self.transcript, self._reader, self._writer)
        if self._original_transport is None and ssl_object is not None:
            # aiosmtpd bug (aio-libs/aiosmtpd#274, #281, unfixed in 1.4.6): on an implicit-TLS
            # (SMTPS) listener it only knows TLS from its own STARTTLS, so it neither offers AUTH
            # nor accepts it ("538 Encryption required"). The connection *is* encrypted: say so.
            self._tls_protocol = transport
            self.session.ssl = {"ssl_object": ssl_object, "cipher": ssl_object.cipher()}

    def eof_received(self):
        self.transcript.eof()
        return super().eof_received()

    def connection_lost(self, error) -> None:
        if error is not None:                 # reset by the client
            self.transcript.eof()
        self.transcript.close()               # before aiosmtpd's own end of the stream
        super().connection_lost(error)

    def _timeout_cb(self):
        self.transcript.ending = "timed out"
        super()._timeout_cb()

    def _check_login(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode("utf-8", "replace")
            ok = self.accounts.check_password(user, auth_data.password.decode("utf-8", "replace"))
            self.accounts.record("SMTP", user, mechanism, ok)
            return _result(ok, user)
        return _result(False, None)

    async def auth_CRAM__MD5(self, _, args) -> AuthResult:
        challenge = f"<{secrets.randbelow(10**9)}.{int(time.time())}@{HOSTNAME}>".encode()
        answer = await self.challenge_auth(challenge)
        if answer is MISSING:
            return AuthResult(success=False, handled=True)       # '*' or bad base64: answered
        user, _, digest = answer.decode("utf-8", "replace").rpartition(" ")
        ok = bool(user) and self.accounts.check_cram_md5(user, challenge, digest)
        self.accounts.record("SMTP", user, "CRAM-MD5", ok)
        return _result(ok, user)

    async def auth_XOAUTH2(self, _, args) -> AuthResult:
        if len(args) > 1:
            try:
                answer = base64.b64decode(args[1], validate=True)
            except ValueError:
                await self.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        else:
            answer = await self.challenge_auth(b"")
            if answer is MISSING:
                return AuthResult(success=False, handled=True)
        parsed = xoauth2_parse(answer)
        ok = bool(parsed) and self.accounts.check_token(*parsed)
        if parsed:
            self.accounts.record("SMTP", parsed[0], "XOAUTH2", ok, token=parsed[1])
        if ok:
            return _result(True, parsed[0])
        # The XOAUTH2 failure: a JSON error as a challenge, the client's empty answer, then 535.
        if await self.challenge_auth(XOAUTH2_ERROR) is MISSING:
            return AuthResult(success=False, handled=True)
        return AuthResult(success=False, handled=False, message="535 5.7.8 Username and token not accepted")


def _recipient(arg: str | None) -> str:
    address = (arg or "").partition(":")[2].strip()
    return address[1:address.find(">")] if address.startswith("<") and ">" in address else address


def _result(ok: bool, user) -> AuthResult:
    # handled=False on failure: aiosmtpd then answers 535 itself (handled=True, its default,
    # would leave the client waiting for an answer no one sends).
    return AuthResult(success=True, auth_data=user) if ok else AuthResult(success=False, handled=False)


class Delivery:
    """aiosmtpd handler: recipients are checked, and the message is written to each INBOX."""

    def __init__(self, store: Store, accounts: Accounts):
        self.store, self.accounts = store, accounts

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.accounts.knows(address):
            return f"550 5.1.1 <{address}>: no such mailbox in this sandbox"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_QUIT(self, server, session, envelope) -> str:
        # recorded so a test can tell a session that said goodbye from one that was dropped
        user = session.auth_data if isinstance(session.auth_data, str) else ""
        self.accounts.record_end("SMTP", user, "QUIT")
        return "221 2.0.0 Bye"

    async def handle_exception(self, error: Exception) -> str:
        # A client that gives up its STARTTLS handshake is routine (and can be repeated at will):
        # one debug line, not aiosmtpd's traceback at ERROR for each. Other errors keep theirs.
        if isinstance(error, TLSSetupException):
            log.debug("STARTTLS handshake failed: %r", error.__cause__)
        else:
            log.error("SMTP session error", exc_info=error)
        return f"500 Error: ({type(error).__name__}) {error}"

    async def handle_DATA(self, server, session, envelope):
        fault, server._data_fault = server._data_fault, None
        if fault is not None and fault.action == "delay":
            await asyncio.sleep(fault.seconds)
            if server.transport is None or server.transport.is_closing():
                return "451 4.4.2 Timeout"      # no one to say 250 to: the mail is not taken
        elif fault is not None:
            return smtp_reply(fault)
        with_ = "ESMTP" + ("S" if session.ssl is not None else "") + ("A" if session.authenticated else "")
        trace = (f"Return-Path: <{envelope.mail_from}>\r\n"
                 f"Received: from {session.host_name or 'unknown'} by {HOSTNAME} with {with_};\r\n"
                 f"\t{email.utils.formatdate(localtime=True)}\r\n").encode("utf-8")
        accounts = list(dict.fromkeys(account_name(a) for a in envelope.rcpt_tos))
        uids = await self.store.deliver_to(accounts, trace + envelope.original_content)
        for account, uid in uids.items():
            server.transcript.stored(account, "INBOX", uid, envelope.original_content)
        log.info("delivered a message from %s to %s", envelope.mail_from, ", ".join(accounts))
        return f"250 2.0.0 OK: delivered to {len(accounts)} mailbox{'es' if len(accounts) != 1 else ''}"


async def start_smtp(store: Store, accounts: Accounts, host: str, port: int, tls: ssl.SSLContext,
                     implicit_tls: bool, transcripts=None) -> asyncio.AbstractServer:
    """An SMTP listener: SMTPS (`implicit_tls`) or SMTP offering STARTTLS."""
    loop = asyncio.get_running_loop()
    handler = Delivery(store, accounts)

    def factory():
        return SandboxSMTP(handler, accounts=accounts, tls_context=None if implicit_tls else tls, loop=loop,
                           transcripts=transcripts)

    return await loop.create_server(capped(factory, b"421 4.7.0 Too many connections, try again later\r\n"),
                                    host, port, ssl=tls if implicit_tls else None)
