"""S/MIME signing of outgoing mail (SMTPTransporterClass.md `.certificate`, 21 R5).

The certificate with its private key comes as a PKCS#12 file (4D.File) or Blob, unlocked by
`certificatePassword`. The body entity of the message is signed (detached signature,
multipart/signed, RFC 8551); the routing headers (From, To, Subject...) stay outside.
"""
from __future__ import annotations

from ..runtime.errors import FourDError
from ..runtime.values import ClassInstance

# Headers that describe the body entity: they move inside the signed part.
_CONTENT_HEADERS = ("content-type", "content-transfer-encoding", "content-disposition", "content-id",
                    "content-description")


def _fail(message: str) -> FourDError:
    return FourDError(code=2, message=message, component="SMTP")


def load_signer(rt, certificate, password: str):
    """(certificate, private key) from a 4D.File or a Blob holding PKCS#12 data."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    if isinstance(certificate, ClassInstance) and certificate.has_function("getContent"):
        data = certificate.call_function(rt, "getContent", [])
    elif isinstance(certificate, (bytes, bytearray)):
        data = bytes(certificate)
    else:
        raise _fail("certificate must be a 4D.File or a Blob holding a PKCS#12 (.p12) certificate")
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(data, password.encode("utf-8") or None)
    except ValueError as e:
        raise _fail(f"cannot open the certificate (wrong certificatePassword or not PKCS#12): {e}") from None
    if key is None or cert is None:
        raise _fail("the certificate file holds no private key and certificate")
    return cert, key


def sign(message: bytes, cert, key) -> bytes:
    """Return `message` with its body wrapped in a multipart/signed S/MIME entity."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    head, _, body = message.partition(b"\r\n\r\n")
    outer, inner = [], []
    for field in _header_fields(head):       # raw fields, folding and encoded words untouched
        name = field.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        (inner if name in _CONTENT_HEADERS else outer).append(field)
    if not any(f.lower().startswith(b"content-type:") for f in inner):
        inner.insert(0, b'Content-Type: text/plain; charset="us-ascii"')
    entity = b"\r\n".join(inner) + b"\r\n\r\n" + body
    signed = (pkcs7.PKCS7SignatureBuilder().set_data(entity).add_signer(cert, key, hashes.SHA256())
              .sign(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature]))
    # cryptography writes its own MIME-Version and uses LF; mail wants CRLF everywhere.
    signed = signed.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    s_head, _, s_body = signed.partition(b"\r\n\r\n")
    s_headers = [h for h in s_head.split(b"\r\n") if not h.lower().startswith(b"mime-version")]
    outer = [h for h in outer if not h.lower().startswith(b"mime-version")]
    top = b"\r\n".join(outer + [b"MIME-Version: 1.0"])
    return top + b"\r\n" + b"\r\n".join(s_headers) + b"\r\n\r\n" + s_body


def _header_fields(head: bytes) -> list[bytes]:
    """Header fields of a header block, each with its folded continuation lines."""
    fields: list[bytes] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\r\n" + line
        elif line:
            fields.append(line)
    return fields
