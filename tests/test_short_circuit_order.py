"""`&&` and `||` come after every other operator (classes.md writes `$width > 0 && $height > 0`),
and among themselves go left to right (operators.md: `a || b && c` is `(a || b) && c`); the other
operators keep 4D's one level, strictly left to right (dt_number.md)."""
from __future__ import annotations

from conftest import alerts


def test_comparisons_are_made_before_and_then(run):
    src = '''$w:=0
$h:=4
ALERT(String($w>0 && $h>0))
ALERT(String($w=0 && $h>3))
ALERT(String($w>0 || $h>3))'''
    assert alerts(run(src)) == ["False", "True", "True"]


def test_they_go_left_to_right_among_themselves(run):
    assert alerts(run('ALERT(String(True || False && False))')) == ["False"]


def test_a_condition_that_goes_on_with_and_then_stops_early(run):
    src = '''var $o : Object
If ($o#Null) && ($o.count>0)
ALERT("counted")
Else
ALERT("no object")
End if'''
    assert alerts(run(src)) == ["no object"]


def test_arithmetic_comes_before_them_and_they_return_an_operand(run):
    # left to right only, ("a" || 2)+3 would be "a"+3: an error
    assert alerts(run('$v:="a" || 2+3\nALERT($v)\n$v:="" || 2+3\nALERT(String($v))')) == ["a", "5"]


def test_the_other_operators_stay_one_level(run):
    r = run('$b:=1=1 & 2=2')
    assert r.error is not None and r.error.line == 1
