"""Email addresses in 4D values, and as header text (EmailObjectClass.md "Email Addresses").

A 4D address property is Text ("a@b", "Name <a@b>", "Name <a@b>,c@d", and the ";"-separated
"4d@4d.com;test@4d.com" of the smtp-new-transporter example), an object {name, email}, or a
collection of such objects (or texts). Every address is checked with the stdlib's RFC 5322
addr-spec parser (email.headerregistry.Address).
"""
from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr, quote
from functools import lru_cache

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name
from .charsets import encode_words

_SPECIALS = set('()<>[]:;@\\,."')


def _bad(field: str, address) -> FourDError:
    return FourDError(E.MIME_BAD_ADDRESS, field=field, address=address)


def _split(text: str) -> list[str]:
    """Split an address list at "," or ";" outside quotes, angle brackets and comments."""
    parts, cur, quoted, escaped, angle, paren = [], [], False, False, 0, 0
    for ch in text:
        if escaped:
            escaped = False
        elif quoted:
            if ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "<":
            angle += 1
        elif ch == ">":
            angle = max(0, angle - 1)
        elif ch == "(":
            paren += 1
        elif ch == ")":
            paren = max(0, paren - 1)
        elif ch in ",;" and not angle and not paren:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=2048)    # mail sent in a loop repeats its addresses: parse each text once
def _checked(field: str, email: str, shown) -> str:
    if "\r" in email or "\n" in email:
        raise _bad(field, shown)
    try:
        return Address(addr_spec=email.strip()).addr_spec
    except Exception:            # the stdlib raises defects, ValueError, IndexError... on bad input
        raise _bad(field, shown) from None


def _from_text(field: str, text: str) -> list[tuple[str, str]]:
    return list(_parse_text(field, text))


@lru_cache(maxsize=2048)
def _parse_text(field: str, text: str) -> tuple[tuple[str, str], ...]:
    out = []
    for piece in _split(text):
        if "<" in piece and not piece.endswith(">"):
            raise _bad(field, piece)
        name, email = parseaddr(piece)
        if not email:
            raise _bad(field, piece)
        out.append((name.replace("\r", " ").replace("\n", " "), _checked(field, email, piece)))
    return tuple(out)


def _from_object(field: str, obj: dict) -> tuple[str, str]:
    email, name = obj.get("email", UNDEFINED), obj.get("name", UNDEFINED)
    if not isinstance(email, str) or not email.strip():
        raise _bad(field, f"an address object needs an \"email\" text, got {type_name(email)}")
    if name is None or name is UNDEFINED:
        name = ""
    elif not isinstance(name, str):
        raise _bad(field, f"the \"name\" of {email} must be a text, got {type_name(name)}")
    return name.replace("\r", " ").replace("\n", " "), _checked(field, email, email)


def parse_addresses(field: str, value) -> list[tuple[str, str]]:
    """[(display name or "", addr-spec)] from a 4D address value; Null/Undefined: none."""
    if value is None or value is UNDEFINED:
        return []
    if isinstance(value, str):
        return _from_text(field, value)
    if isinstance(value, dict):
        return [_from_object(field, value)]
    if isinstance(value, list):
        out = []
        for item in value:
            if item is None or item is UNDEFINED:
                continue
            if isinstance(item, str):
                out.extend(_from_text(field, item))
            elif isinstance(item, dict):
                out.append(_from_object(field, item))
            else:
                raise _bad(field, f"a collection item is {type_name(item)}, not an address object")
        return out
    raise _bad(field, f"expected Text, Object or Collection, got {type_name(value)}")


def format_address(name: str, email: str, mode: str) -> str:
    """`Name <email>` with the name quoted or RFC 2047-encoded per the header charset mode."""
    if not name:
        return email
    words = encode_words(name, mode)
    if words is None:
        words = f'"{quote(name)}"' if _SPECIALS & set(name) else name
    return f"{words} <{email}>"
