"""WLanguage's front end (fourmail/lang/wlanguage/): what each construct parses to (the AST
contract with the compiler), the same tree from English and French keywords, and syntax errors
that name their line and column."""
from __future__ import annotations

import pytest

from fourmail import lang
from fourmail.lang import ast as A
from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage import LANGUAGE, parse as wl_parse
from wl_names import namespace

NS = namespace()


def parse(source: str, **kw):
    return wl_parse(source, "t.wl", names=NS, **kw)


def body(source: str):
    return parse(source).body


def dump(node, positions=False):
    """A comparable form of an AST (nodes have no __eq__); the FOR EACH keyword as written is left out."""
    if isinstance(node, list):
        return [dump(x, positions) for x in node]
    if isinstance(node, tuple):
        return tuple(dump(x, positions) for x in node)
    if isinstance(node, A.Node):
        fields = tuple(dump(getattr(node, f), positions) for f in node._fields if f != "keyword")
        return (type(node).__name__,) + ((node.line, node.col) if positions else ()) + fields
    return node


def error(source: str) -> SourceSyntaxError:
    with pytest.raises(SourceSyntaxError) as e:
        parse(source)
    return e.value


def expr(text: str, declare: str = "a, b, c, x, y, t are Variant\n"):
    """The expression `text` as the right side of an assignment."""
    return dump(body(declare + "x = " + text)[-1].value)




def lv(name):
    return ("LocalVar", name)


def lit(v):
    return ("Literal", v)


# ---------------------------------------------------------------- English and French
SAME_PROGRAMS = [
    ("n is int\nIF n > 1 THEN\n  n = 1\nELSE IF n < 0 THEN\n  n = 2\nELSE\n  n = 3\nEND",
     "n est un entier\nSI n > 1 ALORS\n  n = 1\nSINON SI n < 0 ALORS\n  n = 2\nSINON\n  n = 3\nFIN"),
    ("n is int\nIF n = 1 THEN n = 2 ELSE n = 3", "n est un entier\nSI n = 1 ALORS n = 2 SINON n = 3"),
    ("n is int\nSWITCH n\nCASE 1, 2: n = 0\nCASE > 6:\n  n = 1\nOTHER CASE\n  n = 2\nEND".replace("OTHER CASE\n", "OTHER CASE:\n"),
     "n est un entier\nSELON n\nCAS 1, 2: n = 0\nCAS > 6:\n  n = 1\nAUTRE CAS:\n  n = 2\nFIN"),
    ("n is int\nSWITCH n\nOTHER CASE: n = 2\nEND", "n est un entier\nSELON n\nAUTRES CAS: n = 2\nFIN"),
    ("s is int\nFOR i = 10 TO 1 STEP -2\n  s += i\nEND", "s est un entier\nPOUR i = 10 À 1 PAS -2\n  s += i\nFIN"),
    ("t is array of strings\nFOR EACH e OF t\n  Trace(e)\nEND", "t est un tableau de chaînes\nPOUR TOUT e DE t\n  Trace(e)\nFIN"),
    ("t is array of strings\nFOR EACH e OF t\nEND", "t est un tableau de chaînes\nPOUR CHAQUE e DANS t\nFIN"),
    ("t is array of strings\nFOR EACH e OF t\nEND", "t sont des tableau de chaînes\nPOUR TOUS e DE t\nFIN"),
    ("n is int\nWHILE n < 3\n  n++\n  IF n = 2 THEN BREAK\n  CONTINUE\nEND",
     "n est un entier\nTANTQUE n < 3\n  n++\n  SI n = 2 ALORS SORTIR\n  CONTINUER\nFIN"),
    ("n is int\nLOOP\n  n--\n  IF n < 0 THEN BREAK\nEND", "n est un entier\nBOUCLE\n  n--\n  SI n < 0 ALORS SORTIR\nFIN"),
    ("n is int\nLOOP\n  n++\nDO WHILE n < 5", "n est un entier\nBOUCLE\n  n++\nÀ FAIRE TANTQUE n < 5"),
    ("n is int\nIF n = 0 THEN RETURN\nRESULT n + 1", "n est un entier\nSI n = 0 ALORS RETOUR\nRENVOYER n + 1"),
    ("n is int\nWHEN EXCEPTION IN\n  n = 1\nDO\n  n = 2\nELSE\n  n = 3\nEND",
     "n est un entier\nQUAND EXCEPTION DANS\n  n = 1\nFAIRE\n  n = 2\nSINON\n  n = 3\nFIN"),
    ("a, b are booleans\na = a AND b OR NOT b\nb = a _AND_ b _OR_ a",
     "a, b sont des booléens\na = a ET b OU PAS b\nb = a _ET_ b _OU_ a"),
    ('s is string\nb is boolean = s IN ("x", "y")\nb = s NOT IN ("z")',
     's est une chaîne\nb est un booléen = s DANS ("x", "y")\nb = s PAS DANS ("z")'),
    ("x is a real = 7 Modulo 2\nlet y = True\nlet z is int = False",
     "x est un réel = 7 Modulo 2\nsoit y = Vrai\nsoit z est un entier = Faux"),
    ("<COMPILE IF ConfigurationType<>Site>\nTrace(1)\n<END>", "<COMPILE SI TypeConfiguration<>Site>\nTrace(1)\n<FIN>"),
    ('s is string = "abc"\ns = s[[2 TO]] + s[[1 ON 2]]', 's est une chaîne = "abc"\ns = s[[2 À]] + s[[1 SUR 2]]'),
    ('m is Email\nm.Sender = "a"\nEmailStartSession(m)', 'm est un Email\nm.Expediteur = "a"\nEmailOuvreSession(m)'),
]


@pytest.mark.parametrize("english, french", SAME_PROGRAMS, ids=[p[1].split("\n")[1][:24] for p in SAME_PROGRAMS])
def test_english_and_french_keywords_give_the_same_tree(english, french):
    en, fr = dump(body(english)), dump(body(french))
    if "Expediteur" in french:          # property names are the runtime's business: only they differ
        fr = eval(repr(fr).replace("'Expediteur'", "'Sender'"))
    assert en == fr


def test_keywords_and_names_ignore_case():
    def folded(source):         # a variable keeps its spelling as written; the compiler folds case
        return repr(dump(body(source))).casefold()
    assert folded("n is int\nif n = 1 then n = 2 else n = 3\nN = 4") == \
        folded("N IS INT\nSi n = 1 Alors N = 2 Sinon n = 3\nn = 4")
    assert dump(body("x is int\nRENVOYER x")) == dump(body("x is int\nRenvoyer x"))
    assert [type(s).__name__ for s in body("PROCEDURE_X is int\nprocedure_x = 1")] == ["VarDecl", "Assign"]


def test_for_each_keeps_the_keyword_as_written():
    en = body("t is array of strings\nFOR EACH e OF t\nEND")[-1]
    fr = body("t est un tableau de chaînes\nPOUR TOUT e DE t\nFIN")[-1]
    assert (en.keyword, fr.keyword) == ("FOR EACH", "POUR TOUT")


# ---------------------------------------------------------------- declarations
@pytest.mark.parametrize("written, runtime", [
    ("string", "Text"), ("chaîne", "Text"), ("a string", "Text"), ("une chaîne", "Text"), ("int", "Integer"),
    ("entier", "Integer"), ("int8", "Integer"), ("entier sur 8 octets", "Integer"), ("unsigned int", "Integer"),
    ("real", "Real"), ("réel", "Real"), ("currency", "Real"), ("monétaire", "Real"), ("boolean", "Boolean"),
    ("booléen", "Boolean"), ("date", "Date"), ("time", "Time"), ("heure", "Time"), ("Variant", "Variant"),
    ("buffer", "Blob"),
])
def test_simple_types(written, runtime):
    decl = body(f"x is {written}")[0]
    assert dump(decl) == ("VarDecl", [lv("x")], runtime, None)


def test_several_names_and_initial_values():
    assert dump(body("a, b are strings")) == [("VarDecl", [lv("a"), lv("b")], "Text", None)]
    assert dump(body("a, b sont des chaînes")) == [("VarDecl", [lv("a"), lv("b")], "Text", None)]
    assert dump(body('x is string = "a"')) == [("VarDecl", [lv("x")], "Text", lit("a"))]
    assert dump(body("let x = 5")) == [("VarDecl", [lv("x")], "Variant", lit(5.0))]
    assert dump(body("let x is int = 5")) == [("VarDecl", [lv("x")], "Integer", lit(5.0))]
    assert dump(body("soit x = 5")) == [("VarDecl", [lv("x")], "Variant", lit(5.0))]


def test_a_namespace_type_makes_a_new_value_for_each_variable():
    assert dump(body("s is emailSessionSMTP")) == [("VarDecl", [lv("s")], "Object", ("NewValue", "emailSMTPSession", None))]
    assert dump(body("a, b are Emails")) == [("VarDecl", [lv("a")], "Object", ("NewValue", "Email", None)),
                                             ("VarDecl", [lv("b")], "Object", ("NewValue", "Email", None))]
    p = ("VarDecl", [lv("p")], "Object", ("NewValue", "OAuth2Parameters", None))
    assert dump(body("p is OAuth2Parameters\nt is AuthToken = AuthIdentify(p)")) == [
        p, ("VarDecl", [lv("t")], "Object", ("CommandCall", "AuthIdentify", [lv("p")]))]
    assert error("x is Nothing").message == "unknown type 'Nothing'"


def test_arrays_and_their_elements():
    decl, assign = body("arr is array of Emails\narr[1] = arr[2]")
    assert dump(decl)[:3] == ("VarDecl", [lv("arr")], "Array") and decl.init.type == "array"
    assert dump(assign) == ("Assign", ("Element", lv("arr"), lit(1.0)), ("Element", lv("arr"), lit(2.0)))
    assert decl.init.of == "Email"
    assert body("t is array of strings")[0].init.of == "Text"
    assert body("t is array")[0].init.of == "Variant"
    e = error("t est un tableau de 5 entiers")
    assert (e.line, e.col) == (1, 21) and "tableau de 5" in e.message and "not supported" in e.message
    m = body("m is Email\nx is string = m.Recipient[1]")[-1]
    assert dump(m.init) == ("Index", ("Member", lv("m"), "Recipient"), lit(1.0))


def test_a_declaration_in_a_block_is_visible_after_it():
    last = body("IF True THEN\n  x is int\nEND\nx = 1")[-1]
    assert dump(last) == ("Assign", lv("x"), lit(1.0))


# ---------------------------------------------------------------- names
def test_names_resolve_to_variables_constants_and_functions():
    got = body("v is int\nv = emailOptionSécuriséTLS\nTrace(ErrorOccurred, Email.Sender, v)")
    assert dump(got[1].value) == ("ConstantRef", "emailOptionSecuredTLS", 2)
    assert dump(got[2].expr) == ("CommandCall", "Trace", [("CommandCall", "ErrorOccurred", None),
                                                          ("Member", ("CommandCall", "Email", None), "Sender"), lv("v")])
    assert dump(body("x is boolean = Vrai OR False\nx = Null")) == [
        ("VarDecl", [lv("x")], "Boolean", ("BinOp", "or", lit(True), lit(False))), ("Assign", lv("x"), lit(None))]


def test_a_constant_whose_value_is_a_boolean_stays_a_constant():
    ns = namespace()
    ns.constant(("emailSynchronousTest",), False)
    got = wl_parse("x is boolean = emailSynchronousTest OR Faux", names=ns).body[0].init
    assert dump(got) == ("BinOp", "or", ("ConstantRef", "emailSynchronousTest", False), lit(False))


def test_accented_names_and_accent_insensitive_namespace():
    got = body("TypeRéponse is string\nTypeRéponse = oauth2TypeReponseCode")
    assert dump(got[1]) == ("Assign", lv("TypeRéponse"), ("ConstantRef", "oauth2ResponseTypeCode", 1))


def test_an_undeclared_name_is_an_unknown_identifier_at_its_place():
    e = error("x is int\nx = 1 + sSMTPServer")
    assert (e.line, e.col, e.message) == (2, 9, "unknown identifier 'sSMTPServer'")
    assert e.format().endswith("    x = 1 + sSMTPServer\n            ^")
    e = error("MySMTPSession..Name = SAI_Nom\nEDT_x = 1\nMySMTPSession = 2")
    assert (e.line, e.col) == (1, 1)
    assert e.message == "unknown identifier 'MySMTPSession' (also unknown: 'SAI_Nom', 'EDT_x')"
    e = error("Unknown(1)")
    assert (e.line, e.col, e.message) == (1, 1, "unknown identifier 'Unknown'")
    assert error("x is int\nx(1)").message == "'x' is a variable, not a function"


def test_members_and_prefixed_calls():
    got = body("m is Email\nm..Sender = m.Subject\nm.BuildSource()\nm.Recipient.Add(\"a\")")
    assert dump(got[1]) == ("Assign", ("Member", lv("m"), "Sender"), ("Member", lv("m"), "Subject"))
    assert dump(got[2]) == ("ExprStatement", ("MemberCall", lv("m"), "BuildSource", []))
    assert dump(got[3].expr) == ("MemberCall", ("Member", lv("m"), "Recipient"), "Add", [lit("a")])


# ---------------------------------------------------------------- statements
def test_equals_assigns_at_the_start_of_a_statement_and_compares_elsewhere():
    got = body("a, b are int\na = b = 1\nIF a = b THEN a = 2\nTrace(a = b)")
    assert dump(got[1]) == ("Assign", lv("a"), ("BinOp", "=", lv("b"), lit(1.0)))
    assert dump(got[2]) == ("If", ("BinOp", "=", lv("a"), lv("b")), [("Assign", lv("a"), lit(2.0))], None)
    assert dump(got[3]) == ("ExprStatement", ("CommandCall", "Trace", [("BinOp", "=", lv("a"), lv("b"))]))


def test_compound_assignment_and_increments():
    got = body("n is int\nn += 2\nn -= 1\nn++\nn --\nTrace(n++, ++n, n--, --n)")
    assert dump(got[1:5]) == [("CompoundAssign", lv("n"), "+", lit(2.0)), ("CompoundAssign", lv("n"), "-", lit(1.0)),
                              ("CompoundAssign", lv("n"), "+", lit(1.0)), ("CompoundAssign", lv("n"), "-", lit(1.0))]
    assert dump(got[5].expr)[2] == [("Increment", lv("n"), 1, False), ("Increment", lv("n"), 1, True),
                                    ("Increment", lv("n"), -1, False), ("Increment", lv("n"), -1, True)]


def test_one_line_if_has_no_end():
    got = body("n is int\nIF n = 1 THEN n = 2\nIF n = 2 THEN RETURN ELSE n = 3\nn = 4")
    assert dump(got[1]) == ("If", ("BinOp", "=", lv("n"), lit(1.0)), [("Assign", lv("n"), lit(2.0))], None)
    assert dump(got[2]) == ("If", ("BinOp", "=", lv("n"), lit(2.0)), [("Return", None)], [("Assign", lv("n"), lit(3.0))])
    assert len(got) == 4


def test_else_if_nests_an_if_in_the_else():
    got = body("n is int\nIF n = 1 THEN\nELSE IF n = 2 THEN\n  n = 0\nEND")[1]
    assert dump(got) == ("If", ("BinOp", "=", lv("n"), lit(1.0)), [],
                         [("If", ("BinOp", "=", lv("n"), lit(2.0)), [("Assign", lv("n"), lit(0.0))], None)])


def test_switch_compares_a_hidden_copy_of_its_value():
    got = body("n is int\nSWITCH n + 1\nCASE 1, 2: n = 0\nCASE > 6:\nCASE 1 TO 5: ...\n"
               "CASE 4 <= * <= 6\n  n = 3\nOTHER CASE: n = 9\nEND".replace("<= 6\n", "<= 6:\n"))
    hidden = lv("switch 1")
    assert dump(got[1]) == ("Assign", hidden, ("BinOp", "+", lv("n"), lit(1.0)))
    branches = dump(got[2])[1]
    assert branches == [
        (("BinOp", "or_else", ("BinOp", "=", hidden, lit(1.0)), ("BinOp", "=", hidden, lit(2.0))),
         [("Assign", lv("n"), lit(0.0))]),
        (("BinOp", ">", hidden, lit(6.0)), []),
        (("BinOp", "and_then", ("BinOp", ">=", hidden, lit(1.0)), ("BinOp", "<=", hidden, lit(5.0))), []),
        (("BinOp", "and_then", ("BinOp", "<=", lit(4.0), hidden), ("BinOp", "<=", hidden, lit(6.0))),
         [("Assign", lv("n"), lit(3.0))]),
    ]
    assert dump(got[2])[2] == [("Assign", lv("n"), lit(9.0))]
    assert " " in got[1].target.name                  # a name no program can write


def test_nested_switches_have_their_own_hidden_values():
    got = body("n is int\nSWITCH n\nCASE 1\n  SWITCH n * 2\n  CASE 2: n = 0\n  END\nCASE 2: n = 1\nEND"
               .replace("CASE 1\n", "CASE 1:\n"))
    outer, inner = got[1].target.name, got[2].branches[0][1][0].target.name
    assert outer != inner
    assert dump(got[2].branches[1][0]) == ("BinOp", "=", lv(outer), lit(2.0))
    assert dump(got[2].branches[0][1][1].branches[0][0]) == ("BinOp", "=", lv(inner), lit(2.0))


def test_loops():
    got = body("s is int\nFOR i = 1 TO 3\n  s += i\nEND\nTrace(i)\nt is array of int\nFOR EACH v OF t\n  s += v\nEND\n"
               "WHILE s > 0\n  s--\nEND\nLOOP\n  BREAK\nEND\nLOOP\n  s++\nDO WHILE s < 3")
    assert dump(got[1]) == ("ForBoundEachTurn", lv("i"), lit(1.0), lit(3.0), None,
                            [("CompoundAssign", lv("s"), "+", lv("i"))])
    assert dump(got[4])[:3] == ("ForEach", lv("v"), lv("t"))
    assert dump(got[5]) == ("While", ("BinOp", ">", lv("s"), lit(0.0)), [("CompoundAssign", lv("s"), "-", lit(1.0))])
    assert dump(got[6]) == ("While", lit(True), [("Break",)])
    assert dump(got[7]) == ("Repeat", [("CompoundAssign", lv("s"), "+", lit(1.0))],
                            ("Not", ("BinOp", "<", lv("s"), lit(3.0))))


def test_french_pas_is_step_after_a_for_bound_and_not_elsewhere():
    got = body("b is boolean\nPOUR i = 10 À 1 PAS -1\n  b = PAS b\nFIN\nSI PAS b ALORS b = Vrai")
    assert dump(got[1])[4] == lit(-1.0)
    assert dump(got[1])[5] == [("Assign", lv("b"), ("Not", lv("b")))]
    assert dump(got[2])[1] == ("Not", lv("b"))


def test_return_and_result():
    assert dump(body("RETURN")) == [("Return", None)]
    assert dump(body("RETOUR")) == [("Return", None)]
    assert dump(body("RETURN 1")) == [("Return", lit(1.0))]
    assert dump(body("RESULT 1")) == [("Return", lit(1.0))]
    assert dump(body("RENVOYER Faux")) == [("Return", lit(False))]


def test_exceptions():
    got = body("n is int\nWHEN EXCEPTION IN\n  n = 1\nDO\n  n = 2\nEND")[1]
    assert dump(got) == ("TryBlock", [("Assign", lv("n"), lit(1.0))], [("Assign", lv("n"), lit(2.0))], None)
    got = body("n is int\nWHEN EXCEPTION\n  n = 2\nEND\nExceptionThrow(1)\nn = 3")
    assert dump(got[1]) == ("TryBlock", [("ExprStatement", ("CommandCall", "ExceptionThrow", [lit(1.0)])),
                                         ("Assign", lv("n"), lit(3.0))], [("Assign", lv("n"), lit(2.0))], None)


# ---------------------------------------------------------------- procedures
def test_procedures_and_their_calls():
    got = body("n is int = Twice(2)\nShow(n)\n\n"
               "PROCEDURE Twice(x is int, LOCAL y = 1, z est une chaîne = \"a\") : int\n  RESULT x * 2\n"
               "PROCÉDURE Show(v)\n  Trace(v)\n")
    assert dump(got[0]) == ("VarDecl", [lv("n")], "Integer", ("MethodCall", "Twice", [lit(2.0)]))
    assert dump(got[1]) == ("ExprStatement", ("MethodCall", "Show", [lv("n")]))
    assert dump(got[2]) == ("ProcedureDecl", "Twice", [("ProcedureParam", "x", "Integer", None, False),
                                                       ("ProcedureParam", "y", None, lit(1.0), True),
                                                       ("ProcedureParam", "z", "Text", lit("a"), False)],
                            "Integer", [("Return", ("BinOp", "*", lv("x"), lit(2.0)))])
    assert dump(got[3]) == ("ProcedureDecl", "Show", [("ProcedureParam", "v", None, None, False)], None,
                            [("ExprStatement", ("CommandCall", "Trace", [lv("v")]))])
    assert (got[3].line, got[3].col) == (6, 1)


def test_a_procedure_has_its_own_variables():
    e = error("n is int\nPROCEDURE P()\n  Trace(n)\n")
    assert (e.line, e.col, e.message) == (3, 9, "unknown identifier 'n'")
    got = body("PROCEDURE P(a)\n  b is int = a\nPROCEDURE Q()\n  b is string\n  P(b)")
    assert dump(got[1].body[1]) == ("ExprStatement", ("MethodCall", "P", [lv("b")]))


def test_a_procedure_inside_a_block_is_a_syntax_error():
    e = error("IF True THEN\n  PROCEDURE P()\nEND")
    assert (e.line, e.col) == (2, 3) and "top level" in e.message


# ---------------------------------------------------------------- expressions
def test_usual_precedence():
    assert expr("1 + 2 * 3 ^ 2") == ("BinOp", "+", lit(1.0), ("BinOp", "*", lit(2.0), ("BinOp", "^", lit(3.0), lit(2.0))))
    assert expr("(1 + 2) * 3") == ("BinOp", "*", ("BinOp", "+", lit(1.0), lit(2.0)), lit(3.0))
    assert expr("10 - 4 - 3") == ("BinOp", "-", ("BinOp", "-", lit(10.0), lit(4.0)), lit(3.0))
    assert expr("7 % 2 + 7 Modulo 3") == ("BinOp", "+", ("BinOp", "%", lit(7.0), lit(2.0)),
                                            ("BinOp", "%", lit(7.0), lit(3.0)))
    assert expr("-a ^ 2") == ("BinOp", "^", ("Negate", lv("a")), lit(2.0))
    assert expr("a + 1 > b * 2") == ("BinOp", ">", ("BinOp", "+", lv("a"), lit(1.0)), ("BinOp", "*", lv("b"), lit(2.0)))
    # AND and OR: one level, left to right
    assert expr("a = 1 OR b = 2 AND c") == ("BinOp", "and", ("BinOp", "or", ("BinOp", "=", lv("a"), lit(1.0)),
                                                              ("BinOp", "=", lv("b"), lit(2.0))), lv("c"))
    assert expr("a _OR_ b _AND_ c") == ("BinOp", "and_then", ("BinOp", "or_else", lv("a"), lv("b")), lv("c"))
    # NOT takes the comparison after it: `NOT x IN (…)` is "not one of" (40_lang_if_statement_en.wl)
    assert expr('NOT a IN ("p", "q") AND b') == (
        "BinOp", "and", ("Not", ("BinOp", "in", lv("a"), ("CollectionLiteral", [lit("p"), lit("q")]))), lv("b"))


def test_comparisons():
    for written, op in [("=", "="), ("<>", "#"), ("<", "<"), (">", ">"), ("<=", "<="), (">=", ">="), ("~=", "~="),
                        ("~~", "~~"), ("[=", "[="), ("[~", "[~"), ("[~~", "[~~"), ("[=]", "[=]"), ("[~]", "[~]"),
                        ("[~~]", "[~~]"), ("=]", "=]"), ("~]", "~]"), ("~~]", "~~]")]:
        assert expr(f'a {written} "x"') == ("BinOp", op, lv("a"), lit("x")), written
    assert expr("1 < a < 5") == ("BinOp", "and_then", ("BinOp", "<", lit(1.0), lv("a")), ("BinOp", "<", lv("a"), lit(5.0)))
    assert expr("a NOT IN (1, 2)") == ("Not", ("BinOp", "in", lv("a"), ("CollectionLiteral", [lit(1.0), lit(2.0)])))


def test_texts_and_their_parts():
    assert expr('"say ""hi"""') == lit('say "hi"')
    assert expr("t[[5]]") == ("CharIndex", lv("t"), lit(5.0))
    assert expr("t[[5 TO 10]]") == ("CharRange", lv("t"), lit(5.0), lit(10.0), None)
    assert expr("t[[5 TO]]") == ("CharRange", lv("t"), lit(5.0), None, None)
    assert expr("t[[TO 10]]") == ("CharRange", lv("t"), None, lit(10.0), None)
    assert expr("t[[10 ON 4]]") == ("CharRange", lv("t"), lit(10.0), None, lit(4.0))
    assert expr("t[a[[1]]]") == ("Index", lv("t"), ("CharIndex", lv("a"), lit(1.0)))


def test_ternary_and_literals():
    assert expr("a > 1 ? 2 ELSE 3") == ("Ternary", ("BinOp", ">", lv("a"), lit(1.0)), lit(2.0), lit(3.0))
    assert expr("a ? 2 SINON 3.5") == ("Ternary", lv("a"), lit(2.0), lit(3.5))
    assert expr("[1, 2]") == ("CollectionLiteral", [lit(1.0), lit(2.0)])


# ---------------------------------------------------------------- lines
def test_continuation_and_the_code_left_out_mark():
    got = body('s is string\ns = "a" + ...\n  "b"\nTrace(s, ...\n  s)\n...\n\t...\ns = "c" ...\ns = "d"')
    assert dump(got[1:]) == [("Assign", lv("s"), ("BinOp", "+", lit("a"), lit("b"))),
                             ("ExprStatement", ("CommandCall", "Trace", [lv("s"), lv("s")])),
                             ("Assign", lv("s"), lit("c")), ("Assign", lv("s"), lit("d"))]
    assert got[2].line == 4 and got[3].line == 8
    assert "end of file" in error("x is int\nx = (1 + ...\n").message
    e = error("x is int\nx = 1 +\n  2")
    assert (e.line, e.col) == (2, 8) and e.message.endswith("ends each line with ...")


def test_semicolons_separate_statements():
    assert dump(body("a, b are int; a = 1; b = 2")) == dump(body("a, b are int\na = 1\nb = 2"))


def test_compile_if_keeps_the_branch_of_a_script():
    assert dump(body("<COMPILE IF ConfigurationType<>Site>\n\tTrace(1)\n<END>\nTrace(2)")) == [
        ("ExprStatement", ("CommandCall", "Trace", [lit(1.0)])), ("ExprStatement", ("CommandCall", "Trace", [lit(2.0)]))]
    got = body("<COMPILE IF ConfigurationType=Site>\n\tthis is no WLanguage (\n<END>\nTrace(2)")
    assert dump(got) == [("ExprStatement", ("CommandCall", "Trace", [lit(2.0)]))] and got[0].line == 4
    e = error("Trace(0)\n<COMPILE IF ConfigurationType<>Site>\nTrace(1)\n")
    assert (e.line, e.message) == (2, "<END> expected for the <COMPILE IF of line 2")
    assert error("<COMPILE IF Configuration=\"x\">\n<END>").line == 1
    assert "can be decided" in error("<COMPILE IF ConfigurationType=Android>\n<END>").message


# ---------------------------------------------------------------- syntax errors
def test_an_open_block_names_its_end_and_the_line_it_opened():
    e = error("n is int\nIF n = 1 THEN\n  n = 2\n  FOR i = 1 TO 2\n    n++\n  END\n")
    assert (e.line, e.col, e.message) == (2, 1, "END expected for the IF of line 2")
    e = error("n est un entier\nTANTQUE n < 2\n  n++\n")
    assert e.message == "FIN expected for the TANTQUE of line 2"
    e = error("n is int\nSWITCH n\nCASE 1:\n")
    assert e.message == "END expected for the SWITCH of line 2"
    e = error("BOUCLE\n  SORTIR\n")
    assert e.message == "FIN expected for the BOUCLE of line 1"
    e = error("QUAND EXCEPTION DANS\n  SORTIR\n")
    assert e.message == "FAIRE expected for the QUAND EXCEPTION DANS of line 1"


def test_syntax_errors_name_line_and_column():
    e = error("x is int\nx = (1 + 2))")
    assert (e.line, e.col) == (2, 12) and "unbalanced" in e.message
    e = error("x is int\nEND")
    assert (e.line, e.col) == (2, 1) and "no block" in e.message
    e = error("x is int\nx = 1 @ 2")
    assert (e.line, e.col, e.message) == (2, 7, "unexpected character '@'")
    e = error('x is string = "open')
    assert (e.line, e.col) == (1, 15)
    e = error("x is int\nx = 1 ... 2")
    assert (e.line, e.col) == (2, 7)


# ---------------------------------------------------------------- the language object
def test_the_language_is_found_by_name_and_extension():
    wl = lang.get("WLanguage")
    assert wl is LANGUAGE and lang.for_path("send.wl") is wl
    assert (wl.name, wl.title, wl.extensions) == ("wlanguage", "WLanguage", (".wl",))
    with pytest.raises(SourceSyntaxError, match="classes are not supported"):
        wl.parse_class("x is int", "C", "C.wl")
    from fourmail.runtime.collation import WLANGUAGE_COLLATION
    assert wl.collation is WLANGUAGE_COLLATION


def test_an_interactive_session_knows_earlier_declarations():
    session = LANGUAGE.interactive()
    session.parse("n is int", names=NS)
    assert dump(session.parse("n = 2", names=NS).body) == [("Assign", lv("n"), lit(2.0))]
    with pytest.raises(SourceSyntaxError):
        session.parse("m is int\nm = q", names=NS)       # a failed input declares nothing
    with pytest.raises(SourceSyntaxError, match="unknown identifier 'm'"):
        session.parse("m = 1", names=NS)
    with pytest.raises(SourceSyntaxError, match="unknown identifier 'n'"):
        LANGUAGE.parse("n = 2", names=NS)                 # a file starts with nothing declared
    session.parse("PROCEDURE P(x)\n  Trace(x)\n", names=NS)
    assert dump(session.parse("P(n)", names=NS).body) == [("ExprStatement", ("MethodCall", "P", [lv("n")]))]
