"""enrich: whole-archive step -> final tags, related articles, teaser links.

`enrich` is a pure function of the articles and the configuration: it sorts its input first, so
the order in which files were read changes nothing in the result.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ParamSpec, TypeVar

from scipy import sparse

from ..config import SiteConfig
from ..model import Archive, Article
from .entities import extract_entities
from .related import TUNING, Candidate, Signal, Tuning, related_links
from .tags import assign_tags, topic_tags
from .teasers import teaser_links
from .words import TermCounter

__all__ = ["enrich"]

P = ParamSpec("P")
R = TypeVar("R")

# The title says what an article is about more densely than its body: its words count this many times.
TITLE_WEIGHT = 2


def _gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with the cyclic garbage collector paused.

    Enrich allocates millions of small objects (tokens, counters, links) and creates no reference
    cycles; with the collector on, each burst of allocations makes it rescan every live object of the
    archive, which took a quarter of the related-articles time on 10,000 articles.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_gc_paused
def enrich(articles: Sequence[Article], config: SiteConfig, *, tuning: Tuning = TUNING) -> Archive:
    """Final tags, related articles and teaser links for a whole archive; articles newest first.

    Tags: the article's own, then the taxonomy's (config order), then named entities (most
    mentioned first; only with `config.tags.entities`). One display name per `tag_key`.
    Related: see `related.related_links`; entities count in the score even when they are not
    shown as tags. Drafts are never the target of a related or teaser link. `tuning` holds the
    related-article settings that site.yaml does not expose (for bench/related_quality.py).
    """
    ordered = sorted(articles, key=lambda article: article.sort_key, reverse=True)
    slugs = Counter(article.slug for article in ordered)
    duplicates = sorted(slug for slug, uses in slugs.items() if uses > 1)
    if duplicates:
        raise ValueError(f"duplicate slugs: {', '.join(duplicates)}")

    languages = [article.language or config.language for article in ordered]
    text_counts, vocabulary = _text_counts(ordered, languages, tuning)
    fields = [(article.title, article.text) for article in ordered]
    # The stems counted for related articles also say which articles a one-word taxonomy rule fits.
    topic_keys = topic_tags(config.topic_words(), text_counts, vocabulary, fields, languages)
    tagging = assign_tags(
        [article.tags for article in ordered], topic_keys, extract_entities(fields), config.tags, config.taxonomy
    )
    enriched = [dataclasses.replace(article, tags=tags) for article, tags in zip(ordered, tagging.shown, strict=True)]

    weights = config.related
    related = related_links(
        [Candidate(article.slug, article.published, not article.draft) for article in ordered],
        [
            Signal("text", text_counts, weights.text_weight),
            Signal("tags", _key_counts(tagging.signal, len(ordered)), weights.tag_weight),
            Signal("entities", _key_counts(map(dict, tagging.entities), len(ordered)), weights.entity_weight),
        ],
        weights,
        tuning,
    )

    titles = [(article.slug, article.title) for article in ordered if not article.draft]
    teasers = teaser_links(titles, [(article.slug, article.teasers) for article in ordered])
    return Archive(tuple(enriched), related, teasers)


def _text_counts(
    ordered: Sequence[Article], languages: Sequence[str], tuning: Tuning
) -> tuple[sparse.csr_matrix, list[str]]:
    """Content stems per article, title words counted `TITLE_WEIGHT` times; and the stem of each column."""
    counter = TermCounter()
    counter.count([article.title for article in ordered], languages, TITLE_WEIGHT)
    counter.count([article.text for article in ordered], languages, limit=tuning.lead_words)
    (titles, texts), vocabulary = counter.finish()
    return titles + texts, vocabulary


def _key_counts(documents: Iterable[Iterable[str] | Mapping[str, float]], count: int) -> sparse.csr_matrix:
    """Keys of `count` articles as a sparse matrix: counts for a mapping, 1 for each key of a list.

    Columns are numbered in order of first appearance, so equal input gives an equal matrix.
    """
    columns: dict[str, int] = {}
    rows: list[int] = []
    keys: list[int] = []
    values: list[float] = []
    for number, document in enumerate(documents):
        items = document.items() if isinstance(document, Mapping) else ((key, 1.0) for key in document)
        for key, value in items:
            rows.append(number)
            keys.append(columns.setdefault(key, len(columns)))
            values.append(float(value))
    return sparse.csr_matrix((values, (rows, keys)), shape=(count, len(columns)))
