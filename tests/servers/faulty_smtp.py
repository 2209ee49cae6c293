"""An SMTP server that misbehaves on purpose, in ways Postfix cannot be made to.

    with faulty_smtp("421_after_mail") as srv:     # srv.host, srv.port, srv.messages
        ...point the client at srv.host:srv.port...

Behaviours:
  ok              accepts every message and keeps it in srv.messages
  421_on_connect  greets with 421 and closes
  421_after_mail  answers MAIL FROM with 421 and closes
  drop_in_data    answers DATA with 354, reads one line of the message, then closes
  hang_in_data    takes the whole message but never answers the final dot
                  (until the client gives up or the server stops)
  drop_when_idle  accepts messages, but closes a connection silently once it has
                  been idle for idle_timeout seconds (as servers do with kept-alive sessions)

auth=True offers AUTH PLAIN/LOGIN without TLS and accepts any credentials (kept in srv.logins).
It runs aiosmtpd on 127.0.0.1, on a free port, in a background thread.
"""
from __future__ import annotations

import asyncio
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

BEHAVIOURS = ("ok", "421_on_connect", "421_after_mail", "drop_in_data", "hang_in_data", "drop_when_idle")
BYE = "421 4.3.2 Service not available, closing transmission channel"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # the message as received, dot-unstuffed, CRLF line ends


@dataclass
class FaultySMTP:
    behaviour: str
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (user, password) with auth=True
    connections: int = 0  # client connections accepted so far


class _Handler:
    def __init__(self, srv: FaultySMTP):
        self.srv = srv

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.srv.behaviour == "421_after_mail":
            return BYE
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.srv.behaviour == "hang_in_data":
            await asyncio.Event().wait()  # cancelled when the client disconnects or the server stops
        self.srv.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.original_content)))
        return "250 2.0.0 OK: queued"


class _SMTP(SMTP):
    def __init__(self, handler: _Handler, **kwargs):
        super().__init__(handler, **kwargs)
        self.behaviour = handler.srv.behaviour

    async def _hang_up(self):
        # Close, then wait for connection_lost() to cancel this session: returning
        # instead would let aiosmtpd read the client's leftover lines as commands.
        if self.transport is not None:
            self.transport.close()
        await asyncio.Event().wait()

    async def push(self, status):
        await super().push(status)
        if status[:3] in ("421", b"421"):  # "closing the channel": really close it
            await self._hang_up()

    async def _handle_client(self):
        if self.behaviour == "421_on_connect":
            await self.push(BYE)
        await super()._handle_client()

    async def smtp_DATA(self, arg):
        if self.behaviour != "drop_in_data" or not self.envelope or not self.envelope.rcpt_tos:
            return await super().smtp_DATA(arg)
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        try:
            await asyncio.wait_for(self._reader.readuntil(b"\r\n"), 5)
        except Exception:  # noqa: BLE001 - whatever happened, the point is to drop
            pass
        await self._hang_up()


class _Controller(Controller):
    """aiosmtpd's Controller on a free port (port 0), building _SMTP sessions and tracking them."""

    def __init__(self, srv: FaultySMTP, **smtp_kwargs):
        super().__init__(_Handler(srv), hostname=srv.host, port=0, server_hostname="faulty.test", **smtp_kwargs)
        self.srv = srv
        self.sessions: list[_SMTP] = []

    def factory(self):
        self.srv.connections += 1
        session = _SMTP(self.handler, **self.SMTP_kwargs)
        self.sessions.append(session)
        return session

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]  # the port the kernel chose
        super()._trigger_server()

    async def _close_all(self):
        # Close client connections and let their tasks finish before the loop stops:
        # a hung DATA handler would otherwise keep Server.wait_closed() waiting.
        for s in self.sessions:
            if s.transport is not None:
                s.transport.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _accept_anyone(srv: FaultySMTP):
    def authenticator(server, session, envelope, mechanism, auth_data):
        srv.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)
    return authenticator


@contextmanager
def faulty_smtp(behaviour: str = "ok", *, idle_timeout: float = 1.0, auth: bool = False) -> Iterator[FaultySMTP]:
    """Run a misbehaving SMTP server for the duration of the with block; see the module doc."""
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")
    srv = FaultySMTP(behaviour)
    kwargs: dict = {"timeout": idle_timeout if behaviour == "drop_when_idle" else 300}
    if auth:
        kwargs.update(authenticator=_accept_anyone(srv), auth_require_tls=False)
    controller = _Controller(srv, **kwargs)
    controller.start()
    srv.port, srv.connections = controller.port, 0  # start() made one connection of its own
    try:
        yield srv
    finally:
        asyncio.run_coroutine_threadsafe(controller._close_all(), controller.loop).result(10)
        controller.stop()
