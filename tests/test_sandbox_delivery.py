"""Delivery into the store costs the same whatever the folder holds: the UID list grows by
appending (as Dovecot does), the message is written once and hard-linked into each recipient's
INBOX, and what pymap and the store read stays the same list."""
from __future__ import annotations

import asyncio
import os

from fourmail.sandbox.store import UIDLIST, Store, UidList


def _files(store: Store, account: str) -> list:
    inbox = store.account_dir(account)
    return [inbox / sub / n for sub in ("new", "cur") for n in os.listdir(inbox / sub)]


def test_a_delivery_appends_to_the_uid_list_instead_of_rewriting_it(tmp_path):
    from pymap.backend.maildir.uidlist import UidList as PymapUidList
    store = Store(tmp_path)
    asyncio.run(store.deliver("a@b.c", b"Subject: first\n\nbody\n"))
    path = store.account_dir("a@b.c") / UIDLIST
    before = path.read_bytes()
    inode = path.stat().st_ino
    uid = asyncio.run(store.deliver("a@b.c", b"Subject: second\n\nbody\n"))
    after = path.read_bytes()
    assert path.stat().st_ino == inode                      # the same file, not a rewritten copy
    first_line = before.split(b"\r\n", 1)
    assert after.split(b"\r\n", 1)[1].startswith(first_line[1])     # the records before it untouched
    assert uid == 2 and after.endswith(b"\r\n")
    pymap = PymapUidList.file_read(str(store.account_dir("a@b.c")))
    assert pymap.next_uid == 3 and sorted(r.uid for r in pymap.records) == [1, 2]
    assert {r.key for r in pymap.records} == {r.key for r in UidList.read(store.account_dir("a@b.c")).records.values()}


def test_a_list_pymap_rewrote_still_gives_new_uids(tmp_path):
    """pymap writes the header's next UID unpadded: the next delivery rewrites the list once."""
    from pymap.backend.maildir.uidlist import Record, UidList as PymapUidList
    store = Store(tmp_path)
    folder = store.account_dir("a@b.c")
    asyncio.run(store.deliver("a@b.c", b"Subject: one\n\nbody\n"))

    async def pymap_adds():
        async with PymapUidList.with_write(str(folder)) as ul:
            ul.set(Record(ul.next_uid, {}, "by-pymap:2,S"))
            ul.next_uid += 1
    asyncio.run(pymap_adds())
    assert b" N3 " in (folder / UIDLIST).read_bytes()       # pymap's own header
    uids = [asyncio.run(store.deliver("a@b.c", f"Subject: {n}\n\nbody\n".encode())) for n in range(3)]
    assert uids == [3, 4, 5]
    assert sorted(UidList.read(folder).records) == [1, 2, 3, 4, 5]
    assert PymapUidList.file_read(str(folder)).next_uid == 6


def test_one_message_to_several_accounts_is_written_once(tmp_path):
    store = Store(tmp_path)
    uids = asyncio.run(store.deliver_to(["A@b.c", "d@e.f", "a@b.c", "g@h.i"], b"Subject: all\r\n\r\nbody\r\n"))
    assert uids == {"a@b.c": 1, "d@e.f": 1, "g@h.i": 1}
    files = [f for a in uids for f in _files(store, a)]
    assert len(files) == 3 and len({f.stat().st_ino for f in files}) == 1
    assert all(f.read_bytes() == b"Subject: all\n\nbody\n" for f in files)
    assert not any(os.listdir(store.account_dir(a) / "tmp") for a in uids)      # nothing left behind
    # removing one recipient's copy leaves the others'
    assert asyncio.run(store.remove("d@e.f", [1])) == 1
    assert [f.read_bytes() for f in _files(store, "a@b.c")] == [b"Subject: all\n\nbody\n"]


def test_a_delivered_file_names_its_sizes_as_dovecot_does(tmp_path):
    """S= the stored size, W= the size with CRLF line ends: POP3 announces W= without reading."""
    from fourmail.sandbox.store import crlf, crlf_size
    store = Store(tmp_path)
    data = b"Subject: sizes\r\n\r\nline one\r\nline two\r\n"
    asyncio.run(store.deliver_to(["a@b.c", "d@e.f"], data))
    for account in ("a@b.c", "d@e.f"):
        [f] = _files(store, account)
        fields = dict(p.split("=") for p in f.name.split(",")[1:])
        assert int(fields["S"]) == f.stat().st_size == len(data) - 4
        assert int(fields["W"]) == crlf_size(f.name) == len(crlf(f.read_bytes())) == len(data)
