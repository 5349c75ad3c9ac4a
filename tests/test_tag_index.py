"""The tag index at scale (issue 14): topics first, then names by kind or by initial with jump links
and counts, tags of a single article folded away, a filter box that works as one types; tag pages
by day with the numbered pager. Unit tests on the plan, the built page, then Chromium over file://."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, expect

import test_browser
from chronique.config import SiteConfig, TaxonomyRule
from chronique.model import Article
from chronique.plan import LARGE_TAG_INDEX, Page, Sections, Summary, tag_index
from chronique.render import Theme, builtin_dir, kicker, render_pages
from chronique.text import fold
from chronique.urls import URLS
from conftest import build, write_article
from test_browser import DESKTOP, PHONE, SHOTS, Tab
from test_browser_theme import serious_violations

# The same Chromium setup as the other browser tests (one browser and one context for the module).
browser, context, tab = test_browser.browser, test_browser.context, test_browser.tab

TOPICS = ["économie", "politique", "sport", "santé"]
NAMES = ["Côte d'Ivoire", "Égypte", "Cœur-de-Lion", "Alassane Ouattara", "Macky Sall", "Abidjan", "Bamako", "Dakar",
         "Sénégal", "Ouagadougou", "Niamey", "Kinshasa", "Lomé", "Nairobi", "Zanzibar", "Yaoundé", "Tunis"]
"""Each named in several articles."""
ONCE = ["Mombasa", "Kigali", "Harare", "Gaborone", "Windhoek", "Maputo"]
"""Each named in one article only."""
ARTICLES = 40
PER_PAGE = 4
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "masakhanews-fr-dev.tsv"


def write_large_archive(root: Path, language: str = "fr") -> Path:
    """Articles with a common topic each, a topic of their own (a dossier: one article) and names
    found in their text (each said twice, as names are): more tags than a short index shows."""
    for n in range(ARTICLES):
        names = [NAMES[n % len(NAMES)], NAMES[(n * 7 + 3) % len(NAMES)]] + ([ONCE[n]] if n < len(ONCE) else [])
        body = " ".join(f"Hier, {name} a fait parler. Selon {name}, tout change." for name in names)
        day = f"2024-03-{1 + n % 28:02d}T{n % 24:02d}:00"
        tags = f"[{TOPICS[n % len(TOPICS)]}, Dossier {n:02d}]"
        write_article(root / "content", f"a{n:02d}.md", f"Dépêche {n} du jour", day, body, tags=tags,
                      source=f"Journal {n % 2}")
    (root / "site.yaml").write_text(f"language: {language}\nper_page: {PER_PAGE}\ntags:\n  min_articles: 1\n", "utf-8")
    build(root / "content", root / "site")
    return root / "site"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_large_archive(tmp_path_factory.mktemp("large-index"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def tag(name: str, count: int, origin: str = "entity", kind: str = "unknown") -> Summary:
    return Summary(name, fold(name), "", count, origin, kind)


# The plan ------------------------------------------------------------------------------------------


def test_a_short_index_shows_every_tag_at_once() -> None:
    tags = [tag("économie", 3, "explicit"), tag("Dossier", 1, "explicit"), tag("Rabat", 2), tag("Dakar", 1)]
    index = tag_index(tags)
    assert not index.large
    assert index.topics is not None and [t.name for t in index.topics.tags] == ["économie", "Dossier"]
    assert [(group.anchor, [t.name for t in group.tags], group.singles) for group in index.names] == [
        ("names", ["Rabat", "Dakar"], ())
    ]


def test_a_large_index_folds_the_tags_of_a_single_article_in_each_group_by_name() -> None:
    topics = [tag("économie", 9, "explicit"), tag("Zoo", 1, "taxonomy"), tag("Ébène", 1, "explicit")]
    names = [tag(f"Nom {n:02d}", 2 + n % 3) for n in range(LARGE_TAG_INDEX)] + [tag("Nairobi", 1), tag("Niamey", 4)]
    index = tag_index(topics + names)
    assert index.large and index.count == LARGE_TAG_INDEX + 5
    assert index.topics is not None
    assert [t.name for t in index.topics.tags] == ["économie"]
    assert [t.name for t in index.topics.singles] == ["Ébène", "Zoo"]  # by name, accents aside
    (letter_n,) = index.names
    assert (letter_n.anchor, letter_n.kind, letter_n.letter) == ("names-n", "letter", "N")
    assert [t.name for t in letter_n.tags][:3] == ["Nom 00", "Nom 01", "Nom 02"]  # the index's order is kept
    assert "Niamey" in [t.name for t in letter_n.tags]
    assert [t.name for t in letter_n.singles] == ["Nairobi"]


def test_names_go_under_their_initial_without_accents_and_those_of_no_letter_last() -> None:
    names = ["Égypte", "eau", "Œuvre", "50 Cent", "« Zorro »", "Ängelholm", "Abidjan", "Łódź", "Бишкек"]
    filler = [tag(f"Sujet {n}", 2, "explicit") for n in range(LARGE_TAG_INDEX)]
    index = tag_index(filler + [tag(name, 2) for name in names])
    assert [(group.letter, [t.name for t in group.tags]) for group in index.names] == [
        ("A", ["Ängelholm", "Abidjan"]),  # the index's order within a letter
        ("E", ["Égypte", "eau"]),
        ("O", ["Œuvre"]),
        ("Z", ["« Zorro »"]),
        ("Ł", ["Łódź"]),
        ("Б", ["Бишкек"]),
        ("#", ["50 Cent"]),
    ]
    anchors = [group.anchor for group in index.names]
    assert anchors[-1] == "names-other" and len(set(anchors)) == len(anchors)


def test_names_are_grouped_by_kind_once_kinds_are_known_the_unknown_last() -> None:
    filler = [tag(f"Sujet {n}", 2, "explicit") for n in range(LARGE_TAG_INDEX)]
    names = [tag("Dakar", 5, kind="place"), tag("Macky Sall", 3, kind="person"), tag("Truc", 2),
             tag("Abidjan", 1, kind="place"), tag("ONU", 4, kind="organisation")]
    index = tag_index(filler + names)
    assert [(group.anchor, group.kind, [t.name for t in group.tags], [t.name for t in group.singles])
            for group in index.names] == [
        ("people", "person", ["Macky Sall"], []),
        ("places", "place", ["Dakar"], ["Abidjan"]),
        ("organisations", "organisation", ["ONU"], []),
        ("other-names", "unknown", ["Truc"], []),
    ]
    assert [group.kind for group in tag_index(filler + names[:2]).names] == ["person", "place"]  # none empty


# The page --------------------------------------------------------------------------------------------


def test_the_large_index_page_has_its_groups_jump_links_counts_and_folded_singles(large: Path) -> None:
    page = soup(large / "tags.html")
    index = page.select_one("#tag-index")
    assert [section["id"] for section in index.find_all("section", recursive=False)] == ["topics", "names"]
    links = [a["href"] for a in page.select(".jump-links a")]
    assert links[0] == "#topics" and len(links) >= 3
    for href in links:  # every jump link leads to a group of the page, with its heading
        target = page.find(id=href[1:])
        assert target is not None and target.name == "section" and target.find(["h2", "h3"])
    names = [a.get_text() for a in page.select("#names a")]
    assert set(names) == set(NAMES + ONCE)  # under their initials, or their kinds once kinds are known
    for li in page.select(".group-index li"):  # tags of several articles, each with its count
        assert re.fullmatch(r"\d+ articles", li.select_one(".count").get_text())
    topics = page.select_one("#topics")
    assert sorted(a.get_text() for a in topics.select(".group-index a")) == sorted(TOPICS)
    (folded,) = topics.select("details.singles")
    singles = [a.get_text() for a in folded.select("li a")]
    assert singles == [f"Dossier {n:02d}" for n in range(ARTICLES)]
    assert folded.summary.get_text(" ", strip=True) == f"Dans un seul article ({ARTICLES})"
    once = [a.get_text() for a in page.select("#names details.singles li a")]
    assert sorted(once) == sorted(ONCE)
    assert page.select_one("#index-filter-status").get_text() == f"{len(page.select('#tag-index li'))} étiquettes"
    assert page.select_one("#index-filter-status")["aria-live"] == "polite"
    assert page.select_one("label[for=index-filter]") and page.select_one("input#index-filter")
    (script,) = page.select("script[src]")
    assert script["src"] == "static/tag-filter.js" and (large / script["src"]).is_file()


def test_the_index_speaks_the_site_language(tmp_path: Path) -> None:
    page = soup(write_large_archive(tmp_path, "en") / "tags.html")
    assert page.select_one("label[for=index-filter]").get_text() == "Filter the tags"
    assert page.select_one("#topics h2").get_text() == "Topics"
    assert page.select_one("#topics summary").get_text(" ", strip=True) == f"In a single article ({ARTICLES})"
    status = page.select_one("#index-filter-status").get_text()
    assert re.fullmatch(r"\d+ tags", status)
    box = page.select_one(".index-filter")
    assert (box["data-one"], box["data-many"]) == ("%(num)d tag", "%(num)d tags")


def render_index(tags: list[Summary], language: str = "fr") -> BeautifulSoup:
    config = SiteConfig(language=language)
    page = Page("tags.html", "tags.html", {"tags": tuple(tags), "index": tag_index(tags), "urls": URLS,
                                           "sections": Sections(tags=True, sources=False, archives=False)})
    theme = Theme((builtin_dir("templates"),), (builtin_dir("static"),))
    return BeautifulSoup(dict(render_pages([page], config, theme))["tags.html"].decode(), "html.parser")


def test_names_of_unknown_kinds_are_headed_by_initial_with_letters_in_the_jump_links() -> None:
    filler = [tag(f"Sujet {n}", 2, "explicit") for n in range(LARGE_TAG_INDEX)]
    page = render_index(filler + [tag(name, 2) for name in NAMES] + [tag(name, 1) for name in ONCE])
    letters = [a.get_text() for a in page.select(".jump-links a")]
    assert letters[0] == "Sujets" and letters[1:] == sorted(letters[1:]) and {"C", "E"} <= set(letters)
    assert [page.find(id=a["href"][1:]).h3.get_text() for a in page.select(".jump-links a")[1:]] == letters[1:]
    assert "Égypte" in page.select_one("#names-e").get_text()
    assert "Côte d'Ivoire" in page.select_one("#names-c").get_text()
    assert [a.get_text() for a in page.select("#names-k details li a")] == ["Kigali"]


def test_names_of_known_kinds_are_headed_by_kind_with_counts_in_the_jump_links() -> None:
    filler = [tag(f"Sujet {n}", 2, "explicit") for n in range(LARGE_TAG_INDEX)]
    names = [tag("Dakar", 5, kind="place"), tag("Abidjan", 1, kind="place"), tag("Macky Sall", 3, kind="person"),
             tag("Truc", 2)]
    headings_by_language = {"fr": ["Personnes", "Lieux", "Autres noms"], "en": ["People", "Places", "Other names"]}
    for language, headings in headings_by_language.items():
        page = render_index(filler + names, language)
        assert [h3.get_text() for h3 in page.select("#names h3")] == headings
        jumps = [a.get_text(" ", strip=True) for a in page.select(".jump-links a")][1:]
        assert jumps == [f"{headings[0]} 1", f"{headings[1]} 2", f"{headings[2]} 1"]
        assert [page.find(id=a["href"][1:]).h3.get_text() for a in page.select(".jump-links a")[1:]] == headings


def test_a_short_index_has_no_filter_jump_links_nor_folds(seed_site: Path) -> None:
    page = soup(seed_site / "tags.html")
    assert page.select(".group-index li") and not page.select(".index-tools, details, script[src]")
    assert [section["id"] for section in page.select("#tag-index > section")] == ["topics", "names"]


def test_tag_and_source_pages_list_articles_by_day_with_the_numbered_pager(large: Path) -> None:
    for path in ("tags/economie.html", "sources/journal-0.html"):
        page = soup(large / path)
        days = [h2.get_text() for h2 in page.select(".day .day-heading")]
        assert days and all(re.fullmatch(r"[A-Z][a-z]+ \d+(er)? mars 2024", day) for day in days)
        assert page.select(".day .article-list .h-entry .p-name a")
        numbers = [a.get_text() for a in page.select(".pager .pager-number")]
        assert numbers[0] == page.select_one(".pager [aria-current=page]").get_text() and len(numbers) >= 2
        assert page.select_one(".pager a[rel=next]")


def test_a_tag_page_heads_its_articles_with_another_tag_than_its_own(large: Path) -> None:
    kickers = [p.get_text() for p in soup(large / "tags/economie.html").select(".h-entry .kicker")]
    assert kickers and "économie" not in kickers and all(kicker.startswith("Dossier") for kicker in kickers)
    assert "économie" in [p.get_text() for p in soup(large / "sources/journal-0.html").select(".h-entry .kicker")]
    config = SiteConfig(taxonomy={"migration": TaxonomyRule(words=["migrant"])})
    news = Article(slug="a", title="A", date=date(2024, 1, 1), origin=Path("a.md"), body_html="", text="",
                   tags=("Rabat", "migration"))
    assert (kicker(news, config), kicker(news, config, "migration"), kicker(news, config, "Rabat")) == (
        "migration", "Rabat", "migration")


# In a browser ------------------------------------------------------------------------------------------


def open_index(tab: Tab, site: Path) -> None:
    tab.page.goto(site.joinpath("tags.html").as_uri())
    expect(tab.page.locator("h1")).to_be_visible()


def visible_names(tab: Tab) -> list[str]:
    return tab.page.locator("#tag-index li:visible a").all_inner_texts()


def status(tab: Tab) -> str:
    return tab.page.locator("#index-filter-status").inner_text()


def test_the_filter_finds_names_whatever_their_case_and_accents_and_announces_the_count(
    tab: Tab, large: Path
) -> None:
    open_index(tab, large)
    total = tab.page.locator("#tag-index li").count()
    assert status(tab) == f"{total} étiquettes"
    box = tab.page.get_by_label("Filtrer les étiquettes")
    box.press_sequentially("cote")
    expect(tab.page.locator("#tag-index li:visible")).to_have_count(1)
    assert visible_names(tab) == ["Côte d'Ivoire"]
    assert status(tab) == "1 étiquette"
    expect(tab.page.locator(".jump-links a:visible")).to_have_count(1)  # the other groups are hidden
    box.fill("EGYPTE")
    assert visible_names(tab) == ["Égypte"]
    box.fill(" Coeur de ")  # ligature, hyphens and spaces aside
    assert visible_names(tab) == ["Cœur-de-Lion"]
    box.fill("cote d’i")
    assert visible_names(tab) == ["Côte d'Ivoire"]
    box.fill("kigal")  # a name of a single article: its fold opens
    assert visible_names(tab) == ["Kigali"]
    assert tab.page.locator("#names details[open]").count() == 1
    box.fill("dossier 1")
    assert visible_names(tab) == [f"Dossier {n}" for n in range(10, 20)]
    assert status(tab) == "10 étiquettes"
    box.fill("xyzzy")
    assert visible_names(tab) == [] and status(tab) == "0 étiquette"
    box.fill("")
    assert len(visible_names(tab)) == total - ARTICLES - len(ONCE)  # all but the folded ones, folded again
    assert tab.page.locator("#tag-index details[open]").count() == 0
    assert status(tab) == f"{total} étiquettes"
    tab.assert_clean()


def test_a_jump_link_brings_its_group_into_view(tab: Tab, large: Path) -> None:
    open_index(tab, large)
    tab.page.set_viewport_size(PHONE)
    last = tab.page.locator(".jump-links a").last
    anchor = last.get_attribute("href")
    assert anchor is not None and anchor.startswith("#")  # a letter's group, or a kind's once kinds are known
    last.click()
    expect(tab.page).to_have_url(re.compile(r"tags\.html" + re.escape(anchor) + "$"))
    expect(tab.page.locator(f"{anchor} h3")).to_be_in_viewport()
    tab.page.set_viewport_size(DESKTOP)
    tab.assert_clean()


def test_without_javascript_the_whole_index_reads_and_the_box_is_not_shown(browser: Browser, large: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(large.joinpath("tags.html").as_uri())
    expect(page.locator(".index-filter")).to_be_hidden()
    expect(page.locator(".jump-links")).to_be_visible()
    assert page.locator("#tag-index li:visible").count() == page.locator("#tag-index .group-index li").count() > 0
    context.close()


LAYOUT_SHIFTS = """
window.__shift = 0;
new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.__shift += entry.value; })
  .observe({type: "layout-shift", buffered: true});
"""


def test_the_filter_box_causes_no_layout_shift(tab: Tab, large: Path) -> None:
    tab.page.add_init_script(LAYOUT_SHIFTS)
    for viewport in (DESKTOP, PHONE):
        tab.page.set_viewport_size(viewport)
        open_index(tab, large)
        expect(tab.page.get_by_label("Filtrer les étiquettes")).to_be_visible()
        tab.page.wait_for_load_state("load")
        tab.page.wait_for_timeout(300)
        assert tab.page.evaluate("window.__shift") == 0
    tab.page.set_viewport_size(DESKTOP)
    tab.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_the_index_and_a_tag_page(tab: Tab, large: Path, scheme: str) -> None:
    tab.page.emulate_media(color_scheme=scheme)
    found = {}
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        tab.page.set_viewport_size(viewport)
        open_index(tab, large)
        tab.page.screenshot(path=str(SHOTS / f"tag-index-{name}-{scheme}.png"))
        found[f"tags.html {name}"] = serious_violations(tab)
    tab.page.get_by_label("Filtrer les étiquettes").fill("k")
    tab.page.screenshot(path=str(SHOTS / f"tag-index-filtered-{scheme}.png"))
    found["tags.html filtered"] = serious_violations(tab)
    tab.page.goto(large.joinpath("tags/economie.html").as_uri())
    found["tags/economie.html"] = serious_violations(tab)
    tab.page.set_viewport_size(DESKTOP)
    assert {page: problems for page, problems in found.items() if problems} == {}


@pytest.fixture(scope="module")
def masakhane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """211 BBC Afrique articles (the shared development corpus), a day for every three, names of one
    article kept: an index of some 600 tags."""
    if not CORPUS.is_file():
        pytest.skip(f"{CORPUS} is missing")
    root = tmp_path_factory.mktemp("masakhane")
    csv.field_size_limit(1 << 24)
    with CORPUS.open(encoding="utf-8", newline="") as rows:
        for n, row in enumerate(csv.DictReader(rows, delimiter="\t")):
            (root / "content").mkdir(exist_ok=True)
            (root / "content" / f"a{n:04d}.md").write_text(
                f"---\ntitle: {json.dumps(row['headline'], ensure_ascii=False)}\ndate: 2024-{1 + n // 30:02d}-"
                f"{1 + n % 28:02d}\ntags: [{row['category']}]\n---\n\n{row['text']}\n", "utf-8")
    (root / "site.yaml").write_text("tags:\n  min_articles: 1\n", "utf-8")
    build(root / "content", root / "site")
    yield root / "site"


def test_a_real_archive_index_of_hundreds_of_names(tab: Tab, masakhane: Path) -> None:
    page = soup(masakhane / "tags.html")
    assert len(page.select("#tag-index li")) > 500
    assert len(page.select("#tag-index li")) > 2 * len(page.select(".group-index li"))  # mostly folded away
    open_index(tab, masakhane)
    tab.page.get_by_label("Filtrer les étiquettes").fill("cote")
    assert "Côte d'Ivoire" in visible_names(tab)
    assert all("cote" in fold(name) for name in visible_names(tab))
    assert status(tab) == f"{len(visible_names(tab))} étiquette" + ("s" if len(visible_names(tab)) > 1 else "")
    tab.assert_clean()
