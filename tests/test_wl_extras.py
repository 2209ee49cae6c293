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


# ---------------------------------------------------------------- ELSE stmt on its line
@pytest.mark.parametrize("source", [
    'n is int = 2\nIF n > 3 THEN\n  Trace("big")\nELSE Trace("small")\nTrace("after")',
    'n est un entier = 2\nSI n > 3 ALORS\n  Trace("big")\nSINON Trace("small")\nTrace("after")',
])
def test_an_else_statement_on_its_line_ends_the_if(source):
    # the IF page's syntax 2: IF c THEN, its lines, then `ELSE action` with no END
    assert lines(source) == ["small", "after"]
    assert lines(source.replace("= 2", "= 5")) == ["big", "after"]


def test_an_else_statement_followed_by_end_on_the_next_line():
    source = 'n is int = 2\nIF n > 3 THEN\n  Trace("big")\nELSE n = n * 10 // assigned\n\nEND\nTrace(n)'
    assert lines(source) == ["20"]


def test_the_one_line_if_else_if_chains_and_ternaries_are_unchanged():
    source = ('n is int = 6\nIF n = 6 THEN Trace("six") ELSE Trace("no")\nx is int = n > 3 ? 1 ELSE 2\nTrace(x)\n'
              'IF n = 1 THEN\n  Trace(1)\nELSE IF n = 6 THEN\n  Trace("6!")\nELSE\n  Trace("other")\nEND')
    assert lines(source) == ["six", "1", "6!"]


def test_an_else_line_inside_a_loop_leaves_the_loop_its_end():
    source = 'FOR i = 1 TO 3\n  IF i = 2 THEN\n    Trace("two")\n  ELSE Trace(i)\nEND'
    assert lines(source) == ["1", "two", "3"]


def test_more_lines_after_an_else_statement_are_not_its_branch():
    error = syntax_error('n is int\nIF n > 3 THEN\n  Trace("big")\nELSE Trace("small")\n  Trace("more")\nEND\n')
    assert (error.line, error.col) == (6, 1) and "END" in str(error)


# ---------------------------------------------------------------- texts over lines, [% %]
def test_a_quote_ending_its_line_opens_a_text_over_lines():
    source = 'body is string = "\n\tDear Ann,\n\t  see you ""soon"".\n\t"\nTrace(body)\nTrace(Length(body))\n' \
             'Trace(body = "Dear Ann," + CR + "  see you ""soon"".")'
    # the shared indentation is the code's; the lines are joined with CR
    assert lines(source) == ["Dear Ann,", '  see you "soon".', "28", "1"]


def test_brackets_on_their_own_lines_hold_a_text_where_quotes_are_plain():
    source = 'html is string = [\n    <p class="x">Hi</p>\n\n    <p>""two""</p>\n    ]\nTrace(html)\nTrace(Length(html))'
    assert lines(source) == ['<p class="x">Hi</p>', "", '<p>""two""</p>', str(19 + 2 + 2 + 14)]


def test_a_text_over_lines_keeps_the_line_numbers_of_what_follows():
    kind, out = run('s is string = "\n  a\n  b\n"\nx is int = 1 / 0')
    assert kind == "error" and out.startswith("t.wl:5: ")


def test_a_quote_left_open_in_a_line_is_still_a_syntax_error():
    error = syntax_error('Trace("abc)\nTrace(1)\n')
    assert (error.line, error.col) == (1, 7) and "unterminated" in str(error)


@pytest.mark.parametrize("source", [
    'who is string = "Ann"\nn is int = 3\nTrace("Hello [%who%], [% n + 1 %] new mails[%""!""%]")',
    'qui est une chaîne = "Ann"\nn est un entier = 3\nTrace("Hello [%qui%], [% n + 1 %] new mails[%""!""%]")',
])
def test_dynamic_strings_write_the_values_of_their_expressions(source):
    assert lines(source) == ["Hello Ann, 4 new mails!"]


def test_dynamic_strings_in_texts_over_lines_and_their_values_written_as_wlanguage_writes_them():
    source = 'ok is boolean = True\nx is real = 0.1 + 0.2\nt is string = [\n  [%Upper("ok")%]: [%ok%] [%x%]\n]\nTrace(t)'
    assert lines(source) == ["OK: 1 0.3"]


def test_text_without_a_closed_dynamic_part_is_kept_as_written():
    assert lines('Trace("50 [% off", "[%%]x")') == ["50 [% off", "[%%]x"]


def test_a_dynamic_part_names_declared_variables_only():
    error = syntax_error('Trace("Hello [%nobody%]")\n')
    assert "unknown identifier 'nobody'" in str(error)
    error = syntax_error('n is int\nTrace("[% n = %]")\n')
    assert error.line == 2 and "[% %]" in str(error)


def test_the_repl_waits_for_the_end_of_a_text_over_lines_and_runs_an_else_line():
    from fourmail.lang.wlanguage.complete import COMPLETE, INCOMPLETE, INVALID, check_complete
    assert check_complete('s is string = "').status == INCOMPLETE
    assert check_complete('s is string = "\n  Dear Ann,').status == INCOMPLETE
    assert check_complete('s is string = "\n  Dear Ann,\n"').status == COMPLETE
    assert check_complete('s is string = [\n  <p>').status == INCOMPLETE
    assert check_complete('s is string = "abc').status == INVALID          # left open in its line
    assert check_complete('IF True THEN\n  Trace(1)\nELSE Trace(2)').status == COMPLETE
