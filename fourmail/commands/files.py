"""File and Folder commands: 4D.File and 4D.Folder objects (file.md, FileClass, FolderClass).

Paths: only absolute paths are accepted. POSIX paths (the default) may start with a 4D
filesystem, resolved against the folder of the running script (`rt.project_dir`):
/PACKAGE and /PROJECT -> project_dir, /RESOURCES -> project_dir/Resources,
/DATA -> project_dir/Data, /LOGS -> project_dir/Logs. `fk platform path` takes a native path.
An object keeps its path as written (`.path`, e.g. "/PACKAGE/Mails/a.txt") and the native one
(`.platformPath`). Nothing touches the disk until a function reads or writes.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import os
import shutil
from pathlib import Path

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, ClassInstance, Date, Time, to_longint, type_name
from .text import is_star

FK_POSIX_PATH, FK_PLATFORM_PATH = 0, 1
FK_RECURSIVE, FK_IGNORE_INVISIBLE = 1, 8
FK_OVERWRITE = 4
FK_DELETE_ONLY_IF_EMPTY, FK_DELETE_WITH_CONTENTS = 0, 1

# Document line break modes (Document.md getText / setText)
DOCUMENT_UNCHANGED, DOCUMENT_NATIVE, DOCUMENT_CRLF, DOCUMENT_CR, DOCUMENT_LF = 0, 1, 2, 3, 4
_NATIVE_BREAK = "\r\n" if os.name == "nt" else "\n"

_FILESYSTEMS = {"/PACKAGE": "", "/PROJECT": "", "/RESOURCES": "Resources", "/DATA": "Data", "/LOGS": "Logs"}

# File(fileConstant): log files kept in the Logs folder (debugLogFiles.md).
_LOG_FILES = {15: "4DSMTPLog.txt", 23: "4DIMAPLog.txt"}
# Folder(folderConstant) with an associated filesystem (folder.md).
_FOLDER_CONSTANTS = {4: "/PACKAGE/", 6: "/RESOURCES/", 7: "/LOGS/", 9: "/DATA/", 10: "/DATA/"}


def _bad(cmd: str, detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=cmd, detail=detail)


def _io_error(exc: OSError, path) -> FourDError:
    if isinstance(exc, FileNotFoundError):
        return FourDError(E.FILE_NOT_FOUND, path=str(path))
    return FourDError(E.FILE_ERROR, detail=f"{exc.strerror or exc}: {path}")


def _project_dir(rt) -> Path:
    d = getattr(rt, "project_dir", None)
    return Path(d) if d is not None else Path.cwd()


def _resolve(rt, cmd: str, path, path_type: int) -> tuple[str, Path]:
    """(POSIX path as shown by .path, native path) for File/Folder arguments."""
    if type(path) is not str:
        raise _bad(cmd, f"a path (Text) was expected, got {type_name(path)}")
    if "\0" in path:                     # no file system takes it: an invalid path, said at once
        raise _bad(cmd, "a path cannot contain the character Char(0)")
    if path_type == FK_PLATFORM_PATH:
        if not os.path.isabs(path):
            raise _bad(cmd, f"only absolute paths are supported: \"{path}\"")
        native = Path(path)
        return native.as_posix(), native
    if path_type != FK_POSIX_PATH:
        raise _bad(cmd, f"unknown path type {path_type}")
    if not path.startswith("/"):
        raise _bad(cmd, f"only absolute paths are supported: \"{path}\"")
    while "//" in path:
        path = path.replace("//", "/")
    head, sep, rest = path[1:].partition("/")
    fs = "/" + head
    if fs in _FILESYSTEMS:
        root = _project_dir(rt)
        if _FILESYSTEMS[fs]:
            root = root / _FILESYSTEMS[fs]
        return path, root / rest if rest else root
    return path, Path(path)


def _stat_date_time(native: Path, creation: bool) -> tuple[Date, Time]:
    try:
        st = native.stat()
    except OSError:
        return Date(), Time(0)
    ts = getattr(st, "st_birthtime", None) if creation else None
    if ts is None:
        ts = min(st.st_ctime, st.st_mtime) if creation else st.st_mtime
    d = _dt.datetime.fromtimestamp(ts)
    return Date(d.year, d.month, d.day), Time(d.hour * 3600 + d.minute * 60 + d.second)


def _split_name(full: str) -> tuple[str, str]:
    i = full.rfind(".")
    if i <= 0:
        return full, ""
    return full[:i], full[i:]


class _Entry(ClassInstance):
    """What 4D.File and 4D.Folder share (Document.md, Directory.md)."""

    IS_FOLDER = False

    def __init__(self, path: str, native: Path):
        self._path = path
        self._native = native

    # -- properties
    def _full_name(self) -> str:
        trimmed = self._path.rstrip("/")
        if trimmed == "" or trimmed in _FILESYSTEMS:
            return self._native.name
        return trimmed.rsplit("/", 1)[-1]

    def _platform_path(self) -> str:
        p = str(self._native)
        return p + os.sep if self.IS_FOLDER and not p.endswith(os.sep) else p

    def _parent(self):
        trimmed = self._path.rstrip("/")
        if trimmed == "":
            return None                                   # the root has no parent
        if trimmed in _FILESYSTEMS:                       # "/PACKAGE" -> its real parent folder
            up = self._native.parent
            if up == self._native:
                return None
            return Folder4D(up.as_posix().rstrip("/") + "/", up)
        head = trimmed.rsplit("/", 1)[0]
        return Folder4D(head + "/", self._native.parent)

    def _properties(self) -> dict:
        full = self._full_name()
        name, ext = _split_name(full)
        cdate, ctime = _stat_date_time(self._native, True)
        mdate, mtime = _stat_date_time(self._native, False)
        props = {
            "name": name, "fullName": full, "extension": ext, "path": self._path,
            "platformPath": self._platform_path(), "exists": self._exists(),
            "isFile": not self.IS_FOLDER, "isFolder": self.IS_FOLDER,
            "isAlias": self._native.is_symlink(), "hidden": full.startswith("."),
            "isWritable": self._exists() and os.access(self._native, os.W_OK),
            "creationDate": cdate, "creationTime": ctime,
            "modificationDate": mdate, "modificationTime": mtime,
        }
        if self.IS_FOLDER:
            props["isPackage"] = False
        else:
            props["size"] = float(self._native.stat().st_size) if self._exists() else 0.0
        return props

    def get_property(self, name: str):
        if name == "parent":
            return self._parent()
        if name == "original":
            if self._native.is_symlink():
                target = self._native.resolve()
                cls = Folder4D if target.is_dir() else File4D
                return cls(target.as_posix() + ("/" if cls is Folder4D else ""), target)
            return self
        if name == "path":
            return self._path
        if name == "exists":
            return self._exists()
        return self._properties().get(name, UNDEFINED)

    def _exists(self) -> bool:
        return self._native.is_dir() if self.IS_FOLDER else self._native.is_file()

    def _dest_folder(self, fn: str, dest) -> "Folder4D":
        if not isinstance(dest, Folder4D):
            raise _bad(fn, f"a 4D.Folder was expected, got {type_name(dest)}")
        if not dest._native.is_dir():
            raise FourDError(E.FILE_NOT_FOUND, path=dest._path)
        return dest

    def __repr__(self) -> str:
        return f"<4D.{self.CLASS_NAME} {self._path}>"


class File4D(_Entry):
    """A 4D.File object (FileClass.md)."""

    CLASS_NAME = "File"

    def fn_create(self, rt):
        """Create the file (and its folders); False if it already exists (FileClass .create())."""
        if self._native.exists():
            return False
        try:
            self._native.parent.mkdir(parents=True, exist_ok=True)
            self._native.touch(exist_ok=False)
        except OSError:
            return False
        return True

    def fn_delete(self, rt):
        """Delete the file; nothing happens if it does not exist."""
        try:
            if self._native.is_file() or self._native.is_symlink():
                self._native.unlink()
        except OSError as exc:
            raise _io_error(exc, self._path) from None

    def fn_getContent(self, rt):
        """The whole content as a Blob; a missing file is error -43."""
        try:
            return self._native.read_bytes()
        except OSError as exc:
            raise _io_error(exc, self._path) from None

    def fn_getText(self, rt, charset=UNDEFINED, mode=UNDEFINED):
        """getText({charSet {; breakMode}}): UTF-8 unless a BOM says otherwise (Document.md)."""
        from .blobs import codec_for, decode
        codec = codec_for("getText", charset)[0] if charset is not UNDEFINED else "utf-8"
        mode = _break_mode("getText", mode)
        text = decode(self.fn_getContent(rt), codec)
        return _line_breaks(text, mode)

    def fn_setText(self, rt, text, charset=UNDEFINED, mode=UNDEFINED):
        """setText(text {; charSet {; breakMode}}): UTF-8 without BOM by default; with a named
        Unicode charset a BOM is written unless the name ends in "-no-bom" (FileClass .setText())."""
        from .blobs import codec_for
        if type(text) is not str:
            raise _bad("setText", f"a Text was expected, got {type_name(text)}")
        codec, bom = ("utf-8", False)
        if charset is not UNDEFINED:
            codec, bom = codec_for("setText", charset)
        mode = _break_mode("setText", mode)
        enc, mark = _UNICODE_BOMS.get(codec, (codec, b""))
        self._write((mark if bom else b"") + _line_breaks(text, mode).encode(enc, errors="replace"))

    def fn_setContent(self, rt, content):
        """Rewrite the whole file with a Blob."""
        if type(content) not in (bytes, bytearray):
            raise _bad("setContent", f"a Blob was expected, got {type_name(content)}")
        self._write(bytes(content))

    def _write(self, data: bytes):
        try:
            self._native.parent.mkdir(parents=True, exist_ok=True)
            self._native.write_bytes(data)
        except OSError as exc:
            raise _io_error(exc, self._path) from None

    def fn_copyTo(self, rt, dest, new_name=UNDEFINED, overwrite=UNDEFINED):
        """copyTo(destinationFolder {; newName}{; overwrite}) -> the copy."""
        dest = self._dest_folder("copyTo", dest)
        args = (new_name, overwrite)
        name = next((a for a in args if type(a) is str), self._full_name())
        overwrite = any(type(a) in (float, int) and to_longint(a) & FK_OVERWRITE for a in args)
        target = dest.fn_file(rt, name)
        if target._native.exists() and not overwrite:
            raise FourDError(E.FILE_ERROR, detail=f"the file already exists: {target._path}")
        try:
            shutil.copyfile(self._native, target._native)
        except OSError as exc:
            raise _io_error(exc, self._path) from None
        return target

    def fn_moveTo(self, rt, dest, new_name=UNDEFINED):
        """moveTo(destinationFolder {; newName}) -> the moved file."""
        dest = self._dest_folder("moveTo", dest)
        name = new_name if type(new_name) is str else self._full_name()
        target = dest.fn_file(rt, name)
        try:
            os.replace(self._native, target._native)
        except OSError as exc:
            raise _io_error(exc, self._path) from None
        return target

    def fn_rename(self, rt, new_name):
        """rename(newName) -> the renamed file; an existing name is an error."""
        if type(new_name) is not str or not new_name or "/" in new_name or ":" in new_name or "\0" in new_name:
            raise _bad("rename", "invalid file name")
        target = File4D(self._path.rsplit("/", 1)[0] + "/" + new_name, self._native.with_name(new_name))
        if target._native.exists():
            raise FourDError(E.FILE_ERROR, detail=f"the file already exists: {target._path}")
        try:
            self._native.rename(target._native)
        except OSError as exc:
            raise _io_error(exc, self._path) from None
        return target


_UNICODE_BOMS = {"utf-8": ("utf-8", codecs.BOM_UTF8), "utf-16": ("utf-16-le", codecs.BOM_UTF16_LE),
                 "utf-16-le": ("utf-16-le", codecs.BOM_UTF16_LE), "utf-16-be": ("utf-16-be", codecs.BOM_UTF16_BE),
                 "utf-32": ("utf-32-le", codecs.BOM_UTF32_LE), "utf-32-le": ("utf-32-le", codecs.BOM_UTF32_LE),
                 "utf-32-be": ("utf-32-be", codecs.BOM_UTF32_BE)}


def _break_mode(fn: str, mode) -> int:
    if mode is UNDEFINED:
        return DOCUMENT_NATIVE
    if type(mode) not in (float, int):
        raise _bad(fn, f"the line break mode must be a number, got {type_name(mode)}")
    return to_longint(mode)


def _line_breaks(text: str, mode: int) -> str:
    if mode == DOCUMENT_UNCHANGED:
        return text
    eol = {DOCUMENT_NATIVE: _NATIVE_BREAK, DOCUMENT_CRLF: "\r\n", DOCUMENT_CR: "\r", DOCUMENT_LF: "\n"}.get(mode)
    if eol is None:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", eol)


class Folder4D(_Entry):
    """A 4D.Folder object (FolderClass.md)."""

    CLASS_NAME = "Folder"
    IS_FOLDER = True

    def _child(self, rt, fn: str, rel, cls):
        if type(rel) is not str:
            raise _bad(fn, f"a relative path (Text) was expected, got {type_name(rel)}")
        parts = [p for p in rel.split("/") if p]
        if not parts or rel.startswith("/") or "\0" in rel:
            return None                                   # null if the path is invalid (Directory.md)
        base = self._path if self._path.endswith("/") else self._path + "/"
        path = base + "/".join(parts) + ("/" if cls is Folder4D else "")
        return cls(path, self._native.joinpath(*parts))

    def fn_file(self, rt, rel):
        """file(relativePath) -> 4D.File (null if the path is invalid)."""
        return self._child(rt, "file", rel, File4D)

    def fn_folder(self, rt, rel):
        """folder(relativePath) -> 4D.Folder (null if the path is invalid)."""
        return self._child(rt, "folder", rel, Folder4D)

    def _list(self, want_dirs: bool, options) -> list:
        opt = to_longint(options) if type(options) in (float, int) else 0
        out = []
        if not self._native.is_dir():
            return out

        def walk(folder: "Folder4D"):
            try:
                entries = sorted(os.scandir(folder._native), key=lambda e: e.name)
            except OSError:
                return
            for e in entries:
                if opt & FK_IGNORE_INVISIBLE and e.name.startswith("."):
                    continue
                is_dir = e.is_dir(follow_symlinks=False)
                if is_dir:
                    sub = folder.fn_folder(None, e.name)
                    if want_dirs:
                        out.append(sub)
                    if opt & FK_RECURSIVE:
                        walk(sub)
                elif not want_dirs:
                    out.append(folder.fn_file(None, e.name))

        walk(self)
        return out

    def fn_files(self, rt, options=0):
        """files({options}) -> collection of 4D.File (fk recursive 1, fk ignore invisible 8)."""
        return self._list(False, options)

    def fn_folders(self, rt, options=0):
        """folders({options}) -> collection of 4D.Folder."""
        return self._list(True, options)

    def fn_create(self, rt):
        """Create the folder (and its parents); False if it already exists."""
        if self._native.exists():
            return False
        try:
            self._native.mkdir(parents=True)
        except OSError:
            return False
        return True

    def fn_delete(self, rt, option=FK_DELETE_ONLY_IF_EMPTY):
        """delete({option}): fk delete only if empty (0, default) or fk delete with contents (1)."""
        if not self._native.is_dir():
            return
        mode = to_longint(option) if type(option) in (float, int) else FK_DELETE_ONLY_IF_EMPTY
        try:
            if mode == FK_DELETE_WITH_CONTENTS:
                shutil.rmtree(self._native)
            else:
                self._native.rmdir()
        except OSError as exc:
            raise _io_error(exc, self._path) from None


def _parse_args(cmd: str, args: tuple) -> tuple[object, int]:
    rest = [a for a in args if not is_star(a)]
    if not rest:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=cmd, detail="a path is required")
    path_type = rest[1] if len(rest) > 1 else FK_POSIX_PATH
    if type(path_type) not in (float, int):
        raise _bad(cmd, f"the path type must be a number, got {type_name(path_type)}")
    return rest[0], to_longint(path_type)


def file(rt, *args):
    """File ( path {; pathType}{; *} ) or File ( fileConstant {; *} ) -> 4D.File (file.md)."""
    path, path_type = _parse_args("File", args)
    if type(path) in (float, int):
        name = _LOG_FILES.get(to_longint(path))
        if name is None:
            return None
        f = File4D("/LOGS/" + name, _project_dir(rt) / "Logs" / name)
        return f if f._exists() else None            # a constant whose file does not exist: null
    display, native = _resolve(rt, "File", path, path_type)
    if display.endswith("/") and len(display) > 1:
        display = display.rstrip("/")
    return File4D(display, native)


def new_file(rt, path=UNDEFINED, path_type=FK_POSIX_PATH):
    """4D.File.new(path {; pathType}): what File() gives (FileClass.md)."""
    return file(rt, *([] if path is UNDEFINED else [path, path_type]))


def new_folder(rt, path=UNDEFINED, path_type=FK_POSIX_PATH):
    """4D.Folder.new(path {; pathType}): what Folder() gives (FolderClass.md)."""
    return folder(rt, *([] if path is UNDEFINED else [path, path_type]))


def folder(rt, *args):
    """Folder ( path {; pathType}{; *} ) or Folder ( folderConstant {; *} ) -> 4D.Folder."""
    path, path_type = _parse_args("Folder", args)
    if type(path) in (float, int):
        code = to_longint(path)
        if code in _FOLDER_CONSTANTS:
            path, path_type = _FOLDER_CONSTANTS[code], FK_POSIX_PATH
        elif code in (115, 117, 118):
            home = Path.home()
            native = {115: home / "Desktop", 117: home / "Documents", 118: home}[code]
            return Folder4D(native.as_posix().rstrip("/") + "/", native)
        else:
            return None
    display, native = _resolve(rt, "Folder", path, path_type)
    if not display.endswith("/"):
        display += "/"
    return Folder4D(display, native)
