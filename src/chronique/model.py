"""The records that pass between pipeline stages.

Every stage reads frozen records and returns new ones; nothing here is mutated
after construction, so a stage's output depends only on its inputs. They are
deeply immutable (what they hold is frozen too: tuples, `FrozenMap`s) and
hashable. They have no __slots__: the build cache unpickles tens of thousands
of them, and slotted dataclasses restore their state through a Python-level
__setstate__.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

Published = date | datetime
"""A plain date, or a date-time (naive or with an offset) when the source gives one."""

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """A mapping that cannot change, and hashes (when its values do): what a frozen record holds
    where a dict would let anyone change it. Equal to a dict of the same items; keeps their order;
    pickles as its items."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._items: dict[K, V] = dict(items)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def get(self, key: K, default: Any = None) -> Any:  # type: ignore[override]
        return self._items.get(key, default)  # in C: `plan` asks once per article

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return self._items == (other._items if isinstance(other, FrozenMap) else other)

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[tuple[tuple[K, V], ...]]]:
        return FrozenMap, (tuple(self._items.items()),)


def frozen(value: Any) -> Any:
    """`value` with every list, set and dict in it, however deep, made a tuple, frozenset or
    `FrozenMap`: what front matter gives (YAML lists and mappings) can then sit in a frozen record."""
    if isinstance(value, list | tuple):
        return tuple(map(frozen, value))
    if isinstance(value, Mapping) and not isinstance(value, FrozenMap):
        return FrozenMap((key, frozen(item)) for key, item in value.items())
    if isinstance(value, set | frozenset):
        return frozenset(map(frozen, value))
    if isinstance(value, bytearray):
        return bytes(value)
    return value


@dataclass(frozen=True)
class Source:
    """Where an article was first published."""

    name: str = ""
    url: str = ""


@dataclass(frozen=True)
class Teaser:
    """A related-article teaser as the source site printed it (often cut short)."""

    title: str
    snippet: str = ""


@dataclass(frozen=True)
class Analysis:
    """What enrich needs to know of one article on its own: its content stems with their weighted
    counts, and its runs of capitalised words (see `chronique.analysis`)."""

    language: str
    """The language the stems are of: the article's own, else the site's when it was read."""
    terms: bytes
    """The content stems of title and text, as int64 numbers (`analysis.term_id`)."""
    weights: bytes
    """The uses of each stem as float64, a title use counting more (`analysis.TITLE_WEIGHT`)."""
    title_runs: tuple[str, ...]
    text_runs: tuple[str, ...]
    """Runs of capitalised words as `analysis.capitals.find_runs` gives them."""


@dataclass(frozen=True)
class Article:
    """One archived article, whatever file shape it came from."""

    slug: str
    title: str
    date: Published
    origin: Path
    """The file it was read from, relative to the content folder."""
    body_html: str
    """Sanitised HTML of the article body."""
    text: str
    """Plain text of the body, paragraphs separated by blank lines."""
    summary: str = ""
    language: str = ""
    tags: tuple[str, ...] = ()
    source: Source = field(default_factory=Source)
    credit: str = ""
    """The credit line of a press export ("SOURCE WEB Par Atlas Info", `load.press`), as printed; empty
    for other shapes. Not the authors: it often names an agency or the source."""
    authors: tuple[str, ...] = ()
    """The people who wrote the article, from front matter (`author`, `authors`) or a saved page's
    metadata. (site.yaml's `author` is the site's own, for its feeds.)"""
    teasers: tuple[Teaser, ...] = ()
    draft: bool = False
    aliases: tuple[tuple[int, str], ...] = ()
    """(line, path) for each old URL of the article (front matter `aliases:`), as written: `plan`
    turns those that are safe into redirect pages."""
    extra_items: tuple[tuple[str, Any], ...] = ()
    """Front-matter keys Chronique does not know, kept for templates, in file order."""
    warnings: tuple[tuple[int, str], ...] = ()
    """(line, message) for what was wrong with the file but did not stop it being read (text not in
    UTF-8, say): held with the article, so that a build reusing it from the cache reports them too."""
    site_links: tuple[tuple[int, str], ...] = ()
    """(line, target) for each root-relative link of the body ("/docs/x"), which breaks from file://
    and from a sub-path: once every article's URL is known, those naming an article of the archive
    become relative links (see `load.sitelinks`), the others warnings."""
    dated_by_file: bool = False
    """The text gives no date: `date` is the file's modification time (site.yaml's `undated`)."""
    digest: str = field(default="", compare=False, repr=False)
    """sha256 of the file's bytes: with the code version, it fixes every field but slug and tags."""
    analysis: Analysis | None = field(default=None, compare=False, repr=False)
    """Worked out from title, text and language when the file is read (`chronique.analysis`); not
    compared nor fingerprinted, since those fields are."""

    def __post_init__(self) -> None:
        if self.extra_items:  # YAML's lists and mappings, which templates read but must not change
            object.__setattr__(self, "extra_items", frozen(tuple(self.extra_items)))

    def with_tags(self, tags: tuple[str, ...]) -> Article:
        """A copy with other tags.

        Not `dataclasses.replace`, which passes every field through `__init__` one by one: 0.8 µs
        a copy here against 8.7 µs (timeit, an article of the seeds; enrich tags every article of
        the archive). The copy is filled before anyone sees it, as `__init__` fills a frozen record
        (with `object.__setattr__`, here on its `__dict__` at once): every other field is the
        original's, already frozen. It needs records without __slots__, as this module's are.
        """
        copy = object.__new__(Article)
        state = copy.__dict__
        state.update(self.__dict__)
        state["tags"] = tuple(tags)
        return copy

    @property
    def extra(self) -> FrozenMap[str, Any]:
        """The front-matter keys Chronique does not know (`extra_items`), read-only."""
        return FrozenMap(self.extra_items)

    @property
    def day(self) -> date:
        """The calendar day as the source printed it (in its own time zone), for URLs and archives."""
        return self.date.date() if isinstance(self.date, datetime) else self.date

    @property
    def published(self) -> datetime:
        """The date as an aware date-time, for sorting and feeds (plain dates: midnight UTC)."""
        return as_datetime(self.date)

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """Chronological order with a full tie-break, so listings are deterministic.

        The instant in UTC: aware date-times in one time zone compare fast, while two offsets make
        each comparison work out both (sorting 10,000 articles took a quarter of a second)."""
        return (self.published.astimezone(UTC), self.slug)


def as_datetime(value: Published) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


# What must not reach a terminal as is: C0 and C1 controls (line breaks, escape sequences), the
# marks that reorder text (bidi overrides and isolates), line and paragraph separators, and lone
# surrogates (bytes of a file name that are not UTF-8), which no terminal encoding can print.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` on one line, with what a terminal would act on written as Python escapes ("\\n", "\\x1b")."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class Problem:
    """Bad input, located as `path:line: message`."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        """One line, whatever the file name or the text quoted in the message holds."""
        return printable(f"{self.path}:{self.line}: {self.message}")


class InputError(Exception):
    """Raised by readers and the config loader for input they cannot accept."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.problem = Problem(path, line, message)
        super().__init__(str(self.problem))

    def __reduce__(self) -> tuple[type[InputError], tuple[Path, int, str]]:
        # Raised in a forked renderer, it comes back pickled.
        return InputError, (self.problem.path, self.problem.line, self.problem.message)


class RelatedLink(NamedTuple):
    """One entry of an article's related list, with the parts of its score.

    A named tuple rather than a dataclass: a build makes five per article, and a tuple is made
    (and unpickled from the cache) in a fraction of the time.
    """

    slug: str
    score: float
    components: tuple[tuple[str, float], ...] = ()
    """(name, weighted value) for each of `scoring.COMPONENTS`, in that order; they add up to `score`."""


@dataclass(frozen=True)
class TeaserLink:
    """A source teaser, with the archived article it names when there is one."""

    teaser: Teaser
    slug: str | None = None


TagOrigin = Literal["explicit", "taxonomy", "entity"]
"""Where a tag comes from: an article's front matter, a site.yaml taxonomy rule, or a name found in
the text (see `config.MinArticles` for the order in which they win)."""
TagKind = Literal["person", "place", "organisation", "unknown"]
"""What a tag names, where entity extraction tells; "unknown" otherwise."""


@dataclass(frozen=True)
class TagRecord:
    """One tag of the archive, shown or not, with what a reader or a user fixing it needs to know."""

    name: str
    """The name articles show (see `enrich.tags.display_names`)."""
    key: str
    """What makes two names this tag (`enrich.tags.tag_key`)."""
    origin: TagOrigin
    kind: TagKind
    articles: int
    """The articles that show it: its page lists them all (0 when it is not shown)."""
    found_on: int
    """The articles that carry it before hiding, caps and `tags.min_articles`."""
    variants: tuple[str, ...]
    """The other names merged into it (spellings, `taxonomy:` aliases met, name variants), sorted."""
    reason: str
    """Why it is shown, or why not (hidden, too few articles, cut by a cap)."""

    @property
    def shown(self) -> bool:
        return self.articles > 0

    @property
    def topic(self) -> bool:
        """A tag chosen by the author or the taxonomy, rather than a name found in the text."""
        return self.origin != "entity"

    @property
    def index_order(self) -> tuple[bool, bool, int, str]:
        """The tag index's order: shown tags first; topics, then entities; then the most articles first."""
        return (not self.shown, not self.topic, -(self.articles or self.found_on), self.key)


@dataclass(frozen=True)
class Archive:
    """What `enrich` returns: articles with their final tags, plus side tables by slug."""

    articles: tuple[Article, ...]
    """Newest first; `tags` holds the final tag names (explicit, taxonomy and entities)."""
    related: Mapping[str, tuple[RelatedLink, ...]]
    teasers: Mapping[str, tuple[TeaserLink, ...]]
    tags: tuple[TagRecord, ...] = ()
    """Every tag articles carry, shown or not, in `TagRecord.index_order`."""

    def __post_init__(self) -> None:
        # Given as dicts: held as FrozenMaps, so that no stage can change what another reads.
        object.__setattr__(self, "articles", tuple(self.articles))
        object.__setattr__(self, "related", FrozenMap(self.related))
        object.__setattr__(self, "teasers", FrozenMap(self.teasers))
        object.__setattr__(self, "tags", tuple(self.tags))
