"""WLanguage's grammar (wlanguage.lark, beside this file) and its parse tables (lang/tables.py caches them)."""
from __future__ import annotations

from pathlib import Path

from .. import tables
from ..lalr import Tables

NAME = "wlanguage"


def grammar_path() -> Path:
    return Path(__file__).with_name("wlanguage.lark")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def _tokens(text: str):
    from .lexer import tokenize
    return tokenize(text)


def get_tables() -> Tables:
    return tables.get_tables(NAME, grammar_text(), _tokens)


def lark_parser(transformer=None):
    """lark's own LALR parser for WLanguage's grammar, fed by fourmail's tokenizer."""
    return tables.lark_parser(grammar_text(), _tokens, transformer)
