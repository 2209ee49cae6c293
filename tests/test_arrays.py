"""Arrays (arrays.md and the "Arrays" theme's pages): declarations, elements, element zero,
two-dimensional arrays, the array commands, and what arrays are not (objects, JSON, For each)."""
from __future__ import annotations

import pytest

from fourmail.lang import get as get_language


def alerts(run, source, **kw):
    r = run(source, **kw)
    assert r.error is None, r.error and r.error.describe()
    return r.lines


def error_of(run, source):
    r = run(source)
    assert r.error is not None, r.out
    return r.error


# ---------------------------------------------------------------- declarations and elements
@pytest.mark.parametrize("decl,value,shown", [
    ("TEXT", '"pear"', "pear"), ("LONGINT", "7.6", "8"), ("INTEGER", "40000", "-25536"),
    ("REAL", "2.5", "2.5"), ("BOOLEAN", "True", "True"), ("DATE", "!2024-03-09!", "09/03/2024"),
    ("TIME", "?01:02:03?", "01:02:03"),
])
def test_each_declaration_makes_elements_of_its_type(run, decl, value, shown):
    src = f"ARRAY {decl}($box;2)\n$box{{2}}:={value}\nALERT(String(Size of array($box)))\nALERT(String($box{{2}}))"
    out = alerts(run, src)
    assert out[0] == "2"
    assert out[1] == shown or decl == "DATE"      # the date's display follows the system format


def test_new_elements_hold_the_default_value(run):
    src = ('ARRAY TEXT($words;1)\nARRAY LONGINT($counts;1)\nARRAY BOOLEAN($flags;1)\nARRAY OBJECT($things;1)\n'
           'ALERT("["+$words{1}+"] "+String($counts{1})+" "+String($flags{1})+" "+String($things{1}=Null))')
    assert alerts(run, src) == ["[] 0 False True"]


def test_element_zero_is_an_ordinary_element(run):
    src = 'ARRAY TEXT($menu;2)\n$menu{0}:="choose"\n$menu{1}:="tea"\nALERT($menu{0}+"/"+$menu{1})\nALERT(String(Size of array($menu)))'
    assert alerts(run, src) == ["choose/tea", "2"]


def test_redeclaring_resizes_and_keeps_the_first_elements(run):
    src = ('ARRAY LONGINT($n;3)\n$n{1}:=11\n$n{3}:=33\nARRAY LONGINT($n;5)\n'
           'ALERT(String($n{1})+" "+String($n{3})+" "+String($n{5}))\n'
           'ARRAY LONGINT($n;1)\nALERT(String(Size of array($n))+" "+String($n{1}))')
    assert alerts(run, src) == ["11 33 0", "1 11"]


def test_elements_are_converted_to_the_array_type(run):
    r = run('ARRAY LONGINT($n;1)\n$n{1}:="twelve"')
    assert r.error is not None and r.error.line == 2
    src = 'ARRAY REAL($r;1)\nvar $i : Integer\n$i:=3\n$r{1}:=$i\nALERT(String($r{1}/2))'
    assert alerts(run, src) == ["1.5"]


def test_an_index_out_of_range_is_a_4d_error(run):
    e = error_of(run, 'ARRAY TEXT($few;2)\n$x:=$few{3}')
    assert e.line == 2 and "out of range" in e.message
    e = error_of(run, 'ARRAY TEXT($few;2)\n$few{-1}:="a"')
    assert e.line == 2


def test_braces_on_something_else_than_an_array(run):
    e = error_of(run, '$s:="abc"\n$x:=$s{1}')
    assert e.line == 2


def test_process_and_interprocess_arrays(run):
    src = ('ARRAY TEXT(colours;2)\ncolours{1}:="red"\nARRAY REAL(<>weights;3)\n$i:=3\n<>weights{$i}:=1.5\n'
           'ALERT(colours{1}+" "+String(<>weights{$i})+" "+String(Size of array(<>weights)))')
    assert alerts(run, src) == ["red 1.5 3"]


def test_compound_assignment_on_an_element(run):
    src = 'ARRAY LONGINT($tally;2)\n$tally{2}+=5\n$tally{2}+=4\nALERT(String($tally{2}))'
    assert alerts(run, src) == ["9"]


def test_an_element_can_be_used_where_a_value_is(run):
    src = ('ARRAY TEXT($names;2)\n$names{1}:="ada"\n$names{2}:="lovelace"\n'
           'ALERT(Uppercase($names{1})+" "+$names{2}[[1]]+" "+String(Length($names{2})))')
    assert alerts(run, src) == ["ADA l 8"]


# ---------------------------------------------------------------- two-dimensional arrays
def test_two_dimensional_arrays_have_rows_of_columns(run):
    src = ('ARRAY TEXT($board;3;4)\n$board{2}{3}:="x"\n'
           'ALERT(String(Size of array($board))+" "+String(Size of array($board{2}))+" "+$board{2}{3})\n'
           'INSERT IN ARRAY($board{1};1;2)\nALERT(String(Size of array($board{1}))+" "+String(Size of array($board{3})))\n'
           'ALERT(String(Type($board))+" "+String(Type($board{1})))')
    assert alerts(run, src) == ["3 4 x", "6 4", "13 18"]


def test_rows_of_a_two_dimensional_array_can_differ_in_size(run):
    src = ('ARRAY LONGINT($rows;2;0)\nAPPEND TO ARRAY($rows{1};5)\nAPPEND TO ARRAY($rows{1};6)\n'
           'ALERT(String(Size of array($rows{1}))+" "+String(Size of array($rows{2}))+" "+String($rows{1}{2}))')
    assert alerts(run, src) == ["2 0 6"]


# ---------------------------------------------------------------- commands
def test_append_insert_delete(run):
    src = ('ARRAY TEXT($list;0)\nAPPEND TO ARRAY($list;"b")\nAPPEND TO ARRAY($list;"d")\n'
           'INSERT IN ARRAY($list;1)\n$list{1}:="a"\nINSERT IN ARRAY($list;3;1)\n$list{3}:="c"\n'
           'INSERT IN ARRAY($list;99)\n'
           'ALERT(String(Size of array($list))+" "+$list{1}+$list{2}+$list{3}+$list{4}+"["+$list{5}+"]")\n'
           'DELETE FROM ARRAY($list;2;2)\nALERT(String(Size of array($list))+" "+$list{1}+$list{2})\n'
           'DELETE FROM ARRAY($list;2;10)\nALERT(String(Size of array($list)))')
    assert alerts(run, src) == ["5 abcd[]", "3 ad", "1"]


def test_append_makes_the_array_when_there_is_none(run):
    src = 'APPEND TO ARRAY($fresh;"one")\nALERT(String(Size of array($fresh))+" "+String(Type($fresh)))'
    assert alerts(run, src) == ["1 18"]


def test_find_and_count(run):
    src = ('ARRAY TEXT($fruit;0)\nAPPEND TO ARRAY($fruit;"Kiwi")\nAPPEND TO ARRAY($fruit;"plum")\n'
           'APPEND TO ARRAY($fruit;"kiwi")\n'
           'ALERT(String(Find in array($fruit;"KIWI"))+" "+String(Find in array($fruit;"kiwi";2))+" "'
           '+String(Find in array($fruit;"fig"))+" "+String(Find in array($fruit;"p@")))\n'
           'ALERT(String(Count in array($fruit;"kiwi")))')
    assert alerts(run, src) == ["1 3 -1 2", "2"]


def test_find_in_an_object_array_compares_references(run):
    src = ('ARRAY OBJECT($objs;3)\n$a:=New object("k";1)\n$objs{2}:=$a\n'
           'ALERT(String(Find in array($objs;$a))+" "+String(Find in array($objs;New object("k";1))))')
    assert alerts(run, src) == ["2 -1"]


def test_sort_array_both_ways_and_in_step(run):
    src = ('ARRAY TEXT($who;3)\n$who{1}:="bob"\n$who{2}:="Al"\n$who{3}:="cy"\n'
           'ARRAY LONGINT($age;3)\n$age{1}:=30\n$age{2}:=20\n$age{3}:=10\n'
           'SORT ARRAY($who;$age;>)\nALERT($who{1}+$who{2}+$who{3}+" "+String($age{1}))\n'
           'SORT ARRAY($age;<)\nALERT(String($age{1})+String($age{3}))')
    assert alerts(run, src) == ["Albobcy 20", "3010"]


def test_multi_sort_array(run):
    src = ('ARRAY TEXT($city;4)\nARRAY LONGINT($pop;4)\nARRAY TEXT($tag;4)\n'
           '$city{1}:="b"\n$city{2}:="a"\n$city{3}:="b"\n$city{4}:="a"\n'
           '$pop{1}:=1\n$pop{2}:=2\n$pop{3}:=3\n$pop{4}:=4\n'
           '$tag{1}:="w"\n$tag{2}:="x"\n$tag{3}:="y"\n$tag{4}:="z"\n'
           'MULTI SORT ARRAY($city;>;$pop;<;$tag)\nALERT($tag{1}+$tag{2}+$tag{3}+$tag{4})\n'
           'ARRAY POINTER($ptrs;2)\n$ptrs{1}:=->$pop\n$ptrs{2}:=->$tag\nARRAY LONGINT($how;2)\n$how{1}:=1\n'
           'MULTI SORT ARRAY($ptrs;$how)\nALERT($tag{1}+$tag{4})')
    assert alerts(run, src) == ["zxyw", "wz"]


def test_find_in_sorted_array(run):
    src = ('ARRAY LONGINT($s;0)\nAPPEND TO ARRAY($s;10)\nAPPEND TO ARRAY($s;20)\nAPPEND TO ARRAY($s;20)\n'
           'APPEND TO ARRAY($s;30)\n'
           '$hit:=Find in sorted array($s;20;>;$first;$last)\nALERT(String($hit)+" "+String($first)+" "+String($last))\n'
           '$hit:=Find in sorted array($s;25;>;$first;$last)\nALERT(String($hit)+" "+String($first))')
    assert alerts(run, src) == ["True 2 3", "False 4"]


def test_collection_to_array_and_back(run):
    src = ('$c:=New collection(New object("n";"x";"v";1);New object("n";"y";"v";2.6))\n'
           'ARRAY TEXT($ns;0)\nARRAY LONGINT($vs;0)\nCOLLECTION TO ARRAY($c;$ns;"n";$vs;"v")\n'
           'ALERT($ns{2}+" "+String($vs{2})+" "+String(Size of array($ns)))\n'
           '$back:=New collection("old")\nARRAY TO COLLECTION($back;$ns)\nALERT(JSON Stringify($back))\n'
           'ARRAY TO COLLECTION($back;$ns;"name";$vs;"value")\nALERT(JSON Stringify($back))\n'
           'ARRAY TEXT($plain;0)\nCOLLECTION TO ARRAY(New collection("p";"q");$plain)\nALERT($plain{1}+$plain{2})')
    assert alerts(run, src) == ["y 3 2", '["x","y"]', '[{"name":"x","value":1},{"name":"y","value":3}]', "pq"]


def test_copy_array_and_clear_variable(run):
    src = ('ARRAY TEXT($src;2)\n$src{1}:="keep"\nCOPY ARRAY($src;$dst)\n$src{1}:="changed"\n'
           'ALERT($dst{1}+" "+String(Size of array($dst)))\n'
           'CLEAR VARIABLE($src)\nALERT(String(Size of array($src)))\n'
           'var $word : Text\n$word:="gone"\nCLEAR VARIABLE($word)\nALERT("["+$word+"]")')
    assert alerts(run, src) == ["keep 2", "0", "[]"]


def test_sort_order_arguments_are_only_greater_and_less():
    with pytest.raises(Exception) as info:
        get_language("4d").parse('ARRAY TEXT($a;0)\nSORT ARRAY($a;=)\n')
    assert "only > or <" in str(info.value)


def test_match_regex_fills_position_and_length_arrays(run):
    src = ('ARRAY LONGINT($at;0)\nARRAY LONGINT($len;0)\n'
           '$ok:=Match regex("([a-z]+)@([a-z]+)";"mail: joe@example now";1;$at;$len)\n'
           'ALERT(String($ok)+" "+String($at{0})+","+String($len{0})+" "+String($at{2})+","+String($len{2}))\n'
           '$ok:=Match regex("o";"foo boo";4;$p;$l)\nALERT(String($p)+" "+String($l))\n'
           'ALERT(String(Match regex("b.o";"foo boo";1;$p;$l;*))+String(Match regex("b.o";"foo boo";5;$p;$l;*)))\n'
           'ALERT(String(Match regex("f.*";"foo"))+String(Match regex("o";"foo")))')
    assert alerts(run, src) == ["True 7,11 11,7", "6 1", "FalseTrue", "TrueFalse"]


# ---------------------------------------------------------------- what arrays are not
def test_json_stringify_of_an_array_is_an_error(run):
    e = error_of(run, 'ARRAY TEXT($a;1)\n$j:=JSON Stringify($a)')
    assert e.line == 2 and "array" in e.message


def test_for_each_does_not_walk_an_array(run):
    # cf_looping.md: For each walks collections, entity selections and objects
    e = error_of(run, 'ARRAY TEXT($a;2)\nFor each ($x;$a)\nEnd for each')
    assert e.line == 2 and "Text array" in e.message


def test_array_commands_want_an_array(run):
    e = error_of(run, '$c:=New collection(1)\n$n:=Size of array($c)')
    assert e.line == 2 and "array" in e.message


def test_type_of_every_array_kind(run):
    kinds = [("TEXT", 18), ("LONGINT", 16), ("INTEGER", 15), ("REAL", 14), ("BOOLEAN", 22), ("DATE", 17),
             ("TIME", 32), ("OBJECT", 39), ("POINTER", 20), ("PICTURE", 19), ("BLOB", 31)]
    src = "\n".join(f"ARRAY {k}($a{i};0)\nALERT(String(Type($a{i})))" for i, (k, _) in enumerate(kinds))
    assert alerts(run, src) == [str(code) for _, code in kinds]


def test_arrays_in_the_repl_keep_their_elements(run):
    r = run('ARRAY TEXT($kept;1)\n$kept{1}:="here"\nAPPEND TO ARRAY($kept;"too")', keep_variables=True)
    assert r.error is None
    arr = r.variables["$kept"]
    assert arr.items[1:] == ["here", "too"]


def test_match_regex_takes_icu_flag_groups_and_classes(run):
    # ICU's syntax (match-regex.md links it): flags switched off in a global group, \h and \V
    src = ('ARRAY LONGINT($at;0)\nARRAY LONGINT($len;0)\n'
           '$ok:=Match regex("(?mi-s)^key:\\\\h*(\\\\V+)";"x\\nKEY:  val one\\nz";1;$at;$len)\n'
           'ALERT(String($ok)+" "+String($at{1})+" "+String($len{1}))')
    assert alerts(run, src) == ["True 9 7"]


def test_value_type_of_an_array_is_that_of_its_selected_element_number(run):
    # value-type.md: ARRAY TEXT($t;1) -> Type: Text array, Value type (interpreted): Is real
    src = 'ARRAY TEXT($t;1)\nALERT(String(Type($t))+" "+String(Value type($t)))'
    assert alerts(run, src) == ["18 1"]


def test_assigning_a_number_to_an_array_selects_an_element(run):
    # arrays.md "element zero": `atName:=0` positions the array, it keeps its elements
    src = 'ARRAY TEXT($menu;3)\n$menu{1}:="first"\n$menu:=0\n$menu:=2\nALERT(String(Size of array($menu))+" "+$menu{1})'
    assert alerts(run, src) == ["3 first"]


def test_an_array_cannot_be_assigned_another_value(run):
    # arrays.md "you cannot assign one array to another" (COPY ARRAY copies)
    e = error_of(run, 'ARRAY TEXT($menu;1)\n$menu:="text"')
    assert e.line == 2 and "Text array" in e.message
