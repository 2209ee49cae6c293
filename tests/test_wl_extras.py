"""What the WLanguage front end reads beyond issue 13's first forms: FOR EACH with a subscript and
over the pieces of a text, a statement after ELSE on its line, text literals over several lines
and `[% %]` in texts, the CASE ERROR: / CASE EXCEPTION: labels. Each program is run as
`fourmail run` runs it and its output compared; English and French spellings give the same."""
from __future__ import annotations

import io

import pytest

from fourmail import lang
from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage import parse as wl_parse
from fourmail.program import new_runtime, report, run_source

WL = lang.get("wlanguage")


def run(source: str) -> tuple[str, str]:
    """(kind, what it printed and what a failure reported)."""
    out = io.StringIO()
    rt = new_runtime(WL, out=out, err=out, interactive=False)
    outcome = run_source(rt, source, "t.wl")
    report(outcome, rt, "t.wl", out)
    rt.shutdown()
    return outcome.kind, out.getvalue()


def lines(source: str) -> list[str]:
    kind, out = run(source)
    assert kind == "ok", out
    return out.splitlines()


def syntax_error(source: str) -> SourceSyntaxError:
    with pytest.raises(SourceSyntaxError) as e:
        wl_parse(source, "t.wl")
    return e.value


FRUITS = 'fruits is array of strings\nAdd(fruits, "apple"); Add(fruits, "pear"); Add(fruits, "plum")\n'
FRUITS_FR = 'fruits est un tableau de chaînes\nAjoute(fruits, "apple"); Ajoute(fruits, "pear"); Ajoute(fruits, "plum")\n'


# ---------------------------------------------------------------- FOR EACH x, i OF t
@pytest.mark.parametrize("source", [
    FRUITS + 'FOR EACH f, n OF fruits\n  Trace(n + " " + f)\nEND\nTrace("last " + n)',
    FRUITS_FR + 'POUR TOUT f, n DE fruits\n  Trace(n + " " + f)\nFIN\nTrace("last " + n)',
    FRUITS_FR + 'POUR TOUT ÉLÉMENT f, n DE fruits\n  Trace(n + " " + f)\nFIN\nTrace("last " + n)',
])
def test_for_each_gives_the_element_and_its_subscript(source):
    assert lines(source) == ["1 apple", "2 pear", "3 plum", "last 3"]


def test_the_subscript_counts_the_rounds_continue_skips():
    source = FRUITS + 'FOR EACH f, n OF fruits\n  IF n = 2 THEN CONTINUE\n  Trace(n + f)\nEND'
    assert lines(source) == ["1apple", "3plum"]


def test_the_subscript_of_an_empty_array_stays_0():
    assert lines('a is array of int\nFOR EACH x, n OF a\n  Trace("never")\nEND\nTrace(n)') == ["0"]


# ---------------------------------------------------------------- FOR EACH STRING
@pytest.mark.parametrize("source", [
    'FOR EACH STRING s OF "to,cc,,bcc" SEPARATED BY ","\n  Trace("<" + s + ">")\nEND',
    'POUR TOUTE CHAÎNE s DE "to,cc,,bcc" SÉPARÉE PAR ","\n  Trace("<" + s + ">")\nFIN',
    'pour toute chaine s de "to,cc,,bcc" separee par ","\n  Trace("<" + s + ">")\nfin',
])
def test_for_each_string_walks_the_pieces_between_separators(source):
    assert lines(source) == ["<to>", "<cc>", "<>", "<bcc>"]


def test_for_each_string_with_a_subscript_and_a_longer_separator():
    source = 'list is string = "ann@x.org" + CR + "bob@y.org"\n' \
             'FOR EACH STRING address, i OF list SEPARATED BY CR\n  Trace(i + ": " + address)\nEND'
    assert lines(source) == ["1: ann@x.org", "2: bob@y.org"]


def test_an_empty_text_has_no_pieces():
    assert lines('FOR EACH STRING s OF "" SEPARATED BY ";"\n  Trace("never")\nEND\nTrace("done")') == ["done"]


def test_for_each_string_needs_a_text_and_a_separator():
    kind, out = run('FOR EACH STRING s OF 12 SEPARATED BY ";"\n  Trace(s)\nEND')
    assert kind == "error" and "a string and a string separator are expected" in out
    kind, out = run('FOR EACH STRING s OF "a;b" SEPARATED BY ""\n  Trace(s)\nEND')
    assert kind == "error" and "the separator is an empty string" in out
    assert "SEPARATED BY" in str(syntax_error('FOR EACH STRING s OF "a;b"\n  Trace(s)\nEND'))


def test_separated_by_is_a_keyword_only_in_a_for_each_header():
    assert lines('separated is int = 2\nby is int = 3\nTrace(separated * by)') == ["6"]
