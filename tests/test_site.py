"""The seeds built into a whole site: links, markup contract, feeds, language, determinism."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chronique.model import InputError
from conftest import SEEDS, build, site_problems, write_article

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_PAGES = {
    "2024/10/maroc-france-vers-une-cooperation-renforcee-en-securite-migration-et-grands-evenements.html": 12,
    "2016/03/reunion-de-travail-a-paris-des-ministres-de-l-interieur-marocain-et-francais.html": 12,
    "2023/12/migration-frontex-devoile-les-prochaines-etapes-pour-une-cooperation-plus-etroite-avec-le-maroc.html": 0,
}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_internal_link_resolves_to_a_file(seed_site: Path) -> None:
    assert site_problems(seed_site.parent / "seeds", seed_site) == []


def test_the_expected_pages_exist(seed_site: Path) -> None:
    for path in [*SEED_PAGES, "index.html", "tags.html", "sources.html", "sources/atlas-info.html",
                 "archives.html", "2024/index.html", "2024/10/index.html", "2016/03/index.html", "feed.xml",
                 "search.html", "search/meta.js", "search/d/0/0.js", "404.html", "static/style.css",
                 "static/search.js"]:
        assert (seed_site / path).is_file(), path
    assert not (seed_site / "sitemap.xml").exists()  # no base_url in the seeds' site.yaml


def test_article_markup_contract(seed_site: Path) -> None:
    for path, teaser_count in SEED_PAGES.items():
        page = soup(seed_site / path)
        assert page.html["lang"] == "fr"
        entry = page.select_one("article.h-entry")
        assert entry.select_one(".p-name").get_text(strip=True)
        published = entry.select_one("time.dt-published")
        assert published["datetime"][:4] == path[:4]
        assert entry.select_one(".e-content p")
        own_address = entry.select_one(".u-url")  # a <data value>: the date is no longer a link to the page itself
        assert own_address.get("href", own_address.get("value")) == Path(path).name
        headline = entry.select_one(".p-name").get_text(strip=True).replace("\u202f", " ")  # typeset text
        assert page.find("meta", property="og:title")["content"] == headline
        ld = json.loads(page.find("script", type="application/ld+json").string)
        assert ld["@type"] == "NewsArticle" and ld["headline"] and ld["datePublished"][:4] == path[:4]
        related = page.select("nav.related a")
        assert len(related) == 2, path  # each seed links to the other two
        assert {a["href"].split("/")[-1] for a in related} == {Path(p).name for p in SEED_PAGES if p != path}
        assert len(page.select("section.teasers li")) == teaser_count
        assert page.select("a[rel=tag].p-category"), "tags are links with rel=tag"


def test_french_dates_and_strings(seed_site: Path) -> None:
    page = soup(seed_site / next(iter(SEED_PAGES)))
    assert page.select_one("time.dt-published").get_text() == "30 octobre 2024"
    assert page.select_one(".skip-link").get_text() == "Aller au contenu"
    assert "À lire aussi dans l’archive" in page.select_one("nav.related h2").get_text()


def test_listings_are_h_feeds(seed_site: Path) -> None:
    home = soup(seed_site / "index.html")
    assert home.select_one(".h-feed")
    titles = [a.get_text() for a in home.select(".h-feed .h-entry .p-name a")]
    assert len(titles) == 3
    assert titles[0].startswith("Maroc-France")  # newest first
    tags = soup(seed_site / "tags.html")
    counts = [li.select_one(".count").get_text() for li in tags.select(".group-index li")]
    numbers = [int(count.split()[0]) for count in counts]
    for section in tags.select(".group-index"):  # topics, then names: each by article count
        within = [int(li.select_one(".count").get_text().split()[0]) for li in section.select("li")]
        assert within == sorted(within, reverse=True) and within[-1] >= 1
    assert {count.split()[1] for count in counts} <= {"article", "articles"}
    assert all(count.endswith("article") == (number == 1) for count, number in zip(counts, numbers, strict=True))


def test_feeds_are_valid_atom(seed_site: Path) -> None:
    feed = ET.parse(seed_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    assert all(entry.find(f"{ATOM}id").text.startswith("urn:uuid:") for entry in entries)
    for tag_feed in (seed_site / "tags").glob("*.xml"):
        assert ET.parse(tag_feed).getroot().findall(f"{ATOM}entry")


def test_same_input_gives_byte_identical_output(seed_site: Path, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    build(tmp_path / "seeds", tmp_path / "again")
    first = {p.relative_to(seed_site): p.read_bytes() for p in seed_site.rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in (tmp_path / "again").rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []


def test_pages_rendered_half_in_a_forked_process_are_the_same(seed_site: Path, tmp_path: Path) -> None:
    """Large sites render half their pages in a child process (render.render_site): same bytes,
    and a template error there is raised here, naming the template."""
    from chronique.parallel import Parallelism

    # Forking beside threads: other tests may leave some.
    forking = Parallelism(render_from=2, fork_beside_threads=True)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    build(tmp_path / "seeds", tmp_path / "forked", parallelism=forking)
    forked = tmp_path / "forked"
    first = {p.relative_to(seed_site): p.read_bytes() for p in seed_site.rglob("*") if p.is_file()}
    assert first == {p.relative_to(forked): p.read_bytes() for p in forked.rglob("*") if p.is_file()}
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "source.html").write_text("{{ no_such_variable }}\n", "utf-8")  # in the second half
    with pytest.raises(InputError, match=r"source\.html:1: while rendering sources/"):
        build(tmp_path / "seeds", tmp_path / "broken", parallelism=forking)
    assert not (tmp_path / "broken").exists()  # what both processes had staged is gone, folders too


def test_english_site(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Hello", "2024-10-30", "Some *text*.")
    (tmp_path / "site.yaml").write_text("language: en\nbase_url: https://example.org/news\n")
    build(content, tmp_path / "site")
    page = soup(tmp_path / "site" / "2024" / "10" / "hello.html")
    assert page.html["lang"] == "en"
    assert page.select_one("time.dt-published").get_text() == "October 30, 2024"
    assert page.select_one(".skip-link").get_text() == "Skip to content"
    assert page.find("link", rel="canonical")["href"] == "https://example.org/news/2024/10/hello.html"
    sitemap = ET.parse(tmp_path / "site" / "sitemap.xml").getroot()
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/news/2024/10/hello.html" in locs
    assert "Sitemap: https://example.org/news/sitemap.xml" in (tmp_path / "site" / "robots.txt").read_text()
    assert soup(tmp_path / "site" / "tags.html").html["lang"] == "en"


def test_article_html_is_sanitised_and_titles_escaped(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "x.md", "<b>Gras</b> & co", "2024-01-02",
                  'Bonjour <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">lien</a>.')
    build(content, tmp_path / "site")
    [page] = [p for p in (tmp_path / "site" / "2024" / "01").glob("*.html") if p.name != "index.html"]
    html = page.read_text()
    assert "<script>alert" not in html and "javascript:" not in html and "onclick" not in html
    assert "&lt;b&gt;Gras&lt;/b&gt; &amp; co" in html


def test_user_templates_and_static_override_the_theme(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block main %}PERDU{% endblock %}")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "extra.css").write_text("body{}")
    build(content, tmp_path / "site")
    assert "PERDU" in (tmp_path / "site" / "404.html").read_text()
    assert (tmp_path / "site" / "static" / "extra.css").read_text() == "body{}"
    assert (tmp_path / "site" / "static" / "style.css").is_file()


def test_teaser_naming_an_archived_article_links_to_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "target.md", "Tourisme au Maroc : record 2024 et plan ambitieux pour 2025", "2024-01-10")
    (content / "press.txt").write_text(
        "Un article de presse\n\nLe paragraphe du corps de l'article.\nLe 30/10/2024\nSOURCE WEB Par Atlas Info\n"
        "Les tags en relation\nLes articles en relation\n\n"
        "Tourisme au Maroc : record 2024 et plan ambit\nDans un contexte de forte dynamique...\n\n"
        "Tourisme au Maroc : record 2023\nUn autre article...\n",
        "utf-8",
    )
    build(content, tmp_path / "site")
    page = soup(tmp_path / "site" / "2024" / "10" / "un-article-de-presse.html")
    teasers = page.select("section.teasers li")
    assert len(teasers) == 2
    assert teasers[0].select_one("a.teaser-title")["href"] == (
        "../01/tourisme-au-maroc-record-2024-et-plan-ambitieux-pour-2025.html")
    assert teasers[1].select_one("a") is None  # a near miss stays plain text
    assert site_problems(content, tmp_path / "site") == []


def test_links_resolve_on_a_paginated_multi_source_site(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for n in range(23):
        write_article(content, f"a{n:02d}.md", f"Article numéro {n}", f"20{20 + n % 4}-{1 + n % 12:02d}-0{1 + n % 9}",
                      f"Texte {n} sur la coopération.", tags=f"[Thème {n % 3}, Commun]", source=f"Journal {n % 2}")
    (tmp_path / "site.yaml").write_text("per_page: 5\nbase_url: https://example.org/\n")
    build(content, tmp_path / "site")
    site = tmp_path / "site"
    assert (site / "page" / "1.html").is_file() and (site / "tags" / "commun" / "1.html").is_file()
    assert (site / "sources" / "journal-0.html").is_file()
    assert site_problems(content, site) == []
    assert soup(site / "404.html").find("base")["href"] == "https://example.org/"
