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
"""
from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from .store import crlf, write_file

_patched = False


def patch() -> None:
    global _patched
    if _patched:
        return
    from pymap.backend.maildir.io import FileWriteable
    from pymap.backend.maildir.layout import DefaultLayout
    from pymap.backend.maildir.mailbox import LoadedMessage, MailboxData, Message
    from pymap.backend.maildir.uidlist import Record, UidList
    from pymap.mime import MessageContent
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

    async def copy(self, uid, destination, *, recent=False):
        try:
            record, meta = await self._get_maildir_msg(uid)
            with open(self._maildir._join(self._maildir._lookup(record.key)), "rb") as f:
                data = f.read()
        except (KeyError, FileNotFoundError):
            return None
        new_uid, _ = await _add(destination, data, meta.get_flags(), recent, meta.get_date(), record.fields)
        return new_uid

    original_add_folder = DefaultLayout.add_folder

    def add_folder(self, name: str, delimiter: str) -> None:
        parts = self._split(name, delimiter)
        for i in range(1, len(parts)):
            if not os.path.isdir(self._get_path(parts[:i])):
                original_add_folder(self, delimiter.join(parts[:i]), delimiter)
        original_add_folder(self, name, delimiter)

    FileWriteable.file_write = file_write
    Message.load_content = load_content
    MailboxData.append = append
    MailboxData.copy = copy
    DefaultLayout.add_folder = add_folder
    _patched = True

