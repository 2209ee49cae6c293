"""The sandbox's one mail store: a Maildir++ tree per account, shared by SMTP, IMAP and POP3.

    STORE/mail/<account>/            INBOX (cur/ new/ tmp/ + dovecot-uidlist)
    STORE/mail/<account>/.Drafts/    a folder; `.Bills.Atlas Corp/` is "Bills/Atlas Corp"

UIDs live in each folder's `dovecot-uidlist` (Dovecot's format, which pymap's maildir backend
also reads and writes), guarded by the `dovecot-uidlist.lock` lock file both honour: so a UID
given at delivery is the one IMAP shows, and the POP3 UIDL is built from it. Every writer
(delivery, POP3, pymap, each on its own loop thread) goes through that lock, and so does
another process on the same store: the lock file, not an asyncio lock, is what they share.

An account is named by the login or address exactly as given, case-folded: login
"4D@gmail.com" and recipient "4d@gmail.com" are one mailbox, "4d@4d.com" another.
"""
from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import random
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

UIDLIST = "dovecot-uidlist"
LOCK = "dovecot-uidlist.lock"
STALE_LOCK_SECONDS = 30.0          # a lock file older than this was left by a crash
DELIMITER = "/"                    # the IMAP hierarchy delimiter (pymap's maildir uses "/")
_SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789.@_+-")
_counter = itertools.count(1)      # next() is atomic: the servers' threads share it
NEXT_UID_DIGITS = 10               # the header's N is zero-padded to this width (a UID is 32 bits)


def account_name(login: str) -> str:
    return login.strip().casefold()


def _dir_name(account: str) -> str:
    """A file-system-safe directory name for an account (percent-escaped, never hidden)."""
    name = "".join(c if c in _SAFE else "".join(f"%{b:02X}" for b in c.encode()) for c in account)
    name = "%2E" + name[1:] if name.startswith(".") else (name or "%00")
    if len(name) > 200:                  # file names stop at 255 bytes: keep it short and unique
        name = name[:150] + "%" + hashlib.sha256(account.encode()).hexdigest()[:32]
    return name


def _new_key(lf_data: bytes | None = None) -> str:
    """A unique Maildir base name (time, microseconds, pid, counter, random, host), with the
    message's sizes as Dovecot names them: S= as stored, W= with CRLF line ends (what POP3
    announces, read from the name instead of the file)."""
    now = time.time()
    host = (socket.gethostname() or "localhost").replace("/", r"\057").replace(":", r"\072")
    key = f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{next(_counter)}R{random.getrandbits(32):08x}.{host}"
    if lf_data is not None:
        lines = lf_data.count(b"\n")
        key += f",S={len(lf_data)},W={len(lf_data) + lines}"
    return key


def crlf_size(key: str) -> int | None:
    """A message's size with CRLF line ends, from its name (W=), if the name has it."""
    for part in key.split(",")[1:]:
        if part.startswith("W=") and part[2:].isdigit():
            return int(part[2:])
    return None


# ------------------------------------------------------------ change notifications
# Who is told when a store's messages change (the web inbox's live updates): every writer
# (delivery, POP3's UPDATE, the IMAP backend, the web inbox) calls folder_changed() once its
# change is on disk, from whatever thread it runs on. A watcher returns at once (it hands the
# news to its own loop) and what it raises never reaches the writer.
_watchers: dict[str, list[Callable[[Path], None]]] = {}       # absolute mail root -> callbacks
_watchers_lock = threading.Lock()


def watch(mail_root: Path, callback: Callable[[Path], None]) -> Callable[[], None]:
    """Call `callback(folder_path)` after each change of a folder (or of the list of accounts and
    folders: then the path is an account's) under `mail_root`; returns the function that stops it."""
    root = os.path.abspath(mail_root)
    with _watchers_lock:
        _watchers.setdefault(root, []).append(callback)

    def unwatch() -> None:
        with _watchers_lock:
            callbacks = _watchers.get(root, [])
            if callback in callbacks:
                callbacks.remove(callback)
            if not callbacks:
                _watchers.pop(root, None)
    return unwatch


def folder_changed(folder: str | Path) -> None:
    """Say that the messages of `folder` (a Maildir folder of the store) changed."""
    if not _watchers:                   # nobody watches: the servers pay nothing
        return
    path = os.path.abspath(folder)
    for root, callbacks in list(_watchers.items()):
        if path.startswith(root + os.sep):
            for callback in list(callbacks):
                try:
                    callback(Path(path))
                except Exception:       # a watcher's fault is not the writer's
                    pass


def _object_id(prefix: str) -> str:
    return f"{prefix}{random.getrandbits(128):032x}"      # pymap's EMAILID/THREADID format


@dataclass
class Record:
    uid: int
    fields: str          # the text between the UID and ':' (pymap keeps E<emailid> T<threadid>)
    key: str


@dataclass
class UidList:
    validity: int
    next_uid: int
    guid: str
    records: dict[int, Record]

    @classmethod
    def new(cls) -> "UidList":
        validity = ((int(time.time()) % 65535) << 16) + random.randint(0, 65535)
        return cls(validity, 1, f"{random.getrandbits(128):032x}", {})

    @classmethod
    def read(cls, folder: Path) -> "UidList":
        try:
            text = (folder / UIDLIST).read_text("utf-8")
        except FileNotFoundError:
            return cls.new()
        lines = text.splitlines()
        head = {f[0]: f[1:] for f in lines[0].split()[1:] if f}
        ul = cls(int(head["V"]), int(head["N"]), head.get("G", ""), {})
        for line in lines[1:]:
            before, _, filename = line.partition(":")
            uid, _, fields = before.strip().partition(" ")
            if uid.isdigit():
                ul.records[int(uid)] = Record(int(uid), fields.strip(), filename.split(":", 1)[0])
        return ul

    def header(self) -> str:
        # N zero-padded: a delivery rewrites the header in place and appends its record
        # (`append_record`) instead of rewriting the whole list. Dovecot and pymap read N as a number.
        return f"3 V{self.validity} N{self.next_uid:0{NEXT_UID_DIGITS}d} G{self.guid}\r\n"

    def write(self, folder: Path) -> None:
        text = self.header() + "".join(_line(r) for r in self.records.values())
        tmp = folder / f".{UIDLIST}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(text, "utf-8", newline="")
        os.replace(tmp, folder / UIDLIST)           # readers never see a half-written list

    def add(self, key: str) -> int:
        uid = self.next_uid
        self.next_uid += 1
        self.records[uid] = Record(uid, f"E{_object_id('M')} T{_object_id('T')}", key)
        return uid


def _line(r: Record) -> str:
    return f"{r.uid}{' ' + r.fields if r.fields else ''} :{r.key}\r\n"


def append_record(folder: Path, key: str) -> int:
    """Give a new message its UID as Dovecot does: its record appended to `dovecot-uidlist`,
    the header's next UID rewritten in place, so a delivery costs the same in a folder of ten
    messages or of a million. The whole list is rewritten only when its header has another width
    (written by pymap, or new). The caller holds the folder's lock."""
    try:
        f = open(folder / UIDLIST, "r+b")
    except FileNotFoundError:
        ul = UidList.read(folder)
        uid = ul.add(key)
        ul.write(folder)
        return uid
    with f:
        old = f.readline()
        head = {p[:1]: p[1:] for p in old.decode("ascii", "replace").split()[1:] if p}
        try:
            uid = int(head["N"])
            new = f"3 V{int(head['V'])} N{uid + 1:0{NEXT_UID_DIGITS}d} G{head.get('G', '')}\r\n".encode()
        except (KeyError, ValueError):
            new = b""
        if len(new) != len(old):
            f.close()
            ul = UidList.read(folder)
            uid = ul.add(key)
            ul.write(folder)
            return uid
        end = f.seek(0, os.SEEK_END)
        f.seek(end - 1)
        newline = b"" if f.read(1) == b"\n" else b"\r\n"
        f.write(newline + _line(Record(uid, f"E{_object_id('M')} T{_object_id('T')}", key)).encode("utf-8"))
        f.seek(0)
        f.write(new)
    return uid


class FolderLock:
    """The `dovecot-uidlist.lock` lock file: created exclusively, removed on release."""

    def __init__(self, folder: Path, timeout: float = 10.0):
        self.path, self.timeout = folder / LOCK, timeout

    def _try(self) -> bool:
        try:
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return True
        except FileExistsError:
            try:
                if time.time() - self.path.stat().st_mtime > STALE_LOCK_SECONDS:
                    self.path.unlink()
            except FileNotFoundError:
                pass
            return False

    async def __aenter__(self):
        deadline = time.monotonic() + self.timeout
        while not self._try():
            if time.monotonic() > deadline:
                raise TimeoutError(f"mail folder locked: {self.path}")
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc):
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


@dataclass
class Message:
    uid: int
    key: str
    path: Path


class Store:
    def __init__(self, root: Path, seed: Callable[["Store", Path, str], None] | None = None):
        self.root = Path(root)
        self.mail = self.root / "mail"
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)     # mail and CA key: the user's only
        self.mail.mkdir(exist_ok=True)
        self.seed = seed          # fills a new account (the demo mailbox); see demo.py

    # ------------------------------------------------------------ accounts and folders
    def account_dir(self, account: str) -> Path:
        return self.mail / _dir_name(account_name(account))

    def ensure_account(self, account: str) -> Path:
        """The account's Maildir, created (and seeded) on first use. Built aside and renamed into
        place, so two first uses at once (two servers, two processes) make one account."""
        final = self.account_dir(account)
        if final.is_dir():
            return final
        build = self.mail / f".new-{os.getpid()}-{random.getrandbits(32):08x}"
        make_maildir(build)
        if self.seed:
            self.seed(self, build, account_name(account))
        try:
            os.rename(build, final)
        except OSError:
            shutil.rmtree(build, ignore_errors=True)      # someone else made it first
        else:
            folder_changed(final)
        return final

    @staticmethod
    def folder_path(account_dir: Path, folder: str) -> Path:
        if folder.upper() == "INBOX":
            return account_dir
        return account_dir / ("." + ".".join(folder.split(DELIMITER)))

    def add_folder(self, account_dir: Path, folder: str, subscribe: bool = True) -> Path:
        path = self.folder_path(account_dir, folder)
        make_maildir(path)
        (path / "maildirfolder").touch()
        if subscribe:
            subs = account_dir / "subscriptions"
            names = subs.read_text("utf-8").splitlines() if subs.exists() else []
            if folder not in names:
                with open(subs, "a", encoding="utf-8") as f:
                    f.write(folder + "\r\n")
        return path

    # ------------------------------------------------------------ messages
    @staticmethod
    def write_message(folder: Path, data: bytes, flags: str = "", recent: bool = True,
                      date: float | None = None) -> str:
        """Write one message file; returns its key. Unflagged recent mail goes to new/, the rest
        to cur/ with its flags in the name (`KEY:2,FS`)."""
        if recent and not flags:
            return write_file(folder, data, "new", None, date)
        return write_file(folder, data, "cur", "2," + "".join(sorted(set(flags))), date)

    def seed_message(self, folder: Path, data: bytes, flags: str = "", recent: bool = False,
                     date: float | None = None) -> int:
        """Add a message to a folder no one else sees yet (a new account): no lock needed."""
        key = self.write_message(folder, data, flags, recent, date)
        ul = UidList.read(folder)
        uid = ul.add(key)
        ul.write(folder)
        return uid

    async def deliver(self, account: str, data: bytes, folder: str = "INBOX") -> int:
        """Deliver a message (new, unseen, recent) and give it its UID at once."""
        return (await self.deliver_to([account], data, folder))[account_name(account)]

    async def deliver_to(self, accounts: Iterable[str], data: bytes, folder: str = "INBOX") -> dict[str, int]:
        """Deliver one message to several accounts: {account: UID}. The file is written once and
        hard-linked into each folder (a new file costs ~50 times a link here; a Maildir message
        is never changed in place, so the copies cannot tell); where links are not possible
        (another file system) each folder gets its own file."""
        paths = {account_name(a): self.folder_path(self.ensure_account(a), folder) for a in accounts}
        if not paths:
            return {}
        source = _write_tmp(next(iter(paths.values())), data)
        uids = {}
        try:
            for account, path in paths.items():
                async with FolderLock(path):
                    key = _new_key() + source.name[source.name.index(","):]     # the same sizes
                    try:
                        os.link(source, path / "new" / key)
                    except OSError:
                        key = write_file(path, data, "new", None, None)
                    uids[account] = append_record(path, key)
                folder_changed(path)
        finally:
            source.unlink()
        return uids

    async def messages(self, account: str, folder: str = "INBOX") -> tuple[int, list[Message]]:
        """(UIDVALIDITY, the folder's messages by UID). A file no one has given a UID yet (put
        there by hand) gets one now, as pymap would give it."""
        path = self.folder_path(self.ensure_account(account), folder)
        async with FolderLock(path):
            files = {_key(name): path / sub / name for sub in ("cur", "new")
                     for name in _listdir(path / sub) if not name.startswith(".")}
            ul = UidList.read(path)
            known = {r.key for r in ul.records.values()}
            new_keys = sorted(k for k in files if k not in known)
            if new_keys or not (path / UIDLIST).exists():
                for k in new_keys:
                    ul.add(k)
                ul.write(path)
        out = [Message(uid, r.key, files[r.key]) for uid, r in sorted(ul.records.items()) if r.key in files]
        return ul.validity, out

    async def fill(self, account: str, n: int, folder: str = "INBOX") -> None:
        """Add `n` small messages to a folder at once (benchmarks, tests): one lock and one
        `dovecot-uidlist` write for all of them. A third are new (unseen, in new/), a third seen,
        a third flagged; as delivered mail they are visible to IMAP and POP3 alike."""
        path = self.folder_path(self.ensure_account(account), folder)
        async with FolderLock(path):
            ul = UidList.read(path)
            for i in range(n):
                data = (f"From: sender{i % 17}@example.com\nTo: {account}\nSubject: message {i}\n"
                        f"Message-ID: <message.{i}.{account}>\n\nThis is message {i}.\n").encode()
                ul.add(self.write_message(path, data, ("", "S", "F")[i % 3]))
            ul.write(path)

    def read(self, account: str, key: str, folder: str = "INBOX") -> bytes | None:
        """A message's content, found by key (its file name changes with its flags)."""
        path = self.folder_path(self.account_dir(account), folder)
        for sub in ("cur", "new"):
            for name in _listdir(path / sub):
                if _key(name) == key:
                    try:
                        return (path / sub / name).read_bytes()
                    except FileNotFoundError:
                        break
        return None

    async def remove(self, account: str, uids: Iterable[int], folder: str = "INBOX") -> int:
        """Remove messages for good (POP3's UPDATE state); returns how many were removed."""
        path = self.folder_path(self.account_dir(account), folder)
        uids = set(uids)
        removed = 0
        async with FolderLock(path):
            ul = UidList.read(path)
            keys = {ul.records[u].key for u in uids if u in ul.records}
            for sub in ("cur", "new"):
                for name in _listdir(path / sub):
                    if _key(name) in keys:
                        try:
                            (path / sub / name).unlink()
                            removed += 1
                        except FileNotFoundError:
                            pass
            for u in uids:
                ul.records.pop(u, None)
            ul.write(path)
        folder_changed(path)
        return removed

    async def set_flags(self, account: str, uids: Iterable[int], add: str = "", remove: str = "",
                        folder: str = "INBOX") -> int:
        """Add and remove Maildir flags (S seen, F flagged, R answered, T deleted, D draft) on
        messages, as IMAP's STORE does: the file renamed into cur/ with its flags in its name,
        which is where the IMAP and POP3 servers read them. Returns how many files changed."""
        path = self.folder_path(self.account_dir(account), folder)
        changed = 0
        async with FolderLock(path):
            ul = UidList.read(path)
            keys = {ul.records[u].key for u in set(uids) if u in ul.records}
            for sub in ("new", "cur"):
                for name in _listdir(path / sub):
                    key, _, info = name.partition(":")
                    if key not in keys:
                        continue
                    old = info[2:] if info.startswith("2,") else ""
                    flags = "".join(sorted((set(old) | set(add)) - set(remove)))
                    if sub == "cur" and flags == old:
                        continue
                    try:
                        os.rename(path / sub / name, path / "cur" / f"{key}:2,{flags}")
                        changed += 1
                    except FileNotFoundError:          # renamed by another writer meanwhile
                        pass
        if changed:
            folder_changed(path)
        return changed


def write_file(folder: Path, data: bytes, subdir: str, info: str | None, date: float | None) -> str:
    """Write a message the Maildir way (tmp/, then renamed into new/ or cur/); returns its key.
    Stored with LF line ends, as Maildir tools (Dovecot, mutt, pymap) do; `crlf()` serves it.

    The rename makes a message appear whole or not at all. There is no fsync: the store is a
    loopback sandbox's, and one fsync per recipient (~3 ms each here) capped delivery at a few
    dozen messages a second; what a crash of the machine itself may lose is test mail."""
    tmp = _write_tmp(folder, data)
    if date is not None:
        os.utime(tmp, (date, date))
    os.rename(tmp, folder / subdir / (tmp.name if info is None else f"{tmp.name}:{info}"))
    return tmp.name


def _write_tmp(folder: Path, data: bytes) -> Path:
    """A message written to the folder's tmp/ (LF line ends), under a new unique key."""
    lf = data.replace(b"\r\n", b"\n")
    tmp = folder / "tmp" / _new_key(lf)
    with open(tmp, "wb") as f:
        f.write(lf)
    return tmp


def crlf(data: bytes) -> bytes:
    """A stored message as the protocols send it: CRLF line ends (RFC 5322)."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def make_maildir(path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)


def _key(name: str) -> str:
    return name.split(":", 1)[0]


def _listdir(path: Path) -> list[str]:
    try:
        return os.listdir(path)
    except FileNotFoundError:
        return []
