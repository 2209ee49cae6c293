"""The words of the 4D language, in one table: each keyword's spelling, token type, role in a
block and `:help` page, and the type names of declarations.

Everything that knows a keyword derives from this module: the tokenizer's name table, the
pygments lexer, the REPL's completion, indentation and `:help`, the parser's error messages.
Adding a block statement means a row here (and its rule in 4d.lark).
"""
from __future__ import annotations

import re
from typing import NamedTuple

# Roles in a block.
OPENER, MIDDLE, CLOSER = "opener", "middle", "closer"
# How a keyword is highlighted (highlight.py maps these to token types).
STATEMENT, DECLARATION, VALUE = "statement", "declaration", "value"


class Word(NamedTuple):
    spelling: str              # as the REPL completes it; matched case-insensitively, blanks between words
    token: str                 # token type (4d.lark declares it)
    help: str                  # the concept page `:help` shows for it
    role: str = ""             # OPENER, MIDDLE, CLOSER or "" (a plain statement)
    pairs: tuple[str, ...] = ()   # MIDDLE: the openers it continues; CLOSER: the opener(s) it closes
    kind: str = STATEMENT      # STATEMENT, DECLARATION or VALUE
    head: bool = False         # OPENER: its line goes on after the word (`If (...)`, `For each (...)`)
    clause: bool = False       # CLOSER: also a clause of another statement (`For each (...) Until (...)`)
    declares: bool = False     # a `:` after it (on its line) announces a type: `var $x : Text`
    names: bool = False        # the word after it is a member name: `Function send`, `property a; b`


KEYWORDS: tuple[Word, ...] = (
    Word("If", "IF", "branching", OPENER, head=True),
    Word("Else", "ELSE", "branching", MIDDLE, ("IF", "CASE_OF")),
    Word("End if", "END_IF", "branching", CLOSER, ("IF",)),
    Word("Case of", "CASE_OF", "branching", OPENER, head=True),
    Word("End case", "END_CASE", "branching", CLOSER, ("CASE_OF",)),
    Word("For", "FOR", "looping", OPENER, head=True),
    Word("For each", "FOR_EACH", "looping", OPENER, head=True),
    Word("End for", "END_FOR", "looping", CLOSER, ("FOR",)),
    Word("End for each", "END_FOR_EACH", "looping", CLOSER, ("FOR_EACH",)),
    Word("While", "WHILE", "looping", OPENER, head=True),
    Word("End while", "END_WHILE", "looping", CLOSER, ("WHILE",)),
    Word("Repeat", "REPEAT", "looping", OPENER),
    Word("Until", "UNTIL", "looping", CLOSER, ("REPEAT",), clause=True),
    Word("Try", "TRY", "error-handling", OPENER),
    Word("Catch", "CATCH", "error-handling", MIDDLE, ("TRY",)),
    Word("End try", "END_TRY", "error-handling", CLOSER, ("TRY",)),
    Word("Use", "USE", "object", OPENER, head=True),
    Word("End use", "END_USE", "object", CLOSER, ("USE",)),
    Word("return", "RETURN", "control-flow"),
    Word("break", "BREAK", "looping"),
    Word("continue", "CONTINUE", "looping"),
    Word("var", "VAR", "variables", kind=DECLARATION, declares=True),
    Word("#DECLARE", "DECLARE", "variables", kind=DECLARATION, declares=True),
    # class files (Classes/NAME.4dm)
    Word("Class constructor", "CLASS_CONSTRUCTOR", "quick-tour", kind=DECLARATION, declares=True),
    Word("Class extends", "CLASS_EXTENDS", "quick-tour", kind=DECLARATION),
    Word("Function", "FUNCTION", "quick-tour", kind=DECLARATION, declares=True, names=True),
    Word("property", "PROPERTY", "quick-tour", kind=DECLARATION, declares=True, names=True),
    Word("This", "THIS", "quick-tour", kind=VALUE),
    Word("Super", "SUPER", "quick-tour", kind=VALUE),
    # modifiers before `Class constructor` / `Function` (classes.md; `exposed` / `local`: ORDA classes)
    Word("shared", "SHARED", "quick-tour", kind=DECLARATION),
    Word("singleton", "SINGLETON", "quick-tour", kind=DECLARATION),
    Word("session singleton", "SESSION_SINGLETON", "quick-tour", kind=DECLARATION),
    Word("exposed", "EXPOSED", "quick-tour", kind=DECLARATION),
    Word("local", "LOCAL_MODIFIER", "quick-tour", kind=DECLARATION),
)

# The blocks the REPL's banner names as examples of input that goes on over lines.
SHOWCASE_BLOCKS = ("IF", "FOR_EACH", "CASE_OF")

# Words that are not keywords but have a concept page of their own.
VALUE_PAGES = {"null": "null-undefined", "undefined": "null-undefined"}

# In a Case of, a branch line starts with `:` (`: ($x=1)`): it ends the previous branch like a MIDDLE.
CASE_BRANCH = ":"
CASE_BRANCH_OPENER = "CASE_OF"

# `#DECLARE` is one word with its `#`: the tokenizer matches it by pattern, not through the name table.
PATTERN_TOKENS = frozenset({"DECLARE"})

BY_TOKEN = {w.token: w for w in KEYWORDS}
OPENERS = frozenset(w.token for w in KEYWORDS if w.role == OPENER)
MIDDLES = frozenset(w.token for w in KEYWORDS if w.role == MIDDLE)
CLOSERS = frozenset(w.token for w in KEYWORDS if w.role == CLOSER)
HEAD_OPENERS = frozenset(w.token for w in KEYWORDS if w.role == OPENER and w.head)


def spelled(token: str) -> str:
    """The keyword as messages write it: `spelled("CLASS_EXTENDS")` is "Class extends"."""
    return BY_TOKEN[token].spelling


def words_of(token: str) -> tuple[str, ...]:
    """The keyword's words, case-folded: `("end", "for", "each")`."""
    return tuple(BY_TOKEN[token].spelling.casefold().split())


def spelling_pattern(token: str) -> str:
    """A regex for the keyword as written: any case (use re.I), any blanks between its words."""
    return r"[ \t]+".join(re.escape(w) for w in words_of(token))


class TypeName(NamedTuple):
    spelling: str
    listed: bool = True        # offered by completion and named in errors (False: an old alias)


# Basic types of `var $x : Type` / `#DECLARE($a : Type)`, in the order they are listed.
TYPES: tuple[TypeName, ...] = (
    TypeName("Text"), TypeName("Integer"), TypeName("Real"), TypeName("Boolean"), TypeName("Date"),
    TypeName("Time"), TypeName("Object"), TypeName("Collection"), TypeName("Blob"), TypeName("Variant"),
    TypeName("Pointer"), TypeName("Picture"), TypeName("Longint", listed=False), TypeName("Number", listed=False),
)
TYPE_NAMES = frozenset(t.spelling.casefold() for t in TYPES)
CLASS_STORE = "4D"


def class_types() -> list[str]:
    """The built-in classes a declaration can name (`4D.IMAPTransporter`): the runtime's class
    registry is their one list."""
    from ...commands.registry import all_classes
    return [f"{CLASS_STORE}.{name}" for name in all_classes()]


def listed_types() -> list[str]:
    """What `var $x : ` can be completed with: the basic types, then the classes."""
    return [t.spelling for t in TYPES if t.listed] + class_types()
