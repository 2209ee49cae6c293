"""fourmail's pygments lexer: every corpus file without an Error token, distinct token types for
the kinds of 4D code, and `pygmentize -l 4d` through the installed plugin entry point."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pygments.token import Comment, Error, Keyword, Name, String

from conftest import CORPUS
from fourmail.lang.fourd.highlight import FourDLexer

CORPUS_FILES = sorted(CORPUS.glob("*.4dm"))


def tokens(text):
    return list(FourDLexer().get_tokens_unprocessed(text))


def test_the_corpus_is_there():
    assert len(CORPUS_FILES) == 45


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_file_has_no_error_token_and_is_covered_whole(path):
    text = path.read_text(encoding="utf-8")
    toks = tokens(text)
    assert "".join(v for _, _, v in toks) == text                      # every character, in order
    assert all(toks[i][0] + len(toks[i][2]) == toks[i + 1][0] for i in range(len(toks) - 1))
    errors = [(pos, v) for pos, t, v in toks if t in Error]
    assert errors == []


def kinds(text):
    return {v: t for _, t, v in tokens(text) if v.strip()}


def test_distinct_token_types_for_commands_keywords_constants_strings_comments():
    src = ('var $t : 4D.SMTPTransporter\n'
           'If($status.success=True) // done?\n'
           '  $t:=SMTP New transporter(New object("host";"smtp.example.com"))\n'
           '  $m:=mail mode UTF8\n'
           'End if\n'
           '/* block\n comment */\n')
    k = kinds(src)
    assert k["SMTP New transporter"] in Name.Builtin and k["New object"] in Name.Builtin     # commands
    assert k["If"] in Keyword and k["End if"] in Keyword and k["var"] in Keyword            # keywords
    assert k["mail mode UTF8"] in Name.Constant                                               # constants
    assert k['"host"'] in String and k['"smtp.example.com"'] in String                       # strings
    assert k["// done?"] in Comment and k["/* block\n comment */"] in Comment                 # comments
    assert k["$t"] in Name.Variable and k["success"] in Name.Attribute and k["4D.SMTPTransporter"] in Name.Class
    types = {k["SMTP New transporter"], k["If"], k["mail mode UTF8"], k['"host"'], k["// done?"]}
    assert len(types) == 5
    assert len({Name.Builtin, Keyword, Name.Constant, String.Double, Comment.Single} & types) == 5


def test_context_rules_come_from_the_parser_tokenizer():
    k = kinds('$c.length:=Length("x")\n$o:={subject: "hi"}\n$x:=$c.send($m)\n$s:="a\\"b\\n"\n')
    assert k["length"] in Name.Attribute and k["Length"] in Name.Builtin     # after `.`: a property
    assert k["subject"] in Name.Attribute                                    # object literal key
    assert k["send"] in Name.Function
    assert k['\\"'] in String.Escape and k["\\n"] in String.Escape


def test_half_typed_code_gives_no_error_tokens():
    for text in ['ALERT("not closed', "/* open comment", "If(", "$a:=1+\\", "var $x : ", "End if"]:
        assert [v for _, t, v in tokens(text) if t in Error] == [], text


def test_pygments_finds_the_plugin_by_alias_and_file_name():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    assert isinstance(get_lexer_by_name("4d"), FourDLexer)
    assert isinstance(get_lexer_by_name("4dm"), FourDLexer)
    assert isinstance(get_lexer_for_filename("x.4dm"), FourDLexer)


def _pygmentize() -> str:
    exe = Path(sys.executable).with_name("pygmentize")
    found = str(exe) if exe.exists() else shutil.which("pygmentize")
    assert found, "pygmentize is not installed beside this Python"
    return found


def test_pygmentize_over_every_corpus_file_has_no_error_token():
    exe = _pygmentize()
    for path in CORPUS_FILES:
        r = subprocess.run([exe, "-l", "4d", "-f", "raw", str(path)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert "Token.Error" not in r.stdout, path.name
        assert "Token.Name.Variable" in r.stdout and "Token.Text" not in r.stdout.replace(
            "Token.Text.Whitespace", ""), path.name       # every piece classified


def test_pygmentize_renders_with_the_4dm_alias():
    r = subprocess.run([_pygmentize(), "-l", "4dm", "-f", "html", str(CORPUS / "SMTPTransporterClass__02.4dm")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and '<span class="nb">SMTP New transporter</span>' in r.stdout
