"""Tokenized names, as 4D writes them in a project's method and class files: a command with its
number (`Length:C16`: the number decides), a constant with its token (`Is text:K8:3`: the name
decides), `This:C1470`, `Super:C1705`/`Super:C1706`, `cs:C1710`, `4D:C1709` (in expressions and in
types), and database fields `[Table:1]Field:2`, which parse and fail when they run."""
from __future__ import annotations

import pytest

from conftest import alerts, run4d
from fourmail.commands import registry
from fourmail.lang import ast as A
from fourmail.lang.fourd import SourceSyntaxError, parse
from fourmail.lang.fourd.lexer import base_names, tokenize
from fourmail.lang.fourd.scan import scan


def kinds(text):
    return [(t.type, str(t)) for t in tokenize(text + "\n", base_names()) if t.type != "_NL"]


def first_statement(text):
    return parse(text).body[0]


# ---------------------------------------------------------------- commands: the number decides
def test_command_by_number_finds_the_registry_entry():
    assert registry.command_by_number(16).name == "Length"
    assert registry.command_by_number(259).name == "Count parameters"
    assert registry.command_by_number(999_999) is None


def test_a_command_name_in_another_language_runs_the_numbered_command(run):
    # a project written with French command names: the token's number names the command
    assert alerts(run('$n:=Longueur:C16("quatre")\nALERT(String:C10($n))')) == ["6"]


def test_the_number_wins_over_the_name(run):
    # the name says one command, the number another: 4D runs the one with the number
    assert alerts(run('ALERT(Uppercase:C14("MiXeD"))')) == ["mixed"]


def test_an_old_command_name_with_its_number_is_todays_command():
    call = first_statement('$t:=Get localized length:C16("x")').value
    assert isinstance(call, A.CommandCall) and call.name == "Length"


def test_a_multi_word_tokenized_command_is_one_token():
    assert kinds('$v:=Nombre de paramètres:C259') == [
        ("LOCAL", "$v"), ("ASSIGN", ":="), ("COMMAND", "Nombre de paramètres:C259")]
    assert first_statement('$v:=Nombre de paramètres:C259').value.name == "Count parameters"


def test_a_keyword_before_a_tokenized_command_stays_a_keyword():
    assert kinds('return Longueur:C16($t)')[:2] == [("RETURN", "return"), ("COMMAND", "Longueur:C16")]


def test_a_command_number_fourmail_does_not_know_is_a_syntax_error_naming_it():
    with pytest.raises(SourceSyntaxError, match="Frobnicate widget:C99999"):
        parse('Frobnicate widget:C99999(1)')


def test_ds_and_form_are_the_commands_with_their_numbers(monkeypatch):
    assert kinds('$e:=ds:C1482.Employee')[2:4] == [("COMMAND", "ds:C1482"), ("_DOT", ".")]
    assert kinds('$x:=Form:C1466.value')[2] == ("COMMAND", "Form:C1466")
    monkeypatch.setitem(registry.COMMANDS, "ds", registry.Command("ds", 1482, "ds -> cs.DataStore", None))
    member = first_statement('$e:=ds:C1482.Employee').value
    assert isinstance(member.target, A.CommandCall) and member.target.name == "ds"


# ---------------------------------------------------------------- constants: the name decides
def test_a_tokenized_constant(run):
    src = ('If (Value type:C1509("x")=Is text:K8:3) & (True:C214)\n'
           '\tALERT(String:C10(Is text:K8:3))\n'
           'End if')
    assert alerts(run(src)) == ["2"]


def test_a_tokenized_constant_fourmail_does_not_know_is_a_syntax_error_naming_it():
    with pytest.raises(SourceSyntaxError, match="Shade of mauve:K99:4"):
        parse('$c:=Shade of mauve:K99:4')


def test_tokenized_names_are_one_piece_in_the_tolerant_scan_and_highlighting():
    from fourmail.lang.fourd.highlight import FourDLexer
    from pygments.token import Name
    text = '$t:=Get localized length:C16("a")+Is text:K8:3'
    pieces = [(p.kind, text[p.start:p.end]) for p in scan(text)]
    assert ("COMMAND", "Get localized length:C16") in pieces and ("CONSTANT", "Is text:K8:3") in pieces
    tokens = list(FourDLexer().get_tokens(text))
    assert (Name.Builtin, "Get localized length:C16") in tokens
    assert (Name.Constant, "Is text:K8:3") in tokens


# ---------------------------------------------------------------- This, Super, cs, 4D
@pytest.fixture
def project(tmp_path):
    classes = tmp_path / "Classes"
    classes.mkdir()
    (classes / "Shape.4dm").write_text(
        "property label : Text\n"
        "Class constructor($label : Text)\n"
        "\tThis:C1470.label:=$label\n"
        "Function describe()->$d : Text\n"
        "\t$d:=\"shape \"+This:C1470.label\n", encoding="utf-8")
    (classes / "Square.4dm").write_text(
        "Class extends Shape\n"
        "property side : Integer\n"
        "property twin : cs:C1710.Square\n"
        "Class constructor($side : Integer)\n"
        "\tSuper:C1705(\"square\")\n"
        "\tThis:C1470.side:=$side\n"
        "Function describe()->$d : Text\n"
        "\t$d:=Super:C1706.describe()+\" of \"+String:C10(This:C1470.side)\n"
        "Function same($other : cs:C1710.Square)->$yes : Boolean\n"
        "\t$yes:=$other.side=This:C1470.side\n", encoding="utf-8")
    return tmp_path


def test_this_super_and_cs_in_tokenized_form(project):
    src = ('var $s : cs:C1710.Square\n'
           '$s:=cs:C1710.Square.new(3)\n'
           'ALERT($s.describe())\n'
           'ALERT(String:C10($s.same(cs:C1710.Square.new(3))))')
    assert alerts(run4d(src, project_dir=project)) == ["shape square of 3", "True"]


def test_4d_class_store_in_tokenized_form(run):
    src = ('var $f : 4D:C1709.File\n'
           '$f:=4D:C1709.File.new("/PACKAGE/notes.txt")\n'
           'ALERT($f.name+" "+String:C10($f=Null:C1517))')
    assert alerts(run(src)) == ["notes False"]


@pytest.mark.parametrize("source, expected", [
    ("var $t : 4D:C1709.SMTPTransporter", "4D.SMTPTransporter"),
    ("var $p : cs:C1710.Person", "cs.Person"),
])
def test_tokenized_class_types_in_declarations(source, expected):
    assert first_statement(source).type == expected


def test_tokenized_class_types_in_declare():
    declare = parse("#DECLARE($who : cs:C1710.Person; $via : 4D:C1709.SMTPTransporter)->$ok : Boolean").declare
    assert [p.type for p in declare.params] == ["cs.Person", "4D.SMTPTransporter"]


def test_this_alone_outside_a_class_is_null(run):
    assert alerts(run("ALERT(String:C10(This:C1470=Null:C1517))")) == ["True"]


# ---------------------------------------------------------------- tables and fields
@pytest.mark.parametrize("source, table, field", [
    ("$v:=[Customers:3]Name:2", "Customers", "Name"),
    ("$v:=[Customers]City", "Customers", "City"),
    ("$v:=[Order Lines:5]Unit Price:7", "Order Lines", "Unit Price"),
    ("$v:=[Customers:3]", "Customers", None),
])
def test_fields_and_tables_parse(source, table, field):
    ref = first_statement(source).value
    assert isinstance(ref, A.FieldRef) and (ref.table, ref.field) == (table, field)


def test_a_bracketed_name_without_a_field_is_still_a_collection(run):
    assert alerts(run('vItem:=5\n$c:=[vItem]\nALERT(JSON Stringify($c))')) == [[5]]


def test_using_a_field_is_a_4d_error_naming_it_when_it_runs(run):
    r = run('ALERT("before")\n$v:=[Customers:3]Name:2\nALERT("after")')
    assert r.lines == ["before"]
    assert r.error is not None and r.error.line == 2 and "[Customers]Name" in r.error.message


def test_assigning_a_field_is_a_4d_error_not_a_syntax_error(run):
    r = run('[Customers]Name:="Smith"')
    assert r.error is not None and "[Customers]Name" in r.error.message


# ---------------------------------------------------------------- the REPL
def test_the_repl_completes_after_a_tokenized_class_store_and_runs_tokenized_code():
    import io
    from prompt_toolkit.document import Document
    from conftest import REPO
    from fourmail.repl.completion import ReplCompleter
    from fourmail.repl.session import ReplSession
    repl = ReplSession(project_dir=REPO, out=io.StringIO(), err=io.StringIO())
    got = [c.text for c in ReplCompleter(repl).get_completions(Document("$t:=4D:C1709.SMTP"), None)]
    assert "SMTPTransporter" in got
    repl.execute('If (Longueur:C16("abc")=3) & (True:C214)\nALERT("three")\nEnd if')
    assert repl.out.getvalue().splitlines() == ["three"]


def test_a_name_whose_next_word_starts_with_a_digit():
    from fourmail.lang.fourd.lexer import NameTable
    t = NameTable()
    t.add("Get 4D folder", "COMMAND")
    t.add("Object type 3D button", "CONSTANT")
    text = "$f:=Get 4D folder(1)+Object type 3D button"
    assert t.match(text, 4, "Get") == ("COMMAND", len("$f:=Get 4D folder"))
    assert t.match(text, text.index("Object"), "Object") == ("CONSTANT", len(text))
    # tokenized, the digit word is part of the name too
    assert kinds('$f:=Get 4D folder:C485(Active 4D Folder:K5:10)')[2:5] == [
        ("COMMAND", "Get 4D folder:C485"), ("_LPAR", "("), ("CONSTANT", "Active 4D Folder:K5:10")]


def test_names_that_begin_with_a_digit(run):
    from fourmail.lang.fourd import parse
    program = parse('If (Application type=4D Server)\n$v:=64 bit Version\nEnd if\n$n:=4*2\n$t:=4D Server:K5:6\n')
    cond = program.body[0].condition
    assert type(cond.right).__name__ == "ConstantRef" and cond.right.name == "4D Server"
    r = run('$n:=4*2+1e1\nALERT(String($n))\n$s:=4D Server')
    assert r.lines == ["18"] and r.error.code == 67 and "4D Server" in r.error.message
