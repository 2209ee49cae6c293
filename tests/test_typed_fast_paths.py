"""What typed code must still do when the compiler knows the types of its values.

The compiler skips the runtime's general operators and assignment checks where the declared
types make them useless. Each snippet here runs twice: with Python locals (where the shortcuts
apply) and with the REPL's dictionary of locals (where they do not, as the variables of earlier
inputs may hold anything): both runs must print the same and fail the same way, and the expected
figures follow the rules of the data-type pages.
"""
from __future__ import annotations

import io
import re

import pytest

from conftest import REPO, run4d


def both(source: str):
    """ALERT lines and the error (code, line) of one run with fast locals, checked to be those
    of the run with dictionary locals."""
    results = []
    for keep in (False, True):
        r = run4d(source, keep_variables=keep)
        results.append((r.lines, r.error and (r.error.code, r.error.line)))
    assert results[0] == results[1]
    return results[0]


def lines(source: str) -> list[str]:
    out, error = both(source)
    assert error is None, error
    return out


# ---------------------------------------------------------------- Integer
def test_integer_assignment_rounds_half_away_from_zero():
    src = """var $n; $m : Integer
$n:=7
$n:=$n+0.5
$m:=-7
$m:=$m-0.5
ALERT(String($n)+" "+String($m))
$n:=$n*1.5
ALERT(String($n))"""
    assert lines(src) == ["8 -8", "12"]


def test_integer_plus_real_wraps_at_32_bits():
    src = """var $n : Integer
$n:=2147483647
$n:=$n+1
ALERT(String($n))
$n:=$n-1
ALERT(String($n))"""
    assert lines(src) == ["-2147483648", "2147483647"]


def test_integer_plus_integer_keeps_what_the_general_rule_gives():
    src = """var $a; $b; $c : Integer
$a:=2147483647
$b:=1
$c:=$a+$b
ALERT(String($c))
$c:=$a*$b*$b-$b
ALERT(String($c))"""
    out = lines(src)
    assert out[1] == "2147483646"


def test_integer_division_and_modulo_keep_their_rules():
    src = """var $a; $b; $q; $r : Integer
$a:=-7
$b:=2
$q:=$a\\$b
$r:=$a%$b
ALERT(String($q)+" "+String($r)+" "+String($a/$b))"""
    assert lines(src) == ["-3 -1 -3.5"]


def test_integer_comparisons():
    src = """var $a; $b : Integer
$a:=3
$b:=4
ALERT(String($a<$b)+String($a>$b)+String($a<=$a)+String($a>=$b)+String($a=$a)+String($a#$b))"""
    assert lines(src) == ["TrueFalseTrueFalseTrueTrue"]


def test_declared_integer_read_before_its_declaration_runs_is_undefined():
    src = """If (False)
var $u : Integer
End if
$x:=$u+1
ALERT("not reached")"""
    out, error = both(src)
    assert out == [] and error == (54, 4)


def test_declaration_later_in_the_method_leaves_the_variable_undefined_before():
    src = """$x:=$u+1
var $u : Integer
ALERT("not reached")"""
    out, error = both(src)
    assert out == [] and error == (54, 1)


def test_typed_parameters_can_be_rewritten_through_their_number():
    # `${n}` writes $1 without its declared type: the compiler never takes $1's type as known
    src = """C_LONGINT($1)
var $i : Integer
For ($i;1;2)
${1}:=${1}+0.5
End for
ALERT(String($1)+" "+String($1+1))
${1}:="x"
ALERT(String($1+1))"""
    out, error = both(src)
    assert out == ["1 2"] and error == (54, 8)


def test_failed_assignment_keeps_the_typed_value():
    src = """var $n : Integer
var $t : Text
$n:=5
Try
$n:=$t
Catch
End try
$n:=$n+$n
ALERT(String($n))"""
    assert lines(src) == ["10"]


# ---------------------------------------------------------------- Real
def test_real_equality_and_order_use_the_epsilon():
    src = """var $r; $s : Real
$r:=0.1+0.2
$s:=0.3
ALERT(String($r=$s)+String($r#$s)+String($r<$s)+String($r>$s)+String($r<=$s)+String($r>=$s))"""
    assert lines(src) == ["TrueFalseFalseFalseTrueTrue"]


def test_real_receives_integers_as_reals():
    src = """var $r : Real
var $i : Integer
$i:=3
$r:=$i
$r:=$r/2
ALERT(String($r))
$r:=$i+$i
ALERT(String($r)+" "+String(Value type($r)=Is real))"""
    assert lines(src) == ["1.5", "6 True"]


# ---------------------------------------------------------------- Text
def test_text_append_in_a_loop():
    src = """var $t; $u : Text
var $i : Integer
$u:="é"
For ($i;1;300)
$t:=$t+"ab"
$t:=$t+$u
End for
ALERT(String(Length($t))+" "+Substring($t;1;6))"""
    assert lines(src) == ["900 abéabé"]


def test_text_plus_undefined_or_null_is_an_error():
    src = """var $t : Text
$t:="x"
$t:=$t+$nothing"""
    assert both(src)[1] == (54, 3)
    src = """var $t : Text
var $o : Object
$t:=$t+$o"""
    assert both(src)[1][0] == 54


def test_text_equality_with_a_literal_follows_the_collation():
    src = """var $k : Text
$k:="Ïmap"
ALERT(String($k="IMAP")+String($k="imap@")+String($k="imaps")+String($k#"IMAP"))
$k:="a@b"
ALERT(String($k="a@b")+String("x"=$k))"""
    assert lines(src) == ["TrueTrueFalseFalse", "TrueFalse"]


def test_text_equality_with_a_literal_over_many_texts():
    # many distinct texts, short and long, compared with one literal in a loop
    src = """var $k; $pad : Text
var $i; $n; $m : Integer
$pad:="x"*100
For ($i;1;600)
Case of
: ($i%3=0)
$k:="Smtp"
: ($i%3=1)
$k:="smtp"+String($i)
Else
$k:="SMTP "+String($i)+$pad
End case
If ($k="smtp")
$n:=$n+1
End if
If ($k#"SMTP")
$m:=$m+1
End if
End for
ALERT(String($n)+" "+String($m))"""
    assert lines(src) == ["200 400"]


def test_compound_assignment_on_typed_locals():
    src = """var $n : Integer
var $t : Text
var $r : Real
$n:=2147483646
$n+=1
ALERT(String($n))
$n+=1
ALERT(String($n))
$n-=0.5
$t+="ab"
$t+=$t
$r+=$n
ALERT(String($n)+" "+$t+" "+String($r))"""
    assert lines(src) == ["2147483647", "-2147483648", "2147483647 abab 2147483647"]


# ---------------------------------------------------------------- For loops
def test_counter_modified_inside_the_loop():
    src = """var $i; $n : Integer
For ($i;1;10)
$n:=$n+1
$i:=$i+2
End for
ALERT(String($n)+" "+String($i))
For ($i;1;10)
$i:=$i+0.6
$n:=$n+1
End for
ALERT(String($n)+" "+String($i))"""
    assert lines(src) == ["4 13", "9 11"]


def test_loop_end_is_evaluated_once():
    src = """var $i; $end; $n : Integer
$end:=3
For ($i;1;$end)
$end:=$end+1
$n:=$n+1
End for
ALERT(String($n)+" "+String($i)+" "+String($end))"""
    assert lines(src) == ["3 4 6"]


def test_real_bounds_and_steps():
    src = """var $i; $n : Integer
var $r : Real
For ($i;1;3.5)
$n:=$n+1
End for
ALERT(String($n)+" "+String($i))
For ($i;5;-1.5;-2)
$n:=$n+1
End for
ALERT(String($n)+" "+String($i))
For ($r;0;1;0.25)
$n:=$n+1
End for
ALERT(String($n)+" "+String($r))
For ($i;1;2;0.6)
$n:=$n+1
End for
ALERT(String($n)+" "+String($i))"""
    assert lines(src) == ["3 4", "7 -3", "12 1.25", "14 3"]


def test_untyped_counter():
    src = """$s:=""
For ($i;3;1;-1)
$s:=String($i)+$s
End for
ALERT($s+" "+String($i))"""
    assert lines(src) == ["123 0"]


def test_loop_that_never_runs_sets_the_counter():
    src = """var $i : Integer
For ($i;5;1)
ALERT("no")
End for
ALERT(String($i))"""
    assert lines(src) == ["5"]


# ---------------------------------------------------------------- objects and collections
def test_object_property_and_collection_element_updates():
    src = """var $o : Object
var $c : Collection
var $i : Integer
$o:=New object("count";0)
$c:=New collection
For ($i;1;5)
$o.count:=$o.count+1
$c.push($i)
$c.push(Null)
End for
ALERT(String($o.count)+" "+String($c.length)+" "+String($c[2])+" "+String(Value type($c[2])=Is real))
ALERT(String($c[1]=Null)+String($c[$i*2]))"""
    assert lines(src) == ["5 10 2 True", "True"]


def test_property_updated_from_itself_keeps_the_general_rules():
    src = """var $o : Object
var $i : Integer
$o:=New object("n";1;"t";"a";"z";Null)
$i:=2
$o.n:=$o.n*$i
$o.n:=$o.n-0.5
$o.t:=$o.t+"b"
ALERT(String($o.n)+" "+$o.t)
$o.z:=$o.z+1"""
    out, error = both(src)
    assert out == ["1.5 ab"] and error is not None and error[1] == 9
    src = """var $o : Object
$o:=New object
$o.missing:=$o.missing+1"""
    assert both(src)[1] == (54, 3)


def test_property_of_a_null_object_is_an_error():
    src = """var $o : Object
$o.count:=$o.count+1"""
    out, error = both(src)
    assert error is not None and error[1] == 2


def test_shared_objects_keep_their_rules():
    src = """var $o : Object
var $c : Collection
var $i : Integer
$o:=New shared object("count";0)
$c:=New shared collection
For ($i;1;3)
Use ($o)
$o.count:=$o.count+1
End use
$c.push($i)
End for
ALERT(String($o.count)+" "+JSON Stringify($c))
$o.count:=$o.count+1"""
    out, error = both(src)
    assert out == ["3 [1,2,3]"] and error == (80, 13)


# ---------------------------------------------------------------- the REPL's locals
def test_repl_keeps_coercing_across_inputs():
    from fourmail.repl.session import ReplSession
    out, err = io.StringIO(), io.StringIO()
    repl = ReplSession(project_dir=REPO, out=out, err=err)
    repl.execute("var $n : Integer\nvar $t : Text")
    repl.execute("$n:=$n+2.5\n$t:=$t+\"ab\"")
    repl.execute('ALERT(String($n)+$t)')
    assert out.getvalue() == "3ab\n" and err.getvalue() == ""


# ---------------------------------------------------------------- the compiled code
@pytest.fixture
def compiled():
    from fourmail.program import compile_source, new_runtime
    rt = new_runtime(project_dir=REPO, out=io.StringIO(), interactive=False)
    return lambda source: compile_source(rt, source, "typed.4dm", "typed").python_source


def test_typed_integer_loop_compiles_to_plain_python(compiled):
    py = compiled("""var $s; $i : Integer
$s:=0
For ($i;1;1000)
$s:=$s+$i
If ($i<$s)
$s:=$s-1
End if
End for""")
    for name in ("_coerce", "_add", "_sub", "_lt", "_test", "_number"):
        assert name not in py, py


def test_typed_text_append_compiles_to_an_in_place_concatenation(compiled):
    py = compiled("""var $t : Text
$t:=$t+"a\"""")
    assert "_coerce" not in py and "_add" not in py
    # `v = v + x`: CPython appends in place when the text has no other reference
    assert re.search(r"^\s*(\w+) = \(?\1 \+ ", py, re.M), py


def test_untyped_code_keeps_the_general_operators(compiled):
    py = compiled("""$s:=0
For ($i;1;10)
$s:=$s+$i
End for""")
    assert "_add(" in py
