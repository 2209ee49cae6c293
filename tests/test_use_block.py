"""`Use ... End use` is one row of the table of words (fourmail/lang/fourd/words.py): from that row
it is tokenized, parsed, highlighted, completed, known to `:help`, indented by the REPL and named
when it is left open. tests/test_words_table.py checks every row; this file checks the new block
through each of those paths by name, and the statement it compiles to."""
from __future__ import annotations

import io

import pytest
from pygments.token import Keyword

from conftest import REPO, alerts, run4d
from fourmail.lang import ast as A
from fourmail.lang.fourd import SourceSyntaxError, parse, words
from fourmail.lang.fourd import complete


def test_the_table_has_use_as_a_block_with_its_closer():
    assert words.BY_TOKEN["USE"].role == words.OPENER and words.BY_TOKEN["USE"].head
    assert words.BY_TOKEN["END_USE"].pairs == ("USE",)
    from test_words_table import OPENING_LINES
    assert "USE" in OPENING_LINES          # so every parametrised table test covers the new row


@pytest.mark.parametrize("spelling", ["Use", "use", "USE"])
def test_use_parses_into_a_use_block_in_any_case(spelling):
    tree = parse(f"{spelling} ($s)\n  $s.a:=1\nEnd {spelling.split()[0].lower()}\n")
    block = tree.body[0]
    assert isinstance(block, A.UseBlock) and isinstance(block.target, A.LocalVar)
    assert [type(s).__name__ for s in block.body] == ["Assign"]
    assert list(block.bodies()) == [block.body]


def test_use_and_end_use_are_highlighted_as_keywords():
    from fourmail.lang.fourd.highlight import FourDLexer
    code = "Use (Storage)\n  Storage.a:=1\nEnd use\n"
    found = {v: t for _, t, v in FourDLexer().get_tokens_unprocessed(code) if v.strip()}
    assert found["Use"] in Keyword and found["End use"] in Keyword


def test_use_and_end_use_are_completed():
    from prompt_toolkit.document import Document
    from fourmail.repl.completion import ReplCompleter
    from fourmail.repl.session import ReplSession
    repl = ReplSession(project_dir=REPO, out=io.StringIO(), err=io.StringIO())
    got = [c.text for c in ReplCompleter(repl).get_completions(Document("Us"), None)]
    assert "Use" in got
    got = [c.text for c in ReplCompleter(repl).get_completions(Document("Use (Storage)\nEnd u"), None)]
    assert "End use" in got


def test_help_knows_use_and_end_use():
    from fourmail.repl.help import index
    for word in ("Use", "End use", "end USE"):
        pages = [e for e in index().lookup(word) if e.kind == "concept"]
        assert pages and "Use...End use" in pages[0].text


def test_the_repl_indents_a_use_block_and_waits_for_its_end():
    assert complete.indent_levels("Use (Storage)\n")[1] == 1
    assert complete.indent_levels("Use (Storage)\n    Storage.a:=1\n    End use") == (0, 0)
    assert complete.is_dedent_line("  end use")
    assert complete.check_complete("Use (Storage)\n  Storage.a:=1\n").status != complete.COMPLETE
    assert complete.check_complete("Use (Storage)\n  Storage.a:=1\nEnd use\n").status == complete.COMPLETE
    assert complete.open_blocks("If (True)\nUse (Storage)\n") == ["IF", "USE"]


def test_a_use_block_left_open_names_end_use():
    with pytest.raises(SourceSyntaxError) as e:
        parse("Use (Storage)\n  Storage.a:=1\n")
    assert e.value.message == "unexpected end of file: missing End use"
    with pytest.raises(SourceSyntaxError) as e:
        parse("Use (Storage)\n  If (True)\n  End if\n")
    assert e.value.message == "unexpected end of file: missing End use"


def test_a_use_block_runs_its_body_with_the_object_in_use():
    r = run4d('''$s:=New shared object
Use ($s)
  $s.inside:=True
End use
ALERT(String($s.inside))''')
    assert alerts(r) == ["True"]
