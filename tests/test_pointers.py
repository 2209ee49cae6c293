"""Pointers (dt_pointer.md): `->x`, `$p->`, `$p->:=`, pointers to locals, process variables,
arrays and elements, pointer parameters, equality, Nil, and the pointer commands."""
from __future__ import annotations

import pytest

from fourmail.lang import get as get_language


def alerts(run, source, **kw):
    r = run(source, **kw)
    assert r.error is None, r.error and r.error.describe()
    return r.lines


def error_of(run, source, **kw):
    r = run(source, **kw)
    assert r.error is not None, r.out
    return r.error


# ---------------------------------------------------------------- to a local variable
def test_read_and_write_a_local_through_a_pointer(run):
    src = '$city:="Lyon"\n$at:=->$city\nALERT($at->)\n$at->:="Nantes"\nALERT($city)'
    assert alerts(run, src) == ["Lyon", "Nantes"]


def test_a_pointer_sees_later_assignments_to_its_variable(run):
    src = '$n:=1\n$ref:=->$n\n$n:=$n+41\nALERT(String($ref->))\n$ref->:=$ref->+1\nALERT(String($n))'
    assert alerts(run, src) == ["42", "43"]


def test_a_typed_local_keeps_its_type_through_a_pointer(run):
    src = 'var $count : Integer\n$q:=->$count\n$q->:=2.6\nALERT(String($count))\n$count:=$count+1\nALERT(String($q->))'
    assert alerts(run, src) == ["3", "4"]
    e = error_of(run, 'var $count : Integer\n$q:=->$count\n$q->:="many"')
    assert e.line == 3


def test_pointer_to_a_local_inside_a_loop_and_a_closure(run):
    # a block nested deep enough runs in a closure: the cell is shared with it
    deep = "If (True)\n" * 40 + "$acc->:=$acc->+$k\n" + "End if\n" * 40
    src = f"$sum:=0\n$acc:=->$sum\nFor ($k;1;4)\n{deep}End for\nALERT(String($sum))"
    assert alerts(run, src) == ["10"]


def test_compound_assignment_through_a_pointer(run):
    src = '$word:="ab"\n$w:=->$word\n$w->+="cd"\nALERT($word)'
    assert alerts(run, src) == ["abcd"]


# ---------------------------------------------------------------- process variables, arrays, elements
def test_pointer_to_process_and_interprocess_variables(run):
    src = ('greeting:="hi"\n$g:=->greeting\n$g->:=$g->+"!"\nALERT(greeting)\n'
           '<>total:=5\n$t:=-><>total\n$t->:=$t->*2\nALERT(String(<>total))')
    assert alerts(run, src) == ["hi!", "10"]


def test_pointer_to_an_array_and_to_its_elements(run):
    src = ('ARRAY TEXT($letters;3)\n$arr:=->$letters\n$arr->{1}:="c"\n$arr->{2}:="a"\n$arr->{3}:="b"\n'
           'SORT ARRAY($arr->;>)\nALERT($letters{1}+$letters{2}+$letters{3})\n'
           '$second:=->$letters{2}\n$second->:="z"\nALERT($letters{2}+" "+String(Size of array($arr->)))')
    assert alerts(run, src) == ["abc", "z 3"]


def test_a_number_given_to_an_array_through_a_pointer_selects_an_element(run):
    # find-in-array.md: `$1->:=Find in array($1->;...)` sets the array's selected element
    src = ('ARRAY TEXT($opts;2)\n$opts{2}:="b"\n$o:=->$opts\n$o->:=Find in array($o->;"b")\n'
           'ALERT(String(Size of array($opts))+" "+$opts{2})')
    assert alerts(run, src) == ["2 b"]


def test_property_through_a_pointer_to_an_object(run):
    src = ('$rec:=New object\n$r:=->$rec\n$r->name:="Kim"\n$r->tags:=New collection("a")\n'
           'ALERT($r->name+" "+String($r->tags.length)+" "+$rec.name)')
    assert alerts(run, src) == ["Kim 1 Kim"]


def test_pointers_to_pointers_need_parentheses(run):
    src = '$v:="one"\n$p1:=->$v\n$p2:=->$p1\n($p2->)->:="two"\nALERT(($p2->)->+" "+$v)'
    assert alerts(run, src) == ["two two"]


# ---------------------------------------------------------------- pointer parameters
def test_a_method_changes_the_callers_variables_through_pointers(run, tmp_path):
    (tmp_path / "Shout.4dm").write_text("$1->:=Uppercase($1->)+\"!\"\n", encoding="utf-8")
    (tmp_path / "AddTo.4dm").write_text(
        "#DECLARE($list : Pointer; $item : Text)\nAPPEND TO ARRAY($list->;$item)\n", encoding="utf-8")
    src = ('$msg:="hey"\nShout(->$msg)\nALERT($msg)\nmood:="calm"\nShout(->mood)\nALERT(mood)\n'
           'ARRAY TEXT($bag;0)\nAddTo(->$bag;"x")\nAddTo(->$bag;"y")\nALERT(String(Size of array($bag))+$bag{2})')
    assert alerts(run, src, project_dir=tmp_path) == ["HEY!", "CALM!", "2y"]


def test_each_call_points_to_its_own_local(run, tmp_path):
    # a recursive method: the pointer refers to the variable of the frame that made it
    (tmp_path / "Depth.4dm").write_text(
        "#DECLARE($n : Integer; $out : Pointer)\n$mine:=$n\nIf ($n<3)\nDepth($n+1;->$mine)\nEnd if\n"
        "$out->:=$out->+$mine\n", encoding="utf-8")
    src = '$total:=100\nDepth(1;->$total)\nALERT(String($total))'
    # Depth(3) adds 3 to Depth(2)'s $mine (2+3), which adds 5 to Depth(1)'s (1+5), which adds 6 to $total
    assert alerts(run, src, project_dir=tmp_path) == ["106"]


# ---------------------------------------------------------------- equality, Nil, commands
def test_pointer_equality(run):
    src = ('$a:=1\n$b:=1\n$pa:=->$a\n$pa2:=->$a\n$pb:=->$b\n'
           'ALERT(String($pa=$pa2)+String($pa=$pb)+String($pa#$pb)+String($pa#$pa2))\n'
           'ARRAY LONGINT($arr;2)\nALERT(String((->$arr{1})=(->$arr{1}))+String((->$arr{1})=(->$arr{2})))\n'
           'ALERT(String((->glob)=(->GLOB)))')
    assert alerts(run, src) == ["TrueFalseTrueFalse", "TrueFalse", "True"]


def test_nil_pointers(run):
    src = ('var $none : Pointer\nC_POINTER($other)\n$x:=0\n$some:=->$x\n'
           'ALERT(String(Is nil pointer($none))+String(Is nil pointer($other))+String(Is nil pointer($some)))\n'
           'ALERT(String($none=$other)+" "+String(Type($none))+" "+String(Value type($some)))')
    assert alerts(run, src) == ["TrueTrueFalse", "True 23 23"]
    e = error_of(run, 'var $none : Pointer\n$v:=$none->')
    assert e.line == 2 and "Nil" in e.message
    e = error_of(run, '$notapointer:="x"\n$v:=$notapointer->')
    assert e.line == 2 and "pointer" in e.message


def test_a_pointer_variable_takes_only_pointers(run):
    e = error_of(run, 'var $p : Pointer\n$p:="text"')
    assert e.line == 2


def test_get_pointer_and_resolve_pointer(run):
    src = ('score:=7\n$p:=Get pointer("score")\n$p->:=$p->+1\nALERT(String(score))\n'
           'RESOLVE POINTER($p;$name;$t;$f)\nALERT($name+" "+String($t)+" "+String($f))\n'
           'ARRAY TEXT(grid;2;3)\nRESOLVE POINTER(->grid{2}{3};$name;$t;$f)\nALERT($name+" "+String($t)+" "+String($f))\n'
           'ARRAY TEXT(names;4)\n$e:=Get pointer("names{4}")\nRESOLVE POINTER($e;$name;$t;$f)\n'
           'ALERT($name+" "+String($t)+" "+String($f)+" "+String($e=(->names{4})))\n'
           'var $nil : Pointer\nRESOLVE POINTER($nil;$name;$t;$f)\nALERT("["+$name+"] "+String($t)+" "+String($f))')
    assert alerts(run, src) == ["8", "score -1 -1", "grid 2 3", "names 4 -1 True", "[] 0 0"]


def test_type_of_variables(run):
    src = ('var $t : Text\nvar $o : Object\nvar $c : Collection\nC_LONGINT($l)\nC_VARIANT($v)\n$v:="x"\n'
           '$r:=->$t\n'
           'ALERT(String(Type($t))+" "+String(Type($o))+" "+String(Type($c))+" "+String(Type($l))+" "'
           '+String(Type($v))+" "+String(Type($nothing))+" "+String(Type($r))+" "+String(Type($r->)))')
    assert alerts(run, src) == ["2 38 42 9 12 5 23 2"]


def test_pointers_in_the_repl(run):
    r = run('$kept:="a"\n$p:=->$kept\n$p->:="b"', keep_variables=True)
    assert r.error is None and r.variables["$kept"] == "b"


# ---------------------------------------------------------------- syntax
@pytest.mark.parametrize("source", ["$p:=->($a+1)\n", "$p:=->$o.name\n", "$p:=->\"text\"\n"])
def test_a_pointer_points_to_a_variable_an_array_or_an_element(source):
    with pytest.raises(Exception) as info:
        get_language("4d").parse(source)
    assert "points to a variable, an array or an array element" in str(info.value)


def test_a_word_after_a_dereference_is_a_property_not_a_command(run):
    # `$p->length`, `$p->Position`: properties of the object pointed to
    src = '$o:=New object("position";3;"length";"x")\n$p:=->$o\nALERT(String($p->position)+$p->length)'
    assert alerts(run, src) == ["3x"]


def test_a_dereference_at_the_end_of_a_line(run):
    src = '$v:="end"\n$p:=->$v\n$w:=$p->\nALERT($w)'
    assert alerts(run, src) == ["end"]


def test_type_of_an_interprocess_variable_is_its_declared_type(run):
    # a Variant holds Undefined: only the declaration says Is variant (12), as for a process variable
    r = run('C_VARIANT(<>any)\nC_VARIANT(vAny)\nALERT(String(Type(<>any))+" "+String(Type(vAny)))')
    assert r.error is None and r.lines == ["12 12"]
