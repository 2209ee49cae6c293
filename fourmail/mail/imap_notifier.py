"""4D.IMAPNotifier (IMAPNotifier.md): IMAP IDLE (RFC 2177) on the transporter's session.

`.start()` sends IDLE in the selected mailbox and a background thread collects what the server
pushes (new messages, expunges, flag changes); `.stop()` ends IDLE (DONE). As the page says,
the transporter's other functions are unavailable while the notifier is started.

Each notification calls a function of the `listener` given to `IMAP New transporter` (a user
class instance, e.g. `cs.IMAPListener.new()`), with the transporter and an event object:
    onMailCreated($transporter; {type: "mailCreated", number, mailCount})  one call per new message
    onMailDeleted($transporter; {type: "mailDeleted", number})             a message was expunged
    onFlagsModified($transporter; {type: "flagsModified", number, keywords})
(the callback names are those of 4D's announcement of the feature; the reference pages name
none, nor the event's properties, so `number` is the message's sequence number and `keywords`
its flags as an Email object's keywords). "Callback functions are executed in the worker where
.start() is called": the calls wait for that process to be idle, which in a script is while it
runs `DELAY PROCESS`. What the server pushed is also kept in the read-only `.events`
collection (a fourmail addition):
    {type: "exists"|"recent"|"expunge"|"fetch"|"status", number, flags, text, at}
"""
from __future__ import annotations

import datetime as _dt
import threading
import time
import weakref

from ..runtime.errors import FourDError
from ..runtime.values import ClassInstance
from .session import SessionFailure

IDLE_RENEW = 25 * 60      # RFC 2177: re-issue IDLE before the server's 29-minute inactivity timeout
_POLL = 0.2               # how often the watcher looks at the stop request


class IMAPNotifier(ClassInstance):
    CLASS_NAME = "IMAPNotifier"

    def __init__(self, transporter=None):
        # a weak link: the notifier must not keep a released transporter (and its session) alive
        self._owner = weakref.ref(transporter) if transporter is not None else None
        self._started = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._events: list[dict] = []
        self._lost: str | None = None        # why the watcher ended on its own
        self._rt = None                      # the process that started it: where callbacks run
        self._count = 0                      # messages in the mailbox, as the pushes tell
        self._created: set[int] = set()      # announced as new, their flags not told yet

    @property
    def isStarted(self) -> bool:
        return self._started

    def _properties(self) -> dict:
        with self._lock:
            events = [dict(e) for e in self._events]
        return {"isStarted": self._started, "events": events}

    def _transporter(self):
        return self._owner() if self._owner is not None else None

    def _error_status(self, code: int, text: str, rt) -> dict:
        t = self._transporter()
        error = FourDError(code=code, message=text, component="IMAP")
        if t is not None:
            return t.failure_status(error, with_status=False)
        rt.record_error(error)
        return {"success": False, "statusText": text, "errors": [error.as_object()]}

    # ------------------------------------------------------------ functions
    def fn_start(self, rt):
        """start(): IDLE in the selected mailbox; needs .selectBox() first."""
        from .imap_codes import ERR_STATE
        t = self._transporter()
        if t is None:
            return self._error_status(ERR_STATE, "This notifier belongs to no IMAP transporter: use "
                                                 "$transporter.notifier", rt)
        if self._started:
            return self._error_status(ERR_STATE, "The notifier is already started", rt)
        session = t.session
        if session.box is None:
            return self._error_status(ERR_STATE, "No mailbox is selected: call .selectBox() before "
                                                 ".notifier.start()", rt)
        try:
            text = session.idle()
        except SessionFailure as f:
            return t.failure_to_status(f)
        self._stop.clear()
        self._lost = None
        self._rt, self._count = rt, session.message_count
        self._created.clear()
        self._started = True
        session.log_session(f"IMAP IDLE started in {session.box!r}")
        self._thread = threading.Thread(target=self._watch, args=(session,), name="fourmail-imap-idle",
                                        daemon=True)
        self._thread.start()
        return {"success": True, "statusText": text or "idling"}

    def fn_stop(self, rt):
        """stop(): DONE; the transporter's functions are available again."""
        from .imap_codes import ERR_NETWORK, ERR_STATE
        t = self._transporter()
        if not self._started:
            if self._lost:
                lost, self._lost = self._lost, None
                return self._error_status(ERR_NETWORK, lost, rt)
            return self._error_status(ERR_STATE, "The notifier is not started", rt)
        self._join()
        self._started = False
        if t is None:
            return self._error_status(ERR_NETWORK, "The IMAP session was lost while idle", rt)
        try:
            text, responses = t.session.idle_done()
        except SessionFailure as f:
            return t.failure_to_status(f)
        self._record(responses)
        t.session.log_session("IMAP IDLE stopped")
        return {"success": True, "statusText": text}

    # ------------------------------------------------------------ the watcher thread
    def _watch(self, session) -> None:
        renew_at = time.monotonic() + IDLE_RENEW
        while not self._stop.is_set():
            try:
                self._record(session.idle_check(_POLL))
                if time.monotonic() > renew_at:
                    self._record(session.idle_renew())
                    renew_at = time.monotonic() + IDLE_RENEW
            except Exception as e:      # the session is gone: the notifier stops by itself
                self._lost = f"IMAP IDLE session lost: {e or type(e).__name__}"
                self._record([(b"BYE", self._lost.encode())])
                session.drop()
                self._started = False
                return

    def _join(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def halt(self, session) -> None:
        """The transporter is released: end the watcher and IDLE (the session is closed right after)."""
        if self._started:
            self._join()
            self._started = False
            if session is not None and session.connection is not None:
                try:
                    self._record(session.idle_done(mapped=False)[1])
                except Exception:
                    pass       # close() then finds the session unusable and just drops it

    def _record(self, responses) -> None:
        if not responses:
            return
        at = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        events = []
        for r in responses:
            if not r:
                continue
            event: dict = {}
            if isinstance(r[0], int) and len(r) > 1:
                kind = r[1].decode("ascii", "replace").lower() if isinstance(r[1], bytes) else str(r[1]).lower()
                event = {"type": kind, "number": float(r[0])}
                if kind == "fetch" and len(r) > 2 and isinstance(r[2], tuple):
                    items = dict(zip(r[2][::2], r[2][1::2]))
                    flags = items.get(b"FLAGS")
                    if flags is not None:
                        event["flags"] = " ".join(f.decode("utf-8", "replace") for f in flags)
            else:
                event = {"type": "status", "text": " ".join(
                    x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in r)}
            event["at"] = at
            events.append(event)
        with self._lock:
            self._events.extend(events)
            calls = self._callbacks(events)
        for name, event in calls:
            self._post(name, event)

    def _callbacks(self, events: list[dict]) -> list[tuple[str, dict]]:
        """The listener calls the pushes make (EXISTS gives the new count: one call per new message)."""
        from .imap_codes import flags_to_keywords
        calls = []
        for e in events:
            kind, number = e["type"], e.get("number")
            if kind == "exists":
                for seq in range(self._count + 1, int(number) + 1):
                    calls.append(("onMailCreated", {"type": "mailCreated", "number": float(seq),
                                                    "mailCount": number}))
                    self._created.add(seq)
                self._count = int(number)
            elif kind == "expunge":
                self._count = max(0, self._count - 1)
                self._created = {n - 1 if n > number else n for n in self._created if n != number}
                calls.append(("onMailDeleted", {"type": "mailDeleted", "number": number}))
            elif kind == "fetch" and "flags" in e:
                keywords = flags_to_keywords(e["flags"].split())
                if int(number) in self._created:
                    # some servers follow EXISTS with the new message's flags: no change yet
                    self._created.discard(int(number))
                    if not keywords:
                        continue
                calls.append(("onFlagsModified", {"type": "flagsModified", "number": number,
                                                  "keywords": keywords}))
        return calls

    def _post(self, name: str, event: dict) -> None:
        t, rt = self._transporter(), self._rt
        listener = getattr(t, "listener", None)
        if rt is None or not isinstance(listener, ClassInstance) or not listener.has_function(name):
            return
        owner = self._owner

        def call():
            transporter = owner() if owner is not None else None
            if transporter is not None:          # released meanwhile: nobody to tell
                listener.call_function(rt, name, [transporter, event])
        rt.post(call)


def new_notifier(rt, *args):
    """4D.IMAPNotifier.new(): a notifier of no transporter (the useful one is $transporter.notifier)."""
    return IMAPNotifier()
