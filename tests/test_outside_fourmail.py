"""What fourmail cannot run still reads: a `Begin SQL` ... `End SQL` block is one piece of SQL,
not 4D, and running it is a 4D error naming it; `Form` outside a form is Null."""
from __future__ import annotations

from pygments.token import Error

from conftest import alerts
from fourmail.lang.fourd import parse
from fourmail.lang.fourd.complete import COMPLETE, INCOMPLETE, check_complete
from fourmail.lang.fourd.highlight import FourDLexer

SQL = '''$min:=18
Begin SQL
    SELECT name, age FROM People
    WHERE age > :$min   -- not 4D: (( :: "
    INTO :$names;
End SQL
$after:=1
'''


def test_a_sql_block_parses_as_one_statement():
    body = parse(SQL).body
    assert [type(s).__name__ for s in body] == ["Assign", "ForeignBlock", "Assign"]
    assert body[1].language == "SQL" and body[1].line == 2 and body[2].line == 7


def test_running_it_is_a_4d_error_naming_it(run):
    r = run('ALERT("before")\n' + SQL + 'ALERT("not reached")')
    assert r.lines == ["before"]
    assert r.error.code == 67 and r.error.line == 3 and r.error.message.startswith("Begin SQL is not available")


def test_it_can_be_caught(run):
    src = "Try\n" + SQL + "Catch\nALERT(String(Last errors[0].errCode))\nEnd try"
    assert alerts(run(src)) == ["67"]


def test_a_block_without_its_end_is_a_syntax_error_and_the_repl_waits_for_it(run):
    try:
        parse("Begin SQL\nSELECT 1\n")
    except Exception as e:
        assert "missing End SQL" in str(e) and (e.line, e.col) == (1, 1)
    else:
        raise AssertionError("no syntax error")
    assert check_complete("Begin SQL\nSELECT 1").status == INCOMPLETE
    assert check_complete("Begin SQL\nSELECT 1\nEnd SQL").status == COMPLETE


def test_it_is_highlighted_whole_and_begin_sql_elsewhere_is_not_a_block():
    tokens = list(FourDLexer().get_tokens(SQL))
    assert not [v for t, v in tokens if t in Error]
    assert any("SELECT name" in v for _, v in tokens)


def test_form_outside_a_form_is_null(run):
    src = '''If (Form=Null)
ALERT("no form")
End if
$v:=Form:C1466.value'''
    r = run(src)
    assert r.lines == ["no form"] and r.error is not None and r.error.line == 4
