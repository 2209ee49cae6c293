"""A language's parse tables: computed by lark from its grammar once, cached on disk.

Lark reads the grammar and computes its LALR tables; they are saved (pickle) in the user's
cache folder, keyed by the language and the grammar text, and later runs load them without
importing lark (lalr.py runs them). `lark_parser()` gives lark's own parser over the same
grammar, fed by the language's tokenizer: tests use it to check lalr.py against lark.
"""
from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path
from typing import Callable, Iterable

from .lalr import DROP, EXPAND, KEEP, Rule, Tables

FORMAT = 2          # bump when the cached tables' layout changes
_tables: dict[tuple[str, int], Tables] = {}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fourmail"


def get_tables(language: str, text: str, tokenize: Callable[[str], Iterable]) -> Tables:
    """The tables for `language`'s grammar `text`: from the cache, else computed (and cached)."""
    crc = zlib.crc32(text.encode("utf-8"))
    tables = _tables.get((language, crc))
    if tables is None:
        path = cache_dir() / f"tables-{language}-{FORMAT}-{len(text)}-{crc:08x}.pickle"
        try:
            with open(path, "rb") as f:
                tables = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            tables = compute_tables(text, tokenize)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as f:
                    pickle.dump(tables, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)       # never a half-written cache for a concurrent run
            except OSError:
                pass                        # read-only home: compute again next time
        _tables[(language, crc)] = tables
    return tables


def lark_parser(text: str, tokenize: Callable[[str], Iterable], transformer=None):
    """lark's own LALR parser for the grammar `text`, fed by the language's tokenizer (its tokens
    have lark's Token interface)."""
    from lark import Lark
    from lark.lexer import Lexer

    class FeedTokens(Lexer):            # lark takes its tokens from the language's tokenizer
        def __init__(self, lexer_conf=None):
            pass

        def lex(self, source):
            return tokenize(source)

    return Lark(text, parser="lalr", lexer=FeedTokens, propagate_positions=False,
                maybe_placeholders=False, transformer=transformer)


def compute_tables(text: str, tokenize: Callable[[str], Iterable]) -> Tables:
    """Let lark analyse the grammar and keep what parsing needs."""
    parser = lark_parser(text, tokenize)
    table = parser.parser.parser.parser.parse_table      # ParsingFrontend > LALR_Parser > _Parser
    index = {id(rule): i for i, rule in enumerate(parser.rules)}
    rules = []
    for rule in parser.rules:
        plan = tuple(DROP if sym.is_term and sym.filter_out else
                     EXPAND if not sym.is_term and sym.name.startswith("_") else KEEP
                     for sym in rule.expansion)
        name = str(rule.origin.name)          # plain str: lark's Token would make unpickling import lark
        callback = None if name.startswith("_") else str(rule.alias or name)
        rules.append(Rule(name, len(rule.expansion), callback, plan, bool(rule.options.expand1 and not rule.alias)))
    states = {}
    for state, actions in table.states.items():
        states[state] = {str(sym): (True, arg) if action.name == "Shift" else (False, index[id(arg)])
                         for sym, (action, arg) in actions.items()}
    return Tables(states, rules, table.start_states["start"], table.end_states["start"])
