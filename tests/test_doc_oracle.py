"""4D's documented semantics: every case of ../shared/corpus/doc-oracle/cases.jsonl (252 examples
from 4D's documentation with the results the pages state), run as that corpus's README says: in a
fresh folder holding `case.4dm` and its `files`, `fourmail run case.4dm` with no standard input,
whose output must be the case's `expected` (trailing blanks of a line do not count).

The cases fourmail does not pass are listed here with the reason; any other failure, or one of
these passing, fails the test."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import REPO

CASES = REPO.parent / "shared" / "corpus" / "doc-oracle" / "cases.jsonl"

KNOWN_DIFFERENCES = {
    "string__05": "string.md shows String(1/0) as INF; in fourmail a division by zero is error 20 (README, "
                  "'Decisions where the docs leave room')",
    "string__06": "the same: String(1/0; 10) divides by zero first",
    "dt_boolean__01": "the page's comments start with a backquote, the comment mark of 4D versions before v11; "
                      "today's 4D writes `//` and fourmail reads that only",
}


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")).rstrip("\n")


def _run_case(case: dict, folder) -> tuple[str, bool, str]:
    folder.mkdir()
    (folder / "case.4dm").write_text(case["code"] + "\n", encoding="utf-8")
    for name, body in (case.get("files") or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "fourmail", "run", "case.4dm"], cwd=folder, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, errors="replace", timeout=60)
    return case["id"], _normal(p.stdout) == _normal(case["expected"]), p.stdout


@pytest.mark.skipif(not CASES.is_file(), reason="../shared/corpus/doc-oracle is not beside the checkout")
def test_documented_results(tmp_path, capsys):
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) == 252
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda c: _run_case(c, tmp_path / c["id"]), cases))
    failed = {case_id: out for case_id, ok, out in results if not ok}
    with capsys.disabled():
        print(f"\ndoc-oracle: {len(results) - len(failed)} passed, {len(failed)} failed")
    assert len(results) - len(failed) >= 240
    unexpected = {case_id: out[:200] for case_id, out in failed.items() if case_id not in KNOWN_DIFFERENCES}
    assert unexpected == {}
    assert sorted(failed) == sorted(KNOWN_DIFFERENCES), "a known difference passes now: take it off the list"
