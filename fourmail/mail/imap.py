"""4D.IMAPTransporter (IMAPTransporterClass.md, imap-new-transporter.md): the 4D façade of an
IMAP session (imap_session.py, which speaks the protocol).

This module checks the 4D arguments, turns FETCH data into Email objects and session failures
into status objects and 4D errors. The session opens on the first call, re-selects the last
selected mailbox when it has to reopen, and is checked with NOOP when it sat idle longer than
checkConnectionDelay.

Messages are addressed by UID ("unique ID", always a text in 4D) or by sequence number (a
number). `.delete()` only sets \\Deleted; as the page says, flagged messages are removed by
`.expunge()`, by selecting another mailbox, or when the transporter is released (CLOSE).
"""
from __future__ import annotations

import datetime as _dt

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, LazyObject, is_whole, to_longint, type_name
from .imap_codes import (ERR_NETWORK, ERR_NOT_FOUND, ERR_SERVER, ERR_STATE,
                         KEYWORD_FLAGS, flags_to_keywords)
from .imap_session import IMAPSession
from .session import SessionFailure
from .transporter import Transporter

IMAP_AUTH_MODES = ("CRAM-MD5", "LOGIN", "OAUTH2", "PLAIN")
IMAP_ALL = 1                  # the `IMAP all` constant
READ_ONLY_STATE = 1           # `IMAP read only state` (0: read write, the default)

_CODES = {SessionFailure.NO_ANSWER: ERR_NETWORK, SessionFailure.UNSUPPORTED: ERR_SERVER,
          SessionFailure.STATE: ERR_STATE}
_BAD_KEYWORD_CHARS = set('(){]%*"\\ ')


def _param(fname: str, detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=f".{fname}()", detail=detail, component="IMAP")


def _state(text: str) -> SessionFailure:
    return SessionFailure(text, SessionFailure.STATE)


class IMAPTransporter(Transporter):
    CLASS_NAME = "IMAPTransporter"
    PROTOCOL = "IMAP"
    DEFAULT_PORT = 993
    IMPLICIT_TLS_PORTS = frozenset({993})    # 993 IMAPS; any other port: plain + STARTTLS upgrade
    AUTH_MODES = IMAP_AUTH_MODES
    EXTRA_OPTIONS = {"checkConnectionDelay": ("int", 300)}

    def __init__(self, rt, server):
        self.session: IMAPSession | None = None
        self._notifier = None
        super().__init__(rt, server)
        # IMAPNotifier.md's example passes a `listener` (a user-class instance): the notifier
        # calls its functions (imap_notifier.py).
        self.listener = server.get("listener", UNDEFINED)
        self.session = IMAPSession(self.host, self.port, check_delay=self.checkConnectionDelay,
                                   **self.session_options())

    def _properties(self) -> dict:
        props = super()._properties()
        if self.listener is not UNDEFINED:
            props["listener"] = self.listener
        return props

    def get_property(self, name: str):
        if name == "notifier":
            return self.notifier
        return super().get_property(name)

    @property
    def notifier(self):
        if self._notifier is None:
            from .imap_notifier import IMAPNotifier
            self._notifier = IMAPNotifier(self)
        return self._notifier

    # ------------------------------------------------------------ running session calls
    def _ready(self, *, needs_box: bool = False, writes: bool = False) -> IMAPSession:
        """The session, if the call may use it now (else a STATE failure)."""
        if self._notifier is not None and self._notifier.isStarted:
            raise _state("The IMAP notifier is started: call .notifier.stop() before using the transporter")
        session = self.session
        if needs_box and session.box is None:
            raise _state("No mailbox is selected: call .selectBox() first")
        if writes and session.box_readonly:
            # Dovecot answers OK to STORE in an EXAMINEd mailbox and changes nothing: say so instead
            raise _state(f"The mailbox {session.box!r} is selected read only (IMAP read only state): "
                         "it cannot be changed")
        return session

    def _status(self, call, *, needs_box: bool = False, writes: bool = False) -> dict:
        """Functions returning an IMAP status object: `call(session)` gives its statusText."""
        try:
            return {"success": True, "statusText": call(self._ready(needs_box=needs_box, writes=writes))}
        except SessionFailure as f:
            return self.failure_to_status(f)

    def error_of(self, f: SessionFailure) -> FourDError | None:
        """The 4D error of a failure; None for a server's refusal (its text is the status)."""
        code = _CODES.get(f.kind)
        return None if code is None else FourDError(code=code, message=f.text, component="IMAP")

    def failure_to_status(self, f: SessionFailure) -> dict:
        error = self.error_of(f)
        if error is not None:
            return self.failure_status(error, with_status=False)
        return {"success": False, "statusText": f.text}

    def _guard(self, empty, body):
        """Functions without a status: a failure is a 4D error (ON ERR CALL sees it), then `empty`."""
        try:
            return body()
        except SessionFailure as f:
            error = self.error_of(f) or FourDError(code=ERR_SERVER, component="IMAP",
                                                   message=f"IMAP server {self.host} refused: {f.text}")
            self.rt.report_error(error)
            return empty

    # ------------------------------------------------------------ release
    def close(self) -> None:
        """Release: CLOSE the mailbox (removes the messages marked deleted, as .delete() says), LOGOUT."""
        session = getattr(self, "session", None)
        notifier = getattr(self, "_notifier", None)
        if notifier is not None:
            notifier.halt(session)
        if session is not None:
            session.close()

    # ------------------------------------------------------------ parameters
    @staticmethod
    def _text_arg(fname: str, what: str, v, optional: bool = False) -> str | None:
        if optional and (v is UNDEFINED or v is None):
            return None
        if not isinstance(v, str):
            raise _param(fname, f"{what} must be a text, not {type_name(v)}")
        return v

    @staticmethod
    def _options(fname: str, v) -> dict:
        if v is UNDEFINED or v is None:
            return {}
        if not isinstance(v, dict):
            raise _param(fname, f"options must be an object, not {type_name(v)}")
        return v

    @staticmethod
    def _flag_option(fname: str, opts: dict, name: str, default: bool) -> bool:
        v = opts.get(name, UNDEFINED)
        if v is UNDEFINED or v is None:
            return default
        if not isinstance(v, bool):
            raise _param(fname, f"{name} must be a boolean, not {type_name(v)}")
        return v

    @staticmethod
    def _message_ids(fname: str, v) -> list[str]:
        """msgIDs: a collection of unique IDs, one unique ID (text), or `IMAP all`."""
        if isinstance(v, bool) or v is UNDEFINED or v is None:
            raise _param(fname, f"msgIDs must be a collection of unique IDs or IMAP all, not {type_name(v)}")
        if isinstance(v, (int, float)):
            if v != IMAP_ALL:
                raise _param(fname, f"{v:g} is not IMAP all (1): pass unique IDs as a collection of texts")
            return ["1:*"]
        items = [v] if isinstance(v, str) else v if isinstance(v, list) else None
        if items is None:
            raise _param(fname, f"msgIDs must be a collection of unique IDs or IMAP all, not {type_name(v)}")
        ids = []
        for item in items:
            if isinstance(item, (int, float)) and not isinstance(item, bool) and is_whole(item) and item > 0:
                ids.append(str(int(item)))
            elif isinstance(item, str) and item.strip().isdigit() and int(item) > 0:
                ids.append(str(int(item)))
            else:
                raise _param(fname, f"{item!r} is not a unique message ID")
        return ids

    @staticmethod
    def _flags(fname: str, keywords) -> list[str]:
        """Keywords object -> IMAP flags; only true values count (IMAPTransporterClass.md .addFlags())."""
        if not isinstance(keywords, dict):
            raise _param(fname, f"keywords must be an object, not {type_name(keywords)}")
        flags = []
        for name, value in keywords.items():
            if value is not True:
                continue
            system = KEYWORD_FLAGS.get(name.lower())
            if system:
                flags.append(system)
            elif (not name or not name.isascii()
                  or any(c in _BAD_KEYWORD_CHARS or ord(c) < 32 or ord(c) == 127 for c in name)):
                raise _param(fname, f"{name!r} is not a valid keyword (no space, control character or ( ) {{ ] % * \" \\)")
            else:
                flags.append(name)
        return flags

    @staticmethod
    def _range_args(fname: str, start, end) -> tuple[int, int]:
        for what, v in (("startMsg", start), ("endMsg", end)):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _param(fname, f"{what} must be a number, not {type_name(v)}")
        return to_longint(start), to_longint(end)

    # ------------------------------------------------------------ Email objects
    @staticmethod
    def _items(with_body: bool, update_seen: bool) -> list[str]:
        # BODY[...] (not .PEEK) makes the server set \Seen, in the same round trip
        section = "BODY" + ("" if update_seen else ".PEEK") + ("[]" if with_body else "[HEADER]")
        return ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", section]

    def _email(self, data: dict, with_body: bool) -> dict:
        """An Email object from FETCH data, with the IMAP-only id, receivedAt, size, keywords."""
        mail = _parsed(self.rt, data, with_body)
        mail.update(self._fetch_properties(data))
        return mail

    def _lazy_email(self, data: dict, with_body: bool) -> LazyObject:
        """The same Email object, its MIME parsed when the program first looks inside it: the
        properties FETCH gave directly (id, receivedAt, size, keywords) are there at once. The
        filling needs no transporter, so holding mails does not keep the session open."""
        rt = self.rt
        return LazyObject(self._fetch_properties(data), lambda: _parsed(rt, data, with_body))

    @staticmethod
    def _fetch_properties(data: dict) -> dict:
        props = {"id": str(data[b"UID"])}
        when = data.get(b"INTERNALDATE")
        if isinstance(when, _dt.datetime):
            if when.tzinfo is None:
                when = when.astimezone()
            props["receivedAt"] = when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if b"RFC822.SIZE" in data:
            props["size"] = float(data[b"RFC822.SIZE"])
        props["keywords"] = flags_to_keywords(data.get(b"FLAGS", ()))
        return props

    # ------------------------------------------------------------ functions: session and mailboxes
    def fn_checkConnection(self, rt):
        """checkConnection(): check the session (NOOP), reopening it if needed (Transporter.md)."""
        return self._status(lambda session: session.check())

    def fn_selectBox(self, rt, name=UNDEFINED, state=UNDEFINED):
        """selectBox(name{; state}) -> {name, mailCount, mailRecent, id, flags, permanentFlags}.
        Selecting another mailbox CLOSEs the one selected, which expunges it (.delete())."""
        name = self._text_arg("selectBox", "name", name)
        if state is UNDEFINED or state is None:
            state = 0
        if isinstance(state, bool) or not isinstance(state, (int, float)) or state not in (0, READ_ONLY_STATE):
            raise _param("selectBox", "state must be IMAP read write state (0) or IMAP read only state (1)")
        readonly = state == READ_ONLY_STATE

        def body():
            info = self._ready().select(name, readonly)
            return {"name": name, "mailCount": float(info.get(b"EXISTS", 0)),
                    "mailRecent": float(info.get(b"RECENT", 0)), "id": str(info.get(b"UIDVALIDITY", "")),
                    "flags": _flag_text(info.get(b"FLAGS", ())),
                    "permanentFlags": _flag_text(info.get(b"PERMANENTFLAGS", ()))}
        return self._guard(None, body)

    def fn_getBoxInfo(self, rt, name=UNDEFINED):
        """getBoxInfo({name}) -> {name, mailCount, mailRecent, id, mailUnseen} without selecting it."""
        name = self._text_arg("getBoxInfo", "name", name, optional=True)

        def body():
            box = name if name is not None else self.session.box
            if box is None:
                raise _state("No mailbox is selected: pass a mailbox name or call .selectBox() first")
            return _box_info(box, self._ready().box_status(box))
        return self._guard(None, body)

    def fn_getBoxList(self, rt, parameters=UNDEFINED):
        """getBoxList({parameters}) -> [{name, selectable, inferior, interesting, mailCount...}]."""
        opts = self._options("getBoxList", parameters)
        subscribed = self._flag_option("getBoxList", opts, "isSubscribed", False)
        with_props = self._flag_option("getBoxList", opts, "withBoxProperties", True)
        with_info = self._flag_option("getBoxList", opts, "withBoxInfo", False)
        names = opts.get("names", UNDEFINED)
        wanted = None
        if names is not UNDEFINED and names is not None:
            if not isinstance(names, list):
                raise _param("getBoxList", f"names must be a collection, not {type_name(names)}")
            wanted = {(n.get("name") if isinstance(n, dict) else n) for n in names}

        def body():
            boxes = []
            for box, flags, selectable, status in self._ready().list_boxes(subscribed, wanted, with_info):
                item = {}
                if with_props or with_info:
                    item["name"] = box
                if with_props:
                    item["selectable"] = selectable
                    item["inferior"] = b"\\NOINFERIORS" not in flags
                    item["interesting"] = b"\\MARKED" in flags
                if status is not None:
                    info = _box_info(box, status)
                    item.update((k, info[k]) for k in ("mailCount", "mailRecent", "mailUnseen", "id"))
                boxes.append(item)
            return boxes
        return self._guard(None, body)

    def fn_getDelimiter(self, rt):
        """getDelimiter() -> the hierarchy delimiter (LIST "" ""); "" on a flat server."""
        return self._guard("", lambda: self._ready().delimiter())

    def fn_createBox(self, rt, name=UNDEFINED):
        """createBox(name): CREATE (the server creates missing parents)."""
        name = self._text_arg("createBox", "name", name)
        return self._status(lambda session: session.create_box(name))

    def fn_deleteBox(self, rt, name=UNDEFINED):
        """deleteBox(name): DELETE (INBOX or a missing mailbox is refused by the server)."""
        name = self._text_arg("deleteBox", "name", name)
        return self._status(lambda session: session.delete_box(name))

    def fn_subscribe(self, rt, name=UNDEFINED):
        name = self._text_arg("subscribe", "name", name)
        return self._status(lambda session: session.subscribe(name))

    def fn_unsubscribe(self, rt, name=UNDEFINED):
        name = self._text_arg("unsubscribe", "name", name)
        return self._status(lambda session: session.unsubscribe(name))

    def fn_renameBox(self, rt, currentName=UNDEFINED, newName=UNDEFINED):
        """renameBox(currentName; newName): RENAME."""
        old = self._text_arg("renameBox", "currentName", currentName)
        new = self._text_arg("renameBox", "newName", newName)
        return self._status(lambda session: session.rename_box(old, new))

    # ------------------------------------------------------------ functions: messages
    def fn_searchMails(self, rt, searchCriteria=UNDEFINED):
        """searchMails(criteria) -> collection of unique IDs (texts) of the matching messages.

        The page calls them "message numbers", but its examples pass the result to copy(),
        move() and delete(), which take unique IDs: UID SEARCH gives what they need."""
        from . import imap_search
        criteria = self._text_arg("searchMails", "searchCriteria", searchCriteria, optional=True) or ""
        charset, tokens = imap_search.build(criteria)
        return self._guard([], lambda: [str(uid) for uid in
                                        self._ready(needs_box=True).search(charset, tokens)])

    def fn_numToID(self, rt, startMsg=UNDEFINED, endMsg=UNDEFINED):
        """numToID(startMsg; endMsg) -> unique IDs of that sequence range (<= 0: first/last)."""
        start, end = self._range_args("numToID", startMsg, endMsg)

        def body():
            _, _, data = self._ready(needs_box=True).fetch_range(start, end, ["UID"])
            return [str(data[n][b"UID"]) for n in sorted(data)]
        return self._guard([], body)

    def fn_getMail(self, rt, msg=UNDEFINED, options=UNDEFINED):
        """getMail(msgNumber | msgID {; options}) -> Email object; Null (and an error) if missing."""
        by_uid, key = self._message_key("getMail", msg)
        opts = self._options("getMail", options)
        update_seen = self._flag_option("getMail", opts, "updateSeen", True)
        with_body = self._flag_option("getMail", opts, "withBody", True)

        def body():
            session = self._ready(needs_box=True)
            data = session.fetch_one(key, self._items(with_body, update_seen), by_uid)
            if data is None:
                self.rt.report_error(FourDError(code=ERR_NOT_FOUND, component="IMAP", message=(
                    f"The message {'with unique ID ' + repr(msg) if by_uid else 'number ' + format(msg, 'g')} "
                    f"does not exist in the mailbox {session.box!r}")))
                return None
            return self._email(data, with_body)
        return self._guard(None, body)

    def fn_getMails(self, rt, first=UNDEFINED, second=UNDEFINED, third=UNDEFINED):
        """getMails(ids {; options}) or getMails(startMsg; endMsg {; options}) -> {list, notFound}."""
        if isinstance(first, list):
            ids, options = first, second
            opts = self._options("getMails", options)
        else:
            ids, opts = None, self._options("getMails", third)
        update_seen = self._flag_option("getMails", opts, "updateSeen", True)
        with_body = self._flag_option("getMails", opts, "withBody", True)
        items = self._items(with_body, update_seen)
        if ids is None:
            start, end = self._range_args("getMails", first, second)

        def body():
            session = self._ready(needs_box=True)
            if ids is not None:
                wanted = [(i, self._uid_of(i)) for i in ids]
                data = session.fetch(sorted({u for _, u in wanted if u}), items, by_uid=True)
                found = [data[u] for _, u in wanted if u in data]
                missing = [i for i, u in wanted if u not in data]
            else:
                lo, hi, data = session.fetch_range(start, end, items)
                found = [data[n] for n in range(lo, hi + 1) if n in data]
                missing = [float(n) for n in range(lo, hi + 1) if n not in data]
            # Parsed on first use: fetching a thousand messages costs the transfer, not a
            # thousand MIME parses the program may never look at (bench/imap_fetch.py).
            return {"list": [self._lazy_email(d, with_body) for d in found], "notFound": missing}
        return self._guard(None, body)

    def fn_getMIMEAsBlob(self, rt, msg=UNDEFINED, updateSeen=UNDEFINED):
        """getMIMEAsBlob(msgNumber | msgID {; updateSeen}) -> the message as stored; empty if missing."""
        by_uid, key = self._message_key("getMIMEAsBlob", msg)
        if updateSeen is UNDEFINED or updateSeen is None:
            updateSeen = True
        if not isinstance(updateSeen, bool):
            raise _param("getMIMEAsBlob", f"updateSeen must be a boolean, not {type_name(updateSeen)}")
        section = "BODY[]" if updateSeen else "BODY.PEEK[]"

        def body():
            data = self._ready(needs_box=True).fetch_one(key, ["UID", section], by_uid)
            return bytes(data.get(b"BODY[]") or b"") if data else b""
        return self._guard(b"", body)

    def _message_key(self, fname: str, msg) -> tuple[bool, int | None]:
        """(by_uid, key): a number is a sequence number, a text a unique ID (None: cannot exist)."""
        if isinstance(msg, str):
            return True, self._uid_of(msg)
        if isinstance(msg, bool) or not isinstance(msg, (int, float)):
            raise _param(fname, f"the message must be a sequence number or a unique ID (text), not "
                                f"{type_name(msg)}")
        return False, int(msg) if msg >= 1 and is_whole(msg) else None

    @staticmethod
    def _uid_of(v) -> int | None:
        if isinstance(v, str) and v.strip().isdigit() and int(v) > 0:
            return int(v)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and is_whole(v) and v > 0:
            return int(v)
        return None

    def _flag_command(self, fname: str, msgIDs, keywords, add: bool) -> dict:
        ids = self._message_ids(fname, msgIDs)
        flags = self._flags(fname, keywords)
        return self._status(lambda session: session.store_flags(ids, flags, add), needs_box=True, writes=True)

    def fn_addFlags(self, rt, msgIDs=UNDEFINED, keywords=UNDEFINED):
        """addFlags(msgIDs; keywords): STORE +FLAGS ($seen... -> \\Seen...; custom keywords as is)."""
        return self._flag_command("addFlags", msgIDs, keywords, True)

    def fn_removeFlags(self, rt, msgIDs=UNDEFINED, keywords=UNDEFINED):
        """removeFlags(msgIDs; keywords): STORE -FLAGS."""
        return self._flag_command("removeFlags", msgIDs, keywords, False)

    def fn_delete(self, rt, msgIDs=UNDEFINED):
        """delete(msgIDs | IMAP all): set \\Deleted only (removed by expunge/CLOSE, see the module doc)."""
        return self._flag_command("delete", msgIDs, {"$deleted": True}, True)

    def _transfer(self, fname: str, msgIDs, destinationBox, move: bool) -> dict:
        ids = self._message_ids(fname, msgIDs)
        box = self._text_arg(fname, "destinationBox", destinationBox)
        return self._status(lambda session: session.transfer(ids, box, move), needs_box=True, writes=move)

    def fn_copy(self, rt, msgIDs=UNDEFINED, destinationBox=UNDEFINED):
        """copy(msgIDs | IMAP all; destinationBox): UID COPY."""
        return self._transfer("copy", msgIDs, destinationBox, False)

    def fn_move(self, rt, msgIDs=UNDEFINED, destinationBox=UNDEFINED):
        """move(msgIDs | IMAP all; destinationBox): UID MOVE (RFC 6851; the server must offer MOVE)."""
        return self._transfer("move", msgIDs, destinationBox, True)

    def fn_expunge(self, rt):
        """expunge(): remove the messages flagged \\Deleted from the selected mailbox."""
        return self._status(lambda session: session.expunge(), needs_box=True, writes=True)

    def fn_append(self, rt, mailObj=UNDEFINED, destinationBox=UNDEFINED, options=UNDEFINED):
        """append(mailObj {; destinationBox {; options}}): APPEND the MIME of the Email object,
        with its keywords as flags (and its receivedAt, if any, as the arrival date)."""
        from .mime import email_to_mime
        from .smtp import CHARSET_MODES, DEFAULT_CHARSET
        if not isinstance(mailObj, dict):
            raise _param("append", f"mailObj must be an Email object, not {type_name(mailObj)}")
        box = self._text_arg("append", "destinationBox", destinationBox, optional=True)
        opts = self._options("append", options)
        charsets = []
        for name in ("headerCharset", "bodyCharset"):
            v = opts.get(name, UNDEFINED)
            v = DEFAULT_CHARSET if v is UNDEFINED or v is None else v
            if v not in CHARSET_MODES:
                raise _param("append", f"{name} must be one of the mail mode constants, not {v!r}")
            charsets.append(v)
        keywords = mailObj.get("keywords", UNDEFINED)
        flags = self._flags("append", keywords) if isinstance(keywords, dict) else []
        when = _parse_iso(mailObj.get("receivedAt", UNDEFINED))
        try:
            data = email_to_mime(rt, mailObj, charsets[0], charsets[1])
        except FourDError as e:
            if not e.component or e.component == "4DRT":
                e.component = "IMAP"
            rt.report_error(e)
            return self.failure_status(e, with_status=False)

        def call(session):
            target = box if box is not None else session.box
            if target is None:
                raise _state("No destination mailbox: pass destinationBox or call .selectBox() first")
            return session.append(target, data, flags, when)
        return self._status(call)


# ---------------------------------------------------------------- helpers
def _parsed(rt, data: dict, with_body: bool) -> dict:
    """The Email object of a FETCHed message's MIME (without the IMAP-only properties)."""
    from .mime import mime_to_email
    raw = data.get(b"BODY[]" if with_body else b"BODY[HEADER]") or b""
    mail = mime_to_email(rt, raw)
    if not with_body:
        for name in ("bodyStructure", "bodyValues", "attachments", "textBody", "htmlBody"):
            mail.pop(name, None)
    return mail


def _flag_text(flags) -> str:
    return " ".join(f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in flags)


def _box_info(name: str, st: dict) -> dict:
    return {"name": name, "mailCount": float(st.get(b"MESSAGES", 0)), "mailRecent": float(st.get(b"RECENT", 0)),
            "id": str(st.get(b"UIDVALIDITY", "")), "mailUnseen": float(st.get(b"UNSEEN", 0))}


def _parse_iso(v) -> _dt.datetime | None:
    if not isinstance(v, str) or not v:
        return None
    try:
        when = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)


def imap_new_transporter(rt, server=UNDEFINED):
    """IMAP New transporter(server): configures, does not connect (imap-new-transporter.md)."""
    return IMAPTransporter(rt, server)
