"""One WLanguage program written with English and with French keywords: `fourmail run` prints
the same for both (the front end builds the same tree; the engine runs it)."""
from __future__ import annotations

from test_cli import fourmail

ENGLISH = """// counting, in English keywords
total is int
names is array of strings
Add(names, "Ann")
Add(names, "Bob")
FOR i = 1 TO 10 STEP 3
	total += i
END
FOR EACH n OF names
	Trace("Hello " + n)
END
SWITCH total
	CASE 1, 2: Trace("small")
	CASE 20 TO 30: Trace("twenties: " + total)
	OTHER CASE: Trace("other")
END
k is int = 0
LOOP
	k++
	IF k = 2 THEN CONTINUE
	IF k > 3 THEN BREAK
END
WHILE k > 0 AND NOT k = 1
	k--
END
Trace(k, 7 Modulo 4, 2 ^ 3, "Abc" ~= " abc", "Abc" = "abc")
WHEN EXCEPTION IN
	ExceptionThrow(5, "boom")
DO
	Trace(ExceptionInfo(errMessage))
END
Trace(Twice(total))

PROCEDURE Twice(x is int) : int
RESULT x * 2
"""

FRENCH = """// counting, in French keywords
total est un entier
names est un tableau de chaînes
Ajoute(names, "Ann")
Ajoute(names, "Bob")
POUR i = 1 À 10 PAS 3
	total += i
FIN
POUR TOUT n DE names
	Trace("Hello " + n)
FIN
SELON total
	CAS 1, 2: Trace("small")
	CAS 20 À 30: Trace("twenties: " + total)
	AUTRE CAS: Trace("other")
FIN
k est un entier = 0
BOUCLE
	k++
	SI k = 2 ALORS CONTINUER
	SI k > 3 ALORS SORTIR
FIN
TANTQUE k > 0 ET PAS k = 1
	k--
FIN
Trace(k, 7 Modulo 4, 2 ^ 3, "Abc" ~= " abc", "Abc" = "abc")
QUAND EXCEPTION DANS
	ExceptionDéclenche(5, "boom")
FAIRE
	Trace(ExceptionInfo(errMessage))
FIN
Trace(Twice(total))

PROCÉDURE Twice(x est un entier) : entier
RENVOYER x * 2
"""

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
