"""The store as the web inbox and its API read it: accounts, their folders, and messages with
stable ids, summaries, parsed parts and search.

A message's id names where it is: its account's folder in the store, the folder, and its IMAP
UIDVALIDITY and UID (base64url), so it stays the same while the message stays in its folder,
whatever its flags, and names nothing once it is deleted or moved. Everything is read from the
Maildir files the servers share (store.py): nothing is copied or kept aside, so what the page
shows is what IMAP and POP3 serve. A message's content never changes in a Maildir (its file is
renamed when its flags change): what is parsed from it is kept by its key.

The MIME is read by the mail layer's parser (mail/mimeparse.py, `bodyStructure` and attachments as
4D's MAIL Convert from MIME gives them); nothing here parses MIME by hand.
"""
from __future__ import annotations

import base64
import binascii
import datetime as _dt
import html.parser
import os
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from ..store import UIDLIST, Store, UidList, crlf, crlf_size

SNIPPET_CHARS = 250                # Mailpit's snippet: "up to 250 characters"
SEARCH_TEXT_CHARS = 64 * 1024      # how much of a body a search looks into
_PARSED_KEPT = 4096                # parsed messages kept (by Maildir key)
SETTLED_NS = 2_000_000_000         # a folder listing is kept once its files are this old
FLAG_NAMES = {"S": "Seen", "R": "Answered", "F": "Flagged", "T": "Deleted", "D": "Draft"}   # Maildir -> IMAP


class NotFound(LookupError):
    """No message (or part) by that id."""


# ---------------------------------------------------------------- what a message says
@dataclass
class Info:
    """What is parsed from a message's content once (its file never changes)."""
    sender: dict | None                       # {"name", "email"} of the first From
    to: list[dict]
    cc: list[dict]
    bcc: list[dict]
    reply_to: list[dict]
    subject: str
    message_id: str
    sent_at: str | None                       # the Date field, ISO 8601 UTC
    snippet: str
    attachments: int                          # parts that are attachments (not inline)
    inline: int                               # inline parts (cid: images...)
    search_text: str                          # lowercased: what a bare search word is looked for in


@dataclass
class Summary:
    id: str
    account: str
    folder: str
    uid: int
    key: str
    path: Path
    flags: str                                # Maildir letters: S seen, R answered, F flagged...
    keywords: list[str]
    created: float                            # when it was stored (IMAP's INTERNALDATE)
    size: int                                 # octets as IMAP and POP3 serve it (CRLF)
    load: Callable[[], Info] = field(repr=False, compare=False)

    @cached_property
    def info(self) -> Info:
        """What the content says, parsed on first use: listing or diffing a folder parses nothing."""
        return self.load()

    @property
    def read(self) -> bool:
        return "S" in self.flags

    @property
    def flag_names(self) -> list[str]:
        return [FLAG_NAMES[f] for f in self.flags if f in FLAG_NAMES] + self.keywords


@dataclass
class Folder:
    name: str                                 # as IMAP names it: INBOX, Bills/Atlas Corp
    path: Path
    total: int = 0
    unread: int = 0


@dataclass
class Account:
    name: str
    dir_name: str
    folders: list[Folder] = field(default_factory=list)


@dataclass
class Part:
    content_type: str
    filename: str | None
    data: bytes
    disposition: str | None


# ---------------------------------------------------------------- ids
def message_id(dir_name: str, folder: str, validity: int, uid: int) -> str:
    raw = f"{dir_name}\n{folder}\n{validity}\n{uid}".encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _parse_id(text: str) -> tuple[str, str, int, int] | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
        dir_name, folder, validity, uid = raw.split("\n")
        return dir_name, folder, int(validity), int(uid)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def iso(ts: float) -> str:
    """A time as Mailpit's JSON gives it (RFC 3339), in UTC, to the millisecond."""
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- text of an HTML part
class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.out.append(data)


def html_text(markup: str) -> str:
    p = _Text()
    try:
        p.feed(markup)
        p.close()
    except Exception:                   # html.parser copes with nearly anything; keep what it read
        pass
    return " ".join("".join(p.out).split())


# ---------------------------------------------------------------- the parsed message
def parse(data: bytes) -> dict:
    """The Email object 4D's MAIL Convert from MIME gives for these bytes (as IMAP serves them)."""
    from ...mail.mimeparse import mime_to_email
    return mime_to_email(None, crlf(data))


def leaves(node: dict):
    """The leaf parts of a bodyStructure, in order."""
    if "subParts" in node:
        for sub in node["subParts"]:
            yield from leaves(sub)
    else:
        yield node


def body_parts(mail: dict) -> tuple[str, str]:
    """(text, html): the first text/plain and text/html body parts, decoded."""
    text = markup = None
    values = mail.get("bodyValues", {})
    for leaf in leaves(mail.get("bodyStructure", {})):
        value = values.get(leaf.get("partID"))
        if value is None:
            continue
        if leaf.get("type") == "text/html" and markup is None:
            markup = value["value"]
        elif leaf.get("type") != "text/html" and text is None:
            text = value["value"]
    return text or "", markup or ""


def _address(a: dict) -> str:
    return f"{a.get('name') or ''} {a.get('email') or ''}"


def _info(mail: dict) -> Info:
    text, markup = body_parts(mail)
    body = text if text.strip() else html_text(markup)
    snippet = " ".join(body.split())[:SNIPPET_CHARS]
    atts = mail.get("attachments") or []
    inline = sum(1 for a in atts if a.disposition == "inline")
    addresses = {k: list(mail.get(k) or []) for k in ("from", "to", "cc", "bcc", "replyTo")}
    subject = mail.get("subject") or ""
    search = " ".join([subject, mail.get("messageId") or ""]
                      + [_address(a) for k in addresses for a in addresses[k]]
                      + [body[:SEARCH_TEXT_CHARS]]).lower()
    return Info(sender=addresses["from"][0] if addresses["from"] else None, to=addresses["to"], cc=addresses["cc"],
                bcc=addresses["bcc"], reply_to=addresses["replyTo"], subject=subject,
                message_id=mail.get("messageId") or "", sent_at=mail.get("sendAt"), snippet=snippet,
                attachments=len(atts) - inline, inline=inline, search_text=search)


# ---------------------------------------------------------------- search (Mailpit's syntax)
_TERM = re.compile(r'(-|!)?(?:([a-z-]+):)?("([^"]*)"?|(\S+))', re.I)


def parse_query(query: str) -> list[tuple[bool, str, str]]:
    """[(negated, field, value)] of a Mailpit search: words (all must match), "quoted phrases",
    from:, to:, cc:, bcc:, subject:, message-id:, is:read/unread/flagged, has:attachment, and
    the sandbox's own account: and folder:; a leading - (or !) negates a term."""
    terms = []
    for m in _TERM.finditer(query):
        neg, name, _, quoted, bare = m.groups()
        value = quoted if quoted is not None else bare
        name = (name or "").lower()
        if not value and not name:
            continue
        terms.append((bool(neg), name, value.lower()))
    return terms


def matches(s: Summary, terms) -> bool:
    for negated, name, value in terms:
        if _match(s, name, value) == negated:
            return False
    return True


def _in(addresses: list[dict], value: str) -> bool:
    return any(value in _address(a).lower() for a in addresses)


def _match(s: Summary, name: str, value: str) -> bool:
    i = s.info
    if name == "from":
        return i.sender is not None and value in _address(i.sender).lower()
    if name == "to":
        return _in(i.to, value)
    if name in ("cc", "bcc"):
        return _in(getattr(i, name), value)
    if name == "subject":
        return value in i.subject.lower()
    if name == "message-id":
        return value.strip("<>") in i.message_id.lower()
    if name == "is":
        return {"read": s.read, "unread": not s.read, "seen": s.read, "unseen": not s.read,
                "flagged": "F" in s.flags, "starred": "F" in s.flags,
                "answered": "R" in s.flags}.get(value, False)
    if name == "has":
        return value in ("attachment", "attachments") and i.attachments > 0
    if name == "account":
        return value in s.account.lower()
    if name == "folder":
        return value == s.folder.lower()
    if name:                                # an unknown filter: taken as words, as Mailpit does
        value = f"{name}:{value}"
    return value in i.search_text


# ---------------------------------------------------------------- the model
class Messages:
    """The store's messages, read from its files (thread-safe: the web handlers read it from
    worker threads, so that a large folder never holds the sandbox's HTTP loop)."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._parsed: OrderedDict[str, Info] = OrderedDict()       # Maildir key -> Info
        self._folders: dict[Path, tuple] = {}                       # folder path -> (signature, scan)

    # ------------------------------------------------------------ accounts and folders
    def accounts(self) -> list[Account]:
        out = []
        for name in sorted(_listdir(self.store.mail)):
            path = self.store.mail / name
            if name.startswith(".") or not (path / "cur").is_dir():
                continue                        # a new account being built (".new-…")
            account = Account(unquote(name), name)
            account.folders = [Folder("INBOX", path)]
            subs = sorted(n for n in _listdir(path) if n.startswith(".") and n not in (".", "..")
                          and (path / n / "cur").is_dir())
            account.folders += [Folder(n[1:].replace(".", "/"), path / n) for n in subs]
            out.append(account)
        return out

    def account(self, name: str) -> Account | None:
        return next((a for a in self.accounts() if a.name == name or a.dir_name == name), None)

    def with_counts(self) -> list[Account]:
        accounts = self.accounts()
        for a in accounts:
            for f in a.folders:
                msgs = self.folder_messages(a, f)
                f.total, f.unread = len(msgs), sum(1 for m in msgs if not m.read)
        return accounts

    # ------------------------------------------------------------ messages
    def folder_messages(self, account: Account, folder: Folder) -> list[Summary]:
        """A folder's messages by UID, as IMAP lists them."""
        path = folder.path
        started = time.time_ns()
        sig = (_sig(path / UIDLIST), _sig(path / "new"), _sig(path / "cur"))
        with self._lock:
            cached = self._folders.get(path)
        if cached is not None and cached[0] == sig:
            return cached[1]
        ul = UidList.read(path)
        files = {}
        for sub in ("new", "cur"):
            for name in _listdir(path / sub):
                if not name.startswith("."):
                    files[name.split(":", 1)[0]] = (sub, name)
        keywords = _keywords(path)
        out = []
        for uid, rec in sorted(ul.records.items()):
            entry = files.get(rec.key)
            if entry is None:
                continue                        # expunged, or the record of a file not there yet
            sub, name = entry
            file = path / sub / name
            info = name.split(":", 1)[1] if ":" in name else ""
            letters = info[2:] if info.startswith("2,") else ""
            try:
                st = file.stat()
            except FileNotFoundError:           # renamed (flags) or removed since the listing
                continue
            size = crlf_size(rec.key)
            if size is None:
                size = len(crlf(file.read_bytes()))
            out.append(Summary(id=message_id(account.dir_name, folder.name, ul.validity, uid), account=account.name,
                               folder=folder.name, uid=uid, key=rec.key, path=file,
                               flags="".join(c for c in letters if c.isupper()),
                               keywords=[keywords[c] for c in letters if c in keywords],
                               created=st.st_mtime, size=size, load=partial(self._info, rec.key, file, path)))
        # Kept only once the folder had not changed for a while when read: two changes within
        # one tick of the file system's clock can leave the same signature.
        if None not in sig and started - max(s[2] for s in sig) > SETTLED_NS:
            with self._lock:
                self._folders[path] = (sig, out)
        return out

    def _info(self, key: str, file: Path, folder: Path) -> Info:
        with self._lock:
            info = self._parsed.get(key)
            if info is not None:
                self._parsed.move_to_end(key)
                return info
        try:
            data = file.read_bytes()
        except FileNotFoundError:               # renamed since it was listed (its flags changed)
            data = _read_key(folder, key)
        if data is None:                        # gone since it was listed: nothing to say
            return _info({})
        info = _info(parse(data))
        with self._lock:
            self._parsed[key] = info
            while len(self._parsed) > _PARSED_KEPT:
                self._parsed.popitem(last=False)
        return info

    def summaries(self, account: str | None = None, folder: str | None = None) -> list[Summary]:
        """Every message (of an account, of a folder), newest first."""
        out = []
        for a in self.accounts():
            if account is not None and account not in (a.name, a.dir_name):
                continue
            for f in a.folders:
                if folder is None or f.name == folder:
                    out += self.folder_messages(a, f)
        out.sort(key=lambda s: (s.created, s.uid), reverse=True)
        return out

    def search(self, query: str, account: str | None = None, folder: str | None = None) -> list[Summary]:
        terms = parse_query(query)
        return [s for s in self.summaries(account, folder) if matches(s, terms)]

    def get(self, id: str) -> Summary:
        """The message with that id ("latest": the newest of all); NotFound if there is none."""
        if id == "latest":
            found = self.summaries()
            if found:
                return found[0]
            raise NotFound(id)
        parsed = _parse_id(id)
        if parsed is None:
            raise NotFound(id)
        dir_name, folder_name, validity, uid = parsed
        account = next((a for a in self.accounts() if a.dir_name == dir_name), None)
        folder = next((f for f in account.folders if f.name == folder_name), None) if account else None
        if folder is None:
            raise NotFound(id)
        found = next((s for s in self.folder_messages(account, folder) if s.uid == uid), None)
        if found is None or found.id != id:     # another UIDVALIDITY: not the same message
            raise NotFound(id)
        return found

    def raw(self, s: Summary) -> bytes:
        """The message as IMAP and POP3 serve it (CRLF line ends)."""
        data = self.store.read(s.account, s.key, s.folder)
        if data is None:
            raise NotFound(s.id)
        return crlf(data)

    def email(self, s: Summary) -> dict:
        return parse(self.raw(s))

    def part(self, s: Summary, part_id: str) -> Part:
        """A part's content, exactly: an attachment's or inline image's decoded bytes; a text body
        part's text (UTF-8)."""
        mail = self.email(s)
        for a in mail.get("attachments") or []:
            if a.part_id == part_id:
                return Part(a.type, a.name, a.content(None), a.disposition)
        for leaf in leaves(mail.get("bodyStructure", {})):
            value = mail.get("bodyValues", {}).get(leaf.get("partID"))
            if leaf.get("partID") == part_id and value is not None:
                return Part(f"{leaf.get('type', 'text/plain')}; charset=utf-8", None,
                            value["value"].encode("utf-8"), leaf.get("disposition"))
        raise NotFound(part_id)

    # ------------------------------------------------------------ changes, through the store
    async def delete(self, summaries: list[Summary]) -> int:
        """Remove messages for good, as POP3's UPDATE and IMAP's EXPUNGE do."""
        removed = 0
        for (account, folder), uids in _by_folder(summaries).items():
            removed += await self.store.remove(account, uids, folder)
        return removed

    async def set_read(self, summaries: list[Summary], read: bool) -> int:
        """Set or clear \\Seen: the flag IMAP shows and FETCH/SEARCH see."""
        changed = 0
        for (account, folder), uids in _by_folder(summaries).items():
            changed += await self.store.set_flags(account, uids, add="S" if read else "",
                                                  remove="" if read else "S", folder=folder)
        return changed


def _by_folder(summaries) -> dict[tuple[str, str], list[int]]:
    groups: dict[tuple[str, str], list[int]] = {}
    for s in summaries:
        groups.setdefault((s.account, s.folder), []).append(s.uid)
    return groups


def _read_key(folder: Path, key: str) -> bytes | None:
    """A message's content by its key (its file's name changes with its flags)."""
    for sub in ("cur", "new"):
        for name in _listdir(folder / sub):
            if name.split(":", 1)[0] == key:
                try:
                    return (folder / sub / name).read_bytes()
                except FileNotFoundError:
                    break
    return None


def _keywords(folder: Path) -> dict[str, str]:
    """Maildir keyword letters (a, b...) -> IMAP keywords, from Dovecot's `dovecot-keywords`."""
    try:
        lines = (folder / "dovecot-keywords").read_text("utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return {}
    out = {}
    for line in lines:
        n, _, word = line.partition(" ")
        if n.isdigit() and int(n) < 26 and word.strip():
            out[chr(ord("a") + int(n))] = word.strip()
    return out


def _sig(path: Path):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _listdir(path: Path) -> list[str]:
    try:
        return os.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return []
