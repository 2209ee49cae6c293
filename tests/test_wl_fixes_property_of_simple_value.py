"""A property read on a value of a simple type (a number, a string, a boolean) is error 66 naming
the property, not an empty value; arrays and the e-mail types keep theirs."""
from __future__ import annotations

import pytest

from wl_fixes_util import lines, run


@pytest.mark.parametrize("source, message", [
    ("x is int = 5\nTrace(x..Occurrence)\n", "A number has no property Occurrence"),
    ("x est un réel = 2.5\nTrace(x.Count)\n", "A number has no property Count"),
    ('s is string = "abc"\nTrace(s..Occurrence)\n', "A string has no property Occurrence"),
    ("b est un booléen = Vrai\nTrace(b..Valeur)\n", "A boolean has no property Valeur"),
])
def test_error_66_names_the_property(source, message):
    kind, out = run(source)
    assert kind == "error"
    assert f"error 66: {message}" in out and "Traceback" not in out


def test_caught_by_when_exception_in():
    source = """n is int = 3
WHEN EXCEPTION IN
\tTrace(n..Occurrence)
DO
\tTrace(ExceptionInfo(errCode))
END
"""
    assert lines(source) == ["66"]


def test_arrays_and_mails_keep_their_properties():
    source = """t is array of int
Add(t, 4)
Trace(t..Occurrence)
m is Email
m.Subject = "hello"
Trace(m.Subject)
"""
    assert lines(source) == ["1", "hello"]
