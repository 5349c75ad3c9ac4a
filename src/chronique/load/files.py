"""Opening an article file: only a regular file inside the content folder is read.

The walk (`discover`) picks candidates by name; what a name stands for (a symbolic link, a named
pipe, a device) is looked at here, and looked at again on what was opened, since a file can be
swapped for another between the two.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..regularfile import NotRegular, opened_regular
from .limits import MAX_BYTES


class NotReadable(Exception):
    """A candidate article that is not a regular file inside the content folder; says what it is."""


def kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class ContentFiles:
    """The article files of one content folder, as they may be read: regular files that resolve
    inside the folder (symbolic links to files inside it included), and, with `follow_symlinks`,
    regular files that symbolic links lead to anywhere."""

    def __init__(self, content_dir: Path, follow_symlinks: bool = False) -> None:
        self.root = os.fspath(content_dir)
        self.real_root = os.path.realpath(content_dir)
        self.follow_symlinks = follow_symlinks

    def look(self, posix: str) -> tuple[str, os.stat_result]:
        """The path to open for the article file `posix` (relative, "/"-separated) and the stat of
        the regular file it is; raise NotReadable when it may not be read, OSError when it cannot
        be looked at. Never opens anything."""
        path = os.path.join(self.root, posix)
        status = os.lstat(path)
        if stat.S_ISLNK(status.st_mode):
            path = self._link_target(path)
            status = os.stat(path)
            if not stat.S_ISREG(status.st_mode):
                raise NotReadable(f"symbolic link to {kind(status.st_mode)}, not to an article file")
        elif not stat.S_ISREG(status.st_mode):
            raise NotReadable(f"{kind(status.st_mode)}, not an article file")
        return path, status

    def read(self, path: str) -> tuple[bytes, os.stat_result]:
        """The bytes and stat of the file `look` gave `path` for, checked on the open file itself."""
        try:
            with opened_regular(path) as (file, status):  # a link put there since `look` is not followed
                opened = _opened_path(file.fileno())
                if opened is not None and not self.follow_symlinks and not self._inside(opened):
                    raise NotReadable(f"{opened} is outside the content folder (a folder was replaced while reading)")
                # One byte more than an article may have is enough to refuse it, even if it grew since its
                # stat; asking for no more than the file holds (plus one, to see growth) keeps read() from
                # mapping a 2 MB buffer per file, which at 100,000 files exhausted the process's mappings.
                return file.read(min(status.st_size, MAX_BYTES) + 1), status
        except NotRegular as error:
            raise NotReadable(f"{kind(error.mode)}, not an article file") from None

    def _link_target(self, path: str) -> str:
        try:
            target = os.path.realpath(path, strict=True)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise NotReadable("symbolic link that loops back on itself") from None
            if error.errno == errno.ENOENT:
                raise NotReadable("symbolic link to nothing (its target does not exist)") from None
            raise
        if not self.follow_symlinks and not self._inside(target):
            raise NotReadable(f"symbolic link to {target}, outside the content folder (--follow-symlinks reads it)")
        return target

    def _inside(self, real_path: str) -> bool:
        return real_path.startswith(self.real_root.rstrip(os.sep) + os.sep)


def _opened_path(descriptor: int) -> str | None:
    """Where the file open as `descriptor` really is, when the system tells (Linux's /proc)."""
    try:
        return os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return None
