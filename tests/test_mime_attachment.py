"""fourmail/mail/attachment.py: MAIL New attachment and 4D.MailAttachment (mail-new-attachment.md,
MailAttachmentClass.md)."""
from __future__ import annotations

import re
import types

import pytest

from conftest import CORPUS
from fourmail.commands.files import file as File
from fourmail.mail.attachment import EXTENSION_TYPES, MailAttachment, new_attachment
from fourmail.mail.mime import email_to_mime
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import ClassInstance


@pytest.fixture
def rt(tmp_path):
    (tmp_path / "photo.JPG").write_bytes(b"\xff\xd8jpeg")
    return types.SimpleNamespace(project_dir=tmp_path)


def test_blob_defaults():
    # a Blob without a name: a random name without extension, type from the table's "other" row
    a = new_attachment(None, b"data")
    assert re.fullmatch(r"[0-9A-F]{32}", a.name) and "." not in a.name
    assert (a.type, a.disposition, a.cid, a.path) == ("application/octet-stream", "attachment", None, None)
    assert a._properties() == {"disposition": "attachment", "name": a.name, "type": "application/octet-stream"}
    assert a.call_function(None, "getContent", []) == b"data"
    assert new_attachment(None, b"x").name != a.name


def test_blob_with_a_name_takes_its_type_from_the_extension():
    assert new_attachment(None, b"x", "Annual report.docx").type == "application/octet-stream"  # not in the table
    assert new_attachment(None, b"x", "Report.PDF").type == "application/pdf"


@pytest.mark.parametrize("ext, ctype", sorted(EXTENSION_TYPES.items()))
def test_extension_table(ext, ctype):
    assert new_attachment(None, b"x", f"file.{ext}").type == ctype


def test_the_table_is_the_docs():
    doc = (CORPUS.parent / "commands" / "mail-new-attachment.md").read_text()
    rows = re.findall(r"^\|([a-z0-9, ]+)\|\s*([a-z]+/[\w.+-]+)\|$", doc, re.M)
    documented = {ext.strip(): ctype for exts, ctype in rows for ext in exts.split(",")}
    assert documented == EXTENSION_TYPES


def test_cid_and_disposition_defaults():
    # mail-new-attachment.md: disposition "inline" with a cid, else "attachment"; "" or " " = no cid
    a = new_attachment(None, b"x", "", "4D")
    assert (a.disposition, a.cid) == ("inline", "4D")
    for no_cid in ("", " "):
        a = new_attachment(None, b"x", "a.png", no_cid)
        assert (a.cid, a.disposition) == (None, "attachment") and "cid" not in a._properties()
    a = new_attachment(None, b"x", "a.png", "id1", "", "attachment")
    assert (a.cid, a.disposition) == ("id1", "attachment")
    assert new_attachment(None, b"x", "a.png", "", "video/mpeg", "INLINE").disposition == "inline"
    assert new_attachment(None, b"x", "a.png", "", "video/mpeg").type == "video/mpeg"


@pytest.mark.parametrize("args", [(b"x", "a", "", "", "somewhere"), (b"x", "a", "", "not a type"),
                                  (b"x", 12), (12,), ({"a": 1},), (b"x", "a", "b", "c/d", "inline", "extra"), ()])
def test_bad_parameters(args):
    with pytest.raises(FourDError) as e:
        new_attachment(None, *args)
    assert e.value.component in ("MIME", "4DRT")


def test_path_text(rt, tmp_path):
    a = new_attachment(rt, str(tmp_path / "photo.JPG"))
    assert (a.name, a.type, a.disposition) == ("photo.JPG", "image/jpeg", "attachment")
    assert a.path == (tmp_path / "photo.JPG").as_posix() and a.platform_path == str(tmp_path / "photo.JPG")
    # "a simple file name: 4D searches for the file in the same directory as the project file"
    b = new_attachment(rt, "photo.JPG", "shown.jpg", "pic")
    assert (b.name, b.cid, b.disposition, b.content(rt)) == ("shown.jpg", "pic", "inline", b"\xff\xd8jpeg")


@pytest.mark.parametrize("path", ["c:\\Pictures\\4D.jpg", "/no/such/file.pdf", "missing.txt"])
def test_missing_file_is_error_43(rt, path):
    with pytest.raises(FourDError) as e:
        new_attachment(rt, path)
    assert (e.value.code, e.value.component) == (-43, "FiFo") and path in e.value.message


def test_file_object(rt, tmp_path):
    f = File(rt, "/PACKAGE/photo.JPG")
    a = new_attachment(rt, f)
    assert (a.name, a.type, a.path, a.platform_path) == ("photo.JPG", "image/jpeg", "/PACKAGE/photo.JPG",
                                                         str(tmp_path / "photo.JPG"))
    with pytest.raises(FourDError) as e:
        new_attachment(rt, File(rt, "/PACKAGE/missing.png"))
    assert e.value.code == -43


def test_file_content_is_read_when_needed(rt, tmp_path):
    a = new_attachment(rt, File(rt, "/PACKAGE/photo.JPG"))
    (tmp_path / "photo.JPG").write_bytes(b"changed")
    assert a.content(rt) == b"changed"
    assert b"Y2hhbmdlZA==" in email_to_mime(rt, {"attachments": [a]})
    (tmp_path / "photo.JPG").unlink()
    with pytest.raises(FourDError) as e:
        email_to_mime(rt, {"attachments": [a]})
    assert e.value.code == -43


class FakeZipFile(ClassInstance):
    """What a 4D.ZipFile offers an attachment: a name, a path and getContent()."""

    CLASS_NAME = "ZipFile"

    def _properties(self):
        return {"fullName": "inside.json", "path": "/inside.json", "exists": True}

    def fn_getContent(self, rt):
        return b"{}"


def test_zip_file_object():
    a = new_attachment(None, FakeZipFile())
    assert (a.name, a.type, a.path, a.content(None)) == ("inside.json", "application/json", "/inside.json", b"{}")


def test_from_4d_code(run, tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"jpeg")
    r = run('''$a:=MAIL New attachment("photo.jpg";"";"img1")
ALERT($a.name+"|"+$a.type+"|"+$a.disposition+"|"+$a.cid)
$b:=4D.MailAttachment.new(File("/PACKAGE/photo.jpg");"renamed.jpg")
ALERT($b.name+"|"+$b.disposition+"|"+String(Undefined($b.cid))+"|"+$b.path+"|"+String(BLOB size($b.getContent())))
$a.name:="other"''', project_dir=tmp_path)
    assert r.lines[:2] == ["photo.jpg|image/jpeg|inline|img1", "renamed.jpg|attachment|True|/PACKAGE/photo.jpg|4"]
    assert r.error is not None and r.error.code == 62 and r.error.line == 5   # read-only properties


def test_doc_example_path_fails_with_43(run, tmp_path):
    # mail-new-attachment.md example 1 on a system without c:\Pictures\4D.jpg
    (tmp_path / "chosen.txt").write_text("hello")
    source = (CORPUS / "mail-new-attachment__01.4dm").read_text()
    r = run(source, answers=[str(tmp_path / "chosen.txt")], project_dir=tmp_path)
    if r.error is not None and r.error.component != "FiFo":
        pytest.skip(f"the example stopped before the attachment: {r.error.describe()}")
    assert r.error is not None and r.error.code == -43
    assert "c:\\Pictures\\4D.jpg" in r.error.message
    line = source.splitlines()[r.error.line - 1]
    assert "MAIL New attachment(\"c:" in line


def test_received_attachments_are_mail_attachments():
    a = MailAttachment(type="image/png", disposition="inline", cid="x", size=12.0, data=b"png")
    assert a._properties() == {"cid": "x", "disposition": "inline", "size": 12.0, "type": "image/png"}
