"""The build cache: what a rebuild may reuse.

It lives in `.chronique-cache/` in the project folder, never in the output,
with the manifests of the output folders built from that content (see
`write`). What each entry is keyed by follows from the declaration of a
build's inputs (see `inputs`): parse results by file path and content hash,
and the whole cache by the code version and the site language, so a stale
entry can only miss, never be wrong. They are spread
over 256 bucket files, so that adding one article rewrites one small file, not
the cache. Beside them: what each file looked like when it was read (`Seen`),
and the last enrich result with the digest of its inputs, and the search index's postings
(`search_index.SearchState`). Every file is sealed
(see `seal`): one this user's builds did not write is never loaded.
"""

from __future__ import annotations

import contextlib
import pickle
import shutil
from array import array
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from .config import SiteConfig
from .inputs import code_version, enrich_key, search_key
from .load import Loaded, ParseKey, Seen
from .model import Archive, Article, RelatedLink
from .parallel import PARALLELISM, Parallelism
from .plan import Page
from .scoring import COMPONENTS
from .seal import Seal
from .write import replace_file

if TYPE_CHECKING:
    from .search_index import SearchState

Parsed = Mapping[ParseKey, Article]


def _bucket(key: ParseKey) -> str:
    return key[1][:2]  # the content hash is uniformly spread: its first byte picks the bucket


def _buckets(parsed: Parsed) -> dict[str, dict[ParseKey, Article]]:
    buckets: dict[str, dict[ParseKey, Article]] = defaultdict(dict)
    for key, article in parsed.items():
        buckets[_bucket(key)][key] = article
    return buckets


def _folder(cache_dir: Path, language: str) -> Path:
    """Articles are analysed in the site's language unless they name theirs: it keys their cache."""
    return cache_dir / "parsed" / f"{code_version()[:16]}-{language}"


def read_parsed(
    cache_dir: Path, language: str, seal: Seal
) -> tuple[dict[ParseKey, Article], dict[str, Seen]]:
    """The parse results this code version left for a site in `language`, and what it saw of each
    file; empty when there are none or they are damaged or not sealed by `seal`."""
    parsed: dict[ParseKey, Article] = {}
    folder = _folder(cache_dir, language)
    if not seal.active or not folder.is_dir():
        return parsed, {}
    for bucket in sorted(folder.glob("*.pickle")):
        stored = _load(seal, bucket)
        if isinstance(stored, dict):  # missing or damaged: a cache is only ever a shortcut, it is re-parsed
            parsed.update(stored)
    try:
        seen = {path: Seen(*stat) for path, stat in _load(seal, folder / _SEEN).items()}
    except Exception:  # missing or damaged: every file is read again
        seen = {}
    return parsed, seen


# What a build saw of each file, beside the buckets (whose names end in .pickle).
_SEEN = "seen"


def write_parsed(
    cache_dir: Path, language: str, loaded: Loaded, previous: Parsed, seen: Mapping[str, Seen], seal: Seal
) -> None:
    """Store what `loaded` parsed and saw, rewriting only what differs from `previous` and `seen`."""
    if not seal.active:
        return
    folder = _folder(cache_dir, language)
    if not folder.is_dir():
        _start_afresh(cache_dir, folder)
        previous, seen = {}, {}
    new, old = _buckets(loaded.parsed), _buckets(previous)
    for name in sorted(new.keys() | old.keys()):
        path = folder / f"{name}.pickle"
        if name not in new:
            path.unlink(missing_ok=True)
        elif new[name].keys() != old.get(name, {}).keys() or not path.exists():
            _dump(seal, path, new[name])
    if loaded.seen != seen or not (folder / _SEEN).exists():
        _dump(seal, folder / _SEEN, {path: tuple(stat) for path, stat in loaded.seen.items()})


def compiled_templates(cache_dir: Path, seal: Seal) -> jinja2.BytecodeCache | None:
    """Where Jinja keeps the templates it has compiled (its bytecode cache), in a folder made if
    missing; None when the cache is off. One folder per code version: Jinja checks a template's
    source, not the options it was compiled with, and those are Chronique's code."""
    if not seal.active:
        return None
    folder = cache_dir / "templates" / code_version()[:16]
    if not folder.is_dir():
        _start_afresh(cache_dir, folder)
    return SealedBytecodeCache(folder, seal)


class SealedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's file bytecode cache, sealed: compiled templates are marshalled code, run as loaded."""

    def __init__(self, folder: Path, seal: Seal) -> None:
        self.folder, self.seal = folder, seal

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.seal.read(self._path(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja itself drops bytecode of another source or version

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # only ever a shortcut: a full disk is the site's writes to report
            self.seal.write(self._path(bucket), bucket.bytecode_to_string())

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"  # the key is a hex digest of the template's name


def _start_afresh(cache_dir: Path, folder: Path) -> None:
    """A new code version: drop what other versions left beside `folder` and make the folder git ignores."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        replace_file(ignore, b"*\n")
    versions = folder.parent
    for other in versions.iterdir() if versions.is_dir() else ():
        shutil.rmtree(other, ignore_errors=True)  # only ever our own folder of an older code version
    folder.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True, slots=True)
class PlannedArticles:
    """The article pages of the last build that wrote its site, as planned: the preview server
    renders an edited article into its page, with the related lists and neighbours it had, before
    the exact build (see `preview`)."""

    environment: str
    """What they were rendered with (`inputs.BuildInputs.environment`)."""
    articles: tuple[Article, ...]
    """The archive's articles, newest first."""
    pages: Mapping[str, Page]
    """By article file (see `plan.article_pages`)."""


@dataclass(slots=True)
class BuildMemory:
    """What one process keeps between its builds (the preview server's), instead of re-reading it."""

    parsed: dict[ParseKey, Article] = field(default_factory=dict)
    seen: dict[str, Seen] = field(default_factory=dict)
    language: str = ""
    """The site language `parsed` was analysed in ("": nothing read yet)."""
    enriched: tuple[str, Archive] | None = None
    planned: PlannedArticles | None = None
    searched: SearchState | None = None
    """What the last build kept of its search index (see `search_index.SearchState`)."""

    def recall(self, cache_dir: Path | None, language: str, seal: Seal) -> None:
        """Forget everything, then hold the parse results the cache folder has for a site in
        `language` (none when `cache_dir` is None: a clean build)."""
        self.parsed, self.seen = read_parsed(cache_dir, language, seal) if cache_dir else ({}, {})
        self.language, self.enriched, self.searched = language, None, None


def enrich_cached(
    articles: list[Article],
    config: SiteConfig,
    cache_dir: Path,
    memory: BuildMemory,
    seal: Seal,
    stored: bool = True,
    parallelism: Parallelism = PARALLELISM,
) -> Archive:
    """`enrich`, or the previous build's result when its inputs are the same (from `memory`, else
    from the cache folder unless `stored` is false: a clean build).

    Only what enrich adds (final tags, the two side tables and the tag records) is stored; the
    articles come from the parse results, so the stored result stays small.
    """
    key = enrich_key(articles, config)
    if memory.enriched is None and stored:
        memory.enriched = _read_enriched(cache_dir, key, articles, seal)
    if memory.enriched is not None and memory.enriched[0] == key:
        return memory.enriched[1]
    from .enrich import enrich  # numpy and scipy load only when enrich has work to do

    archive = enrich(articles, config, parallelism=parallelism)
    memory.enriched = (key, archive)
    tags = {article.slug: article.tags for article in archive.articles}
    stored_result = (code_version(), key, tags, _pack(archive.related), archive.teasers, archive.tags)
    _dump(seal, cache_dir / "enrich.pickle", stored_result)
    return archive


_SEARCH = "search.pickle"


def search_state(cache_dir: Path, config: SiteConfig, memory: BuildMemory, seal: Seal) -> SearchState | None:
    """What the last build kept of its search index (from `memory`, else from the cache folder), when
    it was made with this code and site.yaml (`inputs.search_key`); None otherwise."""
    from .search_index import SearchState  # numpy and the stemmers: only when there is work

    if memory.searched is None:
        stored = _load(seal, cache_dir / _SEARCH)
        memory.searched = stored if isinstance(stored, SearchState) else None
    state = memory.searched
    return state if state is not None and state.key == search_key(config) else None


def keep_search_state(cache_dir: Path, state: SearchState | None, memory: BuildMemory, seal: Seal) -> None:
    """Keep `state` for the next build, in `memory` and in the cache folder."""
    if state is not None and state is not memory.searched:
        _dump(seal, cache_dir / _SEARCH, state)
    memory.searched = state


# Tens of thousands of related links pickle and unpickle several times faster as plain columns.
Packed = tuple[list[str], list[int], list[str], bytes, bytes]


def _pack(related: Mapping[str, tuple[RelatedLink, ...]]) -> Packed:
    """(articles, links per article, targets, scores, components) with the floats as float64 bytes."""
    links = [link for article_links in related.values() for link in article_links]
    values = array("d", (value for link in links for _, value in link.components))
    if len(values) != len(links) * len(COMPONENTS):
        raise ValueError("related links without the standard components")
    scores = array("d", (link.score for link in links))
    return (
        list(related),
        [len(found) for found in related.values()],
        [link.slug for link in links],
        scores.tobytes(),
        values.tobytes(),
    )


def _unpack(packed: Packed) -> dict[str, tuple[RelatedLink, ...]]:
    articles, counts, targets, score_bytes, value_bytes = packed
    scores, values = array("d"), array("d")
    scores.frombytes(score_bytes)
    values.frombytes(value_bytes)
    width = len(COMPONENTS)
    flat = values.tolist()
    columns = [zip(repeat(component.name), flat[place::width]) for place, component in enumerate(COMPONENTS)]
    components = zip(*columns, strict=True)
    links = list(map(RelatedLink, targets, scores, components))
    ends = list(accumulate(counts, initial=0))
    return {slug: tuple(links[ends[number] : ends[number + 1]]) for number, slug in enumerate(articles)}


def _read_enriched(cache_dir: Path, key: str, articles: list[Article], seal: Seal) -> tuple[str, Archive] | None:
    try:
        version, stored_key, tags, packed, teasers, records = _load(seal, cache_dir / "enrich.pickle")
        if (version, stored_key) != (code_version(), key):
            return None
        related = _unpack(packed)
    except Exception:  # missing or damaged: enrich runs again
        return None
    ordered = sorted(articles, key=lambda article: article.sort_key, reverse=True)
    return key, Archive(tuple(article.with_tags(tags[article.slug]) for article in ordered), related, teasers, records)


def _dump(seal: Seal, path: Path, data: object) -> None:
    seal.write(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def _load(seal: Seal, path: Path) -> object:
    """What `_dump` stored at `path`; None when it is missing, damaged or not sealed by `seal`."""
    data = seal.read(path)
    if data is None:
        return None
    try:
        return pickle.loads(data)  # safe: sealed, so written by one of this user's builds
    except Exception:  # damaged all the same (an older class layout): as if absent
        return None
