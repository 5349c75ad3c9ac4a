"""Opening a file that must be a regular file, the one way every part of Chronique does it.

What a path names can change between a look and an open (a file swapped for a link, a named pipe,
a device), so the check is made on what was opened. O_NONBLOCK: opening a named pipe for reading
would wait for a writer, for ever if none comes; with it the open returns at once (it changes
nothing for a regular file). O_NOFOLLOW: a symbolic link is not followed unless asked.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class NotRegular(OSError):
    """What was opened is not a regular file; `mode` says what it is."""

    def __init__(self, path: str | Path, mode: int) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))
        self.mode = mode


@contextmanager
def opened_regular(path: str | Path, follow_links: bool = False) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """`path` open for reading, with the stat of what was opened. NotRegular when that is not a
    regular file; OSError naming `path` when it cannot be opened (a link, unless `follow_links`)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow_links else os.O_NOFOLLOW)
    handle = os.open(path, flags)
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegular(path, status.st_mode)
        yield stream, status


def read_regular_file(path: str | Path, limit: int = -1, follow_links: bool = False) -> bytes:
    """The bytes of the regular file `path` (at most `limit`), as `opened_regular` opens it."""
    with opened_regular(path, follow_links) as (stream, _):
        return stream.read(limit)
