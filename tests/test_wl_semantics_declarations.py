"""WLanguage's declarations on the shared engine: a value assigned to a declared variable is
converted as WLanguage converts it, and arrays (`x is array of string`) start at 1, grow with
Add, tell their size and are walked by FOR EACH."""
from __future__ import annotations

from fourmail.lang import ast as A
from wl_ast import array, assign, call, decl, element, member, mcall, op, output, run, say, var


def test_a_number_or_boolean_assigned_to_a_string_becomes_its_text():
    assert output([decl("s", "Text", 587), say(op("+", var("s"), "!")),
                   assign("s", 1.5), say(op("+", var("s"), "!")),
                   assign("s", True), say(var("s")),
                   assign("s", op("*", 6, 7)), say(op("[=", var("s"), "42"))]) == ["587!", "1.5!", "1", "1"]


def test_a_real_or_text_assigned_to_an_integer():
    assert output([decl("n", "Integer", 2.7), say(var("n")),
                   assign("x", -2.7), assign("n", var("x")), say(var("n")),
                   assign("n", "42 messages"), say(op("+", var("n"), 1)),
                   assign("n", "none"), say(var("n")),
                   assign("n", 5e9), say(var("n"))]) == ["2", "-2", "43", "0", "705032704"]


def test_a_text_assigned_to_a_real_and_a_number_to_a_boolean():
    assert output([decl("r", "Real", "3.25"), say(op("*", var("r"), 2)),
                   decl("b", "Boolean", 5), say(var("b")), assign("b", 0), say(var("b"))]) == ["6.5", "1", "0"]
    outcome, _ = run([decl("b", "Boolean"), assign("b", "yes")])
    assert outcome.kind == "error" and "A string cannot be used as a boolean" in outcome.error.message


def test_declared_variables_start_empty_and_stay_visible_after_their_block():
    assert output([decl(["a", "b"], "Text"), decl("n", "Integer"),
                   A.If(1, 1, A.Literal(1, 1, True), [decl("inner", "Text", "kept")], None),
                   say(op("+", op("+", var("a"), var("n")), var("inner")))]) == ["0kept"]


def _for_each(item, source, body):
    return A.ForEach(1, 1, var(item), source, None, None, None, None, body, "FOR EACH")


def test_an_array_grows_with_add_and_tells_its_size():
    assert output([array("names", "Text"),
                   say(call("ArrayCount", var("names"))),
                   A.ExprStatement(1, 1, call("Add", var("names"), "ann")),
                   A.ExprStatement(1, 1, call("Ajoute", var("names"), 587)),        # converted: an array of strings
                   A.ExprStatement(1, 1, mcall(var("names"), "Add", "bob")),
                   say(call("TableauOccurrence", var("names"))), say(member(var("names"), "Count")),
                   say(member(var("names"), "occurrence")),
                   say(element(var("names"), 1)), say(op("+", element(var("names"), 2), 1)),
                   ]) == ["0", "3", "3", "3", "ann", "5871"]


def test_elements_are_read_and_written_from_1():
    assert output([array("n", "Integer"), A.ExprStatement(1, 1, call("Add", var("n"), 10)),
                   A.ExprStatement(1, 1, call("Add", var("n"), 20)),
                   assign(element(var("n"), 2), 2.9), say(element(var("n"), 2)),
                   assign(element(var("n"), 1), "7"), say(op("+", element(var("n"), 1), element(var("n"), 2)))
                   ]) == ["2", "9"]
    for index in (0, 3):
        outcome, _ = run([array("n", "Integer"), A.ExprStatement(1, 1, call("Add", var("n"), 1)),
                          say(element(var("n"), index))])
        assert outcome.kind == "error" and "out of range" in outcome.error.message


def test_for_each_walks_the_elements_in_order():
    assert output([array("t", "Text"), _for_each("x", var("t"), [say("never")]),
                   A.ExprStatement(1, 1, call("Add", var("t"), "a")), A.ExprStatement(1, 1, call("Add", var("t"), "b")),
                   A.ExprStatement(1, 1, call("Add", var("t"), "c")),
                   _for_each("x", var("t"), [say(op("+", "item ", var("x")))]),
                   A.ExprStatement(1, 1, call("ArrayDeleteAll", var("t"))), say(member(var("t"), "Count"))
                   ]) == ["item a", "item b", "item c", "0"]


def test_an_array_of_objects():
    outcome, _ = run([array("o", "Email"), A.ExprStatement(1, 1, call("Add", var("o"), "text"))])
    assert outcome.kind == "error" and outcome.error.code == 55      # an element is an object
    assert output([array("o", "Email"), A.ExprStatement(1, 1, call("Add", var("o"), A.ObjectLiteral(1, 1, []))),
                   say(member(var("o"), "Count"))]) == ["1"]


def test_an_array_function_it_does_not_have_is_an_error():
    outcome, _ = run([array("t", "Text"), A.ExprStatement(1, 1, mcall(var("t"), "Shuffle"))])
    assert outcome.kind == "error" and "Shuffle" in outcome.error.message


def test_an_array_read_through_brackets_it_was_not_known_by():
    # `o.list[2]`: the front end cannot know a property holds an array (an Index, not an Element)
    def index(target, i):
        return A.Index(1, 1, target, A.Literal(1, 1, float(i)))
    assert output([array("t", "Text"), A.ExprStatement(1, 1, call("Add", var("t"), "a")),
                   A.ExprStatement(1, 1, call("Add", var("t"), "b")), assign("v", var("t")),
                   say(index(var("v"), 2)), assign(index(var("v"), 1), 5), say(element(var("t"), 1)),
                   assign("c", A.CollectionLiteral(1, 1, [A.Literal(1, 1, "x")])), say(index(var("c"), 0))
                   ]) == ["b", "5", "x"]


def test_an_array_of_variants_holds_any_value():
    assert output([array("v", "Variant"), A.ExprStatement(1, 1, call("Add", var("v"), "text")),
                   A.ExprStatement(1, 1, call("Add", var("v"), 2)), assign(element(var("v"), 1), 1.5),
                   say(op("+", element(var("v"), 1), element(var("v"), 2))), say(member(var("v"), "Count"))
                   ]) == ["3.5", "2"]
    outcome, _ = run([array("v", "Variant"), assign(element(var("v"), 1), 1)])
    assert outcome.kind == "error" and "out of range" in outcome.error.message
