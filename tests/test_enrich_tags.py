"""enrich tags: taxonomy rules, aliases and hidden tags, caps, rare tags, one name per tag."""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from chronique.analysis import analyse
from chronique.analysis.words import stems
from chronique.config import SiteConfig, TagsConfig, TaxonomyRule, load_config
from chronique.enrich import enrich
from chronique.enrich.tags import assign_tags, display_names, tag_key, topic_tags
from chronique.enrich.terms import stack_terms, term_matrix
from chronique.model import Article
from conftest import extract_entities

REPO = Path(__file__).resolve().parents[1]
DEV_CORPUS = REPO.parent / "shared" / "corpora" / "masakhanews-fr-dev.tsv"


def article(slug: str, title: str, text: str, day: date = date(2024, 1, 1), **fields: object) -> Article:
    return Article(slug=slug, title=title, date=day, origin=Path(f"{slug}.txt"), body_html="", text=text, **fields)  # type: ignore[arg-type]


def topics(taxonomy: dict[str, list[str]], text: str, title: str = "") -> list[str]:
    """The taxonomy tags `enrich` finds in one article, by their names in `taxonomy`."""
    names = {tag_key(name): name for name in taxonomy}
    return [names[key] for key in fast_topics(taxonomy, [(title, text)])[0]]


def slow_topics(taxonomy: dict[str, list[str]], title: str, text: str) -> list[str]:
    """What `topic_tags` must find, the slow way: each rule's stems looked for, in a row, among
    the stems of the title, then of the text."""
    sequence = [s for s, _ in stems(title)] + [""] + [s for s, _ in stems(text)]
    found = []
    for tag, phrases in taxonomy.items():
        rules = [rule for rule in (tuple(s for s, _ in stems(phrase, "fr")) for phrase in phrases) if rule]
        if any(any(tuple(sequence[at : at + len(rule)]) == rule for at in range(len(sequence))) for rule in rules):
            found.append(tag_key(tag))
    return found


def fast_topics(taxonomy: dict[str, list[str]], fields: list[tuple[str, str]]) -> list[list[str]]:
    """`topic_tags` as `enrich` calls it, on the counts of the per-article analyses."""
    languages = ["fr"] * len(fields)
    counts, vocabulary = term_matrix(stack_terms([analyse(title, text, "fr") for title, text in fields]))
    return topic_tags(taxonomy, counts, vocabulary, fields, languages)


# -- taxonomy ----------------------------------------------------------------------------------------------

TAXONOMY = {
    "migration": ["migration", "migratoire", "migrant"],
    "frontières": ["frontière"],
    "sécurité": ["securite"],
    "sport": ["coupe du monde", "football"],
}

CASES = [
    ("Les flux MIGRATOIRES ont doublé.", ["migration"]),
    ("Trois cents migrants secourus.", ["migration"]),
    ("Aux Frontieres de l'Europe.", ["frontières"]),
    ("Le renforcement sécuritaire ne suffit pas, la SÉCURITÉ des ports d'abord.", ["sécurité"]),
    ("La Coupe du monde 2030 au Maroc.", ["sport"]),
    ("Les coupes du Monde passées.", ["sport"]),
    ("La coupe du monde, la Coupe d'Afrique.", ["sport"]),
    # a phrase matches word for word, not as scattered words
    ("Il coupe le ruban du nouveau monde des affaires.", []),
    ("Une coupe, puis le monde.", []),
    ("Rien à voir.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_taxonomy_ignores_accents_case_and_inflection(text: str, expected: list[str]) -> None:
    assert topics(TAXONOMY, text) == expected
    assert fast_topics(TAXONOMY, [("", text)]) == [[tag_key(tag) for tag in expected]]


def test_taxonomy_tags_follow_config_order_and_read_the_title() -> None:
    text = "Le football et les frontières."
    assert topics(TAXONOMY, text, title="Migrations") == ["migration", "frontières", "sport"]
    assert fast_topics(TAXONOMY, [("Migrations", text)]) == [["migration", "frontiere", "sport"]]


def test_a_phrase_never_spans_title_and_text() -> None:
    assert topics(TAXONOMY, "monde en fête", title="La coupe du") == []
    assert fast_topics(TAXONOMY, [("La coupe du", "monde en fête")]) == [[]]


def test_a_rule_of_function_words_still_matches_word_for_word() -> None:
    taxonomy = {"hier": ["hier"], "un": ["de la"]}
    assert fast_topics(taxonomy, [("", "Hier, à Rabat."), ("", "Le prix de la paix."), ("", "Rien.")]) == [
        ["hier"],
        ["un"],
        [],
    ]


def test_each_article_is_matched_with_the_stems_of_its_language() -> None:
    fields = [("", "La sécurité des ports."), ("", "Port security matters."), ("", "Securities fell.")]
    languages = ["fr", "en", "en"]
    analyses = [analyse(title, text, language) for (title, text), language in zip(fields, languages, strict=True)]
    counts, vocabulary = term_matrix(stack_terms(analyses))
    taxonomy = {"sécurité": ["sécurité", "security"], "port": ["port"]}
    assert topic_tags(taxonomy, counts, vocabulary, fields, languages) == [
        ["securite", "port"],
        ["securite", "port"],
        ["securite"],
    ]


@pytest.mark.skipif(not DEV_CORPUS.is_file(), reason="the shared development corpus is not beside the repository")
def test_fast_taxonomy_matching_finds_what_matching_every_stem_finds() -> None:
    with DEV_CORPUS.open(encoding="utf-8", newline="") as handle:
        fields = [(row["headline"], row["text"]) for row in csv.DictReader(handle, delimiter="\t")]
    taxonomy = load_config(REPO / "seeds" / "site.yaml").topic_words()
    taxonomy["football africain"] = ["Coupe d'Afrique", "Afrique du Sud", "ballon d'or"]
    slow = [slow_topics(taxonomy, title, text) for title, text in fields]
    assert fast_topics(taxonomy, fields) == slow
    assert sum(map(bool, slow)) > 100


# -- names ---------------------------------------------------------------------------------------------------


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


# -- article tags --------------------------------------------------------------------------------------------


def tags_of(archive_articles: tuple[Article, ...]) -> dict[str, tuple[str, ...]]:
    return {item.slug: item.tags for item in archive_articles}


def test_article_tags_explicit_then_taxonomy_then_entities_with_one_name_each() -> None:
    config = SiteConfig(taxonomy={"migration": ["migrant"], "sécurité": ["sécurité"]}, tags=TagsConfig(min_articles=1))
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
    assert tags_of(archive.articles) == {
        "a": ("Maroc", "Dossier", "migration", "sécurité", "Frontex"),
        "b": ("sécurité", "Maroc"),
    }
    assert [item.slug for item in archive.articles] == ["b", "a"]
    no_entities = enrich(arts, config.model_copy(update={"tags": TagsConfig(entities=False)}))
    assert tags_of(no_entities.articles) == {"a": ("maroc", "Dossier", "migration", "sécurité"), "b": ("sécurité",)}


def rule(**fields: object) -> TaxonomyRule:
    return TaxonomyRule.model_validate(fields)


def tagging_of(
    texts: list[str], explicit: list[tuple[str, ...]], taxonomy: dict[str, TaxonomyRule], **tags: object
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[dict[str, int]]]:
    """Shown tags, related signal and entities per text (no topic words: aliases and hide only)."""
    found = extract_entities([("", text) for text in texts])
    result = assign_tags(explicit, [[] for _ in texts], found, TagsConfig.model_validate(tags), taxonomy)
    return list(result.shown), list(result.signal), [dict(pairs) for pairs in result.entities]


def test_an_alias_renames_an_explicit_tag() -> None:
    taxonomy = {"Maroc": rule(aliases=["Morocco", "Royaume du Maroc"])}
    shown, signal, _ = tagging_of(["Rien.", "Rien."], [("morocco", "Dossier"), ("Royaume du Maroc",)], taxonomy)
    assert shown == [("Maroc", "Dossier"), ("Maroc",)]
    assert signal == [("maroc", "dossier"), ("maroc",)]


def test_an_alias_renames_an_entity_and_merges_mentions_once_per_article() -> None:
    taxonomy = {"franc CFA": rule(aliases=["FCFA", "CFA"])}
    text = "Le FCFA baisse à Dakar. Le FCFA, dit-on. Le CFA aussi, le CFA encore, à Dakar."
    shown, signal, found = tagging_of([text], [("FCFA",)], taxonomy, min_articles=1)
    assert shown == [("franc CFA", "Dakar")]
    assert found == [{"franc cfa": 4, "dakar": 2}]
    assert signal == [("franc cfa",)]


def test_a_hidden_tag_is_not_shown_but_still_relates_articles() -> None:
    taxonomy = {"Dossier": rule(hide=True), "Dakar": rule(hide=True), "migration": rule(words=["migrant"], hide=True)}
    text = "Des migrants à Dakar. À Dakar, des migrants."
    config = SiteConfig(taxonomy=taxonomy)
    arts = [article(slug, "", text, tags=("Dossier", "Sénégal")) for slug in ("a", "b")]
    archive = enrich(arts, config)
    assert tags_of(archive.articles) == {"a": ("Sénégal",), "b": ("Sénégal",)}
    shown, signal, _ = tagging_of([text], [("Dossier", "Sénégal")], taxonomy)
    assert shown == [("Sénégal",)] and signal == [("dossier", "senegal", "dakar")]
    assert [link.slug for link in archive.related["a"]] == ["b"]


def test_entity_tags_are_capped_by_max_entities_the_most_mentioned_first() -> None:
    names = ["Rabat", "Tanger", "Fès", "Agadir", "Oujda", "Meknès", "Tétouan", "Nador"]
    text = " ".join(f"Visite à {name}. Retour à {name}." for name in names) + " Encore Rabat."
    shown, _, found = tagging_of([text], [("Dossier",)], {}, min_articles=1)
    assert shown[0][:2] == ("Dossier", "Rabat") and len(shown[0]) == 1 + 6
    assert len(found[0]) == len(names)  # the related signal keeps them all
    assert tagging_of([text], [("Dossier",)], {}, max_entities=2, min_articles=1)[0] == [("Dossier", "Rabat", "Tanger")]
    assert tagging_of([text], [()], {}, max_entities=0, min_articles=1)[0] == [()]
    assert tagging_of([text], [()], {}, entities=False, min_articles=1)[0] == [()]


def test_a_tag_on_fewer_than_min_articles_articles_is_shown_on_none() -> None:
    texts = ["À Rabat, puis Rabat.", "À Rabat, puis Rabat. À Dakar, puis Dakar.", "Rien."]
    explicit = [("Commun", "Rare"), ("Commun",), ()]
    assert tagging_of(texts, explicit, {}, min_articles=1)[0] == [
        ("Commun", "Rare", "Rabat"),
        ("Commun", "Rabat", "Dakar"),
        (),
    ]
    shown, signal, _ = tagging_of(texts, explicit, {}, min_articles=2)
    assert shown == [("Commun", "Rabat"), ("Commun", "Rabat"), ()]
    assert signal[0] == ("commun", "rare")  # rare tags still relate articles
    assert tagging_of(texts, explicit, {}, min_articles=3)[0] == [(), (), ()]


def test_min_articles_counts_after_the_cap() -> None:
    # "Dakar" is in both articles, but the cap of one entity keeps it on the first only: no page for one.
    texts = ["À Rabat, Rabat, Rabat. À Dakar, Dakar.", "À Dakar, puis Dakar. À Rabat, Rabat, Rabat."]
    assert tagging_of(texts, [(), ()], {}, max_entities=1, min_articles=2)[0] == [("Rabat",), ("Rabat",)]


def test_tags_do_not_depend_on_input_order() -> None:
    config = SiteConfig(
        taxonomy={
            "migration": rule(words=["migrant"], aliases=["Migrations"]),
            "Dossier": rule(hide=True),
            "franc CFA": rule(aliases=["FCFA"]),
        },
        tags=TagsConfig(max_entities=2, min_articles=2),
    )
    texts = [
        "Des migrants à Dakar. Le FCFA, le FCFA. Dakar attend M. Macky Sall. Macky Sall parle.",
        "À Dakar, Sall a reçu des migrants. Sall et le FCFA. Le FCFA baisse.",
        "Emmanuel Macron à Rabat. Macron et Rabat. Les migrants, le FCFA et le FCFA.",
    ]
    arts = [
        article(f"a{n}", f"Titre {n}", texts[n % 3], day=date(2024, 1, 1 + n % 5), tags=(("Dossier",), ())[n % 2])
        for n in range(12)
    ]
    expected = enrich(arts, config)
    for seed in range(3):
        shuffled = list(arts)
        random.Random(seed).shuffle(shuffled)
        assert enrich(shuffled, config) == expected
    shown = {tag for item in expected.articles for tag in item.tags}
    assert shown == {"migration", "franc CFA", "Dakar", "Macky Sall", "Emmanuel Macron", "Rabat"}
