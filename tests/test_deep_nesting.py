"""Deep nesting and long expressions run (issue 10, item 6): code generation does not depend on
Python's nesting limits (20 static blocks, 100 indentation levels, 200 brackets, recursion), and
past fourmail's own limits the answer is an error at the line, never a Python exception."""
from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager

import pytest

from conftest import alerts, run4d
from fourmail.compiler import codegen
from fourmail.compiler.codegen import compile_method
from fourmail.lang.fourd import SourceSyntaxError, parse
from fourmail.lang.fourd.complete import COMPLETE, INCOMPLETE, check_complete
from fourmail.runtime.collation import FOURD_COLLATION
from fourmail.runtime.compare import Comparison

FOURD = Comparison(FOURD_COLLATION)     # the operators of a default process
N = 1000

OPEN = {
    "If": "If (True)",
    "Else": "If (False)\nElse",
    "Case of": "Case of\n: (False)\n: (True)",
    "Case else": "Case of\n: (False)\nElse",
    "While": "$w{i}:=0\nWhile ($w{i}<1)\n$w{i}:=$w{i}+1",
    "For": "For ($f{i};1;1)",
    "For each": "For each ($e{i};[1])",
    "For each until": "For each ($e{i};[1;2]) Until ($e{i}=1)",
    "Repeat": "Repeat",
    "Try": "Try",
    "Catch": "Try\n$o{i}:=Null\n$o{i}.x:=1\nCatch",
    "For continue": "For ($f{i};1;1)\nIf ($f{i}=0)\ncontinue\nEnd if",
    "Use": "Use (Storage)",
}
CLOSE = {"If": "End if", "Else": "End if", "Case of": "End case", "Case else": "End case", "While": "End while",
         "For": "End for", "For each": "End for each", "For each until": "End for each",
         "Repeat": "Until (True)", "Try": "End try", "Catch": "End try", "For continue": "End for",
         "Use": "End use"}
LOOPS = ["While", "For", "For each", "For each until", "Repeat"]


def nest(kinds: list[str], inner: str, before: str = "", after: str = "") -> str:
    lines = [before] if before else []
    lines += [OPEN[k].format(i=i) for i, k in enumerate(kinds)]
    lines.append(inner)
    lines += [CLOSE[k] for k in reversed(kinds)]
    if after:
        lines.append(after)
    return "\n".join(lines) + "\n"


def line_of(source: str, text: str) -> int:
    return source.splitlines().index(text) + 1


@pytest.mark.parametrize("kind", list(OPEN))
def test_a_thousand_nested_blocks_run(kind):
    src = nest([kind] * N, "$x:=$x+1", before="$x:=0", after="ALERT(String($x))")
    assert alerts(run4d(src)) == ["1"]


def test_a_thousand_nested_blocks_of_every_kind_run():
    kinds = [list(OPEN)[i % len(OPEN)] for i in range(N)]
    src = nest(kinds, "$x:=$x+1", before="$x:=0", after="ALERT(String($x))")
    assert alerts(run4d(src)) == ["1"]


@pytest.mark.parametrize("kind", LOOPS)
def test_break_and_continue_reach_their_loop_across_a_thousand_blocks(kind):
    # The loop holds 999 Ifs: break/continue inside them are far from the loop's Python code.
    body = nest(["If"] * (N - 1), "$n:=$n+1\nIf ($n=2)\ncontinue\nEnd if\nIf ($n=3)\nbreak\nEnd if\n$m:=$m+1")
    opener = {"While": "While (True)", "For": "For ($i;1;10)", "For each": "For each ($i;[1;2;3;4;5;6;7;8;9;10])",
              "For each until": "For each ($i;[1;2;3;4;5;6;7;8;9;10]) Until ($i=10)", "Repeat": "Repeat"}[kind]
    closer = {"Repeat": "Until (False)"}.get(kind, CLOSE[kind])
    src = f"$n:=0\n$m:=0\n{opener}\n{body}ALERT(\"tail\")\n{closer}\nALERT(String($n)+\" \"+String($m))\n"
    # 1: counted, tail; 2: continue (the tail is skipped: continue goes to the next iteration); 3: break
    assert alerts(run4d(src)) == ["tail", "3 1"]


def test_break_and_continue_in_the_innermost_of_a_thousand_loops():
    kinds = [LOOPS[i % len(LOOPS)] for i in range(N)]
    src = nest(kinds, "$n:=$n+1\ncontinue\n$n:=$n+100", before="$n:=0", after="ALERT(String($n))")
    assert alerts(run4d(src)) == ["1"]
    src = nest(kinds, "$n:=$n+1\nbreak\n$n:=$n+100", before="$n:=0", after="ALERT(String($n))")
    assert alerts(run4d(src)) == ["1"]


def test_return_from_a_thousand_nested_blocks(tmp_path):
    kinds = [list(OPEN)[i % len(OPEN)] for i in range(N)]
    body = nest(kinds, "return 42", before="#DECLARE() -> $r : Integer", after="$r:=7")
    (tmp_path / "Deep.4dm").write_text(body, encoding="utf-8")
    assert alerts(run4d("ALERT(String(Deep))", project_dir=tmp_path)) == ["42"]


def test_class_functions_nest_a_thousand_blocks(tmp_path):
    (tmp_path / "Classes").mkdir()
    kinds = [list(OPEN)[i % len(OPEN)] for i in range(N)]
    deep = nest(kinds, "This.n:=$k+" + "+".join(["1"] * 100) + "\nreturn Super.twice(This.n)")
    (tmp_path / "Classes" / "Base.4dm").write_text("Function twice($v : Integer) : Integer\n  return $v*2\n")
    (tmp_path / "Classes" / "Deep.4dm").write_text(
        "Class extends Base\nClass constructor\nSuper()\nThis.n:=0\n"
        f"Function f($k : Integer) : Integer\n{deep}return -1\n", encoding="utf-8")
    assert alerts(run4d("$d:=cs.Deep.new()\nALERT(String($d.f(5))+\" \"+String($d.n))", project_dir=tmp_path)) \
        == ["210 105"]


def test_compiling_on_a_nearly_full_stack_is_a_stack_overflow():
    # A method first called from deep down the stack is compiled there: running out of stack is
    # a RecursionError, which the runtime reports as 4D's error 71 at the call, not a compile
    # error (an internal error once inside the runtime).
    src = nest(["While", "If"] * 500, "$x:=1")
    program = parse(src)

    def down(n):
        return down(n - 1) if n else compile_method(program, "t", "t.4dm", src, operators=FOURD)
    with pytest.raises(RecursionError):
        down(sys.getrecursionlimit() - 60)
    assert compile_method(program, "t", "t.4dm", src, operators=FOURD)      # it compiles on a fresh stack


def test_an_error_a_thousand_blocks_deep_names_its_line():
    src = nest(["If", "For", "Case of", "While"] * (N // 4), "$o:=Null\n$o.x:=1", after="ALERT(\"after\")")
    r = run4d(src)
    assert r.error is not None and r.error.code == 57
    assert r.error.line == line_of(src, "$o.x:=1")
    assert r.out == ""


def test_try_catch_across_a_thousand_blocks():
    inner = nest(["If", "Repeat"] * (N // 2), "$o:=Null\n$o.x:=1\nALERT(\"not here\")")
    src = f"Try\n{inner}ALERT(\"nor here\")\nCatch\nALERT(\"caught \"+String(Last errors[0].errCode))\nEnd try\n"
    assert alerts(run4d(src)) == ["caught 57"]
    # A Try inside the deepest block catches there, and the run goes on.
    src = nest(["While", "Try"] * (N // 2), "$o:=Null\n$o.x:=1", before="$o:=Null", after="ALERT(\"after\")")
    assert alerts(run4d(src)) == ["after"]


def test_on_err_call_goes_on_after_an_error_deep_down(tmp_path):
    (tmp_path / "onErr.4dm").write_text('ALERT("handled")\n', encoding="utf-8")
    src = nest(["If", "For"] * (N // 2), "$o:=Null\n$o.x:=1\nALERT(\"next\")",
               before='ON ERR CALL("onErr")', after='ALERT("end")')
    assert alerts(run4d(src, project_dir=tmp_path)) == ["handled", "next", "end"]


# ---------------------------------------------------------------- expressions
def test_ten_thousand_term_sum():
    assert alerts(run4d("$x:=" + "+".join(["1"] * 10_000) + "\nALERT(String($x))")) == ["10000"]


def test_text_concatenation_of_many_pieces():
    src = '$a:="a"' + '+"b"' * 10_000 + "\nALERT(String(Length($a)))"
    assert alerts(run4d(src)) == ["10001"]


def test_long_boolean_and_short_circuit_chains():
    assert alerts(run4d("ALERT(String(" + "|".join(["False"] * 9_999 + ["True"]) + "))")) == ["True"]
    assert alerts(run4d("ALERT(String(" + "&".join(["True"] * 9_999 + ["False"]) + "))")) == ["False"]
    # && gives the first falsy operand, || the first truthy one; the rest is not evaluated
    # ($n.x is an error on a Null $n).
    src = "$n:=Null\n$x:=" + "&&".join(["1"] * 5_000 + ["Null"] + ["$n.x"] * 5_000) + "\nALERT(String($x=Null))"
    assert alerts(run4d(src)) == ["True"]
    src = "$n:=Null\n$x:=" + "||".join(["False"] * 5_000 + ["7"] + ["$n.x"] * 5_000) + "\nALERT(String($x))"
    assert alerts(run4d(src)) == ["7"]
    src = "$n:=Null\n$x:=" + "||".join(["False"] * 5_000 + ["$n.x"]) + "\nALERT(String($x))"
    r = run4d(src)
    assert r.error is not None and (r.error.code, r.error.line) == (58, 2)


def test_a_long_chain_runs_left_to_right_and_stops_at_the_first_error():
    src = '$o:=New object\n$x:=1+' + "+".join(["2"] * 100) + '+$o.a.b+' + "+".join(["3"] * 100)
    r = run4d(src + "\nALERT(\"after\")")
    assert r.error is not None and r.error.code == 54 and r.error.line == 2


def test_long_member_and_index_chains():
    src = "$o:=New object\n$o.a:=$o\n$o.n:=5\n$c:=New collection($o)\n$o.c:=$c\n"
    src += "$x:=$o" + ".a" * 10_000 + "[\"a\"]" * 50 + ".n\n$y:=$c" + "[0].c" * 2_000 + "[0].n\n"
    src += "ALERT(String($x)+\" \"+String($y))"
    assert alerts(run4d(src)) == ["5 5"]


@pytest.mark.parametrize("wrap, expected", [
    ("({})", "1"),
    ("Abs({})", "1"),
    ("String(Num({}))", "1"),
    ("[{}][0]", "1"),
    ("New collection({})[0]", "1"),
    ("{{a: {}}}.a", "1"),
    ("(True ? {} : 0)", "1"),
    ("-(-{})", "1"),
])
def test_a_thousand_nested_expressions(wrap, expected):
    expr = "1"
    for _ in range(N):
        expr = wrap.format(expr)
    assert alerts(run4d(f"$x:={expr}\nALERT(String($x))")) == [expected]


def test_nested_try_expressions():
    # Each Try() is a Python call at run time: 300 run; 1,000 overflow the stack, which the
    # innermost Try catches as 4D's error 71, as it would any error.
    src = "$x:={}\nALERT(String($x)+\" \"+String(Last errors=Null))"
    assert alerts(run4d(src.format("Try(" * 300 + "1" + ")" * 300))) == ["1 True"]
    src = "$x:={}\nALERT(String(Undefined($x))+\" \"+String(Last errors[0].errCode))"
    assert alerts(run4d(src.format("Try(" * N + "1" + ")" * N))) == ["True 71"]


def test_nested_literals_keep_their_structure():
    src = "$c:=" + "[" * N + "1" + "]" * N + "\n$o:=" + "{a:" * N + "1" + "}" * N
    src += "\n$x:=$c" + "[0]" * N + "\n$y:=$o" + ".a" * N + "\nALERT(String($x)+String($y))"
    assert alerts(run4d(src)) == ["11"]


# ---------------------------------------------------------------- limits
def test_past_the_limit_a_compile_error_at_the_line():
    depth = 30_000
    src = nest(["If"] * depth, "$x:=1", before="$x:=0")
    with pytest.raises(SourceSyntaxError) as e:
        run4d(src)
    # the first statement of the first block that does not fit
    assert e.value.message == "blocks nested too deeply"
    assert 1_000 < e.value.line < depth and src.splitlines()[e.value.line - 1] == "If (True)"
    src = "$x:=0\n$y:=" + "Abs(" * depth + "1" + ")" * depth
    with pytest.raises(SourceSyntaxError) as e:
        run4d(src)
    assert e.value.message == "expression nested too deeply" and e.value.line == 2
    assert 4_000 < e.value.col < 4 * depth


def fourmail(*args, cwd):
    return subprocess.run([sys.executable, "-m", "fourmail", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=cwd, timeout=120)


def test_cli_runs_and_parses_deep_programs(tmp_path):
    # The example: a text concatenation of 202 pieces.
    (tmp_path / "c.4dm").write_text('$a:="a"' + '+"b"' * 201 + "\nALERT(String(Length($a)))\n")
    (tmp_path / "deep.4dm").write_text(nest(["If", "While", "Try"] * 400, "ALERT(\"deep\")"))
    r = fourmail("run", "c.4dm", cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "202\n", "")
    r = fourmail("run", "deep.4dm", cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "deep\n", "")
    r = fourmail("parse", "c.4dm", "deep.4dm", cwd=tmp_path)
    assert r.returncode == 0 and "2 passed, 0 failed" in r.stdout


def test_cli_past_the_limit_names_the_line(tmp_path):
    depth = 100_000
    (tmp_path / "huge.4dm").write_text(nest(["If"] * depth, "$x:=1"))
    r = fourmail("run", "huge.4dm", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    where, message = r.stderr.split(": syntax error: ", 1)
    file, line, col = where.split(":")
    assert (file, col) == ("huge.4dm", "1") and 1_000 < int(line) < depth
    assert message.startswith("blocks nested too deeply")
    assert "Traceback" not in r.stderr


def test_repl_completeness_of_a_deep_program():
    src = nest(["If", "For", "Case of"] * 400, "$x:=1")
    assert check_complete(src).status == COMPLETE
    assert check_complete(src.rsplit("End if", 1)[0]).status == INCOMPLETE


# ---------------------------------------------------------------- same behaviour when split
PROGRAMS = {
    "loops": """$s:=""
For ($i;1;6)
  If ($i=2)
    continue
  End if
  Case of
    : ($i=5)
      break
    : ($i=3)
      $s:=$s+"three"
    Else
      $s:=$s+String($i)
  End case
End for
$j:=0
Repeat
  $j:=$j+1
  If ($j%2=0)
    continue
  End if
  $s:=$s+"r"+String($j)
Until ($j>=5)
For each ($v;[1;2;3;4;5;6]) While ($v<6)
  If ($v=2)
    continue
  End if
  $s:=$s+"e"+String($v)
  If ($v=4)
    break
  End if
End for each
$k:=0
While ($k<10)
  $k:=$k+1
  If ($k<3)
    continue
  End if
  $s:=$s+"w"+String($k)
  break
End while
ALERT($s)
""",
    "errors": """Try
  $o:=Null
  For ($i;1;2)
    If (True)
      $o.x:=1
    End if
  End for
Catch
  ALERT("caught "+String(Last errors[0].errCode))
End try
$r:=Try($o.x.y)
ALERT(String(Undefined($r)))
$x:=False && $o.x.y
$y:=True || $o.x.y
ALERT(String($x)+String($y))
var $d : Object
$d:=New object("a";New object("b";3))
ALERT(String($d.a.b+$d.a.b*2)+" "+String(1+2*3-4/2))
If (True)
  If (True)
    $o.y:=2
  End if
End if
""",
    "values": """$c:=[1;[2;3];{a:[4]}]
$o:={a:{b:{c:"deep"}};n:(1+(2+(3+4)))}
ALERT(String($c[1][1]+$c[2].a[0])+$o.a.b.c+String($o.n))
ALERT((True ? "t" : "f")+(False ? "t" : (True ? "u" : "v")))
$t:="abc"
$t[[2]]:="X"
$o.a.b.c+="!"
$c[0]+=10
ALERT($t+$o.a.b.c+String($c[0]))
return
ALERT("not shown")
""",
}


@contextmanager
def split_everything():
    """Every nested block, every sub-expression and every chain of 2 in a closure of its own."""
    saved = {n: getattr(codegen, n) for n in ("_MAX_PY_BLOCKS", "_MAX_PY_INDENT", "_MAX_EXPR_LEVELS", "_LONG_CHAIN")}
    codegen._MAX_PY_BLOCKS, codegen._MAX_PY_INDENT, codegen._MAX_EXPR_LEVELS, codegen._LONG_CHAIN = 0, 0, 1, 2
    try:
        yield
    finally:
        for n, v in saved.items():
            setattr(codegen, n, v)


def outcome(result):
    e = result.error
    return result.out, e and (e.code, e.line), result.variables


@pytest.mark.parametrize("name", list(PROGRAMS))
@pytest.mark.parametrize("keep_variables", [False, True])
def test_closures_behave_as_inline_code(name, keep_variables):
    src = PROGRAMS[name]
    expected = outcome(run4d(src, keep_variables=keep_variables))
    with split_everything():
        assert outcome(run4d(src, keep_variables=keep_variables)) == expected
        py = compile_method(parse(src), "t", "t.4dm", src, operators=FOURD).python_source
    assert expected[0]     # the program printed something
    assert "def _e" in py and "_v = " in py and ("def _b" in py or name == "values")    # and was split
