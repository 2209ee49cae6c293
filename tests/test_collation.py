"""The collation is the process's (runtime/collation.py): 4D's by default, and the text commands and
collection functions compare with `rt.collation`, so another language can supply its own."""
from __future__ import annotations

import io

from fourmail.runtime.collation import FOURD_COLLATION, Collation, text_key
from fourmail.program import compile_source, new_runtime

SOURCE = '''ALERT(String(Position("É";"un café")))
ALERT(Replace string("Café CAFE";"cafe";"tea"))
ALERT(String(Compare strings("a";"A")))
ALERT(New collection("b";"B";"a";"é").sort().join(","))
ALERT(String(New collection("a";"A";"á").distinct().length))
ALERT(String(New collection("Abc").equal(New collection("abc"))))
ALERT(New collection("b";"B";"a").orderBy(1).join(","))
ALERT(String(New collection("b";"A").max()))'''   # orderBy(1): ck descending


def run(collation=None):
    out = io.StringIO()
    rt = new_runtime(out=out, interactive=False, **({"collation": collation} if collation else {}))
    rt.run(compile_source(rt, SOURCE, "collation.4dm", "collation"))
    return rt, out.getvalue().splitlines()


def test_a_process_compares_with_4d_collation_by_default():
    rt, lines = run()
    assert rt.collation is FOURD_COLLATION and rt.collation.key is text_key
    assert rt.collation.key("Élève") == rt.collation.key("ELEVE")
    assert lines == ["7", "tea tea", "0", "a,b,B,é", "1", "True", "b,B,a", "b"]


def test_another_collation_is_used_by_the_text_commands_and_collection_functions():
    exact = Collation("code points", key=lambda s: s, char_key=lambda c: c)
    rt, lines = run(exact)
    assert rt.collation is exact
    assert lines == ["0", "Café CAFE", "1", "B,a,b,é", "3", "False", "b,a,B", "b"]
