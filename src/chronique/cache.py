"""The build cache: what a rebuild may reuse from the previous build.

It lives in `.chronique-cache/` beside the content folder, never in the output,
with the manifests of the output folders built from that content (see
`write`). Parse results are keyed by file path and content hash, and the
whole cache by the code version (a hash of Chronique's own source), so a
stale entry can only miss, never be wrong.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from . import __version__
from .load import read_article
from .model import Article

PACKAGE = Path(__file__).resolve().parent
ParseKey = tuple[str, str]
"""(path relative to the content folder, sha256 of the file's bytes)."""


@cache
def code_version() -> str:
    """Changes whenever Chronique's code does, so that no cache outlives the code that wrote it."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(PACKAGE.rglob("*.py")):
        digest.update(source.relative_to(PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def cache_file(folder: Path) -> Path:
    return folder / "build.pickle"


def read_parsed(folder: Path) -> dict[ParseKey, Article]:
    """The previous build's parse results; empty when missing, unreadable or written by other code."""
    try:
        with cache_file(folder).open("rb") as stream:
            data = pickle.load(stream)
        return data["parsed"] if data.get("version") == code_version() else {}
    except Exception:  # a cache is only ever a shortcut: any damage means starting afresh
        return {}


def write_parsed(folder: Path, parsed: Mapping[ParseKey, Article]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    data = {"version": code_version(), "parsed": dict(parsed)}
    temporary = cache_file(folder).with_suffix(".tmp")
    with temporary.open("wb") as stream:
        pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, cache_file(folder))


def caching_reader(
    known: Mapping[ParseKey, Article], fresh: dict[ParseKey, Article]
) -> Callable[[Path, bytes], Article]:
    """`read_article`, answered from `known` for files whose path and bytes have not changed.

    Every article read is recorded in `fresh`, which becomes the next build's `known`: entries for
    deleted or edited files drop out by themselves.
    """

    def read(relative: Path, data: bytes) -> Article:
        key = (relative.as_posix(), hashlib.sha256(data).hexdigest())
        article = known.get(key)
        if article is None:
            article = read_article(relative, data)
        fresh[key] = article
        return article

    return read
