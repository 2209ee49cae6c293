"""WLanguage (PC SOFT's WINDEV / WEBDEV language), as its e-mail pages write it: its grammar
(wlanguage.lark), tokenizer (lexer.py), table of words (words.py), AST builder (build.py), syntax
error messages (errors.py), REPL block logic (complete.py) and highlighting (highlight.py),
behind LANGUAGE. Its rules are REFERENCE.md §1's (../shared/reference/wlanguage/).

The parsing pipeline: lexer.tokenize -> lalr.parse (the grammar's cached LALR tables) ->
build.AstBuilder (the AST of lang/ast.py; names resolved against the declarations before them and
the namespace `commands.registry.namespace("wlanguage")`)."""
from __future__ import annotations

from .. import Language
from ..ast import Program
from ..errors import SourceSyntaxError


def parse(source: str, filename: str = "<input>", methods: tuple[str, ...] = (), *, names=None,
          declared: dict[str, str] | None = None, procedures: set[str] | None = None) -> Program:
    """Source text -> Program. `names`: the namespace functions, constants and types come from
    (default: the language's); `declared`: variables declared before (name case-folded -> type),
    to which this text's declarations are added; `procedures`: procedures defined before
    (case-folded names), to which this text's are added."""
    from .. import lalr
    from .build import AstBuilder
    from .errors import from_unexpected
    from .grammar import get_tables
    from .lexer import Token, tokenize

    text = source if source.endswith("\n") else source + "\n"
    tables = get_tables()   # grammar problems are bugs, not the user's syntax errors
    end = Token("$END", "", len(text), text.count("\n") or 1, 1)
    procedures = set() if procedures is None else procedures
    procedures.update(procedure_names(text))        # a call may come before its procedure
    builder = AstBuilder(names, declared, procedures=procedures)
    at_end = False                # the error is the end of the text (a block left open)
    try:
        program = lalr.parse(tokenize(text), tables, builder, end)
        error = builder.unknown_error()
    except SourceSyntaxError as e:
        error = e
    except lalr.UnexpectedToken as e:
        error = from_unexpected(e, filename, source)
        at_end = e.token.type == "$END"
    if error is None:
        return program
    unknown = builder.unknown_error()
    if unknown is not None and (at_end or (unknown.line, unknown.col) < (error.line, error.col)):
        error = unknown           # an undeclared name before the error: it may be its cause
    error.filename, error.source = filename, source
    raise error


def procedure_names(text: str) -> set[str]:
    """The names (case-folded) of the procedures `text` declares: `PROCEDURE Name(...)`."""
    from .lexer import tokenize
    found, after = set(), False
    for t in tokenize(text, tolerant=True):
        if t.type in ("WS", "COMMENT"):
            continue
        if after and t.type == "NAME":
            found.add(str(t).casefold())
        after = t.type == "PROCEDURE"
    return found


class WLanguage(Language):
    name = "wlanguage"
    title = "WLanguage"
    extensions = (".wl",)
    reference_dir = None           # no reference pages: `:help` says what the table of words says
    declaring_pieces = frozenset(("IS", "ARE"))     # `pw is string = "x"`, `a, pw are strings = ...`

    def __init__(self, declared: dict[str, str] | None = None, procedures: set[str] | None = None):
        # an interactive session's declarations and procedures, kept from input to input
        self.declared, self.procedures = declared, procedures

    def parse(self, source, filename="<input>", methods=(), *, names=None, declared=None):
        if declared is None and self.declared is not None:
            seen, procedures = dict(self.declared), set(self.procedures)
            program = parse(source, filename, methods, names=names, declared=seen, procedures=procedures)
            self.declared.update(seen)            # only once the whole input has parsed
            self.procedures.update(procedures)
            return program
        return parse(source, filename, methods, names=names, declared=declared)

    def interactive(self) -> "WLanguage":
        """The language for a REPL session: a variable declared or a procedure defined in one
        input is known in the next."""
        return WLanguage({}, set())

    def parse_class(self, source, name, filename, methods=()):
        raise SourceSyntaxError("classes are not supported in WLanguage scripts", 1, 1, filename, source)

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
        from .highlight import WLanguageLexer
        return WLanguageLexer

    def error_heading(self, err, filename, main_name):
        # a WLanguage run is one file: its procedures' lines are the file's
        where = f"{filename}:{err.line}" if err.line else filename
        return f"{where}: WLanguage error {err.code}: {err.message}"

    @property
    def collation(self):
        from ...runtime.collation import WLANGUAGE_COLLATION
        return WLANGUAGE_COLLATION

    def __eq__(self, other):
        return isinstance(other, WLanguage)

    def __hash__(self):
        return hash(self.name)


LANGUAGE = WLanguage()

__all__ = ["LANGUAGE", "parse", "SourceSyntaxError", "Program"]
