"""Text commands: String, Num, Length, Position, Replace string, Split string...

Position, Replace string and Compare strings compare as `=` does by default: with the process's
collation (`rt.collation`, runtime/collation.py); their options select other folds.

Strings are handled as Python code points (4D counts UTF-16 units: characters outside the
BMP count 2 in 4D and 1 here).
"""
from __future__ import annotations

import math
import os
import time
from decimal import ROUND_HALF_UP, Context, Decimal

from ..runtime.collation import fold_char
from ..runtime.conversions import number_to_text, to_text
from ..runtime.datetext import date_to_text, time_to_text
from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, Date, Time, to_longint, type_name

# ---------------------------------------------------------------- the `*` argument


def is_star(v) -> bool:
    """True for the `*` operator argument (the compiler passes its STAR sentinel)."""
    return type(v).__name__ == "_Star"


def _split_star(args: tuple) -> tuple[list, bool]:
    """Remove a trailing `*` argument; tell whether there was one."""
    if args and is_star(args[-1]):
        return list(args[:-1]), True
    return list(args), False


# ---------------------------------------------------------------- argument checks


def _text(cmd: str, v) -> str:
    if type(v) is str:
        return v
    if v is UNDEFINED:          # cast commands and text parameters read Undefined as "" (dt_null_undefined.md)
        return ""
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a Text was expected, got {type_name(v)}")


def _int(cmd: str, v) -> int:
    t = type(v)
    if t is int:
        return v
    if t is float:
        if math.isnan(v) or math.isinf(v):
            return 0
        return int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)   # reals are rounded to longints
    if t is Time:
        return v.seconds
    if v is UNDEFINED:
        return 0
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a number was expected, got {type_name(v)}")


# ---------------------------------------------------------------- folding (comparison keys)

def _fold_ascii_case(c: str) -> str:
    return c.lower() if "A" <= c <= "Z" else c


def _folder(options: int | None, star: bool, collation):
    """Per-character fold function for a comparison mode.

    Default (no option): the process's collation's (4D's: case- and diacritic-insensitive, linguistic).
    `*` or sk char codes (1): character codes (with sk case insensitive: only a-z/A-Z fold).
    Otherwise the sk options of compare-strings.md: 2 case insensitive, 4 diacritic insensitive,
    0 strict.
    """
    if star:
        return None
    if options is None:
        return collation.char_key
    if options & 1:
        return _fold_ascii_case if options & 2 else None
    case, diac = bool(options & 2), bool(options & 4)
    return lambda c: fold_char(c, case, diac, True)


def _fold_with_map(s: str, fold) -> tuple[str, list[int]]:
    """Folded text and, for each folded position j, the original index it starts at
    (-1 inside a multi-character expansion); the list has one extra entry for the end."""
    if fold is None:
        return s, list(range(len(s) + 1))
    parts, origin = [], []
    for i, c in enumerate(s):
        f = fold(c)
        if f:
            parts.append(f)
            origin.append(i)
            origin.extend([-1] * (len(f) - 1))
    origin.append(len(s))
    return "".join(parts), origin


def _find(find: str, s: str, start: int, fold, whole_word: bool = False) -> tuple[int, int]:
    """0-based index and length (in `s`) of the first match of `find` at or after `start`, or (-1, 0)."""
    ff, _ = _fold_with_map(find, fold)
    if not ff:
        return -1, 0
    fs, origin = _fold_with_map(s, fold)
    j = 0
    while j < len(origin) and (origin[j] < start):
        j += 1
    while True:
        j = fs.find(ff, j)
        if j < 0:
            return -1, 0
        end = j + len(ff)
        if origin[j] >= 0 and origin[end] >= 0:
            a, b = origin[j], origin[end]
            # a match ends after the last character it covers: skip folded-away ones (ignorables)
            if not whole_word or ((a == 0 or not s[a - 1].isalnum()) and (b >= len(s) or not s[b].isalnum())):
                return a, b - a
        j += 1


def position_ex(collation, find: str, s: str, start: int = 1, star: bool = False,
                options: int | None = None) -> tuple[int, int]:
    """Position and lengthFound (position.md) with the process's collation; (0, 0) when not found."""
    if start < 1:
        start = 1
    if not find or start > len(s):
        return 0, 0
    i, n = _find(find, s, start - 1, _folder(options, star, collation), bool(options and options & 32))
    return (i + 1, n) if i >= 0 else (0, 0)


# ---------------------------------------------------------------- String


def _js_radix(x: float, base: int) -> str:
    """Number.prototype.toString(radix) (string.md: base parameter follows EcmaScript)."""
    if math.isnan(x) or math.isinf(x):
        return "NaN"
    if base == 10:
        from ..runtime.jsontext import js_number     # here: loading the text commands does not import json
        return js_number(float(x))
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    neg = x < 0
    x = abs(x)
    ip = int(x)
    fp = x - ip
    out = ""
    while True:
        ip, r = divmod(ip, base)
        out = digits[r] + out
        if ip == 0:
            break
    if fp:
        out += "."
        for _ in range(52):
            fp *= base
            d = int(fp)
            out += digits[d]
            fp -= d
            if not fp:
                break
    return ("-" if neg else "") + out


_CTX = Context(prec=800, Emax=999999, Emin=-999999)


def _round_half_up(x: float, places: int) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-min(places, 400)), rounding=ROUND_HALF_UP,
                                             context=_CTX)


_PLACEHOLDERS = "#0^*"
_PAD = {"#": "", "0": "0", "^": " ", "*": "*"}


def _apply_number_section(v: float, section: str) -> str:
    """One section of a number display format: placeholders # 0 ^ *, separators , and ."""
    idx = [i for i, c in enumerate(section) if c in _PLACEHOLDERS]
    if not idx:
        return section                                  # "True;;False": the section is the text
    a, b = idx[0], idx[-1] + 1
    prefix, body, suffix = section[:a], section[a:b], section[b:]
    ipart, _, fpart = body.partition(".")
    decimals = sum(1 for c in fpart if c in _PLACEHOLDERS)
    d = _round_half_up(v, decimals)
    sign, digits, exp = d.as_tuple()
    text = format(abs(d), "f")
    int_digits, _, frac_digits = text.partition(".")
    int_digits = int_digits.lstrip("0")
    frac_digits = (frac_digits + "0" * decimals)[:decimals]
    iph = [c for c in ipart if c in _PLACEHOLDERS]
    pad = ""
    missing = len(iph) - len(int_digits)
    if missing > 0:
        pad = "".join(_PAD[c] for c in iph[:missing])
    numeric = pad + int_digits
    if "," in ipart:
        lead = len(numeric) - len(numeric.lstrip(" *"))
        core = numeric[lead:]
        groups = []
        while len(core) > 3:
            groups.insert(0, core[-3:])
            core = core[:-3]
        if core:
            groups.insert(0, core)
        numeric = numeric[:lead] + ",".join(groups)
    fph = [c for c in fpart if c in _PLACEHOLDERS]
    frac = list(frac_digits)
    while frac and fph[len(frac) - 1] == "#" and frac[-1] == "0":
        frac.pop()
    out = numeric + ("." + "".join(frac) if frac else "")
    return prefix + out + suffix


def format_number(x, fmt: str) -> str:
    """String(number; format) with a display format (string.md "Numeric Expressions")."""
    x = float(x)
    if not math.isfinite(x) or fmt == "" or fmt.startswith("|"):
        return number_to_text(x)                        # custom styles are not available outside 4D
    if fmt.startswith("&"):
        code = fmt[1:]
        if code.lower() == "xml":
            return number_to_text(x)                    # always "." as decimal separator
        if code in ("x", "$"):
            n = to_longint(x) & 0xFFFFFFFF
            h = format(n, "X")
            if code == "$":
                return "$" + h
            return "0x" + h.zfill(4 if n <= 0xFFFF else 8)
        if code.isdigit():
            m = format(x, f".{int(code)}e")
            mant, _, e = m.partition("e")
            return f"{mant}e{int(e):+d}"
        return number_to_text(x)
    sections = fmt.split(";")
    pos = sections[0]
    neg = sections[1] if len(sections) > 1 and sections[1] != "" else None
    zero = sections[2] if len(sections) > 2 and sections[2] != "" else None
    if zero is not None and _round_half_up(x, 15) == 0:
        return _apply_number_section(0.0, zero)
    if x < 0:
        if neg is not None:
            return _apply_number_section(-x, neg)
        out = _apply_number_section(-x, pos)
        return out if out == pos else "-" + out
    return _apply_number_section(x, pos)


def string(rt, expression, *args):
    """String ( expression {; format {; addTime}} ) / String ( number ; base ) (string.md)."""
    t = type(expression)
    if not args:
        return to_text(expression)
    fmt = args[0]
    if t is float or t is int:
        if type(fmt) is str:
            return format_number(expression, fmt)
        base = _int("String", fmt)
        if base == 0:
            base = 10
        if not 2 <= base <= 36:
            raise FourDError(E.BAD_PARAMETER, name="String", detail="the base must be between 2 and 36")
        return _js_radix(float(expression), base)
    if t is Date:
        add_time = args[1] if len(args) > 1 else None
        if add_time is not None and type(add_time) is not Time:
            add_time = Time(_int("String", add_time))
        return date_to_text(expression, fmt if type(fmt) is str else _int("String", fmt), add_time)
    if t is Time:
        return time_to_text(expression, fmt if type(fmt) is str else _int("String", fmt))
    return to_text(expression)                       # text, booleans, null, undefined: format ignored


# ---------------------------------------------------------------- Num


def _parse_num(s: str, sep: str) -> float:
    """Num(text): lenient extraction of a number (num.md "String Expressions")."""
    mant = ""          # digits and one decimal point
    neg = False
    exp = ""
    exp_neg = False
    state = "start"    # start -> int -> exp
    seen_point = False
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if sep and s.startswith(sep, i) and state != "exp":
            if not seen_point:
                seen_point = True
                mant += "."
            i += len(sep)
            continue
        if "0" <= c <= "9":
            if state == "exp":
                exp += c
            else:
                mant += c
                state = "int"
        elif c in "-\u2013\u2212":
            if state == "start" and not mant.strip("."):
                neg = True
            elif state == "exp" and not exp:
                exp_neg = True
            else:
                break                                 # "123-456" -> 123
        elif c in "eE" and state == "int":
            state = "exp"
        elif state == "exp" and not exp and c == "+":
            pass
        # any other character is ignored ("A1B2C3" -> 123)
        i += 1
    digits = mant.replace(".", "")
    if not digits:
        return 0.0
    # one conversion, as IEEE does it: past the Real range (dt_number.md) an infinity, below it 0
    value = float(f"{mant if mant != '.' else '0'}e{'-' if exp_neg else ''}{exp or '0'}")
    return -value if neg else value


def num(rt, expression, separator=None):
    """Num ( expression {; separator} ) (num.md)."""
    t = type(expression)
    if t is str:
        sep = "." if separator is None else _text("Num", separator)
        return _parse_num(expression, sep)
    if t is bool:
        return 1.0 if expression else 0.0
    if t is float or t is int:
        return float(expression)
    if t is Time:
        return float(expression.seconds)
    if expression is UNDEFINED or expression is None:
        return 0.0
    raise FourDError(E.BAD_PARAMETER, name="Num", detail=f"cannot convert a {type_name(expression)} to a number")


# ---------------------------------------------------------------- simple text commands


def length(rt, s):
    return len(_text("Length", s))


def _strip_accents(s: str) -> str:
    return "".join(fold_char(c, False, True, False) for c in s)


def uppercase(rt, s, *star):
    """Uppercase: accents are removed unless `*` is passed (uppercase.md)."""
    s = _text("Uppercase", s)
    return s.upper() if star else _strip_accents(s).upper()


def lowercase(rt, s, *star):
    """Lowercase: accents are removed unless `*` is passed (lowercase.md)."""
    s = _text("Lowercase", s)
    return s.lower() if star else _strip_accents(s).lower()


def substring(rt, source, first, count=None):
    """Substring: 1-based; past the end gives "" (substring.md)."""
    s = _text("Substring", source)
    a = max(_int("Substring", first), 1)
    if a > len(s):
        return ""
    if count is None:
        return s[a - 1:]
    n = _int("Substring", count)
    return s[a - 1:a - 1 + n] if n > 0 else ""


def position(rt, find, s, *args, outputs=False):
    """Position ( find ; aString {; start {; lengthFound}}{; *} ) or (...; start; lengthFound; options).

    lengthFound is a variable the command fills: with `outputs` (the compiled code passes it when
    that variable is there) the result is (position, [lengthFound]).
    """
    rest, star = _split_star(args)
    find, s = _text("Position", find), _text("Position", s)
    start = _int("Position", rest[0]) if rest else 1
    options = _int("Position", rest[2]) if len(rest) > 2 else None
    pos, found = position_ex(rt.collation, find, s, start, star, options)
    return (pos, [float(found)]) if outputs else pos


def replace_string(rt, source, old, new, *args):
    """Replace string: case- and diacritic-insensitive unless `*` (replace-string.md)."""
    rest, star = _split_star(args)
    source, old, new = _text("Replace string", source), _text("Replace string", old), _text("Replace string", new)
    how_many = _int("Replace string", rest[0]) if rest else None
    if not old:
        return source
    fold = _folder(None, star, rt.collation)
    out, i, done = [], 0, 0
    while how_many is None or done < how_many:
        j, n = _find(old, source, i, fold)
        if j < 0 or n == 0:
            break
        out.append(source[i:j])
        out.append(new)
        i = j + n
        done += 1
    out.append(source[i:])
    return "".join(out)


def split_string(rt, s, separator, options=None):
    """Split string: sk ignore empty strings = 1, sk trim spaces = 2 (split-string.md)."""
    s = _text("Split string", s)
    sep = _text("Split string", separator)
    opt = _int("Split string", options) if options is not None else 0
    if s == "":
        return []                     # nothing to split: no substring (CollectionClass.md, flatMap())
    parts = list(s) if sep == "" else s.split(sep)
    if opt & 2:
        parts = [p.strip() for p in parts]
    if opt & 1:
        parts = [p for p in parts if p != ""]
    return parts


def char(rt, code):
    c = _int("Char", code)
    if not 0 <= c <= 0x10FFFF:
        raise FourDError(E.BAD_PARAMETER, name="Char", detail=f"{c} is not a character code")
    return chr(c)


def character_code(rt, s):
    """UTF-16 code of the first character (character-code.md); 0 for ""."""
    s = _text("Character code", s)
    if not s:
        return 0
    o = ord(s[0])
    return o if o <= 0xFFFF else 0xD800 + ((o - 0x10000) >> 10)


def change_string(rt, source, new, where):
    """Change string: overwrite from `where`, same length as source (change-string.md)."""
    s, new = _text("Change string", source), _text("Change string", new)
    w = _int("Change string", where)
    if not new or w < 1 or w > len(s):
        return s
    return (s[:w - 1] + new + s[w - 1 + len(new):])[:len(s)]


def delete_string(rt, source, where, count):
    """Delete string (delete-string.md)."""
    s = _text("Delete string", source)
    w, n = _int("Delete string", where), _int("Delete string", count)
    if not s or w > len(s) or n <= 0:
        return s
    w = max(w, 1)
    return s[:w - 1] + s[w - 1 + n:]


def insert_string(rt, source, what, where):
    """Insert string (insert-string.md)."""
    s, what = _text("Insert string", source), _text("Insert string", what)
    w = _int("Insert string", where)
    if not what:
        return s
    w = min(max(w, 1), len(s) + 1)
    return s[:w - 1] + what + s[w - 1:]


def compare_strings(rt, a, b, options=None):
    """Compare strings: -1/0/1, like `<` by default (compare-strings.md)."""
    a, b = _text("Compare strings", a), _text("Compare strings", b)
    opt = None if options is None else _int("Compare strings", options)
    text_key = rt.collation.key
    if opt is None or (not opt & 1 and opt & 2 and opt & 4):
        ka, kb = text_key(a), text_key(b)
    elif opt & 1:
        fold = _folder(opt, False, rt.collation)
        ka, kb = (a, b) if fold is None else ("".join(map(fold, a)), "".join(map(fold, b)))
    else:
        # language order: letters first, then accents, then case (lower before upper)
        case, diac = bool(opt & 2), bool(opt & 4)
        ka = (text_key(a), "" if diac else _strip_case(a), "" if case else a.swapcase())
        kb = (text_key(b), "" if diac else _strip_case(b), "" if case else b.swapcase())
    return (ka > kb) - (ka < kb)


def _strip_case(s: str) -> str:
    return "".join(fold_char(c, True, False, True) for c in s)


def generate_uuid(rt, *args):
    """Generate UUID {( version )}: 32 uppercase hex digits, version 4 or 7 (generate-uuid.md)."""
    version = 4
    if args and not is_star(args[0]):
        version = _int("Generate UUID", args[0])
    if version == 4:
        import uuid     # here, not at import: uuid pulls in platform, a cost every run would pay
        return uuid.uuid4().hex.upper()
    if version == 7:
        ms = int(time.time() * 1000) & ((1 << 48) - 1)
        rand = int.from_bytes(os.urandom(10), "big")
        value = (ms << 80) | (0x7 << 76) | ((rand >> 62) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
        return f"{value:032X}"
    raise FourDError(E.BAD_PARAMETER, name="Generate UUID", detail="the version must be 4 or 7")
