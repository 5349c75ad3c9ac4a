"""Where every page of a site lives: the one slug rule and every URL pattern, in one place.

An article's slug is made once, at load (`make_slug`, made unique across the archive there). A tag's
or a source's slug is its name's (`name_slug`), unless two tags (or two sources) of the site would
share one: the one of the oldest article keeps it, the others get a short hash of their name after
it ("c" for "C", "c-3f2a1b" for "C++"), so that no page silently merges two tags.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from slugify import slugify

from .model import Article
from .text import fold

SLUG_LENGTH = 100
"""Long enough for a full press headline (the seeds' longest is 95), short enough for any file system."""
NAME_SLUG_LENGTH = 80
"""A tag's or source's slug: names are shorter than headlines."""
HASH_LENGTH = 6
"""Hex digits of the hash that tells apart names of one slug (longer only when that is taken too)."""


def make_slug(text: str, limit: int = SLUG_LENGTH) -> str:
    """python-slugify, cut at the last word that fits ("" when `text` has no character usable in a URL).

    python-slugify's own `word_boundary` skips a long word and keeps later short ones
    ("…-plus-avec" for "…plus étroite avec…"), which is not a prefix of the title.
    """
    slug = slugify(text)
    if len(slug) <= limit:
        return slug
    head = slug[: limit + 1]
    return (head.rsplit("-", 1)[0] if "-" in head else slug[:limit]).strip("-")


_WORDS = re.compile(r"[^\W_]+")


@cache
def name_key(name: str) -> str:
    """What makes two tag or source names one, as for `enrich` (see `analysis.names.entity_key`):
    case, accents and punctuation aside ("Côte-d'Ivoire" = "cote d ivoire"); a name of signs only
    is its own key ("+++")."""
    folded = fold(name)
    return " ".join(_WORDS.findall(folded)) or " ".join(folded.split())


def _hash(key: str, length: int = HASH_LENGTH) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:length]


@cache
def name_slug(name: str) -> str:
    """A tag's or source's slug when no other name of the site shares it: its `make_slug`, or a
    hash of its `name_key` when that is empty ("+++", "…")."""
    return make_slug(name, NAME_SLUG_LENGTH) or _hash(name_key(name))


def slugs_of_names(names: Iterable[str]) -> dict[str, str]:
    """`name_key` -> slug for every name, distinct keys getting distinct slugs: of the names that
    share a `name_slug`, the first in `names` keeps it and the others get their key's hash after it."""
    by_key: dict[str, str] = {}
    for name in dict.fromkeys(names):
        by_key.setdefault(name_key(name), name)
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    contested: list[tuple[str, str]] = []
    for key, name in by_key.items():
        slug = name_slug(name)
        if slug in taken:
            contested.append((key, slug))
        else:
            taken.add(slug)
            slugs[key] = slug
    for key, slug in contested:  # after every plain slug is taken, so that none is given twice
        length = HASH_LENGTH
        while (candidate := f"{slug}-{_hash(key, length)}") in taken:
            length += 2
        taken.add(candidate)
        slugs[key] = candidate
    return slugs


@dataclass(frozen=True, slots=True)
class Urls:
    """Where each kind of page lives, relative to the site root.

    `tag_slugs` and `source_slugs` hold (`name_key`, slug) only for the names whose slug is not
    their `name_slug` (see `site_urls`): usually none. They are in every page's context (see
    `plan.plan_site`), so that a page is rendered again when one of its links changes."""

    tag_slugs: tuple[tuple[str, str], ...] = ()
    source_slugs: tuple[tuple[str, str], ...] = ()
    _tags: Mapping[str, str] = field(init=False, compare=False, repr=False)
    _sources: Mapping[str, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tags", dict(self.tag_slugs))
        object.__setattr__(self, "_sources", dict(self.source_slugs))

    def tag_slug(self, name: str) -> str:
        return _slug_in(self._tags, name)

    def source_slug(self, name: str) -> str:
        return _slug_in(self._sources, name)

    def article(self, article: Article) -> str:
        return f"{article.day.year:04d}/{article.day.month:02d}/{article.slug}.html"  # strftime: "1/01" for year 1

    def tag(self, name: str) -> str:
        return f"tags/{self.tag_slug(name)}.html"

    def tag_page(self, name: str) -> str:
        """An older page of a tag's listing, as a pattern with "{n}" for its number."""
        return f"tags/{self.tag_slug(name)}/{{n}}.html"

    def tag_feed(self, name: str) -> str:
        return f"tags/{self.tag_slug(name)}.xml"

    def source(self, name: str) -> str:
        return f"sources/{self.source_slug(name)}.html"

    def source_page(self, name: str) -> str:
        return f"sources/{self.source_slug(name)}/{{n}}.html"

    def year(self, year: int) -> str:
        return f"{year:04d}/index.html"

    def month(self, year: int, month: int) -> str:
        return f"{year:04d}/{month:02d}/index.html"

    # The site-wide pages.
    home = "index.html"
    home_page = "page/{n}.html"
    """An older page of the front listing, as a pattern with "{n}" for its number."""
    tags = "tags.html"
    sources = "sources.html"
    archives = "archives.html"
    feed = "feed.xml"
    search = "search.html"
    not_found = "404.html"
    sitemap = "sitemap.xml"
    robots = "robots.txt"


def _slug_in(exceptions: Mapping[str, str], name: str) -> str:
    found = exceptions.get(name_key(name)) if exceptions else None
    return found or name_slug(name)


def site_urls(articles: Sequence[Article]) -> Urls:
    """The URLs of a site of `articles` (newest first): a contested tag or source slug goes to the
    name of the oldest article (as `load.number_contested_slugs` gives a contested article slug to the
    earlier one), so that adding articles leaves the URLs of older tags as they were."""
    oldest_first = articles[::-1]
    tags = dict.fromkeys(name for article in oldest_first for name in article.tags)
    sources = dict.fromkeys(article.source.name for article in oldest_first if article.source.name)
    return Urls(_exceptions(tags), _exceptions(sources))


def _exceptions(names: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(key, slug) of `slugs_of_names` for the keys that some name of `names` would not find as its
    own `name_slug`: the contested ones, and those spelled two ways that slugify apart."""
    names = tuple(names)
    slugs = slugs_of_names(names)
    odd = {name_key(name) for name in names if name_slug(name) != slugs[name_key(name)]}
    return tuple((key, slugs[key]) for key in sorted(odd))


URLS = Urls()
"""The URLs of a site where no two tags or sources share a slug. An article's URL is the same in
every site's `Urls` (only tag and source slugs depend on the site): the search index, alias
redirects and links between articles use this one; templates get the site's own (`plan_site`)."""
