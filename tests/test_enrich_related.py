"""enrich.related: the inverted index, each score component, thresholds and tie-breaks."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronique.config import RelatedConfig, SiteConfig
from chronique.enrich import enrich
from chronique.enrich.related import (
    Candidate,
    Index,
    build_index,
    date_proximity,
    related_links,
    similarities,
)
from chronique.model import Article

DAY = datetime(2024, 1, 1, tzinfo=UTC)


def article(slug: str, text: str, day: date = date(2024, 1, 1), title: str = "", **fields: object) -> Article:
    return Article(
        slug=slug, title=title or slug, date=day, origin=Path(f"{slug}.md"), body_html="", text=text, **fields
    )  # type: ignore[arg-type]


def norm(index: Index, number: int) -> float:
    return math.sqrt(sum(weight * weight for _, weight in index.vectors[number]))


# -- the index ------------------------------------------------------------------------------------------


def test_vectors_have_unit_length_and_postings_mirror_them() -> None:
    index = build_index([{"a": 3, "b": 1}, {"a": 1, "b": 2}, {"b": 1, "c": 5}])
    for number, vector in enumerate(index.vectors):
        assert norm(index, number) == pytest.approx(1.0)
        for key, weight in vector:
            assert (number, weight) in index.postings[key]


def test_keys_of_a_single_document_are_ignored() -> None:
    # "c" links nothing; keeping it would only dilute the weight of what is shared.
    index = build_index([{"a": 1, "c": 1}, {"a": 1}])
    assert "c" not in index.postings
    assert index.vectors[0] == (("a", 1.0),)


def test_smooth_idf_and_sublinear_tf() -> None:
    index = build_index([{"a": 4, "b": 1}, {"a": 1, "b": 1}, {"b": 1}])
    idf_a, idf_b = math.log(4 / 3) + 1, math.log(4 / 4) + 1
    raw_a, raw_b = (1 + math.log(4)) * idf_a, idf_b
    weights = dict(index.vectors[0])
    assert weights["a"] == pytest.approx(raw_a / math.hypot(raw_a, raw_b))
    assert weights["b"] == pytest.approx(raw_b / math.hypot(raw_a, raw_b))


def test_keys_in_most_documents_are_pruned_once_the_archive_is_large_enough() -> None:
    docs = [{"common": 1, f"pair{i // 2}": 1} for i in range(20)] + [
        {f"pair{i // 2}": 1} for i in range(20, 40)
    ]
    # "common" is in exactly half of 40 documents: kept; in 21 of 40: pruned.
    assert "common" in build_index(docs).postings
    docs[20]["common"] = 1
    assert "common" not in build_index(docs).postings
    # A small archive keeps every shared key: three articles all about Morocco still share "maroc".
    assert "maroc" in build_index([{"maroc": 1}] * 3).postings


def test_similarities_visit_only_documents_sharing_a_key() -> None:
    index = build_index([{"a": 1, "b": 1}, {"a": 1}, {"b": 1}, {"z": 1}, {"z": 1}])
    assert set(similarities(index, 0)) == {1, 2}
    assert set(similarities(index, 3)) == {4}
    assert 0 not in similarities(index, 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 5), max_size=6), max_size=8))
def test_posting_list_scores_equal_brute_force_cosine(docs: list[dict[str, int]]) -> None:
    index = build_index(docs)
    dense = [dict(vector) for vector in index.vectors]
    for number in range(len(docs)):
        found = similarities(index, number)
        for other in range(len(docs)):
            expected = sum(weight * dense[other].get(key, 0.0) for key, weight in dense[number].items())
            if other == number:
                assert other not in found
            elif expected > 0:
                assert found[other] == pytest.approx(expected)
            else:
                assert found.get(other, 0.0) == 0.0


# -- components and ranking --------------------------------------------------------------------------------


def test_date_proximity_is_one_on_the_same_day_and_fades_over_a_year() -> None:
    assert date_proximity(DAY, DAY) == 1.0
    assert date_proximity(DAY, DAY + timedelta(days=365)) == pytest.approx(math.exp(-1))
    assert date_proximity(DAY + timedelta(days=30), DAY) == date_proximity(DAY, DAY + timedelta(days=30))


def nothing(count: int) -> Index:
    """An index of `count` documents that share nothing."""
    return build_index([{}] * count)


def candidates(*days: int) -> list[Candidate]:
    return [Candidate(f"s{n}", DAY + timedelta(days=day)) for n, day in enumerate(days)]


def test_components_are_the_weighted_parts_of_the_score() -> None:
    text = build_index([{"a": 1, "b": 1}, {"a": 1, "c": 1}, {"b": 1, "c": 1}])
    tags = build_index([{"t": 1}, {"t": 1}, {}])
    entities = build_index([{"e": 1}, {}, {"e": 1}])
    config = RelatedConfig(text_weight=1.0, tag_weight=0.5, entity_weight=0.25, date_weight=0.1)
    links = related_links(candidates(0, 0, 365), text, tags, entities, config)
    first, second = links["s0"]
    assert [name for name, _ in first.components] == ["text", "tags", "entities", "date"]
    assert dict(first.components) == pytest.approx(
        {"text": similarities(text, 0)[1], "tags": 0.5, "entities": 0.0, "date": 0.1}
    )
    assert dict(second.components)["entities"] == pytest.approx(0.25)
    assert dict(second.components)["date"] == pytest.approx(0.1 * math.exp(-1))
    for link in (first, second):
        assert link.score == pytest.approx(sum(value for _, value in link.components))


def test_a_date_alone_never_relates_two_articles() -> None:
    text = build_index([{"a": 1}, {"b": 1}])
    links = related_links(candidates(0, 0), text, nothing(2), nothing(2), RelatedConfig(date_weight=1.0))
    assert links == {"s0": (), "s1": ()}


def test_equal_scores_rank_the_newer_first_then_by_slug() -> None:
    same = [{"x": 1}] * 4
    cands = [
        Candidate("b", DAY),
        Candidate("a", DAY),
        Candidate("c", DAY + timedelta(days=5)),
        Candidate("q", DAY),
    ]
    config = RelatedConfig(date_weight=0.0)
    links = related_links(cands, build_index(same), nothing(4), nothing(4), config)
    assert [link.slug for link in links["q"]] == ["c", "a", "b"]
    assert len({link.score for link in links["q"]}) == 1


def test_count_threshold_self_and_unlinkable_targets() -> None:
    text = build_index([{"a": 3}, {"a": 3, "b": 1}, {"a": 1, "b": 5}, {"a": 1, "b": 1}])
    cands = [Candidate("s0", DAY), Candidate("s1", DAY), Candidate("s2", DAY), Candidate("s3", DAY, False)]
    everything = related_links(cands, text, nothing(4), nothing(4), RelatedConfig(count=5, date_weight=0))
    assert [link.slug for link in everything["s0"]] == ["s1", "s2"]  # never itself, never s3
    assert all(link.slug != "s3" for links in everything.values() for link in links)
    assert len(everything["s3"]) == 3  # a draft may still list others
    one = related_links(cands, text, nothing(4), nothing(4), RelatedConfig(count=1, date_weight=0))
    assert one["s0"] == everything["s0"][:1]
    cut = everything["s0"][0].score
    above = related_links(cands, text, nothing(4), nothing(4), RelatedConfig(min_score=cut, date_weight=0))
    assert [link.slug for link in above["s0"]] == ["s1"]


# -- through enrich ------------------------------------------------------------------------------------------


def test_articles_without_shared_words_are_not_related() -> None:
    archive = enrich(
        [
            article("port", "Le port de Tanger Med accueille des conteneurs venus d'Asie."),
            article("docks", "Les conteneurs débarqués au port de Tanger Med repartent vers l'Europe."),
            article("match", "Le Raja bat le Wydad au stade Mohammed-V devant quarante mille supporters."),
        ],
        SiteConfig(),
    )
    assert [link.slug for link in archive.related["port"]] == ["docks"]
    assert archive.related["match"] == ()


def test_text_similarity_ranks_the_closer_article_first() -> None:
    archive = enrich(
        [
            article(
                "visas", "La France réduit les visas accordés aux Marocains, les demandes de visas explosent."
            ),
            article("visas2", "Les demandes de visas pour la France augmentent, les refus de visas aussi."),
            article("ble", "La France exporte du blé vers le Maroc ; les demandes de blé augmentent."),
        ],
        SiteConfig(related=RelatedConfig(date_weight=0, entity_weight=0)),
    )
    assert [link.slug for link in archive.related["visas"]] == ["visas2", "ble"]


def test_related_lists_do_not_depend_on_input_order() -> None:
    arts = [
        article("a", "Frontex et le Maroc renforcent la surveillance des frontières.", date(2023, 1, 1)),
        article("b", "La surveillance des frontières du Maroc mobilise Frontex.", date(2023, 2, 1)),
        article("c", "Le Maroc et l'Espagne discutent des frontières de Ceuta.", date(2022, 5, 1)),
    ]
    assert enrich(arts, SiteConfig()) == enrich(arts[::-1], SiteConfig())


VOCABULARY = [
    "Maroc",
    "France",
    "migration",
    "frontière",
    "sécurité",
    "football",
    "tourisme",
    "Rabat",
    "coopération",
    "terrorisme",
    "économie",
    "énergie",
    "visa",
    "port",
    "Frontex",
    "accord",
]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12), st.integers(0, 2000)),
        min_size=1,
        max_size=12,
    ),
    st.integers(0, 6),
)
def test_related_lists_are_ranked_bounded_and_never_hold_the_article(
    docs: list[tuple[list[str], int]], count: int
) -> None:
    arts = [
        article(f"a{n}", " ".join(words) + ".", date(2020, 1, 1) + timedelta(days=day))
        for n, (words, day) in enumerate(docs)
    ]
    archive = enrich(arts, SiteConfig(related=RelatedConfig(count=count)))
    published = {item.slug: item.published for item in arts}
    assert set(archive.related) == set(published)
    for slug, links in archive.related.items():
        assert len(links) <= count and slug not in {link.slug for link in links}
        keys = [(-link.score, -published[link.slug].timestamp(), link.slug) for link in links]
        assert keys == sorted(keys) and all(link.score > 0 for link in links)


def test_a_limited_query_looks_up_only_the_heaviest_keys() -> None:
    index = build_index([{"rare": 1, "usual": 1}, {"rare": 1}, {"usual": 1}, {"usual": 1}])
    assert set(similarities(index, 0)) == {1, 2, 3}
    assert set(similarities(index, 0, limit=1)) == {1}  # "rare" weighs more: fewer documents hold it
