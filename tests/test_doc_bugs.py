"""Bugs the documentation cases found (issue 12, item 9), each with snippets of our own."""
from __future__ import annotations

from conftest import alerts


def lines(run, source, **kw):
    return alerts(run(source, **kw))


# ---------------------------------------------------------------- OB SET creates the object (ob-set.md)
def test_ob_set_on_a_declared_but_null_object_creates_it(run):
    src = '''var $cfg : Object
OB SET($cfg;"port";587;"tls";True)
ALERT(JSON Stringify($cfg))
OB SET($cfg;"host";"mx")
ALERT(JSON Stringify($cfg))'''
    assert lines(run, src) == [{"port": 587, "tls": True}, {"port": 587, "tls": True, "host": "mx"}]


def test_ob_set_on_an_undeclared_local_and_process_variable(run):
    src = '''OB SET($fresh;"a";1)
OB SET(gSettings;"b";2)
ALERT(JSON Stringify($fresh)+JSON Stringify(gSettings))
ALERT(String(OB Get($fresh;"a")+OB Get(gSettings;"b")))'''
    assert lines(run, src) == ['{"a":1}{"b":2}', "3"]


def test_ob_set_on_a_property_that_is_not_there_yet(run):
    src = '''$o:=New object
OB SET($o.inner;"x";"y")
ALERT(JSON Stringify($o))'''
    assert lines(run, src) == [{"inner": {"x": "y"}}]


def test_ob_set_keeps_the_same_object_for_other_references(run):
    src = '''$a:=New object
$b:=$a
OB SET($a;"shared";True)
ALERT(String($b.shared))'''
    assert lines(run, src) == ["True"]


def test_ob_set_on_an_expression_changes_the_object_without_assigning(run):
    src = '''$list:=New collection(New object)
OB SET($list[0];"k";"v")
OB SET(New object;"lost";1)
ALERT(JSON Stringify($list))'''
    assert lines(run, src) == [[{"k": "v"}]]


def test_ob_set_and_ob_remove_on_a_null_then_ob_is_empty(run):
    src = '''var $o : Object
OB SET($o;"only";1)
OB REMOVE($o;"only")
ALERT(String(OB Is empty($o))+" "+String(OB Is defined($o)))'''
    assert lines(run, src) == ["True True"]


# ---------------------------------------------------------------- Position fills lengthFound (position.md)
def test_position_fills_the_length_found(run):
    src = '''var $len : Integer
$at:=Position("STRASSE";"Hauptstraße 5";1;$len)
ALERT(String($at)+" "+String($len))
$at:=Position("zz";"abc";1;$len)
ALERT(String($at)+" "+String($len))'''
    assert lines(run, src) == ["6 6", "0 0"]


def test_position_length_found_in_an_undeclared_variable_and_with_star(run):
    src = '''$at:=Position("b";"aBb";1;$n;*)
ALERT(String($at)+" "+String($n)+" "+String(Value type($n)=Is real))'''
    assert lines(run, src) == ["3 1 True"]


def test_position_length_found_inside_a_bigger_expression(run):
    src = '''$s:="key=value"
$v:=Substring($s;Position("=";$s;1;$l)+$l)
ALERT($v+" "+String($l))'''
    assert lines(run, src) == ["value 1"]


def test_position_length_found_in_a_called_method_and_loop(run, tmp_path):
    (tmp_path / "CountWords.4dm").write_text('''#DECLARE($text : Text) : Integer
var $n; $len; $at : Integer
$at:=1
While (Position(" ";$text;$at;$len)>0)
$n:=$n+1
$at:=Position(" ";$text;$at;$len)+$len
If ($n>20)
return -1
End if
End while
return $n+1''')
    assert lines(run, 'ALERT(String(CountWords("a bb ccc")))', project_dir=tmp_path) == ["3"]


def test_position_length_found_in_the_repl_locals(run):
    r = run('$p:=Position("lo";"hello";1;$found)', keep_variables=True)
    assert r.error is None and r.variables["$found"] == 2 and r.variables["$p"] == 4


# ---------------------------------------------------------------- time arithmetic (dt_time.md)
def test_time_longint_division_by_a_number(run):
    src = '''ALERT(String(?00:10:00? \\ 7))
ALERT(String(Value type(?01:00:00? \\ 2)=Is real))'''
    assert lines(run, src) == ["85", "True"]


def test_time_modulo_time_is_a_time(run):
    src = '''$t:=?26:15:00? % ?24:00:00?
ALERT(String(Value type($t)=Is time)+" "+String($t))
ALERT(String((?10:00:00?+?20:30:00?) % ?24:00:00?=?06:30:00?))'''
    assert lines(run, src) == ["True 02:15:00", "True"]


def test_time_modulo_number_is_a_number(run):
    assert lines(run, 'ALERT(String(?00:01:05? % 60))') == ["5"]


def test_time_modulo_zero_is_a_division_by_zero(run):
    assert run('$x:=?01:00:00? % ?00:00:00?').error.code == 20
    assert run('$x:=?01:00:00? \\ 0').error.code == 20


# ---------------------------------------------------------------- Hour min: "0 minute" (time.md, string.md)
def test_hour_min_words_are_plural_from_two(run):
    src = '''ALERT(String(?08:00:00?;Hour min))
ALERT(String(?01:01:00?;Hour min))
ALERT(String(?02:02:02?;Hour min sec))'''
    assert lines(run, src) == ["8 hours 0 minute", "1 hour 1 minute", "2 hours 2 minutes 2 seconds"]


def test_filled_variables_deep_inside_nested_blocks(run):
    # deep nesting compiles into inner Python functions: the filled variables are still the method's
    depth = 16
    src = ("var $len : Integer\n" + "If (True)\n" * depth + '$p:=Position("c";"abcc";1;$len)\n'
           + '$ok:=Match regex("b+";"abbb";1;$at;$n)\n' + "End if\n" * depth
           + 'ALERT(String($p)+" "+String($len)+" "+String($at)+" "+String($n))')
    assert lines(run, src) == ["3 1 2 3"]
