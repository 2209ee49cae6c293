"""The 4D tokenizer, plugged into Lark as its lexer.

4D's lexical layer depends on context in ways a regex lexer handles badly:
- command and constant names are several words long ("SMTP New transporter", "IMAP all") and
  must be matched longest first, case-insensitively, against the one command registry;
- after a `.` any word is a property name (`$c.length` is not the `Length` command);
- in `var $x : Text` the word after `:` is a type, even when it is also a command (`Date`);
- `\\` at the end of a line continues the statement, elsewhere it is integer division;
- `[[ ]]` (character reference) must not swallow the closing brackets of `$a[$b[1]]`.
So the tokens are made here, by hand, in one pass; 4d.lark declares them. The same pass,
in tolerant mode, gives the REPL and the highlighter a token for every character (scan.py).
"""
from __future__ import annotations

import functools
import re

from . import words as _words
from ..errors import SourceSyntaxError
from ..tokens import Token



# The keywords' word tuples -> token types (words.py is their table).
KEYWORDS = {_words.words_of(w.token): w.token for w in _words.KEYWORDS if w.token not in _words.PATTERN_TOKENS}
KEYWORD_TYPES = frozenset(KEYWORDS.values())

# After these keywords `:` announces a type (`var $x : Text`, `Function f($a : Text) : Text`);
# after NAMING ones a word is a member name (`Function send`, `property a; b`).
DECLARING = frozenset(w.token for w in _words.KEYWORDS if w.declares)
NAMING = frozenset(w.token for w in _words.KEYWORDS if w.names)
# Declaration words (`property`, `Function`, `local`...) begin a statement; elsewhere they are the
# names of variables, as in code older than them: `For each (property; $o)`.
STARTING = frozenset(w.token for w in _words.KEYWORDS if w.kind == _words.DECLARATION)
_ASSIGNED = re.compile(r"[ \t]*(?::=|[-+*/]=)")     # `local:=5`: the word is assigned to, a name


def names_go_on(ttype: str, prev: str | None) -> bool:
    """Punctuation in a name list: `;` or `,` after `property a` announces another name."""
    return (ttype == "_SEMI" or ttype == "_COMMA") and prev in ("MEMBER", "PROPERTY")


TYPE_NAMES = _words.TYPE_NAMES
# `Begin SQL` ... `End SQL` (words.FOREIGN_BLOCKS): the opening words, and the closing line's
_FOREIGN = [(ttype, re.compile(_words.spelling_pattern_of(opening) + r"(?![\w$])", re.I),
             re.compile(r"^[ \t]*" + _words.spelling_pattern_of(closing) + r"(?![\w$])", re.I | re.M), closing)
            for ttype, (_, opening, closing) in _words.FOREIGN_BLOCKS.items()]

PUNCT = [  # longest first
    (":=", "ASSIGN"), ("+=", "COMPOUND_OP"), ("-=", "COMPOUND_OP"), ("*=", "COMPOUND_OP"), ("/=", "COMPOUND_OP"),
    ("&&", "SC_OP"), ("||", "SC_OP"), ("<=", "BINOP"), (">=", "BINOP"), ("<<", "BINOP"), (">>", "BINOP"),
    ("^|", "BINOP"), ("?+", "BINOP"), ("?-", "BINOP"), ("??", "BINOP"), ("->", "_ARROW"),
    ("(", "_LPAR"), (")", "_RPAR"), (";", "_SEMI"), (":", "_COLON"), (",", "_COMMA"), (".", "_DOT"),
    ("{", "_LBRACE"), ("}", "_RBRACE"), ("[", "_LSQB"), ("]", "_RSQB"), ("?", "_QMARK"), ("-", "MINUS"),
    ("+", "PLUS"), ("*", "STAR"), ("/", "BINOP"), ("\\", "BINOP"), ("%", "BINOP"), ("^", "BINOP"),
    ("=", "BINOP"), ("#", "BINOP"), ("<", "BINOP"), (">", "BINOP"), ("&", "BINOP"), ("|", "BINOP"),
]

_WORD = r"[^\W\d][\w]*"
_DECLARE = re.escape(_words.BY_TOKEN["DECLARE"].spelling)
_SCAN = re.compile(r"""
  (?P<nl>\r?\n)
| (?P<ws>[ \t\f\u00a0\ufeff]+)
| (?P<cont>\\[ \t]*(?=\r?\n))
| (?P<lcomment>//[^\r\n]*)
| (?P<bcomment>/\*)
| (?P<string>"(?:[^"\\\r\n]|\\(?:\r?\n[ \t]*|.))*")
| (?P<badstring>")
| (?P<store>(?:4D|cs)(?::C\d+)?(?=[ \t]*\.))
| (?P<hex>0[xX][0-9A-Fa-f]+)
| (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
| (?P<date>![0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}!)
| (?P<time>\?[0-9]{1,3}:[0-9]{1,2}(?::[0-9]{1,2})?\?)
| (?P<declare>""" + _DECLARE + r"""(?![\w$]))
| (?P<param>\$\{)
| (?P<local>\$[\w]*)
| (?P<ipvar><>[^\W\d][\w]*)
| (?P<word>[^\W\d][\w]*)
""", re.X | re.I)

_PUNCT_RE = re.compile("|".join(re.escape(p) for p, _ in PUNCT))
_PUNCT_TYPE = dict(PUNCT)
_MEMBER_RE = re.compile(r"[^\W\d$][\w$]*|\$[\w$]*")
_CLASS_PATH_RE = re.compile(r"(?:4D|cs)(?::C\d+)?(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+", re.I)
_STORE_TOKEN = re.compile(r":C\d+|\s", re.I)     # what a class path's value drops: `cs:C1710.X` is cs.X
# A name's next word may start with a digit (`Get 4D folder`, `Object type 3D button`).
_NEXT_WORD = re.compile(r"[ \t]+([\w\u00b0]+)")
# Tokenized code (4D's project files): a name, then its token: `:Cnnn` for a command (the number
# decides: `Get localized string:C991` is `Localized string`), `:Kg:n` for a constant (the name
# decides). This matches after the first word: the other words and the token.
_TOKENIZED = re.compile(r"(?:[ \t]+[\w\u00b0]+)*?(?P<token>:(?:C(?P<command>\d+)|K\d+:\d+))(?![\w:])", re.I)
# `[Table]Field`, `[Table:1]Field:2`, `[Table:1]`: the database, where an expression starts.
_FIELD = re.compile(r"\[(?P<table>[^\W\d]\w*(?:[ \t]+\w+)*?)(?P<tnum>:\d+)?\]"
                    r"(?P<field>[^\W\d]\w*(?:[ \t]+\w+)*?:\d+|[^\W\d]\w*)?")
_EXPR_END = {"LOCAL", "NAME", "MEMBER", "_RPAR", "_RSQB", "RCHAR", "COMMAND", "CONSTANT", "STRING", "_RBRACE",
             "FIELD"}


class NameTable:
    """Multi-word names (commands, constants, keywords, project methods), longest match first."""

    # A name's next word may start with a digit: `Get 4D folder`, `Date RFC 1123`, `Speed 1200`.
    _NEXT = re.compile(r"[ \t]+([\w\u00b0]+)")      # `Orientation 90° left`

    def __init__(self):
        self.names: dict[tuple[str, ...], tuple[str, str]] = {}   # words -> (token type, canonical)
        self.prefixes: set[tuple[str, ...]] = set()
        self.longest = 1

    def add(self, name: str, ttype: str) -> None:
        words = tuple(name.casefold().split())        # (one pass: 3,600 names at start-up)
        self.names.setdefault(words, (ttype, name))
        for i in range(1, len(words)):
            self.prefixes.add(words[:i])
        self.longest = max(self.longest, len(words))

    def match(self, text: str, pos: int, first: str):
        """Longest name starting with the word `first` at `pos`: (type, end position) or None."""
        words = (first.casefold(),)
        best = None
        end = pos + len(first)
        if words in self.names:
            best = (self.names[words][0], end)
        while words in self.prefixes:
            m = self._NEXT.match(text, end)
            if not m:
                break
            words = words + (m.group(1).casefold(),)
            end = m.end()
            if words in self.names:
                best = (self.names[words][0], end)
        return best


_base_table: NameTable | None = None


def base_names() -> NameTable:
    global _base_table
    if _base_table is None:
        from ...commands.registry import all_commands, all_constants
        t = NameTable()
        for words, ttype in KEYWORDS.items():
            t.add(" ".join(words), ttype)
        for c in all_commands().values():
            t.add(c.name, "COMMAND")
        for c in all_constants().values():
            t.add(c.name, "CONSTANT")
        _base_table = t
    return _base_table


# The running project's methods that have blanks in their names (identifiers.md allows it): the
# front end hands their names to the parser, which tokenizes with this table beside the base one.
@functools.lru_cache(maxsize=8)
def method_names(methods: tuple[str, ...]) -> NameTable | None:
    """The project methods whose names hold blanks (`dev Update`) or begin with a digit
    (`00_Start`), as a name table; None: none do."""
    spaced = [m for m in methods if len(m.split()) > 1 or m[:1].isdigit()]
    if not spaced:
        return None
    t = NameTable()
    for m in spaced:
        t.add(m, "NAME")
    return t


class ScanState:
    """What a tolerant tokenize left open where the text stops."""

    def __init__(self):
        self.brackets: list[str] = []
        self.open_string = False     # the text ends inside a text literal


_OPENERS = frozenset({"_LPAR", "_LSQB", "_LBRACE", "LCHAR"})
_CLOSERS = frozenset({"_RPAR", "_RSQB", "_RBRACE", "RCHAR"})
_KEY_COLON = re.compile(r"[ \t]*:(?!=)")
_OPEN_STRING = re.compile(r'"(?:[^"\\\r\n]|\\(?:\r?\n[ \t]*|.)|\\$)*(?P<close>)')
# With join=True a bare line break inside a text literal continues it (the REPL's rule).
_JOIN_STRING = re.compile(r'"(?:[^"\\\r\n]|\\(?:\r?\n[ \t]*|.)|\\$|\r?\n)*(?P<close>"?)')
_BARE_NEWLINE = re.compile(r"(?<![\\\r])\r?\n")


def tokenize(text: str, names: NameTable, tolerant: bool = False, join: bool = False,
             state: ScanState | None = None, extra: NameTable | None = None):
    """The tokens of `text`. Strict (the parser's): blanks and comments are dropped and a lexical
    error raises SourceSyntaxError. Tolerant (the REPL's and the highlighter's): every character
    is in exactly one token, nothing raises, and these types are added:

        WS          blanks                     COMMENT     // to the end of the line
        BCOMMENT    /* ... */ (nested)         CONT        `\\` + line break
        OPEN_STRING a text literal not closed  OPEN_COMMENT a /* comment not closed
        ERROR       a character 4D does not have
        (strict too: FIELD `[Table]Field` / `[Table:1]Field:2`, TABLE `[Table:1]`, PARAM `${`)
        JOIN_NL     (with join=True) a line break inside an open bracket or text literal: the
                    statement goes on; `state` tells what is open at the end.
    """
    pos, line, line_start = 0, 1, 0
    n = len(text)
    prev = None               # type of the previous significant token
    brackets: list[str] = state.brackets if state is not None else []   # open ( [ [[ {
    in_declaration = False    # inside `var ...` or `#DECLARE ...`: `:` announces a type
    naming = False            # after `Function` / `property` (and its `;`): a word is a member name
    deref = False             # `->` after an expression (`$p->`): a word after it is a property (`$p->name`)
    scan, tok = _SCAN.match, Token

    while pos < n:
        m = scan(text, pos)
        if m is None:
            p = _PUNCT_RE.match(text, pos)
            if p is None:
                if not tolerant:
                    raise _error(f"unexpected character {text[pos]!r}", text, pos)
                yield tok("ERROR", text[pos], pos, line, pos - line_start + 1, line, pos - line_start + 2, pos + 1)
                pos += 1
                continue
            s = p.group()
            ttype = _PUNCT_TYPE[s]
            if s == "[" and prev not in _EXPR_END:
                fm = _FIELD.match(text, pos)
                if fm and (fm.group("tnum") or fm.group("field")):     # else `[a]`: a collection
                    end = fm.end()
                    ttype = "FIELD" if fm.group("field") else "TABLE"
                    column = pos - line_start + 1
                    yield tok(ttype, fm.group(), pos, line, column, line, column + end - pos, end)
                    prev, pos = ttype, end
                    naming = deref = False
                    continue
            if s == "[" and text.startswith("[[", pos) and prev in _EXPR_END:
                s, ttype = "[[", "LCHAR"
            elif s == "]" and text.startswith("]]", pos) and brackets and brackets[-1] == "[[":
                s, ttype = "]]", "RCHAR"
            if ttype in _OPENERS:
                brackets.append(s)
            elif ttype in _CLOSERS and brackets:
                brackets.pop()
            if ttype == "ASSIGN":
                in_declaration = False
            naming = naming and names_go_on(ttype, prev)
            deref = ttype == "_ARROW" and prev in _EXPR_END
            column = pos - line_start + 1
            yield tok(ttype, s, pos, line, column, line, column + len(s), pos + len(s))
            prev = ttype
            pos += len(s)
            if ttype == "_COLON" and in_declaration:
                for t in _declaration_type(text, pos, line, line_start, tolerant):
                    yield t
                    pos = t.end_pos
                    if t.type != "WS":
                        prev = t.type
            continue
        kind = m.lastgroup
        s = m.group()
        end = m.end()
        if kind == "ws":
            if tolerant:
                yield tok("WS", s, pos, line, pos - line_start + 1, line, end - line_start + 1, end)
            pos = end
            continue
        if kind == "nl":
            column = pos - line_start + 1
            if join and brackets:
                yield tok("JOIN_NL", s, pos, line, column, line, column + 1, end)
            else:
                yield tok("_NL", s, pos, line, column, line, column + 1, end)
                prev = "_NL"
                in_declaration = naming = deref = False
                brackets.clear()
            pos = end
            line += 1
            line_start = pos
            continue
        if kind == "cont":     # `\`, blanks and the line break: the statement goes on
            end = text.index("\n", pos) + 1
            if tolerant:
                yield tok("CONT", text[pos:end], pos, line, pos - line_start + 1, line + 1, 1, end)
            pos = end
            line += 1
            line_start = pos
            continue
        if kind == "lcomment":
            if tolerant:
                yield tok("COMMENT", s, pos, line, pos - line_start + 1, line, end - line_start + 1, end)
            pos = end
            continue
        if kind == "word" and (prev is None or prev == "_NL"):
            foreign = next(((t, c, w) for t, o, c, w in _FOREIGN if o.match(text, pos)), None)
            if foreign is not None:        # `Begin SQL`: everything to the `End SQL` line is one piece
                ttype, closing, closing_words = foreign
                found = closing.search(text, pos)
                if found is None:
                    if not tolerant:
                        raise _error(f"missing {closing_words}", text, pos)
                    yield _spanning(tok, "OPEN_" + ttype, text, pos, n, line, line_start)
                    break
                end = found.end()
                yield _spanning(tok, ttype, text, pos, end, line, line_start)
                breaks = text.count("\n", pos, end)
                if breaks:
                    line, line_start = line + breaks, text.rindex("\n", pos, end) + 1
                pos, prev = end, ttype
                continue
        if kind == "bcomment":
            end = block_comment_end(text, pos)
            if end is None:
                if not tolerant:
                    raise _error("unterminated comment (missing */)", text, pos)
                yield _spanning(tok, "OPEN_COMMENT", text, pos, n, line, line_start)
                break
            if tolerant:
                yield _spanning(tok, "BCOMMENT", text, pos, end, line, line_start)
            breaks = text.count("\n", pos, end)
            if breaks:
                line, line_start = line + breaks, text.rindex("\n", pos, end) + 1
            pos = end
            continue
        if kind == "badstring":
            if not tolerant:
                raise _error('unterminated text literal (missing closing ")', text, pos)
            sm = (_JOIN_STRING if join else _OPEN_STRING).match(text, pos)
            end = sm.end()
            closed = bool(sm.group("close"))
            yield from _open_string(tok, text, pos, end, closed, join, line, line_start)
            if state is not None:
                state.open_string = not closed and end >= n
            breaks = text.count("\n", pos, end)
            if breaks:
                line, line_start = line + breaks, text.rindex("\n", pos, end) + 1
            pos, prev = end, "STRING"
            continue
        start_col = pos - line_start + 1
        member = ((prev == "_DOT" and kind == "local") or ((prev == "_DOT" or deref) and kind in ("word", "store"))) \
            and _MEMBER_RE.match(text, pos)                             # (`4D` cannot be a property name)
        if member:
            ttype, end = "MEMBER", member.end()                         # `$c.length`: a property
            s = text[pos:end]
        elif naming and kind in ("word", "store"):
            ttype = "MEMBER"                                            # `Function send(...)`
        elif prev == "CLASS_EXTENDS" and kind == "word":
            ttype = "NAME"                                              # `Class extends Rectangle`
        elif kind == "word" or kind == "store":
            if kind == "store":
                ttype = "CLASS_STORE"
            elif brackets and brackets[-1] == "{" and prev in ("_LBRACE", "_SEMI") and _KEY_COLON.match(text, end):
                ttype = "MEMBER"     # {name: value}
            else:
                ttype, end = resolve_word(text, pos, s, names, extra)
                s = text[pos:end]
                if ttype in STARTING and ((prev is not None and prev != "_NL" and prev not in STARTING)
                                          or _ASSIGNED.match(text, end)):
                    ttype = "NAME"
            in_declaration = in_declaration or ttype in DECLARING
            naming = ttype in NAMING
        elif kind == "local":
            ttype = "LOCAL"
        elif kind == "param":
            ttype = "PARAM"          # `${n}`: the n-th parameter
            brackets.append("{")
        elif kind == "ipvar":
            ttype = "NAME"
        elif kind == "declare":
            ttype = "DECLARE"
            in_declaration = True
        elif kind == "hex":
            ttype = "HEX_NUMBER"
        elif kind == "number" and prev != "_DOT" and (named := _named_at_digit(text, pos, names, extra)):
            ttype, end = named                                          # `4D Server`, `64 bit Version`
            s = text[pos:end]
        else:
            ttype = kind.upper()
            if prev == "_DOT" and kind == "number" and not tolerant:
                raise _error("a property name cannot start with a digit (use [\"...\"])", text, pos)
        deref = False
        newlines = s.count("\n")
        yield tok(ttype, s, pos, line, start_col, line + newlines, start_col + len(s), end)
        if newlines:       # a text literal continued over lines
            line += newlines
            line_start = pos + s.rindex("\n") + 1
        pos = end
        prev = ttype


def _error(message: str, text: str, pos: int) -> SourceSyntaxError:
    """A lexical error at `pos` (its line and column are counted only when one happens)."""
    line_start = text.rfind("\n", 0, pos) + 1
    return SourceSyntaxError(message, text.count("\n", 0, pos) + 1, pos - line_start + 1)


def _spanning(tok, ttype: str, text: str, start: int, end: int, line: int, line_start: int) -> Token:
    """A token that may run over several lines (a comment, a text literal)."""
    breaks = text.count("\n", start, end)
    end_col = end - (text.rindex("\n", start, end) + 1 if breaks else line_start) + 1
    return tok(ttype, text[start:end], start, line, start - line_start + 1, line + breaks, end_col, end)


def _open_string(tok, text: str, start: int, end: int, closed: bool, join: bool, line: int, line_start: int):
    """A text literal the tolerant scan met unclosed, or (join) spread over lines in the REPL:
    STRING / OPEN_STRING parts, with JOIN_NL where a bare line break continues it."""
    last = "STRING" if closed else "OPEN_STRING"
    if not join:
        yield _spanning(tok, last, text, start, end, line, line_start)
        return
    pos = start
    for m in _BARE_NEWLINE.finditer(text, start, end):
        a, b = m.start(), m.end()
        if a > pos:
            t = _spanning(tok, "STRING", text, pos, a, line, line_start)
            yield t
            line = t.end_line
            if t.end_line != t.line:
                line_start = text.rindex("\n", pos, a) + 1
        yield tok("JOIN_NL", text[a:b], a, line, a - line_start + 1, line, a - line_start + 2, b)
        pos, line, line_start = b, line + 1, b
    if pos < end:
        yield _spanning(tok, last, text, pos, end, line, line_start)


_BLANKS = re.compile(r"[ \t]*")
_WORD_RE = re.compile(_WORD)


_DIGIT_WORD = re.compile(r"\d\w*")


def _named_at_digit(text: str, pos: int, names: NameTable, extra: NameTable | None):
    """A command or constant whose name starts with a digit (`4D Server`, `64 bit Version`), where
    the scan saw a number: (type, end), or None for a number."""
    m = _DIGIT_WORD.match(text, pos)
    if m is None:                                    # `.5`
        return None
    found = names.match(text, pos, m.group())
    mine = extra.match(text, pos, m.group()) if extra is not None else None    # `00_Start`, a method
    if mine is not None and (found is None or mine[1] > found[1]):
        return mine
    if found is None:
        return None
    return resolve_word(text, pos, m.group(), names, extra)     # (its tokenized form too)


def resolve_word(text: str, pos: int, word: str, names: NameTable, extra: NameTable | None) -> tuple[str, int]:
    """A word at `pos`: a tokenized name (`Length:C16`, `This:C1470`, `Is text:K8:3`), else the
    longest keyword, command, constant or project method it starts, else a plain NAME.
    Returns (type, end)."""
    after = pos + len(word)
    tm = _TOKENIZED.match(text, after)
    if tm:
        keyword = names.match(text, pos, word)      # `return Length:C16($t)`: the keyword comes first
        if keyword is None or keyword[0] not in KEYWORD_TYPES or keyword[1] >= tm.start("token"):
            number = tm.group("command")
            if number is None:
                return "CONSTANT", tm.end()
            return _words.TOKEN_NUMBERS.get(int(number), "COMMAND"), tm.end()
    found = names.match(text, pos, word)
    if extra is not None:                            # `Max of` (a method) is longer than `Max`
        mine = extra.match(text, pos, word)
        if mine is not None and (found is None or mine[1] > found[1]):
            found = mine
    if found is None:
        return "NAME", after
    return found


def _declaration_type(text: str, pos: int, line: int, line_start: int, tolerant: bool) -> list[Token]:
    """After `:` in a declaration: a basic type name or a class path (4D.File, cs.Person), with
    the blanks before it when tolerant. Strict, anything else raises; tolerant, a word that is
    no type is a NAME and no word, nothing."""
    out = []
    start = _BLANKS.match(text, pos).end()
    if tolerant and start > pos:
        out.append(Token("WS", text[pos:start], pos, line, pos - line_start + 1, line, start - line_start + 1, start))
    column = start - line_start + 1
    cm = _CLASS_PATH_RE.match(text, start)
    wm = None if cm else _WORD_RE.match(text, start)
    if cm:
        value = cm.group() if tolerant else _STORE_TOKEN.sub("", cm.group())
        out.append(Token("CLASS_PATH", value, start, line, column, line, column + len(cm.group()), cm.end()))
    elif wm and (tolerant or wm.group().casefold() in TYPE_NAMES):
        ttype = "TYPE_NAME" if wm.group().casefold() in TYPE_NAMES else "NAME"
        out.append(Token(ttype, wm.group(), start, line, column, line, column + len(wm.group()), wm.end()))
    elif not tolerant:
        if wm:
            listed = ", ".join(t.spelling for t in _words.TYPES if t.listed)
            raise SourceSyntaxError(f"unknown type {wm.group()!r} (expected {listed} or a class like 4D.File)",
                                   line, column)
        raise SourceSyntaxError("a type name was expected after ':'", line, column)
    return out


def block_comment_end(text: str, pos: int) -> int | None:
    """Where the /* ... */ comment starting at `pos` ends (they nest: quick-tour.md "Comments"),
    or None when it never closes."""
    depth, i, n = 0, pos, len(text)
    while i < n:
        if text.startswith("/*", i):
            depth += 1
            i += 2
        elif text.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return None
