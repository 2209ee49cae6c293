"""Start the sandbox: SMTP, IMAP and POP3, each in both TLS modes, on one asyncio loop in a
background thread, over one store, listening on 127.0.0.1 only.

    with Sandbox(store_dir) as sb:          # or sb.start() / sb.stop()
        for ep in sb.endpoints: ...         # Endpoint(name="imaps", protocol="IMAP", ...)
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
DEFAULT_PORT_BASE = 20000        # `fourmail sandbox`: 20587, 20465, 20143, 20993, 20110, 20995

# name, protocol, implicit TLS, the standard port it stands for
LISTENERS = (("smtp", "SMTP", False, 587), ("smtps", "SMTP", True, 465),
             ("imap", "IMAP", False, 143), ("imaps", "IMAP", True, 993),
             ("pop3", "POP3", False, 110), ("pop3s", "POP3", True, 995))


class SandboxError(Exception):
    pass


@dataclass(frozen=True)
class Endpoint:
    name: str            # smtp, smtps, imap, imaps, pop3, pop3s
    protocol: str        # SMTP, IMAP, POP3
    implicit_tls: bool   # False: plain, offering STARTTLS / STLS
    host: str
    port: int
    standard_port: int   # the port it stands in for (587, 465, 143, 993, 110, 995)

    @property
    def tls_mode(self) -> str:
        return "implicit TLS" if self.implicit_tls else ("STLS" if self.protocol == "POP3" else "STARTTLS")


def default_store_dir() -> Path:
    """The per-user data folder: $XDG_DATA_HOME/fourmail/sandbox or ~/.local/share/fourmail/sandbox."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "fourmail" / "sandbox"


class Sandbox:
    def __init__(self, store_dir: str | Path | None = None, accounts_file: str | Path | None = None,
                 port_base: int | None = None, quiet: bool = False):
        self.store_dir = Path(store_dir) if store_dir else default_store_dir()
        self.accounts_file = accounts_file
        self.port_base = port_base        # None: free ports chosen by the system
        self.quiet = quiet
        self.endpoints: list[Endpoint] = []
        self.ca_file: Path | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.AbstractServer] = []

    def __enter__(self) -> "Sandbox":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> list[Endpoint]:
        from .accounts import Accounts, AccountsError
        from .certs import server_context
        from .demo import seed
        from .store import Store
        if self.quiet:
            for name in ("mail.log", "pymap", "fourmail.sandbox"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            accounts = Accounts(self.accounts_file)
            store = Store(self.store_dir, seed=seed)
            tls = server_context(self.store_dir / "tls")
        except AccountsError as e:
            raise SandboxError(str(e)) from None
        except OSError as e:
            raise SandboxError(f"cannot use the sandbox folder {self.store_dir}: {e.strerror or e}") from None
        self.ca_file = self.store_dir / "tls" / "ca.pem"
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(self._loop_error)
        self._thread = threading.Thread(target=self._loop.run_forever, name="fourmail-sandbox", daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(store, accounts, tls), self._loop)
        try:
            self.endpoints = future.result(timeout=60)
        except OSError as e:
            self.stop()
            raise SandboxError(f"cannot listen: {e.strerror or e}"
                               + (" (is another sandbox running? try --port-base)" if self.port_base else "")) from None
        return self.endpoints

    async def _listen(self, store, accounts, tls) -> list[Endpoint]:
        from .imap_server import start_imap
        from .pop3_server import start_pop3
        from .smtp_server import start_smtp
        starters = {"SMTP": start_smtp, "IMAP": start_imap, "POP3": start_pop3}
        assert ipaddress.ip_address(LOOPBACK).is_loopback        # never anything but loopback
        endpoints = []
        for name, protocol, implicit, standard in LISTENERS:
            port = self.port_base + standard if self.port_base else 0
            server = await starters[protocol](store, accounts, LOOPBACK, port, tls, implicit)
            self._servers.append(server)
            host, port = server.sockets[0].getsockname()[:2]
            endpoints.append(Endpoint(name, protocol, implicit, host, port, standard))
        return endpoints

    def _loop_error(self, loop, context) -> None:
        # A client that drops mid-handshake or rejects the certificate is not the sandbox's problem.
        logging.getLogger("fourmail.sandbox").debug("%s: %s", context.get("message"), context.get("exception"))

    def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None:
            return

        async def shutdown():
            for server in self._servers:
                server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10)
            except Exception:
                pass
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(timeout=10)
        self._servers = []
        if not loop.is_running():
            loop.close()

    def endpoint(self, name: str) -> Endpoint:
        return next(e for e in self.endpoints if e.name == name)
