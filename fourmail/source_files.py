"""Reading the text files a user names or a run loads: scripts, project methods, class files,
the sandbox's accounts file.

One rule for all of them: a regular file (a FIFO would block the read forever, /dev/zero would
never end it), at most MAX_SOURCE_BYTES, UTF-8 (4D writes its method files in UTF-8; a byte
order mark is allowed). Anything else is a SourceFileError naming the file and what is wrong:
a 4D error (-36, FiFo) when a running script loads the file, a one-line message on the
command line.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .runtime.errors import E, FourDError

# Far above any real method file (4D's whole documentation is a few MiB), low enough that a
# wrong file (an mbox, a disk image) is refused at once instead of parsed for minutes.
MAX_SOURCE_BYTES = 16 * 1024 * 1024


class SourceFileError(FourDError):
    def __init__(self, path, detail: str):
        super().__init__(E.FILE_ERROR, detail=f"{path}: {detail}")
        self.path, self.detail = str(path), detail


def read_source(path: str | Path, limit: int = MAX_SOURCE_BYTES) -> str:
    """The text of a UTF-8 file, or SourceFileError."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise SourceFileError(path, f"cannot read: {e.strerror or e}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise SourceFileError(path, "is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise SourceFileError(path, "is not a regular file (a device, FIFO or socket)")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise SourceFileError(path, f"cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise SourceFileError(path, f"is larger than {limit // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise SourceFileError(path, f"is not UTF-8 text (byte 0x{data[e.start]:02x} at line {line}, "
                                    f"column {col})") from None
