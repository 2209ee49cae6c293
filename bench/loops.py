"""The interpreter's hot paths against plain Python doing the same work, in one run.

Two loops, each run as a compiled 4D method (in-process, compile time excluded) and as the same
Python function; the median of RUNS each. Printed: each time and the ratio 4D / Python.

- integer loop: 10^6 additions into a local (`$s:=$s+$i` in a For loop);
- object/collection/text loop: 10^5 times an object property incremented, a collection
  element pushed and one read, a text grown, and a text compared (`=`), as real code does in
  its loops.

Targets (README): integer loop ≤ 2.0, object/collection/text loop ≤ 3.0.
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
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

INTEGER_4D = """var $s; $i : Integer
$s:=0
For ($i;1;1000000)
$s:=$s+$i
End for
"""


def integer_py():
    s = 0
    for i in range(1, 1000001):
        s = s + i
    return s


OBJECTS_4D = """var $o : Object
var $c; $names : Collection
var $t; $k : Text
var $i; $n : Integer
$o:=New object("count";0)
$c:=New collection
$names:=New collection("smtp";"imap";"pop3")
$t:=""
For ($i;1;100000)
$o.count:=$o.count+1
$c.push($i)
$t:=$t+"a"
$k:=$names[$i%3]
If ($k="IMAP")
$n:=$n+1
End if
End for
"""


def objects_py():
    o = {"count": 0}
    c = []
    names = ["smtp", "imap", "pop3"]
    t = ""
    n = 0
    for i in range(1, 100001):
        o["count"] = o["count"] + 1
        c.append(i)
        t = t + "a"
        k = names[i % 3]
        if k.casefold() == "imap":
            n = n + 1
    return o, c, t, n


def _median(fn) -> float:
    fn()
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _compiled(source: str):
    from fourmail.program import compile_source, new_runtime
    rt = new_runtime(project_dir=ROOT, out=io.StringIO(), interactive=False)
    method = compile_source(rt, source, "loops.4dm", "loops")
    return lambda: rt.run(method)


def main() -> int:
    for name, source, python in (("integer loop (10^6 additions)", INTEGER_4D, integer_py),
                                 ("object/collection/text loop (10^5 rounds)", OBJECTS_4D, objects_py)):
        t4d, tpy = _median(_compiled(source)), _median(python)
        print(f"{name}: 4D {t4d * 1000:.0f} ms, Python {tpy * 1000:.0f} ms, ratio {t4d / tpy:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
