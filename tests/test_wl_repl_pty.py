"""`fourmail repl --language wlanguage` as a person uses it: the real program in a
pseudo-terminal (replterm.Terminal), a block read until its END, declarations kept."""
from __future__ import annotations

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("pyte")

from replterm import Terminal  # noqa: E402


def test_a_block_is_read_until_its_end_and_variables_stay(tmp_path):
    t = Terminal(tmp_path, args=("repl", "--language", "wlanguage"))
    try:
        t.wait_for("WLanguage>")
        t.line("n est un entier = 3")
        t.settle()
        t.line("SI n > 2 ALORS")
        t.wait_for(lambda s: any(line.startswith("...") for line in s.splitlines()))
        t.line("n = n * 14")                 # typed without indentation: the REPL indents it
        t.settle()
        assert "42" not in [line.strip() for line in t.lines]
        t.line("FIN")
        t.settle()
        t.line("n")
        t.wait_for(lambda s: "42" in [line.strip() for line in s.splitlines()])
        lines = t.lines
        start = lines.index("WLanguage> SI n > 2 ALORS")
        dots = "." * (len("WLanguage> ") - 1) + " "      # the continuation prompt is as wide as the prompt
        assert lines[start + 1] == dots + "    n = n * 14"
        assert lines[start + 2] == dots + "FIN"
        t.child.sendcontrol("d")
        t.child.expect(pexpect.EOF, timeout=10)
        t.child.close()
        assert t.child.exitstatus == 0
    finally:
        t.close()
