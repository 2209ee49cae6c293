"""A syntax error always names a line and a column of the text, even when the construct at fault
has no place of its own (an empty `[]`, whose brackets the grammar drops)."""
from __future__ import annotations

import pytest

from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage import parse


@pytest.mark.parametrize("line", ["[] = x", "[]++", "++[]", "[] += 1"])
def test_an_empty_array_literal_as_a_target_is_an_error_at_its_statement(line):
    with pytest.raises(SourceSyntaxError) as e:
        parse(f"x is int\n{line}\n", "f.wl")
    assert e.value.line == 2 and e.value.col >= 1 and "cannot be assigned" in e.value.message
