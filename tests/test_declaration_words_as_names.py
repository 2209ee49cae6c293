"""Declaration words (`property`, `Function`, `local`, `shared`...) begin a statement; anywhere else,
or when assigned to, they are names of variables, as in 4D code older than them."""
from __future__ import annotations

from conftest import alerts


def test_a_declaration_word_inside_a_statement_is_a_variable(run):
    src = '''$o:=New object("city";"oslo";"zip";150)
For each (property;$o)
If (Value type($o[property])=Is text)
$o[property]:=Uppercase($o[property])
End if
End for each
ALERT(JSON Stringify($o))'''
    assert alerts(run(src)) == [{"city": "OSLO", "zip": 150}]


def test_a_declaration_word_assigned_to_is_a_variable(run):
    assert alerts(run('local:=5\nshared:=local+1\nALERT(String(shared))')) == ["6"]


def test_at_the_start_of_a_class_line_they_still_declare(tmp_path, run):
    (tmp_path / "Classes").mkdir()
    (tmp_path / "Classes" / "Box.4dm").write_text(
        "property size : Integer\nshared singleton Class constructor()\n  This.size:=2\n"
        "local Function twice() : Integer\n  return This.size*2\n")
    assert alerts(run('ALERT(String(cs.Box.me.twice()))', project_dir=tmp_path)) == ["4"]
