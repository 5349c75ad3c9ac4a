"""The three real seed articles give exactly what FORMATS.md's table says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chronique.load import read_article
from chronique.model import Article, Source, Teaser

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_000 = "000_1f051c2174f0efb9.txt"
SEED_003 = "003_3d8062fcf2f1eee0.txt"
SEED_004 = "004_dc44e16041e3812b.txt"


def seed(name: str) -> Article:
    return read_article(Path(name), (SEEDS / name).read_bytes())


def paragraphs(article: Article) -> list[str]:
    return article.text.split("\n\n")


@pytest.mark.parametrize(
    ("name", "title", "published", "source", "credit", "teasers"),
    [
        (
            SEED_000,
            "Maroc-France : vers une coopération renforcée en sécurité, migration et grands événements",
            date(2024, 10, 30),
            Source(),
            "Rédaction de l’AMDGJB Géoparc Jbel Bani",
            12,
        ),
        (
            SEED_003,
            "Réunion de travail à Paris des ministres de l'Intérieur marocain et français",
            date(2016, 3, 1),
            Source(name="Atlas Info"),
            "SOURCE WEB Par Atlas Info",
            12,
        ),
        (
            SEED_004,
            "Migration – Frontex dévoile les prochaines étapes pour “une coopération plus étroite” "
            "avec le Maroc",
            date(2023, 12, 13),
            Source(name="article19.ma", url="https://article19.ma/accueil/archives/174433"),
            "",
            0,
        ),
    ],
)
def test_seed_table(
    name: str, title: str, published: date, source: Source, credit: str, teasers: int
) -> None:
    article = seed(name)
    assert article.title == title
    assert article.date == published
    assert type(article.date) is date
    assert article.source == source
    assert article.credit == credit
    assert len(article.teasers) == teasers
    assert article.origin == Path(name)
    assert not article.draft


BOILERPLATE = {
    SEED_000: ["www.", "Les tags en relation", "Les articles en relation", "Le 30/10/2024", "Rédaction de"],
    SEED_003: [
        "Les tags en relation",
        "Les articles en relation",
        "Le 01 Mars 2016",
        "SOURCE WEB",
        "Atlas Info",
    ],
    SEED_004: ["**", "Source", "13.12.2023", "+ «", "» +", "article19.ma", "dévoile les prochaines"],
}


@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_no_boilerplate_leaks(name: str) -> None:
    article = seed(name)
    for leak in BOILERPLATE[name]:
        assert leak not in article.text, leak
        assert leak not in article.body_html, leak
    assert "\ufffd" not in article.text
    for teaser in article.teasers:
        assert "\ufffd" not in teaser.title + teaser.snippet


def test_000_body_bounds_and_summary() -> None:
    article = seed(SEED_000)
    body = paragraphs(article)
    assert len(body) == 7
    assert body[0].startswith("Les ministères de l’Intérieur du Maroc et de la France ont mis en place")
    assert body[-1] == (
        "Cette coopération élargie entre le Maroc et la France témoigne d’un engagement mutuel à affronter "
        "ensemble les défis sécuritaires et migratoires, tout en renforçant leurs relations diplomatiques "
        "et stratégiques."
    )
    assert article.body_html.startswith("<p>Les ministères de l’Intérieur")
    assert article.body_html.count("<p>") == 7
    assert len(article.summary) <= 280
    assert article.summary.endswith("…")
    assert body[0].startswith(article.summary[:-1])
    assert (
        article.slug
        == "maroc-france-vers-une-cooperation-renforcee-en-securite-migration-et-grands-evenements"
    )


def test_000_teasers() -> None:
    teasers = seed(SEED_000).teasers
    assert teasers[0] == Teaser(
        title="Tourisme au Maroc : record 2024 et plan ambitieux pour 2025",
        snippet="Dans un contexte de forte dynamique pour le tourisme marocain, l’Office National "
        "Marocain du Tourisme (ONMT) a présenté, ce lundi à Rabat, son plan d’act...",
    )
    # The exporter cut a UTF-8 sequence before "...": the broken character is dropped, the rest kept.
    assert teasers[7].snippet.endswith("d'attirer un million de visiteurs suppl...")
    # A cut title is kept as cut.
    assert teasers[9].title == (
        "Interventions violentes des forces de l’ordre: Le groupe parlementaire socialiste questionne le mi"
    )
    assert teasers[-1].title == (
        "Le Maroc, Acteur Majeur du Co-développement en Afrique : Initiatives et Projets Stratégiques"
    )
    assert all(teaser.snippet.endswith("...") for teaser in teasers)


def test_003_body_and_teasers() -> None:
    article = seed(SEED_003)
    body = paragraphs(article)
    assert body[0].startswith("Le ministre de l'Intérieur, M. Mohamed Hassad a tenu, mercredi à Paris")
    assert body[-1] == (
        "Il est à rappeler que cette réunion constitue la 4ème rencontre des ministres de l'intérieur "
        "des deux pays en moins d'une année."
    )
    teasers = article.teasers
    # No blank line between the first pair and the second title.
    assert (
        teasers[1].title
        == "La robotisation devrait faire disparaître 14 % des emplois d'ici 20 ans selon l'OCDE"
    )
    # A title starting with "#" right after a snippet, and a snippet cut inside a character.
    assert teasers[9] == Teaser(
        title="#FRANCE_COVID19_ET_CONFINEMENT: «Vouloir arrêter une épidémie avec le confinement, "
        "c’est comme",
        snippet="Vouloir arrêter une épidémie avec le confinement, c’est comme vouloir arrêter la mer "
        "avec ses bras. Le virus est une création de la nature. Si l’épid...",
    )
    assert teasers[8].snippet.endswith("l’insecticide phosphine....")
    assert all(teaser.snippet for teaser in teasers)


def test_004_body() -> None:
    article = seed(SEED_004)
    body = paragraphs(article)
    assert body[0] == (
        "Cette semaine, le directeur exécutif de Frontex, Hans Leijtens, se rend à Rabat dans le but de "
        "renforcer le dialogue et la coopération avec les autorités de gestion des flux migratoires aux "
        "frontières."
    )
    # The paragraph split by the web conversion is one paragraph again, and the last one.
    assert body[-1] == (
        "La coopération avec les pays tiers fait partie intégrante du mandat de Frontex visant à assurer la "
        "mise en œuvre efficace de la gestion intégrée européenne des frontières (IBM) et l'une des "
        "priorités stratégiques du travail de l'agence."
    )
    assert "<h2>« Le Maroc se distingue comme un partenaire crucial en Afrique »</h2>" in article.body_html
    assert '<a href="https://frontex.europa.eu"' in article.body_html
    assert "<strong>Cette semaine" in article.body_html
    assert article.body_html.count("<p>") == 6
    assert article.summary == body[0]
    assert article.title not in article.text
    assert (
        article.slug
        == "migration-frontex-devoile-les-prochaines-etapes-pour-une-cooperation-plus-etroite-avec-le-maroc"
    )
