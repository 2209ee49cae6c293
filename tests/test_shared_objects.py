"""Shared objects and collections (runtime/shared.py, commands/sharing.py), as shared.md describes
them: New shared object / New shared collection, Use ... End use, Storage, shared groups,
OB Is shared, OB Copy with and without `ck shared`."""
from __future__ import annotations

import pytest

from conftest import alerts, run4d


def test_a_shared_object_is_changed_inside_use_and_read_anywhere():
    r = run4d('''$stock:=New shared object("apples";3;"label";"fruit")
Use ($stock)
  $stock.apples:=$stock.apples+2
  $stock.pears:=7
End use
ALERT(String($stock.apples)+" "+String($stock.pears)+" "+$stock.label)
ALERT(JSON Stringify($stock))
ALERT(String(OB Is shared($stock))+" "+String(OB Is shared(New object)))''')
    assert alerts(r) == ["5 7 fruit", {"apples": 5, "label": "fruit", "pears": 7}, "True False"]


@pytest.mark.parametrize("write", [
    '$shelf.count:=1', '$shelf["count"]:=1', '$shelf.count+=1', 'OB SET($shelf;"count";1)', '$shelf.count:=Null',
])
def test_writing_outside_use_is_an_error_and_changes_nothing(write):
    r = run4d(f'''$shelf:=New shared object("count";0)
{write}''')
    assert r.error is not None and r.error.code == 80, r.error
    assert "not in use" in r.error.message


def test_the_error_can_be_caught_and_the_object_keeps_its_value():
    r = run4d('''$box:=New shared object("size";"small")
Try
  $box.size:="large"
Catch
  ALERT("refused: "+String(Last errors[0].errCode))
End try
ALERT($box.size)''')
    assert alerts(r) == ["refused: 80", "small"]


def test_a_shared_collection_is_changed_by_index_inside_use_and_by_its_functions_anywhere():
    r = run4d('''$queue:=New shared collection("a";"b")
$queue.push("c")
$queue.unshift("z")
Use ($queue)
  $queue[1]:="A"
  $queue[6]:="end"
End use
ALERT(JSON Stringify($queue))
$queue[0]:="y"''')
    assert r.lines == ['["z","A","b","c",null,null,"end"]']
    assert r.error is not None and r.error.code == 80


def test_use_blocks_nest_and_end_use_releases_them():
    r = run4d('''$counter:=New shared object("n";0)
Use ($counter)
  Use ($counter)
    $counter.n:=1
  End use
  $counter.n:=2
End use
ALERT(String($counter.n))
$counter.n:=3''')
    assert r.lines == ["2"] and r.error.code == 80


def test_leaving_a_use_block_by_an_error_or_a_return_releases_it():
    r = run4d('''$flag:=New shared object
For ($i;1;3)
  Use ($flag)
    If ($i=2)
      break
    End if
    $flag.last:=$i
  End use
End for
Try
  Use ($flag)
    $flag.x:=1/0
  End use
Catch
End try
Try
  $flag.after:=True
Catch
  ALERT("still refused outside: "+String(Last errors[0].errCode))
End try
ALERT(String($flag.last))''')
    assert alerts(r) == ["still refused outside: 80", "1"]


def test_use_needs_a_shared_object_or_collection():
    r = run4d('''$plain:=New object
Use ($plain)
  $plain.a:=1
End use''')
    assert r.error is not None and r.error.code == 83
    assert "Use" in r.error.message and "non-shared Object" in r.error.message


def test_only_scalars_and_shared_values_go_into_a_shared_object():
    r = run4d('''$holder:=New shared object
Use ($holder)
  $holder.list:=New collection(1;2)
End use''')
    assert r.error is not None and r.error.code == 81
    r = run4d('$c:=New shared collection\n$c.push(New object("a";1))')
    assert r.error is not None and r.error.code == 81
    r = run4d('$o:=New shared object("inner";{a: 1})')
    assert r.error is not None and r.error.code == 81


def test_a_nested_shared_object_joins_the_group_of_its_holder():
    r = run4d('''$outer:=New shared object
$inner:=New shared object
Use ($outer)
  $outer.child:=$inner
End use
Use ($outer)
  $inner.value:="set through the group"
End use
ALERT($outer.child.value)
$other:=New shared object
Use ($other)
  $other.taken:=$inner
End use''')
    assert r.lines == ["set through the group"]
    assert r.error is not None and r.error.code == 82


def test_a_grouped_object_stays_in_its_group_after_it_is_removed():
    r = run4d('''$first:=New shared object
$second:=New shared object
$member:=New shared object
Use ($first)
  $first.m:=$member
  $first.m:=Null
End use
Use ($second)
  $second.m:=$member
End use''')
    assert r.error is not None and r.error.code == 82


def test_storage_holds_shared_values_without_grouping_them():
    r = run4d('''Use (Storage)
  Storage.settings:=New shared object("mode";"fast")
  Storage.log:=New shared collection
End use
Storage.log.push("started")
$later:=New shared object
Use ($later)
  $later.keep:=Storage.settings
End use
ALERT(Storage.settings.mode+" "+Storage.log[0]+" "+$later.keep.mode)
ALERT(String(OB Is shared(Storage)))
Storage.direct:=1''')
    assert r.lines == ["fast started fast", "True"]
    assert r.error is not None and r.error.code == 80


def test_ob_copy_makes_a_plain_copy_unless_ck_shared():
    r = run4d('''$orig:=New shared object("n";1)
Use ($orig)
  $orig.sub:=New shared collection(1;2)
End use
$plain:=OB Copy($orig)
$plain.n:=2
$plain.sub.push(3)
$twin:=OB Copy($orig;ck shared)
ALERT(String(OB Is shared($plain))+" "+String(OB Is shared($plain.sub))+" "+JSON Stringify($plain))
ALERT(String(OB Is shared($twin))+" "+String(OB Is shared($twin.sub))+" "+JSON Stringify($twin))
Use ($twin)
  $twin.sub.push(9)
End use
ALERT(JSON Stringify($twin.sub)+" "+JSON Stringify($orig.sub))
$made:=OB Copy(New object("k";New collection("v"));ck shared)
ALERT(String(OB Is shared($made.k)))
$made.k:=1''')
    assert r.lines == ['False False {"n":2,"sub":[1,2,3]}',
                       'True True {"n":1,"sub":[1,2]}', "[1,2,9] [1,2]", "True"]
    assert r.error is not None and r.error.code == 80


def test_a_shared_collection_is_a_collection_for_every_reader():
    r = run4d('''$nums:=New shared collection(3;1;2)
$sum:=0
For each ($n;$nums)
  $sum:=$sum+$n
End for each
ALERT(String($sum)+" "+String($nums.length)+" "+String(Value type($nums)=Is collection))
ALERT(JSON Stringify($nums.copy().sort()))
ALERT(String(OB Is shared($nums.copy())))''')
    assert alerts(r) == ["6 3 True", [1, 2, 3], "False"]


def test_shared_values_no_longer_used_are_forgotten():
    from fourmail.runtime import shared
    before = len(shared.SHARED)
    r = run4d('''For ($i;1;6000)
  $tmp:=New shared object("i";$i)
End for
ALERT("done")''')
    assert alerts(r) == ["done"]
    assert len(shared.SHARED) - before < 4500


def test_collection_copy_with_ck_shared_joins_the_group_asked_for():
    r = run4d('''$src:=New collection(New object("a";1);2)
$alone:=$src.copy(ck shared)
$holder:=New shared object
$grouped:=$src.copy(ck shared;$holder)
Use ($holder)
  $grouped[1]:=20
  $holder.list:=$grouped
End use
ALERT(String(OB Is shared($alone))+" "+String(OB Is shared($alone[0]))+" "+JSON Stringify($holder.list))
ALERT(String(OB Is shared($src.copy()))+" "+String(OB Is shared($src.copy(ck resolve pointers))))
$alone.push(3)
ALERT(JSON Stringify($alone))
$x:=$src.copy(ck shared;New object)''')
    assert r.lines == ['True True [{"a":1},20]', "False False", '[{"a":1},2,3]']
    assert r.error is not None and r.error.code == 83 and "copy()" in r.error.message
