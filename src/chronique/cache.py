"""The build cache: the parse results a rebuild may reuse.

It lives in `.chronique-cache/` beside the content folder, never in the output,
with the manifests of the output folders built from that content (see
`write`). Parse results are keyed by file path and content hash, and the
whole cache by the code version (a hash of Chronique's own source), so a
stale entry can only miss, never be wrong. They are spread over 256 bucket
files, so that adding one article rewrites one small file, not the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from . import __version__
from .load import ParseKey
from .model import Article

PACKAGE = Path(__file__).resolve().parent
Parsed = Mapping[ParseKey, Article]


@cache
def code_version() -> str:
    """Changes whenever Chronique's code does, so that no cache outlives the code that wrote it."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(PACKAGE.rglob("*.py")):
        digest.update(source.relative_to(PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _bucket(key: ParseKey) -> str:
    return key[1][:2]  # the content hash is uniformly spread: its first byte picks the bucket


def _buckets(parsed: Parsed) -> dict[str, dict[ParseKey, Article]]:
    buckets: dict[str, dict[ParseKey, Article]] = defaultdict(dict)
    for key, article in parsed.items():
        buckets[_bucket(key)][key] = article
    return buckets


def _folder(cache_dir: Path) -> Path:
    return cache_dir / "parsed" / code_version()[:16]


def read_parsed(cache_dir: Path) -> dict[ParseKey, Article]:
    """The parse results this code version left; empty when there are none or they are damaged."""
    parsed: dict[ParseKey, Article] = {}
    folder = _folder(cache_dir)
    if not folder.is_dir():
        return parsed
    for bucket in sorted(folder.glob("*.pickle")):
        try:
            with bucket.open("rb") as stream:
                parsed.update(pickle.load(stream))
        except Exception:  # a cache is only ever a shortcut: a damaged bucket is simply re-parsed
            continue
    return parsed


def write_parsed(cache_dir: Path, parsed: Parsed, previous: Parsed) -> None:
    """Store `parsed`, rewriting only the buckets whose contents differ from `previous`."""
    folder = _folder(cache_dir)
    if not folder.is_dir():
        _start_afresh(cache_dir, folder)
        previous = {}
    new, old = _buckets(parsed), _buckets(previous)
    for name in sorted(new.keys() | old.keys()):
        path = folder / f"{name}.pickle"
        if name not in new:
            path.unlink(missing_ok=True)
        elif new[name].keys() != old.get(name, {}).keys() or not path.exists():
            temporary = path.with_suffix(".tmp")
            with temporary.open("wb") as stream:
                pickle.dump(new[name], stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)


def _start_afresh(cache_dir: Path, folder: Path) -> None:
    """A new code version: drop other versions' parse results and make the folder git ignores."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    versions = cache_dir / "parsed"
    for other in versions.iterdir() if versions.is_dir() else ():
        shutil.rmtree(other, ignore_errors=True)  # only ever our own folder of an older code version
    folder.mkdir(parents=True, exist_ok=True)
