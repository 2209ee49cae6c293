"""Collection functions that take a callback (CollectionClass.md): a formula, or the name of a
project method (the older pages' form) with its extra parameters in $2..."""
from __future__ import annotations

import time

import pytest

from conftest import alerts


@pytest.fixture
def project(tmp_path):
    """A project folder; `project(name, code)` writes a method into it."""
    def add(name, code):
        (tmp_path / f"{name}.4dm").write_text(code)
    add.dir = tmp_path
    return add


def test_every_and_some(run):
    src = '''$even:=Formula(($1.value%2)=0)
$c:=New collection(2;8;4)
ALERT(String($c.every($even))+" "+String($c.some($even)))
$c.push(7)
ALERT(String($c.every($even))+" "+String($c.some(Formula($1.value>7))))
ALERT(String($c.every(3;Formula($1.value=7)))+" "+String($c.some(10;$even))+" "+String($c.every(-1;Formula($1.value=7))))
ALERT(String(New collection.every($even))+" "+String(New collection.some($even)))'''
    assert alerts(run(src)) == ["True True", "False True", "True False True", "True False"]


def test_filter_keeps_the_same_elements(run):
    src = '''$o1:=New object("k";1)
$o2:=New object("k";5)
$c:=New collection($o1;$o2;New object("k";9))
$big:=$c.filter(Formula($1.value.k>=$2);5)
ALERT(String($big.length)+" "+String($big[0]=$o2))
ALERT(String($c.length))'''
    assert alerts(run(src)) == ["2 True", "3"]


def test_find_and_find_index(run):
    src = '''$c:=New collection("ant";"bee";"cat";"bee";"dog")
$is:=Formula($1.value=$2)
ALERT($c.find($is;"bee")+" "+String($c.findIndex($is;"bee"))+" "+String($c.findIndex(2;$is;"bee")))
ALERT(String(Undefined($c.find($is;"eel")))+" "+String($c.findIndex($is;"eel")))
ALERT(String($c.findIndex(-2;$is;"ant"))+" "+String($c.findIndex(9;$is;"ant")))'''
    assert alerts(run(src)) == ["bee 1 3", "True -1", "-1 -1"]


def test_map_and_flat_map(run):
    src = '''$c:=New collection(1;2;3)
ALERT(JSON Stringify($c.map(Formula($1.value*$2);10)))
ALERT(JSON Stringify($c.map(Formula(New collection($1.value;-$1.value)))))
ALERT(JSON Stringify($c.flatMap(Formula(New collection($1.value;-$1.value)))))
ALERT(JSON Stringify($c.flatMap(Formula($1.value+1))))'''
    assert run(src).lines == ["[10,20,30]", "[[1,-1],[2,-2],[3,-3]]", "[1,-1,2,-2,3,-3]", "[2,3,4]"]


def test_reduce_and_reduce_right(run):
    src = '''$c:=New collection("a";"b";"c")
ALERT($c.reduce(Formula($1.accumulator:=$1.accumulator+$1.value);">"))
ALERT($c.reduceRight(Formula($1.accumulator+=$1.value);">"))
ALERT(String(Undefined(New collection.reduce(Formula($1.accumulator:=1)))))
$n:=New collection(2;3;4).reduce(Formula($1.accumulator*$1.value*$2);1;10)
ALERT(String($n))'''
    # a value the callback returns is the new accumulator (the last line)
    assert alerts(run(src)) == [">abc", ">cba", "True", "24000"]


def test_reduce_without_a_start_value(run):
    src = '''$c:=New collection(New collection(1);New collection(2;3))
$all:=$c.reduce(Formula($1.accumulator:=(Undefined($1.accumulator) ? New collection : $1.accumulator).concat($1.value)))
ALERT(JSON Stringify($all))'''
    assert run(src).lines == ["[1,2,3]"]


def test_stop_ends_the_loop(run, project):
    project("Upto", "#DECLARE($e : Object; $last : Integer)\n$e.result:=$e.value*10\n$e.stop:=$e.value=$last\n")
    project("SumUpto", "$1.accumulator:=$1.accumulator+$1.value\n$1.stop:=$1.value=$2\n")
    project("Count", "$2.calls:=$2.calls+1\n$1.stop:=$1.value=3\n")
    src = '''$c:=New collection(1;2;3;4;5)
ALERT(JSON Stringify($c.map("Upto";3)))
ALERT(String($c.reduce("SumUpto";0;4)))
$seen:=New object("calls";0)
ALERT(String($c.findIndex("Count";$seen))+" "+String($seen.calls))
$seen.calls:=0
ALERT(String($c.filter("Count";$seen).length)+" "+String($seen.calls))'''
    assert alerts(run(src, project_dir=project.dir)) == [[10, 20, 30], "10", "-1 3", "0 3"]


def test_sort_order_by_method_with_value2(run):
    src = '''$c:=New collection("pear";"fig";"banana";"kiwi")
$byLength:=Formula(Length($1.value)<Length($1.value2))
$sorted:=$c.orderByMethod($byLength)
ALERT(JSON Stringify($sorted)+" "+JSON Stringify($c))
$same:=$c.sort(Formula(Length($1.value)>Length($1.value2)))
ALERT(JSON Stringify($c)+" "+String($same=$c))
$n:=New collection(5;1;4)
$n.sort(Formula(($1.value*$2)<($1.value2*$2));-1)
ALERT(JSON Stringify($n))'''
    # a stable sort: pear before kiwi (same length), as given
    assert run(src).lines == ['["fig","pear","kiwi","banana"] ["pear","fig","banana","kiwi"]',
                              '["banana","pear","kiwi","fig"] True', "[5,4,1]"]


def test_multi_sort(run):
    src = '''$k:=New collection("b";"a";"b";"a")
$n:=New collection(2;9;1;3)
$t:=New collection("w";"x";"y";"z")
$k.multiSort(New collection($n;$t))
ALERT(JSON Stringify($k)+JSON Stringify($n)+JSON Stringify($t))
$k:=New collection("b";"a";"b";"a")
$n:=New collection(2;9;1;3)
$k.multiSort(New collection(New object("collection";$n;"order";1)))  // 1: ck descending
ALERT(JSON Stringify($k)+JSON Stringify($n))
$k:=New collection(3;1;2)
$n:=New collection("c";"a";"b")
$k.multiSort(Formula($1.value>$1.value2);New collection($n))
ALERT(JSON Stringify($k)+JSON Stringify($n))
$k:=New collection(3;1;2)
$k.multiSort()
ALERT(JSON Stringify($k))'''
    assert run(src).lines == ['["a","a","b","b"][3,9,1,2]["z","x","y","w"]', '["a","a","b","b"][9,3,2,1]',
                              '[3,2,1]["c","b","a"]', "[1,2,3]"]


def test_multi_sort_needs_collections_of_the_same_length(run):
    assert run('$a:=New collection(2;1)\n$a.multiSort(New collection(New collection(1)))').error.code == 66
    assert run('$a:=New collection(2;1)\n$a.multiSort(New collection(5))').error.code == 66


def test_a_method_name_with_extra_parameters(run, project):
    project("LongerThan", "#DECLARE($e : Object; $min : Integer)\n$e.result:=Length($e.value)>$min\n")
    src = '''$c:=New collection("ab";"abcd";"abcdef")
ALERT(JSON Stringify($c.filter("LongerThan";3)))
ALERT(String($c.findIndex("LongerThan";4))+" "+String($c.some("LongerThan";6)))'''
    assert alerts(run(src, project_dir=project.dir)) == [["abcd", "abcdef"], "2 False"]


def test_a_method_may_return_its_result(run, project):
    project("Halve", "#DECLARE($e : Object) -> $half : Real\nreturn $e.value/2\n")
    project("Shorter", "$0:=Length($1.value)<Length($1.value2)\n")
    project("Total", "$1.accumulator:=$1.accumulator+$1.value\n")
    src = '''ALERT(JSON Stringify(New collection(4;10).map("Halve")))
ALERT(JSON Stringify(New collection("ccc";"a";"bb").orderByMethod("Shorter")))
ALERT(String(New collection(1;2;3).reduce("Total";100)))
ALERT(JSON Stringify(New collection(1;2).map(Formula(Halve))))'''
    assert alerts(run(src, project_dir=project.dir)) == [[2, 5], ["a", "bb", "ccc"], "106", [0.5, 1]]


def test_a_callback_that_is_neither_a_formula_nor_a_method(run):
    assert run('$x:=New collection(1).map(42)').error.code == 66
    assert run('$x:=New collection(1).map("NoSuchMethod")').error.code == 64
    assert run('$x:=New collection(1).every()').error.code == 65


def test_an_error_in_the_callback_stops_the_function(run):
    src = '''$c:=New collection(1;0;2)
$r:=Try($c.map(Formula(1/$1.value)))
ALERT(String(Undefined($r))+" "+String(Last errors[0].errCode))'''
    assert alerts(run(src)) == ["True 20"]


def test_map_of_many_elements_compiles_the_callback_once(run):
    src = '''$c:=New collection
$c.resize(100000;1)
$t:=Milliseconds
$d:=$c.map(Formula($1.value*2))
ALERT(String($d.length)+" "+String($d[99999]))
ALERT(String(Milliseconds-$t))'''
    started = time.perf_counter()
    r = run(src)
    elapsed = time.perf_counter() - started
    assert r.lines[0] == "100000 2"
    assert elapsed < 5.0, f"map of 10^5 elements took {elapsed:.2f} s"


def test_flat_map_of_split_texts_skips_the_empty_ones(run):
    # Split string of an empty text has no substring, so an empty text adds nothing
    src = '''$words:=New collection("to be";"";"or").flatMap(Formula(Split string($1.value;" ")))
ALERT(JSON Stringify($words)+" "+String(Split string("";",").length))'''
    assert run(src).lines == ['["to","be","or"] 0']
