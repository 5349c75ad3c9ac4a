"""enrich.teasers: a source's cut-short "see also" titles find the archived article they name, or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chronique.config import SiteConfig
from chronique.enrich import enrich
from chronique.enrich.teasers import MIN_PREFIX, link_teasers, title_key
from chronique.model import Article, Teaser, TeaserLink

ARCHIVE = [
    ("cop22", 'COP22: la France "associée étroitement" au Maroc'),
    ("cereales", "La France stoppe ses exportations de céréales hors Europe, dont le Maroc"),
    (
        "ordre",
        "Interventions violentes des forces de l’ordre: Le groupe parlementaire socialiste questionne le "
        "ministre de l’Intérieur",
    ),
    ("ramadan", "Ramadan à Paris"),
    ("tourisme-record", "Tourisme au Maroc : record 2024 et plan ambitieux pour 2025"),
    ("tourisme-aeroports", "Tourisme au Maroc : des aéroports saturés face à l’afflux de visiteurs"),
    ("hassad", "Pourquoi Hassad a-t-il été limogé par le roi ?"),
]


def link(teaser: str, own: str = "holder") -> str | None:
    return link_teasers(ARCHIVE, [(own, [teaser])])[own][0]


@pytest.mark.parametrize(
    ("teaser", "expected"),
    [
        # the whole title, with other quotes, spacing, case and accents
        ("COP22 : la France « associée étroitement » au Maroc", "cop22"),
        ("cop22: LA FRANCE “ASSOCIEE ETROITEMENT” AU MAROC", "cop22"),
        # cut mid-word, as sources print them, with or without a mark of the cut
        (
            "Interventions violentes des forces de l'ordre: Le groupe parlementaire socialiste "
            "questionne le mi",
            "ordre",
        ),
        ("La France stoppe ses exportations de céréa...", "cereales"),
        ("La France stoppe ses exportations de céré…", "cereales"),
        # a byte cut that broke the last letter
        ("La France stoppe ses exportations de c\ufffd", "cereales"),
        # short titles match when whole
        ("Ramadan à Paris", "ramadan"),
        ("Pourquoi Hassad a-t-il été limogé par le roi ?", "hassad"),
    ],
)
def test_teasers_that_name_an_article(teaser: str, expected: str) -> None:
    assert link(teaser) == expected


@pytest.mark.parametrize(
    "teaser",
    [
        # same beginning, different ending
        "La France stoppe ses exportations de blé",
        'COP22: la France "associée étroitement" au Sénégal',
        # one word different
        "La France suspend ses exportations de céréales hors Europe, dont le Maroc",
        # a prefix too short to tell ("Ramadan à Pa" could be anything)
        "Ramadan à Pa",
        "Ramadan",
        # two archived titles start this way: no guess
        "Tourisme au Maroc : ",
        "Tourisme au Maroc : record 2024 et plan ambitieux pour 2025 et au-delà",
        # longer than the archived title
        "Ramadan à Paris, la nuit",
        "",
        "…",
    ],
)
def test_near_misses_link_nothing(teaser: str) -> None:
    assert link(teaser) is None


def test_prefix_needs_the_minimum_length() -> None:
    title = ARCHIVE[1][1]
    long_enough = next(n for n in range(len(title)) if len(title_key(title[:n])) >= MIN_PREFIX)
    assert link(title[:long_enough]) == "cereales"
    assert link(title[: long_enough - 1]) is None


def test_an_article_never_links_to_itself() -> None:
    assert link("Ramadan à Paris", own="ramadan") is None
    # ... and its own title is not a prefix for a longer one to take
    archive = [
        ("a", "Le Maroc et la France signent un accord"),
        ("b", "Le Maroc et la France signent un accord de pêche"),
    ]
    assert link_teasers(archive, [("a", ["Le Maroc et la France signent un accord"])])["a"] == (None,)
    assert link_teasers(archive, [("b", ["Le Maroc et la France signent un accord"])])["b"] == ("a",)


def test_an_exact_title_wins_over_longer_ones_it_begins() -> None:
    archive = [
        ("a", "Le Maroc et la France signent un accord"),
        ("b", "Le Maroc et la France signent un accord de pêche"),
    ]
    assert link_teasers(archive, [("x", ["Le Maroc et la France signent un accord"])])["x"] == ("a",)
    assert link_teasers(archive, [("x", ["Le Maroc et la France signent un accord de p"])])["x"] == ("b",)


def test_two_articles_with_the_same_title_are_ambiguous() -> None:
    archive = [
        ("a", "Le Maroc et la France signent un accord"),
        ("b", "Le Maroc et la France signent un accord"),
    ]
    assert link_teasers(archive, [("x", ["Le Maroc et la France signent un accord"])])["x"] == (None,)


def test_enrich_keeps_one_link_per_teaser_in_order_and_skips_drafts() -> None:
    def article(slug: str, title: str, *teasers: str, draft: bool = False) -> Article:
        return Article(
            slug=slug,
            title=title,
            date=date(2024, 1, 1),
            origin=Path(slug),
            body_html="",
            text="Texte.",
            teasers=tuple(Teaser(t, "…") for t in teasers),
            draft=draft,
        )

    archive = enrich(
        [
            article(
                "holder",
                "Un article",
                "Tourisme au Maroc : record 2024 et plan ambitieux pour 2025",
                "Sans rapport avec l'archive",
                "Un brouillon qui ne sera pas publié",
                "Un article",
            ),
            article("record", "Tourisme au Maroc : record 2024 et plan ambitieux pour 2025"),
            article("draft", "Un brouillon qui ne sera pas publié", draft=True),
        ],
        SiteConfig(),
    )
    links = archive.teasers["holder"]
    assert [item.slug for item in links] == ["record", None, None, None]
    assert all(isinstance(item, TeaserLink) for item in links)
    assert [item.teaser.title for item in links][1] == "Sans rapport avec l'archive"
    assert archive.teasers["record"] == ()
