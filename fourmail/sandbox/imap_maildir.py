"""Fixes to pymap 0.36.7's maildir backend, the store the sandbox's IMAP server reads and writes.

`patch()` applies them once (imap_server.py calls it before the first listener starts). Each is
the smallest that works, and each keeps the store as Dovecot and the sandbox's SMTP and POP3
servers read it (Maildir++, `dovecot-uidlist` and its lock file).

Correctness:
- COPY wrote an empty message: it copied a metadata-only MaildirMessage. Copy the file.
- APPEND re-serialised the message through the `email` package and FETCH served the file's LF
  line ends: IMAP wants the message as sent, with CRLF. Store the literal as is (LF, as the rest
  of the store), serve it with CRLF (the POP3 server does the same).
- Metadata files were written through a temporary file in the system temp folder and renamed
  into the Maildir: that rename fails (EXDEV) when /tmp is another file system than the store,
  as on many desktops. Write the temporary file beside its target.
- CREATE "x/y/z" with no "x" raised FileNotFoundError, which ended the session with
  `* BYE [SERVERBUG]`: create the missing parents, as Dovecot does.
- RENAME of a missing mailbox answered OK, onto an existing one failed inside the rename:
  NO [NONEXISTENT] and NO [ALREADYEXISTS], as RFC 3501 asks.
- A name with an empty level ("", "/", "a//b") or "." mapped to the account's own folder or to the
  folder of all accounts: DELETE "" emptied the account, CREATE "/" made the store's root a
  Maildir. Such names are refused: NO [CANNOT].
- SELECT's claim of new/ messages tested `key in generator`, which consumes the generator:
  most messages lost their \\Recent flag, and each test scanned the rest of new/.

Speed (each command linear in the mailbox; bench/imap_big_mailbox.py):
- Every message of FETCH, SEARCH, STORE re-read and re-parsed the whole `dovecot-uidlist`
  (`_get_maildir_msg`): quadratic, 5.7 s for UID SEARCH ALL at 1,680 messages. STORE now reads
  each message's flags from its file's current name, as pymap did, and nothing else. The parsed list,
  one listing of new/ and cur/ and the messages built from them are kept per mailbox, checked
  against the files' signatures (inode, size, mtime, ctime) and renewed at every command (see
  "caches" below): what another writer (SMTP, POP3, another session or program) did shows in
  the next command.
- `reset()`, which starts every command, re-parsed the uid list under its write lock and
  stat()ed every message: it now only takes the lock when a file has no UID yet.
- COPY and MOVE re-read and rewrote the destination's uid list per message (34 s for 3,000):
  the files first, then one update of the list.
- Commands ran message after message without a turn for the other connections: they now yield
  to the event loop every 1,024 messages.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from datetime import datetime
from mailbox import MaildirMessage
from pathlib import Path

from .store import crlf, folder_changed, write_file

_patched = False


def patch() -> None:
    global _patched
    if _patched:
        return
    from pymap.backend.maildir import Session
    from pymap.backend.maildir.io import FileWriteable
    from pymap.backend.maildir.layout import DefaultLayout
    from pymap.backend.maildir.mailbox import LoadedMessage, MailboxData, MailboxSet, Message
    from pymap.backend.maildir.uidlist import Record, UidList
    from pymap.exceptions import MailboxError, MailboxReadOnly
    from pymap.parsing.response import ResponseCode
    from pymap.mime import MessageContent
    from pymap.parsing.response.code import CopyUid
    from pymap.parsing.specials import FetchRequirement, ObjectId

    # ---------------------------------------------------------------- correctness
    def file_write(self) -> None:
        file_path = self.get_file(self.path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(file_path), prefix=".pymap-")
        with os.fdopen(fd, "w", newline="") as f:
            self.write(f)
        os.replace(tmp, file_path)
        self._touched = False

    async def load_content(self, requirement):
        if self._key is None or self._maildir is None or requirement.has_none(FetchRequirement.CONTENT):
            return LoadedMessage(self, requirement, None)
        try:
            with open(self._maildir._join(self._maildir._lookup(self._key)), "rb") as f:
                data = f.read()
        except (KeyError, FileNotFoundError):
            return LoadedMessage(self, requirement, None)
        return LoadedMessage(self, requirement, MessageContent.parse(crlf(data)))

    async def _add(mbx, data: bytes, flags: str, recent: bool, date: float, fields) -> tuple[int, str]:
        flags = "".join(sorted(set(flags)))         # Maildir wants them in ASCII order
        async with mbx.messages_lock.write_lock():
            key = write_file(Path(mbx._path), data, "new" if recent else "cur", "2," + flags, date)
        async with UidList.with_write(mbx._path) as uidl:
            rec = Record(uidl.next_uid, fields, key + ":2," + flags)
            uidl.next_uid += 1
            uidl.set(rec)
        return rec.uid, key

    async def append(self, append_msg, *, recent=False):
        email_id, thread_id = ObjectId.random_email_id(), ObjectId.random_thread_id()
        when = (append_msg.when or datetime.now()).timestamp()
        uid, key = await _add(self, bytes(append_msg.literal), self.maildir_flags.to_maildir(append_msg.flag_set),
                              recent, when, {"E": str(email_id), "T": str(thread_id)})
        return Message.from_maildir(uid, self._maildir.get_message_metadata(key), self._maildir, key,
                                    email_id, thread_id, self.maildir_flags)

    def valid(name: str, delimiter: str) -> None:
        """A mailbox name the Maildir++ layout can hold: "", "/", "." or "a//b" would map to the
        account's own folder ("."), to the folder of all accounts ("..") or to a hierarchy with a
        hole: DELETE "" emptied the whole account."""
        if name != "INBOX" and not all(level not in ("", ".", "..") for level in name.split(delimiter)):
            raise MailboxError(name, b"Invalid mailbox name.", ResponseCode.of(b"CANNOT"))

    def checking_names(method, count: int):
        async def wrapper(self, *names, **kwargs):
            for name in names[:count]:
                valid(name, self.delimiter)
            result = await method(self, *names, **kwargs)
            if method.__name__ in ("add_mailbox", "delete_mailbox", "rename_mailbox"):
                folder_changed(self._path)          # the account's list of folders
            return result
        return wrapper

    original_rename = MailboxSet.rename_mailbox

    async def rename_mailbox(self, before: str, after: str) -> None:
        # pymap renamed nothing and answered OK for a missing mailbox, and failed inside
        # os.rename() onto an existing one
        if before != "INBOX" and not os.path.isdir(self._layout.get_path(before, self.delimiter)):
            raise KeyError(before)                          # NO [NONEXISTENT]
        if os.path.isdir(self._layout.get_path(after, self.delimiter)):
            raise ValueError(after)                         # NO [ALREADYEXISTS]
        await original_rename(self, before, after)

    original_add_folder = DefaultLayout.add_folder

    def add_folder(self, name: str, delimiter: str) -> None:
        parts = self._split(name, delimiter)
        for i in range(1, len(parts)):
            if not os.path.isdir(self._get_path(parts[:i])):
                original_add_folder(self, delimiter.join(parts[:i]), delimiter)
        original_add_folder(self, name, delimiter)

    # ---------------------------------------------------------------- speed
    # Per mailbox (one per session), three caches, each checked against the file system:
    #   _fm_uidlist   (signature, settled, parsed dovecot-uidlist, its keys)
    #   _fm_files     (signature, key -> (subdir, file name)): one listing of new/ and cur/
    #   _fm_messages  (signature, uid -> Message): what FETCH, SEARCH, STATUS, SELECT read
    # plus _fm_objects, Message objects by (uid, subdir, file name): the name carries the flags,
    # and the date (the file's mtime, IMAP's INTERNALDATE) never changes.
    # reset() starts every command: it drops the listing and the messages, and the uid list
    # unless it had not changed for 2 s when read (mtime resolution: a change in the same clock
    # tick could leave the signature as it was). Within a command the signatures alone decide:
    # the command sees the folder as it found it, or newer. This session's own writes drop the
    # listing and the messages (see changed()).

    async def pause_now_and_then(self, weight: int = 1) -> None:
        """Commands run message after message without waiting on anything: give the loop (the
        other connections, all listeners) a turn every 1,024 messages read."""
        self._fm_work = getattr(self, "_fm_work", 0) + weight
        if self._fm_work >= 1024:
            self._fm_work = 0
            await asyncio.sleep(0)

    def stat_sig(path: str):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns

    async def uidlist(self):
        """The parsed `dovecot-uidlist` (callers only read it) and the set of its keys."""
        async with UidList.read_lock(self._path):
            started = time.time_ns()
            sig = stat_sig(UidList.get_file(self._path))
            cached = getattr(self, "_fm_uidlist", None)
            if sig is not None and cached is not None and cached[0] == sig:
                return cached[2], cached[3]
            # stat before read: a write in between leaves the old signature, so the next use re-reads
            uidl = UidList.file_read(self._path)
            keys = {rec.key for rec in uidl.records}
            settled = sig is not None and started - sig[2] > 2_000_000_000
            self._fm_uidlist = (sig, settled, uidl, keys) if sig is not None else None
            return uidl, keys

    def dirs_sig(self):
        return stat_sig(os.path.join(self._path, "new")), stat_sig(os.path.join(self._path, "cur"))

    def listing(self) -> dict[str, tuple[str, str]]:
        """key -> (subdir, file name) of every message file, from one pass over new/ and cur/;
        also the Maildir's own table, so that its lookups find each file at once."""
        sig = self.dirs_sig()
        cached = getattr(self, "_fm_files", None)
        if cached is not None and cached[0] == sig:
            return cached[1]
        found: dict[str, tuple[str, str]] = {}
        for sub in ("new", "cur"):          # cur last: a file being claimed counts where it lands
            try:
                names = os.listdir(os.path.join(self._path, sub))
            except FileNotFoundError:
                continue
            for name in names:
                if not name.startswith("."):
                    found[name.split(":", 1)[0]] = (sub, name)
        self._maildir._toc = {key: os.path.join(sub, name) for key, (sub, name) in found.items()}
        self._fm_files = (sig, found)
        return found

    async def snapshot_messages(self) -> dict:
        sig = (stat_sig(UidList.get_file(self._path)), self.dirs_sig())
        cached = getattr(self, "_fm_messages", None)
        if cached is not None and cached[0] == sig:
            return cached[1]
        (uidl, _), flags = await self.uidlist(), self.maildir_flags
        old, objects, by_uid = getattr(self, "_fm_objects", {}), {}, {}
        async with self.messages_lock.read_lock():
            files = self.listing()
            for rec in list(uidl.records):
                entry = files.get(rec.key)
                if entry is None:
                    continue
                sub, name = entry
                msg = old.get((rec.uid, sub, name))
                if msg is None:
                    await pause_now_and_then(self, 2)
                    try:
                        mtime = os.stat(os.path.join(self._path, sub, name)).st_mtime
                    except FileNotFoundError:
                        continue
                    meta = MaildirMessage()
                    meta.set_subdir(sub)
                    if ":" in name:
                        meta.set_info(name.rsplit(":", 1)[-1])
                    meta.set_date(mtime)
                    msg = Message.from_maildir(rec.uid, meta, self._maildir, rec.key,
                                               ObjectId.maybe(rec.fields.get("E")), ObjectId.maybe(rec.fields.get("T")),
                                               flags)
                objects[(rec.uid, sub, name)] = by_uid[rec.uid] = msg
        self._fm_objects, self._fm_messages = objects, (sig, by_uid)
        return by_uid

    def changed(self) -> None:
        # A rename within the clock tick of the last listing may leave new/ and cur/ with the
        # same mtime. A uid list write always shows: a new file (new inode) replaces it.
        self._fm_files = self._fm_messages = None

    async def messages(self):
        for msg in list((await self.snapshot_messages()).values()):
            yield msg

    async def get(self, uid, cached_msg):
        # FETCH and SEARCH read every message as the command found the folder: one listing
        await pause_now_and_then(self)
        cached = getattr(self, "_fm_messages", None)
        msg = (cached[1] if cached is not None else await self.snapshot_messages()).get(uid)
        return msg if msg is not None else Message.copy_expunged(cached_msg)

    async def _get_keys(self) -> dict[str, str]:
        async with self.messages_lock.read_lock():
            return {key: (name.rsplit(":", 1)[-1] if ":" in name else "")
                    for key, (_, name) in self.listing().items()}

    async def reset(self):
        """Start of a command: give UIDs to files no one gave one yet (pymap's reset(), which
        re-read the folder and the uid list under the write lock on every command; now only
        when such a file exists)."""
        cached = getattr(self, "_fm_uidlist", None)
        if cached is not None and not cached[1]:
            self._fm_uidlist = None
        self._fm_files = self._fm_messages = None
        files = self.listing()
        uidl, known = await self.uidlist()
        if any(key not in known for key in files):
            keys = await self._get_keys()
            async with UidList.with_write(self._path) as uidl:
                for rec in uidl.records:
                    keys.pop(rec.key, None)
                for key, info in keys.items():
                    fields = {"E": str(ObjectId.random_email_id()), "T": str(ObjectId.random_thread_id())}
                    uidl.set(Record(uidl.next_uid, fields, key + ":" + info))
                    uidl.next_uid += 1
            self.changed()
        self._uid_validity = uidl.uid_validity
        self._next_uid = uidl.next_uid
        return self

    async def claim_recent(self, selected) -> None:
        async with self.messages_lock.write_lock():
            keys = set(self._maildir.claim_new())
        if keys:
            for rec in (await self.uidlist())[0].records:
                if rec.key in keys:
                    selected.session_flags.add_recent(rec.uid)

    async def transfer(self, uids, destination, *, recent: bool, move: bool) -> list[tuple[int, int]]:
        """COPY or MOVE of many messages: the files first, then one locked update of the
        destination's uid list for all of them (pymap re-read and rewrote it per message, holding
        the loop 34 s for 3,000 messages). A file some other reader gave a UID meanwhile (a
        reset() of another session) keeps it."""
        src, _ = await self.uidlist()
        records = list(src.get_all(uids).values())
        sub = "new" if recent else "cur"
        done: list[tuple[int, str, object]] = []             # (source uid, file name, fields)
        locks = [destination.messages_lock.write_lock()]
        if move and destination is not self:
            locks.append(self.messages_lock.write_lock())
        async with contextlib.AsyncExitStack() as stack:
            for lock in locks:
                await stack.enter_async_context(lock)
            for rec in records:
                await pause_now_and_then(self, 32)     # each copy is written and synced
                try:
                    if move:
                        name = self._maildir.move_message(rec.key, destination._maildir, sub)
                    else:
                        path = self._maildir._join(self._maildir._lookup(rec.key))
                        with open(path, "rb") as f:
                            data = f.read()
                        info = os.path.basename(path).rsplit(":", 1)[-1] if ":" in os.path.basename(path) else "2,"
                        key = write_file(Path(destination._path), data, sub, info, os.stat(path).st_mtime)
                        name = f"{key}:{info}"
                except (KeyError, FileNotFoundError):
                    continue
                done.append((rec.uid, name, rec.fields))
        pairs = []
        async with UidList.with_write(destination._path) as uidl:
            given = {r.key: r.uid for r in uidl.records}
            for uid, name, fields in done:
                key = name.split(":", 1)[0]
                if key in given:
                    pairs.append((uid, given[key]))
                    continue
                uidl.set(Record(uidl.next_uid, fields, name))
                pairs.append((uid, uidl.next_uid))
                uidl.next_uid += 1
        return pairs

    async def delete(self, uids) -> None:
        # pymap's, from the command's uid list, with a turn for the others now and then
        records = (await self.uidlist())[0].get_all(uids)
        async with self.messages_lock.write_lock():
            for rec in records.values():
                await pause_now_and_then(self, 16)      # an unlink each
                try:
                    self._maildir.remove(rec.key)
                except (KeyError, FileNotFoundError):
                    pass

    async def copy(self, uid, destination, *, recent=False):
        pairs = await self.transfer([uid], destination, recent=recent, move=False)
        return pairs[0][1] if pairs else None

    async def move(self, uid, destination, *, recent=False):
        pairs = await self.transfer([uid], destination, recent=recent, move=True)
        return pairs[0][1] if pairs else None

    async def copy_messages(self, selected, sequence_set, mailbox, *, move=False):
        mbx = await self._get_selected(selected)
        dest = await self._get_mailbox(mailbox, try_create=True)
        if dest.readonly:
            raise MailboxReadOnly(mailbox)
        dest_selected = self._pick_selected(selected, dest)
        pairs = await mbx.transfer([uid for _, uid in selected.messages.get_uids(sequence_set)], dest,
                                   recent=not dest_selected, move=move)
        if dest_selected:
            for _, dest_uid in pairs:
                dest_selected.session_flags.add_recent(dest_uid)
        return (CopyUid(dest.uid_validity, pairs) if pairs else None), await mbx.update_selected(selected)

    async def move_messages(self, selected, sequence_set, mailbox):
        return await copy_messages(self, selected, sequence_set, mailbox, move=True)

    async def update(self, uid, cached_msg, flag_set, mode):
        """STORE on one message: its flags as its file's name has them now, the file renamed if
        they change, and the command's messages kept up to date (pymap re-read the uid list)."""
        await pause_now_and_then(self, 4)       # a rename each: the weight of 4 reads
        cached = getattr(self, "_fm_messages", None)
        by_uid = cached[1] if cached is not None else await self.snapshot_messages()
        msg = by_uid.get(uid)
        try:
            if msg is None:
                raise KeyError(uid)
            subpath = self._maildir._lookup(msg._key)
        except KeyError:
            gone = Message.copy_expunged(cached_msg)
            gone.permanent_flags = mode.apply(gone.permanent_flags, flag_set)
            return gone
        sub, name = os.path.split(subpath)
        meta = MaildirMessage()
        meta.set_subdir(sub)
        if ":" in name:
            meta.set_info(name.rsplit(":", 1)[-1])
        meta.set_date(msg.internal_date.timestamp())
        flags = self.maildir_flags
        meta.set_flags(flags.to_maildir(mode.apply(flags.from_maildir(meta.get_flags()), flag_set)))
        new_name = f"{msg._key}:{meta.get_info()}"
        if new_name != name:
            try:
                os.rename(os.path.join(self._path, subpath), os.path.join(self._path, sub, new_name))
                self._maildir._update(msg._key, os.path.join(sub, new_name))
            except FileNotFoundError:
                pass
            self._fm_files = None
            folder_changed(self._path)
        by_uid[uid] = msg = Message.from_maildir(uid, meta, self._maildir, msg._key, msg.email_id, msg.thread_id,
                                                 flags)
        return msg

    def then_changed(method):
        async def wrapper(self, *args, **kwargs):
            try:
                return await method(self, *args, **kwargs)
            finally:
                self.changed()
                folder_changed(self._path)
                for other in args[1:2]:            # transfer's destination
                    if isinstance(other, MailboxData):
                        other.changed()
                        folder_changed(other._path)
        return wrapper

    FileWriteable.file_write = file_write
    Message.load_content = load_content
    DefaultLayout.add_folder = add_folder
    MailboxSet.rename_mailbox = rename_mailbox
    for name, count in (("get_mailbox", 1), ("add_mailbox", 1), ("delete_mailbox", 1), ("rename_mailbox", 2),
                        ("set_subscribed", 1)):
        setattr(MailboxSet, name, checking_names(getattr(MailboxSet, name), count))
    Session.copy_messages, Session.move_messages = copy_messages, move_messages
    for function in (append, uidlist, dirs_sig, listing, snapshot_messages, changed, messages, get, _get_keys,
                     reset, claim_recent, transfer, copy, move, update, delete):
        setattr(MailboxData, function.__name__, function)
    for name in ("append", "transfer", "delete", "claim_recent", "cleanup"):
        setattr(MailboxData, name, then_changed(getattr(MailboxData, name)))
    _patched = True

