"""Running a WLanguage program as `fourmail run` runs it, in this process (the tests of
tests/test_wl_fixes_*.py)."""
from __future__ import annotations

import io

from fourmail import lang
from fourmail.program import new_runtime, report, run_source

WL = lang.get("wlanguage")


def run(source: str, rt_options: dict | None = None, setup=None) -> tuple[str, str]:
    """(kind, what it printed and what a failure reported). `setup(rt)` runs before the program."""
    out = io.StringIO()
    rt = new_runtime(WL, out=out, err=out, interactive=False, **(rt_options or {}))
    if setup is not None:
        setup(rt)
    try:
        outcome = run_source(rt, source, "t.wl")
        report(outcome, rt, "t.wl", out)
    finally:
        rt.shutdown()
    return outcome.kind, out.getvalue()


def lines(source: str, **kw) -> list[str]:
    kind, out = run(source, **kw)
    assert kind == "ok", out
    return out.splitlines()
