"""enrich tags: taxonomy rules, named entities (and the junk they must never be), one name per tag."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from chronique.config import SiteConfig, TagsConfig
from chronique.enrich import enrich
from chronique.enrich.entities import MAX_ENTITIES, entity_key, extract_entities, scan
from chronique.enrich.tags import compile_taxonomy, display_names, tag_key, taxonomy_tags
from chronique.enrich.words import stems
from chronique.model import Article


def article(slug: str, title: str, text: str, day: date = date(2024, 1, 1), **fields: object) -> Article:
    return Article(
        slug=slug, title=title, date=day, origin=Path(f"{slug}.txt"), body_html="", text=text, **fields
    )  # type: ignore[arg-type]


def topics(taxonomy: dict[str, list[str]], text: str, title: str = "") -> list[str]:
    rules = compile_taxonomy(taxonomy, "fr")
    sequence = [s for s, _ in stems(title)] + [""] + [s for s, _ in stems(text)]
    return taxonomy_tags(rules, sequence)


def entities(*texts: str | tuple[str, str]) -> list[list[str]]:
    """Kept entity keys per article; a text alone has an empty title."""
    pairs = [item if isinstance(item, tuple) else ("", item) for item in texts]
    found = extract_entities([scan(title, text) for title, text in pairs])
    return [[key for key, _ in kept] for kept in found.per_article]


# -- taxonomy ----------------------------------------------------------------------------------------------

TAXONOMY = {
    "migration": ["migration", "migratoire", "migrant"],
    "frontières": ["frontière"],
    "sécurité": ["securite"],
    "sport": ["coupe du monde", "football"],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les flux MIGRATOIRES ont doublé.", ["migration"]),
        ("Trois cents migrants secourus.", ["migration"]),
        ("Aux Frontieres de l'Europe.", ["frontières"]),
        ("Le renforcement sécuritaire ne suffit pas, la SÉCURITÉ des ports d'abord.", ["sécurité"]),
        ("La Coupe du monde 2030 au Maroc.", ["sport"]),
        ("Les coupes du Monde passées.", ["sport"]),
        # a phrase matches word for word, not as scattered words
        ("Il coupe le ruban du nouveau monde des affaires.", []),
        ("Une coupe, puis le monde.", []),
        ("Rien à voir.", []),
    ],
)
def test_taxonomy_ignores_accents_case_and_inflection(text: str, expected: list[str]) -> None:
    assert topics(TAXONOMY, text) == expected


def test_taxonomy_tags_follow_config_order_and_read_the_title() -> None:
    text = "Le football et les frontières."
    assert topics(TAXONOMY, text, title="Migrations") == ["migration", "frontières", "sport"]


def test_a_phrase_never_spans_title_and_text() -> None:
    assert topics(TAXONOMY, "monde en fête", title="La coupe du") == []


# -- entities -----------------------------------------------------------------------------------------------

JUNK_TEXT = """Ce matin, le ministre a parlé. Il a rappelé les faits. Cette réunion était attendue.
Les participants sont venus de loin. Mardi, les discussions ont repris. Mardi encore, rien.
Janvier a été calme, Janvier aussi. Concernant les délais, rien n'est fixé. Concernant les accords, non plus.
Bruno a souri. Bruno a conclu. Selon lui, la coopération est bonne. Selon elle, aussi.
M. Laftit a reçu M. Laftit."""


def test_sentence_openers_months_verbs_and_first_names_are_never_entities() -> None:
    (found,) = entities(JUNK_TEXT)
    assert found == ["laftit"]


def test_a_word_capitalised_only_where_sentences_open_is_no_name() -> None:
    # "Frontex" here could as well be a verb: nothing shows it is a name. Once mid-sentence, it is.
    assert entities("Frontex publie ses chiffres. Frontex précise les flux.") == [[]]
    assert entities("Frontex publie ses chiffres. Frontex précise les flux, dit Frontex.") == [["frontex"]]


def test_an_entity_needs_two_mentions_or_the_title() -> None:
    text = "Le ministre a rencontré Abdellatif Hammouchi à Rabat. La délégation est restée à Rabat."
    assert entities(text) == [["rabat"]]
    assert entities(("Hammouchi reçu à Rabat", text)) == [["rabat", "abdellatif hammouchi"]]


def test_titles_articles_and_plurals_are_not_part_of_a_name() -> None:
    text = (
        "Le Maroc et la France. Le ministre de l'Intérieur, M. Mohamed Hassad, a reçu Mme Rachida Dati. "
        "Au Maroc, Mohamed Hassad et Rachida Dati ont parlé des Comores et de la Comore voisine. "
        "Les Comores aussi."
    )
    (found,) = entities(text)
    assert set(found) == {"comore", "maroc", "mohamed hassad", "rachida dati"}
    assert entity_key("Comores") == entity_key("la Comore")


def test_a_lone_surname_is_the_full_name_seen_in_the_archive() -> None:
    first = "Le ministre Bruno Retailleau est arrivé. Retailleau a parlé. Ensuite, Retailleau est reparti."
    second = "Retailleau a signé un accord. Le texte, Retailleau le défend."
    assert entities(first, second) == [["bruno retailleau"], ["bruno retailleau"]]


def test_a_surname_shared_by_two_full_names_stays_alone() -> None:
    texts = [
        "Emmanuel Macron parle. Emmanuel Macron répond.",
        "Brigitte Macron visite. Brigitte Macron rit.",
        "Selon Macron, tout va bien. Macron insiste.",
    ]
    assert entities(*texts)[2] == ["macron"]


def test_a_common_word_capitalised_before_a_place_is_dropped() -> None:
    texts = [
        "Les ministres de l'Intérieur du Maroc et de la France. L'intérieur du pays est calme.",
        "Au Maroc, la Coupe du Monde se prépare. La Coupe du Monde aura lieu au Maroc.",
    ]
    first, second = entities(*texts)
    assert "interieur du maroc" not in first and "maroc" in second
    assert "coupe du monde" in second


def test_names_joined_by_a_hyphen_are_split_when_both_are_known() -> None:
    texts = [
        "Maroc-France : le sommet. Le Maroc accueille. La France aussi. Au Maroc, en France.",
        "Jean-Marc Ayrault a parlé. Jean-Marc Ayrault a conclu.",
    ]
    first, second = entities(*texts)
    assert first[:2] == ["maroc", "france"]
    assert second == ["jean marc ayrault"]


def test_entities_are_capped_per_article() -> None:
    names = ["Rabat", "Tanger", "Fès", "Agadir", "Oujda", "Meknès", "Tétouan", "Nador"]
    text = " ".join(f"Visite à {name}. Retour à {name}." for name in names) + " Encore Rabat."
    (found,) = entities(text)
    assert len(found) == MAX_ENTITIES
    assert found[0] == "rabat"


def test_urls_do_not_make_a_name_common() -> None:
    text = (
        "L'agence Frontex publie sur frontex.europa.eu ses chiffres, que Frontex détaille sur www.frontex.eu."
    )
    assert entities(text) == [["frontex"]]


# -- names and order ----------------------------------------------------------------------------------------


def test_display_name_is_the_most_frequent_spelling_then_the_first_sorted() -> None:
    names = display_names(
        ["sécurité"],
        [
            Counter({"maroc": 1, "Maroc": 3}),
            Counter({"MAROC": 1}),
            Counter({"Sécurité": 9, "Rabat": 1, "rabat": 1}),
        ],
    )
    assert names == {"securite": "sécurité", "maroc": "Maroc", "rabat": "Rabat"}


def test_tag_key_ignores_case_accents_punctuation_articles_and_plurals() -> None:
    assert tag_key("Le Maroc") == tag_key("maroc") == tag_key("MAROC")
    assert tag_key("Maroc–France") == tag_key("maroc france")
    assert tag_key("Frontières") == tag_key("frontiere")


def test_article_tags_explicit_then_taxonomy_then_entities_with_one_name_each() -> None:
    config = SiteConfig(taxonomy={"migration": ["migrant"], "sécurité": ["sécurité"]})
    arts = [
        article(
            "a",
            "Frontex au Maroc",
            "L'agence Frontex et les migrants : Frontex renforce la sécurité au Maroc.",
            tags=("maroc", "Dossier"),
        ),
        article("b", "Autre", "Le Maroc, encore le Maroc.", tags=("Sécurité",), day=date(2024, 2, 1)),
    ]
    archive = enrich(arts, config)
    by_slug = {item.slug: item for item in archive.articles}
    assert by_slug["a"].tags == ("Maroc", "Dossier", "migration", "sécurité", "Frontex")
    assert by_slug["b"].tags == ("sécurité", "Maroc")
    assert [item.slug for item in archive.articles] == ["b", "a"]
    no_entities = enrich(arts, config.model_copy(update={"tags": TagsConfig(entities=False)}))
    assert {item.slug: item.tags for item in no_entities.articles} == {
        "a": ("maroc", "Dossier", "migration", "sécurité"),
        "b": ("sécurité",),
    }
