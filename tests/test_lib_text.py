"""commands/text.py: String, Num and the text commands."""
import math
import re
import types

import pytest

from fourmail.commands import text as T
from fourmail.runtime.collation import FOURD_COLLATION, text_key
from fourmail.runtime.conversions import to_text
from fourmail.compiler.codegen import STAR
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import UNDEFINED, Date, Time

rt = types.SimpleNamespace(project_dir=None, collation=FOURD_COLLATION)


# ---------------------------------------------------------------- String (string.md)

@pytest.mark.parametrize("value,expected", [
    (2.0 ** 15, "32768"),                      # default format
    (1 / 3, "0.3333333333333"),                # 13 significant digits
    (math.atan(1) * 4, "3.14159265359"),
    (1e20, "1e+20"),
    (-0.0, "0"),
    (1.5, "1.5"),
    (42, "42"),                                # an Integer
    (math.inf, "INF"),
    (-math.inf, "-INF"),
    (math.nan, ""),                            # not a number
])
def test_string_of_numbers(value, expected):
    assert T.string(rt, value) == expected


@pytest.mark.parametrize("value,fmt,expected", [
    (2.0 ** 15, "###,##0 Inhabitants", "32,768 Inhabitants"),
    (1 / 3, "##0.00000", "0.33333"),
    (math.atan(1) * 4, "##0.00", "3.14"),
    (-1.0, "&x", "0xFFFFFFFF"),
    (-1.0, "&$", "$FFFFFFFF"),
    (128.0, "&x", "0x0080"),
    (128.0, "&$", "$80"),
    (16384.0, "&x", "0x4000"),
    (16384.0, "&$", "$4000"),
    (50.3, "&xml", "50.3"),
    (1.0, "True;;False", "True"),
    (0.0, "True;;False", "False"),
    (-1234.5, "###,##0.00", "-1,234.50"),
    (-5.0, "##0;(##0)", "(5)"),
    (math.nan, "##0.00", ""),                  # not a number
    (5.0, "0000", "0005"),
])
def test_string_with_number_format(value, fmt, expected):
    assert T.string(rt, value, fmt) == expected


@pytest.mark.parametrize("value,base,expected", [
    (10.0, 2, "1010"), (-10.0, 2, "-1010"), (254.0, 16, "fe"), (-16523461.0, 16, "-fc20c5"),
    (math.nan, 10, "NaN"), (math.inf, 10, "NaN"), (-math.inf, 10, "NaN"),
])
def test_string_with_base(value, base, expected):
    assert T.string(rt, value, base) == expected


def test_string_base_out_of_range():
    with pytest.raises(FourDError):
        T.string(rt, 10.0, 37)


def test_string_of_other_types():
    assert T.string(rt, True) == "True" and T.string(rt, False) == "False"   # "Boolean Expressions"
    assert T.string(rt, UNDEFINED) == ""                                     # "Undefined Expressions"
    assert T.string(rt, None) == "null"                                      # "Null Expressions"
    assert T.string(rt, "abc", "###") == "abc"                               # format ignored for text
    assert T.string(rt, Time(3723)) == "01:02:03"                            # default HH:MM:SS
    assert T.string(rt, Date(2023, 11, 27)) == "11/27/2023"
    assert T.string(rt, {"a": 1.0}) == '{"a":1}'
    assert T.string(rt, [1.0, "x"]) == '[1,"x"]'


def test_to_text_is_string_with_one_argument():
    assert to_text(0.5) == T.string(rt, 0.5) == "0.5"


# ---------------------------------------------------------------- Num (num.md)

@pytest.mark.parametrize("text,expected", [
    ("ABCD", 0.0), ("A1B2C3", 123.0), ("123", 123.0), ("123.4", 123.4), ("-123", -123.0),
    ("\u2013123e2", -12300.0), ("123-456", 123.0), ("-9", -9.0), ("123e-2", 1.23), ("", 0.0),
])
def test_num_of_text(text, expected):
    assert T.num(rt, text) == pytest.approx(expected)


def test_num_separator():
    # num.md example 3: "33,333.33" read with "." as separator
    assert T.num(rt, "33,333.33", ".") == pytest.approx(33333.33)
    assert T.num(rt, "12,5", ",") == pytest.approx(12.5)


def test_num_of_other_types():
    assert T.num(rt, True) == 1.0 and T.num(rt, False) == 0.0
    assert T.num(rt, 7) == 7.0 and type(T.num(rt, 7)) is float
    assert T.num(rt, UNDEFINED) == 0.0
    with pytest.raises(FourDError):
        T.num(rt, {})


# ---------------------------------------------------------------- simple commands

def test_length_upper_lower():
    assert T.length(rt, "héllo") == 5
    assert T.uppercase(rt, "hélène") == "HELENE"          # uppercase.md: accents lost by default
    assert T.uppercase(rt, "hélène", STAR) == "HÉLÈNE"
    assert T.lowercase(rt, "DÉJÀ VU") == "deja vu"         # lowercase.md
    assert T.lowercase(rt, "DÉJÀ VU", STAR) == "déjà vu"


def test_text_commands_reject_other_types():
    with pytest.raises(FourDError):
        T.length(rt, 5.0)


def test_substring():
    # substring.md examples
    assert T.substring(rt, "08/04/62", 4, 2) == "04"
    assert T.substring(rt, "Emergency", 1, 6) == "Emerge"
    assert T.substring(rt, "abc", 2) == "bc"
    assert T.substring(rt, "abc", 5) == ""
    assert T.substring(rt, "abc", 2, 10) == "bc"


def test_position():
    # position.md example 1
    assert T.position(rt, "ll", "Willow") == 3
    assert T.position(rt, "day", "Today is the first day", 1) == 3
    assert T.position(rt, "day", "Today is the first day", 4) == 20
    assert T.position(rt, "DAY", "Today is the first day", 1, STAR) == 0
    assert T.position(rt, "DAY", "Today is the first day") == 3
    assert T.position(rt, "", "") == 0
    assert T.position(rt, "x", "abc") == 0


def test_position_is_diacritic_insensitive_and_linguistic():
    assert T.position(rt, "e", "café") == 4
    assert T.position(rt, "é", "cafe", STAR) == 0
    assert T.position_ex(FOURD_COLLATION, "œ", "Bœuf", 1) == (2, 1)          # lengthFound = 1
    assert T.position_ex(FOURD_COLLATION, "oe", "Bœuf", 1) == (2, 1)         # œ = oe
    assert T.position(rt, "abc@", "xabcd") == 0             # no wildcard in Position


def test_position_options():
    # compare-strings.md options: 2 case insensitive, 4 diacritic insensitive, 1 char codes, 32 whole word
    assert T.position(rt, "A", "xa", 1, 0, 2.0) == 2
    assert T.position(rt, "à", "xa", 1, 0, 2.0) == 0
    assert T.position(rt, "à", "xa", 1, 0, 4.0) == 2
    assert T.position(rt, "where", "somewhere where", 1, 0, 32.0) == 11


def test_replace_string():
    # replace-string.md examples
    assert T.replace_string(rt, "Willow", "ll", "d") == "Widow"
    assert T.replace_string(rt, "Shout", "o", "") == "Shut"
    assert T.replace_string(rt, "a\tb\tc", "\t", ",", STAR) == "a,b,c"
    assert T.replace_string(rt, "Crème brûlée", "Brulee", "caramel") == "Crème caramel"
    assert T.replace_string(rt, "Crème brûlée", "Brulee", "caramel", STAR) == "Crème brûlée"
    assert T.replace_string(rt, "abc", "", "x") == "abc"
    assert T.replace_string(rt, "aaaa", "a", "b", 2) == "bbaa"


def test_split_string():
    # split-string.md example 1
    vt = "John;Doe;120 jefferson st.;Riverside;; NJ; 08075"
    assert T.split_string(rt, vt, ";") == ["John", "Doe", "120 jefferson st.", "Riverside", "", " NJ", " 08075"]
    assert T.split_string(rt, vt, ";", 1) == ["John", "Doe", "120 jefferson st.", "Riverside", " NJ", " 08075"]
    assert T.split_string(rt, vt, ";", 3) == ["John", "Doe", "120 jefferson st.", "Riverside", "NJ", "08075"]
    assert T.split_string(rt, "abc", "") == ["a", "b", "c"]
    assert T.split_string(rt, "abc", ",") == ["abc"]
    assert T.split_string(rt, "a||b", "||") == ["a", "b"]


def test_char_and_character_code():
    # character-code.md
    assert T.character_code(rt, "ABC") == 65
    assert T.char(rt, 65) == "A"
    assert T.character_code(rt, "A") != T.character_code(rt, "a")
    with pytest.raises(FourDError):
        T.char(rt, -1)


def test_change_delete_insert_string():
    assert T.change_string(rt, "Acme", "CME", 2) == "ACME"              # change-string.md
    assert T.change_string(rt, "November", "Dec", 1) == "December"
    assert T.change_string(rt, "abc", "xyz", 3) == "abx"                # same length as source
    assert T.change_string(rt, "abc", "x", 0) == "abc"
    assert T.delete_string(rt, "Lamborghini", 6, 6) == "Lambo"          # delete-string.md
    assert T.delete_string(rt, "Indentation", 6, 2) == "Indention"
    assert T.delete_string(rt, "abcdef", 3, 32000) == "ab"
    assert T.delete_string(rt, "abc", 9, 1) == "abc"
    assert T.insert_string(rt, "The tree", " green", 4) == "The green tree"   # insert-string.md
    assert T.insert_string(rt, "Shut", "o", 3) == "Shout"
    assert T.insert_string(rt, "ab", "x", 10) == "abx"
    assert T.insert_string(rt, "ab", "x", 0) == "xab"


def test_compare_strings():
    # compare-strings.md example 1
    s1 = "alpha Bravo charlie Delta Echo Fox-Trot"
    s2 = "Alpha Bravo Charlie Delta Echo Fox-Trot"
    assert T.compare_strings(rt, s1, s2, 1) == 1                        # sk char codes
    assert T.compare_strings(rt, s1, s2, 1 + 2) == 0                    # + sk case insensitive
    assert T.compare_strings(rt, s1, s2) == 0                           # default like "<"
    assert T.compare_strings(rt, "ete", "été") == 0
    assert T.compare_strings(rt, "a", "b") == -1
    assert T.compare_strings(rt, "ete", "été", 0) != 0                  # sk strict


def test_generate_uuid():
    u = T.generate_uuid(rt)
    assert re.fullmatch(r"[0-9A-F]{32}", u) and u[12] == "4"
    assert T.generate_uuid(rt) != u
    assert T.generate_uuid(rt, 7)[12] == "7"


def test_text_key():
    assert text_key("Élève") == text_key("eleve")
    assert text_key("Straße") == text_key("STRASSE")
    assert text_key("ab") != text_key("ac")
