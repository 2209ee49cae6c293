"""One WLanguage program written with English and with French keywords: `fourmail run` prints
the same for both (the front end builds the same tree; the engine runs it)."""
from __future__ import annotations

from test_cli import fourmail

ENGLISH = '// counting, in English keywords\ntotal is int\nnames is array of strings\nAdd(names, "Ann")\nAdd(names, "Bob")\nFOR i = 1 TO 10 STEP 3\n\ttotal += i\nEND\nFOR EACH n OF names\n\tTrace("Hello " + n)\nEND\nSWITCH total\n\tCASE 1, 2: Trace("small")\n\tCASE 20 TO 30: Trace("twenties: " + total)\n\tOTHER CASE: Trace("other")\nEND\nk is int = 0\nLOOP\n\tk++\n\tIF k = 2 THEN CONTINUE\n\tIF k > 3 THEN BREAK\nEND\nWHILE k > 0 AND NOT k = 1\n\tk--\nEND\nTrace(k, 7 Modulo 4, 2 ^ 3, "Abc" ~= " abc", "Abc" = "abc")\nWHEN EXCEPTION IN\n\tExceptionThrow(5, "boom")\nDO\n\tTrace(ExceptionInfo(errMessage))\nEND\nTrace(Twice(total))\n\nPROCEDURE Twice(x is int) : int\nRESULT x * 2\n'

FRENCH = '// counting, in French keywords\ntotal est un entier\nnames est un tableau de chaînes\nAjoute(names, "Ann")\nAjoute(names, "Bob")\nPOUR i = 1 À 10 PAS 3\n\ttotal += i\nFIN\nPOUR TOUT n DE names\n\tTrace("Hello " + n)\nFIN\nSELON total\n\tCAS 1, 2: Trace("small")\n\tCAS 20 À 30: Trace("twenties: " + total)\n\tAUTRE CAS: Trace("other")\nFIN\nk est un entier = 0\nBOUCLE\n\tk++\n\tSI k = 2 ALORS CONTINUER\n\tSI k > 3 ALORS SORTIR\nFIN\nTANTQUE k > 0 ET PAS k = 1\n\tk--\nFIN\nTrace(k, 7 Modulo 4, 2 ^ 3, "Abc" ~= " abc", "Abc" = "abc")\nQUAND EXCEPTION DANS\n\tExceptionDéclenche(5, "boom")\nFAIRE\n\tTrace(ExceptionInfo(errMessage))\nFIN\nTrace(Twice(total))\n\nPROCÉDURE Twice(x est un entier) : entier\nRENVOYER x * 2\n'

EXPECTED = """Hello Ann
Hello Bob
twenties: 22
1
3
8
1
0
boom
44
"""


def test_english_and_french_keywords_print_the_same(tmp_path):
    outputs = []
    for name, source in (("en.wl", ENGLISH), ("fr.wl", FRENCH)):
        f = tmp_path / name
        f.write_text(source, encoding="utf-8")
        r = fourmail("run", str(f))
        assert r.returncode == 0, r.stderr
        outputs.append(r.stdout)
    assert outputs == [EXPECTED, EXPECTED]
