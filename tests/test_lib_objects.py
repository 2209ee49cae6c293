"""commands/objects.py: New object, New collection, OB commands, JSON, Value type."""
import types

import pytest

from fourmail.commands import objects as O
from fourmail.compiler.codegen import STAR
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import UNDEFINED, Date, Time

rt = types.SimpleNamespace(project_dir=None)


def test_new_object_pairs():
    # new-object.md example 1
    assert O.new_object(rt) == {}
    assert O.new_object(rt, "name", "Smith", "age", 40) == {"name": "Smith", "age": 40.0}


def test_new_object_numbers_are_reals():
    # new-object.md: "Number values are always stored as reals"
    assert type(O.new_object(rt, "n", 42)["n"]) is float


def test_new_object_property_names_are_case_sensitive():
    o = O.new_object(rt, "a", 1.0, "A", 2.0)
    assert o == {"a": 1.0, "A": 2.0}


def test_new_object_odd_arguments_fail():
    with pytest.raises(FourDError):
        O.new_object(rt, "a")
    with pytest.raises(FourDError):
        O.new_object(rt, 1.0, "x")


def test_new_object_times_and_dates():
    # ob-set.md / ob-get.md: times are stored as seconds; dates keep the date type
    o = O.new_object(rt, "t", Time(3601), "d", Date(2010, 1, 30))
    assert o["t"] == 3601.0 and type(o["t"]) is float
    assert o["d"] == Date(2010, 1, 30)


def test_new_collection():
    # new-collection.md
    assert O.new_collection(rt) == []
    c = O.new_collection(rt, 33, "mike", True, UNDEFINED)
    assert c == [33.0, "mike", True, None] and type(c[0]) is float


def test_ob_keys_values_entries():
    # ob-keys.md: definition order
    p = {"lastName": "Smith", "firstName": "Jenny", "children": {"Mary": 12.0}}
    assert O.ob_keys(rt, p) == ["lastName", "firstName", "children"]
    assert O.ob_values(rt, {"a": 1.0, "b": "x"}) == [1.0, "x"]
    assert O.ob_entries(rt, {"John": 42.0}) == [{"key": "John", "value": 42.0}]
    assert O.ob_keys(rt, None) == []


def test_ob_copy_is_deep():
    src = {"a": {"b": [1.0]}}
    cp = O.ob_copy(rt, src)
    cp["a"]["b"].append(2.0)
    assert src == {"a": {"b": [1.0]}}


def test_ob_is_empty_and_is_defined():
    # ob-is-empty.md example
    assert O.ob_is_empty(rt, None) is True
    assert O.ob_is_defined(rt, None) is False
    ref = O.ob_set(rt, None, "name", "Susie", "age", 4)
    assert O.ob_is_empty(rt, ref) is False and O.ob_is_defined(rt, ref) is True
    O.ob_remove(rt, ref, "name")
    O.ob_remove(rt, ref, "age")
    assert O.ob_is_empty(rt, ref) is True and O.ob_is_defined(rt, ref) is True
    # ob-is-defined.md example 2: property test, case-sensitive
    o = {"age": 42.0}
    assert O.ob_is_defined(rt, o, "age") and not O.ob_is_defined(rt, o, "Age")


def test_ob_get():
    # ob-get.md examples 2 and 7
    o = O.ob_set(rt, None, "age", 42)
    assert O.ob_get(rt, o, "age") == 42.0
    assert O.ob_get(rt, o, "age", 9) == 42 and type(O.ob_get(rt, o, "age", 9)) is int      # Is longint
    o2 = O.ob_set(rt, None, "myHour", Time(3601))
    assert o2 == {"myHour": 3601.0}
    assert O.ob_get(rt, o2, "myHour", 11) == Time(3601)                                      # Is time
    assert O.ob_get(rt, o, "missing") is UNDEFINED
    assert O.ob_get(rt, {"d": "2010-01-30"}, "d", 4) == Date(2010, 1, 30)                   # Is date


def test_ob_set_updates_and_returns_object():
    # ob-set.md example 3
    o = {"FirstName": "John", "LastName": "Smith"}
    assert O.ob_set(rt, o, "FirstName", "Paul") is o
    assert o == {"FirstName": "Paul", "LastName": "Smith"}
    with pytest.raises(FourDError):
        O.ob_set(rt, o, "x")


def test_ob_set_undefined_resets_existing_property():
    # dt_null_undefined.md: assigning undefined clears an existing property, ignores a missing one
    o = {"a": 2.0, "s": "x"}
    O.ob_set(rt, o, "a", UNDEFINED, "s", UNDEFINED, "z", UNDEFINED)
    assert o == {"a": 0.0, "s": ""}


def test_json_stringify_compact():
    # json-stringify.md examples
    assert O.json_stringify(rt, "Eureka!") == '"Eureka!"'
    assert O.json_stringify(rt, 120.0) == "120"
    assert O.json_stringify(rt, Time(72000)) == "72000"
    assert O.json_stringify(rt, {"lastname": "Monroe", "age": 40.0}) == '{"lastname":"Monroe","age":40}'
    assert O.json_stringify(rt, [33.0, "mike", Date(2017, 8, 28), False]) == '[33,"mike","2017-08-28",false]'
    assert O.json_stringify(rt, '{"name":"john"}') == '"{\\"name\\":\\"john\\"}"'


def test_json_stringify_numbers_and_special_values():
    assert O.json_stringify(rt, 1.5) == "1.5"
    assert O.json_stringify(rt, 1e21) == "1e+21"
    assert O.json_stringify(rt, 0.000015) == "0.000015"
    assert O.json_stringify(rt, {"n": None, "u": UNDEFINED}) == '{"n":null}'     # undefined omitted
    assert O.json_stringify(rt, "é") == '"é"'


def test_json_stringify_pretty_uses_tabs():
    # json-stringify.md example 3
    c = {"lastname": "Monroe", "firstname": "Alan", "children": {"firstname": "John", "age": "12"}}
    assert O.json_stringify(rt, c, STAR) == ('{\n\t"lastname": "Monroe",\n\t"firstname": "Alan",\n'
                                             '\t"children": {\n\t\t"firstname": "John",\n\t\t"age": "12"\n\t}\n}')
    assert O.json_stringify(rt, [1.0, [2.0]], STAR) == "[\n\t1,\n\t[\n\t\t2\n\t]\n]"
    assert O.json_stringify(rt, {}, STAR) == "{}"


def test_json_stringify_circular_fails():
    o = {}
    o["self"] = o
    with pytest.raises(FourDError):
        O.json_stringify(rt, o)


def test_json_parse():
    # json-parse.md example 1 and 5
    assert O.json_parse(rt, "42.17") == 42.17
    assert O.json_parse(rt, "120.13", 9) == 120
    assert O.json_parse(rt, '"Year 42"', 2) == "Year 42"
    assert O.json_parse(rt, '{"name":"john"}') == {"name": "john"}
    col = O.json_parse(rt, '["Monday",10,"Tuesday",11,false]')
    assert col == ["Monday", 10.0, "Tuesday", 11.0, False] and type(col[1]) is float
    assert O.json_parse(rt, "5120", 11) == Time(5120)
    assert O.json_parse(rt, "null") is None


def test_json_parse_dates():
    # dt_date.md note: "YYYY-MM-DD" strings become dates; json-parse.md example 2 keeps timestamps as text
    o = O.json_parse(rt, '{"name":"Marcus","birthday":"2017-10-16"}')
    assert o["birthday"] == Date(2017, 10, 16)
    assert O.json_parse(rt, '"1990-12-25T12:00:00Z"') == "1990-12-25T12:00:00Z"
    assert O.json_parse(rt, '"2008-01-01T12:00:00Z"', 4) == Date(2008, 1, 1)


def test_json_parse_invalid():
    with pytest.raises(FourDError):
        O.json_parse(rt, "{bad json")


def test_json_roundtrip():
    src = {"a": [1.0, 2.5, {"b": None}], "c": "x"}
    assert O.json_parse(rt, O.json_stringify(rt, src)) == src


def test_value_type():
    # value-type.md constants
    assert O.value_type(rt, 1.0) == 1
    assert O.value_type(rt, 1) == 9
    assert O.value_type(rt, "x") == 2
    assert O.value_type(rt, Date()) == 4
    assert O.value_type(rt, UNDEFINED) == 5
    assert O.value_type(rt, True) == 6
    assert O.value_type(rt, Time(0)) == 11
    assert O.value_type(rt, b"") == 30
    assert O.value_type(rt, {}) == 38
    assert O.value_type(rt, []) == 42
    assert O.value_type(rt, None) == 255
    assert O.value_type(rt, O.new_object(rt, "value", 42)["value"]) == 1   # numbers in objects are reals
