"""The 4D language: its grammar (4d.lark), tokenizer (lexer.py), table of words (words.py), AST
builder (build.py), syntax error messages (errors.py), class files (classfile.py), REPL block logic
(complete.py) and highlighting (highlight.py), behind LANGUAGE.

The parsing pipeline: lexer.tokenize (4D's lexical rules, the command registry) -> lalr.parse (the
grammar's cached LALR tables) -> build.AstBuilder (the AST of lang/ast.py)."""
from __future__ import annotations

from pathlib import Path

from .. import Language
from ..ast import Program
from ..errors import SourceSyntaxError


def parse(source: str, filename: str = "<input>", methods: tuple[str, ...] = ()) -> Program:
    from .. import lalr
    from .build import AstBuilder
    from .errors import from_unexpected
    from .grammar import get_tables
    from .lexer import Token, base_names, method_names, tokenize

    text = source if source.endswith("\n") else source + "\n"
    tables = get_tables()   # grammar problems are bugs, not the user's syntax errors
    end = Token("$END", "", len(text), text.count("\n") or 1, 1)
    try:
        tokens = tokenize(text, base_names(), extra=method_names(methods))
        return lalr.parse(tokens, tables, AstBuilder(text), end)
    except SourceSyntaxError as e:
        e.filename, e.source = filename, source
        raise
    except lalr.UnexpectedToken as e:
        raise from_unexpected(e, filename, source) from None


class FourD(Language):
    name = "4d"
    title = "4D"
    extensions = (".4dm",)
    reference_dir = Path(__file__).resolve().parent.parent.parent / "reference"   # 4D's pages, for :help

    def parse(self, source, filename="<input>", methods=()):
        return parse(source, filename, methods)

    def check_body(self, program, filename, source):
        from .errors import reject_class_declarations
        reject_class_declarations(program.body, filename, source)

    def parse_class(self, source, name, filename, methods=()):
        from .classfile import split_class
        return split_class(parse(source, filename, methods), name, filename, source)

    @property
    def words(self):
        from . import words
        return words

    def scan(self, text, join=False, state=None):
        from .scan import scan
        return scan(text, join, state)

    def completeness(self):
        from . import complete
        return complete

    def highlighter(self):
        from .highlight import FourDLexer
        return FourDLexer

    def error_heading(self, err, filename, main_name):
        # 4D's error dialog: the method and line, the code, the component's signature, the message
        where = f"{filename}:{err.line}" if err.line and (err.method in (None, main_name)) else \
            (f"{err.method}:{err.line}" if err.line else filename)
        return f"{where}: error {err.code} ({err.component}): {err.message}"

    @property
    def collation(self):
        from ...runtime.collation import FOURD_COLLATION
        return FOURD_COLLATION


LANGUAGE = FourD()

__all__ = ["LANGUAGE", "parse", "SourceSyntaxError", "Program"]
