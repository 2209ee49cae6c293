"""commands/files.py: File and Folder objects."""
import os
import types

import pytest

from fourmail.commands import files as F
from fourmail.compiler.codegen import STAR
from fourmail.runtime.errors import FourDError
from fourmail.runtime.values import Date


@pytest.fixture
def rt(tmp_path):
    return types.SimpleNamespace(project_dir=tmp_path)


def test_filesystems_resolve_against_project_dir(rt, tmp_path):
    # /PACKAGE and /PROJECT = project_dir, /RESOURCES, /DATA, /LOGS below it (README "Using it")
    assert F.file(rt, "/PACKAGE/Mails/t.txt").get_property("platformPath") == str(tmp_path / "Mails" / "t.txt")
    assert F.file(rt, "/PROJECT/a.txt").get_property("platformPath") == str(tmp_path / "a.txt")
    assert F.file(rt, "/RESOURCES/a.txt").get_property("platformPath") == str(tmp_path / "Resources" / "a.txt")
    assert F.file(rt, "/DATA/a.txt").get_property("platformPath") == str(tmp_path / "Data" / "a.txt")
    assert F.file(rt, "/LOGS/a.txt").get_property("platformPath") == str(tmp_path / "Logs" / "a.txt")


def test_only_absolute_paths(rt):
    # file.md: "Only absolute pathnames are supported"
    with pytest.raises(FourDError):
        F.file(rt, "myCertificateFile.p12")
    with pytest.raises(FourDError):
        F.folder(rt, "relative/dir")


def test_platform_path(rt, tmp_path):
    f = F.file(rt, str(tmp_path / "x.txt"), 1)
    assert f.get_property("path") == (tmp_path / "x.txt").as_posix()
    with pytest.raises(FourDError):
        F.file(rt, "x.txt", 1)


def test_file_properties(rt):
    # Document.md: name without extension, fullName, extension starts with "."
    f = F.file(rt, "/PACKAGE/Mails/templateMail.txt", STAR)
    assert f.CLASS_NAME == "File"
    assert f.get_property("name") == "templateMail"
    assert f.get_property("fullName") == "templateMail.txt"
    assert f.get_property("extension") == ".txt"
    assert f.get_property("path") == "/PACKAGE/Mails/templateMail.txt"
    assert f.get_property("isFile") is True and f.get_property("isFolder") is False
    assert f.get_property("exists") is False and f.get_property("size") == 0.0
    assert f.get_property("creationDate") == Date()
    assert f.get_property("parent").get_property("path") == "/PACKAGE/Mails/"


def test_reading_does_not_create_anything(rt, tmp_path):
    f = F.file(rt, "/PACKAGE/Mails/missing.txt")
    with pytest.raises(FourDError) as e:
        f.call_function(rt, "getContent", [])
    assert e.value.code == -43
    with pytest.raises(FourDError):
        f.call_function(rt, "getText", [])
    f.get_property("exists")
    assert not (tmp_path / "Mails").exists()


def test_set_and_get_content(rt, tmp_path):
    f = F.file(rt, "/PACKAGE/Mails/a.bin")
    f.call_function(rt, "setContent", [b"\x00\x01abc"])
    assert (tmp_path / "Mails" / "a.bin").read_bytes() == b"\x00\x01abc"
    assert f.call_function(rt, "getContent", []) == b"\x00\x01abc"
    assert f.get_property("exists") is True and f.get_property("size") == 5.0
    assert type(f.get_property("modificationDate")) is Date


def test_set_and_get_text(rt, tmp_path):
    # FileClass .setText(): UTF-8 without BOM by default; Document.md .getText(): BOM wins
    f = F.file(rt, "/DATA/t.txt")
    f.call_function(rt, "setText", ["héllo\nworld"])
    assert (tmp_path / "Data" / "t.txt").read_bytes() == "héllo\nworld".encode()
    assert f.call_function(rt, "getText", []) == "héllo\nworld"
    f.call_function(rt, "setText", ["x", "UTF-8"])
    assert (tmp_path / "Data" / "t.txt").read_bytes() == b"\xef\xbb\xbfx"
    assert f.call_function(rt, "getText", []) == "x"
    f.call_function(rt, "setText", ["été", "ISO-8859-1"])
    assert f.call_function(rt, "getText", ["ISO-8859-1"]) == "été"
    f.call_function(rt, "setText", ["a\r\nb", "UTF-8-no-bom", 0])
    assert (tmp_path / "Data" / "t.txt").read_bytes() == b"a\r\nb"
    assert f.call_function(rt, "getText", ["UTF-8", 4]) == "a\nb"            # Document with LF
    assert f.call_function(rt, "getText", ["UTF-8", 0]) == "a\r\nb"          # Document unchanged


def test_create_and_delete_file(rt, tmp_path):
    # FileClass .create(): creates the folders; False if the file exists; .delete() ignores missing files
    f = F.file(rt, "/PACKAGE/SpecialPrefs/user.myPrefs")
    assert f.call_function(rt, "create", []) is True
    assert (tmp_path / "SpecialPrefs" / "user.myPrefs").is_file()
    assert f.call_function(rt, "create", []) is False
    f.call_function(rt, "delete", [])
    assert not (tmp_path / "SpecialPrefs" / "user.myPrefs").exists()
    f.call_function(rt, "delete", [])


def test_folder_properties_and_children(rt, tmp_path):
    d = F.folder(rt, "/PACKAGE")
    assert d.CLASS_NAME == "Folder"
    assert d.get_property("path") == "/PACKAGE/"
    assert d.get_property("isFolder") is True and d.get_property("exists") is True
    assert d.get_property("name") == tmp_path.name
    sub = d.call_function(rt, "folder", ["Archives"])
    assert sub.get_property("path") == "/PACKAGE/Archives/" and sub.get_property("exists") is False
    f = d.call_function(rt, "file", ["Archives/ReadMe.txt"])
    assert f.get_property("path") == "/PACKAGE/Archives/ReadMe.txt"
    assert d.call_function(rt, "file", ["/abs"]) is None                        # invalid path: null


def test_folder_create_list_delete(rt, tmp_path):
    d = F.folder(rt, "/DATA/box")
    assert d.call_function(rt, "create", []) is True
    assert d.call_function(rt, "create", []) is False
    (tmp_path / "Data" / "box" / "b.txt").write_text("b")
    (tmp_path / "Data" / "box" / "a.txt").write_text("a")
    (tmp_path / "Data" / "box" / ".hidden").write_text("h")
    (tmp_path / "Data" / "box" / "sub").mkdir()
    (tmp_path / "Data" / "box" / "sub" / "c.txt").write_text("c")
    names = [f.get_property("fullName") for f in d.call_function(rt, "files", [])]
    assert names == [".hidden", "a.txt", "b.txt"]
    assert [f.get_property("fullName") for f in d.call_function(rt, "files", [8])] == ["a.txt", "b.txt"]
    assert len(d.call_function(rt, "files", [1 + 8])) == 3                         # fk recursive
    assert [f.get_property("path") for f in d.call_function(rt, "folders", [])] == ["/DATA/box/sub/"]
    with pytest.raises(FourDError):
        d.call_function(rt, "delete", [])                                         # not empty
    d.call_function(rt, "delete", [1])                                            # with contents
    assert not (tmp_path / "Data" / "box").exists()


def test_file_constants(rt, tmp_path):
    # file.md: a file constant whose file does not exist gives null
    assert F.file(rt, 15) is None
    (tmp_path / "Logs").mkdir()
    (tmp_path / "Logs" / "4DSMTPLog.txt").write_text("log")
    assert F.file(rt, 15).get_property("path") == "/LOGS/4DSMTPLog.txt"
    assert F.folder(rt, 7).get_property("path") == "/LOGS/"


def test_copy_rename_move(rt, tmp_path):
    f = F.file(rt, "/PACKAGE/a.txt")
    f.call_function(rt, "setText", ["x"])
    dest = F.folder(rt, "/PACKAGE/dest")
    dest.call_function(rt, "create", [])
    copy = f.call_function(rt, "copyTo", [dest])
    assert (tmp_path / "dest" / "a.txt").read_text() == "x"
    with pytest.raises(FourDError):
        f.call_function(rt, "copyTo", [dest])                                      # already there
    f.call_function(rt, "copyTo", [dest, 4])                                       # fk overwrite
    renamed = copy.call_function(rt, "rename", ["b.txt"])
    assert renamed.get_property("path") == "/PACKAGE/dest/b.txt"
    assert os.listdir(tmp_path / "dest") == ["b.txt"]


def test_properties_are_read_only(rt):
    with pytest.raises(FourDError):
        F.file(rt, "/PACKAGE/a.txt").set_property(rt, "name", "x")
