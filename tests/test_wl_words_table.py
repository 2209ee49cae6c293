"""The table of WLanguage's words (fourmail/lang/wlanguage/words.py) and everything derived from
it: each keyword, in each of its English and French spellings, is read as its token, highlighted,
completed and known to `:help`; each block left open names its closer; middles and closers put
their line back at the block's level in the REPL."""
from __future__ import annotations

import io

import pytest
from pygments.token import Comment, Keyword, Operator

from conftest import REPO
from fourmail import lang
from fourmail.lang.errors import SourceSyntaxError
from fourmail.lang.wlanguage import parse, words
from fourmail.lang.wlanguage.lexer import tokenize
from wl_names import namespace

WL = lang.get("wlanguage")
KEYWORD_LOOKS = {words.STATEMENT: Keyword, words.DECLARATION: Keyword.Declaration, words.VALUE: Keyword.Constant,
                 words.OPERATOR: Operator.Word}
SPELLINGS = [(w, s) for w in words.KEYWORDS for s in w.spellings]
IDS = [f"{w.token}:{s}" for w, s in SPELLINGS]

# A line where a keyword that is one only in its place is in that place (`{}`: the keyword).
IN_PLACE = {"TO": "FOR i = 1 {} 2", "STEP": "FOR i = 1 TO 2 {} 1", "OF": "FOR EACH x {} t", "ON": "t[[1 {} 2]]",
            "ARTICLE": "x is {} string", "ARRAY_OF": "x is {} strings", "COMPILE_IF": "{} ConfigurationType<>Site>",
            "LOCAL": "PROCEDURE P({} x)", "SEPARATED_BY": 'FOR EACH STRING s OF t {} ","'}
# A first line that opens each kind of block (a new opener in the table needs one here).
OPENING_LINES = {
    "IF": ("IF True THEN", "SI Vrai ALORS"), "SWITCH": ("SWITCH 1\nCASE 1:", "SELON 1\nCAS 1:"), "FOR": ("FOR i = 1 TO 2", "POUR i = 1 À 2"),
    "FOR_EACH": ("FOR EACH x OF [1]", "POUR TOUT x DE [1]"),
    "FOR_EACH_STRING": ('FOR EACH STRING s OF "a" SEPARATED BY ","', 'POUR TOUTE CHAÎNE s DE "a" SÉPARÉE PAR ","'),
    "WHILE": ("WHILE False", "TANTQUE Faux"),
    "LOOP": ("LOOP", "BOUCLE"), "WHEN_EXCEPTION_IN": ("WHEN EXCEPTION IN\nDO", "QUAND EXCEPTION DANS\nFAIRE"),
    "WHEN_EXCEPTION": ("WHEN EXCEPTION", "QUAND EXCEPTION"),
    "COMPILE_IF": ("<COMPILE IF ConfigurationType<>Site>", "<COMPILE SI ConfigurationType<>Site>"),
}


def in_place(word, written):
    return IN_PLACE.get(word.token, "{}").format(written)


@pytest.mark.parametrize("word, written", SPELLINGS, ids=IDS)
def test_every_spelling_is_read_as_its_keyword_in_any_case(word, written):
    for text in (written, written.upper(), written.lower(), written.replace(" ", "  ")):
        line = in_place(word, text)
        tokens = list(tokenize(line + "\n", tolerant=True))
        if word.token in words.DIRECTIVES:
            assert [t.type for t in tokens][0] == "DIRECTIVE"
        else:
            assert any(t.type == word.token and str(t) == text for t in tokens), (line, tokens)


@pytest.mark.parametrize("word, written", SPELLINGS, ids=IDS)
def test_every_keyword_is_highlighted_as_a_keyword(word, written):
    lexer = WL.highlighter()()
    lexer.names = namespace()
    line = in_place(word, written)
    tokens = [(t, v) for _, t, v in lexer.get_tokens_unprocessed(line + "\n") if v.strip()]
    if word.token in words.DIRECTIVES:
        assert tokens == [(Comment.Preproc, line)]
    else:
        assert (KEYWORD_LOOKS[word.kind], written) in tokens


@pytest.fixture(scope="module")
def repl():
    from fourmail.repl.session import ReplSession
    return ReplSession(project_dir=REPO, out=io.StringIO(), err=io.StringIO(), language=WL)


def completions(repl, text):
    from prompt_toolkit.document import Document
    from fourmail.repl.completion import ReplCompleter
    return [c.text for c in ReplCompleter(repl).get_completions(Document(text), None)]


COMPLETED = [(w, s, i) for (w, s), i in zip(SPELLINGS, IDS) if w.token not in words.DIRECTIVES and len(s) > 1]


@pytest.mark.parametrize("word, written", [(w, s) for w, s, _ in COMPLETED], ids=[i for *_, i in COMPLETED])
def test_every_keyword_is_completed(repl, word, written):
    assert written in completions(repl, written[:-1])
    assert written in completions(repl, "x is int\n" + written[:-1].lower())


@pytest.mark.parametrize("word, written", SPELLINGS, ids=IDS)
def test_every_keyword_has_its_help(word, written):
    from fourmail.repl.help import help_text
    assert word.help and f"{' / '.join(word.spellings)}: {word.help}\n" in help_text(written.lower(), WL)


@pytest.mark.parametrize("opener", sorted(OPENING_LINES))
def test_a_block_left_open_names_its_closer_in_its_language(opener):
    closer = next(w for w in words.KEYWORDS if w.role == words.CLOSER and opener in w.pairs)
    for french, first in enumerate(OPENING_LINES[opener]):
        with pytest.raises(SourceSyntaxError) as e:
            parse(f"n is int\n{first}\n  n = 1\n", names=namespace())
        written = first.split(" ConfigurationType")[0].split("\n")[0]
        for_what = " ".join(written.split()[:len(words.BY_TOKEN[opener].en[0].split())]).upper()
        assert e.value.message == f"{closer.fr[0] if french else closer.en[0]} expected for the {for_what} of line 2"
        assert e.value.line == 2


def test_every_opener_has_a_closer_and_every_middle_an_opener():
    assert set(OPENING_LINES) == words.OPENERS
    closed = {o for w in words.KEYWORDS if w.role == words.CLOSER for o in w.pairs}
    assert closed == words.OPENERS
    assert all(w.pairs and set(w.pairs) <= words.OPENERS for w in words.KEYWORDS if w.role == words.MIDDLE)


def test_every_token_of_the_table_is_one_the_grammar_knows():
    from fourmail.lang.wlanguage.grammar import grammar_text
    grammar = grammar_text()
    for w in words.KEYWORDS:
        assert w.token in grammar or w.token in words.DIRECTIVES or w.token == "ARTICLE"


@pytest.mark.parametrize("word", [w for w in words.KEYWORDS if w.role in (words.MIDDLE, words.CLOSER)],
                         ids=[w.token for w in words.KEYWORDS if w.role in (words.MIDDLE, words.CLOSER)])
def test_middles_and_closers_put_their_line_back_at_the_block_level(word):
    blocks = WL.completeness()
    for written in word.spellings:
        assert blocks.is_dedent_line("    " + written.lower() + (" x" if word.token == "DO_WHILE" else ""))
        opener = word.pairs[0]
        level, _ = blocks.indent_levels(OPENING_LINES[opener][0] + "\n    n = 1\n    " + written)
        # a CASE is one level inside its SWITCH; any other middle or closer at its block's level
        assert level == (1 if word.token in ("CASE", "OTHER_CASE") else 0), written


def test_declarations_complete_the_types(repl):
    got = completions(repl, "x is ")
    assert got[:len(words.listed_types())] == words.listed_types()
    assert "chaîne" in completions(repl, "x est une ch")
    for t in words.TYPES:
        for spelling in t.spellings:
            parse(f"x is {spelling}\n", names=namespace())
