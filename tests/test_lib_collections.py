"""runtime/collections.py: collection member functions (CollectionClass.md)."""
import types

import pytest

from fourmail.runtime.collation import FOURD_COLLATION
from fourmail.runtime.collections import COLLECTION_FUNCTIONS, call_collection_function
from fourmail.runtime.compare import Comparison
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import UNDEFINED, Date

rt = types.SimpleNamespace(project_dir=None, collation=FOURD_COLLATION, compare=Comparison(FOURD_COLLATION))


def call(c, name, *args):
    return call_collection_function(rt, c, name, list(args))


def cities():
    return [{"name": "Cleveland", "zc": 35049.0}, {"name": "Blountsville", "zc": 35031.0},
            {"name": "Adger", "zc": 35006.0}, {"name": "Clanton", "zc": 35046.0},
            {"name": "Clanton", "zc": 35045.0}]


def test_push_pop_shift_unshift():
    c = [1.0, 2.0]
    assert call(c, "push", 3, "x") is c and c == [1.0, 2.0, 3.0, "x"]     # .push() returns the collection
    assert type(c[2]) is float                                             # numbers stored as reals
    assert call(c, "pop") == "x"
    assert call([], "pop") is UNDEFINED
    assert call(c, "shift") == 1.0 and c == [2.0, 3.0]
    assert call([], "shift") is UNDEFINED
    c = [1.0, 2.0]
    call(c, "unshift", 4.0)
    call(c, "unshift", 6.0, 7.0)
    assert c == [6.0, 7.0, 4.0, 1.0, 2.0]                                  # .unshift() example


def test_insert_and_remove():
    c = ["a", "b", "c", "d"]
    call(c, "insert", 2, "X")
    call(c, "insert", -2, "Y")
    call(c, "insert", -10, "Hi")
    assert c == ["Hi", "a", "b", "X", "Y", "c", "d"]                       # .insert() example
    c = list("abcdefgh")
    call(c, "remove", 3)
    assert c == list("abcefgh")
    call(c, "remove", 3, 2)
    assert c == list("abcgh")
    call(c, "remove", -8, 1)
    assert c == list("bcgh")
    call(c, "remove", -3, 1)
    assert c == list("bgh")                                                # .remove() example
    assert call([], "remove", 0) == []


def test_slice_copy_concat_combine():
    c = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert call(c, "slice", 0, 3) == [1.0, 2.0, 3.0]                       # .slice() examples
    assert call(c, "slice", 3) == [4.0, 5.0]
    assert call(c, "slice", 1, -1) == [2.0, 3.0, 4.0]
    assert call(c, "slice", -3, -2) == [3.0]
    o = {"a": [1.0]}
    cp = call([o], "copy")
    assert cp == [o] and cp[0] is not o                                    # deep copy
    assert call([1.0], "concat", [2.0, 3.0], 4) == [1.0, 2.0, 3.0, 4.0]
    c = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    call(c, "combine", ["Orange", "Banana"], 3)
    assert c == [1.0, 2.0, 3.0, "Orange", "Banana", 4.0, 5.0, 6.0]         # .combine() example


def test_join():
    # .join() example: null shows as "null"; ck ignore null or empty removes null and ""
    c = [1.0, 2.0, 3.0, "Paris", None, "", 4.0, 5.0]
    assert call(c, "join", "|") == "1|2|3|Paris|null||4|5"
    assert call(c, "join", "|", 1) == "1|2|3|Paris|4|5"


def test_index_of_last_index_of_includes():
    col = [1.0, 2.0, "Henry", 5.0, 3.0, "Albert", 6.0, 4.0, "Alan", 5.0]
    assert call(col, "indexOf", 3.0) == 4                                  # .indexOf() example
    assert call(col, "indexOf", 5.0, 5) == 9
    assert call(col, "indexOf", "al@") == 5
    assert call(col, "indexOf", "Hello") == -1
    letters = "a,b,c,d,e,f,g,h,i,j,e,k,e".split(",")
    assert call(letters, "lastIndexOf", "e") == 12                         # .lastIndexOf() example
    assert call(letters, "lastIndexOf", "e", 6) == 4
    assert call(letters, "lastIndexOf", "e", 15) == 12
    assert call(letters, "lastIndexOf", "e", -2) == 10
    assert call(letters, "lastIndexOf", "x") == -1
    obj = {"value": 10.0}
    col2 = [1.0, 2.0, "Henry", 5.0, 3.0, "Albert", obj]
    assert call(col2, "includes", 3.0) and call(col2, "includes", "al@")   # .includes() example
    assert call(col2, "includes", obj) and not call(col2, "includes", {"value": 10.0})
    assert not call(col2, "includes", "Hello")
    assert call([None], "indexOf", None) == 0


def test_first_last_at():
    c = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert call(c, "first") == 10.0 and call(c, "last") == 50.0
    assert call([], "first") is UNDEFINED and call([], "last") is UNDEFINED
    assert call(c, "at", -2) == 40.0 and call(c, "at", 10) is UNDEFINED   # .at() example


def test_count_count_values_sum_average():
    col = [20.0, 30.0, None, 40.0, {"name": "Smith", "salary": 10000.0}, {"name": "Wesson", "salary": 50000.0},
           {"name": "Gross", "salary": 10500.0}, {"lastName": "Henry", "salary": 12000.0}]
    assert call(col, "count") == 7                                         # .count() example
    assert call(col, "count", "name") == 3
    assert call([1.0, 2.0, 5.0, 5.0, 5.0, 3.0], "countValues", 5.0) == 3  # .countValues()
    assert call([{"age": 5.0}, {"age": 2.0}, {"age": 5.0}], "countValues", 5.0, "age") == 2
    assert call([10.0, 20.0, "Monday", True, 2.0], "sum") == 32.0          # .sum() example
    assert call([{"salary": 10000.0}, {"salary": 50000.0}, {"salary": 10500.5}], "sum", "salary") == 70500.5
    assert call([], "sum") == 0.0
    assert call([10.0, 20.0, "Monday", True, 6.0], "average") == 12.0      # .average() example
    assert call(["x"], "average") is UNDEFINED


def test_min_max():
    # .max() / .min() example
    col = [200.0, 150.0, 55.0, {"name": "Smith", "salary": 10000.0}, {"name": "Wesson", "salary": 50000.0},
           {"name": "Alabama", "salary": 10500.0}]
    assert call(col, "max") is col[5]
    assert call(col, "max", "salary") == 50000.0
    assert call(col, "max", "name") == "Wesson"
    assert call(col, "min") == 55.0
    assert call(col, "min", "salary") == 10000.0
    assert call(col, "min", "name") == "Alabama"
    assert call([], "max") is UNDEFINED


def test_distinct():
    # .distinct() examples
    c = ["a", "b", "c", "A", "B", "c", "b", "b", {"size": 1.0}, {"size": 3.0}, {"size": 1.0}]
    assert call(c, "distinct") == ["a", "b", "c", {"size": 1.0}, {"size": 3.0}, {"size": 1.0}]
    assert call(c, "distinct", 8) == ["a", "A", "b", "B", "c", {"size": 1.0}, {"size": 3.0}, {"size": 1.0}]
    assert call(c, "distinct", "size") == [1.0, 3.0]
    assert call(c, "distinct", "size", 32) == [{"value": 1.0, "count": 2.0}, {"value": 3.0, "count": 1.0}]
    assert call([3.0, None, 1.0, 3.0], "distinct") == [1.0, 3.0]          # null values are not returned


def test_fill_resize_clear_reverse():
    c = [1.0, 2.0, 3.0, "Lemon", None, "", 4.0, 5.0]
    call(c, "fill", "2")
    call(c, "fill", "Hello", 5)
    call(c, "fill", 0, 1, 5)
    call(c, "fill", "world", 1, -5)
    assert c == ["2", "world", "world", 0.0, 0.0, "Hello", "Hello", "Hello"]   # .fill() example
    c = []
    assert call(c, "resize", 3) == [None, None, None]                      # .resize() examples
    assert call([1.0, 2.0, 3.0], "resize", 2) == [1.0, 2.0]
    assert call([], "resize", 2, 0) == [0.0, 0.0]
    c = [1.0, 2.0]
    assert call(c, "clear") is c and c == []
    o = {"a": 1.0}
    r = call([1.0, o], "reverse")
    assert r == [{"a": 1.0}, 1.0] and r[0] is not o                        # deep copy, reversed


def test_sort():
    # .sort() example 1: strings before numbers
    col = ["Tom", 5.0, "Mary", 3.0, "Henry", 1.0, "Jane", 4.0, "Artie", 6.0, "Chip", 2.0]
    assert call(col, "sort") is col
    assert col == ["Artie", "Chip", "Henry", "Jane", "Mary", "Tom", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    mixed = [Date(2020, 1, 1), [1.0], {"a": 1.0}, 2.0, "b", True, None]
    assert call(mixed, "sort") == [None, True, "b", 2.0, {"a": 1.0}, [1.0], Date(2020, 1, 1)]
    with pytest.raises(FourDError) as e:
        call([1.0], "sort", 5)                                             # a formula or a method name
    assert e.value.code == 66


def test_order_by():
    c = [3.0, 1.0, 2.0]
    assert call(c, "orderBy") == [1.0, 2.0, 3.0] and c == [3.0, 1.0, 2.0]  # a copy
    assert call(c, "orderBy", 1) == [3.0, 2.0, 1.0]                        # ck descending
    objs = [{"id": 1.0, "value": 5.0}, {"id": 2.0, "value": 9.0}, {"id": 3.0, "value": 5.0}]
    assert [o["id"] for o in call(objs, "orderBy", "value desc, id")] == [2.0, 1.0, 3.0]
    assert [o["id"] for o in call(objs, "orderBy", "value asc, id desc")] == [3.0, 1.0, 2.0]
    crit = [{"propertyPath": "value", "descending": True}, {"propertyPath": "id", "descending": True}]
    assert [o["id"] for o in call(objs, "orderBy", crit)] == [2.0, 3.0, 1.0]
    phones = [{"name": "Cleveland", "phones": {"p1": "01"}}, {"name": "Blountsville", "phones": {"p1": "00"}}]
    assert call(phones, "orderBy", "phones.p1 asc")[0]["name"] == "Blountsville"
    with pytest.raises(FourDError):
        call(objs, "orderBy", "value sideways")


def test_query():
    c = cities()
    assert call(c, "query", "name = :1", "Cleveland") == [c[0]]            # .query() example 1
    assert call(c, "query", "zc > 35040") == [c[0], c[3], c[4]]
    assert call(c, "query", ":1=:2", "name", "clanton") == [c[3], c[4]]   # placeholder property path
    assert call(c, "query", "name = 'cl@' and (zc < 35046 or zc = 35049)") == [c[0], c[4]]
    assert call(c, "query", "not(name = 'cl@')") == [c[1], c[2]]
    assert call(c, "query", "name # 'cl@'") == [c[1], c[2]]
    assert call(c, "query", "zc in :1", [35006.0, 35031.0]) == [c[1], c[2]]
    assert call(c, "query", "name in ['adger', 'Blount@']") == [c[1], c[2]]
    assert call(c, "query", "name == 'Clanton' OR name = Adger") == [c[2], c[3], c[4]]
    assert call(c, "query", "name = :n", {"parameters": {"n": "Adger"}}) == [c[2]]
    assert call(c, "indices", "zc > 35040") == [0.0, 3.0, 4.0]            # .indices() example


def test_query_null_dates_and_literal_at():
    people = [{"name": "Smith", "dateHired": Date(2002, 5, 22), "age": 45.0},
              {"name": "Wesson", "dateHired": Date(2017, 11, 30)},
              {"name": "Sterling", "dateHired": Date(1999, 5, 10), "age": None},
              {"name": "a@b"}]
    assert [p["name"] for p in call(people, "query", "age=null")] == ["Wesson", "Sterling", "a@b"]
    assert [p["name"] for p in call(people, "query", "dateHired < :1", Date(2003, 1, 1))] == ["Smith", "Sterling"]
    assert [p["name"] for p in call(people, "query", "dateHired > '2010-01-01'")] == ["Wesson"]
    assert [p["name"] for p in call(people, "query", "name === 'a@'")] == []
    assert [p["name"] for p in call(people, "query", "name = '@in@'")] == ["Sterling"]
    with pytest.raises(FourDError):
        call(people, "query", "name = :1")                                 # no value for the placeholder
    with pytest.raises(FourDError):
        call(people, "query", "name = 'x' and")


def test_query_collection_paths_and_references():
    o1 = {"a": 1.0}
    col = [{"o": o1, "kids": [{"age": 3.0}]}, {"o": {"a": 1.0}, "kids": [{"age": 12.0}]}]
    assert call(col, "query", "o = :v", {"parameters": {"v": o1}}) == [col[0]]
    assert call(col, "query", "kids[].age > 10") == [col[1]]


def test_extract():
    c = [{"name": "Cleveland"}, {"zip": 5321.0}, {"name": "Blountsville"}, 42.0]
    assert call(c, "extract", "name") == ["Cleveland", "Blountsville"]     # .extract() example 1
    assert call(c, "extract", "name", 1) == ["Cleveland", None, "Blountsville", None]
    c2 = [{"zc": 35060.0}, {"name": None, "zc": 35049.0}, {"name": "Cleveland", "zc": 35049.0}]
    assert call(c2, "extract", "name", "City") == [{"City": None}, {"City": "Cleveland"}]
    assert call(c2, "extract", "name", "City", "zc", "Zip") == [
        {"Zip": 35060.0}, {"City": None, "Zip": 35049.0}, {"City": "Cleveland", "Zip": 35049.0}]


def test_equal_and_flat():
    # .equal() example
    assert not call([{"a": 1.0, "b": "orange"}, 2.0, 3.0], "equal", [{"a": 1.0, "b": "orange"}, 2.0, 3.0, 4.0])
    assert call([{"a": 1.0, "b": "orange"}, 2.0], "equal", [{"a": 1.0, "b": "ORange"}, 2.0])
    assert not call([{"a": 1.0, "b": "orange"}, 2.0], "equal", [{"a": 1.0, "b": "ORange"}, 2.0], 8)
    assert not call([None], "equal", [UNDEFINED])
    # .flat() examples
    assert call([1.0, 2.0, [3.0, 4.0]], "flat") == [1.0, 2.0, 3.0, 4.0]
    assert call([1.0, [3.0, [5.0]]], "flat") == [1.0, 3.0, [5.0]]
    assert call([1.0, [3.0, [5.0]]], "flat", 2) == [1.0, 3.0, 5.0]


def test_unknown_and_formula_functions():
    with pytest.raises(FourDError) as e:
        call([], "Push", 1.0)                                              # names are case-sensitive
    assert e.value.code == 61
    for name in ("map", "filter", "find", "findIndex"):
        with pytest.raises(FourDError) as e:
            call([1.0], name, True)                                        # neither formula nor method name
        assert e.value.code == 66
    assert "push" in COLLECTION_FUNCTIONS and "map" in COLLECTION_FUNCTIONS


def test_missing_parameters():
    with pytest.raises(FourDError):
        call([], "insert", 0)
    with pytest.raises(FourDError):
        call([], "join")
