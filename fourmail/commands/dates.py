"""Date and time commands. The text forms of dates and times (String, Date(text), Time(text))
are runtime conversions: runtime/datetext.py.
"""
from __future__ import annotations

import datetime as _dt
import time as _time

from ..runtime.datetext import parse_date, parse_time
from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, Date, Time, to_longint, type_name


def _num(cmd: str, v) -> float:
    t = type(v)
    if t is float or t is int:
        return v
    if t is Time:
        return v.seconds
    if v is UNDEFINED:
        return 0
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a number was expected, got {type_name(v)}")


def _date_arg(cmd: str, v) -> Date:
    if type(v) is Date:
        return v
    if v is UNDEFINED:
        return Date()
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a Date was expected, got {type_name(v)}")


# ---------------------------------------------------------------- current date and time


def current_date(rt, *star):
    return Date.from_py(_dt.date.today())


def current_time(rt, *star):
    now = _dt.datetime.now()
    return Time(now.hour * 3600 + now.minute * 60 + now.second)


def timestamp(rt):
    """Current UTC time, ISO 8601 with milliseconds (timestamp.md)."""
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _long(n: int) -> int:
    n &= 0xFFFFFFFF
    return n - 0x100000000 if n & 0x80000000 else n


def milliseconds(rt):
    """Milliseconds since the machine started (a Longint: wraps after ~24 days)."""
    return _long(int(_time.monotonic() * 1000))


def tickcount(rt):
    """Ticks (1/60th of a second) since the machine started."""
    return _long(int(_time.monotonic() * 60))


# ---------------------------------------------------------------- Date and Time


def date(rt, expression):
    """Date ( expression ) (date.md)."""
    t = type(expression)
    if t is Date:
        return expression
    if t is str:
        return parse_date(expression)
    if expression is UNDEFINED or expression is None:
        return Date()
    raise FourDError(E.BAD_PARAMETER, name="Date", detail=f"cannot convert a {type_name(expression)} to a date")


def time(rt, value):
    """Time ( timeValue ): text or a number of seconds (time.md)."""
    t = type(value)
    if t is Time:
        return value
    if t is str:
        return parse_time(value)
    if t is float or t is int:
        return Time(value)
    if value is UNDEFINED or value is None:
        return Time(0)
    raise FourDError(E.BAD_PARAMETER, name="Time", detail=f"cannot convert a {type_name(value)} to a time")


def time_string(rt, seconds):
    """Time string: HH:MM:SS, continuing past 24 hours (time-string.md)."""
    return Time(_num("Time string", seconds)).hms()


def add_to_date(rt, d, years, months, days):
    """Add to date: months overflow into years, days past the month's end roll over (add-to-date.md)."""
    d = _date_arg("Add to date", d)
    if d.is_null():
        return Date()
    y = to_longint(_num("Add to date", years))
    mo = to_longint(_num("Add to date", months))
    dd = to_longint(_num("Add to date", days))
    total = (d.year + y) * 12 + (d.month - 1) + mo
    ny, nm = divmod(total, 12)
    try:
        first = _dt.date(ny, nm + 1, 1)
        return Date.from_py(first + _dt.timedelta(days=d.day - 1 + dd))
    except (ValueError, OverflowError):
        raise FourDError(E.BAD_PARAMETER, name="Add to date", detail="the resulting date is out of range") from None


def day_of(rt, d):
    return _date_arg("Day of", d).day


def month_of(rt, d):
    return _date_arg("Month of", d).month


def year_of(rt, d):
    return _date_arg("Year of", d).year


def day_number(rt, d):
    """Day number: 1 = Sunday ... 7 = Saturday; 0 for the null date."""
    d = _date_arg("Day number", d)
    if d.is_null():
        return 0
    return (d.to_py().weekday() + 1) % 7 + 1

