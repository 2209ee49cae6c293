"""Running a WLanguage program as `fourmail run` runs it, in this process (the tests of
tests/test_wl_fixes_*.py), through tests/wl_run.py."""
from __future__ import annotations

from wl_run import run_wl


def run(source: str, sandbox=None) -> tuple[str, str]:
    """(kind, what it printed then what a failure reported), on `sandbox`'s routes if given."""
    result = run_wl(source, sandbox, filename="t.wl")
    return result.kind, result.out + result.err


def lines(source: str, **kw) -> list[str]:
    kind, out = run(source, **kw)
    assert kind == "ok", out
    return out.splitlines()
