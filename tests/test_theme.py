"""The news theme (issue 14) without a browser: French typography, the page context it needs
(numbered pagination, sections, topics, previous and next), what its pages show and the 404 page."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chronique.config import SiteConfig
from chronique.i18n import language
from chronique.model import Archive, Article, Source
from chronique.plan import plan_site
from chronique.render import credit_lines, kicker, standfirst
from chronique.server import Broadcaster, make_server
from chronique.typography import typeset_html, typeset_page
from conftest import build, write_article
from test_serve import raw_request

NNBSP = "\u202f"
STATIC = Path(__file__).resolve().parents[1] / "static"


# French typography -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("djihadistes ? Oui !", "djihadistes_? Oui_!"),
        ("djihadistes? Non!", "djihadistes_? Non_!"),  # none typed: one goes in
        ("sardines; puis", "sardines; puis"),  # not before a ";" typed tight, which may end "&amp;"
        ("trois axes majeurs : sécurité ; migration", "trois axes majeurs_: sécurité_; migration"),
        ("le «scoring» et « la route »", "le «_scoring_» et «_la route_»"),
        ("Quoi ?!", "Quoi_?!"),
        ("Classement Fifa 2019: le Sénégal", "Classement Fifa 2019_: le Sénégal"),
        ("<p>Une <em>question</em> ?</p>", "<p>Une <em>question</em>_?</p>"),
    ],
)
def test_french_spacing_before_high_punctuation_and_inside_guillemets(html: str, expected: str) -> None:
    assert typeset_html(html).replace(NNBSP, "_") == expected


@pytest.mark.parametrize(
    "html",
    [
        "Rendez-vous à 10:30, puis 18:45.",  # times
        "Score 3:1 et ratio 16:9",
        "Voir https://example.org/a?b=1&amp;c=2:3 et http://x.org/?q",  # URLs
        "www.example.org/index.php?id=7",
        "Écrire à redaction@example.org",
        "l&#39;Intérieur &amp; co",  # character references keep their ";"
        "<code>a ? b : c;</code>",
        "<pre>x = y ? 1 : 2; « brut »</pre>",
        "<pre><code>if (a) { b; }</code></pre>",
        "<script>var a = b ? c : d;</script>",
        '<a href="page.html?x=1" title="Quoi ?" data-x="« a »">',  # attributes
    ],
)
def test_urls_times_references_code_and_attributes_are_left_alone(html: str) -> None:
    assert typeset_html(html) == html


def test_text_after_code_is_typeset_again() -> None:
    assert typeset_html("<pre>a ? b</pre> Et ensuite ?") == f"<pre>a ? b</pre> Et ensuite{NNBSP}?"


def test_only_french_pages_are_typeset() -> None:
    english = '<!doctype html><html lang="en"><body><p>Why ? Because : « quoted »</p></body></html>'
    french = english.replace('lang="en"', 'lang="fr"')
    assert typeset_page(english) == english
    assert NNBSP + "?" in typeset_page(french)


def test_interface_strings_get_typographic_apostrophes() -> None:
    assert language("fr").gettext("Rechercher dans l'archive") == "Rechercher dans l’archive"
    assert language("fr").gettext("Cette page n'existe pas ou plus.") == "Cette page n’existe pas ou plus."
    assert "'" not in language("en").gettext("Rechercher dans l'archive")


# The page context ---------------------------------------------------------------------------------


def article(n: int, tags: tuple[str, ...] = (), source: str = "", **fields: object) -> Article:
    fields = {"body_html": "<p>x</p>", "text": "x", **fields}
    return Article(slug=f"a{n:03d}", title=f"Article {n}", date=date(2024, 1, 1) + timedelta(days=n),
                   origin=Path(f"a{n}.md"), tags=tags, source=Source(name=source), **fields)  # type: ignore[arg-type]


def archive_of(count: int, **fields: object) -> Archive:
    items = [article(n, **fields) for n in range(count)]  # type: ignore[arg-type]
    return Archive(tuple(sorted(items, key=lambda a: a.sort_key, reverse=True)), {}, {})


def listings(count: int, per_page: int = 5) -> dict[str, object]:
    return {page.path: page.context["listing"] for page in plan_site(archive_of(count), SiteConfig(per_page=per_page))
            if page.template == "index.html"}


def test_listings_carry_numbered_pagination_around_the_current_page() -> None:
    pages = listings(50)  # pages 10 (the front) to 1
    front, middle, oldest = pages["index.html"], pages["page/5.html"], pages["page/1.html"]
    assert [number for number, _ in front.window] == [10, 9, 8]
    assert front.first is None and front.last == "page/1.html"
    assert middle.window == ((7, "page/7.html"), (6, "page/6.html"), (5, "page/5.html"), (4, "page/4.html"),
                             (3, "page/3.html"))
    assert (middle.first, middle.last) == ("index.html", "page/1.html")
    assert [number for number, _ in oldest.window] == [3, 2, 1] and oldest.last is None
    assert listings(3)["index.html"].window == ()  # one page: no pagination


def test_adding_a_page_of_articles_leaves_older_listings_as_they_were() -> None:
    before, after = listings(50), listings(55)
    changed = [path for path in before if path in after and before[path] != after[path]]
    assert set(changed) <= {"index.html", "page/9.html", "page/8.html"}
    assert before["page/5.html"] == after["page/5.html"]


def test_sections_say_which_index_pages_have_something_to_show() -> None:
    plain = plan_site(archive_of(3), SiteConfig())
    assert {page.context["sections"] for page in plain} == {plain[0].context["sections"]}
    sections = plain[0].context["sections"]
    assert (sections.tags, sections.sources, sections.archives) == (False, False, True)
    tagged = plan_site(archive_of(3, tags=("Maroc",), source="Atlas Info"), SiteConfig())[0].context["sections"]
    assert (tagged.tags, tagged.sources) == (True, True)


def test_the_front_page_has_its_taxonomy_topics_and_articles_their_neighbours() -> None:
    config = SiteConfig.model_validate({"taxonomy": {"sport": ["football"], "santé": ["vaccin"], "caché": {
        "words": ["x"], "hide": True}}})
    items = tuple(sorted([article(n, tags=("sport", "caché") if n % 2 else ("Maroc",)) for n in range(9)],
                         key=lambda a: a.sort_key, reverse=True))
    pages = plan_site(Archive(items, {}, {}), config)
    front = next(page for page in pages if page.path == "index.html")
    [topic] = front.context["topics"]  # santé has no article, caché is hidden
    assert topic.tag.name == "sport" and len(topic.articles) == 4 and topic.articles[0] == items[1]
    second = next(page for page in pages if page.context.get("article") == items[1])
    assert (second.context["newer"], second.context["older"]) == (items[0], items[2])


# Render-side helpers --------------------------------------------------------------------------------


def test_the_kicker_is_the_first_topic_else_the_first_tag() -> None:
    taxonomy = {"migration": ["migrant"], "secret": {"words": ["x"], "hide": True}}
    config = SiteConfig.model_validate({"taxonomy": taxonomy})
    assert kicker(article(1, tags=("Rabat", "secret", "migration")), config) == "migration"
    assert kicker(article(1, tags=("Rabat", "Paris")), config) == "Rabat"
    assert kicker(article(1), config) == ""


def test_a_credit_line_naming_the_source_is_not_repeated() -> None:
    press = article(1, source="Atlas Info", credit="SOURCE WEB Par Atlas Info")
    assert credit_lines(press) == ()
    signed = article(1, source="Le Matin", credit="Rédaction de l’AMDGJB; Source : Le Matin")
    assert credit_lines(signed) == ("Rédaction de l’AMDGJB",)


def test_a_summary_that_only_opens_the_text_is_no_standfirst() -> None:
    text = "Les ministères de l’Intérieur ont mis en place un cadre de coopération visant à aborder les enjeux."
    cut = article(1, text=text, summary="Les ministères de l’Intérieur ont mis en place un cadre…")
    assert standfirst(cut) == ""
    written = article(1, text=text, summary="Un cadre permanent de rencontres.")
    assert standfirst(written) == "Un cadre permanent de rencontres."


# Built pages -----------------------------------------------------------------------------------------


TEASERS = 8


def write_news(root: Path, *, with_sources: bool = True, config: str = "") -> Path:
    """A press export with a credit line and many teasers, one naming an archived article, and dated
    articles with and without a source: what the theme's pages are made of."""
    content = root / "content"
    for n in range(12):
        day = f"2024-03-{1 + n:02d}T10:{n:02d}:00"
        write_article(content, f"a{n:02d}.md", f"Dépêche {n} : le port de Tanger ?", day,
                      "Le port de Tanger Med accueille des porte-conteneurs.", tags="[ports, Maroc]",
                      **({"source": f"Journal {n % 2}"} if with_sources else {}))
    teasers = "".join(f"Titre de l’article lié numéro {n} sur les ports\nUn extrait coupé...\n" for n in range(TEASERS))
    (content / "press.txt").write_text(
        "Un article de presse sur le tourisme\n\nLe paragraphe du corps de l'article.\nLe 30/10/2024\n"
        "SOURCE WEB Par Atlas Info\nLes tags en relation\nLes articles en relation\n\n"
        "Dépêche 3 : le port de Tan\nDans un contexte...\n\n" + teasers,
        "utf-8",
    ) if with_sources else None
    (root / "site.yaml").write_text("per_page: 3\ntags:\n  entities: false\n" + config, "utf-8")
    build(content, root / "site")
    return root / "site"


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_news(tmp_path_factory.mktemp("news"), config="taxonomy:\n  ports: [port]\n")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def test_no_menu_entry_for_a_section_without_pages(tmp_path: Path) -> None:
    site = write_news(tmp_path, with_sources=False, config="taxonomy:\n  ports: [port]\n")
    names = [a.get_text() for a in soup(site / "index.html").select(".site-nav a")]
    assert "Sources" not in names and "Archives" in names and "Étiquettes" in names


def test_the_front_page_leads_with_the_newest_article_then_days_then_topics(news: Path) -> None:
    front = soup(news / "index.html")
    assert not re.search(r"Page\s+\d", front.select_one("h1").get_text())
    lead = front.select_one(".lead")
    assert lead.select_one(".p-name").get_text(strip=True).startswith("Un article de presse")
    days = [heading.get_text() for heading in front.select(".day-heading")]
    assert days[0] == "Mardi 12 mars 2024"  # the newest day after the lead's
    assert front.select_one(".day .kicker").get_text() == "ports"
    assert front.select_one(".day .meta").get_text() == "Journal 1 · 10:11"
    assert [h.get_text(" ", strip=True) for h in front.select(".topic h3")] == ["ports 12 articles"]


def test_numbered_pagination_links_first_previous_numbers_next_last(news: Path) -> None:
    middle = soup(news / "page" / "2.html").select(".pager a")
    labels = [(a.get("aria-label") or a.get_text(" ", strip=True), a["href"]) for a in middle]
    assert labels[0] == ("Première page", "../index.html")
    assert ("2", "2.html") in labels and middle[[a.get("aria-current") for a in middle].index("page")].text == "2"
    assert labels[-1] == ("Dernière page", "1.html")


def test_the_article_page_of_a_press_export(news: Path) -> None:
    page = soup(news / "2024" / "10" / "un-article-de-presse-sur-le-tourisme.html")
    assert [a.get_text() for a in page.select(".breadcrumbs a")] == ["Accueil", "2024", "Octobre"]
    byline = page.select_one(".byline")
    assert byline.select_one("time")["datetime"] == "2024-10-30"
    assert not page.select(".byline a time, a .dt-published")  # the date is not a link to the page itself
    assert "SOURCE WEB" not in page.get_text() and "Atlas Info" in byline.get_text()
    assert "min de lecture" in byline.get_text()
    teasers = page.select_one("section.teasers")
    assert teasers.select_one("h2").get_text() == "Sur Atlas Info"
    shown = teasers.select(":scope > ul > li")
    folded = teasers.select("details li")
    assert (len(shown), len(folded)) == (5, TEASERS + 1 - 5)
    # The teaser naming an archived article links it under that article's own title, not the cut one.
    assert shown[0].select_one("a").get_text() == "Dépêche 3\u202f: le port de Tanger\u202f?"
    assert page.select_one(".story-nav a[rel=prev]")


def test_the_archives_are_a_year_by_month_table(news: Path) -> None:
    table = soup(news / "archives.html").select_one("table.archive-table")
    cells = {a["href"]: a.get_text() for a in table.select("td a")}
    assert cells == {"2024/03/index.html": "12", "2024/10/index.html": "1"}


def test_every_page_has_the_icon_theme_colour_and_a_small_stylesheet(news: Path) -> None:
    for path in news.rglob("*.html"):
        head = soup(path).head
        if path.name == "404.html":  # at any depth: its style in itself, no link that could miss
            assert head.find("style") and not head.find("link", rel="stylesheet")
            continue
        assert head.find("link", rel="icon")["href"].endswith("static/favicon.svg"), path
        assert head.find("meta", attrs={"name": "theme-color"}), path
    assert (news / "static" / "favicon.svg").is_file()
    css = (STATIC / "style.css").read_text("utf-8")
    assert len(css.encode()) < 25_000
    assert "@media print" in css


@pytest.fixture
def served_news(news: Path) -> Iterator[int]:
    server = make_server(news, "127.0.0.1", 0, Broadcaster())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_404_page_names_the_site_root_at_any_depth(news: Path, served_news: int) -> None:
    assert soup(news / "404.html").find("base")["href"] == "/"
    response = raw_request(served_news, b"GET /deep/er/still/missing.html HTTP/1.0\r\n\r\n")
    assert response.startswith(b"HTTP/1.0 404") and b'<base href="/">' in response


def test_the_preview_server_puts_its_own_root_in_the_404_page_of_a_published_site(tmp_path: Path) -> None:
    site = write_news(tmp_path, config="base_url: https://example.org/archive/\n")
    assert soup(site / "404.html").find("base")["href"] == "https://example.org/archive/"
    server = make_server(site, "127.0.0.1", 0, Broadcaster())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        response = raw_request(server.server_address[1], b"GET /a/b/c HTTP/1.0\r\n\r\n")
    finally:
        server.shutdown()
        server.server_close()
    assert b'<base href="/">' in response and b"example.org/archive/\">" not in response


def test_english_sites_keep_english_rules(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Why now?", "2024-10-30T08:05:00+01:00", "Because: reasons!")
    (tmp_path / "site.yaml").write_text("language: en\n")
    build(content, tmp_path / "site")
    page = (tmp_path / "site" / "2024" / "10" / "why-now.html").read_text("utf-8")
    assert NNBSP + "?" not in page and "Because: reasons!" in page
    assert "Wednesday, October 30, 2024" in (tmp_path / "site" / "2024" / "10" / "index.html").read_text("utf-8")
    assert datetime(2024, 10, 30, 8, 5, tzinfo=timezone(timedelta(hours=1))).isoformat() in page
