"""Shared test helpers: run 4D source in-process and capture what ALERT prints."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pytest_plugins = ["servers.fixtures"]

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "reference" / "4d" / "examples"


class Result:
    def __init__(self, out: str, error, rt, variables: dict | None = None):
        self.out, self.error, self.rt, self.variables = out, error, rt, variables or {}

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def run4d(source: str, *, answers=None, project_dir=None, filename="test.4dm", routes=(), cafiles=(),
          logs_dir=None, keep_variables=False) -> Result:
    """Compile and run `source`; return ALERT output and the uncaught 4D error (or None).
    `routes` ("HOST[:PORT]=TARGET[:PORT]") and `cafiles` are the CLI's --route and --cafile.
    With keep_variables the locals live in a dict (Result.variables) a test can read."""
    from fourmail.mail.network import parse_route
    from fourmail.program import new_runtime, run_source
    out = io.StringIO()
    rt = new_runtime(project_dir=project_dir or REPO, out=out, answers=answers, interactive=False,
                     logs_dir=logs_dir)
    rt.routes = [parse_route(r) for r in routes]
    rt.cafiles = [str(c) for c in cafiles]
    rt.main_name = Path(filename).stem
    variables: dict = {}
    outcome = run_source(rt, source, filename, locals_mode="dict" if keep_variables else "fast",
                         locals_dict=variables if keep_variables else None)
    if outcome.kind not in ("ok", "error"):      # a syntax error, an abort, a fourmail bug: the test's failure
        raise outcome.error
    error = outcome.error
    return Result(out.getvalue(), error, rt, variables)


def alerts(result) -> list:
    """What the run ALERTed, line by line, JSON texts decoded; the run must not have failed."""
    assert result.error is None, result.error.describe()
    out = []
    for line in result.lines:
        try:
            out.append(json.loads(line) if line[:1] in "{[" else line)
        except ValueError:
            out.append(line)
    return out


@pytest.fixture
def run():
    return run4d


# ---------------------------------------------------------------- fourmail's own bugs fail the suite
# An internal error (error 70: a Python exception escaping a command) is a bug in fourmail, even
# when the 4D program catches it: any test during which one happens fails. A test that provokes
# one on purpose says so with @pytest.mark.internal_error.

def pytest_configure(config):
    config.addinivalue_line("markers", "internal_error: the test provokes a fourmail internal error on purpose")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    from fourmail.runtime.errors import INTERNAL_ERROR_LISTENERS
    seen: list[BaseException] = []
    INTERNAL_ERROR_LISTENERS.append(seen.append)
    try:
        result = yield
    finally:
        INTERNAL_ERROR_LISTENERS.remove(seen.append)
    if seen and item.get_closest_marker("internal_error") is None:
        pytest.fail("fourmail internal error(s) during the test: "
                    + "; ".join(sorted({f"{type(e).__name__}: {e}" for e in seen})), pytrace=False)
    return result
