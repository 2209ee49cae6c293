"""MAIL Convert to MIME, MAIL Convert from MIME, MAIL New attachment: 4D-facing wrappers around
fourmail/mail (mail-convert-to-mime.md, mail-convert-from-mime.md, mail-new-attachment.md)."""
from __future__ import annotations

from ..mail.attachment import new_attachment, new_mail_attachment  # noqa: F401  (4D.MailAttachment.new)
from ..mail.charsets import DEFAULT
from ..mail.mime import email_to_mime, mime_to_email
from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name


def mail_convert_to_mime(rt, mail, options=UNDEFINED):
    """MAIL Convert to MIME( mail {; options} ) -> Text; options {headerCharset, bodyCharset}."""
    if not isinstance(mail, dict):
        raise FourDError(E.MIME_INVALID_MAIL, detail=f"an Email object was expected, got {type_name(mail)}")
    header_charset = body_charset = DEFAULT
    if options is not UNDEFINED and options is not None:
        if not isinstance(options, dict):
            raise FourDError(E.BAD_PARAMETER, name="MAIL Convert to MIME", component="MIME",
                             detail=f"the options must be an object, got {type_name(options)}")
        header_charset = options.get("headerCharset", DEFAULT)
        body_charset = options.get("bodyCharset", DEFAULT)
    data = email_to_mime(rt, mail, header_charset, body_charset)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")       # ISO-8859-1 mode: 8-bit Latin-1 bodies, as characters


def mail_convert_from_mime(rt, mime):
    """MAIL Convert from MIME( mime : Blob | Text ) -> Email object."""
    if not isinstance(mime, (str, bytes, bytearray)):
        raise FourDError(E.BAD_PARAMETER, name="MAIL Convert from MIME", component="MIME",
                         detail=f"the MIME must be a Blob or a Text, got {type_name(mime)}")
    return mime_to_email(rt, mime)


def mail_new_attachment(rt, *args):
    """MAIL New attachment( file | zipFile | blob | path {; name {; cid {; type {; disposition}}}} )."""
    return new_attachment(rt, *args)
