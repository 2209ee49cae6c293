"""Source text -> AST: `parse(source, filename)` returns an ast.Program or raises FourDSyntaxError.

The pipeline: lexer.tokenize (4D's lexical rules, the command registry) -> lalr.parse (the
grammar's cached LALR tables) -> build.AstBuilder (the AST of ast.py)."""
from __future__ import annotations

from .ast import Program
from .errors import FourDSyntaxError


def parse(source: str, filename: str = "<input>") -> Program:
    from . import lalr
    from .build import AstBuilder
    from .errors import from_unexpected
    from .grammar import get_tables
    from .lexer import Token, base_names, tokenize

    text = source if source.endswith("\n") else source + "\n"
    tables = get_tables()   # grammar problems are bugs, not the user's syntax errors
    end = Token("$END", "", len(text), text.count("\n") or 1, 1)
    try:
        return lalr.parse(tokenize(text, base_names()), tables, AstBuilder(), end)
    except FourDSyntaxError as e:
        e.filename, e.source = filename, source
        raise
    except lalr.UnexpectedToken as e:
        raise from_unexpected(e, filename, source) from None


__all__ = ["parse", "FourDSyntaxError", "Program"]
