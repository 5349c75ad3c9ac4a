"""Per-article text analysis: what enrich needs to know of one article on its own, worked out
when the article is read; and the word rules it rests on (`words`: stems and stop words,
`capitals`: runs of capitalised words, `names`: what makes two names one), which the search index
and enrich share.

Counting stems and finding runs of capitals is most of the work of related articles and entity
tags, and it depends on nothing but the article: so `load` does it where files are parsed (on
every core, for new files only) and caches it with the parse result. `enrich` then only does what
needs the whole archive (weights, neighbours, merging names: `enrich.terms` lays the analyses out
as one matrix), and a rebuild after adding one article analyses one article.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import cache, lru_cache
from itertools import chain

import numpy as np

from ..model import Analysis
from .capitals import find_runs, title_runs
from .words import terms

# The title says what an article is about more densely than its body: its words count this many times.
TITLE_WEIGHT = 2

# Bytes that can never be inside a word: ASCII punctuation and spaces (hyphens and apostrophes too, since
# a word counts as its parts). ASCII letters are lower-cased on the way. Everything else is kept, and each
# distinct rough token is then split exactly, once per process (see `_token_terms`): counting an article's
# stems is then a few C loops (bytes.translate, bytes.split, map over a cached function, Counter).
_ROUGH = bytes(
    (32 if not chr(code).isalnum() else ord(chr(code).lower())) if code < 128 else code for code in range(256)
)


def analyse(title: str, text: str, language: str) -> Analysis:
    """The analysis of an article with this title and plain text, read as `language`."""
    token_terms = _token_terms(language)
    counts = Counter(chain.from_iterable(map(token_terms.__getitem__, _rough(text))))
    for term in chain.from_iterable(map(token_terms.__getitem__, _rough(title))):
        counts[term] = counts.get(term, 0) + TITLE_WEIGHT
    ids = np.fromiter(counts, np.int64, len(counts))
    order = np.argsort(ids)  # sorted, they give the archive's matrix sorted rows at no cost
    return Analysis(
        language,
        ids[order].tobytes(),
        np.fromiter(counts.values(), np.float64, len(counts))[order].tobytes(),
        tuple(title_runs(title)),
        tuple(find_runs(text)),
    )


def _rough(text: str) -> list[bytes]:
    return text.encode("utf-8", "surrogatepass").translate(_ROUGH).split()


@lru_cache(maxsize=1_000_000)
def term_id(stem: str) -> int:
    """A stem's number: 64 bits of its BLAKE2 digest, the same in every process and every run.

    Numbers rather than strings keep an analysis a pair of byte strings, cheap to cache and to load,
    and the archive's stem matrix a matter of sorting integers. Two stems of an archive share a number
    with a probability of about (distinct stems)² / 2⁶⁵: under 10⁻⁸ for a million stems.
    """
    digest = hashlib.blake2b(stem.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class _TokenTerms(dict[bytes, tuple[int, ...]]):
    """Rough token -> the `term_id` of its content stems in one language ("franco-marocaine" holds two),
    by the rules of `words.terms`: worked out on first sight, then looked up in C (a dict subclass with
    __missing__)."""

    LIMIT = 1_000_000
    """Distinct tokens remembered; past this (a huge multilingual archive) the memory starts afresh."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def __missing__(self, token: bytes) -> tuple[int, ...]:
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[token] = tuple(map(term_id, terms(token.decode("utf-8", "surrogatepass"), self.language)))
        return found


@cache
def _token_terms(language: str) -> _TokenTerms:
    return _TokenTerms(language)
