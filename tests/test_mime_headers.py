"""fourmail/mail/mimeheaders.py reads header fields exactly as the stdlib's registry does.

Each function is compared with the reading mimeparse used before (tests/mime_reference.py, which
calls email.policy.default's header registry for every field) on hand-picked values and on
values generated from pieces that exercise the fast paths' edges.
"""
from __future__ import annotations

import random

import pytest
from email import policy

from fourmail.mail import mimeheaders as h

import mime_reference as ref

PIECES = ["a", "Zoë", "b.c", " ", "  ", "\t", "\r\n ", "\n\t", ",", ";", ":", "<", ">", "@", '"', "\\", "(", ")",
          "=", "?", "=?", "?=", "*", "'", "%", "/", "[", "]", "=?utf-8?q?Caf=C3=A9?=", "=?utf-8?b?Q2Fmw6k=?=",
          "=?iso-8859-1?q?cr=E8me?=", "=?x-unknown?q?ab?=", "=?utf-8?q?=ZZ?=", "=?utf-8?q??=", "\x0b", "\xa0",
          "\udcc3\udca9", "\udce9", "text/plain", "multipart/mixed", "charset=utf-8", 'name="a b"',
          "boundary=\"==x==\"", "inline", "attachment", "filename=f.txt", "size=12", "x@example.com",
          "Bob <b@x.org>", "\"Doe, J\" <j@d.com>", "a@b", "g: a@b;", "Thu, 11 Oct 2018 17:42:25 +0200", "-0000"]


def values(seed: int, n: int):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(PIECES) for _ in range(rnd.randrange(0, 8)))


TOKEN = "!#$&+.^_`{|}~-09azAZ*'%"
QTEXT = TOKEN + " \t()<>@,;:/[]?=\x7f"
ATEXT = "!#$%&'*+/=?^_`{|}~-09azAZ"


def _word(rnd, chars, lo=1, hi=6):
    return "".join(rnd.choice(chars) for _ in range(rnd.randint(lo, hi)))


def _ws(rnd):
    return rnd.choice(["", "", " ", "\t", "  ", "\r\n "])


def mime_values(seed: int, n: int, with_type: bool):
    """`type/subtype; a=b; c="d"` shapes: the fast path's grammar and its near misses."""
    rnd = random.Random(seed)
    for _ in range(n):
        s = _ws(rnd) + _word(rnd, TOKEN) + (("/" + _word(rnd, TOKEN)) if with_type else "")
        for _ in range(rnd.randint(0, 3)):
            name = rnd.choice(["charset", "name", "boundary", "filename", "size", "Name", _word(rnd, TOKEN)])
            value = _word(rnd, TOKEN) if rnd.random() < .5 else '"' + _word(rnd, QTEXT, 0, 8) + '"'
            s += _ws(rnd) + ";" + _ws(rnd) + name + "=" + value
        yield s + _ws(rnd)


def address_values(seed: int, n: int):
    rnd = random.Random(seed)
    for _ in range(n):
        items = []
        for _ in range(rnd.randint(1, 3)):
            addr = ".".join(_word(rnd, ATEXT) for _ in range(rnd.randint(1, 2))) + "@" + _word(rnd, ATEXT)
            if rnd.random() < .5:
                phrase = rnd.choice([" ", "  "]).join(_word(rnd, ATEXT) for _ in range(rnd.randint(1, 3)))
                items.append(f"{phrase}{rnd.choice([' ', '', '  '])}<{addr}>")
            else:
                items.append(addr)
        yield rnd.choice([",", ", ", " ,\t", ",\r\n "]).join(_ws(rnd) + i + _ws(rnd) for i in items)


def word_values(seed: int, n: int):
    """Plain words and encoded words (valid, odd, broken) separated by blanks."""
    rnd = random.Random(seed)
    words = ["=?utf-8?q?Caf=C3=A9?=", "=?utf-8?b?Q2Fmw6k=?=", "=?utf-8?b?Q2Fmw6k?=", "=?iso-8859-1?q?cr=E8me?=",
             "=?x-unknown?q?ab?=", "=?utf-8?q?=ZZ?=", "=?utf-8?q??=", "=?utf-8?Q?a_b?=", "=?UTF-8*fr?q?x?=",
             "=?utf-8?q?=E2=80?=", "=?hex?q?41?=", "=?utf-8?x?a?=", "=?utf-8?q?a=3F=3D?=", "=??q?a?=",
             "=?utf-8?q?=0A?=", "=?utf-8?q?=09x?=", "plain", "a=?b", "?=", "=?", "Zoë"]
    for _ in range(n):
        yield "".join(rnd.choice(words) + rnd.choice([" ", "\t", "  ", " \t ", "\r\n ", ""])
                      for _ in range(rnd.randint(1, 5)))


CT = ["text/plain", "text/plain ", ' text/plain; charset="utf-8"', "text/plain;charset=utf-8  ",
      "multipart/mixed;\r\n boundary=\"==123==\"", "text/plain ; a=b ;c=d", 'text/plain; a=""', "TEXT/Plain; A=B",
      "text/plain;", 'text/plain; a="x y  z"', "text/plain; a=b; A=c", "text/plain; a=b; a=c", "text/plain (c)",
      "application/pdf; name*=utf-8''%C3%A9.pdf", 'text/plain; name="=?utf-8?q?r=C3=A9?="', ";1*", "",
      "text/plain; charset=\"\r\n", "/", 'a/b; c="d\\"e"', "a/b; c=d'e"]
CD = ["attachment", "inline; filename=a.bin", 'attachment; filename="data.bin"; size=3', ";;;", "ATTACHMENT",
      "attachment;filename=a", "attachment; filename*=utf-8''%C3%A9.txt", "b;b", "", "inline; size=x"]
CTE = ["base64", " base64 ", "BASE64", "", "quoted-printable", "x-uuencode", "7bit\r\n ", "base 64", "(c) 7bit"]


@pytest.mark.parametrize("seed", range(2))
def test_fetched_is_what_policy_default_gives_message_methods(seed):
    for name, samples in (("Content-Type", CT), ("content-transfer-encoding", CTE), ("Content-Disposition", CD)):
        for value in samples + list(values(seed, 2000)):
            try:
                expected = str(policy.default.header_fetch_parse(name, value))
            except Exception as e:
                with pytest.raises(type(e)):
                    h.fetched(name, value)
                continue
            assert h.fetched(name, value) == expected, value
    for value in mime_values(seed, 3000, True):
        assert h.fetched("Content-Type", value) == str(policy.default.header_fetch_parse("Content-Type", value)), value


@pytest.mark.parametrize("seed", range(2))
def test_boundary_is_what_get_boundary_gives(seed):
    from email.message import EmailMessage
    rnd = random.Random(seed)
    extra = ['multipart/mixed; boundary=" b "', "multipart/mixed; boundary=", 'multipart/mixed; BOUNDARY="x"',
             "multipart/mixed; boundary*=utf-8''%41", 'multipart/mixed; boundary="a;b"']
    for value in CT + extra + list(values(seed, 1000)) + list(mime_values(seed, 2000, True)):
        if rnd.random() < .5:
            value += '; boundary="' + _word(rnd, QTEXT, 0, 8) + '"'
        m = EmailMessage(policy.default)
        m._headers = [("Content-Type", value)]
        try:
            expected = m.get_boundary()
        except Exception as e:
            with pytest.raises(type(e)):
                h.boundary("Content-Type", value)
            continue
        assert h.boundary("Content-Type", value) == expected, value


@pytest.mark.parametrize("seed", range(2))
def test_text_and_unstructured(seed):
    samples = ["", "plain", "  a  b  ", "=?utf-8?q?a?= =?utf-8?q?b?=", "=?utf-8?q?a?=\t \t=?utf-8?q?b?= c",
               "x =?utf-8?q?a?= y", "=?utf-8?q?a?=\x0b =?utf-8?q?b?=", "folded\r\n value", "Caf\udcc3\udca9",
               "Caf\udce9", "=?utf-8?q?=E2=80?=", "a\rb", "=?utf-8?q?a?==?utf-8?q?b?="]
    for value in samples + list(values(seed, 4000)) + list(word_values(seed, 4000)):
        assert h.text(value) == ref._text("X-Any", value), value
        expected = ref._header("Content-ID", value)
        assert h.unstructured(value) == (str(expected) if expected is not None else None), value


@pytest.mark.parametrize("seed", range(2))
def test_addresses(seed):
    samples = ["bob@example.com", "Bob <bob@example.com>", "Bob  Lee <b@x.org>, c@d.org", "a@b,,c@d",
               "undisclosed-recipients:;", '"Doe, John" <j@d.com>', "=?utf-8?q?Zo=C3=AB?= <z@x.org>",
               "weird!#$%&'*+/=?^_`{|}~-@ex.com", "x@[127.0.0.1]", "no-at", "Zo\udcc3\udcab <z@x.org>", "",
               " a@b ", "a@b (comment)", "A.B <a@b>", "A <a@b", "<a@b>", "a@b.", ".a@b"]
    rnd = random.Random(seed)
    for value in samples + list(values(seed, 4000)) + list(address_values(seed, 4000)):
        field = rnd.choice(["from", "to", "sender", "reply-to"])
        got = [{"name": n, "email": e} for n, e in h.addresses(field, value)]
        assert got == ref._addresses([(field.title(), value)]), value


@pytest.mark.parametrize("seed", range(2))
def test_mime_params(seed):
    for lname, samples in (("content-type", CT), ("content-disposition", CD)):
        generated = mime_values(seed, 3000, lname == "content-type")
        for value in samples + list(values(seed, 3000)) + list(generated):
            expected = ref._header(lname, value)
            disposition, params = h.mime_params(lname, value)
            assert params == dict(getattr(expected, "params", None) or {}), value
            if lname == "content-disposition":
                assert disposition == getattr(expected, "content_disposition", None), value


def test_dates():
    for value in ["Thu, 11 Oct 2018 17:42:25 +0200", "Thu, 11 Oct 2018 15:42:25 -0000", "someday", "", " ",
                  "11 Oct 2018 17:42 GMT", "Mon, 32 Jan 2018 10:00:00 +0000", "Thu, 11 Oct 2018 17:42:25 +9999",
                  "Thu, 11 Oct 18 17:42:25 EST", "Thu,\r\n 11 Oct 2018 17:42:25 +0200", "1 Jan 10000 00:00 +0000"]:
        expected = ref._header("Date", value)
        assert h.send_at(value) == getattr(expected, "datetime", None), value
