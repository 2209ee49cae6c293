"""Running WLanguage source the way `fourmail run --sandbox` does, for the tests: on a started
sandbox's routes, the run's output and its report kept."""
from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

import pytest

from fourmail import lang
from fourmail.program import new_runtime, report, run_source
from fourmail.sandbox import routing

WLANGUAGE = lang.get("wlanguage")
EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "wlanguage" / "examples"
# a test that reads PC SOFT's snippets needs ../shared beside the checkout
needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"{EXAMPLES} is not there")


class Run(NamedTuple):
    kind: str        # program.Outcome's: "ok", "error", "syntax"...
    out: str         # what the program printed
    err: str         # the report of how it failed ("" when it did not)
    variables: dict  # its variables (case-folded names), with keep_variables


def run_wl(source: str, sandbox=None, project_dir: Path | None = None, filename: str = "test.wl", *,
           language=None, edit=None, keep_variables: bool = False, runtime=None,
           variables: dict | None = None) -> Run:
    """On `sandbox`'s routes (None: no mail server, as plain `fourmail run`). `runtime`: run in
    this one (one input of a session: its routes are set, it is not shut down), with
    `variables` kept from input to input."""
    out, err = io.StringIO(), io.StringIO()
    keep_variables = keep_variables or variables is not None
    variables = {} if variables is None else variables
    rt = runtime or new_runtime(language or WLANGUAGE, project_dir=project_dir, out=out, err=err, interactive=False)
    if runtime is None and sandbox is not None:
        routing.apply(rt, sandbox)
    outcome = run_source(rt, source, filename, edit=edit, locals_mode="dict" if keep_variables else "fast",
                         locals_dict=variables if keep_variables else None, shutdown=runtime is None)
    report(outcome, rt, filename, err)
    if runtime is None:
        rt.shutdown()
    return Run(outcome.kind, out.getvalue(), err.getvalue(), variables)
