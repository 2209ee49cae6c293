"""NumToString's format is one printf conversion of a number, its width and precision bounded: a
format that would build a text of gigabytes is refused like any other bad format."""
from __future__ import annotations

import io

from fourmail import lang
from fourmail.program import new_runtime, report, run_source


def run(source: str, tmp_path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    rt = new_runtime(lang.get("wlanguage"), project_dir=tmp_path, out=out, err=err, interactive=False)
    report(run_source(rt, source, "n.wl"), rt, "n.wl", err)
    return out.getvalue(), err.getvalue()


def test_formats(tmp_path):
    out, err = run('Trace(NumToString(42, "05d"), NumToString(2.5, ".2f"), NumToString(255, "x"))', tmp_path)
    assert (out, err) == ("00042\n2.50\nff\n", "")


def test_a_format_too_wide_or_of_two_conversions_is_refused(tmp_path):
    for fmt in ("%2000000000d", "%.99999f", "%d %d", "s"):
        out, err = run(f'Trace(NumToString(1, "{fmt}"))', tmp_path)
        assert out == "" and "invalid format" in err and err.startswith("n.wl:1: WLanguage error"), (fmt, err)
