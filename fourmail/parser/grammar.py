"""The parse tables of grammar/4d.lark: computed by lark once, cached on disk.

Lark reads the grammar and computes its LALR tables; they are saved (pickle) in the user's
cache folder, keyed by the grammar text, and later runs load them without importing lark
(lalr.py runs them). `lark_parser()` gives lark's own parser over the same grammar, which
tests use to check lalr.py against it.
"""
from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path

from .lalr import DROP, EXPAND, KEEP, Rule, Tables

FORMAT = 2          # bump when the cached tables' layout changes
_tables: Tables | None = None


def grammar_path() -> Path:
    """grammar/4d.lark: inside the installed wheel (fourmail/grammar) or in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "grammar" / "4d.lark", here.parent / "grammar" / "4d.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("grammar/4d.lark is missing from the fourmail installation")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fourmail"


def get_tables() -> Tables:
    """The tables for the current grammar: from the cache, else computed (and cached)."""
    global _tables
    if _tables is None:
        text = grammar_text()
        key = f"{FORMAT}-{len(text)}-{zlib.crc32(text.encode('utf-8')):08x}"
        path = cache_dir() / f"tables-{key}.pickle"
        try:
            with open(path, "rb") as f:
                _tables = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            _tables = compute_tables(text)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as f:
                    pickle.dump(_tables, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)       # never a half-written cache for a concurrent run
            except OSError:
                pass                        # read-only home: compute again next time
    return _tables


def lark_parser(transformer=None):
    """lark's own LALR parser for the grammar (fed by fourmail's tokenizer)."""
    from lark import Lark
    from lark.lexer import Lexer

    class FeedTokens(Lexer):            # lark takes its tokens from fourmail's tokenizer
        def __init__(self, lexer_conf=None):
            pass

        def lex(self, text):
            from .lexer import base_names, tokenize
            return tokenize(text, base_names())     # fourmail's tokens have lark's Token interface

    return Lark(grammar_text(), parser="lalr", lexer=FeedTokens, propagate_positions=False,
                maybe_placeholders=False, transformer=transformer)


def compute_tables(text: str | None = None) -> Tables:
    """Let lark analyse the grammar and keep what parsing needs."""
    parser = lark_parser()
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
