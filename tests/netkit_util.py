"""Running 4D source on the sandbox for the NetKit tests: the runtime `fourmail run --sandbox`
makes, ALERT lines back, and the run's error output."""
from __future__ import annotations

import io
from pathlib import Path

from fourmail.program import new_runtime, report, run_source
from fourmail.sandbox import routing


class Run:
    def __init__(self, out: str, err: str, kind: str, variables: dict):
        self.out, self.err, self.kind, self.variables = out, err, kind, variables

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def run_on_sandbox(source: str, sandbox, project_dir: Path, *, routed: bool = True) -> Run:
    """Run `source` as `fourmail run --sandbox` would (routes, CA, the provider's address); with
    routed False, as a plain `fourmail run` (no sandbox)."""
    out, err = io.StringIO(), io.StringIO()
    rt = new_runtime(project_dir=project_dir, out=out, err=err, interactive=False)
    rt.main_name = "netkit"
    if routed:
        routing.apply(rt, sandbox)
    variables: dict = {}
    outcome = run_source(rt, source, "netkit.4dm", locals_mode="dict", locals_dict=variables)
    report(outcome, rt, "netkit.4dm", err)
    rt.shutdown()
    return Run(out.getvalue(), err.getvalue(), outcome.kind, variables)
