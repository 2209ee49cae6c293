"""Inputs the fuzzers found that crashed fourmail (a Python exception instead of a 4D error or a
syntax error)."""
from __future__ import annotations

import pytest

from fourmail.lang.fourd import SourceSyntaxError, parse


def test_a_class_store_after_a_dereference_is_a_syntax_error():
    with pytest.raises(SourceSyntaxError) as e:
        parse("IfIf->4D.File\n")
    assert (e.value.line, e.value.col) == (1, 7)


def test_an_array_element_at_a_nan_index_is_element_zero(run):
    r = run('ARRAY TEXT($a;2)\n$a{0}:="zero"\n$x:=$a{Log(-1)}\nALERT($x)')
    assert r.error is None and r.lines == ["zero"]
