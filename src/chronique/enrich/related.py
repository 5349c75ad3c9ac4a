"""Related articles through weighted posting lists, after Hugo's related/inverted_index.go.

Each signal (text stems, topic tags, named entities) is one `Index`: every document is a sparse
vector of L2-normalised TF-IDF weights, and the index keeps, for each key, the posting list of
(document, weight). Scoring a document walks only the posting lists of its own keys, so the cost
follows the number of documents that share something with it, never the number of pairs.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from ..config import RelatedConfig
from ..model import RelatedLink

# Keys found in more than this share of the documents say little about any pair of them.
MAX_DF = 0.5
# Below this many documents, a share says nothing yet: do not prune.
PRUNE_FROM = 20
# Scores are rounded before ranking, so that float noise never decides a tie.
DIGITS = 9
# A text query looks up only this many of the article's heaviest stems (see `similarities`).
QUERY_TERMS = 100


@dataclass(frozen=True, slots=True)
class Index:
    """Normalised document vectors and their posting lists (build with `build_index`)."""

    vectors: tuple[tuple[tuple[str, float], ...], ...]
    """Per document, (key, weight) pairs with unit Euclidean norm; empty when nothing is kept."""
    postings: Mapping[str, tuple[tuple[int, float], ...]]
    """key -> (document number, weight) for every document that holds the key."""


def build_index(
    documents: Sequence[Mapping[str, float]],
    *,
    sublinear: bool = True,
    min_df: int = 2,
    max_df: float = MAX_DF,
    prune_from: int = PRUNE_FROM,
) -> Index:
    """Index documents given as key -> raw count (or 1.0 for sets such as tags).

    TF-IDF as scikit-learn computes it (smooth idf: ln((1+n)/(1+df)) + 1), with sublinear tf
    (1 + ln tf). Keys held by fewer than `min_df` documents are dropped: they cannot link two
    documents, and leaving them in would only shrink the weight of the shared ones. Keys held by
    more than `max_df` of the documents are dropped too, once there are `prune_from` documents.
    """
    count = len(documents)
    df: dict[str, int] = defaultdict(int)
    for document in documents:
        for key in document:
            df[key] += 1
    ceiling = max_df * count if count >= prune_from else math.inf
    idf = {
        key: math.log((1 + count) / (1 + freq)) + 1.0 for key, freq in df.items() if min_df <= freq <= ceiling
    }
    vectors: list[tuple[tuple[str, float], ...]] = []
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, document in enumerate(documents):
        raw = {
            key: ((1.0 + math.log(tf)) if sublinear else tf) * idf[key]
            for key, tf in sorted(document.items())
            if key in idf and tf > 0
        }
        norm = math.sqrt(sum(weight * weight for weight in raw.values()))
        vector = tuple((key, weight / norm) for key, weight in raw.items()) if norm else ()
        vectors.append(vector)
        for key, weight in vector:
            postings[key].append((number, weight))
    return Index(tuple(vectors), {key: tuple(posting) for key, posting in postings.items()})


def similarities(index: Index, number: int, limit: int | None = None) -> dict[int, float]:
    """Dot products of document `number` with every other document sharing a key with it.

    With `limit`, only the document's `limit` heaviest keys are looked up (as Lucene's "more like
    this" does): the cost of a query then stays bounded however long the article, and the light
    keys left out are the ones that add noise more than evidence. Without it, this is the cosine.
    """
    vector = index.vectors[number]
    if limit is not None and len(vector) > limit:
        vector = tuple(sorted(vector, key=lambda item: (-item[1], item[0]))[:limit])
    scores: dict[int, float] = defaultdict(float)
    postings = index.postings
    for key, weight in vector:
        for other, other_weight in postings[key]:
            scores[other] += weight * other_weight
    scores.pop(number, None)
    return scores


def date_proximity(first: datetime, second: datetime) -> float:
    """1 on the same day, 1/e a year apart: articles of the same weeks tend to follow one story."""
    return _proximity(first.timestamp() / 86400.0, second.timestamp() / 86400.0)


def _proximity(first_day: float, second_day: float) -> float:
    return math.exp(-abs(first_day - second_day) / 365.0)


@dataclass(frozen=True, slots=True)
class Candidate:
    """What `related_links` needs of an article: a name, a date, and whether it may be linked to."""

    slug: str
    published: datetime
    linkable: bool = True


def related_links(
    candidates: Sequence[Candidate],
    text: Index,
    tags: Index,
    entities: Index,
    config: RelatedConfig,
) -> dict[str, tuple[RelatedLink, ...]]:
    """Each article's best `config.count` others, best first.

    score = text_weight × text similarity + tag_weight × tag cosine + entity_weight × entity cosine
    + date_weight × date proximity, the last only for pairs that share something else, so that a
    mere date never makes two articles related. `components` holds the four weighted terms (they
    add up to the score). Ties: newer first, then slug.
    """
    signals = [
        (name, index, weight, limit)
        for name, index, weight, limit in (
            ("text", text, config.text_weight, QUERY_TERMS),
            ("tags", tags, config.tag_weight, None),
            ("entities", entities, config.entity_weight, None),
        )
        if weight > 0
    ]
    days = [candidate.published.timestamp() / 86400.0 for candidate in candidates]
    result: dict[str, tuple[RelatedLink, ...]] = {}
    for number, article in enumerate(candidates):
        parts = {name: similarities(index, number, limit) for name, index, _, limit in signals}
        total: dict[int, float] = {}
        for name, _, weight, _ in signals:
            found = parts[name]
            if not total:
                total = {other: weight * similarity for other, similarity in found.items()}
                continue
            for other, similarity in found.items():
                total[other] = total.get(other, 0.0) + weight * similarity
        links = []
        for other, score in _best(number, candidates, days, total, config):
            weighted = [(name, weight * parts[name].get(other, 0.0)) for name, _, weight, _ in signals]
            links.append(
                _link(candidates[other].slug, score, dict(weighted), days[number], days[other], config)
            )
        result[article.slug] = tuple(links)
    return result


def _best(
    number: int,
    candidates: Sequence[Candidate],
    days: Sequence[float],
    total: dict[int, float],
    config: RelatedConfig,
) -> list[tuple[int, float]]:
    """The `config.count` best (candidate, score) pairs, best first.

    Candidates are taken by decreasing similarity; the date adds at most date_weight, so once the
    similarity falls that far below the count-th best score, no later candidate can make it.
    """
    if config.count == 0:
        return []
    kept: list[float] = []  # the best `count` scores so far, smallest first
    ranked = []
    for other, value in sorted(total.items(), key=itemgetter(1), reverse=True):
        if len(kept) == config.count and value + config.date_weight < kept[0] - 10.0**-DIGITS:
            break
        target = candidates[other]
        if not target.linkable:
            continue
        score = round(value + config.date_weight * _proximity(days[number], days[other]), DIGITS)
        if score <= 0 or score < config.min_score:
            continue
        ranked.append((-score, -days[other], target.slug, other))
        (heapq.heappush if len(kept) < config.count else heapq.heappushpop)(kept, score)
    return [(entry[3], -entry[0]) for entry in heapq.nsmallest(config.count, ranked)]


def _link(
    slug: str, score: float, weighted: dict[str, float], day: float, other_day: float, config: RelatedConfig
) -> RelatedLink:
    components = [(name, round(weighted.get(name, 0.0), DIGITS)) for name in ("text", "tags", "entities")]
    components.append(("date", round(config.date_weight * _proximity(day, other_day), DIGITS)))
    return RelatedLink(slug, score, tuple(components))
