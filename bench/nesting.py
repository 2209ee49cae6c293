"""Deep nesting and long expressions: parse + compile + run time, in-process (median of RUNS).

- 1,000 nested `If` blocks, and 1,000 nested loops of every kind;
- a 10,000-term sum;
- a 10^6-iteration `For` loop, the hot path that nesting support must not slow down (ordinary
  methods compile exactly as before: compare with main), and the same loop 100 blocks deep, where
  it runs in a closure and its variables are shared cells: the ratio of the two is printed.
"""
from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))

LOOP = "$s:=0\nFor ($i;1;1000000)\n$s:=$s+$i\nEnd for\n"


def nested(openers: list[str], closers: list[str], depth: int) -> str:
    k = len(openers)
    return ("\n".join(openers[i % k].format(i=i) for i in range(depth)) + "\n$x:=1\n"
            + "\n".join(closers[i % k] for i in reversed(range(depth))) + "\n")


PROGRAMS = {
    "1,000 nested If": nested(["If (True)"], ["End if"], 1000),
    "1,000 nested loops": nested(["For ($f{i};1;1)", "$w{i}:=0\nWhile ($w{i}<1)\n$w{i}:=$w{i}+1",
                                  "For each ($e{i};[1])", "Repeat"],
                                 ["End for", "End while", "End for each", "Until (True)"], 1000),
    "10,000-term sum": "$x:=" + "+".join(["1"] * 10_000) + "\n",
    "10^6-iteration loop": LOOP,
    "10^6-iteration loop, 100 If deep": nested(["If (True)"], ["End if"], 100).replace("$x:=1\n", LOOP),
}


def timed(source: str) -> float:
    from fourmail.program import compile_source, new_runtime
    t0 = time.perf_counter()
    rt = new_runtime(project_dir=ROOT, out=io.StringIO(), interactive=False)
    rt.run(compile_source(rt, source, "bench.4dm", "bench"))
    return time.perf_counter() - t0


def main() -> int:
    medians = {}
    for name, source in PROGRAMS.items():
        timed(source)
        medians[name] = statistics.median(timed(source) for _ in range(RUNS))
        print(f"{name}: median {medians[name] * 1000:.0f} ms over {RUNS} runs")
    ratio = medians["10^6-iteration loop, 100 If deep"] / medians["10^6-iteration loop"]
    print(f"loop in a closure / plain loop: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
