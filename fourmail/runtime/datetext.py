"""The text forms of dates and times: String(date), String(time), Date(text), Time(text).

They are the runtime's conversions (String, JSON, object property types use them); the date and
time commands are in commands/dates.py. Formats are the US ones (the docs' examples): default date
"MM/DD/YYYY", default time "HH:MM:SS" (string.md "Date Expressions", "Time Expressions").
"""
from __future__ import annotations

import datetime as _dt
import re
import time as _time

from .values import Date, Time, to_longint

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Date Display Formats constants (string.md)
SYSTEM_DATE_SHORT, SYSTEM_DATE_ABBREVIATED, SYSTEM_DATE_LONG = 1, 2, 3
INTERNAL_DATE_SHORT_SPECIAL, INTERNAL_DATE_LONG, INTERNAL_DATE_ABBREVIATED, INTERNAL_DATE_SHORT = 4, 5, 6, 7
ISO_DATE, ISO_DATE_GMT, DATE_RFC_1123 = 8, 9, 10
BLANK_IF_NULL = 100


def _local_to_utc(d: Date, seconds: int) -> _dt.datetime:
    local = _dt.datetime(d.year, d.month, d.day) + _dt.timedelta(seconds=seconds)
    return local.astimezone(_dt.timezone.utc)


def _utc_offset_minutes(d: Date) -> int:
    try:
        local = _dt.datetime(d.year, d.month, d.day).astimezone()
        return int(local.utcoffset().total_seconds() // 60)
    except (ValueError, OverflowError, OSError):
        return 0


# ---------------------------------------------------------------- date / time patterns

_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.DOTALL)


def _pattern(fmt: str, d: Date | None, seconds: int) -> str:
    """A subset of the ICU date/time patterns (yyyy MM dd EEEE HH hh mm ss a ...)."""
    y, mo, da = (d.year, d.month, d.day) if d is not None else (0, 0, 0)
    h, mi, s = seconds // 3600, (seconds % 3600) // 60, seconds % 60
    wd = None
    if d is not None and not d.is_null():
        wd = d.to_py().weekday()
    out = []
    for m in _TOKEN.finditer(fmt):
        tok = m.group(0)
        if tok.startswith("'"):
            out.append(tok[1:-1].replace("''", "'") if tok != "''" else "'")
            continue
        c, n = tok[0], len(tok)
        if not c.isalpha():
            out.append(tok)
        elif c in "yY":
            out.append(f"{y % 100:02d}" if n == 2 else f"{y:0{n}d}")
        elif c in "ML":
            out.append(str(mo) if n == 1 else f"{mo:02d}" if n == 2 else
                       (_MONTHS[mo - 1][:3] if n == 3 else _MONTHS[mo - 1]) if 1 <= mo <= 12 else f"{mo:02d}")
        elif c == "d":
            out.append(str(da) if n == 1 else f"{da:02d}")
        elif c == "D":
            doy = d.to_py().timetuple().tm_yday if wd is not None else 0
            out.append(f"{doy:0{n}d}")
        elif c in "Ec":
            name = _DAYS[wd] if wd is not None else ""
            out.append(name if n == 4 else name[:1] if n == 5 else name[:3])
        elif c == "G":
            out.append("Anno Domini" if n == 4 else "AD")
        elif c == "H":
            out.append(f"{h:0{n}d}")
        elif c == "k":
            out.append(f"{h or 24:0{n}d}")
        elif c in "hK":
            h12 = h % 12
            if c == "h" and h12 == 0:
                h12 = 12
            out.append(f"{h12:0{n}d}")
        elif c == "m":
            out.append(f"{mi:0{n}d}")
        elif c == "s":
            out.append(f"{s:0{n}d}")
        elif c == "S":
            out.append("0" * n)
        elif c in "ab":
            out.append("AM" if h % 24 < 12 else "PM")
        elif c in "OzZvV":
            off = _utc_offset_minutes(d) if d is not None and not d.is_null() else -_time.timezone // 60
            sign = "+" if off >= 0 else "-"
            hh, mm = divmod(abs(off), 60)
            if c == "O" and n == 1:
                out.append("GMT" if off == 0 else f"GMT{sign}{hh}" + (f":{mm:02d}" if mm else ""))
            else:
                out.append("GMT" if off == 0 and c == "O" else f"GMT{sign}{hh:02d}:{mm:02d}")
        else:
            out.append(tok)
    return "".join(out)


# ---------------------------------------------------------------- date to text


def date_to_text(d: Date, fmt=None, add_time: Time | None = None) -> str:
    """String(date {; format {; addTime}}) (string.md "Date Expressions")."""
    secs = add_time.seconds if add_time is not None else 0
    if type(fmt) is str:
        return _pattern(fmt, d, secs)
    code = SYSTEM_DATE_SHORT if fmt is None or fmt == 0 else to_longint(fmt)
    if code >= BLANK_IF_NULL:
        if d.is_null():
            return ""
        code -= BLANK_IF_NULL
    y, m, dd = d.year, d.month, d.day
    if d.is_null():
        if code in (ISO_DATE, ISO_DATE_GMT):
            return "0000-00-00T00:00:00" + ("Z" if code == ISO_DATE_GMT else "")
        return "00/00/00"
    wd = d.to_py().weekday()
    mon = _MONTHS[m - 1]
    if code in (SYSTEM_DATE_SHORT, INTERNAL_DATE_SHORT):
        return f"{m:02d}/{dd:02d}/{y:04d}"
    if code == SYSTEM_DATE_ABBREVIATED:
        return f"{_DAYS[wd][:3]}, {mon[:3]} {dd}, {y}"
    if code == SYSTEM_DATE_LONG:
        return f"{_DAYS[wd]}, {mon} {dd}, {y}"
    if code == INTERNAL_DATE_SHORT_SPECIAL:
        yy = f"{y % 100:02d}" if 1930 <= y <= 2029 else f"{y:04d}"
        return f"{m:02d}/{dd:02d}/{yy}"
    if code == INTERNAL_DATE_LONG:
        return f"{mon} {dd}, {y}"
    if code == INTERNAL_DATE_ABBREVIATED:
        return f"{mon[:3]} {dd}, {y}"
    h, mi, s = secs // 3600, (secs % 3600) // 60, secs % 60
    if code == ISO_DATE:
        return f"{y:04d}-{m:02d}-{dd:02d}T{h:02d}:{mi:02d}:{s:02d}"
    if code in (ISO_DATE_GMT, DATE_RFC_1123):
        try:
            u = _local_to_utc(d, secs)
        except (ValueError, OverflowError, OSError):
            u = _dt.datetime(y, m, dd) + _dt.timedelta(seconds=secs)
        if code == ISO_DATE_GMT:
            return u.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (f"{_DAYS[u.weekday()][:3]}, {u.day:02d} {_MONTHS[u.month - 1][:3]} {u.year:04d} "
                f"{u.hour:02d}:{u.minute:02d}:{u.second:02d} GMT")
    return f"{m:02d}/{dd:02d}/{y:04d}"


# ---------------------------------------------------------------- time to text

# Time Display Formats constants (string.md)
HH_MM_SS, HH_MM, HOUR_MIN_SEC, HOUR_MIN, HH_MM_AM_PM, MM_SS, MIN_SEC, ISO_TIME = 1, 2, 3, 4, 5, 6, 7, 8
SYSTEM_TIME_SHORT, SYSTEM_TIME_LONG_ABBREVIATED, SYSTEM_TIME_LONG = 9, 10, 11


def _unit(n: int, word: str) -> str:
    # plural from 2 on: "1 hour 2 minutes" (string.md), "13 hours 0 minute" (time.md)
    return f"{n} {word}" + ("s" if n > 1 else "")


def time_to_text(t: Time, fmt=None) -> str:
    """String(time {; format}) (string.md "Time Expressions")."""
    secs = t.seconds
    if type(fmt) is str:
        return _pattern(fmt, None, secs)
    code = HH_MM_SS if fmt is None or fmt == 0 else to_longint(fmt)
    if code >= BLANK_IF_NULL:
        if secs == 0:
            return ""
        code -= BLANK_IF_NULL
    sign = "-" if secs < 0 else ""
    a = abs(secs)
    h, m, s = a // 3600, (a % 3600) // 60, a % 60
    if code in (HH_MM_SS, SYSTEM_TIME_SHORT):
        return f"{sign}{h:02d}:{m:02d}:{s:02d}"
    if code == HH_MM:
        return f"{sign}{h:02d}:{m:02d}"
    if code == HOUR_MIN_SEC:
        return sign + " ".join([_unit(h, "hour"), _unit(m, "minute"), _unit(s, "second")])
    if code == HOUR_MIN:
        return sign + " ".join([_unit(h, "hour"), _unit(m, "minute")])
    if code in (HH_MM_AM_PM, SYSTEM_TIME_LONG_ABBREVIATED, SYSTEM_TIME_LONG):
        h12 = h % 12 or 12
        ampm = "AM" if h % 24 < 12 else "PM"
        if code == HH_MM_AM_PM:
            return f"{sign}{h12}:{m:02d} {ampm}"
        return f"{sign}{h12}:{m:02d}:{s:02d} {ampm}"
    if code == MM_SS:
        return f"{sign}{a // 60:02d}:{s:02d}"
    if code == MIN_SEC:
        return sign + " ".join([_unit(a // 60, "minute"), _unit(s, "second")])
    if code == ISO_TIME:
        return f"0000-00-00T{h:02d}:{m:02d}:{s:02d}"
    return f"{sign}{h:02d}:{m:02d}:{s:02d}"


# ---------------------------------------------------------------- text to date and time

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$")


def _make_date(y: int, m: int, d: int) -> Date:
    try:
        return Date.from_py(_dt.date(y, m, d))
    except ValueError:
        return Date()


def parse_date(s: str) -> Date:
    """Date(text): ISO "YYYY-MM-DD{THH:MM:SS}" or the US short format MM/DD/YY (date.md)."""
    m = _ISO.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        zone = m.group(7)
        if zone and m.group(4) is not None:
            try:
                utc = _dt.datetime(y, mo, d, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0))
            except ValueError:
                return Date()
            if zone == "Z":
                off = _dt.timedelta(0)
            else:
                z = zone.replace(":", "")
                off = _dt.timedelta(hours=int(z[1:3]), minutes=int(z[3:5])) * (1 if z[0] == "+" else -1)
            try:
                local = (utc - off).replace(tzinfo=_dt.timezone.utc).astimezone()
            except (ValueError, OverflowError, OSError):
                return _make_date(y, mo, d)
            return Date(local.year, local.month, local.day)   # the local time zone is applied (dt_date.md)
        return _make_date(y, mo, d)
    nums = re.findall(r"\d+", s)
    if len(nums) < 3:
        return Date()
    mo, d, ys = int(nums[0]), int(nums[1]), nums[2]
    y = int(ys)
    if len(ys) <= 2:
        y += 1900 if y >= 30 else 2000               # pivot 30 (date.md)
    return _make_date(y, mo, d)


_HMS = re.compile(r"^\s*(-)?(\d+):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([AaPp]\.?[Mm]\.?)?\s*$")


def parse_time(s: str) -> Time:
    """Time(text): "HH:MM:SS", "HH:MM", "1:00 PM", or the time part of an ISO date-time."""
    if "T" in s:
        s = s.split("T", 1)[1].rstrip("Z")
    m = _HMS.match(s)
    if not m:
        return Time(0)
    h, mi, se = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
    ampm = (m.group(5) or "").replace(".", "").upper()
    if ampm == "PM" and h < 12:
        h += 12
    elif ampm == "AM" and h == 12:
        h = 0
    secs = h * 3600 + mi * 60 + se
    return Time(-secs if m.group(1) else secs)
