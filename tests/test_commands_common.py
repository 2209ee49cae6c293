"""The commands real 4D code uses most (issue 12, item 8): each runs through the whole pipeline
(parse, compile, run) on snippets of our own, checked against the command's 4D page."""
from __future__ import annotations

import os
import sys

import pytest

from conftest import alerts


def lines(run, source, **kw):
    return alerts(run(source, **kw))


# ---------------------------------------------------------------- Choose (choose.md)
def test_choose_with_a_boolean_picks_the_first_or_the_second_value(run):
    src = '''$big:=12>10
ALERT(Choose($big;"large";"small"))
ALERT(Choose(Not($big);"large";"small"))'''
    assert lines(run, src) == ["large", "small"]


def test_choose_with_a_number_counts_from_zero(run):
    src = '''$i:=1
ALERT(Choose($i;"zero";"one";"two"))
ALERT(Choose(0;"zero";"one"))'''
    assert lines(run, src) == ["one", "zero"]


def test_choose_past_the_values_gives_the_empty_value_of_their_type(run):
    src = '''ALERT("<"+Choose(3;"a";"b")+">")
ALERT(String(Choose(-1;10;20)))
ALERT(String(Choose(9;!2021-03-04!)))'''
    assert lines(run, src) == ["<>", "0", "00/00/00"]


def test_choose_needs_two_values_for_a_boolean_and_a_usable_criterion(run):
    assert run('$x:=Choose(True;"only")').error.code == 65
    assert run('$x:=Choose("1";"a";"b")').error.code == 66


# ---------------------------------------------------------------- Match regex (match-regex.md), no arrays
def test_match_regex_with_two_parameters_matches_the_whole_text(run):
    src = '''ALERT(String(Match regex("[a-z]+@[a-z]+";"bob@example")))
ALERT(String(Match regex("b";"abc")))
ALERT(String(Match regex("A.C";"abc")))'''
    assert lines(run, src) == ["True", "False", "False"]


def test_match_regex_from_a_position_fills_position_and_length(run):
    src = '''var $at; $len : Integer
$found:=Match regex("[0-9]+";"room 42, floor 7";8;$at;$len)
ALERT(String($found)+" "+String($at)+" "+String($len))
$found:=Match regex("[0-9]+";"room 42, floor 7";1;$at;$len)
ALERT(String($found)+" "+String($at)+" "+String($len))'''
    assert lines(run, src) == ["True 16 1", "True 6 2"]


def test_match_regex_star_searches_only_at_the_start_position(run):
    src = '''ALERT(String(Match regex("x+";"abxx";1;$p;$n;*)))
ALERT(String(Match regex("x+";"abxx";3;$p;$n;*))+" "+String($p)+" "+String($n))'''
    assert lines(run, src) == ["False", "True 3 2"]


def test_match_regex_not_found_leaves_the_variables_alone(run):
    src = '''$p:=-5
$n:=-6
ALERT(String(Match regex("z";"abc";1;$p;$n))+" "+String($p)+" "+String($n))'''
    assert lines(run, src) == ["False -5 -6"]


def test_match_regex_invalid_pattern_is_a_4d_error(run):
    r = run('$b:=Match regex("(unclosed";"x")')
    assert r.error is not None and r.error.code == 66 and "regular expression" in r.error.describe()


# ---------------------------------------------------------------- OB Get type, OB Class, OB Instance of
def test_ob_get_type_of_each_kind_of_property(run):
    src = '''$o:=New object("t";"x";"n";2;"b";False;"o";New object;"c";New collection;"z";Null;"d";!2020-01-01!)
$out:=""
For each($k;New collection("t";"n";"b";"o";"c";"z";"d";"missing"))
$out:=$out+String(OB Get type($o;$k))+" "
End for each
ALERT($out)'''
    assert lines(run, src) == ["2 1 6 38 42 255 4 5 "]


def test_ob_get_type_of_a_null_object_is_undefined(run):
    assert lines(run, 'var $o : Object\nALERT(String(OB Get type($o;"a")=Is undefined))') == ["True"]


def test_ob_class_and_ob_instance_of_with_user_classes(run, tmp_path):
    (tmp_path / "Classes").mkdir()
    (tmp_path / "Classes" / "Vehicle.4dm").write_text("Class constructor\nThis.wheels:=4\n")
    (tmp_path / "Classes" / "Truck.4dm").write_text("Class extends Vehicle\n")
    src = '''$t:=cs.Truck.new()
ALERT(OB Class($t).name)
ALERT(String(OB Instance of($t;cs.Truck))+String(OB Instance of($t;cs.Vehicle)))
ALERT(String(OB Instance of(cs.Vehicle.new();cs.Truck)))
ALERT(String(OB Instance of(New object;cs.Vehicle)))
ALERT(String(OB Class(42)=Null))'''
    assert lines(run, src, project_dir=tmp_path) == ["Truck", "TrueTrue", "False", "False", "True"]


def test_ob_class_of_builtin_objects(run, tmp_path):
    src = '''$f:=File("/PACKAGE/x.txt")
ALERT(OB Class($f).name)
ALERT(String(OB Instance of($f;4D.File))+String(OB Instance of($f;4D.Folder)))
ALERT(OB Class(New object("a";1)).name+" "+OB Class(New collection).name)'''
    assert lines(run, src, project_dir=tmp_path) == ["File", "TrueFalse", "Object Collection"]


def test_ob_instance_of_needs_a_class(run):
    assert run('$b:=OB Instance of(New object;"Object")').error.code == 66


# ---------------------------------------------------------------- OB commands that existed: checked again
def test_ob_get_with_a_type_converts(run):
    src = '''$o:=New object("n";"12.5";"when";"2022-05-06")
ALERT(String(OB Get($o;"n";Is real)+1))
ALERT(String(Value type(OB Get($o;"n";Is longint)))+" "+String(OB Get($o;"n";Is longint)))
ALERT(String(Year of(OB Get($o;"when";Is date))))'''
    assert lines(run, src) == ["13.5", "9 12", "2022"]


def test_ob_values_and_entries_follow_property_order(run):
    src = '''$o:=New object("z";1;"a";"two")
ALERT(JSON Stringify(OB Values($o)))
ALERT(JSON Stringify(OB Entries($o)))'''
    assert lines(run, src) == [[1, "two"], [{"key": "z", "value": 1}, {"key": "a", "value": "two"}]]


# ---------------------------------------------------------------- numbers
def test_arctan_and_log(run):
    src = '''ALERT(String(Arctan(1)*4;"#0.0000"))
ALERT(String(Log(1))+" "+String(Round(Log(100)/Log(10);6)))
ALERT("<"+String(Log(-3))+">")'''
    assert lines(run, src) == ["3.1416", "0 2", "<>"]


def test_maxlong_and_month_constants(run):
    src = '''ALERT(String(MAXLONG+1))
ALERT(String(Month of(!1999-07-14!)=July)+" "+String(January+November))'''
    assert lines(run, src) == ["2147483648", "True 12"]


def test_ck_constants_have_the_collection_functions_values(run):
    src = '''$c:=New collection(3;1;2)
ALERT(JSON Stringify($c.orderBy(ck descending)))
ALERT(String($c.indexOf("x")))'''
    assert lines(run, src) == [[3, 2, 1], "-1"]


# ---------------------------------------------------------------- ASSERT / Asserted
def test_asserted_returns_the_expression_and_fails_like_assert(run):
    assert lines(run, 'ALERT(String(Asserted(2>1;"fine")))') == ["True"]
    r = run('$b:=Asserted(1>2;"one is not more than two")')
    assert r.error.code == -10518 and "Assert failed: one is not more than two" in r.error.describe()
    r = run('ASSERT(Length("ab")=3)')
    assert r.error.code == -10518 and "Assert failed" in r.error.describe()


# ---------------------------------------------------------------- BLOB
def test_text_to_blob_formats_read_back_by_blob_to_text(run):
    src = '''var $b : Blob
TEXT TO BLOB("Grüße";$b;UTF8 text with length)
ALERT(String(BLOB size($b))+" "+BLOB to text($b;UTF8 text with length))
TEXT TO BLOB("abc";$b)
ALERT(String(BLOB size($b))+" "+BLOB to text($b;Mac C string))
TEXT TO BLOB("xy";$b;Mac Pascal string)
ALERT(String(BLOB size($b))+" "+BLOB to text($b;Mac Pascal string))'''
    assert lines(run, src) == ["11 Grüße", "4 abc", "3 xy"]


def test_text_to_blob_appends_with_star_and_moves_the_offset(run):
    src = '''var $b : Blob
TEXT TO BLOB("one";$b;UTF8 text without length)
TEXT TO BLOB("two";$b;UTF8 text without length;*)
ALERT(BLOB to text($b;UTF8 text without length))
$at:=3
TEXT TO BLOB("TW";$b;UTF8 text without length;$at)
ALERT(BLOB to text($b;UTF8 text without length)+" "+String($at))'''
    assert lines(run, src) == ["onetwo", "oneTWo 5"]


def test_set_blob_size_cuts_and_fills(run):
    src = '''var $b : Blob
TEXT TO BLOB("hello";$b;UTF8 text without length)
SET BLOB SIZE($b;2)
ALERT(BLOB to text($b;UTF8 text without length))
SET BLOB SIZE($b;4;65)
ALERT(BLOB to text($b;UTF8 text without length)+" "+String(BLOB size($b)))'''
    assert lines(run, src) == ["he", "heAA 4"]


# ---------------------------------------------------------------- documents and folders
def test_test_path_name_create_folder_and_delete_document(run, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    src = '''ALERT(String(Test path name("notes.txt")=Is a document))
CREATE FOLDER("archive")
ALERT(String(Test path name("archive")=Is a folder)+" "+String(OK))
CREATE FOLDER("deep"+Folder separator+"er"+Folder separator+"file.txt";*)
ALERT(String(Test path name("deep"+Folder separator+"er")))
DELETE DOCUMENT("notes.txt")
ALERT(String(Test path name("notes.txt"))+" "+String(OK))'''
    assert lines(run, src, project_dir=tmp_path) == ["True", "True 1", "0", "-43 1"]
    assert not (tmp_path / "deep" / "er" / "file.txt").exists()


def test_create_folder_without_star_needs_the_parent(run, tmp_path):
    r = run('CREATE FOLDER("a'+os.sep+'b")', project_dir=tmp_path)
    assert r.error is not None and r.error.code == -43


def test_delete_document_of_a_missing_file_is_error_43(run, tmp_path):
    r = run('DELETE DOCUMENT("ghost.txt")', project_dir=tmp_path)
    assert r.error is not None and r.error.code == -43


def test_document_to_text_breaks_and_bom(run, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"one\r\ntwo\rthree")
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbfcaf\xc3\xa9")
    src = '''ALERT(Replace string(Document to text("a.txt";"UTF-8";Document with LF);Char(10);"|"))
ALERT(String(Length(Document to text("a.txt";"UTF-8";Document unchanged))))
ALERT(Document to text("b.txt"))'''
    assert lines(run, src, project_dir=tmp_path) == ["one|two|three", "14", "café"]


# ---------------------------------------------------------------- environment
def test_get_4d_folder_database_resources_and_data(run, tmp_path):
    sep = os.sep
    src = '''ALERT(Get 4D folder(Database folder))
ALERT(Get 4D folder(Current resources folder))
ALERT(Get 4D folder(Data folder))
ALERT(String(Length(Get 4D folder(3)))+" "+String(OK))'''
    root = str(tmp_path.resolve())
    assert lines(run, src, project_dir=tmp_path) == [root + sep, root + sep + "Resources" + sep,
                                                    root + sep + "Data" + sep, "0 0"]
    assert (tmp_path / "Resources").is_dir()          # created as 4D does


def test_system_and_temporary_folders_end_with_the_separator(run):
    out = lines(run, 'ALERT(Temporary folder)\nALERT(System folder(Home folder))\nALERT(Folder separator)')
    assert out[0].endswith(os.sep) and os.path.isdir(out[0])
    assert out[1] == os.path.expanduser("~").rstrip(os.sep) + os.sep
    assert out[2] == os.sep


def test_platform_user_and_application_info(run):
    src = '''ALERT(String(Is macOS)+" "+String(Is Windows))
ALERT(Current user)
$i:=Get application info
ALERT(String($i.headless)+" "+String(Value type($i.pid))+" "+String($i.uptime>=0))'''
    assert lines(run, src) == [f"{sys.platform == 'darwin'} {os.name == 'nt'}", "Designer", "True 1 True"]


def test_localized_string_reads_the_xliff_resources(run, tmp_path):
    lproj = tmp_path / "Resources" / "en.lproj"
    lproj.mkdir(parents=True)
    (lproj / "app.xlf").write_text('''<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" datatype="x-4DK#">
<body><trans-unit id="1" resname="greeting"><source>Hello</source><target>Hello there</target></trans-unit>
<trans-unit id="2" resname="bye"><source>Bye</source></trans-unit></body></file></xliff>''')
    src = '''ALERT(Localized string("greeting")+"/"+Localized string("bye"))
ALERT("<"+Localized string("nothing")+"> "+String(OK))'''
    assert lines(run, src, project_dir=tmp_path) == ["Hello there/Bye", "<> 0"]


@pytest.mark.parametrize("name", ["Get 4D folder", "Is a document", "MAXLONG", "ck descending", "Choose"])
def test_the_names_are_in_the_registry(name):
    from fourmail.commands.registry import lookup_command, lookup_constant
    assert lookup_command(name) or lookup_constant(name)
