"""Header field values of a received message, read as policy.default reads them, but faster.

MAIL Convert from MIME (mimeparse.py) wants, from each field, what the stdlib's header registry
(email.policy.default) makes of it: the decoded text, the addresses, the MIME parameters, the
date. The registry builds a parse tree (and a new header class) for every value; on a mailbox
of ordinary mail that was most of the conversion time. Here each function first tries a fast
path for the common well-formed shapes (plain text and RFC 2047 words, `Name <a@b>` lists,
`type/subtype; key=value` ...), which gives exactly the registry's result for those shapes, and
hands anything else to the registry itself, cached (values repeat across a mailbox).
tests/test_mime_headers.py checks the fast paths against the registry on generated values.
"""
from __future__ import annotations

import re
from email import _encoded_words as _ew
from email import utils as _utils
from email.header import decode_header, make_header
from email.message import Message
from email.policy import default as _policy
from functools import lru_cache, wraps

_LINESEP = re.compile(r"\n|\r")                  # what policy.default removes when it fetches a field
_NEWLINES = re.compile(r"\r?\n")
_SURROGATE = re.compile("[\udc80-\udcff]")
_ODD_SPACE = re.compile(r"[^\S \t]")              # whitespace get_fws() takes but _wsp_splitter does not
_WSP_SPLIT = re.compile(r"([ \t]+)")
# An encoded word with nothing around it; the stdlib decides its exact reading (_ew.decode).
_EW = re.compile(r"=\?[^?\s]*\?[QqBb]\?[^?\s]*\?=")

# Shapes where the registry's reading is known in advance (tests/test_mime_headers.py).
_TOKEN = r"[A-Za-z0-9!#$&+.^_`{|}~-]+"            # no RFC 2231 "*", "'", "%": those take the slow path
_PARAM = rf'[ \t]*;[ \t]*({_TOKEN})=(?:({_TOKEN})|"([^"\\\x00-\x08\x0a-\x1f\x7f]*)")'
_PARAM_RE = re.compile(_PARAM)
_CONTENT_TYPE = re.compile(rf"[ \t]*{_TOKEN}/{_TOKEN}(?:{_PARAM})*[ \t]*")
_DISPOSITION = re.compile(rf"[ \t]*({_TOKEN})(?:{_PARAM})*[ \t]*")
_CTE = re.compile(rf"[ \t]*{_TOKEN}[ \t]*")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR = rf"{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*"
_MAILBOX = re.compile(rf"[ \t]*(?:({_ADDR})|({_ATEXT}(?: {_ATEXT})*) <({_ADDR})>)[ \t]*")


def _memo(fn):
    """lru_cache for values of ordinary size: a mailbox repeats them (MIME-Version, Content-Type,
    From...), and a huge field is not kept alive by the cache."""
    cached = lru_cache(maxsize=2048)(fn)

    @wraps(fn)
    def call(*args):
        return cached(*args) if len(args[-1]) <= 1000 else fn(*args)
    call.cache_clear = cached.cache_clear
    return call


def fix8(value: str) -> str:
    """Raw 8-bit header bytes (surrogate-escaped by the parser) as UTF-8, else Latin-1."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def unfold(value: str) -> str:
    return (_NEWLINES.sub("", value) if "\n" in value else value).strip()


def _clean(raw: str) -> str:
    """The value as mimeparse gives it to the registry: 8-bit fixed, unfolded, stripped."""
    return unfold(fix8(raw))


# ---------------------------------------------------------------- what Message.get() returns

@_memo
def fetched(name: str, raw: str) -> str:
    """str(policy.default.header_fetch_parse(name, raw)): the text Message methods
    (get_content_type, get_boundary, get_payload) read under policy.default."""
    value = "".join(_LINESEP.split(raw)) if ("\n" in raw or "\r" in raw) else raw
    lname = name.lower()
    if lname == "content-type" and value.isascii() and "=?" not in value and _CONTENT_TYPE.fullmatch(value):
        semi = value.find(";")
        if semi < 0:
            return value
        params = _params(value[semi:])
        if params is not None:
            # MimeParameters.__str__: ' name="value"' joined with "; ", an empty value as its name
            return value[:semi + 1] + " " + "; ".join(f'{k}="{v}"' if v else k for k, v in params)
    elif lname == "content-transfer-encoding" and value.isascii() and _CTE.fullmatch(value):
        return value
    return str(_policy.header_fetch_parse(name, value))


def _params(text: str):
    """[(name, value)] of a `; a=b; c="d"` tail, or None when a name repeats (the registry's
    own rules for duplicates apply then)."""
    out, seen = [], set()
    for m in _PARAM_RE.finditer(text):
        key = m.group(1).lower()
        if key in seen:
            return None
        seen.add(key)
        out.append((m.group(1), m.group(2) if m.group(2) is not None else m.group(3)))
    return out


# ---------------------------------------------------------------- unstructured text

def _words(value: str) -> str | None:
    """get_unstructured() of a value whose "=?" all sit in whole encoded words, else None."""
    if _ODD_SPACE.search(value) or not value.isascii():
        return None
    pieces = _WSP_SPLIT.split(value)
    out, last_ew = [], False
    for i in range(0, len(pieces), 2):
        tok = pieces[i]
        if "=?" in tok:
            if not _EW.fullmatch(tok) or tok.find("?=", 2) != len(tok) - 2:
                return None
            try:
                text = _ew.decode(tok)[0]
            except Exception:
                return None
            if last_ew and i:
                out[-1] = ""               # whitespace between two encoded words is not text
            out.append(text)
            last_ew = True
        else:
            out.append(tok)
            last_ew = False
        if i + 1 < len(pieces):
            out.append(pieces[i + 1])
    text = "".join(out)
    return _utils._sanitize(text) if _utils._has_surrogates(text) else text


@_memo
def _unstructured_slow(value: str) -> str | None:
    try:
        return str(_policy.header_factory("X-Unstructured", value))
    except Exception:
        return None


@_memo
def unstructured(raw: str) -> str | None:
    """str() of the registry's unstructured header for the field, None if it cannot be parsed."""
    value = _clean(raw)
    if "\r" not in value:
        if "=?" not in value:
            return value
        text = _words(value)
        if text is not None:
            return text
    return _unstructured_slow(value)


def text(raw: str) -> str:
    """The field's text with RFC 2047 words decoded and folding removed, otherwise as written."""
    h = unstructured(raw)
    if h is not None:
        return h
    value = _clean(raw)
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


# ---------------------------------------------------------------- addresses, parameters, dates

@_memo
def addresses(lname: str, raw: str) -> tuple:
    """((display name or None, addr-spec), ...) of an address field, addresses without "@" left out."""
    value = _clean(raw)
    if value.isascii() and "=?" not in value and '"' not in value:
        out = []
        for item in value.split(","):
            m = _MAILBOX.fullmatch(item)
            if m is None:
                break
            out.append((None, m.group(1)) if m.group(1) else (m.group(2), m.group(3)))
        else:
            return tuple(out)
    try:
        h = _policy.header_factory(lname, value)
    except Exception:
        return ()
    return tuple((a.display_name or None, a.addr_spec) for a in getattr(h, "addresses", ())
                 if "@" in a.addr_spec)


@_memo
def mime_params(lname: str, raw: str) -> tuple[str | None, dict]:
    """(content_disposition, params) of a Content-Type / Content-Disposition field as the registry
    reads it; (None, {}) when it cannot be parsed. Callers must not change the dict."""
    value = _clean(raw)
    if value.isascii() and "=?" not in value:
        pattern = _CONTENT_TYPE if lname == "content-type" else _DISPOSITION
        m = pattern.fullmatch(value)
        if m is not None:
            semi = value.find(";")
            params = _params(value[semi:]) if semi >= 0 else []
            if params is not None:
                disposition = m.group(1).lower() if lname == "content-disposition" else None
                return disposition, {k.lower(): v for k, v in params}
    try:
        h = _policy.header_factory(lname, value)
    except Exception:
        return None, {}
    return getattr(h, "content_disposition", None), dict(getattr(h, "params", None) or {})


def send_at(raw: str):
    """The Date field's datetime as DateHeader reads it, or None."""
    value = _clean(raw)
    if not value:
        return None
    try:
        dt = _utils.parsedate_to_datetime(value)
        _utils.format_datetime(dt)          # DateHeader formats it: a date it cannot format is none
    except Exception:
        return None
    return dt


@_memo
def boundary(name: str, raw: str) -> str | None:
    """Message.get_boundary() (under policy.default) of a part whose first Content-Type field
    is `name: raw`."""
    value = "".join(_LINESEP.split(raw)) if ("\n" in raw or "\r" in raw) else raw
    if value.isascii() and "=?" not in value and _CONTENT_TYPE.fullmatch(value):
        semi = value.find(";")
        params = _params(value[semi:]) if semi >= 0 else []
        if params is not None:
            # fetched() quotes each value; get_param() unquotes it, get_boundary() strips its end
            found = [v for k, v in params if k.lower() == "boundary"]
            return found[0].rstrip() if found else None
    m = Message()
    m._headers = [("Content-Type", fetched(name, raw))]
    return m.get_boundary()
