"""MIME bytes -> the stdlib's Message tree, read with a cheaper policy.

The stdlib's parser builds the tree; POLICY makes its Message objects compat32-style ones whose
get() returns the very text policy.default would give Message methods (mimeheaders.fetched), so
get_content_type(), get_boundary() and get_payload(decode=True) decide as under policy.default,
without parsing every header through the header registry.
"""
from __future__ import annotations

from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import Compat32

from .mimeheaders import fetched


class _Policy(Compat32):
    def header_fetch_parse(self, name, value):
        return fetched(name, value)


POLICY = _Policy(message_factory=EmailMessage)       # policy.default's class, so even repr() agrees


def parse(data: bytes) -> Message:
    """The Message tree of a MIME document, as BytesParser(policy=policy.default) reads it."""
    return BytesParser(policy=POLICY).parsebytes(data)


def first_fields(headers: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """{lowercased name: (name, raw value)} of each name's first field: what Message.get() reads."""
    first: dict[str, tuple[str, str]] = {}
    for field in headers:
        lname = field[0].lower()
        if lname not in first:
            first[lname] = field
    return first


def fields_of(msg: Message) -> tuple[dict, str]:
    """(first_fields(), get_content_type()) of a part."""
    first = first_fields(msg._headers)
    return first, content_type(first, msg.get_default_type())


def content_type(first: dict, default: str) -> str:
    """Message.get_content_type() of a part, from its first_fields()."""
    ct = first.get("content-type")
    if ct is None:
        return default
    ctype = fetched(*ct).partition(";")[0].strip().lower()
    return ctype if ctype.count("/") == 1 else "text/plain"
