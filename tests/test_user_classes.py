"""User classes (runtime/userclasses.py, lang/fourd/classfile.py): `cs.Name.new()` with the class in
Classes/Name.4dm, as quick-tour.md "Classes" shows them (Rectangle, Square), and the errors a
class file can have."""
from __future__ import annotations

import pytest

from conftest import alerts, run4d

RECTANGLE = """// quick-tour.md's Rectangle, with functions
property name : Text
property sides : Integer:=4

Class constructor ($width : Integer; $height : Integer)
This.height:=$height
This.width:=$width
This.name:="Rectangle"

Function area() : Integer
  return This.width*This.height

Function describe($prefix : Text) -> $text : Text
  $text:=$prefix+This.name+" "+String(This.area())
"""

SQUARE = """Class extends Rectangle

Class constructor ($length : Integer)
  // It calls the parent class's constructor with lengths
  // provided for the Rectangle's width and height
Super($length;$length)

This.name:="Square"

Function describe($prefix : Text) : Text
  return "["+Super.describe($prefix)+"]"
"""


@pytest.fixture
def project(tmp_path):
    classes = tmp_path / "Classes"
    classes.mkdir()

    def with_classes(source: str, **files):
        for name, text in {"Rectangle": RECTANGLE, "Square": SQUARE, **files}.items():
            (classes / f"{name}.4dm").write_text(text, encoding="utf-8")
        return run4d(source, project_dir=tmp_path)
    return with_classes


def test_constructor_functions_and_this(project):
    r = project('''var $r : cs.Rectangle
$r:=cs.Rectangle.new(2;3)
ALERT(JSON Stringify($r))
ALERT(String($r.area())+" "+$r.describe("is "))
$r.width:=10
ALERT(String($r.area()))''')
    assert alerts(r) == [{"sides": 4, "height": 3, "width": 2, "name": "Rectangle"}, "6 is Rectangle 6", "30"]


def test_extends_super_and_class_properties(project):
    r = project('''$s:=cs.Square.new(4)
ALERT($s.describe("is "))
ALERT(JSON Stringify($s))
ALERT(cs.Square.name+" extends "+cs.Square.superclass.name+" "+String(cs.Rectangle.superclass=Null))''')
    assert alerts(r) == ["[is Square 16]", {"sides": 4, "height": 4, "width": 4, "name": "Square"},
                         "Square extends Rectangle True"]


def test_declared_class_types_take_subclasses_only(project):
    r = project('''var $r : cs.Rectangle
$r:=cs.Square.new(2)
var $s : cs.Square
Try
  $s:=cs.Rectangle.new(1;2)
Catch
  ALERT(String($r.area())+" "+Last errors[0].message)
End try''')
    assert alerts(r) == ["4 Cannot assign a cs.Rectangle value to the cs.Square variable $s"]


def test_without_a_constructor_the_parent_one_runs(project):
    r = project('$b:=cs.Box.new(2;5)\nALERT(String($b.area())+" "+$b.kind())',
                Box="Class extends Rectangle\n\nFunction kind() : Text\n  return \"box\"\n")
    assert alerts(r) == ["10 box"]


def test_an_instance_is_an_object(project):
    r = project('''$r:=cs.Rectangle.new(1;2)
$r.extra:="x"
OB REMOVE($r;"sides")
ALERT(OB Keys($r).join(","))
For each ($k;$r)
  ALERT($k)
End for each
ALERT(String(Value type($r)=Is object)+" "+String(OB Is defined($r;"extra")))
$r.extra:=Null
ALERT(JSON Stringify($r))''')
    out = alerts(r)
    assert out[0] == "height,width,name,extra"
    assert out[1:5] == ["height", "width", "name", "extra"]
    assert out[5] == "True True"
    assert out[6] == {"height": 2, "width": 1, "name": "Rectangle", "extra": None}


def test_class_names_ignore_case_and_classes_load_once(project):
    r = project('ALERT(String(cs.rectangle=cs.Rectangle)+" "+cs.RECTANGLE.new(3;3).describe(""))')
    assert alerts(r) == ["True Rectangle 9"]


def test_errors_are_4d_errors(project):
    r = project('''$r:=cs.Rectangle.new(1;1)
$x:=Try($r.perimeter())
ALERT(Last errors[0].message)
$y:=Try(cs.Circle.new())
ALERT(Last errors[0].message)
$z:=Try(This.name)
ALERT(Last errors[0].message)
$s:=Try(cs.Broken.new())
ALERT(Last errors[0].message)''', Broken="Class constructor\n  This.x:=(1\n")
    assert alerts(r) == ["Unknown member function cs.Rectangle.perimeter()",
                         "The class cs.Circle does not exist",
                         'Cannot read property "name" of a Null value',
                         "The class cs.Broken cannot be loaded: Broken.4dm:2:13: unexpected end of line (expected ')')"]


def test_an_error_in_a_function_names_the_function_and_its_line(project):
    r = project('$r:=cs.Faulty.new()\n$r.run()',
                Faulty="Function run()\n  var $n : Integer\n  $n:=1/0\n")
    assert r.error is not None
    assert (r.error.code, r.error.method, r.error.line) == (20, "Faulty.run", 3)


@pytest.mark.parametrize("text, message", [
    ("$a:=1\nFunction f()\n", "1:1: code outside a function"),
    ("Function f()\nFunction f()\n", "2:1: the function f is declared twice"),
    ("Function f()\n  If (True)\n  Function g()\n  End if\n", "3:3: class declarations"),
    ("Function fetch area() : Integer\n", "1:10: `Function get` or `Function set` was expected"),
    ("Class extends Loop\n", "its `Class extends` chain comes back to itself"),
])
def test_class_file_mistakes(project, text, message):
    r = project('$x:=cs.Loop.new()', Loop=text)
    assert r.error is not None and r.error.code == 72
    assert message in r.error.message, r.error.message


def test_class_declarations_outside_a_class_file_are_syntax_errors(tmp_path):
    from fourmail.cli import main
    script = tmp_path / "m.4dm"
    script.write_text("Function f()\n  ALERT(\"x\")\n")
    assert main(["run", str(script)]) == 2
