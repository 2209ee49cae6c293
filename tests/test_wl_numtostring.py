"""NumToString's format is one printf conversion of a number, its width and precision bounded: a
format that would build a text of gigabytes is refused like any other bad format."""
from __future__ import annotations

from wl_run import run_wl


def run(source: str, tmp_path) -> tuple[str, str]:
    result = run_wl(source, None, tmp_path, "n.wl")
    return result.out, result.err


def test_formats(tmp_path):
    out, err = run('Trace(NumToString(42, "05d"), NumToString(2.5, ".2f"), NumToString(255, "x"))', tmp_path)
    assert (out, err) == ("00042\n2.50\nff\n", "")


def test_a_format_too_wide_or_of_two_conversions_is_refused(tmp_path):
    for fmt in ("%2000000000d", "%.99999f", "%d %d", "s"):
        out, err = run(f'Trace(NumToString(1, "{fmt}"))', tmp_path)
        assert out == "" and "invalid format" in err and err.startswith("n.wl:1: WLanguage error"), (fmt, err)
