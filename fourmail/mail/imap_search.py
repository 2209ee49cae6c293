"""`.searchMails()` criteria (IMAPTransporterClass.md "Authorized search-keys") -> IMAP SEARCH arguments.

The documented syntax is IMAP's own, so the text is checked rather than rewritten: each key
must be one of the authorized keys with the values it needs, and the result is a list of
IMAP tokens (bytes) ready for `UID SEARCH`. Checking locally gives a clear 4D error that
names the bad key, instead of a server's "BAD Error in IMAP command".

Two documented forms are not plain IMAP and are translated:
  - `KEYWORD \\Flagged \\Draft` (several flags, system flags included) becomes the matching
    system keys (FLAGGED DRAFT) and one KEYWORD per custom flag, all required;
  - text with non-ASCII characters is sent as UTF-8 literals under `CHARSET UTF-8` (the
    page says 4D encodes it; UTF-8 is what IMAP servers accept), unless the criteria start
    with their own `CHARSET name`.
"""
from __future__ import annotations

import codecs
import re

from ..runtime.errors import E, FourDError

NO_ARG = {"ALL", "ANSWERED", "UNANSWERED", "DELETED", "UNDELETED", "DRAFT", "UNDRAFT", "FLAGGED",
          "UNFLAGGED", "RECENT", "OLD", "SEEN", "UNSEEN", "NEW"}
DATE_ARG = {"BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE"}
STRING_ARG = {"TO", "FROM", "CC", "BCC", "SUBJECT", "BODY", "TEXT"}
NUMBER_ARG = {"LARGER", "SMALLER"}
FLAG_ARG = {"KEYWORD", "UNKEYWORD"}

# System flags named in KEYWORD/UNKEYWORD: IMAP has a search key for each.
SYSTEM_FLAG_KEYS = {"\\SEEN": ("SEEN", "UNSEEN"), "\\ANSWERED": ("ANSWERED", "UNANSWERED"),
                    "\\FLAGGED": ("FLAGGED", "UNFLAGGED"), "\\DELETED": ("DELETED", "UNDELETED"),
                    "\\DRAFT": ("DRAFT", "UNDRAFT"), "\\RECENT": ("RECENT", "OLD")}

_DATE = re.compile(r"^\d{1,2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}$", re.IGNORECASE)
_SEQ_ITEM = r"(?:[1-9]\d*|\*)(?::(?:[1-9]\d*|\*))?"
_SEQ_SET = re.compile(rf"^{_SEQ_ITEM}(?:,{_SEQ_ITEM})*$")
_BAD_FLAG_CHARS = set('(){]%*"\\ ')


def _error(detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=".searchMails()", detail=detail, component="IMAP")


class _Str(str):
    """A token that was written as a quoted string (never a key)."""


def tokenize(text: str) -> list:
    """Split criteria into atoms (str), quoted strings (_Str) and parentheses."""
    tokens: list = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(c)
            i += 1
        elif c == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise _error("a quoted string is not closed")
                c = text[i]
                if c == "\\" and i + 1 < n and text[i + 1] in '"\\':
                    buf.append(text[i + 1])
                    i += 2
                elif c == '"':
                    i += 1
                    break
                else:
                    buf.append(c)
                    i += 1
            tokens.append(_Str("".join(buf)))
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            tokens.append(text[i:j])
            i = j
    return tokens


class _Builder:
    def __init__(self, tokens: list, charset: str):
        self.tokens, self.pos, self.charset = tokens, 0, charset
        self.eight_bit = False

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, what: str):
        tok = self.peek()
        if tok is None or tok in ("(", ")"):
            raise _error(f"{what} expected" + (f" before {tok!r}" if tok else " at the end of the criteria"))
        self.pos += 1
        return tok

    def string(self, value: str) -> bytes:
        """A string value: quoted when 7-bit, raw (sent as a literal) otherwise."""
        try:
            data = value.encode(self.charset)
        except (UnicodeEncodeError, LookupError):
            raise _error(f"{value!r} cannot be written in the charset {self.charset}") from None
        if "\r" in value or "\n" in value:
            raise _error("a search text cannot contain line breaks")
        if any(b > 127 for b in data):
            self.eight_bit = True
            return data
        return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'

    def keys(self, closing: str | None) -> list[list[bytes]]:
        """Keys up to `closing` (")" or the end); each key is a list of tokens."""
        out = []
        while True:
            tok = self.peek()
            if tok is None:
                if closing:
                    raise _error("a '(' is not closed")
                return out
            if tok == closing:
                self.pos += 1
                if not out:
                    raise _error("empty parentheses")
                return out
            out.append(self.key())

    def key(self) -> list[bytes]:
        tok = self.peek()
        if tok is None:
            raise _error("a search key expected at the end of the criteria")
        self.pos += 1
        if tok == ")":
            raise _error("unexpected ')'")
        if tok == "(":
            inner = self.keys(")")
            flat = [t for k in inner for t in k]
            # The parenthesis sticks to its neighbour token; a literal cannot carry one,
            # so a trailing ALL (neutral in an AND) closes the group.
            if any(b > 127 for b in flat[-1]):
                flat.append(b"ALL")
            flat[0] = b"(" + flat[0]
            flat[-1] = flat[-1] + b")"
            return flat
        if isinstance(tok, _Str):
            raise _error(f'"{tok}" is a string where a search key is expected')
        name = tok.upper()
        if name in NO_ARG:
            return [name.encode()]
        if name in DATE_ARG:
            date = self.take(f"a date after {name}")
            if not _DATE.match(date):
                raise _error(f"{name} needs a date written day-Mon-year (e.g. 1-Feb-2020), not {date!r}")
            return [name.encode(), date.encode()]
        if name in STRING_ARG:
            return [name.encode(), self.string(self.take(f"a text after {name}"))]
        if name == "HEADER":
            field = self.take("a header field name after HEADER")
            if not field.isascii() or not field or any(c in field for c in ' :()"'):
                raise _error(f"{field!r} is not a header field name")
            return [b"HEADER", self.string(field) if isinstance(field, _Str) else field.encode(),
                    self.string(self.take(f"a text after HEADER {field}"))]
        if name in NUMBER_ARG:
            num = self.take(f"a number after {name}")
            if isinstance(num, _Str) or not num.isdigit():
                raise _error(f"{name} needs a number of bytes, not {num!r}")
            return [name.encode(), num.encode()]
        if name == "UID":
            uids = self.take("a UID set after UID")
            if isinstance(uids, _Str) or not _SEQ_SET.match(uids):
                raise _error(f"UID needs a set of unique IDs such as 1:5,9, not {uids!r}")
            return [b"UID", uids.encode()]
        if name in FLAG_ARG:
            return self.flags(name)
        if name == "NOT":
            return [b"NOT", *self.key()]
        if name == "OR":
            return [b"OR", *self.key(), *self.key()]
        if name == "CHARSET":
            raise _error("CHARSET can only start the criteria")
        if not isinstance(tok, _Str) and _SEQ_SET.match(tok):
            return [tok.encode()]
        raise _error(f"{tok!r} is not an authorized search key")

    def flags(self, name: str) -> list[bytes]:
        """KEYWORD/UNKEYWORD with one or several flags (the page's `KEYWORD \\Flagged \\Draft`)."""
        flags = [self.take(f"a flag after {name}")]
        while isinstance(self.peek(), str) and not isinstance(self.peek(), _Str) and self.peek().startswith("\\"):
            flags.append(self.take("a flag"))
        out: list[bytes] = []
        for flag in flags:
            system = SYSTEM_FLAG_KEYS.get(flag.upper())
            if system:
                out.append((system[0] if name == "KEYWORD" else system[1]).encode())
                continue
            if (not flag or not flag.isascii() or flag.startswith("\\")
                    or any(c in _BAD_FLAG_CHARS or ord(c) < 32 for c in flag)):
                raise _error(f"{flag!r} is not a valid keyword")
            out += [name.encode(), flag.encode()]
        return out


def build(criteria: str) -> tuple[str | None, list[bytes]]:
    """(charset or None, tokens) for `UID SEARCH [CHARSET x] tokens`."""
    tokens = tokenize(criteria or "")
    charset = None
    if len(tokens) >= 1 and not isinstance(tokens[0], _Str) and str(tokens[0]).upper() == "CHARSET":
        if len(tokens) < 2 or tokens[1] in ("(", ")"):
            raise _error("CHARSET needs a charset name")
        charset = str(tokens[1])
        tokens = tokens[2:]
    codec = _codec(charset) if charset else "utf-8"
    b = _Builder(tokens, codec)
    keys = b.keys(None)
    out = [t for k in keys for t in k] or [b"ALL"]
    if charset is None and b.eight_bit:
        charset = "UTF-8"
    return charset, out


def _codec(charset: str) -> str:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        # The page's own example says `CHARSET "ISO-8859"`: ISO-8859 without a part is Latin-1.
        if charset.upper().replace("_", "-") in ("ISO-8859", "ISO8859"):
            return "latin-1"
        raise _error(f"unknown charset {charset!r}") from None
