"""4D semantics, one rule per test, each citing the concept page it comes from.

Every test runs real 4D source through parser + compiler + runtime and checks what ALERT printed.
"""
from __future__ import annotations

import pytest


def alerts(run, source, **kw):
    r = run(source, **kw)
    assert r.error is None, r.error and r.error.describe()
    return r.lines


# ---------------------------------------------------------------- operators (dt_number.md, operators.md)
def test_strict_left_to_right_no_precedence(run):
    # dt_number.md "Precedence": 3+4*5 returns 35, 3+(4*5) returns 23
    assert alerts(run, 'ALERT(String(3+4*5))\nALERT(String(3+(4*5)))') == ["35", "23"]


def test_comparison_is_left_to_right_too(run):
    # all binary operators share one precedence: 1=1 & 2=2 is ((1=1)&2)=2 -> an error in 4D
    r = run('$b:=1=1 & 2=2')
    assert r.error is not None and r.error.line == 1


def test_number_operators(run):
    # dt_number.md "Number operators" table
    src = "\n".join(f"ALERT(String({e}))" for e in ["5/2", "5\\2", "5%2", "2^3", "10.5%2", "-27"])
    assert alerts(run, src) == ["2.5", "2", "1", "8", "0", "-27"]


def test_compound_assignment(run):
    # operators.md "Compound assignment operators" examples
    src = '''$x:=2
$x+=5
$t:="Hello"
$t+=" World"
$t2:="Hello"
$t2*=2
$x3:=10
$x3/=2
$d:=!2000-11-10!
$d+=10
ALERT(String($x)+"|"+$t+"|"+$t2+"|"+String($x3)+"|"+String($d=!2000-11-20!))'''
    assert alerts(run, src) == ["7|Hello World|HelloHello|5|True"]


def test_short_circuit_operators_return_operands(run):
    # operators.md "Short-circuit operators" Example 1
    src = '''var $v : Variant
$v:="Hello" && "World"
ALERT($v)
$v:=5 && 10 && "hello"
ALERT($v)
$o:=New object
$phone:=$o.phone || "n/a"
ALERT($phone)
$v:=False && 0
ALERT(String($v))'''
    assert alerts(run, src) == ["World", "hello", "n/a", "False"]


def test_short_circuit_skips_the_right_operand(run):
    # operators.md Example 3: If $myObject is Null the second operand is not evaluated
    src = '''var $myObject : Object
If(($myObject#Null) && ($myObject.value>10))
ALERT("yes")
Else
ALERT("no")
End if'''
    assert alerts(run, src) == ["no"]


def test_ternary_operator(run):
    # operators.md "Ternary operator" simple example
    src = '''var $age : Integer
var $beverage : Text
$age:=26
$beverage:=($age>=21) ? "Beer" : "Juice"
ALERT($beverage)'''
    assert alerts(run, src) == ["Beer"]


def test_truthy_and_falsy(run):
    # operators.md "Truthy and falsy": 0 is truthy, "" / empty collection / empty object are falsy
    src = '''ALERT(String(0 || "x"))
ALERT("" || "empty text")
ALERT(String(New collection || "empty coll"))
ALERT(String(New object || "empty obj"))'''
    assert alerts(run, src) == ["0", "empty text", "empty coll", "empty obj"]


def test_bitwise_operators(run):
    # dt_number.md "Bitwise operators" examples
    src = '''ALERT(String(0x0000FFFF & 0xFF00FF00))
ALERT(String(0x0000FFFF << 8))
ALERT(String(0x00000000 ?+ 16))
ALERT(String(0x00010000 ?? 16))'''
    assert alerts(run, src) == [str(0xFF00), str(0xFFFF00), str(0x10000), "True"]


def test_text_and_number_do_not_mix(run):
    # data-types.md "Converting data types": "abc"+0.5 is an error
    r = run('$x:="abc"+0.5')
    assert r.error is not None and r.error.code == 54 and "Text + Real" in r.error.message


# ---------------------------------------------------------------- text (dt_string.md)
def test_text_comparison_ignores_case_and_accents(run):
    # dt_string.md "String comparisons": "a"="A" and "n"="ñ" are True
    assert alerts(run, 'ALERT(String("a"="A"))\nALERT(String("n"="ñ"))\nALERT(String("abc"="abd"))') == \
        ["True", "True", "False"]


def test_wildcard_in_right_operand(run):
    # dt_string.md "Wilcard character (@)"
    src = '''ALERT(String("abcdefghij"="abc@"))
ALERT(String("abc@"="abcdefghij"))
ALERT(String("abcdefghij"="@abcde@fghij@"))
ALERT(String("abcdefghij"="abc@@fg"))'''
    assert alerts(run, src) == ["True", "False", "True", "False"]


def test_not_equal_operator(run):
    # quick-tour.md: 10 # 20 is True
    assert alerts(run, 'ALERT(String(10 # 20))\nALERT(String("ABC"#"abc"))') == ["True", "False"]


def test_escape_sequences(run):
    # dt_string.md "Escape sequences" (upper or lower case, quick-tour.md)
    r = run(r'ALERT("a\tb\"c\\d\Ne")')
    assert r.error is None
    assert r.out == 'a\tb"c\\d\ne\n'


def test_line_continuation(run):
    # quick-tour.md "Code on several lines"
    src = '$str:=String("hello"+\\\n" world"+\\\n"!")\nALERT($str)'
    assert alerts(run, src) == ["hello world!"]


def test_continuation_inside_a_text_literal(run):
    # smtp-new-transporter__01 prints a `\` at the end of a line inside a literal: the literal
    # goes on with the next line, whose editor indentation is not part of the text.
    src = ' $h:="<h4>one</h4>\\\n <p>two."\\\n +"three</p>"\n ALERT($h)'
    assert alerts(run, src) == ["<h4>one</h4><p>two.three</p>"]


def test_comments(run):
    # quick-tour.md "Comments": //, /* */ inline and nested blocks
    src = '''//a comment
$a:=1 //trailing
$b:=True//glued
/* block
   /* nested */
*/
$c:=/* inline */ 2
ALERT(String($a+$c))'''
    assert alerts(run, src) == ["3"]


# ---------------------------------------------------------------- identifiers and variables
def test_variable_names_are_case_insensitive(run):
    # identifiers.md: variable names are case-insensitive ($boxinfo / $boxInfo, IMAPTransporterClass__21)
    assert alerts(run, 'var $boxinfo : Text\n$boxInfo:="x"\nALERT($BOXINFO)') == ["x"]


def test_property_names_are_case_sensitive(run):
    # dt_object.md: property names differentiate between upper and lower case
    src = '''$o:=New object
$o.name:="lower"
$o.Name:="upper"
ALERT($o.name+" "+$o.Name+" "+String(Undefined($o.NAME)))'''
    assert alerts(run, src) == ["lower upper True"]


def test_typed_variable_defaults(run):
    # data-types.md "Default values"
    src = '''var $t : Text
var $i : Integer
var $r : Real
var $b : Boolean
var $o : Object
var $c : Collection
var $v : Variant
ALERT("["+$t+"]"+String($i)+String($r)+String($b))
ALERT(String($o=Null)+String($c=Null)+String(Undefined($v)))
ALERT(String($c.length))'''
    assert alerts(run, src) == ["[]00False", "TrueTrueTrue", "0"]


def test_assigning_undefined_clears_a_variable(run):
    # dt_null_undefined.md: $val:=$o.a (undefined) clears $val to 0
    src = '''var $o : Object
var $val : Integer
$val:=10
$val:=$o.a
ALERT(String($val))'''
    assert alerts(run, src) == ["0"]


def test_assigning_undefined_to_an_existing_property_resets_it(run):
    # dt_null_undefined.md: $o.a:=$o.b gives $o.a=0; on a missing property it does nothing
    src = '''$o:=New object("a";2)
$o.a:=$o.b
$o.c:=$o.b
ALERT(String($o.a)+" "+String(Undefined($o.c)))'''
    assert alerts(run, src) == ["0 True"]


def test_null_and_undefined_comparisons(run):
    # dt_null_undefined.md "Examples"
    src = '''var $vEmp : Object
$vEmp:=New object
$vEmp.name:="Smith"
$vEmp.children:=Null
ALERT(String(Undefined($vEmp.name))+String($vEmp.name=Null))
ALERT(String(Undefined($vEmp.children))+String($vEmp.children=Null))
ALERT(String(Undefined($vEmp.parent))+String($vEmp.parent=Null))
var $vVar : Variant
ALERT(String($vEmp.undefined=42)+String($vEmp.undefined=$vEmp.children)+String($vEmp.undefined=$vVar))
ALERT(String($vEmp.undefined#42)+String($vEmp.undefined>"hello")+String($vVar<42))'''
    assert alerts(run, src) == ["FalseFalse", "FalseTrue", "TrueTrue", "FalseTrueTrue", "TrueFalseFalse"]


def test_ordering_with_null_is_an_error(run):
    # dt_null_undefined.md: $vObj.undefined>$vObj.null is an error
    r = run('$o:=New object("n";Null)\n$r:=($o.undefined>$o.n)')
    assert r.error is not None and r.error.line == 2


def test_undefined_condition_is_false(run):
    # dt_null_undefined.md: If($o.a) with $o.a undefined is false
    src = '''var $o : Object
If($o.a)
ALERT("true")
Else
ALERT("false")
End if
Case of
:($o.a)
ALERT("case")
Else
ALERT("else")
End case'''
    assert alerts(run, src) == ["false", "else"]


def test_numbers_in_objects_are_reals(run):
    # new-object.md: numbers are stored as reals
    src = '''var $i : Integer
$i:=993
$o:=New object("port";$i)
ALERT(String(Value type($o.port)=Is real)+String(Value type($i)=Is longint))'''
    assert alerts(run, src) == ["TrueTrue"]


def test_integer_variables_round_and_refuse_text(run):
    # dt_number.md: assigning a real to an Integer converts it; a Text cannot be assigned
    r = run('var $i : Integer\n$i:=3.7\nALERT(String($i))\n$i:="x"')
    assert r.lines == ["4"]
    assert r.error is not None and r.error.line == 4 and "Integer" in r.error.message


def test_var_declaration_forms(run):
    # variables.md: `;` lists, `,` lists (IMAPTransporterClass__14), initialisers, inferred types
    src = '''var $a; $b : Text
var $c,$d : Object
var $e : Text:="hello"
var $n:=20
var $obj:={}
var $col:=[]
$a:="A"
$c:=New object("k";1)
ALERT($a+$e+String($n)+String($obj#Null)+String($col.length))'''
    assert alerts(run, src) == ["Ahello20True0"]


def test_legacy_declarations(run):
    # variables.md: C_XXX directives behave like var (POP3TransporterClass__06)
    src = '''C_COLLECTION($mailInfo)
C_LONGINT($vNum;$vSize)
ALERT(String($vNum)+String($mailInfo=Null))
$vNum:=2.6
ALERT(String($vNum))'''
    assert alerts(run, src) == ["0True", "3"]


def test_object_must_be_initialised_before_setting_a_property(run):
    # dt_object.md "Initialization" (POP3TransporterClass__05 forgets New object)
    r = run('var $server : Object\n\n $server.host:="pop.gmail.com"')
    assert r.error is not None and r.error.line == 3
    assert "not initialized" in r.error.message


def test_object_and_collection_literals(run):
    # dt_object.md "{} operator"
    src = '''$o2:={a: "foo"; b: 42; c: {}; d: False ? True : False}
ALERT(JSON Stringify($o2))
$c:=[1; "two"; {x: 3}]
ALERT(String($c[2].x))'''
    assert alerts(run, src) == ['{"a":"foo","b":42,"c":{},"d":false}', "3"]


def test_bracket_property_names(run):
    # identifiers.md: string notation allows any property name ($flags["$seen"], keywords["4d"])
    src = '''$flags:=New object
$flags["$seen"]:=True
$flags["4d"]:=True
ALERT(JSON Stringify($flags))'''
    assert alerts(run, src) == ['{"$seen":true,"4d":true}']


# ---------------------------------------------------------------- collections
def test_collections_are_zero_based_and_grow(run):
    # new-collection.md: assigning past the end resizes, filling with null
    src = '''$c:=New collection("a")
$c[2]:="c"
ALERT(String($c.length)+" "+$c[0]+" "+String($c[1]=Null)+" "+$c[$c.length-1])
$c.push("d")
ALERT(String($c.length))'''
    assert alerts(run, src) == ["3 a True c", "4"]


# ---------------------------------------------------------------- control flow (cf_*.md)
def test_for_loop_counts_up_and_down(run):
    # cf_looping.md "For...End for": increment and negative increment
    src = '''$s:=""
For($i;1;3)
$s:=$s+String($i)
End for
For($i;6;2;-2)
$s:=$s+String($i)
End for
ALERT($s)'''
    assert alerts(run, src) == ["123642"]


def test_for_each_with_begin_end(run):
    # cf_looping.md "begin / end parameters" example
    src = '''C_COLLECTION($col;$col2)
$col:=New collection("a";"b";"c";"d";"e")
$col2:=New collection(1;2;3)
C_TEXT($item)
For each($item;$col;0;3)
$col2.push($item)
End for each
For each($item;$col;-2;-1)
$col2.push($item)
End for each
ALERT(JSON Stringify($col2))'''
    assert alerts(run, src) == ['[1,2,3,"a","b","c","d"]']


def test_for_each_until_and_while(run):
    # cf_looping.md "Until and While conditions": 36 and 1001
    src = '''$colNum:=New collection(1;2;3;4;5;6;7;8;9;10)
$total:=0
For each($num;$colNum)While($total<30)
$total:=$total+$num
End for each
ALERT(String($total))
$total:=1000
For each($num;$colNum)Until($total>30)
$total:=$total+$num
End for each
ALERT(String($total))'''
    assert alerts(run, src) == ["36", "1001"]


def test_for_each_over_object_properties(run):
    # cf_looping.md "Loop through object properties": property names in creation order
    src = '''$o:=New object("firstname";"gregory";"lastname";"badikora")
$names:=""
For each($p;$o)
$names:=$names+$p+","
End for each
ALERT($names)'''
    assert alerts(run, src) == ["firstname,lastname,"]


def test_while_and_repeat(run):
    # cf_looping.md "Comparing looping structures"
    src = '''$i:=1
While($i<=3)
$i:=$i+1
End while
$j:=0
Repeat
$j:=$j+1
Until($j=5)
ALERT(String($i)+String($j))'''
    assert alerts(run, src) == ["45"]


def test_break_and_continue(run):
    src = '''$s:=""
For($i;1;10)
If($i=2)
continue
End if
If($i=5)
break
End if
$s:=$s+String($i)
End for
$k:=0
Repeat
$k:=$k+1
If($k<3)
continue
End if
Until($k>=4)
ALERT($s+" "+String($k))'''
    assert alerts(run, src) == ["134 4"]


def test_return_stops_the_method(run):
    # flow-control.md "return {expression}" example (stops at 5A)
    src = '''var $message : Text
var $i : Integer
While (True)
$i:=$i+1
$message+=String($i)+"A "
If ($i=3)
return
End if
$message+=String($i)+"B "
ALERT($message)
End while
ALERT("never")'''
    assert alerts(run, src) == ["1A 1B ", "1A 1B 2A 2B "]


def test_keywords_are_case_insensitive(run):
    # POP3TransporterClass__01 writes `if(OK=1)` closed by `End if`
    src = 'if(1=1)\nALERT("lower")\nEND IF\nfor each($x;New collection(1))\nALERT("each")\nend for each'
    assert alerts(run, src) == ["lower", "each"]


def test_case_of_takes_the_first_true_branch(run):
    # cf_branching.md "Case of...Else...End case"
    src = '''$v:=2
Case of
:($v=1)
ALERT("one")
:($v=2)
ALERT("two")
:($v>1)
ALERT("more")
Else
ALERT("other")
End case'''
    assert alerts(run, src) == ["two"]


# ---------------------------------------------------------------- names, tokens, commands
def test_multi_word_commands_and_constants(run):
    # CATALOG.md: multi-word names matched by longest name, case-insensitively
    src = '''$c:=Split string("a,b";",")
ALERT(String($c.length)+String(IMAP all)+mail mode UTF8)
$o:=new OBJECT("k";"v")
ALERT($o.k)'''
    assert alerts(run, src) == ["21US-ASCII_UTF8_QP", "v"]


def test_tokenized_names(run):
    # 4D writes `Command:Cnnn` and `Constant:Knn:n` in exported method files
    src = '$o:=New object:C1471("a";1)\nALERT(String:C10($o.a)+String(IMAP all:K12:3))'
    assert alerts(run, src) == ["11"]


def test_space_before_parenthesis(run):
    # EmailObjectClass__04: `New object ("email";"...")`
    src = '$c:=New collection\n$c.push(New object ("email";"noreply@4d.com"))\nALERT($c[0].email)'
    assert alerts(run, src) == ["noreply@4d.com"]


def test_date_and_time_literals(run):
    # dt_date.md / dt_time.md operators
    src = '''ALERT(String(!1989-01-01!+20=!1989-01-21!))
ALERT(String(!2000-11-10!-!2000-11-01!))
ALERT(String(?02:03:04?+?01:02:03?))'''
    assert alerts(run, src) == ["True", "9", "03:05:07"]


# ---------------------------------------------------------------- errors (error-handling.md)
def test_runtime_error_carries_code_message_and_line(run):
    r = run('$a:=1\n$b:=$a/0\nALERT("not reached")')
    assert r.out == ""
    assert r.error is not None and r.error.line == 2 and r.error.code == 20
    assert r.rt.errors and r.rt.errors[0] is r.error


def test_try_catch_block(run):
    # error-handling.md "Try...Catch...End try"
    src = '''Try
$x:=1/0
ALERT("not reached")
Catch
$e:=Last errors
ALERT("caught "+String($e[0].errCode)+" "+$e[0].componentSignature)
End try
ALERT("after")'''
    assert alerts(run, src) == ["caught 20 4DRT", "after"]


def test_try_expression(run):
    # error-handling.md "Try(expression)": Undefined on error, Last errors filled; null when fine
    src = '''$r:=Try(1/0)
ALERT(String(Undefined($r))+" "+String(Last errors.length))
$r:=Try(2*3)
ALERT(String($r)+" "+String(Last errors=Null))'''
    assert alerts(run, src) == ["True 1", "6 True"]


def test_throw_with_code_and_description(run):
    # throw.md Example 1 and Example 3
    src = '''Try
throw(50042;"This is a custom error")
Catch
ALERT(String(Last errors[0].errCode)+" "+Last errors[0].message+" "+Last errors[0].componentSignature)
End try
Try
throw({errCode: 1})
Catch
ALERT(Last errors[0].message)
End try'''
    assert alerts(run, src) == ["50042 This is a custom error host", "Error code: 1 (host)"]


def test_throw_object_placeholders(run):
    # throw.md: {placeholders} in message are replaced by the object's properties
    src = '''Try
throw({errCode: 600; message: "File {name} not found ({path})"; name: "a.txt"; path: "/tmp"})
Catch
ALERT(Last errors[0].message)
End try'''
    assert alerts(run, src) == ["File a.txt not found (/tmp)"]


def test_uncaught_throw_stops_the_run(run):
    r = run('throw(12;"stop here")\nALERT("no")')
    assert r.out == "" and r.error.code == 12 and r.error.message == "stop here" and r.error.line == 1


def test_on_err_call_handler_and_continue(run, tmp_path):
    # on-err-call.md: the handler is called with Error set, then the method continues
    (tmp_path / "errorMethod.4dm").write_text(
        'ALERT("handler: "+String(Error)+" at line "+String(Error line))\n', encoding="utf-8")
    src = '''ON ERR CALL("errorMethod")
$x:=1/0
ALERT("continued")
ON ERR CALL("")
$y:=1/0
ALERT("not reached")'''
    r = run(src, project_dir=tmp_path)
    assert r.lines == ["handler: 20 at line 2", "continued"]
    assert r.error is not None and r.error.line == 5


def test_project_methods_with_parameters(run, tmp_path):
    # quick-tour.md "Methods": #DECLARE ($in : Text) -> $out : Text
    (tmp_path / "Do_Something.4dm").write_text('#DECLARE ($in : Text) -> $out : Text\n$out:=Uppercase($in)\n')
    (tmp_path / "Add.4dm").write_text('return $1+$2\n')
    src = '$myText:="hello"\n$myText:=Do_Something($myText)\nALERT($myText+String(Add(2;3)))'
    assert alerts(run, src, project_dir=tmp_path) == ["HELLO5"]


def test_error_inside_a_method_reports_the_method_line(run, tmp_path):
    (tmp_path / "Boom.4dm").write_text('$a:=1\n$b:=$a+"x"\n')
    r = run('Boom', project_dir=tmp_path)
    assert r.error is not None and r.error.method == "Boom" and r.error.line == 2


def test_a_method_file_that_does_not_compile_is_a_catchable_4d_error(run, tmp_path):
    # A syntax or compile error in a project method is the method's fault, not fourmail's:
    # a 4D error at the call, naming the file, line and column.
    (tmp_path / "Unclosed.4dm").write_text('$a:=(\n')
    (tmp_path / "Loose.4dm").write_text('break\n')
    r = run('Try\n  Unclosed\nCatch\n  ALERT(Last errors[0].message)\nEnd try\nLoose', project_dir=tmp_path)
    assert r.lines == ["The method Unclosed cannot be loaded: Unclosed.4dm:1:6: unexpected end of line"]
    assert r.error is not None and r.error.code == 73 and r.error.line == 6
    assert "Loose.4dm:1:1: break outside of a loop" in r.error.message


def test_unknown_member_function(run):
    r = run('$o:=New object\n$o.send(1)')
    assert r.error is not None and r.error.line == 2 and "send()" in r.error.message


def test_commands_fourmail_does_not_provide_are_4d_errors(run):
    # 4D Write Pro is named by three doc examples but is not part of fourmail
    r = run('var $blob : Blob\nWP EXPORT VARIABLE(WPArea;$blob;wk docx)')
    assert r.error is not None and r.error.line == 2 and "4D Write Pro" in r.error.message


# ---------------------------------------------------------------- dialogs and the OK variable
def test_request_uses_answers_and_sets_ok(run):
    # request.md: OK=1 when accepted; no answer and no terminal counts as Cancel (OK=0, "")
    src = '''$pw:=Request("Password?")
ALERT(String(OK)+":"+$pw)
$pw:=Request("Again?")
ALERT(String(OK)+":"+$pw)'''
    r = run(src, answers=["secret"])
    assert r.error is None
    assert r.lines[-1] == "0:" and "1:secret" in r.lines


def test_confirm_sets_ok(run):
    src = 'CONFIRM("Delete?";"Delete";"Undo")\nALERT(String(OK))\nCONFIRM("Again?")\nALERT(String(OK))'
    r = run(src, answers=["Undo"])
    assert r.error is None and [line for line in r.lines if line in ("0", "1")] == ["0", "0"]
    r = run(src, answers=["delete", "ok"])
    assert [line for line in r.lines if line in ("0", "1")] == ["1", "1"]
