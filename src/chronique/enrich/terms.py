"""The archive's stem matrix, laid out from the per-article analyses (`chronique.analysis`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..model import Analysis


@dataclass(frozen=True, slots=True)
class StackedTerms:
    """The term ids and weights of every article, one article after another; article n's are at
    `indptr[n]:indptr[n + 1]`."""

    ids: np.ndarray
    weights: np.ndarray
    indptr: np.ndarray


def stack_terms(analyses: Sequence[Analysis]) -> StackedTerms:
    """The analyses' terms laid end to end: the one step of `term_matrix` that reads every article's
    record, so that `enrich` takes it before it forks (afterwards, reading a record writes its
    reference count, which makes the kernel copy the page the record lies on)."""
    ids = np.frombuffer(b"".join([analysis.terms for analysis in analyses]), dtype=np.int64)
    weights = np.frombuffer(b"".join([analysis.weights for analysis in analyses]), dtype=np.float64)
    lengths = np.fromiter((len(analysis.terms) // 8 for analysis in analyses), np.int64, len(analyses))
    return StackedTerms(ids, weights, np.concatenate(([0], np.cumsum(lengths))))


def term_matrix(stacked: StackedTerms) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Weighted content-stem counts per article (rows) and the `term_id` of each column, sorted:
    sorted columns make the matrix independent of the order of the articles."""
    ids, indptr = stacked.ids, stacked.indptr
    ordered = np.sort(ids)  # np.unique(return_inverse=True) would argsort, several times slower
    vocabulary = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if ids.size else ids
    columns = np.searchsorted(vocabulary, ids)
    matrix = sparse.csr_matrix((stacked.weights, columns, indptr), shape=(len(indptr) - 1, len(vocabulary)))
    # `analyse` writes each article's stems sorted and distinct, so the rows already are: say so,
    # and no later step sorts them again.
    rising = ids[1:] > ids[:-1]
    starts = indptr[1:-1]
    rising[starts[(starts > 0) & (starts < len(ids))] - 1] = True
    matrix.has_canonical_format = bool(rising.all())
    return matrix, vocabulary
