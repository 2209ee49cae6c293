"""Build (and cache) the LALR parser from grammar/4d.lark and the command registry."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

_parser = None


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


def get_parser():
    """The shared Lark parser; the analysed grammar is cached on disk, keyed by its text."""
    global _parser
    if _parser is None:
        from lark import Lark
        from .build import AstBuilder
        from .lexer import FourDLexer
        text = grammar_text()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        cache = None
        try:
            d = cache_dir()
            d.mkdir(parents=True, exist_ok=True)
            cache = str(d / f"grammar-{digest}.cache")
        except OSError:
            cache = None   # read-only home: parse without the cache, just slower to start
        kwargs = dict(parser="lalr", lexer=FourDLexer, propagate_positions=False,
                      transformer=AstBuilder(), maybe_placeholders=False)
        try:
            _parser = Lark(text, cache=cache or False, **kwargs)
        except OSError:
            _parser = Lark(text, **kwargs)
    return _parser
