"""System documents commands: Test path name, Document to text, CREATE FOLDER, DELETE DOCUMENT.

These take platform paths (the system's syntax); a relative path is relative to the database
folder, the folder of the running script (`rt.project_dir`), as it is to the structure file in
4D (document-to-text.md).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name
from .environment import project_dir
from .text import is_star

IS_A_FOLDER, IS_A_DOCUMENT = 0, 1                  # Test path name (test-path-name.md)
FILE_NOT_FOUND = -43

# Document to text without a BOM nor charSet (document-to-text.md): the system's usual set
_DEFAULT_CHARSET = "mac-roman" if sys.platform == "darwin" else "cp1252" if os.name == "nt" else "utf-8"


def native_path(rt, cmd: str, path) -> Path:
    if type(path) is not str:
        raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"a pathname (Text) was expected, got {type_name(path)}")
    if not path or "\0" in path:
        raise FourDError(E.BAD_PARAMETER, name=cmd, detail=f"invalid pathname \"{path}\"")
    p = Path(path)
    return p if p.is_absolute() else project_dir(rt) / p


def _io_error(exc: OSError, path) -> FourDError:
    if isinstance(exc, FileNotFoundError):
        return FourDError(E.FILE_NOT_FOUND, path=str(path))
    return FourDError(E.FILE_ERROR, detail=f"{exc.strerror or exc}: {path}")


def test_path_name(rt, path):
    """Test path name ( pathname ): 1 a document, 0 a folder, -43 nothing there."""
    if type(path) is str and (not path or "\0" in path):
        return FILE_NOT_FOUND
    p = native_path(rt, "Test path name", path)
    if p.is_dir():
        return IS_A_FOLDER
    if p.exists():
        return IS_A_DOCUMENT
    return FILE_NOT_FOUND


def document_to_text(rt, name, charset=UNDEFINED, mode=UNDEFINED):
    """Document to text ( fileName {; charSet {; breakMode}} ): a BOM wins over charSet; line
    breaks become the system's by default (document-to-text.md). A missing file is error -43."""
    from .blobs import codec_for, decode
    from .files import _break_mode, _line_breaks
    p = native_path(rt, "Document to text", name)
    codec = codec_for("Document to text", charset)[0] if charset is not UNDEFINED else _DEFAULT_CHARSET
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise _io_error(exc, p) from None
    return _line_breaks(decode(data, codec), _break_mode("Document to text", mode))


def create_folder(rt, path, *star):
    """CREATE FOLDER ( folderPath {; *} ): without `*` the intermediate folders must exist; with it
    they are created, and a document name ending the path is ignored (create-folder.md: a last
    name with an extension, "Doc.txt", is taken for one). An existing folder is no error."""
    p = native_path(rt, "CREATE FOLDER", path)
    recursive = bool(star) and is_star(star[0])
    if recursive and not path.endswith(os.sep) and "." in p.name.strip("."):
        p = p.parent
    try:
        p.mkdir(parents=recursive, exist_ok=True)
    except OSError as exc:
        rt.set_ok(0)
        raise _io_error(exc, p) from None
    rt.set_ok(1)


def delete_document(rt, path):
    """DELETE DOCUMENT ( document ): a missing document is error -43, a folder is no document."""
    p = native_path(rt, "DELETE DOCUMENT", path)
    if p.is_dir():
        rt.set_ok(0)
        raise FourDError(E.FILE_ERROR, detail=f"not a document: {p}")
    try:
        p.unlink()
    except OSError as exc:
        rt.set_ok(0)
        raise _io_error(exc, p) from None
    rt.set_ok(1)
