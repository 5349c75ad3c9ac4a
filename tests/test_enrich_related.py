"""enrich.related: the inverted index and its pruning, each score component, thresholds and tie-breaks."""

from __future__ import annotations

import dataclasses
import math
import os
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from chronique.config import RelatedConfig, SiteConfig
from chronique.enrich import enrich
from chronique.enrich.related import (
    TUNING,
    Candidate,
    Pairs,
    Signal,
    Tuning,
    _champions,
    _neighbourhood,
    _queries,
    index_signal,
    rank_candidates,
    search,
    weigh,
)
from chronique.model import Article


def changed(settings, **changes):  # type: ignore[no-untyped-def]
    """A copy with `changes`, for the pydantic RelatedConfig and the Tuning dataclass alike."""
    if isinstance(settings, RelatedConfig):
        return settings.model_copy(update=changes)
    return dataclasses.replace(settings, **changes)


DAY = datetime(2024, 1, 1, tzinfo=UTC)
TEXT_ONLY = RelatedConfig(tag_weight=0, entity_weight=0, date_weight=0, neighbour_weight=0)
EXACT = changed(TUNING, query_terms=10**6, champions=10**6)


def article(slug: str, text: str, day: date = date(2024, 1, 1), title: str = "", **fields: object) -> Article:
    return Article(
        slug=slug, title=title or slug, date=day, origin=Path(f"{slug}.md"), body_html="", text=text, **fields
    )  # type: ignore[arg-type]


def counts(*documents: dict[str, float]) -> sparse.csr_matrix:
    """Documents as key -> count, as the sparse matrix `weigh` and `Signal` take."""
    keys = sorted({key for document in documents for key in document})
    rows = [[document.get(key, 0.0) for key in keys] for document in documents]
    return sparse.csr_matrix(np.array(rows, dtype=float).reshape(len(documents), len(keys)))


def cands(*days: int) -> list[Candidate]:
    return [Candidate(f"s{n}", DAY + timedelta(days=day)) for n, day in enumerate(days)]


def text(*documents: dict[str, float], weight: float = 1.0) -> list[Signal]:
    return [Signal("text", counts(*documents), weight)]


def related_links(
    candidates: list[Candidate], signals: list[Signal], config: RelatedConfig, tuning: Tuning = TUNING
) -> dict:
    """What `enrich` does with the signals it gathered: index each one, then search them together."""
    ranking = rank_candidates(candidates)
    return search(candidates, ranking, [index_signal(signal, ranking, tuning) for signal in signals], config, tuning)


def slugs(links: dict, slug: str) -> list[str]:
    return [link.slug for link in links[slug]]


# -- weights and the index ---------------------------------------------------------------------------------


def test_rows_have_unit_length() -> None:
    weighted = weigh(counts({"a": 3, "b": 1}, {"a": 1, "b": 2}, {"b": 1, "c": 5}, {"c": 1}))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    assert norms == pytest.approx(1.0)


def test_smooth_idf_and_sublinear_tf() -> None:
    weighted = weigh(counts({"a": 4, "b": 1}, {"a": 1, "b": 1}, {"b": 1})).toarray()
    idf_a, idf_b = math.log(4 / 3) + 1, math.log(4 / 4) + 1
    raw_a, raw_b = (1 + math.log(4)) * idf_a, idf_b
    assert weighted[0] == pytest.approx([raw_a / math.hypot(raw_a, raw_b), raw_b / math.hypot(raw_a, raw_b)])


def test_keys_of_a_single_document_are_ignored() -> None:
    # "c" links nothing; keeping it would only dilute the weight of what is shared.
    weighted = weigh(counts({"a": 1, "c": 1}, {"a": 1})).toarray()
    assert weighted[0].tolist() == [1.0, 0.0]


def test_keys_in_most_documents_are_pruned_once_the_archive_is_large_enough() -> None:
    docs = [{"common": 1, f"pair{i // 2}": 1} for i in range(20)] + [{f"pair{i // 2}": 1} for i in range(20, 40)]
    # "common" is in exactly half of 40 documents: kept; in 21 of 40: pruned.
    assert weigh(counts(*docs))[:, 0].nnz == 20
    docs[20]["common"] = 1
    assert weigh(counts(*docs))[:, 0].nnz == 0
    # A small archive keeps every shared key: three articles all about Morocco still share "maroc".
    assert weigh(counts(*[{"maroc": 1}] * 3)).nnz == 3


def test_a_key_in_most_articles_relates_nothing() -> None:
    docs = [{"common": 1, f"own{i}": 1} for i in range(30)]
    docs[0]["shared"] = docs[1]["shared"] = 1
    links = related_links(cands(*[0] * 30), text(*docs), TEXT_ONLY)
    assert slugs(links, "s0") == ["s1"] and slugs(links, "s1") == ["s0"]
    assert all(not links[f"s{i}"] for i in range(2, 30))


def test_a_query_is_the_articles_heaviest_keys() -> None:
    matrix = sparse.csr_matrix(np.array([[0.5, 0.1, 0.3, 0.0, 0.2], [0.1, 0.0, 0.0, 0.0, 0.0]]))
    assert _queries(matrix, 2).toarray().tolist() == [[0.5, 0.0, 0.3, 0.0, 0.0], [0.1, 0.0, 0.0, 0.0, 0.0]]


def test_champion_lists_keep_each_keys_heaviest_linkable_articles() -> None:
    # Column 0 is in all 5 articles, heaviest in article 3; equal weights go to the newer article.
    matrix = sparse.csr_matrix(np.array([[0.2, 1.0], [0.2, 0.0], [0.1, 0.0], [0.9, 0.0], [0.2, 0.0]]))
    rank = np.array([4, 3, 2, 1, 0])  # article 4 is the newest
    postings = _champions(matrix, np.array([True] * 5), rank, 2)
    assert postings.shape == (2, 5)
    assert sorted(postings[0].indices) == [3, 4] and postings[1].indices.tolist() == [0]
    drafts_out = _champions(matrix, np.array([True, True, True, False, True]), rank, 2)
    assert sorted(drafts_out[0].indices) == [1, 4]


def test_postings_are_bounded_so_no_pair_of_a_big_archive_is_all_scored() -> None:
    # 300 articles all sharing one key (below max_df since each also has its own pair key).
    docs = [{"topic": 1, f"pair{i // 2}": 1, f"x{i % 7}": 1} for i in range(300)]
    tuning = changed(TUNING, champions=10, max_df=1.0)
    whole = weigh(counts(*docs), tuning)
    postings = _champions(whole, np.ones(300, dtype=bool), np.arange(300), tuning.champions)
    assert np.diff(postings.indptr).max() == 10
    links = related_links(cands(*range(300)), text(*docs), TEXT_ONLY, tuning)
    for number in range(0, 300, 2):  # the pair partner still comes first: its key is rare
        assert slugs(links, f"s{number}")[0] == f"s{number + 1}"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 5), max_size=6), min_size=1, max_size=8))
def test_without_cuts_the_text_component_is_the_cosine(docs: list[dict[str, int]]) -> None:
    weighted = weigh(counts(*docs)).toarray()
    links = related_links(cands(*[0] * len(docs)), text(*docs), changed(TEXT_ONLY, count=50), EXACT)
    for number in range(len(docs)):
        found = {link.slug: dict(link.components)["text"] for link in links[f"s{number}"]}
        for other in range(len(docs)):
            cosine = float(weighted[number] @ weighted[other])
            if other == number or cosine <= 0:
                assert f"s{other}" not in found
            else:
                assert found[f"s{other}"] == pytest.approx(cosine, abs=1e-8)


# -- components ----------------------------------------------------------------------------------------------


def test_date_proximity_is_one_on_the_same_day_and_fades_over_a_year() -> None:
    shortlist = np.array([[1, 2], [0, 2], [0, 1]])
    proximity = Pairs(shortlist, np.array([0.0, 0.0, 365.0]), TUNING).date_proximity()
    assert proximity[0, 0] == 1.0
    assert proximity[0, 1] == pytest.approx(math.exp(-1))
    assert proximity[2, 0] == proximity[0, 1]


def test_components_are_the_weighted_parts_of_the_score() -> None:
    signals = [
        Signal("text", counts({"a": 1, "b": 1}, {"a": 1, "c": 1}, {"b": 1, "c": 1}), 1.0),
        Signal("tags", counts({"t": 1}, {"t": 1}, {}), 0.5),
        Signal("entities", counts({"e": 1}, {}, {"e": 1}), 0.25),
    ]
    config = RelatedConfig(text_weight=1.0, tag_weight=0.5, entity_weight=0.25, date_weight=0.1, neighbour_weight=0)
    links = related_links(cands(0, 0, 365), signals, config)
    first, second = links["s0"]
    weighted = weigh(signals[0].counts).toarray()
    cosine = float(weighted[0] @ weighted[1])
    assert [name for name, _ in first.components] == ["text", "tags", "entities", "date", "neighbours"]
    assert dict(first.components) == pytest.approx(
        {"text": cosine, "tags": 0.5, "entities": 0.0, "date": 0.1, "neighbours": 0.0}
    )
    assert dict(second.components)["entities"] == pytest.approx(0.25)
    assert dict(second.components)["date"] == pytest.approx(0.1 * math.exp(-1))
    for link in (first, second):
        assert link.score == pytest.approx(sum(value for _, value in link.components), abs=1e-8)


def test_tags_alone_relate_articles_on_an_untagged_text() -> None:
    signals = [
        Signal("text", counts({}, {}, {}), 1.0),
        Signal("tags", counts({"t": 1}, {"t": 1, "u": 1}, {"u": 1}), 1.0),
    ]
    links = related_links(cands(0, 0, 0), signals, RelatedConfig(date_weight=0, neighbour_weight=0))
    assert slugs(links, "s0") == ["s1"]
    assert dict(links["s0"][0].components)["tags"] == pytest.approx(1 / math.sqrt(2))


def test_neighbour_component_is_the_cosine_of_neighbourhoods() -> None:
    # Shortlists, best first: 0 -> 1, 2; 1 -> 0; 2 -> 0; 3 -> nothing.
    shortlist = np.array([[1, 2], [0, -1], [0, -1], [-1, -1]])
    tuning = changed(TUNING, neighbours=1, expansion=1)
    # Descriptions: 0 = {0, 1}/2, 1 = {1, 0}/2, 2 = {2, 0}/2: cos(0, 1) = 1, cos(0, 2) = 1/2.
    found = _neighbourhood(shortlist, tuning)
    assert found[0].tolist() == pytest.approx([1.0, 0.5])
    assert found[1, 0] == pytest.approx(1.0) and found[3].tolist() == [0.0, 0.0]


def test_shared_neighbours_lift_a_candidate_that_shares_fewer_words() -> None:
    # s0 shares one strong key with s1, and one weak key with s2; s2 shares s0's neighbours s3 and s4.
    docs = [
        {"port": 1, "tanger": 1, "conteneur": 1, "asie": 1},
        {"port": 3, "bateau": 1},
        {"tanger": 1, "conteneur": 1, "asie": 1},
        {"tanger": 1, "conteneur": 1},
        {"conteneur": 1, "asie": 1},
    ]
    plain = related_links(cands(0, 0, 0, 0, 0), text(*docs), TEXT_ONLY, EXACT)
    lifted = related_links(cands(0, 0, 0, 0, 0), text(*docs), changed(TEXT_ONLY, neighbour_weight=2.0), EXACT)
    assert dict(lifted["s0"][0].components)["neighbours"] > 0
    assert set(slugs(plain, "s0")) == set(slugs(lifted, "s0"))  # re-ranking never adds an article


def test_a_date_alone_never_relates_two_articles() -> None:
    links = related_links(cands(0, 0), text({"a": 1}, {"b": 1}), RelatedConfig(date_weight=1.0))
    assert links == {"s0": (), "s1": ()}


def test_articles_sharing_nothing_get_no_score() -> None:
    links = related_links(cands(0, 0, 0), text({"a": 1}, {"a": 1}, {"z": 1}), RelatedConfig())
    assert slugs(links, "s0") == ["s1"] and links["s2"] == ()


# -- ranking -------------------------------------------------------------------------------------------------


def test_equal_scores_rank_the_newer_first_then_by_slug() -> None:
    candidates = [
        Candidate("b", DAY),
        Candidate("a", DAY),
        Candidate("c", DAY + timedelta(days=5)),
        Candidate("q", DAY),
    ]
    links = related_links(candidates, text(*[{"x": 1}] * 4), RelatedConfig(date_weight=0.0))
    assert slugs(links, "q") == ["c", "a", "b"]
    assert len({link.score for link in links["q"]}) == 1


def test_count_threshold_self_and_unlinkable_targets() -> None:
    docs = ({"a": 3}, {"a": 3, "b": 1}, {"a": 1, "b": 5}, {"a": 1, "b": 1})
    candidates = [Candidate("s0", DAY), Candidate("s1", DAY), Candidate("s2", DAY), Candidate("s3", DAY, False)]
    config = RelatedConfig(count=5, date_weight=0, neighbour_weight=0)
    everything = related_links(candidates, text(*docs), config)
    assert slugs(everything, "s0") == ["s1", "s2"]  # never itself, never s3
    assert all(link.slug != "s3" for links in everything.values() for link in links)
    assert len(everything["s3"]) == 3  # a draft may still list others
    one = related_links(candidates, text(*docs), changed(config, count=1))
    assert one["s0"] == everything["s0"][:1]
    cut = everything["s0"][0].score
    above = related_links(candidates, text(*docs), changed(config, min_score=cut))
    assert slugs(above, "s0") == ["s1"]
    assert related_links(candidates, text(*docs), changed(config, count=0)) == dict.fromkeys(everything, ())


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
    assert slugs(archive.related, "port") == ["docks"]
    assert archive.related["match"] == ()


def test_text_similarity_ranks_the_closer_article_first() -> None:
    archive = enrich(
        [
            article("visas", "La France réduit les visas accordés aux Marocains, les demandes de visas explosent."),
            article("visas2", "Les demandes de visas pour la France augmentent, les refus de visas aussi."),
            article("ble", "La France exporte du blé vers le Maroc ; les demandes de blé augmentent."),
        ],
        SiteConfig(related=RelatedConfig(date_weight=0, entity_weight=0)),
    )
    assert slugs(archive.related, "visas") == ["visas2", "ble"]


VOCABULARY = ["Maroc", "France", "migration", "frontière", "sécurité", "football", "tourisme", "Rabat", "Frontex"]


def archive_of(seed: int, size: int = 40) -> list[Article]:
    rng = random.Random(seed)
    return [
        article(
            f"a{n:02d}",
            " ".join(rng.choices(VOCABULARY + [f"mot{k}" for k in range(30)], k=rng.randint(3, 15))) + ".",
            date(2020, 1, 1) + timedelta(days=rng.randint(0, 900)),
            draft=rng.random() < 0.1,
        )
        for n in range(size)
    ]


def test_related_lists_do_not_depend_on_input_order() -> None:
    articles = archive_of(1)
    expected = enrich(articles, SiteConfig())
    for seed in range(3):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        assert enrich(shuffled, SiteConfig()) == expected


def test_entities_found_in_a_forked_process_are_those_found_in_a_thread(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Large archives extract entities in a forked child (parallel.forked): same result, errors raised."""
    import chronique.enrich as enrich_module
    from chronique.parallel import Parallelism

    texts = "M. Hassad à Rabat. Mohamed Hassad au Maroc."
    articles = [dataclasses.replace(a, text=f"{a.text} {texts}") for a in archive_of(5)]
    in_thread = enrich(articles, SiteConfig())
    forking = Parallelism(entities_from=0, fork_beside_threads=True)  # other tests may leave threads
    assert enrich(articles, SiteConfig(), parallelism=forking) == in_thread
    assert "Mohamed Hassad" in {tag for article in in_thread.articles for tag in article.tags}

    def broken(*_: object) -> None:
        raise ValueError(f"raised in process {os.getpid()}")

    monkeypatch.setattr(enrich_module, "entities_of", broken)
    with pytest.raises(ValueError, match="raised in process") as raised:
        enrich(articles, SiteConfig(), parallelism=forking)
    assert str(os.getpid()) not in str(raised.value)


def test_related_lists_do_not_depend_on_the_hash_seed() -> None:
    script = (
        "import random, sys; sys.path[:0] = ['tests', 'src'];"
        "from test_enrich_related import archive_of; from chronique.enrich import enrich;"
        "from chronique.config import SiteConfig;"
        "print(repr(sorted(enrich(archive_of(2, 30), SiteConfig()).related.items())))"
    )
    root = Path(__file__).resolve().parents[1]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1 and "RelatedLink" in outputs.pop()


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
    articles = [
        article(f"a{n}", " ".join(words) + ".", date(2020, 1, 1) + timedelta(days=day))
        for n, (words, day) in enumerate(docs)
    ]
    archive = enrich(articles, SiteConfig(related=RelatedConfig(count=count)))
    published = {item.slug: item.published for item in articles}
    assert set(archive.related) == set(published)
    for slug, links in archive.related.items():
        assert len(links) <= count and slug not in {link.slug for link in links}
        keys = [(-link.score, -published[link.slug].timestamp(), link.slug) for link in links]
        assert keys == sorted(keys) and all(link.score > 0 for link in links)
        for link in links:
            assert link.score == pytest.approx(sum(value for _, value in link.components), abs=1e-8)


# -- measured quality ------------------------------------------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "masakhanews-fr-dev.tsv"
# bench/related_quality.py measures 0.790 with the defaults; the margin allows for small changes elsewhere.
CLAIMED_P_AT_5 = 0.79
MARGIN = 0.02


@pytest.mark.skipif(not CORPUS.exists(), reason="shared/corpora is not beside the repository")
def test_development_corpus_precision_at_5() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        from related_quality import precision, read_corpus
        from related_quality import settings as bench_settings
    finally:
        sys.path.pop(0)
    articles, categories = read_corpus(CORPUS)
    assert precision(articles, categories, *bench_settings({})) >= CLAIMED_P_AT_5 - MARGIN
