"""The four mail charset modes (Transporter.md .headerCharset / .bodyCharset, mail-convert-to-mime.md).

- US-ASCII_UTF8_QP (default): headers and bodies US-ASCII if possible, else UTF-8 with
  quoted-printable (RFC 2047 "Q" encoded words in headers);
- US-ASCII_UTF8_B64: the same with base64 ("B" words);
- ISO-8859-1: headers ISO-8859-1 + Q, bodies ISO-8859-1 + 8bit;
- US-ASCII_ISO-2022-JP_UTF8_QP: headers US-ASCII, else ISO-2022-JP + Q, else UTF-8 + Q;
  bodies US-ASCII, else ISO-2022-JP + 7bit, else UTF-8 + QP.

"US-ASCII" means the text is written as is (7bit body, plain header). The ISO-8859-1 mode has no
"US-ASCII if possible" step, so the parts headerCharset governs (subject, names, file names) are
always encoded words and bodies are always labelled ISO-8859-1. Text ISO-8859-1 cannot hold
falls back to UTF-8 + Q / QP (the docs are silent; losing characters would be worse).
Encoding itself is the stdlib's (email.charset, email.header, email.contentmanager).
"""
from __future__ import annotations

from email.charset import BASE64, QP, Charset
from email.header import Header

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED

UTF8_QP = "US-ASCII_UTF8_QP"
UTF8_B64 = "US-ASCII_UTF8_B64"
ISO88591 = "ISO-8859-1"
ISO2022JP = "US-ASCII_ISO-2022-JP_UTF8_QP"
MODES = (UTF8_QP, UTF8_B64, ISO88591, ISO2022JP)
DEFAULT = UTF8_QP

MAX_LINE = 76            # RFC 2045 limit for encoded lines; headers are folded to the same width
_MAX_8BIT_LINE = 998     # RFC 5322 2.1.1: longer lines need an encoding


def _charset(name: str, header_encoding: int) -> Charset:
    c = Charset(name)
    c.header_encoding = header_encoding
    return c


_UTF8_Q = _charset("utf-8", QP)
_UTF8_B = _charset("utf-8", BASE64)
_LATIN1_Q = _charset("iso-8859-1", QP)
_JIS_Q = _charset("iso-2022-jp", QP)     # the table says Q for ISO-2022-JP headers, not the usual B


def check_mode(value, what: str) -> str:
    """The canonical mode name for an options/transporter value (Null/Undefined: the default)."""
    if value is None or value is UNDEFINED or value == "":
        return DEFAULT
    if isinstance(value, str):
        for mode in MODES:
            if mode.casefold() == value.strip().casefold():
                return mode
    raise FourDError(E.MIME_BAD_CHARSET, what=what, value=value, expected=", ".join(MODES))


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def _header_charset(text: str, mode: str, governed: bool) -> Charset | None:
    """The charset for an encoded word, or None to write the text as plain US-ASCII.
    governed: the part is one headerCharset governs (subject, names, file names)."""
    if mode == ISO88591:
        if text.isascii() and not governed:
            return None
        return _LATIN1_Q if _encodable(text, "latin-1") else _UTF8_Q
    if text.isascii():
        return None
    if mode == ISO2022JP and _encodable(text, "iso2022_jp"):
        return _JIS_Q
    return _UTF8_B if mode == UTF8_B64 else _UTF8_Q


def encode_header(text: str, mode: str, header_name: str, governed: bool = False) -> str:
    """An unstructured header value, RFC 2047-encoded when needed and folded with CRLF."""
    charset = _header_charset(text, mode, governed)
    h = Header(text, charset or "us-ascii", header_name=header_name)
    return h.encode(splitchars=" ", maxlinelen=MAX_LINE, linesep="\r\n")


def encode_words(text: str, mode: str, governed: bool = True) -> str | None:
    """`text` as encoded words on one line (for a display name or a file-name parameter),
    or None when it may be written as plain text."""
    charset = _header_charset(text, mode, governed)
    if charset is None:
        return None
    folded = Header(text, charset).encode(maxlinelen=MAX_LINE, linesep="\n")
    return folded.replace("\n", "")   # adjacent encoded words: whitespace between them is dropped


def body_encoding(text: str, mode: str) -> tuple[str, str]:
    """(charset label, Content-Transfer-Encoding) for a text or html body."""
    def fits(codec: str) -> bool:
        return all(len(line) <= _MAX_8BIT_LINE for line in text.encode(codec).splitlines())

    if mode == ISO88591:
        if _encodable(text, "latin-1"):
            return "ISO-8859-1", ("8bit" if fits("latin-1") else "quoted-printable")
        return "UTF-8", "quoted-printable"
    if text.isascii():
        return "US-ASCII", ("7bit" if fits("ascii") else "quoted-printable")
    if mode == ISO2022JP and _encodable(text, "iso2022_jp"):
        return "ISO-2022-JP", ("7bit" if fits("iso2022_jp") else "quoted-printable")
    return "UTF-8", ("base64" if mode == UTF8_B64 else "quoted-printable")
