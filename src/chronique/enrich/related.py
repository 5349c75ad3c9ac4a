"""Related articles: a "more like this" search through an inverted index, then a neighbourhood re-ranking.

Stage 1, candidates. Each signal (text stems, topic tags, named entities) gives every article a sparse
vector of L2-normalised TF-IDF weights; the vectors are laid side by side, each scaled by the square
root of its weight, so that one dot product is the weighted sum of the per-signal cosines. The query
of an article is its `query_terms` heaviest keys (Lucene's "more like this"); each key's posting list
keeps only its `champions` heaviest articles (champion lists, Manning et al., *Introduction to
Information Retrieval* §7.1.3). A query therefore visits at most query_terms × champions postings,
whatever the size of the archive: the cost grows linearly with the number of articles, and no pair
of articles is ever scored unless they share a key. Keys held by more than `max_df` of the articles
are dropped altogether, as Hugo drops keywords found on too many pages. The `shortlist` best
candidates of each article go on to stage 2.

Stage 2, neighbours. Two articles on one subject need not share many words, but they tend to have
the same nearest neighbours. As in k-reciprocal re-ranking (Zhong et al., CVPR 2017; their k1 = 20
is used unchanged), each article is described by the set of its `neighbours` nearest articles
(itself included), averaged over its `expansion` nearest articles (local query expansion, k2); the
"neighbours" component is the cosine of two such descriptions, a standard "contextual similarity".
It re-orders the shortlist only: it never brings in an article that shares nothing.

Every score is rounded to `DIGITS` digits before ranking, and ties go to the newer article, then to
the smaller slug, so the result is a pure function of the archive: neither the order in which files
were read nor PYTHONHASHSEED changes a byte of it.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat

import numpy as np
from scipy import sparse

from ..config import RelatedConfig
from ..model import RelatedLink
from ..scoring import COMPONENTS

log = logging.getLogger(__name__)

# Scores are rounded before ranking, so that float noise never decides a tie.
DIGITS = 9
# Rows of the query matrix handled at once: bounds the memory of one sparse product.
CHUNK = 256
# Entries of one padded block in `_heaviest`: bounds its memory (32 MiB).
PADDED = 1 << 22
# Threads that handle chunks at once. Speed: not measurable on a shared 2-core machine under load 4-5 (search of
# 10,000 articles 1.10 s with them, 1.02 s with one: no spare core); measure on a quiet one (bench/related_tricks.py)
WORKERS = min(os.cpu_count() or 1, 4)


@dataclass(frozen=True, slots=True)
class Tuning:
    """Settings that site.yaml does not expose: principled defaults, measured by bench/related_quality.py."""

    sublinear: bool = True
    """Term frequency as 1 + ln(tf): the tenth mention of a word says less than the first."""
    min_df: int = 2
    """A key held by one article links nothing; keeping it would only dilute the shared ones."""
    max_df: float = 0.5
    """Keys held by more than this share of the articles are dropped (once there are `prune_from`)."""
    prune_from: int = 20
    query_terms: int = 50
    """An article's query: its heaviest keys, at most this many (Lucene's "more like this" takes 25).

    50 gave P@5 0.785 on the development corpus, 100 gave 0.790 and 200 0.781: no measurable
    difference, while the candidate search costs in proportion.
    """
    champions: int = 20
    """Each key's posting list keeps its heaviest articles, at most this many."""
    shortlist: int = 30
    """Candidates kept per article from stage 1, re-ranked in stage 2."""
    neighbours: int = 20
    """k1: the nearest articles that describe an article in stage 2."""
    expansion: int = 10
    """k2: descriptions averaged over this many nearest articles (the article itself included).

    The paper's 6 gave 0.760 on the development corpus; 10 was chosen by the 2-fold protocol of
    bench/related_quality.py (picked on one half in most cuts, better on 15 of 20 held-out halves).
    """


TUNING = Tuning()


@dataclass(frozen=True, slots=True)
class Candidate:
    """What `search` needs of an article: a name, a date, and whether it may be linked to."""

    slug: str
    published: datetime
    linkable: bool = True


@dataclass(frozen=True, slots=True)
class Signal:
    """One kind of evidence: raw counts per article (rows) and key (columns), and its weight."""

    name: str
    counts: sparse.csr_matrix
    weight: float


def weigh(counts: sparse.spmatrix, tuning: Tuning = TUNING) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows; pruned keys keep their column but no weight.

    Smooth idf as scikit-learn computes it, ln((1 + n) / (1 + df)) + 1, and sublinear tf 1 + ln(tf).
    Keys held by fewer than `min_df` articles are dropped, and so are keys held by more than
    `max_df` of them once there are `prune_from` articles (a small archive keeps every shared key:
    three articles all about Morocco still share "maroc").
    """
    matrix = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    count = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    ceiling = tuning.max_df * count if count >= tuning.prune_from else math.inf
    kept = (df >= tuning.min_df) & (df <= ceiling)
    idf = np.where(kept, np.log((1.0 + count) / (1.0 + df)) + 1.0, 0.0)
    if tuning.sublinear:
        matrix.data = 1.0 + np.log(np.maximum(matrix.data, 1.0))  # counts; a weighted title word counts ≥ 1
    matrix.data *= idf[matrix.indices]
    matrix.eliminate_zeros()
    rows = np.repeat(np.arange(count), np.diff(matrix.indptr))
    matrix.data /= np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=count))[rows]
    return matrix


@dataclass(frozen=True, slots=True)
class Ranking:
    """What every step needs to know of the articles: their dates, their place in the tie-break
    order (newest first, then by slug) and whether they may be linked to."""

    days: np.ndarray
    rank: np.ndarray
    linkable: np.ndarray


def rank_candidates(candidates: Sequence[Candidate]) -> Ranking:
    seconds = np.array([candidate.published.timestamp() for candidate in candidates])
    linkable = np.array([candidate.linkable for candidate in candidates], dtype=bool)
    return Ranking(seconds / 86400.0, _preference(candidates, seconds), linkable)


@dataclass(frozen=True, slots=True)
class Index:
    """One signal weighed and indexed: its TF-IDF rows scaled by √weight, and its champion lists."""

    name: str
    rows: sparse.csr_matrix
    postings: sparse.csr_matrix
    """Keys × articles: each key's `champions` heaviest linkable articles."""


def index_signal(signal: Signal, ranking: Ranking, tuning: Tuning = TUNING) -> Index | None:
    """`signal` ready to search; None when it weighs nothing or has no key. Signals are indexed
    apart, so that one can be while the next is still being worked out (see `enrich`)."""
    if signal.weight <= 0 or signal.counts.shape[1] == 0:
        return None
    rows = weigh(signal.counts, tuning) * math.sqrt(signal.weight)
    return Index(signal.name, rows, _champions(rows, ranking.linkable, ranking.rank, tuning.champions))


@dataclass(frozen=True, slots=True)
class Pairs:
    """Each article and its shortlisted candidates: what the "pairs" signals of `scoring.COMPONENTS` score."""

    shortlist: np.ndarray
    """Per article, its candidates' numbers, best first; -1 pads."""
    days: np.ndarray
    tuning: Tuning

    def date_proximity(self) -> np.ndarray:
        """1 on the same day, 1/e a year apart: articles of the same weeks tend to follow one story."""
        others = self.days[np.where(self.shortlist >= 0, self.shortlist, 0)]
        return np.exp(-np.abs(self.days[:, None] - others) / 365.0)

    def shared_neighbours(self) -> np.ndarray:
        """The cosine of the two articles' neighbourhoods (see `_neighbourhood`)."""
        return _neighbourhood(self.shortlist, self.tuning)


def search(
    candidates: Sequence[Candidate],
    ranking: Ranking,
    indexes: Sequence[Index | None],
    config: RelatedConfig,
    tuning: Tuning = TUNING,
) -> dict[str, tuple[RelatedLink, ...]]:
    """Each article's best `config.count` others, best first.

    score = Σ weight × similarity over the "keys" components of `scoring.COMPONENTS` (the indexes:
    text, tags, entities) + Σ weight × value over its "pairs" components (date proximity,
    neighbourhood cosine), the latter only for articles that share a key, so that a mere date never
    makes two articles related. `components` holds the weighted terms in the order of
    `scoring.COMPONENTS`; they add up to the score. Ties: newer first, then slug.
    """
    count = len(candidates)
    if count == 0:
        return {}
    clock = _Clock()
    days, rank = ranking.days, ranking.rank
    used = [index for index in indexes if index is not None]
    blocks = [index.rows for index in used]
    whole = sparse.hstack(blocks, format="csr") if used else sparse.csr_matrix((count, 0))
    postings = (
        sparse.vstack([index.postings for index in used], format="csr") if used else sparse.csr_matrix((0, count))
    )
    clock.lap("weights")
    shortlist, base, queries = _shortlist(whole, postings, rank, tuning)
    valid = shortlist >= 0
    clock.lap("shortlist")
    pairs = Pairs(shortlist, days, tuning)
    per_pair = {
        component.name: config.weight(component) * component.pairs(pairs)
        for component in COMPONENTS
        if component.pairs is not None and config.weight(component) > 0
    }
    clock.lap("pairs")
    others = np.where(valid, shortlist, 0)
    scores = np.round(sum(per_pair.values(), base), DIGITS)
    keep = valid & (scores > 0) & (scores >= config.min_score)
    order = _row_order(np.where(keep, scores, -1.0), rank[others])[:, : config.count]
    clock.lap("order")
    rows, slots = np.nonzero(np.take_along_axis(keep, order, axis=1))
    slots = order[rows, slots]
    targets = others[rows, slots]
    edges = np.cumsum([0] + [block.shape[1] for block in blocks])
    per_key = zip([index.name for index in used], _components(queries, postings, edges, rows, targets), strict=True)
    parts = dict(per_key) | {name: values[rows, slots] for name, values in per_pair.items()}
    clock.lap("components")
    zero = np.zeros(len(rows))
    # Speed: C-level map and zip, not a Python loop: the 50,000 links of 10,000 articles in 0.09 s, not 0.12 s
    # (median of 45 runs each).
    named = [
        zip(repeat(component.name), np.round(parts.get(component.name, zero), DIGITS).tolist())
        for component in COMPONENTS
    ]
    slugs = [candidate.slug for candidate in candidates]
    components = zip(*named, strict=True)
    made = list(
        map(RelatedLink, [slugs[other] for other in targets.tolist()], scores[rows, slots].tolist(), components)
    )
    bounds = np.searchsorted(rows, np.arange(count + 1)).tolist()  # rows come in order
    clock.lap("links")
    return {slug: tuple(made[bounds[number] : bounds[number + 1]]) for number, slug in enumerate(slugs)}


class _Clock:
    """Logs the time of each step at debug level (logger "chronique.enrich.related")."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        log.debug("related: %s %.3f s", step, now - self.start)
        self.start = now


def _preference(candidates: Sequence[Candidate], seconds: np.ndarray) -> np.ndarray:
    """Each article's place in the tie-break order: newest first (`seconds`: POSIX times), then by slug."""
    by_slug = np.array(sorted(range(len(candidates)), key=lambda number: candidates[number].slug), dtype=np.int64)
    order = by_slug[np.argsort(-seconds[by_slug], kind="stable")]  # stable: slugs stay sorted
    rank = np.empty(len(candidates), dtype=np.int64)
    rank[order] = np.arange(len(candidates))
    return rank


# Speed: (value, rank) packed in one int64 so that one partition orders by both, in `_top_rows` and
# `_heaviest`; measured with them below by bench/related_tricks.py (10,000 articles, medians of 5 runs).
def _keys(values: np.ndarray, rank: np.ndarray, count: int) -> np.ndarray:
    """int64 keys ordering by value (higher first, to DIGITS digits), then by `rank` (lower first).

    `rank` holds numbers below `count`; values are at least 0.
    """
    span = max(count, 1).bit_length()
    top = float(values.max()) if values.size else 0.0
    scale = 10.0**DIGITS
    while top * scale >= 2.0 ** (62 - span):
        scale /= 10.0
    return ((values * scale).astype(np.int64) << span) | ((1 << span) - 1 - rank)


# Speed: one padded argpartition per chunk; the shortlist stage takes 0.28-0.29 s, against 1.23 s sorting
# the packed keys by row and 2.73 s sorting by (row, value, rank) without them.
def _top_rows(indptr: np.ndarray, keys: np.ndarray, limit: int) -> np.ndarray:
    """Per row of a CSR layout, the positions of its `limit` highest keys, best first; -1 pads.

    Keys below 0 are never chosen. Rows are laid in a padded array so that one argpartition
    serves them all: linear in the number of entries.
    """
    rows = len(indptr) - 1
    lengths = np.diff(indptr)
    width = int(lengths.max(initial=0))
    take = min(limit, width)
    out = np.full((rows, limit), -1, dtype=np.int64)
    if take == 0:
        return out
    padded = np.full(rows * width, -1, dtype=np.int64)
    padded[np.arange(len(keys)) + np.repeat(np.arange(rows) * width - indptr[:-1], lengths)] = keys
    padded = padded.reshape(rows, width)
    if take < width:
        chosen = np.argpartition(padded, width - take, axis=1)[:, width - take :]
        chosen_keys = np.take_along_axis(padded, chosen, axis=1)
    else:
        chosen, chosen_keys = np.broadcast_to(np.arange(width), (rows, width)), padded
    best = np.argsort(chosen_keys, axis=1)[:, ::-1]  # keys in a row are distinct, bar the -1 pads
    chosen = np.take_along_axis(chosen, best, axis=1)
    out[:, :take] = np.where(np.take_along_axis(chosen_keys, best, axis=1) >= 0, indptr[:-1, None] + chosen, -1)
    return out


# Speed: padded blocks, one partition each; indexing the 3 signals takes 0.27-0.44 s, against 0.97 s with one
# sort by (row, value) and 0.93 s sorting by (row, value, rank) without packed keys; the shortlist 0.39 vs 0.57 s.
def _heaviest(indptr: np.ndarray, values: np.ndarray, limit: int) -> np.ndarray:
    """Per row of a CSR layout, whether each entry is at least as heavy as the row's `limit`-th
    heaviest (every entry of a shorter row): exactly `limit` entries when a row's values are distinct.

    Long rows are laid out side by side in padded blocks, shortest first and a few million entries
    at a time, so that one partition serves a whole block: linear in the number of entries.
    """
    lengths = np.diff(indptr)
    long_rows = np.flatnonzero(lengths > limit)
    if not long_rows.size:
        return np.ones(len(values), dtype=bool)
    lowest = np.finfo(values.dtype).min if values.dtype.kind == "f" else np.iinfo(values.dtype).min
    threshold = np.full(len(lengths), lowest, dtype=values.dtype)
    long_rows = long_rows[np.argsort(lengths[long_rows], kind="stable")]
    start = 0
    while start < len(long_rows):
        widest = int(lengths[long_rows[min(start + CHUNK * 4, len(long_rows)) - 1]])  # of the next rows
        rows = long_rows[start : start + max(1, min(CHUNK * 4, PADDED // widest))]
        start += len(rows)
        width = int(lengths[rows[-1]])  # of these rows (sorted by length)
        sizes = lengths[rows]
        within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        padded = np.full((len(rows), width), lowest, dtype=values.dtype)
        padded[np.repeat(np.arange(len(rows)), sizes), within] = values[np.repeat(indptr[rows], sizes) + within]
        threshold[rows] = np.partition(padded, width - limit, axis=1)[:, width - limit]
    return values >= np.repeat(threshold, lengths)


def _queries(matrix: sparse.csr_matrix, limit: int) -> sparse.csr_matrix:
    """Each row cut to its heaviest entries: those at least as heavy as its `limit`-th heaviest."""
    indptr, keep = matrix.indptr, np.empty(matrix.nnz, dtype=bool)

    def cut_rows(start: int, stop: int) -> None:
        first, last = indptr[start], indptr[stop]
        keep[first:last] = _heaviest(indptr[start : stop + 1] - first, matrix.data[first:last], limit)

    _in_chunks(matrix.shape[0], cut_rows)
    return _kept(matrix, keep, np.arange(matrix.shape[1]), matrix.shape)


def _champions(matrix: sparse.csr_matrix, linkable: np.ndarray, rank: np.ndarray, limit: int) -> sparse.csr_matrix:
    """Posting lists (keys × articles) holding, per key, its `limit` heaviest linkable articles.

    Ties between equal weights (tags are all alike) go to the newer article, then the smaller slug.
    """
    articles = linkable.nonzero()[0]
    postings = sparse.csr_matrix(matrix[articles].T) if not linkable.all() else matrix.T.tocsr()
    keys = _keys(postings.data, rank[articles[postings.indices]], len(rank))
    return _kept(postings, _heaviest(postings.indptr, keys, limit), articles, (postings.shape[0], matrix.shape[0]))


def _kept(
    matrix: sparse.csr_matrix, keep: np.ndarray, columns: np.ndarray, shape: tuple[int, int]
) -> sparse.csr_matrix:
    """The entries of `matrix` that `keep` marks, column c becoming `columns[c]`, in a matrix of `shape`."""
    rows = matrix.shape[0]
    kept_per_row = np.bincount(np.repeat(np.arange(rows), np.diff(matrix.indptr))[keep], minlength=rows)
    indptr = np.concatenate(([0], np.cumsum(kept_per_row)))
    return sparse.csr_matrix((matrix.data[keep], columns[matrix.indices[keep]], indptr), shape=shape)


def _shortlist(
    whole: sparse.csr_matrix, postings: sparse.csr_matrix, rank: np.ndarray, tuning: Tuning
) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix]:
    """Stage 1: per article, its `shortlist` best candidates, best first (-1 pads), and their scores.

    Also returns the query matrix, from which with `postings` `_components` splits a score by signal.
    """
    count = len(rank)
    width = min(tuning.shortlist, max(count - 1, 0))
    shortlist = np.full((count, width), -1, dtype=np.int64)
    scores = np.zeros((count, width))
    queries = _queries(whole, tuning.query_terms)
    if width == 0 or whole.shape[1] == 0:
        return shortlist, scores, queries

    def shortlist_rows(start: int, stop: int) -> None:
        product = queries[start:stop] @ postings
        keys = _keys(product.data, rank[product.indices], count)
        row_of = np.repeat(np.arange(start, stop), np.diff(product.indptr))
        keys[product.indices == row_of] = -1  # never itself
        positions = _top_rows(product.indptr, keys, width)
        found = positions >= 0
        shortlist[start:stop][found] = product.indices[positions[found]]
        scores[start:stop][found] = product.data[positions[found]]

    _in_chunks(count, shortlist_rows)
    return shortlist, scores, queries


def _in_chunks(count: int, work: Callable[[int, int], None]) -> None:
    """`work(start, stop)` for consecutive chunks of `CHUNK` rows, on every core.

    Threads are enough: the work is sparse products, sorts and partitions, during which NumPy and
    SciPy release the GIL. Each call writes its own rows only, so the result does not depend on
    which thread ran what.
    """
    starts = range(0, count, CHUNK)
    if len(starts) < 2 or WORKERS < 2:
        for start in starts:
            work(start, min(start + CHUNK, count))
        return
    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in pool.map(lambda start: work(start, min(start + CHUNK, count)), starts):
            pass  # consumed so that an exception in a chunk is raised here


def _components(
    queries: sparse.csr_matrix, postings: sparse.csr_matrix, edges: Sequence[int], rows: np.ndarray, others: np.ndarray
) -> np.ndarray:
    """(signals × pairs) the part of each pair's stage-1 score that each signal's keys contribute."""
    out = np.zeros((len(edges) - 1, len(rows)))
    if not len(rows):
        return out
    left = queries[rows]
    right = sparse.csr_matrix(postings.T)[others]
    both = left.multiply(right).tocsr()
    both.sum_duplicates()
    pair_of = np.repeat(np.arange(len(rows)), np.diff(both.indptr))
    block_of = np.searchsorted(np.asarray(edges), both.indices, side="right") - 1
    flat = np.bincount(block_of * len(rows) + pair_of, weights=both.data, minlength=out.size)
    return flat.reshape(out.shape)


def _neighbourhood(shortlist: np.ndarray, tuning: Tuning) -> np.ndarray:
    """Stage 2: cosine of neighbourhood descriptions, for each article and each of its candidates.

    An article's description spreads weight 1 uniformly over itself and its `neighbours` nearest
    candidates (the shortlist is already in order); it is then averaged with the descriptions of its
    `expansion` - 1 nearest candidates. Uniform weights keep it independent of the score's scale.
    """
    count, width = shortlist.shape
    out = np.zeros((count, width))
    if width == 0:
        return out
    near = _graph(shortlist, tuning.neighbours)
    expand = _graph(shortlist, tuning.expansion - 1)
    described = (expand @ near).tocsr()
    norms = np.sqrt(np.asarray(described.multiply(described).sum(axis=1)).ravel())
    described = sparse.diags(1.0 / norms) @ described
    described = described.tocsr()

    def compare_rows(start: int, stop: int) -> None:
        block = shortlist[start:stop]
        found = block >= 0
        articles = np.nonzero(found)[0] + start  # one per pair
        if articles.size:
            left = described[articles]
            right = described[block[found]]
            out[start:stop][found] = np.asarray(left.multiply(right).sum(axis=1)).ravel()

    _in_chunks(count, compare_rows)
    return out


def _graph(shortlist: np.ndarray, size: int) -> sparse.csr_matrix:
    """Each article linked to itself and its first `size` candidates, weights uniform, rows summing to 1."""
    count = shortlist.shape[0]
    chosen = np.concatenate([np.arange(count)[:, None], shortlist[:, : max(size, 0)]], axis=1)
    valid = chosen >= 0
    rows = np.nonzero(valid)[0]
    weights = 1.0 / valid.sum(axis=1)
    return sparse.csr_matrix((weights[rows], (rows, chosen[valid])), shape=(count, count))


def _row_order(scores: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Per row, slot numbers by score (higher first), equal scores by rank (lower first)."""
    order = np.argsort(ranks, axis=1, kind="stable")
    by_score = np.argsort(-np.take_along_axis(scores, order, axis=1), axis=1, kind="stable")
    return np.take_along_axis(order, by_score, axis=1)
