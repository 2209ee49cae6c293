"""Source text -> AST: `parse(source, filename)` returns an ast.Program or raises FourDSyntaxError."""
from __future__ import annotations

from .ast import Program
from .errors import FourDSyntaxError


def parse(source: str, filename: str = "<input>") -> Program:
    from lark.exceptions import LarkError, VisitError
    from .grammar import get_parser
    from .errors import from_lark

    text = source if source.endswith("\n") else source + "\n"
    parser = get_parser()   # grammar problems are bugs, not the user's syntax errors
    try:
        return parser.parse(text)
    except FourDSyntaxError as e:
        e.filename, e.source = filename, source
        raise
    except VisitError as e:
        if isinstance(e.orig_exc, FourDSyntaxError):
            err = e.orig_exc
            err.filename, err.source = filename, source
            raise err from None
        raise FourDSyntaxError(str(e.orig_exc), 1, 1, filename, source) from None
    except LarkError as e:
        raise from_lark(e, filename, source) from None


__all__ = ["parse", "FourDSyntaxError", "Program"]
