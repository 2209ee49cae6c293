"""The WLanguage tokenizer (REFERENCE.md §1.1-§1.5), feeding the LALR parser (wlanguage.lark).

Its rules depend on context, so the tokens are made here by hand, in one pass:
- `=` assigns at the start of a statement (`x = 5`, `a.b[1] = 5`, a declaration's `= value`, a
  FOR's `i = 1`) and compares anywhere else (ASSIGN / EQ);
- some words are keywords only in their place (words.py `contexts`): `TO`/`À` and `STEP` in a
  FOR header, `OF`/`DE` in a FOR EACH header, `TO`/`ON` inside `t[[ ]]`, articles and `array of`
  in a declaration's type; French `PAS` is STEP after the bounds of a FOR, NOT elsewhere;
- the words after `is` / `are` are a type (TYPE_WORD), after `.` or `..` a property (MEMBER);
- `...` at the end of a line continues the statement when the line is unfinished (an open
  bracket, a trailing operator or comma); otherwise, and on a line of its own, it is the docs'
  "code left out" mark and means nothing;
- a text literal may go on over lines: a `"` that ends its line opens one that the next `"`
  closes, and a `[` that ends its line where a value is expected opens one that a line holding
  only `]` closes (TEXT_BLOCK; build.py makes their text);
- `;` separates statements as a line break does;
- a multi-line IF's `ELSE stmt` on one line ends the IF (the IF page's syntax 2 has no END): an
  END with no text is written in at the end of that line, unless the next line is an END;
- `<COMPILE IF ConfigurationType<>Site>` … `<END>` lines keep or drop the lines between them.
In tolerant mode (the REPL's and the highlighter's) every character is in one token and nothing
raises (scan.py).
"""
from __future__ import annotations

import re

from ..errors import SourceSyntaxError
from ..tokens import Token
from . import words as W




def _fold(word: str) -> str:
    return word.casefold()


# spelling words -> the rows spelled so (PAS is NOT and STEP; À is TO and begins À FAIRE TANTQUE)
_SPELLINGS: dict[tuple[str, ...], list[W.Word]] = {}
_PREFIXES: set[tuple[str, ...]] = set()
for _w in W.KEYWORDS:
    if _w.token in W.DIRECTIVES:
        continue
    for _s in _w.spellings:
        _key = tuple(_fold(p) for p in _s.split())
        if _w not in _SPELLINGS.setdefault(_key, []):
            _SPELLINGS[_key].append(_w)
        for _i in range(1, len(_key)):
            _PREFIXES.add(_key[:_i])

_WORD = r"[^\W\d]\w*"
_NEXT_WORD = re.compile(r"[ \t]+(" + _WORD + r")")
_SCAN = re.compile(r"""
  (?P<nl>\r?\n)
| (?P<ws>[ \t\f\u00a0\ufeff]+)
| (?P<comment>//[^\r\n]*)
| (?P<dots>\.\.\.)
| (?P<string>"(?:[^"\r\n]|"")*")
| (?P<badstring>")
| (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
| (?P<word>""" + _WORD + r""")
""", re.X)

PUNCT = [  # longest first; CMP_AFTER: only after an expression (`a [= "x"`, `a =] "x"`)
    ("[~~]", "CMP"), ("[~]", "CMP"), ("[=]", "CMP"), ("[~~", "CMP"), ("~~]", "CMP"), ("[~", "CMP"), ("[=", "CMP"),
    ("~]", "CMP"), ("=]", "CMP"), ("~~", "CMP"), ("~=", "CMP"), ("<>", "CMP"), ("<=", "CMP"), (">=", "CMP"),
    ("[[", "LCHAR"), ("]]", "RCHAR"), ("++", "INCR"), ("--", "DECR"), ("+=", "COMPOUND_OP"), ("-=", "COMPOUND_OP"),
    ("..", "_DOT"), ("(", "_LPAR"), (")", "_RPAR"), ("[", "_LSQB"), ("]", "_RSQB"), (",", "_COMMA"), (".", "_DOT"),
    (":", "_COLON"), ("?", "_QMARK"), (";", "_NL"), ("<", "CMP"), (">", "CMP"), ("=", "EQ"), ("+", "PLUS"),
    ("-", "MINUS"), ("*", "STAR"), ("/", "SLASH"), ("%", "PERCENT"), ("^", "CARET"),
]
_PUNCT_RE = re.compile("|".join(re.escape(p) for p, _ in PUNCT))
_PUNCT_TYPE = dict(PUNCT)
_AFTER_EXPR_ONLY = frozenset({"[~~]", "[~]", "[=]", "[~~", "~~]", "[~", "[=", "~]", "=]", "[["})

# After these an expression has ended: `[` indexes, `[=` compares, `++` is postfix, PAS is STEP.
EXPR_END = frozenset({"NAME", "MEMBER", "NUMBER", "STRING", "NULL", "_RPAR", "_RSQB", "RCHAR", "INCR", "DECR"})
# A line ending with one of these is unfinished: a `...` after it continues the statement.
CONTINUING = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "PERCENT", "CARET", "MODULO", "EQ", "ASSIGN", "CMP",
                        "AND", "OR", "AND_THEN", "OR_ELSE", "NOT", "IN", "_COMMA", "_LPAR", "_LSQB", "LCHAR",
                        "_QMARK", "COMPOUND_OP", "TO", "STEP", "ON", "OF", "IS", "ARE", "_DOT"})
_OPENERS = {"_LPAR": "(", "_LSQB": "[", "LCHAR": "[["}
_CLOSERS = {"_RPAR", "_RSQB", "RCHAR"}
# Keywords after which a new statement begins on the same line.
_STATEMENT_AFTER = frozenset({"THEN", "ELSE", "DO", "LOOP"})
# A text literal over several lines: `"` at the end of a line to the next `"`; `[` at the end
# of a line to a line holding only `]` (the `""` of a quoted text is one quote).
_MULTILINE_QUOTED = re.compile(r'"[ \t]*\r?\n(?:[^"]|"")*"')
_MULTILINE_BRACKETS = re.compile(r"\[[ \t]*\r?\n(?:.*\r?\n)*?[ \t]*\][ \t]*(?=\r?\n|$)")
_REST_OF_LINE = re.compile(r"[ \t]*(?://[^\r\n]*)?(?=\r?\n|$)")
_DIRECTIVE = re.compile(r"[ \t]*<[ \t]*(?:(?P<if>COMPILE[ \t]+(?:IF|SI)\b)(?P<cond>[^\r\n]*)>|(?P<end>END|FIN)[ \t]*>)"
                        r"[ \t]*(?://[^\r\n]*)?$", re.I)
_CONDITION = re.compile(r"[ \t]*(?P<name>" + _WORD + r")[ \t]*(?P<op><>|=)[ \t]*(?P<value>" + _WORD + r")[ \t]*$")


class ScanState:
    """What a tolerant tokenize left open where the text stops."""

    def __init__(self):
        self.brackets: list[str] = []
        self.open_string = False     # the text ends inside a text literal
        self.open_lines = False      # ... one over several lines, whose closing may come
        self.continued = False       # the text ends with a `...` that continues the line


def _error(message: str, text: str, pos: int) -> SourceSyntaxError:
    line_start = text.rfind("\n", 0, pos) + 1
    return SourceSyntaxError(message, text.count("\n", 0, pos) + 1, pos - line_start + 1)


def directives(text: str, tolerant: bool = False) -> tuple[dict[int, str], set[int]]:
    """The `<COMPILE IF …>` / `<END>` lines (line number -> "if" / "end") and the lines they drop.
    A script is no website: `ConfigurationType<>Site` keeps its lines, `=Site` drops them."""
    found: dict[int, str] = {}
    dropped: set[int] = set()
    stack: list[tuple[int, bool, bool]] = []      # (line, kept, written in French)
    pos = 0
    for number, line in enumerate(text.split("\n"), 1):
        m = _DIRECTIVE.match(line.rstrip("\r"))
        if m:
            if m.group("if"):
                found[number] = "if"
                keep = _keeps(m, text, pos, tolerant)
                french = m.group("if").split()[-1].casefold() == "si"
                stack.append((number, keep and (not stack or stack[-1][1]), french))
            else:
                found[number] = "end"
                if stack:
                    stack.pop()
                elif not tolerant:
                    raise _error(f"{W.spelled('COMPILE_END')} without its {W.spelled('COMPILE_IF')}", text,
                                 pos + line.index("<"))
        elif stack and not stack[-1][1]:
            dropped.add(number)
        pos += len(line) + 1
    if stack and not tolerant:
        number, _, french = stack[-1]
        start = sum(len(x) + 1 for x in text.split("\n")[:number - 1])
        raise _error(f"{W.spelled('COMPILE_END', french)} expected for the {W.spelled('COMPILE_IF', french)} "
                     f"of line {number}", text, start + text[start:].index("<"))
    return found, dropped


def _keeps(m: re.Match, text: str, pos: int, tolerant: bool) -> bool:
    c = _CONDITION.match(m.group("cond"))
    if c and _fold(c.group("name")) in {_fold(n) for n in W.CONFIGURATION_TYPE} \
            and _fold(c.group("value")) in {_fold(v) for v in W.WEBSITE}:
        return c.group("op") == "<>"
    if tolerant:
        return True
    raise _error(f"{W.spelled('COMPILE_IF')}: only {W.CONFIGURATION_TYPE[0]}<>{W.WEBSITE[0]} or "
                 f"{W.CONFIGURATION_TYPE[0]}={W.WEBSITE[0]} can be decided (a script is no website)",
                 text, pos + m.start("cond"))


def tokenize(text: str, tolerant: bool = False, join: bool = False, state: ScanState | None = None):
    """The tokens of `text`. Strict (the parser's): blanks, comments, continuations and `...`
    marks are dropped and a lexical error raises SourceSyntaxError. Tolerant: every character is
    in exactly one token, nothing raises, and these types are added:

        WS          blanks                      COMMENT     // to the end of the line
        CONT        `...` that continues a line, with its line break
        PLACEHOLDER `...`: code left out        DIRECTIVE   a <COMPILE IF …> or <END> line
        OPEN_STRING a text literal not closed   ERROR       a character WLanguage does not have
        JOIN_NL     (with join=True) a line break inside an open bracket: the statement goes on
    """
    marks, dropped = directives(text, tolerant)
    pos, line, line_start, n = 0, 1, 0, len(text)
    brackets: list[str] = state.brackets if state is not None else []
    prev: str | None = None            # the previous significant token's type
    target = True                      # only an assignment's target so far in this statement
    declaring = False                  # after `is` / `let` in this statement: `=` gives the value
    typing = False                     # after `is` / `are`: the words are a type
    head: str | None = None            # in the header of a FOR or FOR EACH (words.FOR_HEAD...)
    head_bound = False                 # a FOR header's TO has been seen
    case_label = False                 # in a CASE label, before its `:`
    ternaries = 0                      # `?` waiting for their ELSE
    line_if = False                    # an IF on this line: its ELSE is a one-line IF's
    close_if = False                   # an `ELSE stmt` line that ends its IF (syntax 2)
    tok = Token

    def new_statement():
        nonlocal target, declaring, typing, head, head_bound, case_label, ternaries
        target, declaring, typing, head, head_bound, case_label, ternaries = True, False, False, None, False, False, 0

    while pos < n:
        if pos == line_start and (line in marks or line in dropped):
            end = text.find("\n", pos)
            end = n if end < 0 else end
            if line in marks and tolerant:
                yield tok("DIRECTIVE", text[pos:end], pos, line, 1, line, end - pos + 1, end)
            elif tolerant and end > pos:                 # a dropped line: highlighted as code all the same
                for t in tokenize(text[pos:end], tolerant=True):
                    yield tok(t.type, str(t), t.start_pos + pos, line, t.column, line, t.end_column, t.end_pos + pos)
            pos = end
            if pos >= n:
                break
        m = _SCAN.match(text, pos)
        kind = m.lastgroup if m else None
        if kind == "ws":
            if tolerant:
                yield tok("WS", m.group(), pos, line, pos - line_start + 1, line, m.end() - line_start + 1, m.end())
            pos = m.end()
            continue
        if kind == "comment":
            if tolerant:
                yield tok("COMMENT", m.group(), pos, line, pos - line_start + 1, line, m.end() - line_start + 1,
                          m.end())
            pos = m.end()
            continue
        if kind == "nl":
            column = pos - line_start + 1
            if join and brackets:
                yield tok("JOIN_NL", m.group(), pos, line, column, line, column + 1, m.end())
            else:
                if close_if:
                    yield tok("END", "", pos, line, column, line, column, pos)
                close_if = line_if = False
                yield tok("_NL", m.group(), pos, line, column, line, column + 1, m.end())
                prev = "_NL"
                brackets.clear()
                new_statement()
            pos = m.end()
            line += 1
            line_start = pos
            continue
        if kind == "dots":
            rest = _REST_OF_LINE.match(text, m.end())
            column = pos - line_start + 1
            if rest is None:
                if not tolerant:
                    raise _error("'...' (code left out) can only end a line", text, pos)
                yield tok("PLACEHOLDER", "...", pos, line, column, line, column + 3, m.end())
                pos = m.end()
                continue
            if brackets or prev in CONTINUING:           # an unfinished line: the next one goes on with it
                end = rest.end()
                nl = re.match(r"\r?\n", text[end:end + 2])
                end += nl.end() if nl else 0
                if tolerant:
                    yield tok("CONT", "...", pos, line, column, line, column + 3, m.end())
                    if rest.end() > m.end():
                        piece = text[m.end():rest.end()]
                        comment_at = piece.find("//")
                        if comment_at > 0:
                            yield tok("WS", piece[:comment_at], m.end(), line, column + 3, line, column + 3 + comment_at,
                                      m.end() + comment_at)
                        if comment_at >= 0:
                            yield tok("COMMENT", piece[comment_at:], m.end() + comment_at, line,
                                      column + 3 + comment_at, line, column + 3 + len(piece), rest.end())
                        else:
                            yield tok("WS", piece, m.end(), line, column + 3, line, column + 3 + len(piece), rest.end())
                    if nl:
                        yield tok("JOIN_NL", nl.group(), rest.end(), line, rest.end() - line_start + 1, line,
                                  rest.end() - line_start + 2, end)
                if state is not None and not nl:
                    state.continued = True
                if nl:
                    line += 1
                    line_start = end
                pos = end
                continue
            if tolerant:                                  # `CASE 1: ...`, a line of its own: nothing
                yield tok("PLACEHOLDER", "...", pos, line, column, line, column + 3, m.end())
            pos = m.end()
            continue
        if kind == "string":
            s = m.group()
            column = pos - line_start + 1
            yield tok("STRING", s, pos, line, column, line, column + len(s), m.end())
            prev = "STRING"
            target = target and bool(brackets)
            pos = m.end()
            continue
        if kind == "badstring" and _MULTILINE_QUOTED.match(text, pos):
            m = _MULTILINE_QUOTED.match(text, pos)
            yield from _spanning("STRING", m.group(), pos, line, line_start)
            line, line_start = line + m.group().count("\n"), text.rfind("\n", 0, m.end()) + 1
            prev = "STRING"
            target = target and bool(brackets)
            pos = m.end()
            continue
        if kind == "badstring":
            if not tolerant:
                raise _error('unterminated text literal (missing closing ")', text, pos)
            end = text.find("\n", pos)
            end = n if end < 0 else end
            if _THEN_NEXT_LINE.match(text, pos + 1) and end < n:    # `"` ending its line, never closed
                if state is not None:
                    state.open_string = state.open_lines = True
                yield from _spanning("OPEN_STRING", text[pos:], pos, line, line_start)
                break
            column = pos - line_start + 1
            yield tok("OPEN_STRING", text[pos:end], pos, line, column, line, column + end - pos, end)
            if state is not None and end >= n:
                state.open_string = True
            pos, prev = end, "STRING"
            continue
        if kind == "number":
            s = m.group()
            column = pos - line_start + 1
            ttype = "TYPE_WORD" if typing else "NUMBER"
            yield tok(ttype, s, pos, line, column, line, column + len(s), m.end())
            prev = ttype
            target = target and bool(brackets)
            pos = m.end()
            continue
        if kind == "word":
            column = pos - line_start + 1
            s = m.group()
            end = m.end()
            if prev == "_DOT":
                ttype = "MEMBER"
            else:
                ttype, end = _word(text, pos, s, prev, brackets, head, head_bound, typing, case_label)
            value = text[pos:end]
            if ttype == "ARTICLE" and not tolerant:
                pos = end                                     # `is a string`: the article means nothing
                continue
            yield tok(ttype, value, pos, line, column, line, column + len(value), end)
            pos = end
            if ttype in ("IS", "ARE"):
                typing = declaring = True
                target = False
            elif ttype == "LET":
                declaring, target = True, True
                prev = ttype
                continue
            elif ttype == "PROCEDURE":
                head = W.PROCEDURE_HEAD
                target = False
                prev = ttype
                continue
            elif ttype in ("FOR", "FOR_EACH", "FOR_EACH_STRING"):
                head = W.FOR_HEAD if ttype == "FOR" else W.FOR_EACH_HEAD
                target = True
                prev = ttype
                continue
            elif ttype == "TO" and head == W.FOR_HEAD:
                head_bound = True
            elif ttype in ("CASE", "OTHER_CASE", "CASE_ERROR", "CASE_EXCEPTION"):
                case_label = True
            elif ttype == "ELSE" and ternaries:
                ternaries -= 1
                ttype = "_TERNARY_ELSE"
            elif ttype == "IF":
                line_if = True
            elif ttype in _STATEMENT_AFTER:
                if ttype == "ELSE" and not line_if and not tolerant and _ends_its_if(text, end):
                    close_if = True
                new_statement()
                prev = ttype
                continue
            if ttype not in ("NAME", "MEMBER") and not brackets:
                target = False
            prev = "ELSE" if ttype == "_TERNARY_ELSE" else ttype
            continue
        # punctuation
        block = text[pos] == "[" and prev not in EXPR_END and _MULTILINE_BRACKETS.match(text, pos)
        if block:
            yield from _spanning("TEXT_BLOCK", block.group(), pos, line, line_start)
            line, line_start = line + block.group().count("\n"), text.rfind("\n", 0, block.end()) + 1
            prev = "STRING"
            target = target and bool(brackets)
            pos = block.end()
            continue
        p = _PUNCT_RE.match(text, pos)
        column = pos - line_start + 1
        if p is None:
            if not tolerant:
                raise _error(f"unexpected character {text[pos]!r}", text, pos)
            yield tok("ERROR", text[pos], pos, line, column, line, column + 1, pos + 1)
            pos += 1
            continue
        s = p.group()
        if s in _AFTER_EXPR_ONLY and prev not in EXPR_END:
            s = s[0]                                      # `[` of a literal, `=` then `]`...
        elif s == "]]" and not (brackets and brackets[-1] == "[["):
            s = "]"
        ttype = _PUNCT_TYPE[s]
        if ttype == "EQ" and (declaring or (target and not brackets)) and not case_label:
            ttype = "ASSIGN"
        if ttype in _OPENERS:
            brackets.append(_OPENERS[ttype])
        elif ttype in _CLOSERS and brackets:
            brackets.pop()
        yield tok(ttype, s, pos, line, column, line, column + len(s), pos + len(s))
        pos += len(s)
        if ttype == "_NL":                                 # `;`
            new_statement()
            prev = "_NL"
            continue
        if ttype == "_QMARK":
            ternaries += 1
        if ttype == "_COLON" and case_label and not brackets:
            new_statement()                               # `CASE 1: Trace("one")`
            prev = ttype
            continue
        if ttype == "ASSIGN":
            declaring = typing = False
            target = False
        elif typing:
            typing = False
        if ttype == "_COLON" and head == W.PROCEDURE_HEAD and not brackets:
            typing = True                                 # `PROCEDURE f() : boolean`
        # `s[[2]] = "X"`, `s[[2 TO 3]] = "ZZ"`: a character reference can be assigned too
        if not brackets and ttype not in ("_DOT", "_LSQB", "_RSQB", "_LPAR", "_RPAR", "LCHAR", "RCHAR", "ASSIGN"):
            target = False
        prev = ttype
    if state is not None:
        state.brackets = brackets


def _spanning(ttype: str, value: str, pos: int, line: int, line_start: int):
    """A token over several lines (a text literal), from `pos` on line `line`."""
    last_nl = value.rfind("\n")
    yield Token(ttype, value, pos, line, pos - line_start + 1, line + value.count("\n"), len(value) - last_nl,
                pos + len(value))


def _word(text: str, pos: int, word: str, prev: str | None, brackets: list, head: str | None, head_bound: bool,
          typing: bool, case_label: bool) -> tuple[str, int]:
    """A word at `pos`: the longest keyword it starts that is one in this place, else a NAME (a
    TYPE_WORD in a declaration's type). Returns (type, end)."""
    context = {W.ANYWHERE}
    if brackets and brackets[-1] == "[[":
        context.add(W.CHARS)
    elif not brackets and head:
        context.add(head)
    elif head == W.PROCEDURE_HEAD and len(brackets) == 1:
        context.add(W.PARAMETERS)
    if case_label and not brackets:
        context.add(W.CASE_LABEL)
    if typing:
        context = {W.TYPE}
    key = (_fold(word),)
    end = pos + len(word)
    candidates = []
    if key in _SPELLINGS:
        candidates.append((_SPELLINGS[key], end))
    while key in _PREFIXES:
        m = _NEXT_WORD.match(text, end)
        if not m:
            break
        key = key + (_fold(m.group(1)),)
        end = m.end()
        if key in _SPELLINGS:
            candidates.append((_SPELLINGS[key], end))
    after_expression = prev in EXPR_END
    for rows, stop in reversed(candidates):                 # longest first
        for row in rows:
            if not context & set(row.contexts):
                continue
            if row.token == "STEP" and not (after_expression and head_bound):
                continue
            if row.token == "NOT" and after_expression and head == W.FOR_HEAD and head_bound \
                    and not _followed_by_in(text, stop):
                continue                                   # `POUR i = 1 À 10 PAS 2`: STEP
            if row.token == "OF" and not after_expression:
                continue
            return row.token, stop
    return ("TYPE_WORD" if typing else "NAME"), pos + len(word)


_THEN_NEXT_LINE = re.compile(r"[ \t]*(?://[^\r\n]*)?(?:\r?\n|$)")
_BLANK_LINES = re.compile(r"(?:[ \t]*(?://[^\r\n]*)?\r?\n)*[ \t]*")
_OPENS_ELSE_IF = re.compile(r"[ \t]+(?:" + W.spelling_pattern("IF") + r")(?!\w)", re.I)
_STARTS_END = re.compile(r"(?:" + W.spelling_pattern("END") + r")(?!\w)", re.I)


def _ends_its_if(text: str, pos: int) -> bool:
    """Does the ELSE ending at `pos` have a statement after it on its line (not an ELSE IF) and
    no END of its own on the next line, so that its IF ends with the line? An END is the IF's
    when it is indented at least as far as the ELSE (an END further left closes an outer block)."""
    if _THEN_NEXT_LINE.match(text, pos) or _OPENS_ELSE_IF.match(text, pos):
        return False
    nl = text.find("\n", pos)
    if nl < 0:
        return True
    after = _BLANK_LINES.match(text, nl + 1).end()
    if not _STARTS_END.match(text, after):
        return True
    else_line = text.rfind("\n", 0, pos) + 1
    else_indent = len(text[else_line:pos]) - len(text[else_line:pos].lstrip(" \t"))
    return after - (text.rfind("\n", 0, after) + 1) < else_indent


def _followed_by_in(text: str, pos: int) -> bool:
    m = _NEXT_WORD.match(text, pos)
    return bool(m) and any(r.token == "IN" for r in _SPELLINGS.get((_fold(m.group(1)),), ()))
