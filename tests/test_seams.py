"""The engine's seams: one slug rule and one place for URLs, test seams as parameters, deeply
immutable records."""

from __future__ import annotations

import dataclasses
import pickle
import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chronique.config import SiteConfig
from chronique.load import load_archive
from chronique.model import Archive, Article, Source
from chronique.plan import group_by_source, group_by_tag, plan_site
from conftest import build, site_problems, write_article


def article(n: int, tags: tuple[str, ...] = (), source: str = "") -> Article:
    return Article(
        slug=f"a{n:03d}", title=f"Article {n}", date=date(2024, 1 + n % 12, 1 + n % 28),
        origin=Path(f"a{n}.md"), body_html="<p>x</p>", text="x", tags=tags, source=Source(name=source),
    )


def newest_first(articles: list[Article]) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: a.sort_key, reverse=True))


def tag_pages(items: tuple[Article, ...]) -> dict[str, tuple[str, ...]]:
    """Tag name -> the slugs of the articles its front page lists, by the page's path."""
    pages = plan_site(Archive(items, {}, {}), SiteConfig())
    return {
        page.path: tuple(a.slug for a in page.context["listing"].articles)
        for page in pages if page.template == "tag.html"
    }


# ---- one slug function; tags and sources never merged by their slugs


LONG = "Commission nationale consultative des droits de l'homme et des libertés fondamentales"


def test_tags_that_share_a_slug_get_pages_of_their_own() -> None:
    # Names enrich keeps apart (see analysis.names.entity_key) that python-slugify makes one: a
    # transliteration, and long names alike in their first 80 characters.
    items = newest_first([
        article(1, ("北京", f"{LONG} du Maroc")), article(2, ("Bei Jing",)), article(3, (f"{LONG} de France", "Maroc")),
    ])
    groups = {group.name: group for group in group_by_tag(items)}
    assert len(groups) == 5
    assert len({group.slug for group in groups.values()}) == 5
    assert groups["北京"].slug == "bei-jing"  # the oldest article's tag keeps the plain slug
    assert re.fullmatch(r"bei-jing-[0-9a-f]{6}", groups["Bei Jing"].slug)
    assert groups["Maroc"].slug == "maroc"  # no collision: as before
    pages = tag_pages(items)
    assert pages["tags/bei-jing.html"] == ("a001",)
    assert pages[f"tags/{groups['Bei Jing'].slug}.html"] == ("a002",)
    assert pages[f"tags/{groups[LONG + ' de France'].slug}.html"] == ("a003",)


def test_a_newer_colliding_tag_leaves_the_older_tags_url_alone() -> None:
    before = {group.name: group.slug for group in group_by_tag(newest_first([article(1, ("Ellada",))]))}
    after = {group.name: group.slug
             for group in group_by_tag(newest_first([article(1, ("Ellada",)), article(2, ("Ελλάδα",))]))}
    assert before["Ellada"] == after["Ellada"] == "ellada"
    assert after["Ελλάδα"] != "ellada"


def test_tags_with_no_letter_usable_in_a_url_are_not_merged_nor_named_x() -> None:
    items = newest_first([article(1, ("+++",)), article(2, ("…",)), article(3, ("X",))])
    slugs = {group.name: group.slug for group in group_by_tag(items)}
    assert len(set(slugs.values())) == 3
    assert slugs["X"] == "x"
    assert all(re.fullmatch(r"[0-9a-f]{6}", slugs[name]) for name in ("+++", "…"))


def test_spellings_of_one_name_are_still_one_tag_and_one_source() -> None:
    items = newest_first([article(1, ("Égypte",), "Le Monde"), article(2, ("egypte",), "Le-Monde")])
    assert [(group.slug, len(group.articles)) for group in group_by_tag(items)] == [("egypte", 2)]
    assert [(group.slug, len(group.articles)) for group in group_by_source(items)] == [("le-monde", 2)]


def test_sources_that_share_a_slug_get_pages_of_their_own() -> None:
    items = newest_first([article(1, source="Ελλάδα Times"), article(2, source="Ellada Times")])
    slugs = sorted(group.slug for group in group_by_source(items))
    assert len(set(slugs)) == 2
    pages = {page.path for page in plan_site(Archive(items, {}, {}), SiteConfig())}
    assert {f"sources/{slug}.html" for slug in slugs} <= pages


def test_a_built_site_links_each_colliding_tag_to_its_own_page(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for n, tag in enumerate(("Ellada", "Ellada", "Ελλάδα", "Ελλάδα")):
        write_article(content, f"a{n}.md", f"Article {n}", f"2024-0{n + 1}-10", tags=f"[{tag}]", slug=f"a{n}")
    build(content, tmp_path / "site")
    shown: dict[str, set[str]] = {}
    for n in range(4):
        page = BeautifulSoup((tmp_path / f"site/2024/0{n + 1}/a{n}.html").read_text(), "html.parser")
        for link in page.select("a[rel=tag]"):
            shown.setdefault(link.text, set()).add((tmp_path / f"site/2024/0{n + 1}" / link["href"]).resolve().name)
    assert shown["Ellada"] == {"ellada.html"}
    (greek,) = shown["Ελλάδα"]
    assert greek != "ellada.html"
    listed = BeautifulSoup((tmp_path / "site/tags" / greek).read_text(), "html.parser").get_text()
    assert "Article 3" in listed and "Article 0" not in listed
    assert site_problems(content, tmp_path / "site") == []


def test_new_article_takes_the_slug_load_would_make(tmp_path: Path) -> None:
    from chronique.new import create_article

    title = "Une très longue histoire " + "de coopération " * 8 + "entre les deux rives"
    path = create_article(tmp_path / "content", title, date(2024, 3, 1))
    path.write_text(path.read_text().replace("slug:", "x-slug:").replace("draft: true", "draft: false"))
    (loaded,) = load_archive(tmp_path / "content").articles
    assert path.stem == loaded.slug


# ---- records deeply immutable, and hashable

FRONT_MATTER = """---
title: Photos
date: 2024-03-01
photos: [un.jpg, deux.jpg]
credits: {photo: [Ali, Zineb], lieu: Rabat}
---

Texte.
"""


def loaded_article(tmp_path: Path) -> Article:
    (tmp_path / "photos.md").write_text(FRONT_MATTER, "utf-8")
    (found,) = load_archive(tmp_path).articles
    return found


def test_front_matter_lists_and_mappings_cannot_be_changed_through_an_article(tmp_path: Path) -> None:
    found = loaded_article(tmp_path)
    assert found.extra["photos"] == ("un.jpg", "deux.jpg")
    with pytest.raises(AttributeError):
        found.extra["photos"].append("trois.jpg")  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        found.extra["credits"]["lieu"] = "Paris"  # type: ignore[index]
    with pytest.raises(TypeError):
        found.extra["nouveau"] = 1  # type: ignore[index]
    assert found.extra["credits"] == {"photo": ("Ali", "Zineb"), "lieu": "Rabat"}
    assert loaded_article(tmp_path) == found


def test_articles_and_archives_hash_and_pickle(tmp_path: Path) -> None:
    found = loaded_article(tmp_path)
    again = pickle.loads(pickle.dumps(found))
    assert again == found and hash(again) == hash(found)
    assert again.extra == found.extra
    archive = Archive((found,), {found.slug: ()}, {})
    assert hash(archive) == hash(pickle.loads(pickle.dumps(archive)))
    with pytest.raises(TypeError):
        archive.related["autre"] = ()  # type: ignore[index]
    assert archive.related == {found.slug: ()}


def test_with_tags_is_a_replace_that_keeps_the_original(tmp_path: Path) -> None:
    found = loaded_article(tmp_path)
    tagged = found.with_tags(["Maroc"])  # type: ignore[arg-type]
    assert tagged == dataclasses.replace(found, tags=("Maroc",))
    assert tagged.tags == ("Maroc",) and found.tags == ()
    assert hash(tagged) == hash(dataclasses.replace(found, tags=("Maroc",)))
