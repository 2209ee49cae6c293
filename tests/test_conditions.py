"""A condition is written in parentheses and may go on after them (`If ($a#Null) & ($b#Null)`),
evaluated left to right like any 4D expression, in If, Case of branches, While, Until and the
For each loop's Until/While clauses."""
from __future__ import annotations

import pytest

from conftest import alerts
from fourmail.lang.fourd import SourceSyntaxError, parse


def test_if_goes_on_after_the_parenthesis(run):
    src = '''$o:=New object("a";1)
If ($o#Null) & ($o.a=1)
ALERT("both")
End if
If ($o.a=2) | ($o.a=1)
ALERT("either")
End if
If ($o.a=2) | ($o.a=3)
ALERT("wrong")
Else
ALERT("neither")
End if'''
    assert alerts(run(src)) == ["both", "either", "neither"]


def test_a_case_branch_goes_on_after_the_parenthesis(run):
    src = '''$x:=1
$y:=2
Case of
: ($x=1) & ($y=3)
ALERT("first")
: ($x=1) & ($y=2)
ALERT("second")
End case'''
    assert alerts(run(src)) == ["second"]


def test_while_and_until_go_on_after_the_parenthesis(run):
    src = '''$i:=0
$stop:=False
While ($i<10) & (Not($stop))
$i:=$i+1
$stop:=$i=4
End while
ALERT(String($i))
Repeat
$i:=$i-1
Until ($i=0) | ($i=2)
ALERT(String($i))
$n:=0
For each ($v; New collection(1;2;3;4;5)) Until ($v>=2) & ($n>0)
$n:=$n+$v
End for each
ALERT(String($n))'''
    assert alerts(run(src)) == ["4", "2", "3"]


def test_the_condition_is_strictly_left_to_right(run):
    # (True) | (False) & (False): ((True | False) & False) = False, 4D has no precedence
    src = '''If (True) | (False) & (False)
ALERT("yes")
Else
ALERT("no")
End if'''
    assert alerts(run(src)) == ["no"]


def test_a_condition_continued_on_the_next_line(run):
    src = 'If (1=1)\\\n\t| (1=2)\nALERT("ok")\nEnd if'
    assert alerts(run(src)) == ["ok"]


def test_a_condition_still_starts_with_a_parenthesis():
    with pytest.raises(SourceSyntaxError):
        parse("If $a=1\nEnd if")
