"""Parameters of project methods (parameters.md): `${n}` reads and writes the n-th parameter,
declaring `$1` (C_TEXT, var) inside the called method keeps the value passed, and a method whose
name holds blanks is called by that name."""
from __future__ import annotations

import pytest

from conftest import alerts, run4d


@pytest.fixture
def project(tmp_path):
    def make(methods: dict[str, str]):
        for name, body in methods.items():
            (tmp_path / f"{name}.4dm").write_text(body, encoding="utf-8")
        return tmp_path
    return make


def run_in(project_dir, source):
    return alerts(run4d(source, project_dir=project_dir))


# ---------------------------------------------------------------- ${n}
def test_indirect_parameters_in_a_loop(project):
    p = project({"joinAll": "$out:=\"\"\nFor ($k; 1; Count parameters)\n$out:=$out+String(${$k})+\"/\"\nEnd for\n"
                            "$0:=$out\n"})
    assert run_in(p, 'ALERT(joinAll("a"; 2; "c"))\nALERT(joinAll)') == ["a/2/c/", ""]


def test_indirect_and_direct_are_the_same_parameter(project):
    p = project({"swapTwo": "$keep:=${1}\n${1}:=$2\n$2:=$keep\n$0:=$1+\"-\"+${2}\n"})
    assert run_in(p, 'ALERT(swapTwo("left"; "right"))') == ["right-left"]


def test_indirect_parameters_after_declared_ones(project):
    p = project({"tally": "#DECLARE($label : Text)->$r : Text\n$sum:=0\nFor ($k; 2; Count parameters)\n"
                          "$sum:=$sum+${$k}\nEnd for\n$r:=$label+String($sum)\n"})
    assert run_in(p, 'ALERT(tally("sum="; 4; 5; 6))') == ["sum=15"]


def test_an_indirect_parameter_not_passed_is_undefined(project):
    p = project({"probe": "$0:=String(Undefined(${3}))\n"})
    assert run_in(p, 'ALERT(probe(1))') == ["True"]


def test_declaring_the_type_of_all_indirect_parameters(project):
    p = project({"biggest": "var $0; ${1} : Real\n$0:=${1}\nFor ($k; 2; Count parameters)\n"
                            "If (${$k}>$0)\n$0:=${$k}\nEnd if\nEnd for\n"})
    assert run_in(p, 'ALERT(String(biggest(4; 9; 2)))\nALERT(String(biggest(-3; -8)))') == ["9", "-3"]


def test_a_bad_parameter_number_is_a_4d_error(project):
    p = project({"badIndex": "$0:=${0}\n"})
    r = run4d('$x:=badIndex("a")', project_dir=p)
    assert r.error is not None and r.error.code == 66


# ---------------------------------------------------------------- declaring keeps the value passed
def test_c_text_does_not_wipe_the_parameter(project):
    p = project({"greet": "C_TEXT($0; $1; $2)\n$0:=$1+\", \"+$2\n"})
    assert run_in(p, 'ALERT(greet("hello"; "you"))') == ["hello, you"]


def test_var_declaration_does_not_wipe_the_parameter(project):
    p = project({"twice": "var $1 : Integer\nvar $0 : Integer\n$0:=$1*2\n"})
    assert run_in(p, 'ALERT(String(twice(21)))') == ["42"]


def test_a_parameter_of_another_type_becomes_the_empty_value(project):
    # parameters.md, sequential syntax: no error, the method receives the type's empty value
    p = project({"shout": "C_TEXT($1)\nALERT(\"<\"+$1+\">\")\n", "count": "C_LONGINT($1)\nALERT(String($1+1))\n"})
    assert run_in(p, 'shout(12)\nshout("hey")\ncount("x")\ncount(2.6)') == ["<>", "<hey>", "1", "4"]


def test_declaring_a_parameter_not_passed_gives_the_empty_value(project):
    p = project({"opt": "C_TEXT($1)\nC_OBJECT($2)\nALERT(\"[\"+$1+\"] \"+String($2=Null))\n"})
    assert run_in(p, 'opt') == ["[] True"]


def test_an_object_parameter_declared_is_still_the_callers_object(project):
    p = project({"bump": "var $1 : Object\n$1.n:=$1.n+1\n"})
    assert run_in(p, '$o:=New object("n";1)\nbump($o)\nbump($o)\nALERT(String($o.n))') == ["3"]


# ---------------------------------------------------------------- method names with blanks
def test_a_method_whose_name_holds_blanks(project):
    p = project({"dev Update": "If (Count parameters=0)\nALERT(\"no argument\")\nElse\nALERT(\"got \"+$1)\nEnd if\n",
                 "Max": "ALERT(\"the short one\")\n"})
    assert run_in(p, 'dev Update\ndev Update("x")\n$r:=dev Update("y")') == ["no argument", "got x", "got y"]


def test_a_method_with_blanks_is_longer_than_a_command_it_starts_with(project):
    # `Num of things` is a method: `Num` (a command) does not cut it short
    p = project({"Num of things": "$0:=Count parameters*10\n"})
    assert run_in(p, 'ALERT(String(Num of things(1;2)))') == ["20"]


def test_fourmail_parse_knows_the_methods_with_blanks_of_the_project(tmp_path):
    import subprocess
    import sys
    methods = tmp_path / "Project" / "Sources" / "Methods"
    classes = tmp_path / "Project" / "Sources" / "Classes"
    methods.mkdir(parents=True)
    classes.mkdir()
    (methods / "log Line.4dm").write_text("ALERT($1)\n", encoding="utf-8")
    (methods / "caller.4dm").write_text('log Line ("from a method")\n', encoding="utf-8")
    (classes / "Logger.4dm").write_text('Function say($t : Text)\n\tlog Line ($t)\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "fourmail", "parse", str(methods / "caller.4dm"),
                        str(classes / "Logger.4dm")], capture_output=True, text=True)
    assert r.stdout.strip().splitlines()[-1] == "2 passed, 0 failed", r.stdout


def test_indirect_parameters_with_locals_kept_in_a_dict_as_the_repl_does():
    r = run4d('${2}:=5\nALERT(String(${2}+$2))', keep_variables=True)
    assert alerts(r) == ["10"] and r.variables["$2"] == 5


def test_a_method_name_that_begins_with_a_digit(tmp_path, run):
    (tmp_path / "00_Start.4dm").write_text('#DECLARE($who : Text)\nALERT("start "+$who)\n')
    r = run('00_Start("here")\n$n:=00+1\nALERT(String($n))', project_dir=tmp_path)
    assert r.error is None and r.lines == ["start here", "1"]
