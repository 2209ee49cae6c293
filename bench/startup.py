"""Start-up cost: `fourmail run examples/hello.4dm` against `python3 -c "import smtplib, email"`.

Both are timed in the same run, alternately, on the same interpreter; the median of each is
compared. Target: ratio <= 2.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> int:
    # An installed wheel comes with bytecode; a source checkout may not have any (and
    # PYTHONDONTWRITEBYTECODE may forbid writing it on the fly), so compile it first.
    import compileall
    compileall.compile_dir(str(ROOT / "fourmail"), quiet=1)
    # The installed console script, as a user types it (python -m would add runpy's cost).
    script = Path(sys.executable).with_name("fourmail")
    fourmail = ([str(script)] if script.exists() else [sys.executable, "-m", "fourmail"]) + ["run", "examples/hello.4dm"]
    baseline = [sys.executable, "-c", "import smtplib, email"]
    timed(fourmail)          # warm the grammar cache and the OS file cache
    timed(baseline)
    ours, theirs = [], []
    for _ in range(RUNS):
        ours.append(timed(fourmail))
        theirs.append(timed(baseline))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"fourmail run examples/hello.4dm: median {a * 1000:.1f} ms over {RUNS} runs")
    print(f"python3 -c 'import smtplib, email': median {b * 1000:.1f} ms over {RUNS} runs")
    print(f"ratio: {a / b:.2f} (target <= 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
