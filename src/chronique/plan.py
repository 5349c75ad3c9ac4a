"""plan: the enriched archive -> the list of pages to produce.

Each `Page` names its output path (relative to the site root, POSIX), its
template and the records the template needs. Nothing here renders or writes,
so the whole site's shape can be inspected and tested as data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .config import SiteConfig
from .links import alias_path
from .model import Archive, Article, Problem, TagRecord
from .text import fold
from .urls import URLS, Urls, name_key, site_urls


@dataclass(frozen=True, slots=True)
class Group:
    """A tag or a source: a named set of articles with its own pages."""

    name: str
    slug: str
    articles: tuple[Article, ...]
    """Newest first."""
    url: str = ""
    """The source's own web address (sources only)."""
    origin: str = ""
    kind: str = ""
    """A tag's `TagRecord.origin` and `TagRecord.kind` (tags only)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a page shows of a tag or source besides its articles.

    Pages hold summaries, not whole groups, so that a page depends only on what it shows: an
    older listing page, which shows no count (count None), keeps its bytes when articles are added.
    """

    name: str
    slug: str
    url: str = ""
    count: int | None = None
    origin: str = ""
    """A tag's origin: "explicit" or "taxonomy" (a topic), or "entity" (a name found in the text)."""
    kind: str = ""
    """A tag's kind: "person", "place", "organisation" or "unknown"."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a paginated list of articles."""

    articles: tuple[Article, ...]
    newer: str | None
    older: str | None
    number: int
    """1 for the oldest page; the front page carries the highest number."""
    first: str | None = None
    """The front page (newest articles), when this is not it."""
    last: str | None = None
    """The oldest page, when this is not it."""
    window: tuple[tuple[int, str], ...] = ()
    """(number, path) of the pages around this one, newest first, this one included: a reader's
    numbered pagination. Only the pages near the front depend on how many pages there are, so
    adding articles still leaves older page files as they were."""


PAGER_REACH = 2
"""Pages shown on each side of the current one in a listing's numbered pagination."""


@dataclass(frozen=True, slots=True)
class Sections:
    """Which of the site-wide index pages have something to show: the header links only those, so
    that no menu entry leads to an empty page. In every page's context, as every page shows it."""

    tags: bool
    sources: bool
    archives: bool


@dataclass(frozen=True, slots=True)
class Topic:
    """A `taxonomy:` topic on the front page, with its latest articles."""

    tag: Summary
    articles: tuple[Article, ...]


TOPIC_ARTICLES = 4
"""Latest articles shown under each taxonomy topic on the front page."""


@dataclass(frozen=True, slots=True)
class TagGroup:
    """A part of the tag index under its own heading: the topics, the names of one kind, or the
    names under one letter."""

    anchor: str
    """Its id in the page, for the jump links: "topics", "names", "people", "names-b"..."""
    kind: str
    """What the template names it after: "topic", "names" (all of them), a `TagRecord.kind`
    ("unknown" for the names of no known kind), or "letter" (then `letter` is its heading)."""
    tags: tuple[Summary, ...]
    """In the index's order: the most articles first."""
    singles: tuple[Summary, ...] = ()
    """Tags of a single article, by name: folded away in a large index."""
    letter: str = ""


@dataclass(frozen=True, slots=True)
class TagIndex:
    """The tag index page: the topics, then the names found in the text; a large index (more than
    `LARGE_TAG_INDEX` tags) folds away tags of a single article, splits the names by kind when
    kinds are known (else by initial) and gets jump links and a filter box."""

    topics: TagGroup | None
    names: tuple[TagGroup, ...]
    """One group of all names, or one per kind or initial in a large index."""
    count: int
    large: bool


LARGE_TAG_INDEX = 60
"""From this many tags on, the index is large (see `TagIndex`): a short one shows every tag at once."""
NAME_KINDS = ("person", "place", "organisation", "unknown")
"""The order of the names' groups by kind; "unknown" (names of no known kind) comes last."""


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    template: str
    context: Mapping[str, Any]


ARTICLE_TEMPLATE = "article.html"


def article_pages(pages: Iterable[Page]) -> dict[str, Page]:
    """The page of each article among `pages`, by the article's file ("/"-separated, relative to
    the content folder)."""
    return {page.context["article"].origin.as_posix(): page for page in pages if page.template == ARTICLE_TEMPLATE}


def plan_site(archive: Archive, config: SiteConfig, stylesheet: str = "") -> tuple[Page, ...]:
    """Every page of the site, in a deterministic order. `stylesheet` is the theme's style.css,
    which the not-found page carries in itself (see templates/404.html)."""
    articles = archive.articles
    by_slug = {article.slug: article for article in articles}
    urls = site_urls(articles)
    tags = group_by_tag(articles, archive.tags, urls)
    sources = group_by_source(articles, urls)
    years = group_by_month(articles)

    pages: list[Page] = []
    pages += _listing_pages(urls.home, urls.home_page, "index.html", articles, config.per_page)
    pages[0] = Page(pages[0].path, pages[0].template, {**pages[0].context, "topics": front_topics(tags, config)})
    tag_summaries = {tag.name: summary(tag, count=False) for tag in tags}
    for index, article in enumerate(articles):
        newer = articles[index - 1] if index > 0 else None
        older = articles[index + 1] if index + 1 < len(articles) else None
        pages.append(_article_page(article, archive, by_slug, tag_summaries, newer, older, urls))
    tag_list = tuple(map(summary, tags))
    # `tags`, the flat list, is kept for themes whose own tags.html reads it.
    pages.append(Page(urls.tags, "tags.html", {"tags": tag_list, "index": tag_index(tag_list)}))
    for tag in tags:
        pages += _group_pages(tag, urls.tag(tag.name), urls.tag_page(tag.name), "tag.html", "tag", config)
        pages.append(Page(urls.tag_feed(tag.name), "feed.xml",
                          {"articles": tag.articles[: config.feed_size], "tag": summary(tag, count=False)}))
    pages.append(Page(urls.sources, "sources.html", {"sources": tuple(map(summary, sources))}))
    for source in sources:
        pages += _group_pages(
            source, urls.source(source.name), urls.source_page(source.name), "source.html", "source", config
        )
    counts = {year: {month: len(items) for month, items in months.items()} for year, months in years.items()}
    pages.append(Page(urls.archives, "archives.html", {"years": counts}))
    for year, months in years.items():
        pages.append(Page(urls.year(year), "year.html", {"year": year, "months": months}))
        for month, month_articles in months.items():
            pages.append(Page(urls.month(year, month), "month.html",
                              {"year": year, "month": month, "articles": month_articles}))
    pages.append(Page(urls.feed, "feed.xml", {"articles": articles[: config.feed_size], "tag": None}))
    # The search index's scripts are data, made by `search_index.build_search_index`, not pages.
    pages.append(Page(urls.search, "search.html", {}))
    # The not-found page finds the site's root in a missing address by the site's own first folders.
    top_level = sorted({page.path.split("/", 1)[0] for page in pages if "/" in page.path} | {"static", "search"})
    pages.append(Page(urls.not_found, "404.html", {"stylesheet": stylesheet, "top_level": top_level}))
    if config.base_url:
        pages.append(Page(urls.sitemap, "sitemap.xml", {
            "articles": articles,
            "tags": tuple(summary(tag, count=False) for tag in tags),
            "sources": tuple(summary(source, count=False) for source in sources),
        }))
        pages.append(Page(urls.robots, "robots.txt", {}))
    check_unique(page.path for page in pages)
    sections = Sections(tags=bool(tags), sources=bool(sources), archives=bool(years))
    # `urls` in every page's context: templates link with it, and a page's fingerprint covers it.
    return tuple(Page(page.path, page.template, {**page.context, "sections": sections, "urls": urls})
                 for page in pages)


def front_topics(tags: Sequence[Group], config: SiteConfig) -> tuple[Topic, ...]:
    """The shown `taxonomy:` topics that have articles, in site.yaml's order, with their latest ones."""
    by_key = {name_key(tag.name): tag for tag in tags}
    topics = []
    for name, rule in config.taxonomy.items():
        tag = by_key.get(name_key(name))
        if tag is not None and not rule.hide:
            topics.append(Topic(summary(tag), tag.articles[:TOPIC_ARTICLES]))
    return tuple(topics)


def tag_index(tags: Sequence[Summary]) -> TagIndex:
    """`tags` (summaries with counts, in `group_by_tag`'s order) as the tag index shows them."""
    topics = [tag for tag in tags if tag.origin != "entity"]
    names = [tag for tag in tags if tag.origin == "entity"]
    large = len(tags) > LARGE_TAG_INDEX
    if not large:
        name_groups = (TagGroup("names", "names", tuple(names)),) if names else ()
        return TagIndex(TagGroup("topics", "topic", tuple(topics)) if topics else None, name_groups, len(tags), False)
    if any(tag.kind != "unknown" for tag in names):
        parts: dict[tuple[str, str], list[Summary]] = {(kind, ""): [] for kind in NAME_KINDS}
        for tag in names:
            parts[(tag.kind if tag.kind in NAME_KINDS else "unknown", "")].append(tag)
    else:
        parts = defaultdict(list)
        for tag in sorted(names, key=lambda tag: _initial_order(tag.name)):  # stable: the index's order in a letter
            parts[("letter", initial(tag.name))].append(tag)
    name_groups = tuple(_folded(KIND_ANCHORS.get(kind) or _letter_anchor(letter), kind, members, letter)
                        for (kind, letter), members in parts.items() if members)
    return TagIndex(_folded("topics", "topic", topics) if topics else None, name_groups, len(tags), True)


KIND_ANCHORS = {"person": "people", "place": "places", "organisation": "organisations", "unknown": "other-names"}
OTHER_INITIAL = "#"
"""The heading of names that begin with no letter (digits, signs), after Z."""


def initial(name: str) -> str:
    """The letter a name is filed under in the index, without its accent ("Égypte" -> "E")."""
    first = next((character for character in fold(name) if character.isalnum()), "")
    return first.upper() if first.isalpha() else OTHER_INITIAL


def _initial_order(name: str) -> tuple[bool, str]:
    letter = initial(name)
    return letter == OTHER_INITIAL, letter


def _letter_anchor(letter: str) -> str:
    return "names-other" if letter == OTHER_INITIAL else f"names-{letter.lower()}"


def _folded(anchor: str, kind: str, tags: Sequence[Summary], letter: str = "") -> TagGroup:
    """A group of a large index, its tags of a single article apart and sorted by name."""
    singles = sorted((tag for tag in tags if tag.count == 1), key=lambda tag: (fold(tag.name), tag.name))
    return TagGroup(anchor, kind, tuple(tag for tag in tags if tag.count != 1), tuple(singles), letter)


def alias_pages(
    articles: Sequence[Article], pages: Sequence[Page], content: Path
) -> tuple[tuple[Page, ...], tuple[Problem, ...]]:
    """A redirect page at each old path of an article (`Article.aliases`), as Hugo's aliases; a
    warning at the alias's line of the article's file (under `content`) for each one that is unsafe
    (see `links.alias_path`) or would take the place of a page, of a page's folder, or of an alias
    an earlier article claims (articles in `articles` order)."""
    if not any(article.aliases for article in articles):
        return (), ()
    files = {page.path for page in pages}
    folders = {str(parent) for path in files for parent in PurePosixPath(path).parents}
    redirects: list[Page] = []
    problems: list[Problem] = []
    for article in articles:
        for line, alias in article.aliases:
            try:
                path = alias_path(alias)
            except ValueError as error:
                problems.append(Problem(content / article.origin, line, f"alias {alias!r} {error}: not written"))
                continue
            parents = {str(parent) for parent in PurePosixPath(path).parents}
            if path in files or path in folders or parents & files:
                problems.append(Problem(content / article.origin, line,
                                        f"alias {alias!r} would replace {path} of the site: not written"))
                continue
            files.add(path)
            folders.update(parents)
            redirects.append(Page(path, "alias.html", {"target": URLS.article(article), "title": article.title}))
    return tuple(redirects), tuple(problems)


class PathCollision(Exception):
    """Two outputs want the same file; all clashes are reported at once, before anything is written."""


def check_unique(paths: Iterable[str]) -> None:
    counts = Counter(paths)
    clashes = sorted(path for path, count in counts.items() if count > 1)
    if clashes:
        raise PathCollision("several pages would be written to " + ", ".join(clashes))


def _article_page(
    article: Article,
    archive: Archive,
    by_slug: Mapping[str, Article],
    tags: Mapping[str, Summary],
    newer: Article | None,
    older: Article | None,
    urls: Urls,
) -> Page:
    related = tuple(by_slug[link.slug] for link in archive.related.get(article.slug, ()) if link.slug in by_slug)
    teasers = tuple(
        (link.teaser, by_slug.get(link.slug) if link.slug else None)
        for link in archive.teasers.get(article.slug, ())
    )
    # The article's tags with their origin and kind, for its JSON-LD (`render.news_article`).
    article_tags = tuple(tags[name] for name in dict.fromkeys(article.tags) if name in tags)
    return Page(urls.article(article), ARTICLE_TEMPLATE,
                {"article": article, "related": related, "teasers": teasers, "article_tags": article_tags,
                 "newer": newer, "older": older})


def paginate(articles: Sequence[Article], per_page: int) -> list[tuple[int, tuple[Article, ...]]]:
    """Split newest-first `articles` into pages numbered from the oldest, newest page first.

    Numbering from the oldest (as Nikola's static indexes do) means adding an
    article changes only the newest pages; older page files keep their bytes.
    The front page takes the newest full page too when the newest page is
    short, so it never shows just one or two articles.
    """
    oldest_first = list(reversed(articles))
    chunks = [tuple(reversed(oldest_first[i : i + per_page])) for i in range(0, len(oldest_first), per_page)]
    if not chunks:
        return [(1, ())]
    numbered = [(number, chunk) for number, chunk in enumerate(chunks, start=1)]
    numbered.reverse()
    if len(numbered) > 1 and len(numbered[0][1]) < per_page:
        _, front = numbered[0]
        previous_number, previous = numbered[1]
        numbered[0:2] = [(previous_number, front + previous)]
    return numbered


def summary(group: Group, count: bool = True) -> Summary:
    return Summary(group.name, group.slug, group.url, len(group.articles) if count else None, group.origin, group.kind)


def _group_pages(group: Group, front: str, older: str, template: str, key: str, config: SiteConfig) -> list[Page]:
    """A tag's or source's listing pages; only the front page shows (and so depends on) the count."""
    pages = _listing_pages(front, older, template, group.articles, config.per_page)
    return [
        Page(page.path, template, {**page.context, key: summary(group, count=page.path == front)}) for page in pages
    ]


def _listing_pages(
    front_path: str, older_pattern: str, template: str, articles: Sequence[Article], per_page: int
) -> list[Page]:
    numbered = paginate(articles, per_page)
    paths = [front_path] + [older_pattern.format(n=number) for number, _ in numbered[1:]]
    pages = []
    for index, (number, chunk) in enumerate(numbered):
        around = range(max(0, index - PAGER_REACH), min(len(paths), index + PAGER_REACH + 1))
        listing = Listing(
            articles=chunk,
            newer=paths[index - 1] if index > 0 else None,
            older=paths[index + 1] if index + 1 < len(paths) else None,
            number=number,
            first=paths[0] if index > 0 else None,
            last=paths[-1] if index + 1 < len(paths) else None,
            window=tuple((numbered[at][0], paths[at]) for at in around) if len(paths) > 1 else (),
        )
        pages.append(Page(paths[index], template, {"listing": listing}))
    return pages


def group_by_tag(
    articles: Sequence[Article], records: Sequence[TagRecord] = (), urls: Urls | None = None
) -> tuple[Group, ...]:
    """One group per tag (names equal but for case, accents and spacing are one: see
    `urls.name_key`), in the tag index's order: as `records` lists them (topics, then entities, the
    most articles first: see `TagRecord.index_order`), then any tag no record describes (an archive
    `enrich` did not make: taken for a topic) by article count, then slug. `urls`: the site's
    (`urls.site_urls(articles)` when not given)."""
    urls = site_urls(articles) if urls is None else urls
    members: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    for article in articles:
        for name in dict.fromkeys(article.tags):
            key = name_key(name)
            names.setdefault(key, name)
            if not members[key] or members[key][-1] is not article:
                members[key].append(article)
    described: dict[str, tuple[int, TagRecord]] = {}
    for position, record in enumerate(records):
        described.setdefault(name_key(record.name), (position, record))
    groups = []
    for key, items in members.items():
        position, record = described.get(key, (len(records), None))
        origin, kind = (record.origin, record.kind) if record else ("explicit", "unknown")
        slug = urls.tag_slug(names[key])
        groups.append(((position, -len(items), slug), Group(names[key], slug, tuple(items), "", origin, kind)))
    return tuple(group for _, group in sorted(groups, key=lambda item: item[0]))


def group_by_source(articles: Sequence[Article], urls: Urls | None = None) -> tuple[Group, ...]:
    """Sources with at least one article (names equal but for case, accents and spacing are one),
    by slug; each shows its most frequent source URL (the first in sort order on a tie). `urls`:
    the site's (`urls.site_urls(articles)` when not given)."""
    urls = site_urls(articles) if urls is None else urls
    members: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    addresses: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        name = article.source.name
        if not name:
            continue
        key = name_key(name)
        names.setdefault(key, name)
        members[key].append(article)
        if article.source.url:
            addresses[key][article.source.url] += 1
    groups = [
        Group(names[key], urls.source_slug(names[key]), tuple(items), _most_common(addresses[key]))
        for key, items in members.items()
    ]
    return tuple(sorted(groups, key=lambda group: group.slug))


def _most_common(counter: Counter[str]) -> str:
    if not counter:
        return ""
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]


def group_by_month(articles: Sequence[Article]) -> dict[int, dict[int, tuple[Article, ...]]]:
    """year -> month -> articles, newest year and month first."""
    tree: dict[int, dict[int, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for article in articles:
        tree[article.day.year][article.day.month].append(article)
    return {
        year: {month: tuple(tree[year][month]) for month in sorted(tree[year], reverse=True)}
        for year in sorted(tree, reverse=True)
    }
