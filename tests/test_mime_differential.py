"""MAIL Convert from MIME gives exactly what the stdlib's policy.default reading gave.

tests/mime_reference.py is the conversion as it was before it was made fast (BytesParser with
policy.default, the header registry for every field). Both convert the same messages: the
generated corpus (tests/mime_corpus.py: ordinary, malformed, truncated; as Blob and as Text) and
the messages of bench/imap_fetch.py; every property must be equal, attachments included.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from fourmail.mail.attachment import MailAttachment
from fourmail.mail.mime import mime_to_email

import mime_reference as ref
from mime_corpus import corpus, stdlib_message

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))


def plain(value):
    """The Email object with each attachment as the tuple of what 4D code can read of it."""
    if isinstance(value, MailAttachment):
        # a message/* part the generator cannot write comes out as the repr() of its payload
        content = re.sub(rb" at 0x[0-9a-f]+", b"", value.content(None))
        return ("MailAttachment", value._properties(), value.part_id, content)
    if isinstance(value, dict):             # in order: 4D shows properties in insertion order
        return [("key", k, plain(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def convert(fn, data):
    try:
        return plain(fn(None, data))
    except Exception as e:           # e.g. a date out of range: both must fail the same way
        return type(e)


def check(data):
    assert convert(mime_to_email, data) == convert(ref.mime_to_email, data), data


@pytest.mark.parametrize("seed", range(6))
def test_generated_mail_as_blob(seed):
    for data in corpus(1000 + seed, 200):
        check(data)


@pytest.mark.parametrize("seed", range(3))
def test_generated_mail_as_text(seed):
    rnd = random.Random(seed)
    for data in corpus(2000 + seed, 150):
        check(data.decode(rnd.choice(["utf-8", "latin-1"]), "replace"))


@pytest.mark.parametrize("data", [
    b"", b"Content-Type: ;1*\r\n\r\nx",                      # the registry raises: an empty mail
    b"Subject: a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: ;1*\r\n\r\nx\r\n--b--\r\n",
    b"Content-Type: text/plain\r\nContent-Transfer-Encoding: ;1*\r\n\r\nx",
    b"Date: Fri, 01 Jan 0001 00:00:00 +0100\r\n\r\nx", b"Date: Mon, 1 Jan 0001 00:00:00 +0100\r\n\r\nx",
    b"Content-Type: multipart/mixed; boundary=a\r\n\r\n" + b"--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n" * 50,
    b"".join(b"Content-Type: multipart/mixed; boundary=%d\r\n\r\n--%d\r\n" % (i, i) for i in range(400)),
])
def test_edge_cases(data):
    check(data)


def test_the_benchmark_messages():
    from imap_fetch import message
    for i in range(1, 61):
        check(message(i))


def test_stdlib_written_mail():
    rnd = random.Random(7)
    for i in range(100):
        check(stdlib_message(rnd, i))


def test_attachments_are_the_same_objects_each_time():
    data = stdlib_message(random.Random(3), 0)
    while b"filename" not in data:
        data = stdlib_message(random.Random(len(data)), 0)
    att = mime_to_email(None, data)["attachments"][0]
    assert att.content(None) is att.content(None)            # decoded once, on first use
