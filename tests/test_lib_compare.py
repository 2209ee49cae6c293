"""runtime/compare.py: the 4D comparison rules."""
import pytest

from fourmail.runtime.collation import FOURD_COLLATION
from fourmail.runtime.compare import Comparison
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import UNDEFINED, Date, Time

C = Comparison(FOURD_COLLATION)      # the rules of a default process
compare, equal, greater, greater_equal = C.compare, C.equal, C.greater, C.greater_equal
less, less_equal, same_value, wildcard_match = C.less, C.less_equal, C.same_value, C.wildcard_match


# dt_string.md "String comparisons": case ignored, diacritics ignored
@pytest.mark.parametrize("a,b", [("a", "A"), ("n", "ñ"), ("n", "Ñ"), ("A", "å"), ("abc", "abc")])
def test_text_equal_ignores_case_and_accents(a, b):
    assert equal(a, b)


def test_text_different():
    # dt_string.md "String operators": "abc" = "abd" is False
    assert not equal("abc", "abd")


# dt_string.md "Wilcard character (@)"
@pytest.mark.parametrize("pattern", ["abc@", "abcdefghij@", "@abcdefghij", "abcd@efghij", "@abcdefghij@",
                                     "@abcde@fghij@"])
def test_wildcard_matches(pattern):
    assert equal("abcdefghij", pattern)


def test_wildcard_only_in_right_operand():
    assert not equal("abc@", "abcdefghij")


def test_double_wildcard_never_matches():
    assert not equal("abcdefghij", "abc@@fg")
    assert not wildcard_match("abc", "@@")


def test_wildcard_is_case_insensitive():
    assert wildcard_match("Albert", "al@")


# dt_string.md: only a trailing @ is supported for < and >
def test_ordering_with_trailing_wildcard():
    assert less_equal("abcd", "abc@")
    assert greater_equal("abcd", "abc@")
    assert less("abc", "abd")
    assert greater("abd", "abc")
    assert not greater("abc", "abc")


# dt_number.md "Real comparison": epsilon
def test_reals_equal_within_epsilon():
    assert equal(0.1 + 0.2, 0.3)
    assert not equal(1.0, 1.001)
    assert compare(1.0, 1.0 + 1e-9) == 0


def test_time_compares_as_number():
    # dt_time.md: a time can be treated as a number
    assert equal(Time(3600), 3600.0)
    assert less(Time(60), Time(61))


def test_dates():
    # dt_date.md "Date operators"
    assert equal(Date(2017, 1, 1), Date(2017, 1, 1))
    assert greater(Date(2017, 1, 20), Date(2017, 1, 1))
    assert not less(Date(2017, 1, 20), Date(2017, 1, 20))


# dt_null_undefined.md "Null operators" / "Undefined operators"
def test_null_and_undefined_equality_table():
    assert equal(None, None)
    assert equal(None, UNDEFINED)
    assert equal(UNDEFINED, UNDEFINED)
    assert not equal(None, 42.0)
    assert not equal(UNDEFINED, 42.0)
    assert not equal({}, None)


def test_undefined_ordering_with_scalars_is_false():
    for op in (less, greater, less_equal, greater_equal):
        assert op(UNDEFINED, "abc") is False
        assert op(42.0, UNDEFINED) is False


def test_undefined_ordering_with_null_or_undefined_is_an_error():
    with pytest.raises(FourDError):
        greater(UNDEFINED, UNDEFINED)
    with pytest.raises(FourDError):
        greater(UNDEFINED, None)
    with pytest.raises(FourDError):
        less(UNDEFINED, True)


def test_null_ordering_is_an_error():
    with pytest.raises(FourDError):
        less(None, 1.0)
    with pytest.raises(FourDError):
        compare(1.0, None)


def test_objects_compare_by_reference():
    o = {"a": 1.0}
    assert equal(o, o)
    assert not equal(o, {"a": 1.0})
    c = [1.0]
    assert equal(c, c) and not equal(c, [1.0])


def test_incompatible_types_raise():
    with pytest.raises(FourDError) as e:
        equal("1", 1.0)
    assert e.value.code == 54
    with pytest.raises(FourDError):
        equal(True, 1.0)
    with pytest.raises(FourDError):
        less("a", 1.0)


def test_booleans_equal_booleans():
    assert equal(True, True) and not equal(True, False)


def test_same_value_never_raises():
    assert same_value("1", 1.0) is False
    assert same_value(True, 1.0) is False
    assert same_value("Al", "al@")
    assert not same_value("al@", "Albert")
