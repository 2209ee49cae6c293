"""The doc corpus parses, and the files that are invalid 4D as printed fail at the right spot."""
from __future__ import annotations

import pytest

from conftest import CORPUS
from fourmail.lang.fourd import SourceSyntaxError, parse

# Files whose code is not valid 4D as the docs print it (examples/INDEX.md "BUGGY"), with the
# line and column of the culprit.
INVALID = {
    # stray ")" after File(...).getContent()
    "EmailObjectClass__02.4dm": (4, 60, "unbalanced parentheses"),
    "mail-convert-from-mime__01.4dm": (4, 60, "unbalanced parentheses"),
    # `If(OK=1) $options.host:=...`: a statement on the If line (one statement per line)
    "IMAPTransporterClass__08.4dm": (8, 10, "one statement per line"),
    "IMAPTransporterClass__20.4dm": (8, 10, "one statement per line"),
    "IMAPTransporterClass__22.4dm": (8, 10, "one statement per line"),
    "IMAPTransporterClass__23.4dm": (8, 10, "one statement per line"),
}

FILES = sorted(p.name for p in CORPUS.glob("*.4dm"))


def test_corpus_is_there():
    assert len(FILES) == 45


@pytest.mark.parametrize("name", [f for f in FILES if f not in INVALID])
def test_valid_examples_parse(name):
    program = parse((CORPUS / name).read_text(encoding="utf-8"), name)
    assert program.body, "a parsed example has statements"


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_examples_point_at_the_culprit(name):
    line, col, words = INVALID[name]
    source = (CORPUS / name).read_text(encoding="utf-8")
    with pytest.raises(SourceSyntaxError) as info:
        parse(source, name)
    err = info.value
    assert (err.line, err.col) == (line, col)
    assert words in err.message
    text = err.format()
    # the report shows the source line and a caret under the culprit
    shown_line, caret = text.splitlines()[1:3]
    assert caret.index("^") - 4 == col - 1
    culprit = source.splitlines()[line - 1][col - 1]
    assert shown_line[4 + col - 1] == culprit
