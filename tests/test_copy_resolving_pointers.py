"""`ck resolve pointers`: a copy (collection.copy(), OB Copy) holds the values its pointers point
to at the time of the copy; without it the pointers themselves are copied."""
from __future__ import annotations

from conftest import alerts


def test_a_collection_copy_resolves_its_pointers(run):
    src = '''var $p : Pointer
$name:="first"
$p:=->$name
$c:=New collection(New object("who";$p))
$plain:=$c.copy()
$resolved:=$c.copy(ck resolve pointers)
$name:="second"
ALERT($resolved[0].who)
ALERT($plain[0].who->)'''
    assert alerts(run(src)) == ["first", "second"]


def test_ob_copy_resolves_pointers_and_can_share_too(run):
    src = '''$n:=7
$o:=New object("count";->$n)
$copy:=OB Copy($o;ck resolve pointers+ck shared)
$n:=8
ALERT(String($copy.count)+" "+String(OB Is shared($copy)))'''
    assert alerts(run(src)) == ["7 True"]
