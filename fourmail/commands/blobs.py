"""BLOB commands: BLOB size, BLOB to text, TEXT TO BLOB, SET BLOB SIZE, Convert to text,
BASE64 ENCODE / DECODE.

BASE64 ENCODE, BASE64 DECODE, TEXT TO BLOB and SET BLOB SIZE are procedures that modify a
variable in place in 4D (base64-encode.md: the *encoded* parameter when passed, otherwise
*toEncode* itself; the *blob* of the other two). fourmail passes values, so these functions
RETURN the new value and the compiled code assigns it to that variable (codegen `_WRITEBACK`).
"""
from __future__ import annotations

import base64
import binascii
import codecs

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, to_longint, type_name
from .text import is_star

# BLOB text formats (blob-to-text.md)
MAC_C_STRING, MAC_PASCAL_STRING, MAC_TEXT_WITH_LENGTH, MAC_TEXT_WITHOUT_LENGTH = 0, 1, 2, 3
UTF8_C_STRING, UTF8_TEXT_WITH_LENGTH, UTF8_TEXT_WITHOUT_LENGTH = 4, 5, 6

# MIBEnum identifiers of the usual character sets (IANA), for charSet numbers.
_MIB = {3: "ascii", 4: "latin-1", 5: "iso8859-2", 6: "iso8859-3", 7: "iso8859-4", 8: "iso8859-5",
        9: "iso8859-6", 10: "iso8859-7", 11: "iso8859-8", 12: "iso8859-9", 13: "iso8859-10",
        17: "shift_jis", 18: "euc_jp", 38: "euc_kr", 39: "iso2022_jp", 106: "utf-8", 109: "iso8859-13",
        110: "iso8859-14", 111: "iso8859-15", 112: "iso8859-16", 113: "gbk", 114: "gb18030",
        1013: "utf-16-be", 1014: "utf-16-le", 1015: "utf-16", 1017: "utf-32", 1018: "utf-32-be",
        1019: "utf-32-le", 2025: "gb2312", 2026: "big5", 2027: "mac-roman", 2084: "koi8-r", 2088: "koi8-u",
        2250: "cp1250", 2251: "cp1251", 2252: "cp1252", 2253: "cp1253", 2254: "cp1254", 2255: "cp1255",
        2256: "cp1256", 2257: "cp1257", 2258: "cp1258"}
_ALIASES = {"macintosh": "mac-roman", "x-mac-roman": "mac-roman", "mac": "mac-roman", "us-ascii": "ascii",
            "windows-31j": "cp932", "utf-16": "utf-16", "ucs-2": "utf-16"}


def _blob(cmd: str, v) -> bytes:
    t = type(v)
    if t is bytes:
        return v
    if t is bytearray:
        return bytes(v)
    if v is UNDEFINED:
        return b""
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a Blob was expected, got {type_name(v)}")


def _int(cmd: str, v) -> int:
    if type(v) in (float, int):
        return to_longint(v)
    raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a number was expected, got {type_name(v)}")


def codec_for(cmd: str, charset) -> tuple[str, bool]:
    """Python codec for a 4D charset name or MIBEnum number, and whether a BOM is wanted.

    A "-no-bom" suffix (e.g. "UTF-8-no-bom") means no Byte Order Mark when writing.
    """
    bom = True
    if type(charset) in (float, int):
        name = _MIB.get(to_longint(charset))
        if name is None:
            raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"unknown character set {to_longint(charset)}")
    elif type(charset) is str:
        name = charset.strip().lower()
        if name.endswith("-no-bom"):
            name, bom = name[:-7], False
        name = _ALIASES.get(name, name)
    else:
        raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a character set was expected, got {type_name(charset)}")
    try:
        return codecs.lookup(name).name, bom
    except (LookupError, ValueError):        # ValueError: a NUL in the name
        raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"unknown character set \"{charset}\"") from None


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]


def decode(data: bytes, codec: str) -> str:
    """Bytes to text; for a Unicode charset a BOM, if any, wins and is removed (convert-to-text.md)."""
    if codec.startswith(("utf-8", "utf-16", "utf-32", "utf_8", "utf_16", "utf_32")):
        for bom, name in _BOMS:
            if data.startswith(bom):
                return data[len(bom):].decode(name, errors="replace")
    return data.decode(codec, errors="replace")


def blob_size(rt, blob):
    return len(_blob("BLOB size", blob))


def blob_to_text(rt, blob, text_format, *args):
    """BLOB to text ( blob ; textFormat {; offset {; textLength}} ).

    *offset* is read (the new offset it receives in 4D is not written back).
    """
    data = _blob("BLOB to text", blob)
    fmt = _int("BLOB to text", text_format)
    offset = _int("BLOB to text", args[0]) if args else 0
    count = _int("BLOB to text", args[1]) if len(args) > 1 else None
    data = data[max(offset, 0):]
    if fmt in (MAC_C_STRING, UTF8_C_STRING):
        end = data.find(b"\0")
        raw = data if end < 0 else data[:end]
    elif fmt == MAC_PASCAL_STRING:
        raw = data[1:1 + data[0]] if data else b""
    elif fmt == MAC_TEXT_WITH_LENGTH:
        n = int.from_bytes(data[:2], "big") if len(data) >= 2 else 0
        raw = data[2:2 + n]
    elif fmt == UTF8_TEXT_WITH_LENGTH:
        n = int.from_bytes(data[:4], "little") if len(data) >= 4 else 0
        raw = data[4:4 + n]
    elif fmt in (MAC_TEXT_WITHOUT_LENGTH, UTF8_TEXT_WITHOUT_LENGTH):
        raw = data
    else:
        raise FourDError(E.BAD_PARAMETER, name="BLOB to text", detail=f"unknown text format {fmt}")
    text = raw.decode("mac-roman" if fmt <= MAC_TEXT_WITHOUT_LENGTH else "utf-8", errors="replace")
    if fmt in (MAC_TEXT_WITHOUT_LENGTH, UTF8_TEXT_WITHOUT_LENGTH) and count is not None:
        text = text[:max(count, 0)]
    return text


def encode_text(text: str, fmt: int) -> bytes:
    """A text in one of the BLOB text formats, as BLOB to text reads it back (text-to-blob.md)."""
    if fmt not in range(MAC_C_STRING, UTF8_TEXT_WITHOUT_LENGTH + 1):
        raise FourDError(E.BAD_PARAMETER, name="TEXT TO BLOB", detail=f"unknown text format {fmt}")
    raw = text.encode("mac-roman" if fmt <= MAC_TEXT_WITHOUT_LENGTH else "utf-8", errors="replace")
    if fmt in (MAC_C_STRING, UTF8_C_STRING):
        return raw + b"\0"
    if fmt == MAC_PASCAL_STRING:
        raw = raw[:255]
        return bytes([len(raw)]) + raw
    if fmt == MAC_TEXT_WITH_LENGTH:
        raw = raw[:0xFFFF]
        return len(raw).to_bytes(2, "big") + raw
    if fmt == UTF8_TEXT_WITH_LENGTH:
        return len(raw).to_bytes(4, "little") + raw
    return raw


def text_to_blob(rt, text, blob, *args, outputs=False):
    """TEXT TO BLOB ( text ; blob {; textFormat {; offset | *}} ) -> the new BLOB (see module doc).

    Without offset or `*` the text replaces the BLOB's contents; at an offset it overwrites from
    there (the BLOB grows if needed) and the offset variable receives the position after it;
    `*` appends. The format defaults to Mac C string.
    """
    if type(text) is not str:
        raise FourDError(E.BAD_PARAMETER, name="TEXT TO BLOB", detail=f"a Text was expected, got {type_name(text)}")
    old = _blob("TEXT TO BLOB", blob)
    data = encode_text(text, _int("TEXT TO BLOB", args[0]) if args else MAC_C_STRING)
    where = args[1] if len(args) > 1 else None
    if where is None:
        new, end = data, len(data)
    elif is_star(where):
        new, end = old + data, len(old) + len(data)
    else:
        at = max(_int("TEXT TO BLOB", where), 0)
        base = old + b"\0" * (at - len(old)) if at > len(old) else old
        new, end = base[:at] + data + base[at + len(data):], at + len(data)
    return (new, [float(end)]) if outputs else new


def set_blob_size(rt, blob, size, filler=0):
    """SET BLOB SIZE ( blob ; size {; filler} ) -> the resized BLOB: cut, or grown with the filler
    byte (0 by default) (set-blob-size.md)."""
    data = _blob("SET BLOB SIZE", blob)
    n = _int("SET BLOB SIZE", size)
    if n < 0:
        raise FourDError(E.BAD_PARAMETER, name="SET BLOB SIZE", detail=f"the size cannot be negative ({n})")
    byte = _int("SET BLOB SIZE", filler) & 0xFF
    return data[:n] + bytes([byte]) * (n - len(data))


def convert_to_text(rt, blob, charset):
    """Convert to text ( blob ; charSet ): name ("UTF-8", "ISO-8859-1") or MIBEnum number."""
    codec, _ = codec_for("Convert to text", charset)
    return decode(_blob("Convert to text", blob), codec)


def _b64_args(args) -> tuple[object, bool, bool]:
    """(target current value or None, target passed, url) from the optional arguments."""
    target, has_target, url = None, False, False
    for a in args:
        if is_star(a):
            url = True
        elif not has_target:
            target, has_target = a, True
    return target, has_target, url


def _as_bytes(cmd: str, v) -> bytes:
    if type(v) is str:
        return v.encode("utf-8")
    return _blob(cmd, v)


def base64_encode(rt, to_encode, *args):
    """BASE64 ENCODE ( toEncode {; encoded}{; *} ) -> the encoded value (see module doc).

    Text is encoded from its UTF-8 bytes; `*` selects Base64URL (no padding, RFC 4648 §5).
    The result is a Blob when the receiving variable holds a Blob, Text otherwise.
    """
    target, has_target, url = _b64_args(args)
    data = _as_bytes("BASE64 ENCODE", to_encode)
    enc = base64.urlsafe_b64encode(data).rstrip(b"=") if url else base64.b64encode(data)
    receiver = target if has_target else to_encode
    return enc if type(receiver) in (bytes, bytearray) else enc.decode("ascii")


def base64_decode(rt, to_decode, *args):
    """BASE64 DECODE ( toDecode {; decoded}{; *} ) -> the decoded value (see module doc).

    Invalid Base64 gives an empty value; a Text receiver gets the bytes read as UTF-8.
    """
    target, has_target, url = _b64_args(args)
    data = _as_bytes("BASE64 DECODE", to_decode)
    receiver = target if has_target else to_decode
    compact = b"".join(data.split())
    try:
        if url:
            out = base64.urlsafe_b64decode(compact + b"=" * (-len(compact) % 4))
        else:
            out = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        out = b""
    if type(receiver) in (bytes, bytearray):
        return out
    return out.decode("utf-8", errors="replace")
