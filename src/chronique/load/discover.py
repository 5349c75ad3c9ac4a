"""Which files of the content folder are articles, and what each is: the one walk of a build.

A build walks the content folder once (`walk_content`): the survey of its inputs digests the walk
(see `inputs`), and the loader, when the survey finds a change, reads the same walk instead of
listing and looking at every file again.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from .files import ContentFiles, NotReadable

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm"})
BACKUP_SUFFIXES = frozenset({".swp", ".bak", ".tmp"})
THEME_FOLDERS = frozenset({"templates", "static"})
"""Directly under the content folder these hold theme overrides, not articles."""
GENERATOR_FOLDERS = frozenset({"_layouts", "_includes", "_sass", "_data", "_plugins", "_site"})
"""Jekyll's templates, data and built site, wherever they are: a Jekyll site's folder builds as its
posts and pages, not as its layouts or its previous output."""


@dataclass(frozen=True, slots=True)
class Found:
    articles: tuple[str, ...]
    """Paths of candidate article files relative to the content folder, "/"-separated, in walk order
    (strings: a Path each would be a tenth of a rebuild that reads nothing new)."""
    skipped: tuple[Path, ...]
    """Relative paths ignored on purpose (a hidden folder is listed once, not its content)."""
    unreadable: tuple[tuple[Path, str], ...] = ()
    """Sub-folders that could not be listed, with the reason."""


def is_backup(name: str) -> bool:
    return (
        name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or os.path.splitext(name)[1].lower() in BACKUP_SUFFIXES
    )


def is_article_name(name: str) -> bool:
    return not name.startswith(".") and not is_backup(name) and os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES


def discover(content_dir: Path) -> Found:
    """Walk `content_dir` in sorted order; never follows symbolic links to folders (no cycles).

    Candidates are picked by name: what each is (a link, a named pipe...) is for the reader to see
    (`files.ContentFiles`), just before it reads.

    Raises OSError only when `content_dir` itself cannot be listed.
    """
    articles: list[str] = []
    skipped: list[Path] = []
    unreadable: list[tuple[Path, str]] = []

    def walk(folder: str, relative: str) -> None:
        top = not relative
        try:
            with os.scandir(folder) as entries:
                ordered = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            if top:
                raise
            unreadable.append((Path(relative), exc.strerror or str(exc)))
            return
        for entry in ordered:
            path = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith(".") or entry.name in GENERATOR_FOLDERS:
                    skipped.append(Path(path))
                elif not (top and entry.name in THEME_FOLDERS):
                    walk(entry.path, path)
            elif entry.is_symlink() and os.path.isdir(entry.path):
                skipped.append(Path(path))  # a link to a folder could loop back on the archive or leave it
            elif is_article_name(entry.name):
                articles.append(path)
            else:
                skipped.append(Path(path))

    walk(os.fspath(content_dir), "")
    return Found(tuple(articles), tuple(skipped), tuple(unreadable))


Looked = tuple[str, os.stat_result] | NotReadable | OSError
"""What `ContentFiles.look` gave for an article file: the path to open and its stat, or what it raised
(`NotReadable`, or an OSError when the file could not be looked at)."""


@dataclass(frozen=True, slots=True)
class ContentWalk:
    """The content folder as one build found it: which files are articles, and what each one is."""

    found: Found
    looked: dict[str, Looked]
    """By article path (as in `found.articles`)."""
    at_ns: int
    """When the walk began (time.time_ns): a file changed within a moment of it may change again
    unseen, within the same stat (see `load.settled`)."""
    files: ContentFiles

    def look(self, posix: str) -> tuple[str, os.stat_result]:
        """What `ContentFiles.look` gave for `posix` during the walk: raises what it raised."""
        looked = self.looked[posix]
        if isinstance(looked, NotReadable | OSError):
            raise looked
        return looked


def walk_content(content_dir: Path, follow_symlinks: bool = False) -> ContentWalk:
    """List the article files of `content_dir` (see `discover`) and look at each (see
    `ContentFiles.look`): nothing is opened. Raises OSError when `content_dir` cannot be listed."""
    at_ns = time.time_ns()
    found = discover(content_dir)
    files = ContentFiles(content_dir, follow_symlinks)
    looked: dict[str, Looked] = {}
    for posix in found.articles:
        try:
            looked[posix] = files.look(posix)
        except (NotReadable, OSError) as refusal:  # the loader reports it, the survey digests it
            looked[posix] = refusal
    return ContentWalk(found, looked, at_ns, files)
