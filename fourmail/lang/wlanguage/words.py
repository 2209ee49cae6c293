"""The words of WLanguage, in one table: each keyword's English and French spellings, its token
type, its role in a block and what it closes, and the type names of declarations
(REFERENCE.md §1.4, §1.6).

Everything that knows a keyword derives from this module: the tokenizer, the pygments lexer, the
REPL's completion and indentation, the parser's "END expected" messages. Words are matched
without regard to case (`Renvoyer`, `RENVOYER`), blanks between the words of a spelling.
"""
from __future__ import annotations

import re
from typing import NamedTuple

# Roles in a block.
OPENER, MIDDLE, CLOSER = "opener", "middle", "closer"
# How a keyword is highlighted (highlight.py maps these to token types).
STATEMENT, DECLARATION, VALUE, OPERATOR = "statement", "declaration", "value", "operator"
# Where a word is a keyword (elsewhere it is a name): anywhere, in a FOR header, in a FOR EACH
# header, inside `[[ ]]`, in a CASE label, in the type of a declaration.
ANYWHERE, FOR_HEAD, FOR_EACH_HEAD, CHARS, CASE_LABEL, TYPE = "", "for", "for each", "chars", "case", "type"
PROCEDURE_HEAD, PARAMETERS = "procedure", "parameters"     # a PROCEDURE's line; inside its ( )


class Word(NamedTuple):
    en: tuple[str, ...]        # English spellings, the first is how messages write it
    fr: tuple[str, ...]        # French spellings
    token: str                 # token type (wlanguage.lark declares it)
    role: str = ""             # OPENER, MIDDLE, CLOSER or "" (a plain statement or operator)
    pairs: tuple[str, ...] = ()   # MIDDLE: the openers it continues; CLOSER: the opener(s) it closes
    kind: str = STATEMENT      # STATEMENT, DECLARATION, VALUE or OPERATOR
    contexts: tuple[str, ...] = (ANYWHERE,)   # where it is a keyword
    help: str = ""             # what `:help` says of it

    @property
    def spellings(self) -> tuple[str, ...]:
        return self.en + tuple(s for s in self.fr if s not in self.en)

    @property
    def spelling(self) -> str:
        return self.en[0]


_BLOCKS = ("IF", "SWITCH", "FOR", "FOR_EACH", "FOR_EACH_STRING", "WHILE", "LOOP", "WHEN_EXCEPTION_IN", "WHEN_EXCEPTION")

# The spellings of TO with which a FOR reads its end once, before the first turn; with `TO` / `À`
# it reads it again before each turn (REFERENCE.md §1.4).
TO_ONCE = ("_TO_", "_À_")

KEYWORDS: tuple[Word, ...] = (
    Word(("IF",), ("SI",), "IF", OPENER, help="IF c THEN … [ELSE …] END; on one line, IF c THEN stmt [ELSE stmt]"),
    Word(("THEN",), ("ALORS",), "THEN", help="after the condition of an IF"),
    Word(("ELSE",), ("SINON",), "ELSE", MIDDLE, ("IF", "WHEN_EXCEPTION_IN"),
         help="the other branch of an IF (ELSE IF chains), of a WHEN EXCEPTION IN, of `c ? a ELSE b`"),
    Word(("END",), ("FIN",), "END", CLOSER, _BLOCKS, help="ends an IF, SWITCH, FOR, WHILE, LOOP or WHEN EXCEPTION"),
    Word(("SWITCH",), ("SELON",), "SWITCH", OPENER, help="SWITCH value, then CASE v: … OTHER CASE: … END"),
    Word(("CASE",), ("CAS",), "CASE", MIDDLE, ("SWITCH",),
         help="a branch of a SWITCH: CASE 1, 2:  CASE > 6:  CASE 1 TO 5:  CASE 4 <= * <= 6:"),
    Word(("OTHER CASE",), ("AUTRE CAS", "AUTRES CAS"), "OTHER_CASE", MIDDLE, ("SWITCH",),
         help="the branch of a SWITCH no CASE took"),
    Word(("FOR",), ("POUR",), "FOR", OPENER, help="FOR i = a TO b [STEP s] … END"),
    Word(("FOR EACH",), ("POUR TOUT", "POUR CHAQUE", "POUR TOUS", "POUR TOUT ÉLÉMENT"), "FOR_EACH", OPENER,
         help="FOR EACH x OF array … END; FOR EACH x, i OF array: i is x's subscript"),
    # A WINDEV-generated Java file keeps the line `POUR TOUTE CHAÎNE c de s SEPAREE PAR RC`; the
    # English spelling is chosen after the pattern of the others.
    Word(("FOR EACH STRING",), ("POUR TOUTE CHAÎNE", "POUR TOUTE CHAINE"), "FOR_EACH_STRING", OPENER,
         help='FOR EACH STRING s OF text SEPARATED BY "," … END: each piece of the text between separators'),
    Word(("SEPARATED BY",), ("SÉPARÉE PAR", "SEPAREE PAR"), "SEPARATED_BY", contexts=(FOR_EACH_HEAD,),
         help="the separator of a FOR EACH STRING"),
    Word(("TO", *TO_ONCE[:1]), ("À", *TO_ONCE[1:]), "TO", contexts=(FOR_HEAD, CHARS, CASE_LABEL),
         help="the last value of a FOR (read at each turn; with _TO_, once), of a CASE range, "
              "of a part of a text t[[a TO b]]"),
    Word(("STEP",), ("PAS",), "STEP", contexts=(FOR_HEAD,), help="the step of a FOR (French PAS, as NOT elsewhere)"),
    Word(("OF",), ("DE", "DANS"), "OF", contexts=(FOR_EACH_HEAD,), help="what a FOR EACH goes through"),
    Word(("WHILE",), ("TANTQUE", "TANT QUE"), "WHILE", OPENER, help="WHILE c … END"),
    Word(("LOOP",), ("BOUCLE",), "LOOP", OPENER, help="LOOP … END (leave with BREAK), or LOOP … DO WHILE c"),
    Word(("DO WHILE",), ("À FAIRE TANTQUE", "À FAIRE TANT QUE", "A FAIRE TANTQUE"), "DO_WHILE", CLOSER, ("LOOP",),
         help="ends a LOOP: it goes round again while the condition is true"),
    Word(("BREAK",), ("SORTIR",), "BREAK", help="leaves the loop"),
    Word(("CONTINUE",), ("CONTINUER",), "CONTINUE", help="goes on with the next round of the loop"),
    Word(("RETURN",), ("RETOUR",), "RETURN", help="leaves the code (RETURN value: gives a result)"),
    Word(("RESULT",), ("RENVOYER",), "RESULT", help="RESULT value: leaves the code with a result"),
    Word(("PROCEDURE",), ("PROCÉDURE",), "PROCEDURE", kind=DECLARATION,
         help="PROCEDURE Name(p1, p2 is string = \"x\") : type, then its code, to the next PROCEDURE or the end "
              "of the file: a procedure the code calls as Name(a, b)"),
    Word(("LOCAL",), ("LOCAL",), "LOCAL", kind=DECLARATION, contexts=(PARAMETERS,),
         help="PROCEDURE P(LOCAL p): p is passed by value (without it, a variable is passed by reference)"),
    Word(("WHEN EXCEPTION IN",), ("QUAND EXCEPTION DANS",), "WHEN_EXCEPTION_IN", OPENER,
         help="WHEN EXCEPTION IN … DO handler [ELSE …] END: the handler runs when the code throws"),
    Word(("WHEN EXCEPTION",), ("QUAND EXCEPTION",), "WHEN_EXCEPTION", OPENER,
         help="WHEN EXCEPTION handler END: handles the exceptions of the code after it"),
    Word(("CASE ERROR",), ("CAS ERREUR",), "CASE_ERROR",
         help="CASE ERROR: at the end of the code: where a non-fatal error the code does not test goes"),
    Word(("CASE EXCEPTION",), ("CAS EXCEPTION",), "CASE_EXCEPTION",
         help="CASE EXCEPTION: at the end of the code: where an exception of the code goes"),
    Word(("DO",), ("FAIRE",), "DO", MIDDLE, ("WHEN_EXCEPTION_IN",), help="the handler of a WHEN EXCEPTION IN"),
    Word(("AND",), ("ET",), "AND", kind=OPERATOR, help="and: both sides are evaluated"),
    Word(("OR",), ("OU",), "OR", kind=OPERATOR, help="or: both sides are evaluated"),
    Word(("NOT",), ("PAS",), "NOT", kind=OPERATOR, help="not; x NOT IN (…)"),
    Word(("_AND_",), ("_ET_",), "AND_THEN", kind=OPERATOR, help="and: the right side only when the left is true"),
    Word(("_OR_",), ("_OU_",), "OR_ELSE", kind=OPERATOR, help="or: the right side only when the left is false"),
    Word(("IN",), ("DANS",), "IN", kind=OPERATOR, help='x IN ("a", "b"): x is one of the values'),
    Word(("Modulo",), ("Modulo",), "MODULO", kind=OPERATOR, help="the remainder of a division (also %)"),
    Word(("ON",), ("SUR",), "ON", kind=OPERATOR, contexts=(CHARS,), help="t[[start ON count]]: count characters"),
    Word(("is",), ("est",), "IS", kind=DECLARATION, help="x is string, x is Email = …"),
    Word(("are",), ("sont",), "ARE", kind=DECLARATION, help="a, b are strings"),
    Word(("a", "an"), ("un", "une", "des"), "ARTICLE", kind=DECLARATION, contexts=(TYPE,),
         help="x is a string: the article may be left out"),
    Word(("array of",), ("tableau de",), "ARRAY_OF", kind=DECLARATION, contexts=(TYPE,),
         help="arr is array of strings: a 1-based array"),
    Word(("let",), ("soit",), "LET", kind=DECLARATION, help="let x = value: the type is the value's"),
    Word(("Null",), ("Null",), "NULL", kind=VALUE, help="no value"),
    Word(("<COMPILE IF",), ("<COMPILE SI",), "COMPILE_IF", OPENER,
         help="<COMPILE IF ConfigurationType<>Site> … <END>: a script is no website"),
    Word(("<END>",), ("<FIN>",), "COMPILE_END", CLOSER, ("COMPILE_IF",), help="ends a <COMPILE IF>"),
)

BY_TOKEN = {w.token: w for w in KEYWORDS}
OPENERS = frozenset(w.token for w in KEYWORDS if w.role == OPENER)
MIDDLES = frozenset(w.token for w in KEYWORDS if w.role == MIDDLE)
CLOSERS = frozenset(w.token for w in KEYWORDS if w.role == CLOSER)

# The blocks the REPL's banner names as examples of input that goes on over lines.
SHOWCASE_BLOCKS = ("IF", "FOR_EACH", "SWITCH")

# `<COMPILE IF ...>` … `<END>` are lines of their own, read before the tokens (lexer.py).
DIRECTIVES = frozenset({"COMPILE_IF", "COMPILE_END"})
# The one condition a `<COMPILE IF>` can have in a script: the configuration type compared to a
# website's. A script is not a website, so `<>` keeps the branch and `=` drops it.
CONFIGURATION_TYPE = ("ConfigurationType", "TypeConfiguration")
WEBSITE = ("Site",)

# No :help pages for WLanguage's words: `help` above says what each is.
VALUE_PAGES: dict[str, str] = {}
# No class store in WLanguage (4D's `4D.` / `cs.`).
CLASS_STORE = None


def spelled(token: str, french: bool = False) -> str:
    """The keyword as messages write it: `spelled("OTHER_CASE")` is "OTHER CASE"."""
    w = BY_TOKEN[token]
    return w.fr[0] if french else w.en[0]


def is_french(token: str, written: str) -> bool:
    """Is `written` one of the French spellings of the keyword (and not an English one too)?"""
    w = BY_TOKEN[token]
    key = " ".join(written.casefold().split())
    return key in {s.casefold() for s in w.fr} and key not in {s.casefold() for s in w.en}


def spelling_pattern(token: str) -> str:
    """A regex for the keyword in any of its spellings: any case (use re.I), any blanks between words."""
    return "|".join(spelling_pattern_of(s) for s in sorted(BY_TOKEN[token].spellings, key=len, reverse=True))


def spelling_pattern_of(spelling: str) -> str:
    return r"[ \t]+".join(re.escape(w) for w in spelling.casefold().split())


# ---------------------------------------------------------------- types of declarations
class TypeName(NamedTuple):
    en: tuple[str, ...]
    fr: tuple[str, ...]
    runtime: str               # the runtime's type name (VarDecl.type)
    listed: bool = True        # offered by completion

    @property
    def spellings(self) -> tuple[str, ...]:
        return self.en + self.fr


def _sized(en: str, fr: str, runtime: str, sizes: tuple[int, ...]) -> tuple[TypeName, ...]:
    """`int1`…`int8` / `entier sur 1 octet`…: the sized forms of a numeric type."""
    return tuple(TypeName((f"{en}{n}",), (f"{fr} sur {n} octet" + ("s" if n > 1 else ""),), runtime, listed=False)
                 for n in sizes)


# The simple types (REFERENCE.md §1.6): a plural (`strings`, `chaînes`) is the same type.
TYPES: tuple[TypeName, ...] = (
    TypeName(("string",), ("chaîne",), "Text"),
    TypeName(("ANSI string", "Unicode string", "character"), ("chaîne ANSI", "chaîne UNICODE", "caractère"), "Text",
             listed=False),
    TypeName(("int",), ("entier",), "Integer"),
    *_sized("int", "entier", "Integer", (1, 2, 4, 8)),
    TypeName(("unsigned int",), ("entier sans signe",), "Integer", listed=False),
    *_sized("unsigned int", "entier sans signe", "Integer", (1, 2, 4, 8)),
    TypeName(("real",), ("réel",), "Real"),
    *_sized("real", "réel", "Real", (4, 8)),
    TypeName(("numeric",), ("numérique",), "Real", listed=False),
    TypeName(("currency",), ("monétaire",), "Real"),
    TypeName(("boolean",), ("booléen",), "Boolean"),
    TypeName(("date",), ("date",), "Date"),
    TypeName(("time",), ("heure",), "Time"),
    TypeName(("buffer",), ("buffer",), "Blob"),
    TypeName(("Variant",), ("Variant",), "Variant"),
    TypeName(("array",), ("tableau",), "Array"),
)
ARRAY = "Array"            # an `array of X` declaration's type; its init is NewValue("array", X)
ARRAY_VALUE = "array"      # the namespace's type that makes a new array
OBJECT = "Object"          # a declaration of a type of the namespace (Email, emailSMTPSession...)
VARIANT = "Variant"        # `let x = value`


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


SIMPLE_TYPES = {_fold(s): t for t in TYPES for s in t.spellings}


def simple_type(words: str) -> TypeName | None:
    """The simple type `words` name (`string`, `Entiers`, `entier sur 8 octets`), or None."""
    key = _fold(words)
    found = SIMPLE_TYPES.get(key)
    if found is None:                           # a plural: `strings`, `chaînes`, `entiers sur 8 octets`
        first, _, rest = key.partition(" ")
        if first.endswith("s"):
            found = SIMPLE_TYPES.get((first[:-1] + " " + rest).strip())
    return found


def listed_types() -> list[str]:
    """What a declaration's type can be completed with: the simple types (English, then French)."""
    return [s for t in TYPES if t.listed for s in t.en] + [s for t in TYPES if t.listed for s in t.fr
                                                             if s not in t.en]


# The partial type being typed after `is` / `are` / `est un`: completion offers types there.
def type_context() -> re.Pattern:
    declaring = "|".join(spelling_pattern(t) for t in ("IS", "ARE"))
    article = spelling_pattern("ARTICLE")
    return re.compile(r"(?i)(?:^|[ \t])(?:" + declaring + r")[ \t]+(?:(?:" + article + r")[ \t]+)?([\w]*)$")
