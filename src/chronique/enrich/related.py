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

from ..config import RelatedConfig
from ..model import RelatedLink

# Keys found in more than this share of the documents say little about any pair of them.
MAX_DF = 0.5
# Below this many documents, a share says nothing yet: do not prune.
PRUNE_FROM = 20
# Scores are rounded before ranking, so that float noise never decides a tie.
DIGITS = 9


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
        key: math.log((1 + count) / (1 + freq)) + 1.0
        for key, freq in df.items()
        if min_df <= freq <= ceiling
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


def similarities(index: Index, number: int) -> dict[int, float]:
    """Cosine similarity of document `number` with every other document sharing a key with it."""
    scores: dict[int, float] = defaultdict(float)
    for key, weight in index.vectors[number]:
        for other, other_weight in index.postings[key]:
            if other != number:
                scores[other] += weight * other_weight
    return scores


def date_proximity(first: datetime, second: datetime) -> float:
    """1 on the same day, 1/e a year apart: articles of the same weeks tend to follow one story."""
    days = abs((first - second).total_seconds()) / 86400.0
    return math.exp(-days / 365.0)


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

    score = text_weight × text cosine + tag_weight × tag cosine + entity_weight × entity cosine
    + date_weight × date proximity, the last only for pairs that share something else, so that
    a mere date never makes two articles related. `components` holds the four weighted terms
    (they add up to the score). Ties: newer first, then slug.
    """
    weighted = (
        ("text", text, config.text_weight),
        ("tags", tags, config.tag_weight),
        ("entities", entities, config.entity_weight),
    )
    result: dict[str, tuple[RelatedLink, ...]] = {}
    for number, article in enumerate(candidates):
        parts: dict[int, dict[str, float]] = defaultdict(dict)
        for name, index, weight in weighted:
            if weight <= 0:
                continue
            for other, similarity in similarities(index, number).items():
                if similarity > 0:
                    parts[other][name] = weight * similarity
        ranked: list[tuple[float, float, str, RelatedLink]] = []
        for other, found in parts.items():
            target = candidates[other]
            if not target.linkable:
                continue
            date_part = config.date_weight * date_proximity(article.published, target.published)
            components = (
                ("text", round(found.get("text", 0.0), DIGITS)),
                ("tags", round(found.get("tags", 0.0), DIGITS)),
                ("entities", round(found.get("entities", 0.0), DIGITS)),
                ("date", round(date_part, DIGITS)),
            )
            score = round(sum(found.values()) + date_part, DIGITS)
            if score <= 0 or score < config.min_score:
                continue
            link = RelatedLink(target.slug, score, components)
            ranked.append((-score, -target.published.timestamp(), target.slug, link))
        best = heapq.nsmallest(config.count, ranked, key=lambda entry: entry[:3])
        result[article.slug] = tuple(entry[3] for entry in best)
    return result
