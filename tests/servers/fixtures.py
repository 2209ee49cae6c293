"""pytest fixtures for the mail servers (loaded by tests/conftest.py through pytest_plugins).

    def test_x(realmail):                      # session-scoped: Postfix + Dovecot, started once
        smtplib.SMTP_SSL(realmail.host, realmail.smtps, context=realmail.ssl_context())

    def test_y(faulty_smtp):                   # function-scoped factory, stopped after the test
        srv = faulty_smtp("421_after_mail")    # also: faulty_smtp("drop_when_idle", idle_timeout=0.5)
"""
from __future__ import annotations

from contextlib import ExitStack

import pytest

import mailservers


@pytest.fixture(scope="session")
def realmail():
    try:
        servers = mailservers.realmail()
    except mailservers.RealmailError as e:
        # Fail, never skip: tests of the transporters are meaningless without real servers.
        pytest.fail(str(e), pytrace=False)
    yield servers
    mailservers.stop()  # they stop unless another test run still uses them


@pytest.fixture
def faulty_smtp():
    with ExitStack() as stack:
        def start(behaviour: str = "ok", **kwargs) -> mailservers.FaultySMTP:
            return stack.enter_context(mailservers.faulty_smtp(behaviour, **kwargs))
        yield start
