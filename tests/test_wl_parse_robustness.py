"""Whatever text it is given, the WLanguage front end answers with a tree or a SourceSyntaxError
(never a Python exception); its tolerant scan covers the text exactly; the REPL's completeness
check always answers; and lalr.py fails where lark fails."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage import LANGUAGE, parse
from test_wl_parse_tables import ours, theirs
from wl_names import namespace

NS = namespace()
PIECES = ["IF ", "SI ", " THEN", " ALORS", "ELSE", "SINON ", "END", "FIN", "\n", "; ", "x", "n", " = ", "=", "1", "2.5",
          '"a"', '""""', "(", ")", "[", "]", "[[", "]]", ", ", " + ", " - ", "*", "/", "^", " AND ", " OU ", " PAS ",
          "NOT ", " IN ", "SWITCH ", "CASE ", "OTHER CASE", ":", "FOR ", "POUR TOUT ", " TO ", " À ", " STEP ",
          " OF ", "WHILE ", "LOOP", "DO WHILE ", "BREAK", "RETURN", "RENVOYER ", "WHEN EXCEPTION IN", "DO",
          " is ", " est un ", "int", "chaîne", "array of ", "Email", "let ", ".", "..", " ...", "...\n", "++", "--",
          "+=", "<>", "~=", "[=", "=]", "?", "//c", "Trace", "ErrorOccurred", "emailOptionSécuriséTLS",
          "<COMPILE IF ConfigurationType<>Site>\n", "<END>\n", "\t", "@", "é", "PROCEDURE ", "LOCAL ",
          " : ", "P(", "QUAND EXCEPTION", "\nPROCEDURE P(a is int = 1, LOCAL b) : int\n"]
DECLARED = "x, n are int\n"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_a_tree_or_a_syntax_error(source):
    for text in (source, DECLARED + source):
        try:
            parse(text, "f.wl", names=NS)
        except SourceSyntaxError as e:
            assert e.line >= 1 and e.col >= 1 and e.message
    pieces = list(LANGUAGE.scan(source))
    assert "".join(source[p.start:p.end] for p in pieces) == source
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:]))
    LANGUAGE.completeness().check_complete(source)
    list(LANGUAGE.highlighter()().get_tokens_unprocessed(source))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20).map("".join))
def test_lalr_fails_where_lark_fails(source):
    text = DECLARED + source + "\n"
    a, b = ours(text), theirs(text)
    if a[0] == "error" and b[0] == "error" and a[1][0] == "$END":
        assert a[1][0] == b[1][0] and a[1][3] == b[1][3]
    else:
        assert a == b
