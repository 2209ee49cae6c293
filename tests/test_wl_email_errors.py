"""WLanguage's non-fatal error model: the last error of the process, ErrorOccurred, ErrorInfo."""
from __future__ import annotations

import pytest

from fourmail.commands import wl_errors
from fourmail.commands.registry import namespace
from fourmail.program import new_runtime
from fourmail.runtime.errors import FourDError


def call(rt, name, *args):
    return namespace("wlanguage").lookup_command(name).resolve()(rt, *args)


def const(name):
    return namespace("wlanguage").lookup_constant(name).value


def test_no_error_at_start():
    rt = new_runtime()
    assert call(rt, "ErrorOccurred") is False
    assert call(rt, "ErreurDétectée") is False
    assert call(rt, "ErrorInfo") == ""
    assert call(rt, "ErrorInfo", const("errCode")) == 0


def test_a_failure_is_remembered_until_the_next_reset():
    rt = new_runtime()
    assert wl_errors.set_error(rt, "SMTP session, access denied.", 535) is False
    assert call(rt, "ErreurDetectee") is True          # names match without accents
    assert call(rt, "ErrorInfo") == "SMTP session, access denied."
    assert call(rt, "ErreurInfo", const("errMessage")) == "SMTP session, access denied."
    assert call(rt, "ErrorInfo", const("ERRCODE")) == 535
    wl_errors.reset(rt)
    assert call(rt, "ErrorOccurred") is False
    assert call(rt, "ErrorInfo") == ""


def test_each_process_has_its_own_last_error():
    a, b = new_runtime(), new_runtime()
    wl_errors.set_error(a, "failed", 1)
    assert call(a, "ErrorOccurred") is True
    assert call(b, "ErrorOccurred") is False


@pytest.mark.parametrize("what", ["message", 99, True])
def test_an_unknown_kind_of_information_is_a_programming_error(what):
    with pytest.raises(FourDError):
        call(new_runtime(), "ErrorInfo", what)
