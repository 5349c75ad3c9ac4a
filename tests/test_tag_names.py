"""Entity tags a reader can trust: names kept whole, variants merged, publishers and navigation left
out, and what each entity names (issue 13)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chronique.config import SiteConfig, TagsConfig, TaxonomyRule
from chronique.enrich import enrich
from chronique.enrich.entities import Entities
from chronique.enrich.tags import assign_tags
from chronique.model import Article, Source
from conftest import extract_entities


def found(*texts: str, publishers: tuple[str, ...] = ()) -> Entities:
    return extract_entities([("", text) for text in texts], publishers)


def keys(*texts: str, publishers: tuple[str, ...] = ()) -> list[list[str]]:
    """Kept entity keys per article, most mentioned first."""
    return [[key for key, _ in kept] for kept in found(*texts, publishers=publishers).per_article]


def every_key(per_article: list[list[str]]) -> set[str]:
    return {key for article in per_article for key in article}


# -- names kept whole ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("whole", "hyphen", "space", "first", "second"),
    [
        ("guinee bissau", "Guinée-Bissau", "Guinée Bissau", "Guinée", "Bissau"),
        # invented names: no list of countries helps, only the archive writing them both ways
        ("zembla nova", "Zembla-Nova", "Zembla Nova", "Zembla", "Nova"),
    ],
)
def test_a_name_written_with_a_hyphen_or_a_space_is_one_entity_never_its_halves(
    whole: str, hyphen: str, space: str, first: str, second: str
) -> None:
    per_article = keys(
        f"Le match contre la {hyphen}. La {hyphen} a gagné.",
        f"La {space} a perdu. Retour en {space}.",
        f"À {first}, la {first} vote. À {second}, {second} attend.",  # each half is a name elsewhere
    )
    assert per_article[0] == [whole] and per_article[1] == [whole]
    assert {first.lower(), second.lower()} & every_key(per_article[:2]) == set()


def test_a_country_with_a_hyphen_stays_whole_even_written_one_way_only() -> None:
    per_article = keys("Le Royaume-Uni vote. Le Royaume-Uni hésite.", "Le Royaume est vaste. Uni, il vote.")
    assert per_article[0] == ["royaume uni"]


def test_a_name_with_an_apostrophe_or_a_particle_keeps_both_halves() -> None:
    per_article = keys(
        "La Côte d'Ivoire vote. En Côte d'Ivoire, on vote.",
        "Ivoire est un nom. Ivoire encore.",
        "Les chefs d'Al Shabab et les combattants d'Al Shabab.",
        "Les chefs d'al-Shabab, dit-on. Les combattants d'al-Shabab.",
        "Le Covid-19 tue. Le Covid-19 recule.",
        "Covid, Covid. Puis 19, 19.",
    )
    assert per_article[0] == ["cote d ivoire"]
    assert per_article[2] == ["al shabab"] and per_article[3] == ["al shabab"]
    assert per_article[4] == ["covid 19"] and per_article[5] == ["covid"]


def test_a_name_after_de_keeps_the_word_that_opens_it() -> None:
    per_article = keys(
        "La Banque d'Angleterre monte. La Banque d'Angleterre baisse.",
        "L'Université d'Oxford publie. L'Université d'Oxford dit.",
        "La Coupe d'Afrique commence. La Coupe d'Afrique finit. Le Ballon d'Or de Messi, le Ballon d'Or à Messi.",
        "En Angleterre, à Oxford et en Afrique. L'Angleterre, Oxford et l'Afrique.",
    )
    assert per_article[:3] == [
        ["banque d angleterre"],
        ["universite d oxford"],
        ["coupe d afrique", "ballon d or", "messi"],
    ]


def test_a_surname_stands_for_the_full_name_the_article_or_the_archive_uses() -> None:
    per_article = keys(
        "Kenza Ben Azzouz, chercheuse, parle. Ben Azzouz ajoute. Selon Ben Azzouz, rien.",
        "Ben Azzouz publie un rapport. Ben Azzouz explique.",
        "Azzouz répond. Azzouz insiste.",
    )
    assert per_article == [["kenza ben azzouz"], ["kenza ben azzouz"], ["kenza ben azzouz"]]
    assert found("Kenza Ben Azzouz parle. Ben Azzouz ajoute.").per_article[0] == (("kenza ben azzouz", 2),)


def test_a_caption_repeating_a_name_is_not_a_name_of_two_equal_words() -> None:
    per_article = keys("Macron Macron. Emmanuel Macron a parlé. Emmanuel Macron a conclu.", "FMI FMI. Le FMI prête.")
    assert "macron macron" not in every_key(per_article) and "fmi fmi" not in every_key(per_article)
    assert per_article[0] == ["emmanuel macron"] and per_article[1] == ["fmi"]


def test_possessives_and_elisions_are_not_part_of_the_name() -> None:
    per_article = keys("Selon Google's blog, et Google's users. L'ONU répond, et l'ONU insiste.")
    assert per_article == [["google", "onu"]]
    assert found("Selon Google's blog, et Google's users.").variants == {"google": ("Google",)}


# -- variants merged -----------------------------------------------------------------------------------------


def test_an_acronym_and_the_expansion_the_archive_pairs_it_with_are_one_entity() -> None:
    result = found(
        "Le Fonds Monétaire International (FMI) prête. Le FMI exige. Le FMI attend.",
        "Le Fonds Monétaire International refuse. Le Fonds Monétaire International attend.",
        "Le Championnat du Monde des Rallyes (WRC) revient. Le WRC part.",
        "Le Championnat du Monde des Rallyes est rude. Le Championnat du Monde des Rallyes part.",
    )
    per_article = [[key for key, _ in kept] for kept in result.per_article]
    assert per_article[0] == per_article[1] == ["fmi"]
    assert result.variants["fmi"] == ("FMI", "Fonds Monétaire International")  # the most used first
    assert per_article[2] == per_article[3] == ["championnat du monde des rallye"]


def test_an_acronym_in_brackets_after_a_country_or_part_of_a_longer_name_is_not_that_name() -> None:
    per_article = keys(
        "Abidjan, Côte d'Ivoire (AFP). La Côte d'Ivoire vote, selon l'AFP.",
        "La Communauté des États de l'Afrique de l'Ouest (CEDEAO) dit. La CEDEAO, en Afrique de l'Ouest.",
        "En Afrique de l'Ouest, et en Afrique de l'Ouest.",
    )
    assert sorted(per_article[0]) == ["afp", "cote d ivoire"]
    assert sorted(per_article[1]) == ["afrique de l ouest", "cedeao"] and per_article[2] == ["afrique de l ouest"]


def test_spelling_variants_of_an_acronym_are_one_entity_the_most_used_shown() -> None:
    result = found(
        "Un prix de 500 FCFA. Puis 600 FCFA, soit 700 FCFA.",
        "Le franc CFA baisse. Les francs CFA, dit-on. Le CFA encore.",
        "Le prix en FCFA monte. Le FCFA aussi.",
    )
    assert [[key for key, _ in kept] for kept in result.per_article] == [["fcfa"], ["fcfa"], ["fcfa"]]
    assert result.variants["fcfa"] == ("FCFA", "CFA")


def test_taxonomy_aliases_still_win_over_merged_variants() -> None:
    result = found("Un prix de 500 FCFA. Puis 600 FCFA, soit 700 FCFA.", "Les francs CFA, dit-on. Le CFA encore.")
    taxonomy = {"franc CFA": TaxonomyRule(aliases=["CFA"])}
    tagging = assign_tags([(), ()], [[], []], result, TagsConfig(), taxonomy)
    assert tagging.shown == (("franc CFA",), ("franc CFA",))


# -- publishers and navigation -------------------------------------------------------------------------------


def test_the_archives_own_publishers_are_never_entities() -> None:
    per_article = keys(
        "Selon la BBC, le Mali vote. La BBC le dit, BBC Afrique aussi. BBC Sport Afrique suit le Mali.",
        "France 24 rapporte. En France, France 24 est vue. La France vote.",
        publishers=("BBC Afrique", "France 24"),
    )
    assert per_article == [["mali"], ["france"]]


def test_publishers_come_from_sources_credits_and_the_site_title() -> None:
    text = (
        "Selon La Gazette, le Mali vote. La Gazette, Reuters et Le Courrier le disent. Reuters et Le Courrier au Mali."
    )
    articles = [
        Article(
            slug=slug,
            title="Vote",
            date=date(2024, 1, 1),
            origin=Path(f"{slug}.md"),
            body_html="",
            text=text,
            source=Source(source),
            credit=credit,
        )
        for slug, source, credit in (("a", "La Gazette", ""), ("b", "", "Reuters"))
    ]
    archive = enrich(articles, SiteConfig(title="Le Courrier"))
    assert {article.tags for article in archive.articles} == {("Mali",)}


@pytest.mark.parametrize(
    "line",
    [
        "Lire aussi : Le Niger de Niamey Kountché",
        "A lire aussi sur BBC Afrique : Le Niger de Niamey Kountché",
        "À lire également : Le Niger de Niamey Kountché",
        "Réécouter Niamey Kountché avec Niger Soir",
        "Regarder : Niamey Kountché au Niger",
        "Voir aussi : Niamey Kountché au Niger",
        "Suivez-nous sur Niger Kountché Niamey",
        "LIRE AUSSI: Niamey Kountché au Niger",
        "Lire plus sur Niamey Kountché :",
        "Réécouter l'émission Niamey Kountché",
    ],
)
def test_navigation_lines_never_produce_entities(line: str) -> None:
    body = "Le vote est prévu demain. Les électeurs attendent."
    for text in (f"{body}\n{line}\n{body}\n{line}", f"{body} {line}. {body} {line}."):
        assert keys(text) == [[]], text


def test_where_line_breaks_were_lost_a_linked_headline_ends_where_the_next_sentence_opens() -> None:
    text = (
        "Lire aussi : Niger : des migrants secourus dans le désert Le bureau de Niamey Kountché a été attaqué."
        " Lire aussi : Alerte au Niger La décision de Niamey Kountché surprend."
    )
    assert keys(text) == [["niamey kountche"]]


def test_a_quotation_after_a_navigation_line_is_the_articles_own_text() -> None:
    text = 'Lire plus sur le Niger : "Il faut agir", dit Niamey Kountché. "Vite", ajoute Niamey Kountché.'
    assert keys(text) == [["niamey kountche"]]


def test_a_sentence_opening_with_voir_or_regarder_is_not_navigation() -> None:
    text = "Voir Niamey Kountché, enfin. Regarder le Niger depuis Niamey Kountché. Il faut voir et regarder."
    assert keys(text) == [["niamey kountche"]]


# -- kinds ---------------------------------------------------------------------------------------------------


def test_each_entity_has_a_kind_from_clear_evidence_only() -> None:
    result = found(
        "M. Karamoko Zébré a parlé. Karamoko Zébré insiste.",
        "Le Président Tebboune arrive à Vélizia. À Vélizia, Tebboune voit la Banque Ouest Africaine.",
        "La Banque Ouest Africaine et la BOAD. La BOAD et la Banque Ouest Africaine. Le Sénégal et le Sénégal.",
        "Emmanuel Macron parle. Emmanuel Macron rit. Les Zorblax, les Zorblax.",
    )
    assert result.kinds == {
        "karamoko zebre": "person",
        "tebboune": "person",
        "velizia": "place",
        "banque ouest africaine": "organisation",
        "boad": "organisation",
        "senegal": "place",
        "emmanuel macron": "person",
        "zorblax": "unknown",
    }
    assert set(result.variants) == set(result.kinds)
