"""The table of 4D's words (fourmail/lang/fourd/words.py) and everything derived from it: each keyword
is highlighted, completed and known to `:help`, each block closer is named when it is missing."""
from __future__ import annotations

import io

import pytest
from pygments.token import Keyword, Name

from conftest import REPO
from fourmail.lang.fourd import SourceSyntaxError, parse, words

# A first line that opens each kind of block (a new opener in the table needs one here).
OPENING_LINES = {
    "IF": "If (True)", "CASE_OF": "Case of\n: (True)", "FOR": "For ($i;1;2)", "FOR_EACH": "For each ($x;[1;2])",
    "WHILE": "While (False)", "REPEAT": "Repeat", "TRY": "Try", "USE": "Use (Storage)",
}
KEYWORD_LOOKS = {words.STATEMENT: Keyword, words.DECLARATION: Keyword.Declaration, words.VALUE: Name.Builtin.Pseudo}


def ids(ws):
    return [w.spelling for w in ws]


@pytest.fixture(scope="module")
def repl():
    from fourmail.repl.session import ReplSession
    return ReplSession(project_dir=REPO, out=io.StringIO(), err=io.StringIO())


def completions(repl, text):
    from prompt_toolkit.document import Document
    from fourmail.repl.completion import ReplCompleter
    return [c.text for c in ReplCompleter(repl).get_completions(Document(text), None)]


@pytest.mark.parametrize("word", words.KEYWORDS, ids=ids(words.KEYWORDS))
def test_every_keyword_is_highlighted_as_a_keyword(word):
    from fourmail.lang.fourd.highlight import FourDLexer
    for written in (word.spelling, word.spelling.upper(), word.spelling.replace(" ", "  ")):
        tokens = [(t, v) for _, t, v in FourDLexer().get_tokens_unprocessed(written + "\n") if v.strip()]
        assert tokens == [(KEYWORD_LOOKS[word.kind], written)]
        assert KEYWORD_LOOKS[word.kind] in Keyword or word.kind == words.VALUE   # This / Super are values


@pytest.mark.parametrize("word", words.KEYWORDS, ids=ids(words.KEYWORDS))
def test_every_keyword_is_completed(repl, word):
    assert word.spelling in completions(repl, word.spelling[:-1])
    assert word.spelling in completions(repl, "$a:=1\n" + word.spelling[:-1].lower())


@pytest.mark.parametrize("word", words.KEYWORDS, ids=ids(words.KEYWORDS))
def test_every_keyword_has_its_help_page(word):
    from fourmail.repl.help import index
    page = [e for e in index().lookup(word.help) if e.kind == "concept"]
    assert page, f"no concept page {word.help!r}"
    assert page[0] in index().lookup(word.spelling)
    assert page[0] in index().lookup(word.spelling.upper())


@pytest.mark.parametrize("closer", [w for w in words.KEYWORDS if w.role == words.CLOSER],
                         ids=ids(w for w in words.KEYWORDS if w.role == words.CLOSER))
def test_a_missing_closer_is_named(closer):
    for opener in closer.pairs:
        with pytest.raises(SourceSyntaxError) as e:
            parse(OPENING_LINES[opener] + "\n$a:=1\n")
        assert e.value.message == f"unexpected end of file: missing {closer.spelling}"


def test_every_opener_has_a_closer_and_every_middle_an_opener():
    assert set(OPENING_LINES) == words.OPENERS
    closed = {o for w in words.KEYWORDS if w.role == words.CLOSER for o in w.pairs}
    assert closed == words.OPENERS
    assert all(set(w.pairs) <= words.OPENERS for w in words.KEYWORDS if w.role == words.MIDDLE)


def test_every_token_of_the_table_is_one_the_grammar_knows():
    from fourmail.lang.fourd.grammar import grammar_text
    grammar = grammar_text()
    for w in words.KEYWORDS:
        assert w.token in grammar


@pytest.mark.parametrize("word", [w for w in words.KEYWORDS if w.role in (words.MIDDLE, words.CLOSER)],
                         ids=ids(w for w in words.KEYWORDS if w.role in (words.MIDDLE, words.CLOSER)))
def test_middles_and_closers_put_their_line_back_at_the_block_level(word):
    from fourmail.lang.fourd.complete import indent_levels, is_dedent_line
    assert is_dedent_line("    " + word.spelling.lower())
    opener = word.pairs[0]
    level, _ = indent_levels(OPENING_LINES[opener] + "\n    $a:=1\n    " + word.spelling)
    assert level == 0


def test_declarations_complete_every_type_and_builtin_class(repl):
    from fourmail.runtime.classes import BUILTIN_CLASSES
    got = completions(repl, "var $x : ")
    assert [t.spelling for t in words.TYPES if t.listed] == got[:len(got) - len(BUILTIN_CLASSES)]
    assert got[len(got) - len(BUILTIN_CLASSES):] == [f"4D.{c}" for c in BUILTIN_CLASSES]
    assert "4D.IMAPNotifier" in got
    for t in words.TYPES:
        parse(f"var $x : {t.spelling}\n")


# Each block with a `continue` in its body (Case of / Try also in their Else / Catch part).
BLOCKS_WITH_CONTINUE = {
    "IF": "If (True)\ncontinue\nEnd if", "IF/ELSE": "If (False)\nElse\ncontinue\nEnd if",
    "CASE_OF": "Case of\n: (True)\ncontinue\nEnd case", "CASE_OF/ELSE": "Case of\n: (False)\nElse\ncontinue\nEnd case",
    "TRY": "Try\ncontinue\nEnd try", "TRY/CATCH": "Try\nCatch\ncontinue\nEnd try",
    "FOR": "For ($j;1;2)\ncontinue\nEnd for", "FOR_EACH": "For each ($x;[1])\ncontinue\nEnd for each",
    "WHILE": "While (False)\ncontinue\nEnd while", "REPEAT": "Repeat\ncontinue\nUntil (True)",
    "USE": "Use (Storage)\ncontinue\nEnd use",
}


@pytest.mark.parametrize("kind", sorted(BLOCKS_WITH_CONTINUE))
def test_a_loop_finds_the_continue_of_any_block_but_not_of_an_inner_loop(kind):
    from fourmail.compiler.codegen import _has_continue
    assert {k.split("/")[0] for k in BLOCKS_WITH_CONTINUE} == words.OPENERS
    loop = parse(f"For ($i;1;2)\n{BLOCKS_WITH_CONTINUE[kind]}\nEnd for\n").body[0]
    block = loop.body[0]
    assert _has_continue(loop.body) == (not block.is_loop)
    assert _has_continue(list(block.bodies())[-1])
