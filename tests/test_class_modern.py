"""Classes as 4D writes them today (classes.md): shared classes and functions, the three kinds
of singleton and `cs.X.me`, computed properties (`Function get` / `Function set`), `exposed` and
`local`, variadic `...` parameters, `property` lines before `Class extends`."""
from __future__ import annotations

import pytest

from conftest import alerts, run4d
from fourmail.lang.fourd import SourceSyntaxError, parse


@pytest.fixture
def project(tmp_path):
    classes = tmp_path / "Classes"
    classes.mkdir()

    def with_classes(source: str, **files):
        for name, text in files.items():
            (classes / f"{name}.4dm").write_text(text, encoding="utf-8")
        return run4d(source, project_dir=tmp_path)
    return with_classes


TEMPERATURE = """property celsius : Real

Class constructor($c : Real)
  This.celsius:=$c

Function get fahrenheit() -> $f : Real
  $f:=This.celsius*9/5+32

Function set fahrenheit($f : Real)
  This.celsius:=($f-32)*5/9

Function get label() : Text
  return String(This.celsius)+" C"

Function set secret($v : Text)
  This.hidden:=Uppercase($v)
"""


def test_computed_properties_run_their_accessors(project):
    r = project('''$t:=cs.Temperature.new(100)
ALERT(String($t.fahrenheit)+" "+$t.label)
$t.fahrenheit:=32
ALERT(String($t.celsius)+" "+$t.label)
$t.secret:="abc"
ALERT(String(Undefined($t.secret))+" "+$t.hidden)
ALERT(JSON Stringify($t))''', Temperature=TEMPERATURE)
    assert alerts(r) == ["212 100 C", "0 0 C", "True ABC", {"celsius": 0, "hidden": "ABC"}]


def test_a_getter_alone_is_read_only(project):
    r = project('$t:=cs.Temperature.new(1)\n$t.label:="x"', Temperature=TEMPERATURE)
    assert r.error is not None and r.error.code == 62 and '"label"' in r.error.message


def test_a_subclass_inherits_computed_properties(project):
    r = project('''$w:=cs.Weather.new(10)
ALERT(String($w.fahrenheit)+" "+$w.report())''', Temperature=TEMPERATURE,
                Weather="Class extends Temperature\n\nFunction report() : Text\n  return \"it is \"+This.label\n")
    assert alerts(r) == ["50 it is 10 C"]


COUNTER = """shared Class constructor($start : Integer)
  This.count:=$start
  This.history:=New shared collection

shared Function add($n : Integer)
  This.count:=This.count+$n
  This.history.push($n)

Function unsafeReset()
  This.count:=0
"""


def test_a_shared_class_makes_shared_instances_and_shared_functions_use_them(project):
    r = project('''$c:=cs.Counter.new(5)
$c.add(2)
$c.add(3)
ALERT(String($c.count)+" "+JSON Stringify($c.history))
ALERT(String(OB Is shared($c))+" "+String(cs.Counter.isShared)+" "+String(cs.Counter.isSingleton))
Use ($c)
  $c.count:=100
End use
ALERT(String($c.count))
$c.unsafeReset()''', Counter=COUNTER)
    assert r.lines == ["10 [2,3]", "True True False", "100"]
    assert r.error is not None and r.error.code == 80


def test_shared_accessors_run_with_this_in_use_and_plain_ones_do_not(project):
    r = project('''$a:=cs.Account.new()
$a.balance:=10
ALERT(String($a.balance)+" "+String($a.cents))
$a.cents:=5''', Account="shared Class constructor()\n  This.amount:=0\n\n"
                          "shared Function set balance($v : Real)\n  This.amount:=$v\n\n"
                          "Function get balance() : Real\n  return This.amount\n\n"
                          "Function get cents() : Real\n  return This.amount*100\n\n"
                          "Function set cents($v : Real)\n  This.amount:=$v/100\n")
    assert r.lines == ["10 1000"]
    assert r.error is not None and r.error.code == 80


def test_the_shared_keyword_is_ignored_in_a_class_that_is_not_shared(project):
    r = project('$n:=cs.Note.new()\n$n.write("hi")\nALERT($n.text+" "+String(OB Is shared($n)))',
                Note='shared Function write($t : Text)\n  This.text:=$t\n')
    assert alerts(r) == ["hi False"]


def test_a_shared_class_shares_its_initial_objects_and_collections(project):
    r = project('''$b:=cs.Bag.new()
ALERT(String(OB Is shared($b.items))+" "+String(OB Is shared($b.meta)))
$b.items.push("x")
ALERT(JSON Stringify($b.items))''', Bag='property items : Collection:=["a"]\nproperty meta:={k: 1}\n\n'
                                       'shared Class constructor()\n')
    assert r.lines == ["True True", '["a","x"]']


SINGLETONS = {
    "Clock": "singleton Class constructor()\n  This.ticks:=0\n\nFunction tick()\n  This.ticks+=1\n",
    "Registry": "shared singleton Class constructor()\n  This.names:=New shared collection\n",
    "Cart": "session singleton Class constructor()\n  This.lines:=New shared collection\n",
}


def test_singletons_are_made_once_by_me(project):
    r = project('''cs.Clock.me.tick()
cs.Clock.me.tick()
$a:=cs.Clock.me
ALERT(String($a.ticks)+" "+String($a=cs.Clock.me)+" "+String(OB Is shared($a)))
cs.Registry.me.names.push("x")
cs.Cart.me.lines.push("y")
ALERT(JSON Stringify(cs.Registry.me.names)+" "+JSON Stringify(cs.Cart.me.lines))
ALERT(String(OB Is shared(cs.Registry.me))+" "+String(OB Is shared(cs.Cart.me)))
ALERT(String(cs.Clock.isSingleton)+" "+String(cs.Registry.isShared)+" "+String(cs.Cart.isSessionSingleton)+" "+String(cs.Clock.isSessionSingleton))
ALERT(String(Undefined(cs.Plain.me)))''', Plain="Class constructor()\n", **SINGLETONS)
    assert r.lines == ["2 True False", '["x"] ["y"]', "True True", "True True True False", "True"]


def test_exposed_and_local_functions_are_ordinary_functions(project):
    r = project('$o:=cs.Api.new()\nALERT($o.hello()+$o.here()+String($o.both))',
                Api="exposed Function hello() : Text\n  return \"hi \"\n\nlocal Function here() : Text\n"
                    "  return \"there \"\n\nexposed Function get both() : Integer\n  return 2\n")
    assert r.lines == ["hi there 2"]


def test_variadic_parameters_are_accepted(tmp_path):
    (tmp_path / "Total.4dm").write_text("#DECLARE($label : Text; ... : Integer) -> $r : Text\n"
                                        "$r:=$label+String($2+$3+$4)\n", encoding="utf-8")
    r = run4d('ALERT(Total("sum ";1;2;3))', project_dir=tmp_path)
    assert alerts(r) == ["sum 6"]
    tree = parse("#DECLARE($first : Text; ... : Integer)\n")
    assert [p.name for p in tree.declare.params] == ["$first"] and tree.declare.variadic == "Integer"
    assert parse("#DECLARE(...)\n").declare.variadic == "Variant"
    with pytest.raises(SourceSyntaxError, match="`...` must be the last parameter"):
        parse("#DECLARE(... : Text; $b : Text)\n")


def test_a_variadic_class_function_gets_every_argument(project):
    r = project('$j:=cs.Joiner.new()\nALERT($j.join("-";"a";"b"))',
                Joiner='Function join($sep : Text; ... : Text) : Text\n  return $2+$sep+$3\n')
    assert alerts(r) == ["a-b"]


def test_property_lines_may_come_before_class_extends(project):
    r = project('$s:=cs.Labelled.new()\nALERT($s.tag+" "+String($s.width))',
                Base="Class constructor()\n  This.width:=3\n",
                Labelled='property tag : Text:="sq"\nClass extends Base\n')
    assert alerts(r) == ["sq 3"]


def test_new_on_a_singleton_class_makes_the_singleton_me_then_returns(project):
    r = project('''$first:=cs.Settings.new("eu")
ALERT(cs.Settings.me.region+" "+String(cs.Settings.me=$first))''',
                Settings="singleton Class constructor($region : Text)\n  This.region:=$region\n")
    assert alerts(r) == ["eu True"]
