"""4D's grammar (4d.lark, beside this file) and its parse tables (lang/tables.py caches them)."""
from __future__ import annotations

from pathlib import Path

from .. import tables
from ..lalr import Tables

NAME = "4d"


def grammar_path() -> Path:
    return Path(__file__).with_name("4d.lark")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def _tokens(text: str):
    from .lexer import base_names, tokenize
    return tokenize(text, base_names())


def get_tables() -> Tables:
    return tables.get_tables(NAME, grammar_text(), _tokens)


def lark_parser(transformer=None):
    """lark's own LALR parser for 4D's grammar, fed by fourmail's tokenizer."""
    return tables.lark_parser(grammar_text(), _tokens, transformer)
