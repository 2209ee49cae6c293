"""Live updates: a websocket at /api/events (Mailpit's path), fed by the store's change
notifications (store.watch), never by the browser polling.

Every writer of the store (SMTP delivery, IMAP APPEND/COPY/MOVE/EXPUNGE/STORE, POP3's UPDATE, the
inbox itself) calls store.folder_changed() from its own thread; the notice is handed to this
loop, folders changed within DEBOUNCE_SECONDS are read once, and what differs from the last
reading goes to every client as Mailpit's events:

    {"Type": "new",    "Data": MessageSummary (api.summary_json)}
    {"Type": "update", "Data": {"ID", "Read", "Flags", "Account", "Folder"}}
    {"Type": "delete", "Data": {"ID", "Account", "Folder"}}
    {"Type": "stats",  "Data": {"Account", "Folder", "Total", "Unread"}}   a folder's counts
    {"Type": "folders","Data": {"Account"}}        an account or folder appeared or went away

A client may ask for the "new" messages of one view only: /api/events?account=&folder=&q= (the
page's own account, folder and search); the other events go to everyone.

Each client has its own queue of at most QUEUE_BATCHES batches of events (what one reading of the
changes found) and its own sender task, so a client that does not read delays no one else; one
whose queue fills, or that does not take an event within SEND_SECONDS, is closed and its socket
released.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import WSMsgType, web

from ..store import watch
from . import allowed_hosts
from .api import summary_json
from .messages import Messages, Summary, matches, parse_query

DEBOUNCE_SECONDS = 0.03          # changes that come together (one delivery to 5 recipients) are read once
SEND_SECONDS = 5.0               # a client that does not take an event within this is dropped
QUEUE_BATCHES = 100              # batches waiting for one client (3 s of changes at least); one more: dropped
CLOSE_SECONDS = 1.0              # a dropped client's closing handshake; then its socket is cut


@dataclass(eq=False)           # one per connection: hashed by identity
class _Client:
    ws: web.WebSocketResponse
    account: str | None
    folder: str | None
    terms: list
    transport: asyncio.BaseTransport | None = None
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_BATCHES))
    sender: asyncio.Task | None = None

    def wants(self, s: Summary) -> bool:
        return ((self.account is None or self.account == s.account) and (self.folder is None or self.folder == s.folder)
                and matches(s, self.terms))


class Live:
    def __init__(self, messages: Messages):
        self.messages = messages
        self.clients: set[_Client] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[Path] = set()
        self._flushing: asyncio.Task | None = None
        # folder path -> {id: (flags, account, folder)}, what the clients were last told; None
        # while nobody listens: a sandbox with no page open reads nothing after a change
        self._known: dict[Path, dict[str, tuple]] | None = None
        self._unwatch = None
        self._reading = False
        self._dropping: set[asyncio.Task] = set()

    async def start(self, app) -> None:
        self.loop = asyncio.get_running_loop()
        self._unwatch = watch(self.messages.store.mail, self._notice)

    async def stop(self, app) -> None:
        if self._unwatch is not None:
            self._unwatch()
        for c in list(self.clients):
            await c.ws.close(code=1001, message=b"the sandbox is stopping")

    # ------------------------------------------------------------ from the store's writers
    def _notice(self, folder: Path) -> None:
        """Called on the writer's thread: hand the news to this loop."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._changed, folder)
            except RuntimeError:              # the loop closed meanwhile
                pass

    def _changed(self, folder: Path) -> None:
        if self._known is None and not self._reading:
            return                            # nobody to tell: the first client reads the store afresh
        self._pending.add(folder)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        while self._pending and self._known is not None:
            await asyncio.sleep(DEBOUNCE_SECONDS)
            paths, self._pending = self._pending, set()
            try:
                events = await asyncio.to_thread(self._read_changes, paths)
            except Exception:                 # a folder that vanished mid-read: the next notice tells
                continue
            if events:
                await self._send(events)

    # ------------------------------------------------------------ what changed
    def _read_all(self) -> dict[Path, dict[str, tuple]]:
        known = {}
        for a in self.messages.accounts():
            for f in a.folders:
                known[f.path] = {s.id: (s.flag_names, s.account, s.folder) for s in self.messages.folder_messages(a, f)}
        return known

    def _read_changes(self, paths: set[Path]) -> list[tuple[dict, Summary | None]]:
        mail = self.messages.store.mail
        accounts = {a.dir_name: a for a in self.messages.accounts()}
        events: list[tuple[dict, Summary | None]] = []
        for path in sorted(paths):
            account_dir = path if path.parent == mail else path.parent
            account = accounts.get(account_dir.name)
            folders = {f.path: f for f in account.folders} if account else {}
            if path == account_dir:           # the INBOX, or the account's list of folders
                known = {p for p in self._known if p == account_dir or p.parent == account_dir}
                # the INBOX, and the folders that came or went (the others did not change)
                targets = sorted({account_dir} | (set(folders) ^ known))
                if known != set(folders):
                    name = account.name if account else account_dir.name
                    events.append(({"Type": "folders", "Data": {"Account": name}}, None))
            else:
                targets = [path]
            for p in targets:
                events += self._folder_events(account, folders.get(p), p)
        return events

    def _folder_events(self, account, folder, path: Path) -> list[tuple[dict, Summary | None]]:
        old = self._known.get(path, {})
        now = self.messages.folder_messages(account, folder) if folder is not None else []
        seen = {s.id: s for s in now}
        events: list[tuple[dict, Summary | None]] = []
        for id, (_, acct, fold) in old.items():
            if id not in seen:
                events.append(({"Type": "delete", "Data": {"ID": id, "Account": acct, "Folder": fold}}, None))
        for s in now:
            before = old.get(s.id)
            if before is None:
                events.append(({"Type": "new", "Data": summary_json(s)}, s))
            elif before[0] != s.flag_names:
                events.append(({"Type": "update", "Data": {"ID": s.id, "Read": s.read, "Flags": s.flag_names,
                                                           "Account": s.account, "Folder": s.folder}}, None))
        if folder is None:
            self._known.pop(path, None)
        else:
            self._known[path] = {s.id: (s.flag_names, s.account, s.folder) for s in now}
            if events:
                events.append(({"Type": "stats", "Data": {"Account": account.name,
                                                          "Folder": folder.name, "Total": len(now),
                                                          "Unread": sum(1 for m in now if not m.read)}}, None))
        return events

    # ------------------------------------------------------------ to the clients
    async def _send(self, events) -> None:
        """Queue the events for each client that wants them; never waits for a client."""
        texts = [(json.dumps(event), summary) for event, summary in events]
        for c in list(self.clients):
            batch = [text for text, summary in texts if summary is None or c.wants(summary)]
            if not batch:
                continue
            try:
                c.queue.put_nowait(batch)
            except asyncio.QueueFull:
                self._drop(c)

    async def _sender(self, c: _Client) -> None:
        try:
            while True:
                for text in await c.queue.get():
                    await asyncio.wait_for(c.ws.send_str(text), SEND_SECONDS)
        except (ConnectionError, asyncio.TimeoutError, RuntimeError):
            self._drop(c)

    def _drop(self, c: _Client) -> None:
        """A client that fell behind: no more events; closed, and cut if it will not close."""
        if c not in self.clients:
            return
        self.clients.discard(c)
        if c.sender is not None and c.sender is not asyncio.current_task():
            c.sender.cancel()

        async def close() -> None:
            try:
                await asyncio.wait_for(c.ws.close(code=1008, message=b"too slow to follow the updates"),
                                       CLOSE_SECONDS)
            except (ConnectionError, asyncio.TimeoutError, RuntimeError):
                pass
            if c.transport is not None and not c.transport.is_closing():
                c.transport.abort()           # its unread frames fill the buffers: release the socket

        task = asyncio.ensure_future(close())
        self._dropping.add(task)
        task.add_done_callback(self._dropping.discard)

    async def handle(self, request) -> web.WebSocketResponse:
        # Websockets ignore the same-origin policy: a page of another site could open this one
        # and read the mail's subjects. Browsers say where the page is from; tools say nothing.
        sent_from = request.headers.get("Origin")
        if sent_from is not None and sent_from.lower() not in {"http://" + h for h in allowed_hosts(request)}:
            raise web.HTTPForbidden(text="Only the inbox's own pages may follow its updates.\n")
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        q = request.query
        client = _Client(ws, q.get("account") or None, q.get("folder") or None, parse_query(q.get("q", "")),
                         request.transport)
        if self._known is None:
            self._reading = True              # what changes meanwhile is read again after
            try:
                known = await asyncio.to_thread(self._read_all)
            finally:
                self._reading = False
            if self._known is None:
                self._known = known
        self.clients.add(client)
        client.sender = asyncio.ensure_future(self._sender(client))
        if self._pending:
            self._changed(next(iter(self._pending)))
        try:
            async for msg in ws:              # the client says nothing; this waits for it to leave
                if msg.type == WSMsgType.ERROR:
                    break
        finally:
            self.clients.discard(client)
            client.sender.cancel()
            if not self.clients:
                self._known, self._pending = None, set()
        return ws


def add_routes(app: web.Application) -> None:
    live = Live(app["messages"])
    app["live"] = live
    app.on_startup.append(live.start)
    app.on_shutdown.append(live.stop)
    app.router.add_get("/api/events", live.handle)
