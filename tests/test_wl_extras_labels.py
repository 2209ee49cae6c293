"""CASE ERROR: and CASE EXCEPTION: at the end of a WLanguage code (the main code or a procedure's):
a non-fatal error the code does not test goes to CASE ERROR:, an exception to CASE EXCEPTION:,
and the code ends after the label's statements. The failures are real: a session opened on a
port where nothing listens, a message with no recipient sent through the sandbox's SMTP."""
from __future__ import annotations

import pytest

from fourmail.lang import ast as A
from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage import parse as wl_parse
from sandbox_util import fresh, sandbox  # noqa: F401  (the fixture)
from test_wl_extras import lines, run
from wl_run import run_wl

# a session on a local port where nothing listens: opening it fails at once, a non-fatal error
CLOSED = 's is emailSMTPSession\ns.ServerAddress = "127.0.0.1"\ns.Port = 1\n'
CLOSED_FR = 's est un emailSessionSMTP\ns.AdresseServeur = "127.0.0.1"\ns.Port = 1\n'


@pytest.mark.parametrize("source", [
    CLOSED + 'Trace("start")\nEmailStartSession(s)\nTrace("never")\nCASE ERROR:\n'
             '\tTrace("error: " + ErrorOccurred)\nCASE EXCEPTION:\n\tTrace("no exception")',
    CLOSED_FR + 'Trace("start")\nEmailOuvreSession(s)\nTrace("never")\nCAS ERREUR:\n'
                '\tTrace("error: " + ErreurDétectée)\nCAS EXCEPTION:\n\tTrace("no exception")',
])
def test_an_untested_failure_goes_to_case_error(source):
    assert lines(source) == ["start", "error: 1"]


def test_case_error_sees_the_error_and_a_statement_may_follow_the_colon():
    source = CLOSED + 'EmailStartSession(s)\nCASE ERROR: Trace(ErrorInfo(errMessage) <> "")'
    assert lines(source) == ["1"]


def test_a_tested_failure_stays_the_codes():
    source = CLOSED + ('IF NOT EmailStartSession(s) THEN Trace("tested")\n'
                       'ok is boolean = EmailStartSession(s)\nTrace(ok)\n'
                       'EmailStartSession(s)\nIF ErrorOccurred THEN Trace("tested after")\n'
                       'Trace("end")\nCASE ERROR:\n\tTrace("never")')
    assert lines(source) == ["tested", "0", "tested after", "end"]


def test_a_call_that_does_not_fail_leaves_an_earlier_error_alone():
    # ErrorOccurred is still True from the tested failure: Trace does not go to CASE ERROR:
    source = CLOSED + 'IF EmailStartSession(s) = False THEN Trace("failed")\nTrace("goes on")\nCASE ERROR:\n\tTrace("never")'
    assert lines(source) == ["failed", "goes on"]


def test_an_untested_failure_in_nested_blocks_leaves_them_all():
    source = CLOSED + ('FOR i = 1 TO 3\n  Trace(i)\n  IF i = 2 THEN\n    WHEN EXCEPTION IN\n      EmailStartSession(s)\n'
                       '    DO\n      Trace("not an exception")\n    END\n  END\nEND\nTrace("never")\n'
                       'CASE ERROR:\n\tTrace("left at " + i)')
    assert lines(source) == ["1", "2", "left at 2"]


def test_without_case_error_an_untested_failure_goes_on():
    assert lines(CLOSED + 'EmailStartSession(s)\nTrace("goes on: " + ErrorOccurred)') == ["goes on: 1"]


@pytest.mark.parametrize("source", [
    'Trace("start")\nx is int = 10 / 0\nTrace("never")\nCASE EXCEPTION:\n\tTrace(ExceptionInfo(errCode))',
    'Trace("start")\nx est un entier = 10 / 0\nTrace("never")\nCAS EXCEPTION :\n\tTrace(ExceptionInfo(errCode))',
])
def test_an_exception_goes_to_case_exception(source):
    assert lines(source) == ["start", "20"]


def test_when_exception_in_still_comes_first_and_case_error_does_not_take_exceptions():
    source = ('WHEN EXCEPTION IN\n  ExceptionThrow(7, "inner")\nDO\n  Trace("handled " + ExceptionInfo(errCode))\nEND\n'
              'ExceptionThrow(8, "outer")\nCASE ERROR:\n\tTrace("never")')
    kind, out = run(source)
    assert kind == "error" and out.startswith("handled 7\nt.wl:6: WLanguage error 8: outer")


def test_a_procedures_labels_are_its_own_and_end_it():
    source = ('Trace(Half(4))\nTrace(Half(0))\nTrace(Opened())\nTrace("main goes on")\n\n'
              'PROCEDURE Half(n)\nRESULT 8 / n\nCASE EXCEPTION:\n\tTrace("in Half: " + ExceptionInfo(errCode))\n'
              '\tRESULT -1\n\n'
              'PROCEDURE Opened()\n' + CLOSED + 'EmailStartSession(s)\nRESULT "open"\nCAS ERREUR:\n\tRENVOYER "closed"\n')
    assert lines(source) == ["2", "in Half: 20", "-1", "closed", "main goes on"]


def test_sending_a_message_with_no_recipient_goes_to_case_error(sandbox, tmp_path):  # noqa: F811
    source = ('s is emailSMTPSession\ns.ServerAddress = "smtp.gmail.com"\ns.Port = 587\n'
              f's.Option = emailOptionSecuredTLS\ns.Name = "{fresh()}"\ns.Password = "pw"\n'
              'm is Email\nm.Subject = "no one"\nIF NOT EmailStartSession(s) THEN RETURN\n'
              'EmailSendMessage(s, m)\nTrace("never")\nCASE ERROR:\n\tTrace(ErrorInfo())\n\tEmailCloseSession(s)')
    result = run_wl(source, sandbox, tmp_path)
    assert result.kind == "ok" and result.out.startswith("The email has no recipient") and "never" not in result.out


def test_the_labels_end_the_code_and_each_is_given_once():
    program = wl_parse('Trace(1)\nCASE ERROR:\nTrace(2)\nCASE EXCEPTION:\nTrace(3)\n', "t.wl")
    labelled = program.body[0]
    assert isinstance(labelled, A.Labelled) and len(labelled.on_error) == 1 and len(labelled.on_exception) == 1
    with pytest.raises(SourceSyntaxError) as e:
        wl_parse('Trace(1)\nCASE ERROR:\nTrace(2)\nCASE ERROR:\nTrace(3)\n', "t.wl")
    assert "a second CASE ERROR:" in str(e.value) and e.value.line == 4
    with pytest.raises(SourceSyntaxError):
        wl_parse('CASE ERROR:\nTrace(2)\nEND\n', "t.wl")
