"""Formula, Formula from string and 4D.Function objects (formula.md, formula-from-string.md,
FunctionClass.md): made once, called through a property, `.call()` or `.apply()`."""
from __future__ import annotations

import pytest

from conftest import alerts


def test_a_formula_computes_when_called_not_when_read(run):
    src = '''$counter:=New object("n";0)
$bump:=Formula($1.n:=$1.n+1)
$holder:=New object("go";$bump)
$same:=$holder.go
ALERT(String($counter.n))
$holder.go($counter)
$same.call(Null;$counter)
ALERT(String($counter.n))'''
    assert alerts(run(src)) == ["0", "2"]


def test_call_apply_and_property_call_give_the_same_value(run):
    src = '''var $twice : 4D.Function
$twice:=Formula($1*2)
$box:=New object("twice";$twice)
ALERT(String($twice.call(Null;21))+" "+String($twice.apply(Null;New collection(4)))+" "+String($box.twice(5)))'''
    assert alerts(run(src)) == ["42 8 10"]


def test_parameters_arrive_in_order(run):
    src = '''$join:=Formula($3+"-"+$1+"-"+$2)
ALERT($join.call(Null;"a";"b";"c"))
ALERT($join.apply(Null;New collection("x";"y";"z")))'''
    assert alerts(run(src)) == ["c-a-b", "z-x-y"]


def test_this_is_the_object_the_formula_is_called_on(run):
    src = '''$area:=Formula(This.w*This.h)
$r1:=New object("w";3;"h";4;"area";$area)
$r2:=New object("w";10;"h";2;"area";$area)
ALERT(String($r1.area())+" "+String($r2.area())+" "+String($area.call($r1)))
$name:="area"
ALERT(String($r2[$name]()))'''
    assert alerts(run(src)) == ["12 20 12", "20"]


def test_locals_are_copied_when_the_formula_is_made(run):
    src = '''$rate:=3
$base:=New object("k";1)
$scale:=Formula($1*$rate+$base.k)
$rate:=100
$base.k:=50
ALERT(String($scale.call(Null;2)))'''
    # the number is copied; the object is the same object (a reference is copied)
    assert alerts(run(src)) == ["56"]


def test_a_formula_made_in_a_loop_keeps_each_value(run):
    src = '''$fs:=New collection
For($i;1;3)
$fs.push(Formula($i*10))
End for
ALERT(String($fs[0].call())+" "+String($fs[2].call()))'''
    assert alerts(run(src)) == ["10 30"]


def test_assignments_inside_formulas(run):
    src = '''$check:=Formula($1.result:=$1.value>1)
$a:=New object("value";5)
$b:=New object("value";0)
$check.call(Null;$a)
$check.call(Null;$b)
ALERT(String($a.result)+" "+String($b.result))
$grow:=Formula($1.total+=$2)
$t:=New object("total";1)
$grow.call(Null;$t;9)
ALERT(String($t.total))
$res:=Formula($0:=$1+1)
ALERT(String($res.call(Null;41)))'''
    assert alerts(run(src)) == ["True False", "10", "42"]


def test_an_assignment_is_only_an_argument_of_formula(run):
    from fourmail.lang.errors import SourceSyntaxError
    with pytest.raises(SourceSyntaxError) as e:
        run('$x:=String($y:=1)')
    assert "Formula" in e.value.message


def test_source_is_the_code_as_written(run):
    src = '''$f:=Formula(Substring("abcdef";2;3)+Char(33))
ALERT($f.source)
ALERT($f.call())
$g:=Formula:C1597($1.ok:=True)
ALERT($g.source)'''
    assert alerts(run(src)) == ['Substring("abcdef";2;3)+Char(33)', "bcd!", "$1.ok:=True"]


def test_source_is_read_only(run):
    r = run('$f:=Formula(1)\n$f.source:="2"')
    assert r.error is not None and r.error.code == 62


def test_a_formula_is_an_object_of_class_function(run):
    src = '''$f:=Formula(0)
ALERT(String(Value type($f)=Is object))
ALERT(4D.Function.name)
ALERT(JSON Stringify(New object("a";1;"f";$f)))
ALERT(JSON Stringify($f))'''
    assert run(src).lines == ["True", "Function", '{"a":1,"f":"[object Formula]"}', '"[object Formula]"']


def test_a_formula_of_a_method_passes_its_parameters(run, tmp_path):
    (tmp_path / "Greet.4dm").write_text('#DECLARE($who : Text; $mark : Text) -> $out : Text\n'
                                        'If(Count parameters=2)\n$out:="hi "+$who+$mark\nElse\n$out:="hi all"\nEnd if\n')
    src = '''$f:=Formula(Greet)
ALERT($f.call(Null;"Ann";"?"))
ALERT($f.call())
$g:=Formula(Greet($1;"."))
ALERT($g.call(Null;"Bo"))'''
    (tmp_path / "main.4dm").write_text(src)
    assert alerts(run(src, project_dir=tmp_path)) == ["hi Ann?", "hi all", "hi Bo."]


def test_a_method_made_a_formula_sees_the_object_as_this(run, tmp_path):
    (tmp_path / "Label.4dm").write_text('#DECLARE($sep : Text) -> $out : Text\n$out:=This.city+$sep+This.zip\n')
    src = '''$place:=New object("city";"Oslo";"zip";"0150";"label";Formula(Label))
ALERT($place.label(" / "))'''
    assert alerts(run(src, project_dir=tmp_path)) == ["Oslo / 0150"]


def test_formula_from_string(run):
    src = '''$f:=Formula from string("$1+$2*2")
ALERT(String($f.call(Null;1;10)))
ALERT($f.source)
$g:=Formula from string("This.n:=7";sk execute in current database)
$o:=New object
$g.call($o)
ALERT(String($o.n))'''
    assert alerts(run(src)) == ["22", "$1+$2*2", "7"]            # left to right: (1+10)*2


def test_formula_from_string_refuses_local_variables_and_bad_code(run):
    r = run('$f:=Formula from string("$count+1")')
    assert r.error.code == -10737 and "$count" in r.error.message
    r = run('$f:=Formula from string("1+")')
    assert r.error.code == 66


def test_calling_a_property_that_is_not_a_formula(run):
    assert run('$o:=New object("x";1)\n$o.x()').error.code == 60
    assert run('$o:=New object("x";1)\n$o[2]()').error.code == 66


def test_an_error_inside_a_formula_reaches_the_caller(run):
    src = '''$f:=Formula($1.empty.deeper)
$r:=Try($f.call(Null;New object("empty";Null)))
ALERT(String(Last errors.length>0))'''
    assert alerts(run(src)) == ["True"]


def test_a_formula_calling_itself_stops_at_the_stack_limit(run):
    src = '''$o:=New object
$o.loop:=Formula(This.loop())
$o.loop()'''
    assert run(src).error.code == 71


def test_a_formula_in_a_user_class_property(run, tmp_path):
    (tmp_path / "Classes").mkdir()
    (tmp_path / "Classes" / "Box.4dm").write_text('Class constructor($n : Integer)\nThis.n:=$n\n'
                                                  'This.double:=Formula(This.n*2)\n')
    assert alerts(run('ALERT(String(cs.Box.new(8).double()))', project_dir=tmp_path)) == ["16"]


def test_4d_function_cannot_be_instantiated(run):
    assert run('$f:=4D.Function.new()').error.code == 66
