"""commands/dates.py: date/time commands; runtime/datetext.py: the text forms of dates and times."""
import datetime as dt
import re
import time
import types

import pytest

from fourmail.commands import dates as D
from fourmail.runtime import datetext
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import UNDEFINED, Date, Time

rt = types.SimpleNamespace(project_dir=None)


@pytest.fixture
def paris(monkeypatch):
    """The docs' examples are computed in the Paris time zone."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# ---------------------------------------------------------------- text forms (string.md)

@pytest.mark.parametrize("fmt,expected", [
    (None, "11/27/2023"),                      # default format
    (1, "11/27/2023"),                         # System date short
    (2, "Mon, Nov 27, 2023"),                  # System date abbreviated
    (3, "Monday, November 27, 2023"),          # System date long
    (5, "November 27, 2023"),                  # Internal date long
    (6, "Nov 27, 2023"),                       # Internal date abbreviated
    (7, "11/27/2023"),                         # Internal date short
    (4, "11/27/23"),                           # Internal date short special
    (8, "2023-11-27T00:00:00"),                # ISO Date
    ("EEEE d MMMM y GGGG", "Monday 27 November 2023 Anno Domini"),
    ("yyyy-MM-dd", "2023-11-27"),
])
def test_date_to_text(fmt, expected):
    assert datetext.date_to_text(Date(2023, 11, 27), fmt) == expected


def test_internal_date_short_special_keeps_four_digits_outside_the_century_window():
    assert datetext.date_to_text(Date(1896, 12, 29), 4) == "12/29/1896"


def test_null_date_text():
    assert datetext.date_to_text(Date()) == "00/00/00"
    assert datetext.date_to_text(Date(), 101) == ""                    # Blank if null date


def test_iso_date_with_added_time():
    assert datetext.date_to_text(Date(2010, 9, 13), 8, Time(18 * 3600 + 11 * 60 + 53)) == "2010-09-13T18:11:53"


def test_gmt_formats_use_the_local_time_zone(paris):
    # string.md: !2023-11-27! in ISO Date GMT gives "2023-11-26T23:00:00Z" in French timezone
    assert datetext.date_to_text(Date(2023, 11, 27), 9) == "2023-11-26T23:00:00Z"
    assert datetext.date_to_text(Date(2010, 9, 9), 10) == "Wed, 08 Sep 2010 22:00:00 GMT"


@pytest.mark.parametrize("fmt,expected", [
    (None, "17:30:45"), (1, "17:30:45"), (2, "17:30"), (5, "5:30 PM"), (3, "17 hours 30 minutes 45 seconds"),
    (4, "17 hours 30 minutes"), (6, "1050:45"), (7, "1050 minutes 45 seconds"), (8, "0000-00-00T17:30:45"),
    ("hh:mm aa", "05:30 PM"), ("HH'h'mm", "17h30"),
])
def test_time_to_text(fmt, expected):
    assert datetext.time_to_text(Time(17 * 3600 + 30 * 60 + 45), fmt) == expected


def test_time_to_text_blank_if_null():
    assert datetext.time_to_text(Time(0), 101) == ""
    assert datetext.time_to_text(Time(3723), 4) == "1 hour 2 minutes"


# ---------------------------------------------------------------- current date and time

def test_current_date_and_time():
    today = dt.date.today()
    assert D.current_date(rt) == Date.from_py(today)
    t = D.current_time(rt)
    assert type(t) is Time and 0 <= t.seconds < 86400


def test_timestamp_format():
    # timestamp.md: yyyy-MM-ddTHH:mm:ss.SSSZ in UTC
    ts = D.timestamp(rt)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ts)
    parsed = dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert abs((dt.datetime.now(dt.timezone.utc) - parsed).total_seconds()) < 5


def test_milliseconds_and_tickcount_increase():
    a, t = D.milliseconds(rt), D.tickcount(rt)
    time.sleep(0.05)
    assert D.milliseconds(rt) - a >= 40
    assert D.tickcount(rt) - t >= 2


# ---------------------------------------------------------------- Date (date.md)

@pytest.mark.parametrize("text,expected", [
    ("12/25/94", Date(1994, 12, 25)),
    ("40/40/94", Date()),
    ("It was the 6/30, we were in 2016", Date(2016, 6, 30)),
    ("2020-11-17T00:00:00.0000", Date(2020, 11, 17)),
    ("2013-06-05T20:00:00", Date(2013, 6, 5)),
    ("2017-10-16", Date(2017, 10, 16)),
    ("1/2/29", Date(2029, 1, 2)),              # two-digit years: pivot 30
    ("1/2/30", Date(1930, 1, 2)),
    ("aa/12/94", Date()),
])
def test_date_from_text(text, expected):
    assert D.date(rt, text) == expected


def test_date_iso_utc_uses_local_zone(paris):
    # json-parse.md example 2: 2017-07-13T23:00:00.000Z is the 14th in Paris
    assert D.date(rt, "2017-07-13T23:00:00.000Z") == Date(2017, 7, 14)


def test_date_of_date_and_undefined():
    d = Date(2020, 1, 2)
    assert D.date(rt, d) is d
    assert D.date(rt, UNDEFINED) == Date()
    with pytest.raises(FourDError):
        D.date(rt, 5.0)


# ---------------------------------------------------------------- Time (time.md), Time string

def test_time():
    assert D.time(rt, "13:00:00") == Time(46800)
    assert D.time(rt, 10000) == Time(10000)                    # 02:46:40
    assert D.time(rt, (60 * 60) + (20 * 60) + 5200) == Time(10000)
    assert D.time(rt, "1:00 PM") == Time(46800)
    assert D.time(rt, "10:20") == Time(37200)
    assert D.time(rt, UNDEFINED) == Time(0)


def test_time_string():
    # time-string.md
    assert D.time_string(rt, 46800) == "13:00:00"
    assert D.time_string(rt, 86401) == "24:00:01"
    assert D.time_string(rt, Time(61)) == "00:01:01"


# ---------------------------------------------------------------- Add to date, Day of...

def test_add_to_date():
    d = Date(2020, 1, 31)
    assert D.add_to_date(rt, d, 1, 0, 0) == Date(2021, 1, 31)
    assert D.add_to_date(rt, d, 0, 0, 1) == Date(2020, 2, 1)
    assert D.add_to_date(rt, d, 0, 1, 0) == Date(2020, 3, 2)   # Feb 31 rolls over
    assert D.add_to_date(rt, d, 0, -2, 0) == Date(2019, 12, 1)
    assert D.add_to_date(rt, Date(2019, 12, 15), 0, 1, 0) == Date(2020, 1, 15)
    assert D.add_to_date(rt, Date(), 1, 1, 1) == Date()


def test_day_month_year_and_day_number():
    d = Date(2023, 11, 27)
    assert (D.day_of(rt, d), D.month_of(rt, d), D.year_of(rt, d)) == (27, 11, 2023)
    assert D.day_number(rt, d) == 2                             # Monday; 1 = Sunday
    assert D.day_number(rt, Date(2023, 11, 26)) == 1
    assert D.day_number(rt, Date(2023, 12, 2)) == 7
