"""commands/blobs.py: BLOB size, BLOB to text, Convert to text, BASE64 ENCODE/DECODE."""
import types

import pytest

from fourmail.commands import blobs as B
from fourmail.compiler.codegen import STAR
from fourmail.runtime.errors import FourDError

rt = types.SimpleNamespace(project_dir=None)


def test_blob_size():
    assert B.blob_size(rt, b"abc") == 3 and B.blob_size(rt, b"") == 0


def test_blob_to_text_utf8_formats():
    # blob-to-text.md: UTF8 C string = 4, UTF8 text with length = 5, UTF8 text without length = 6
    assert B.blob_to_text(rt, "héllo\0junk".encode(), 4) == "héllo"
    data = "héllo".encode()
    assert B.blob_to_text(rt, len(data).to_bytes(4, "little") + data + b"zz", 5) == "héllo"
    assert B.blob_to_text(rt, "héllo".encode(), 6) == "héllo"
    assert B.blob_to_text(rt, "héllo".encode(), 6, 0, 2) == "hé"     # textLength in characters
    assert B.blob_to_text(rt, b"xxabc", 6, 2) == "abc"               # offset in bytes


def test_blob_to_text_mac_formats():
    assert B.blob_to_text(rt, b"\x03abcdef", 1) == "abc"             # Mac Pascal string
    assert B.blob_to_text(rt, b"caf\x8e\0", 0) == "café"             # Mac C string, Mac Roman


def test_blob_to_text_unknown_format():
    with pytest.raises(FourDError):
        B.blob_to_text(rt, b"x", 99)


def test_convert_to_text():
    # convert-to-text.md: charset name or MIBEnum number, BOM wins
    assert B.convert_to_text(rt, "été".encode("latin-1"), "ISO-8859-1") == "été"
    assert B.convert_to_text(rt, "été".encode("utf-8"), "UTF-8") == "été"
    assert B.convert_to_text(rt, "été".encode("utf-8"), 106) == "été"
    assert B.convert_to_text(rt, b"\xef\xbb\xbfabc", "UTF-16") == "abc"
    assert B.convert_to_text(rt, "ab".encode("utf-16-le"), "UTF-16LE") == "ab"
    with pytest.raises(FourDError):
        B.convert_to_text(rt, b"x", "no-such-charset")


def test_base64_encode_text_and_blob():
    # base64-encode.md: text is encoded from its UTF-8 bytes; the receiver's type is kept
    assert B.base64_encode(rt, "hello") == "aGVsbG8="
    assert B.base64_encode(rt, b"hello") == b"aGVsbG8="
    assert B.base64_encode(rt, b"hello", "") == "aGVsbG8="           # into a Text variable
    assert B.base64_encode(rt, "é") == "w6k="


def test_base64url():
    # `*`: Base64URL (rfc4648 section 5)
    assert B.base64_encode(rt, b"\xfb\xff", STAR) == b"-_8"
    assert B.base64_encode(rt, b"\xfb\xff", "", STAR) == "-_8"
    assert B.base64_decode(rt, "-_8", b"", STAR) == b"\xfb\xff"


def test_base64_decode():
    # base64-decode.md: a Text receiver gets the bytes read as UTF-8; invalid input gives ""
    assert B.base64_decode(rt, "aGVsbG8=") == "hello"
    assert B.base64_decode(rt, "aGVsbG8=", b"") == b"hello"
    assert B.base64_decode(rt, "w6k=") == "é"
    assert B.base64_decode(rt, "!!!") == ""
    assert B.base64_decode(rt, b"!!!") == b""
