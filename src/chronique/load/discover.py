"""Which files of the content folder are articles: the only file-system walk of the loader."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
