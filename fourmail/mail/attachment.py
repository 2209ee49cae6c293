"""4D.MailAttachment (MailAttachmentClass.md) and MAIL New attachment (mail-new-attachment.md).

An attachment is made from a 4D.File (or a 4D.ZipFile, recognised by its class name), a Blob, or
a path text in the system syntax (a bare file name is looked up beside the project, i.e.
rt.project_dir). A file must exist when the attachment is created (error -43, FiFo); its content
is read when it is needed: getContent() or the MIME conversion. Attachments received in a MIME
document (MAIL Convert from MIME) decode their content the first time it is asked for.
"""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, ClassInstance, type_name

# mail-new-attachment.md: content type from the file extension when no type is passed.
EXTENSION_TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "pdf": "application/pdf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint", "zip": "application/zip", "gz": "application/gzip",
    "json": "application/json", "js": "application/javascript", "ps": "application/postscript",
    "xml": "application/xml", "htm": "text/html", "html": "text/html", "mp3": "audio/mpeg",
}
DEFAULT_TYPE = "application/octet-stream"
INLINE, ATTACHMENT = "inline", "attachment"

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_TYPE_RE = re.compile(rf"^{_TOKEN}/{_TOKEN}(\s*;.*)?$", re.S)


def type_for(filename: str | None) -> str:
    ext = filename.rsplit(".", 1)[1].lower() if filename and "." in filename else ""
    return EXTENSION_TYPES.get(ext, DEFAULT_TYPE)


class MailAttachment(ClassInstance):
    """A 4D.MailAttachment: read-only properties, content from memory or from a file."""

    CLASS_NAME = "MailAttachment"

    def __init__(self, *, type: str, disposition: str, name: str | None = None, cid: str | None = None,
                 path: str | None = None, platform_path: str | None = None, size: float | None = None,
                 data: bytes | None = None, file: ClassInstance | None = None, part_id: str | None = None,
                 load=None):
        self.type, self.disposition, self.name, self.cid = type, disposition, name, cid
        self.path, self.platform_path, self.size = path, platform_path, size
        self._data, self._file = data, file
        # load() -> bytes: the content of a received attachment, decoded on first use (a mailbox
        # read with getMails() has many attachments nobody opens)
        self._load = load
        # The bodyStructure part this attachment came from (MAIL Convert from MIME), so converting
        # the Email object back to MIME puts it where it was; not a 4D property.
        self.part_id = part_id

    def _properties(self) -> dict:
        props = {"cid": self.cid, "disposition": self.disposition, "name": self.name, "path": self.path,
                 "platformPath": self.platform_path, "size": self.size, "type": self.type}
        return {k: v for k, v in props.items() if v is not None}

    def content(self, rt) -> bytes:
        if self._load is not None:
            self._data, self._load = self._load(), None
        if self._data is not None:
            return self._data
        data = self._file.call_function(rt, "getContent", [])
        if not isinstance(data, (bytes, bytearray)):
            raise FourDError(E.FILE_ERROR, detail=f"cannot read the attachment {self.name}")
        return bytes(data)

    def fn_getContent(self, rt):
        """getContent() -> Blob: the attachment's content (MailAttachmentClass.md)."""
        return self.content(rt)

    def __repr__(self) -> str:
        return f"<4D.MailAttachment {self.name or ''} {self.type}>"


def _bad(cmd: str, detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=cmd, detail=detail, component="MIME")


def _optional_text(cmd: str, what: str, value) -> str | None:
    if value is None or value is UNDEFINED:
        return None
    if not isinstance(value, str):
        raise _bad(cmd, f"the {what} must be a Text, got {type_name(value)}")
    return value


def _from_path(rt, cmd: str, text: str) -> ClassInstance:
    """A 4D.File for a path in the system syntax; a bare name is beside the project."""
    from ..commands.files import File4D
    if not text.strip():
        raise _bad(cmd, "the path is empty")
    native = Path(text)
    if not native.is_absolute():
        native = Path(getattr(rt, "project_dir", None) or Path.cwd()) / text
    if not native.is_file():
        # "c:\\Pictures\\4D.jpg" on a POSIX system lands here too: a clear -43, not a crash.
        raise FourDError(E.FILE_NOT_FOUND, path=text)
    return File4D(native.as_posix(), native)


def new_attachment(rt, *args, cmd: str = "MAIL New attachment") -> MailAttachment:
    """MAIL New attachment( file | zipFile | blob | path {; name {; cid {; type {; disposition}}}} )."""
    if not args:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=cmd, detail="an attachment source is required")
    if len(args) > 5:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=cmd, detail="at most 5 parameters")
    source = args[0]
    name, cid, ctype, disposition = (_optional_text(cmd, what, v) for what, v in
                                     zip(("name", "cid", "type", "disposition"), (*args[1:], *[None] * 4)))
    data = file = None
    path = platform_path = None
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        file_name = None
    elif isinstance(source, str):
        file = _from_path(rt, cmd, source)
    elif isinstance(source, ClassInstance) and source.CLASS_NAME in ("File", "ZipFile"):
        file = source
        if file.get_property("exists") is False:
            raise FourDError(E.FILE_NOT_FOUND, path=file.get_property("path"))
    else:
        raise _bad(cmd, f"expected a 4D.File, a 4D.ZipFile, a Blob or a path, got {type_name(source)}")
    if file is not None:
        path, platform_path = file.get_property("path"), file.get_property("platformPath")
        path = path if isinstance(path, str) else None
        platform_path = platform_path if isinstance(platform_path, str) else None
        file_name = file.get_property("fullName")
        file_name = file_name if isinstance(file_name, str) else os.path.basename(path or "")
    if not name:
        # mail-new-attachment.md: the file's name, or for a Blob a random name without extension
        name = file_name or uuid.uuid4().hex.upper()
    if not ctype:
        ctype = type_for(file_name if file is not None else name)
    elif not _TYPE_RE.match(ctype) or "\r" in ctype or "\n" in ctype:
        raise _bad(cmd, f"invalid content type \"{ctype}\"")
    cid = cid.strip().strip("<>").strip() if cid else None       # "" or " ": no cid (the doc)
    if not disposition:
        disposition = INLINE if cid else ATTACHMENT
    elif disposition.strip().lower() in (INLINE, ATTACHMENT):
        disposition = disposition.strip().lower()
    else:
        raise _bad(cmd, f"the disposition must be \"inline\" or \"attachment\", got \"{disposition}\"")
    return MailAttachment(type=ctype, disposition=disposition, name=name, cid=cid or None, path=path,
                          platform_path=platform_path, data=data, file=file)


def new_mail_attachment(rt, *args) -> MailAttachment:
    """4D.MailAttachment.new(...): same parameters as MAIL New attachment (MailAttachmentClass.md)."""
    return new_attachment(rt, *args, cmd="4D.MailAttachment.new()")
