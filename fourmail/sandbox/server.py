"""Start the sandbox: SMTP, IMAP and POP3, each in both TLS modes, over one store, and the OAuth 2.0
provider over HTTPS (oauth_provider.py), listening on 127.0.0.1 only. Each protocol has its own
asyncio loop in its own thread, so a slow command of one server (an IMAP SEARCH on a large
mailbox) never delays the others' answers.

    with Sandbox(store_dir) as sb:          # or sb.start() / sb.stop()
        for ep in sb.endpoints: ...         # Endpoint(name="imaps", protocol="IMAP", ...): mail
        sb.web                              # Endpoint(name="https", protocol="HTTPS", ...)
        sb.inbox_url                        # the web inbox and its Mailpit-style API (web/)
        sb.oauth.expire_tokens()            # the provider's tokens (token_lifetime, code_lifetime)
        sb.sign_ins                         # every sign-in seen: protocol, user, mechanism...
        sb.transcripts.list() / .get(id)    # every session's dialogue (transcripts.py)

What the loops share is safe across threads: the store coordinates through its lock files
(store.py), the TLS context and the accounts are read-only once made.
"""
from __future__ import annotations

import asyncio
import asyncio.sslproto as sslproto
import errno
import inspect
import ipaddress
import logging
import os
import threading
import time
from concurrent.futures import wait
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
DEFAULT_PORT_BASE = 20000        # `fourmail sandbox`: 20587, 20465, 20143, 20993, 20110, 20995
STOP_SECONDS = 2.0               # stop() waits no longer than this for the loops, stuck or not
TLS_READ_BUFFER = 16 * 1024      # one TLS record; asyncio reads into a 256 KiB buffer per connection
HANDSHAKE_SECONDS = 10.0         # a TLS handshake not done by then is dropped (asyncio's default: 60)

# name, protocol, implicit TLS, the standard port it stands for
LISTENERS = (("smtp", "SMTP", False, 587), ("smtps", "SMTP", True, 465),
             ("imap", "IMAP", False, 143), ("imaps", "IMAP", True, 993),
             ("pop3", "POP3", False, 110), ("pop3s", "POP3", True, 995))
WEB_LISTENER = ("https", "HTTPS", True, 443)      # the OAuth 2.0 provider; not a mail endpoint
INBOX_LISTENER = ("http", "HTTP", False, 8025)    # the web inbox (web/), on the provider's loop; Mailpit's port


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


def _loop_error(loop, context) -> None:
    # A client that drops mid-handshake or rejects the certificate is not the sandbox's problem.
    logging.getLogger("fourmail.sandbox").debug("%s: %s", context.get("message"), context.get("exception"))


BAD_REQUEST_LOGGED = 200         # characters of a client's bad HTTP request a log line shows


class _BadRequestOneLine(logging.Filter):
    """aiohttp logs a request it cannot parse (a line over 8 KiB, bytes that are not HTTP) with its
    parser's traceback: that is the client's mistake, worth one line, not nine."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            said = " ".join(f"{error.code} {error.message}".split())
            if len(said) > BAD_REQUEST_LOGGED:
                said = said[:BAD_REQUEST_LOGGED] + "..."
            record.msg, record.args = "%s: %s", (record.getMessage(), said)
            record.exc_info = record.exc_text = None
        return True


_BAD_REQUEST_ONE_LINE = _BadRequestOneLine()


def _quiet_bad_requests() -> None:
    for name in ("aiohttp.server", "aiohttp.access", "aiohttp.web"):
        logger = logging.getLogger(name)
        if _BAD_REQUEST_ONE_LINE not in logger.filters:
            logger.addFilter(_BAD_REQUEST_ONE_LINE)


def _libc_trim():
    try:
        import ctypes
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):         # not glibc: nothing to trim
        return None


_malloc_trim = _libc_trim()
_last_trim = 0.0


def _trim_heap() -> None:
    """Give the memory a burst of failed handshakes freed back to the system, at most once a second.
    glibc keeps what OpenSSL frees in the loop threads' arenas otherwise (~20 MB per loop after
    3,000 handshakes, measured), which shows as RSS that never comes down."""
    global _last_trim
    now = time.monotonic()
    if _malloc_trim is not None and now - _last_trim > 1.0:
        _last_trim = now
        _malloc_trim(0)


class _Loop(asyncio.SelectorEventLoop):
    """The sandbox's event loop: asyncio's, with a failed TLS handshake left collectable.

    On Python 3.11 (and later, as of this writing), when a server-side handshake fails (a client
    sends half a ClientHello and goes away), the waiter future asyncio's accept code awaits keeps
    the exception, whose traceback keeps that coroutine's frame, which keeps the waiter: a cycle
    holding the connection's SSLProtocol and its 256 KiB buffer. Only a full garbage collection
    frees it, and nothing here triggers one, so memory grows by ~100 KB per abandoned handshake
    (45 -> 416 MB after ~3,600). Here the accept code's waiter is completed without the exception
    (the failed connection is already closed by then), and STARTTLS failures are re-raised
    without the traceback that holds start_tls's frame.

    Each TLS connection also gets a read buffer of SSLProtocol.max_size (256 KiB): a burst of
    connections then leaves the heap fragmented for good. TLS_READ_BUFFER (set for the process
    when a sandbox starts: fourmail's only asyncio TLS is the sandbox) keeps that small."""

    def _make_ssl_transport(self, *args, waiter=None, **kwargs):
        if waiter is None:
            return super()._make_ssl_transport(*args, **kwargs)
        inner = self.create_future()

        def relay(done: asyncio.Future) -> None:
            if not done.cancelled() and done.exception() is not None:
                _trim_heap()                # the connection is closed: nothing else to do or report
            if not waiter.done():
                waiter.set_result(None)

        inner.add_done_callback(relay)
        return super()._make_ssl_transport(*args, waiter=inner, **kwargs)

    async def start_tls(self, *args, ssl_handshake_timeout=HANDSHAKE_SECONDS, **kwargs):
        try:
            return await super().start_tls(*args, ssl_handshake_timeout=ssl_handshake_timeout, **kwargs)
        except BaseException as e:
            raise e.with_traceback(None)

    async def create_server(self, *args, ssl_handshake_timeout=None, **kwargs):
        if kwargs.get("ssl") is not None and ssl_handshake_timeout is None:
            ssl_handshake_timeout = HANDSHAKE_SECONDS
        return await super().create_server(*args, ssl_handshake_timeout=ssl_handshake_timeout, **kwargs)


class _ProtocolLoop:
    """One protocol's event loop, run in a daemon thread of its own."""

    def __init__(self, protocol: str):
        self.protocol = protocol
        self.loop = _Loop()
        self.loop.set_exception_handler(_loop_error)
        self.servers: list[asyncio.AbstractServer] = []
        self.cleanups: list = []             # coroutine functions run at shutdown (aiohttp's runner)
        self.thread = threading.Thread(target=self.loop.run_forever, name=f"fourmail-sandbox-{protocol.lower()}",
                                       daemon=True)
        self.thread.start()

    def submit(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def shutdown(self) -> None:
        for server in self.servers:
            server.close()
        for cleanup in self.cleanups:
            try:
                await asyncio.wait_for(cleanup(), STOP_SECONDS / 2)
            except Exception:                  # stopping anyway: what is left is cancelled below
                pass
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def listen_error(e: OSError, port_base: int | None) -> str:
    """What to tell the user when a listener cannot bind."""
    if e.errno in (errno.EACCES, errno.EPERM):
        low = port_base is not None and port_base + min(p for *_, p in LISTENERS) < 1024
        return (f"cannot listen: {e.strerror}"
                + (f" (ports below 1024 need root: --port-base {port_base} asks for ports from "
                   f"{port_base + 110} to {port_base + 995}; try --port-base {DEFAULT_PORT_BASE})" if low else ""))
    if e.errno == errno.EADDRINUSE:
        return (f"cannot listen: {e.strerror}"
                + (" (is another sandbox running? try another --port-base)" if port_base else ""))
    return f"cannot listen: {e.strerror or e}"


class Sandbox:
    def __init__(self, store_dir: str | Path | None = None, accounts_file: str | Path | None = None,
                 port_base: int | None = None, quiet: bool = False, token_lifetime: float | None = None):
        self.store_dir = Path(store_dir) if store_dir else default_store_dir()
        self.accounts_file = accounts_file
        self.port_base = port_base        # None or 0: free ports chosen by the system
        self.quiet = quiet
        self.endpoints: list[Endpoint] = []
        self.ca_file: Path | None = None
        self.web: Endpoint | None = None        # the OAuth 2.0 provider (HTTPS)
        self.inbox: Endpoint | None = None      # the web inbox (plain HTTP, loopback)
        self.store = None                       # the store.Store the servers share
        self.oauth = None                       # its oauth_provider.TokenStore
        self.token_lifetime = token_lifetime
        from .faults import Faults
        self.faults = Faults()        # faults the servers inject on purpose (faults.py), set any time
        self.faults.on_change = lambda _: self._oauth_faults()
        self._token_lifetime_kept: float | None = None
        self._accounts = None
        self._loops: dict[str, _ProtocolLoop] = {}
        from .transcripts import Transcripts
        self.transcripts = Transcripts(self.store_dir)     # each session's dialogue, kept with the store

    def __enter__(self) -> "Sandbox":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> list[Endpoint]:
        from .accounts import Accounts, AccountsError
        from .certs import server_context
        from .demo import seed
        from .limits import raise_open_files_limit
        from .oauth_provider import TokenStore
        from .store import Store
        for name in ("mail.log", "pymap.imap"):
            # their DEBUG traces hold every line a client sends, passwords and tokens included
            if logging.getLogger(name).getEffectiveLevel() < logging.INFO:
                logging.getLogger(name).setLevel(logging.INFO)
        _quiet_bad_requests()
        if self.quiet:
            for name in ("mail.log", "pymap", "fourmail.sandbox", "aiohttp"):
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
        self.transcripts.store = store
        self.oauth = accounts.tokens = TokenStore(accounts)
        if self.token_lifetime is not None:
            self.oauth.token_lifetime = self.token_lifetime
        accounts.faults = self.faults
        self._oauth_faults()
        self._accounts = accounts
        self.store = store
        if self.port_base and not 0 < self.port_base + max(p for *_, p in LISTENERS + (INBOX_LISTENER,)) <= 65535:
            raise SandboxError(f"cannot listen: --port-base {self.port_base} gives ports outside 1 to 65535")
        sslproto.SSLProtocol.max_size = TLS_READ_BUFFER
        raise_open_files_limit()
        protocols = dict.fromkeys(protocol for _, protocol, *_ in LISTENERS + (WEB_LISTENER,))
        self._loops = {p: _ProtocolLoop(p) for p in protocols}
        futures = {p: lp.submit(self._listen(lp, store, accounts, tls)) for p, lp in self._loops.items()}
        try:
            found = {}
            for p, future in futures.items():
                found.update(future.result(timeout=60))
        except OSError as e:
            self.stop()
            raise SandboxError(listen_error(e, self.port_base)) from None
        self.endpoints = [found[name] for name, *_ in LISTENERS]
        self.web = found[WEB_LISTENER[0]]
        self.inbox = found[INBOX_LISTENER[0]]
        return self.endpoints

    async def _listen(self, lp: _ProtocolLoop, store, accounts, tls) -> dict[str, Endpoint]:
        from .imap_server import start_imap
        from .pop3_server import start_pop3
        from .smtp_server import start_smtp
        assert ipaddress.ip_address(LOOPBACK).is_loopback        # never anything but loopback
        if lp.protocol == WEB_LISTENER[1]:
            from .oauth_provider import start_https
            name, protocol, implicit, standard = WEB_LISTENER
            runner, _ = await start_https(accounts.tokens, LOOPBACK,
                                          self.port_base + standard if self.port_base else 0, tls)
            lp.cleanups.append(runner.cleanup)
            host, port = runner.addresses[0][:2]
            found = {name: Endpoint(name, protocol, implicit, host, port, standard)}
            from .web import start_web
            name, protocol, implicit, standard = INBOX_LISTENER
            runner = await start_web(self, LOOPBACK, self.port_base + standard if self.port_base else 0)
            lp.cleanups.append(runner.cleanup)
            host, port = runner.addresses[0][:2]
            found[name] = Endpoint(name, protocol, implicit, host, port, standard)
            return found
        starter = {"SMTP": start_smtp, "IMAP": start_imap, "POP3": start_pop3}[lp.protocol]
        endpoints = {}
        for name, protocol, implicit, standard in LISTENERS:
            if protocol != lp.protocol:
                continue
            port = self.port_base + standard if self.port_base else 0
            server = await starter(store, accounts, LOOPBACK, port, tls, implicit, transcripts=self.transcripts)
            lp.servers.append(server)
            host, port = server.sockets[0].getsockname()[:2]
            endpoints[name] = Endpoint(name, protocol, implicit, host, port, standard)
        return endpoints

    def stop(self) -> None:
        """Close the listeners and end every session; a loop that does not answer within
        STOP_SECONDS (a command stuck on it) is left to its daemon thread."""
        loops, self._loops = list(self._loops.values()), {}
        if not loops:
            return
        self.transcripts.close_all("sandbox stopped")
        deadline = time.monotonic() + STOP_SECONDS
        shutdowns = [lp.shutdown() for lp in loops]
        wait([lp.submit(coro) for lp, coro in zip(loops, shutdowns)], timeout=STOP_SECONDS)
        for coro in shutdowns:
            if inspect.getcoroutinestate(coro) == inspect.CORO_CREATED:
                coro.close()            # its loop is stuck and never started it: no "never awaited"
        for lp in loops:
            lp.loop.call_soon_threadsafe(lp.loop.stop)
        for lp in loops:
            lp.thread.join(timeout=max(0.05, deadline - time.monotonic()))
            if not lp.thread.is_alive():
                lp.loop.close()

    def _oauth_faults(self) -> None:
        """oauth:expire: the tokens issued so far expire now, and while it is set (not `once`) so
        does each new one as it is issued."""
        if self.oauth is None:
            return
        if self.faults.fire_all("oauth", "expire"):
            self.oauth.expire_tokens()
        standing = self.faults.standing("oauth", "expire")
        if standing and self._token_lifetime_kept is None:
            self._token_lifetime_kept, self.oauth.token_lifetime = self.oauth.token_lifetime, 0
        elif not standing and self._token_lifetime_kept is not None:
            self.oauth.token_lifetime, self._token_lifetime_kept = self._token_lifetime_kept, None

    def endpoint(self, name: str) -> Endpoint:
        return next(e for e in self.endpoints + [self.web, self.inbox] if e is not None and e.name == name)

    @property
    def inbox_url(self) -> str | None:
        """The web inbox's address, e.g. http://127.0.0.1:28025/ (None before start)."""
        return f"http://{self.inbox.host}:{self.inbox.port}/" if self.inbox is not None else None

    @property
    def sign_ins(self) -> list:
        """Every sign-in the mail servers saw, oldest first (accounts.SignIn: protocol, user,
        mechanism, ok, issued_token, at): what a test reads to know how a program signed in."""
        return self._accounts.sign_ins if self._accounts is not None else []

    @property
    def session_ends(self) -> list:
        """The sessions clients ended politely, oldest first (accounts.SessionEnd: protocol, user,
        command, at)."""
        return self._accounts.session_ends if self._accounts is not None else []
