"""plan: page paths, pagination numbered from the oldest, groups."""

from datetime import date
from pathlib import Path

from chronique.config import SiteConfig
from chronique.model import Archive, Article, Source
from chronique.plan import URLS, group_by_month, group_by_source, group_by_tag, paginate, plan_site


def article(n: int, tags: tuple[str, ...] = (), source: str = "") -> Article:
    return Article(
        slug=f"a{n:03d}", title=f"Article {n}", date=date(2024, 1 + n % 12, 1 + n % 28),
        origin=Path(f"a{n}.md"), body_html="<p>x</p>", text="x", tags=tags, source=Source(name=source),
    )


def newest_first(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: a.sort_key, reverse=True)


def test_pages_are_numbered_from_the_oldest_and_the_front_is_never_short() -> None:
    items = newest_first([article(n) for n in range(23)])
    pages = paginate(items, 5)
    assert [number for number, _ in pages] == [4, 3, 2, 1]
    front = pages[0][1]
    assert len(front) == 8  # 3 newest + the full page before them
    assert front == tuple(items[:8])
    assert pages[-1][1] == tuple(items[-5:])


def test_adding_an_article_leaves_older_pages_unchanged() -> None:
    items = newest_first([article(n) for n in range(23)])
    before = dict(paginate(items[1:], 5))
    after = dict(paginate(items, 5))
    assert all(after[number] == before[number] for number in (1, 2, 3))


def test_empty_archive_has_one_empty_front_page() -> None:
    assert paginate([], 5) == [(1, ())]


def test_groups() -> None:
    items = newest_first([
        article(1, ("Maroc", "migration"), "Atlas Info"),
        article(2, ("Maroc",), "Atlas Info"),
        article(3, ("France",)),
    ])
    tags = group_by_tag(items)
    assert (tags[0].name, len(tags[0].articles)) == ("Maroc", 2)
    assert [g.slug for g in tags] == ["maroc", "france", "migration"]
    assert [(g.name, len(g.articles)) for g in group_by_source(items)] == [("Atlas Info", 2)]
    months = group_by_month(items)
    assert list(months) == sorted(months, reverse=True)


def test_site_plan_paths() -> None:
    items = tuple(newest_first([article(n, ("Maroc",), "Atlas Info") for n in range(12)]))
    archive = Archive(articles=items, related={}, teasers={})
    paths = {page.path for page in plan_site(archive, SiteConfig(per_page=5))}
    expected = {
        "index.html", "page/1.html", "tags.html", "tags/maroc.html", "tags/maroc/1.html", "tags/maroc.xml",
        "sources.html", "sources/atlas-info.html", "archives.html", "2024/index.html", "2024/01/index.html",
        "feed.xml", "search.html", "404.html",
    } | {URLS.article(a) for a in items}
    assert expected <= paths
    assert not [path for path in paths if path.startswith("search/")]  # the index is data, not pages
    assert "sitemap.xml" not in paths
    with_base = {p.path for p in plan_site(archive, SiteConfig(base_url="https://example.org"))}
    assert {"sitemap.xml", "robots.txt"} <= with_base


def test_listing_numbers_count_pages_from_the_oldest() -> None:
    items = tuple(newest_first([article(n) for n in range(12)]))
    pages = [p for p in plan_site(Archive(items, {}, {}), SiteConfig(per_page=5)) if p.template == "index.html"]
    listings = [(p.path, p.context["listing"].number) for p in pages]
    assert listings == [("index.html", 2), ("page/1.html", 1)]
    assert pages[0].context["listing"].older == "page/1.html" and pages[1].context["listing"].newer == "index.html"


def test_relative_paths_match_posixpath() -> None:
    import posixpath

    from chronique.render import relative_path

    targets = ["index.html", "tags/maroc.html", "2024/10/a.html", "2024/11/b.html", "2023/index.html", "static/s.css"]
    folders = ["", "tags", "2024", "2024/10", "2024/11", "page", "tags/maroc"]
    for target in targets:
        for folder in folders:
            assert relative_path(target, folder) == posixpath.relpath(target, folder or "."), (target, folder)
