"""The one Maildir store: account names, UIDs shared with pymap's view, locking, first use."""
from __future__ import annotations

import asyncio
import os
import threading
import time

from fourmail.sandbox import demo
from fourmail.sandbox.store import LOCK, FolderLock, Store, UidList, _dir_name, account_name


def test_account_names_are_case_folded_and_file_system_safe():
    assert account_name(" 4D@Gmail.com ") == "4d@gmail.com"
    for hostile in ("../../etc", "a/b", ".hidden", "", "x" * 400, "nul\0"):
        name = _dir_name(hostile)
        assert "/" not in name and not name.startswith(".") and 0 < len(name) <= 200 and "\0" not in name
    assert len({_dir_name(a) for a in ("a/b", "a%2Fb", "a_b", "A/B".casefold())}) == 3


def test_first_use_seeds_the_demo_mailbox_once_even_when_raced(tmp_path):
    store = Store(tmp_path, seed=demo.seed)
    threads = [threading.Thread(target=store.ensure_account, args=("Race@Example.com",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    inbox = store.account_dir("race@example.com")
    assert len(os.listdir(inbox / "cur")) + len(os.listdir(inbox / "new")) == 8
    assert sorted(UidList.read(inbox).records) == list(range(1, 9))
    assert [p.name for p in store.mail.iterdir()] == ["race@example.com"]      # no half-built leftovers


def test_uids_grow_are_never_reused_and_pymap_reads_them(tmp_path):
    from pymap.backend.maildir.uidlist import UidList as PymapUidList
    store = Store(tmp_path)

    async def go():
        uids = await asyncio.gather(*(store.deliver("a@b.c", f"Subject: {n}\n\nbody\n".encode()) for n in range(20)))
        assert sorted(uids) == list(range(1, 21))
        await store.remove("a@b.c", [20, 3])
        assert await store.deliver("a@b.c", b"Subject: again\n\n") == 21
        return await store.messages("a@b.c")

    validity, msgs = asyncio.run(go())
    assert [m.uid for m in msgs] == [u for u in range(1, 22) if u not in (3, 20)]
    folder = store.account_dir("a@b.c")
    theirs = PymapUidList.file_read(str(folder))
    assert theirs.uid_validity == validity and theirs.next_uid == 22
    assert {r.uid: r.key for r in theirs.records} == {m.uid: m.key for m in msgs}
    assert not (folder / LOCK).exists()


def test_a_file_dropped_by_hand_gets_a_uid(tmp_path):
    store = Store(tmp_path)
    asyncio.run(store.deliver("a@b.c", b"Subject: one\n\n"))
    folder = store.account_dir("a@b.c")
    (folder / "new" / "1700000000.M1P1.hand").write_bytes(b"Subject: by hand\n\n")
    _, msgs = asyncio.run(store.messages("a@b.c"))
    assert [(m.uid, m.key) for m in msgs][-1] == (2, "1700000000.M1P1.hand")


def test_messages_are_stored_with_lf_and_served_with_crlf(tmp_path):
    from fourmail.sandbox.store import crlf
    store = Store(tmp_path)
    asyncio.run(store.deliver("a@b.c", b"Subject: x\r\n\r\nline\r\nmixed\nend\r\n"))
    _, (msg,) = asyncio.run(store.messages("a@b.c"))
    assert msg.path.read_bytes() == b"Subject: x\n\nline\nmixed\nend\n"
    assert crlf(store.read("a@b.c", msg.key)) == b"Subject: x\r\n\r\nline\r\nmixed\r\nend\r\n"


def test_lock_waits_for_its_holder_and_breaks_a_stale_one(tmp_path):
    (tmp_path / "cur").mkdir()

    async def go():
        order = []

        async def holder():
            async with FolderLock(tmp_path):
                order.append("held")
                await asyncio.sleep(0.1)
                order.append("released")

        async def waiter():
            await asyncio.sleep(0.02)
            async with FolderLock(tmp_path):
                order.append("got it")

        await asyncio.gather(holder(), waiter())
        return order

    assert asyncio.run(go()) == ["held", "released", "got it"]
    (tmp_path / LOCK).touch()
    old = time.time() - 120
    os.utime(tmp_path / LOCK, (old, old))         # left by a crashed process

    async def take():
        async with FolderLock(tmp_path, timeout=2):
            return True
    assert asyncio.run(take())
