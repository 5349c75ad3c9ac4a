"""Fingerprints of pages: a digest of everything a page is rendered from.

A page is re-rendered when its fingerprint differs from the one its file was
rendered with. The fingerprint walks the page's whole context (records,
tuples, mappings), so no page has to declare its dependencies by hand and
none can forget one; the environment digest (`inputs.BuildInputs.environment`)
covers the code, site.yaml and every template, so a template edit re-renders
everything, the honest answer when templates extend and include one another.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import PurePath
from typing import Any

from .inputs import Update
from .model import Article
from .plan import Page


def fingerprint_pages(pages: Iterable[Page], environment: str) -> dict[str, str]:
    """Output path -> fingerprint; articles and other records shared by many pages are digested once."""
    articles = _ArticleDigests()
    fingerprints = {}
    for page in pages:
        digest = hashlib.sha256(environment.encode())
        digest.update(f"\0{page.path}\0{page.template}\0".encode())
        _feed(digest.update, page.context, articles)
        fingerprints[page.path] = digest.hexdigest()
    return fingerprints


class _ArticleDigests:
    """Each article's digest, worked out once however many pages list it (by identity: the pages
    of one build share their records).

    An article read from a file is a pure function of the file's bytes (`Article.digest`) and the
    code (in the environment digest), but for the slug and tags given it later: those stand for
    it, and its body is not read again.
    """

    def __init__(self) -> None:
        self._known: dict[int, bytes] = {}
        self._records: dict[int, tuple[object, bytes]] = {}

    def one(self, article: Article) -> bytes:
        known = self._known.get(id(article))
        if known is None:
            digest = hashlib.sha256()
            if article.digest:  # repr of strings is unambiguous, and made in C
                digest.update(repr((str(article.origin), article.digest, article.slug, article.tags)).encode())
            else:
                _feed(digest.update, article, None)
            known = self._known[id(article)] = b"A" + digest.digest()
        return known

    # Speed: 12,766 pages of 10,000 articles fingerprinted in 0.19 s CPU, not 0.33 s (tags' summaries digested once).
    def record(self, value: Any) -> bytes:
        """The digest of any other record (a dataclass), also worked out once."""
        known = self._records.get(id(value))
        if known is None:
            digest = hashlib.sha256()
            _feed_fields(digest.update, value, self)
            # The record is kept with its digest, so that its id is not reused while the digests are.
            known = self._records[id(value)] = (value, b"R" + digest.digest())
        return known[1]

    def many(self, articles: Sequence[Article]) -> bytes:
        """The digests of a listing, end to end: looked up in C once every article has been seen."""
        found = list(map(self._known.get, map(id, articles)))
        if None in found:  # some seen for the first time
            return b"".join(map(self.one, articles))
        return b"".join(found)


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """The fields that make a record what it is: those it is compared by (an article's analysis is
    derived from its other fields)."""
    return tuple(field.name for field in dataclasses.fields(kind) if field.compare)


_SCALARS = (bool, int, float, date, PurePath)


@cache
def _is_record(kind: type) -> bool:
    """Whether values of `kind` are records (dataclass instances), fed field by field."""
    return dataclasses.is_dataclass(kind)


def _feed(update: Update, value: Any, articles: _ArticleDigests | None) -> None:
    """Feed a canonical byte form of `value` to `update`; type tags keep "1" and 1 apart.

    The exact types pages hold most (strings, articles, tuples, dicts) are tested first: this runs
    hundreds of thousands of times a build."""
    kind = type(value)
    if kind is str:
        encoded = value.encode("utf-8", "surrogatepass")
        update(b"s%d:" % len(encoded) + encoded)
    elif kind is Article and articles is not None:  # pages refer to many articles
        update(articles.one(value))
    elif articles is not None and _is_record(kind):  # pages share records (a tag's summary is on its articles')
        update(articles.record(value))
    elif kind is tuple or kind is list or (kind is not dict and isinstance(value, tuple | list)):
        update(b"(%d" % len(value))
        if articles is not None and value and set(map(type, value)) == {Article}:
            update(articles.many(value))  # a listing: one update
        else:
            for item in value:
                _feed(update, item, articles)
        update(b")")
    elif kind is dict or isinstance(value, Mapping):
        update(b"{%d" % len(value))
        for key, item in value.items():
            _feed(update, key, articles)
            _feed(update, item, articles)
        update(b"}")
    elif isinstance(value, str):
        _feed(update, str(value), articles)
    elif value is None or isinstance(value, _SCALARS):
        update(f"{kind.__name__}:{value!r};".encode())
    elif _is_record(kind):
        _feed_fields(update, value, articles)
    else:
        raise TypeError(f"cannot fingerprint a {kind.__name__} in a page context")


def _feed_fields(update: Update, record: Any, articles: _ArticleDigests | None) -> None:
    kind = type(record)
    update(kind.__name__.encode() + b"<")
    for name in _field_names(kind):
        _feed(update, getattr(record, name), articles)
    update(b">")
