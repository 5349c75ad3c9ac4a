"""Front matter (YAML, TOML, Pelican), Jekyll names, saved HTML pages, and sanitising."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from chronique.load import read_article
from chronique.model import Article, Source

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "load"


def fixture(name: str) -> Article:
    return read_article(Path(name), (FIXTURES / name).read_bytes())


def article(text: str, name: str = "article.md") -> Article:
    return read_article(Path(name), text.encode())


def test_yaml_front_matter() -> None:
    item = fixture("yaml.md")
    assert item.title == "Frontex et le Maroc : une feuille de route pour 2024"
    assert item.date == datetime(2024, 10, 30, 9, 15, tzinfo=timezone(timedelta(hours=1)))
    assert item.tags == ("migration", "Frontex", "Maroc", "Europe")  # category counts as a tag
    assert item.source == Source(name="Le Desk", url="https://www.ledesk.ma/2024/10/30/frontex")
    assert item.authors == ("Salma Idrissi", "Karim Benali")
    assert item.summary == "La coopération s’élargit aux retours et à la réintégration."
    assert item.language == "fr"
    assert item.draft is False
    assert item.slug == "frontex-et-le-maroc-une-feuille-de-route-pour-2024"
    assert item.body_html == (
        "<p>La coopération avec les pays tiers fait partie <strong>intégrante</strong> "
        "du mandat de Frontex.</p>\n"
        "<h2>Une priorité</h2>\n"
        "<p>Les deux parties veulent « aller plus loin », a dit le directeur.</p>"
    )
    assert item.text.split("\n\n") == [
        "La coopération avec les pays tiers fait partie intégrante du mandat de Frontex.",
        "Une priorité",
        "Les deux parties veulent « aller plus loin », a dit le directeur.",
    ]


def test_unknown_keys_are_kept_in_file_order() -> None:
    item = fixture("yaml.md")
    assert item.extra_items == (
        ("layout", "wide"),
        ("weight", 3),
        ("related_links", ("https://example.org/a", "https://example.org/b")),  # frozen: see model.frozen
    )
    assert item.extra["weight"] == 3


def test_toml_front_matter() -> None:
    item = fixture("toml.md")
    assert item.title == "Sécurité civile : deux accords signés à Rabat"
    assert item.date == datetime(2024, 10, 29, 18, 30, tzinfo=UTC)
    assert item.tags == ("sécurité civile", "Maroc")
    assert item.slug == "accords-securite-civile"
    assert item.draft is True
    assert item.extra_items == (("params", {"photographer": "Anonyme"}),)
    assert item.text == "Deux accords destinés à accroître la collaboration ont été signés."


def test_pelican_header() -> None:
    item = fixture("pelican.md")
    assert item.title == "Les Assises du développement humain s'ouvrent à Skhirat"
    assert item.date == datetime(2019, 9, 19, 10, 20)
    assert item.tags == ("développement humain", "petite enfance", "Société")
    assert item.slug == "assises-developpement-humain"
    assert item.authors == ("Rédaction",)
    assert item.summary == "Première édition des Assises nationales."
    assert item.draft is True  # Status: draft
    assert item.extra_items == (("Modified", "2019-09-20"),)
    assert item.text.startswith("La première édition des Assises")


def test_pelican_keys_are_case_insensitive() -> None:
    item = article("title: Un titre\nDATE: 12/03/2021\ntags: a, b\nstatus: published\n\nTexte.\n")
    assert (item.title, item.date, item.tags, item.draft) == (
        "Un titre",
        date(2021, 3, 12),
        ("a", "b"),
        False,
    )


def test_jekyll_file_name_gives_date_and_slug() -> None:
    item = fixture("2024-03-05-bilan-tourisme.md")
    assert item.date == date(2024, 3, 5)
    assert item.slug == "bilan-tourisme"
    assert item.title == "Tourisme au Maroc, un record en 2024"


def test_front_matter_wins_over_jekyll_name() -> None:
    text = "---\ntitle: T\ndate: 2020-01-02\nslug: choisi\n---\nx\n"
    item = article(text, "2024-03-05-nom.md")
    assert (item.date, item.slug) == (date(2020, 1, 2), "choisi")


def test_drafts_and_string_tags() -> None:
    item = article("---\ntitle: Brouillon\ndate: 2024-05-01\ndraft: true\ntags: un, deux , Un\n---\n")
    assert item.draft is True
    assert item.tags == ("un", "deux")  # repeats differing only in case are dropped
    assert item.text == "" and item.summary == ""


def test_front_matter_title_falls_back_to_heading() -> None:
    item = article("---\ndate: 2024-05-01\n---\n\n# Le titre\n\nLe texte.\n")
    assert item.title == "Le titre"
    assert item.text == "Le texte."


def test_repeated_heading_is_not_body() -> None:
    item = article("---\ntitle: Le titre\ndate: 2024-05-01\n---\n# Le titre\n\nLe texte.\n")
    assert item.body_html == "<p>Le texte.</p>"


def test_quotes_stay_as_typed() -> None:
    item = article("---\ntitle: T\ndate: 2024-05-01\n---\nIl a dit \"oui\" -- puis 'non'...\n")
    assert item.text == "Il a dit \"oui\" -- puis 'non'..."


def test_plain_markdown_with_heading_and_date_paragraph() -> None:
    item = article("# Un titre\n\n*30 octobre 2024*\n\nTexte **gras**.\n\nSource : Le Desk\n")
    assert (item.title, item.date, item.source) == ("Un titre", date(2024, 10, 30), Source(name="Le Desk"))
    assert item.body_html == "<p>Texte <strong>gras</strong>.</p>"


def test_html_with_metadata() -> None:
    item = fixture("html_meta.html")
    assert item.title == "Tourisme : un record en 2024"  # the <h1>, not the <title>
    assert item.date == datetime(2024, 12, 2, 8, 0, tzinfo=timezone(timedelta(hours=1)))
    assert item.source == Source(name="Le Site", url="https://www.lesite.ma/tourisme-record-2024")
    assert item.language == "fr"
    assert item.tags == ("tourisme",)
    assert item.text.split("\n\n") == [
        "Le Maroc a accueilli 17,4 millions de touristes en 2024.",
        "L’ONMT présente son plan pour 2025.",
    ]
    for leak in ("Accueil", "Lire aussi", "track(", "©", "<h1>"):
        assert leak not in item.body_html and leak not in item.text


def test_html_dateline_with_place_and_agency() -> None:
    item = fixture("html_rabat.html")
    assert item.title == "Ouverture du forum parlementaire Maroc-France"
    assert item.date == date(2012, 6, 16)
    assert item.text.split("\n\n")[0] == "Le forum parlementaire s'est ouvert samedi à Rabat."
    assert item.credit == "MAP"
    assert item.extra_items == (("dateline_place", "RABAT"),)
    assert "16 juin" not in item.body_html


def test_html_dateline_alone() -> None:
    item = fixture("html_dateline.htm")
    assert item.date == date(2012, 6, 16)
    assert item.text.split("\n\n") == [
        "Le forum a recommandé la conjugaison des efforts des deux pays.",
        "Une déclaration finale a été adoptée.",
    ]
    assert item.extra_items == ()


def test_html_other_date_sources() -> None:
    time_tag = '<article><h1>T</h1><time datetime="2021-08-03">3 août</time><p>x</p></article>'
    assert article(time_tag, "a.html").date == date(2021, 8, 3)
    json_ld = (
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
        '"datePublished": "2020-12-01T10:00:00Z"}]}</script></head><body><h1>T</h1><p>x</p></body></html>'
    )
    assert article(json_ld, "a.html").date == datetime(2020, 12, 1, 10, tzinfo=UTC)
    meta_name = (
        '<html><head><meta name="date" content="01/03/2016"><title>T</title></head><body></body></html>'
    )
    item = article(meta_name, "a.html")
    assert (item.title, item.date) == ("T", date(2016, 3, 1))


def test_shape_comes_from_content_not_extension() -> None:
    html_in_txt = article("\ufeff  <!DOCTYPE html><h1>T</h1><p>16 juin 2012. - Texte.</p>", "page.txt")
    assert (html_in_txt.title, html_in_txt.text) == ("T", "Texte.")
    press_in_md = article("Titre\n\nTexte.\nLe 1er décembre 2020\n", "x.md")
    assert (press_in_md.title, press_in_md.date) == ("Titre", date(2020, 12, 1))


def test_sanitising_removes_scripts_handlers_and_javascript_urls() -> None:
    item = fixture("unsafe.md")
    html = item.body_html
    for bad in ("<script", "alert", "onclick", "onmouseover", "onerror", "javascript:", "<style", "display"):
        assert bad not in html, bad
    assert '<a href="https://example.org/ok"' in html
    assert '<img src="https://example.org/i.png" alt="image">' in html
    assert item.text == "Texte normal.\n\nCliquez ici ou là."


def test_summary_is_cut_at_a_word_boundary() -> None:
    long = " ".join(["mot"] * 200)
    item = article(f"---\ntitle: T\ndate: 2024-01-01\n---\n{long}\n\nSecond.\n")
    assert len(item.summary) <= 280
    assert item.summary.endswith("mot…")
    short = article("---\ntitle: T\ndate: 2024-01-01\n---\n## Intertitre\n\nPremier paragraphe.\n")
    assert short.summary == "Premier paragraphe."  # a paragraph, not the heading


def test_text_is_normalised() -> None:
    decomposed = "Se\u0301curite\u0301"  # e + combining accent
    item = article(f"Titre {decomposed}\n\nUn   texte\u00a0: avec\ufffd des espaces.\nLe 02/01/2024\n")
    assert item.title == "Titre Sécurité"
    assert item.text == "Un texte\u00a0: avec des espaces."
