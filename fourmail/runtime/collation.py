"""How a process compares texts: its collation.

4D's rule (dt_string.md "String comparisons", position.md) is the default: texts compare
case-insensitively and diacritic-insensitively, with linguistic matching of ligatures (æ = ae,
ß = ss) and C0 control characters ignored; `@` is the wildcard (runtime/compare.py). A process
reaches its collation as `rt.collation` and 4D's comparison rules with it as `rt.compare` (the
operators of the code compiled for it); another language supplies another `Collation`.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# Letters written with several characters that 4D matches linguistically (position.md: æ = ae, ß = ss).
_LIGATURES = {"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS", "ﬁ": "fi", "ﬂ": "fl",
              "ĳ": "ij", "Ĳ": "IJ"}
# Letters whose diacritic is not a combining mark in Unicode.
_BASE_LETTERS = {"ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H",
                 "ı": "i", "ŧ": "t", "Ŧ": "T"}
_CTRL = re.compile("[\x00-\x08\x0e-\x1f]")


def _ignorable(c: str) -> bool:
    # C0 controls are ignored, except TAB, LF, VT, FF, CR (position.md)
    o = ord(c)
    return o < 9 or 0x0E <= o < 0x20


@functools.lru_cache(maxsize=8192)
def fold_char(c: str, case: bool, diacritics: bool, linguistic: bool) -> str:
    """One character folded for a comparison mode (the sk options of compare-strings.md):
    `case` and `diacritics` fold them away, `linguistic` expands ligatures and drops ignorables."""
    if linguistic:
        if _ignorable(c):
            return ""
        if c in _LIGATURES:
            c = _LIGATURES[c]
    if case:
        c = c.casefold()
    if diacritics:
        out = []
        for ch in c:
            ch = _BASE_LETTERS.get(ch, ch)
            out.extend(x for x in unicodedata.normalize("NFD", ch) if not unicodedata.combining(x))
        c = "".join(out)
    return c


def text_key(s: str) -> str:
    """Comparison key: equal keys mean equal texts for 4D `=` (case- and diacritic-insensitive)."""
    if s.isascii():
        if not s.isprintable() and _CTRL.search(s):
            s = _CTRL.sub("", s)
        return s.lower()
    return "".join(fold_char(c, True, True, True) for c in s)


def char_key(c: str) -> str:
    """The key of one character: `text_key(s)` is the keys of its characters joined. Position and
    Replace string fold character by character to map a match back to the original text."""
    return fold_char(c, True, True, True)


class Collation:
    """A language's text comparison: `key(text)` and `char_key(character)` (see text_key).

    Both are plain functions stored once: callers bind `rt.collation.key` to a local before a loop.
    `rules`, when given, names ("module:Class" in fourmail.runtime) the language's comparison and
    operator rules, a compare.Comparison subclass a Runtime makes instead of 4D's.
    """

    __slots__ = ("name", "key", "char_key", "rules")

    def __init__(self, name: str, key, char_key, rules=None):
        self.name, self.key, self.char_key, self.rules = name, key, char_key, rules

    def __repr__(self):
        return f"<collation {self.name}>"


FOURD_COLLATION = Collation("4D", text_key, char_key)



def _same(s: str) -> str:
    return s


# WLanguage's strict `=` compares texts exactly, case and accents included (REFERENCE.md §1.5:
# the reason `~=` exists); its other operators are runtime/wl_rules.py's, imported only by a
# WLanguage process.
WLANGUAGE_COLLATION = Collation("WLanguage", _same, _same, "wl_rules:WLanguageRules")
