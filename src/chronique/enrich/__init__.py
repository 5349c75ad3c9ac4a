"""enrich: whole-archive step -> final tags, related articles, teaser links.

`enrich` is a pure function of the articles and the configuration: it sorts its input first, so
the order in which files were read changes nothing in the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import cached_property

from scipy import sparse

from ..analysis import analyse
from ..config import SiteConfig
from ..load.limits import tag_limit
from ..model import Analysis, Archive, Article
from ..parallel import PARALLELISM, Parallelism, forked, gc_paused
from ..scoring import COMPONENTS
from .entities import entities_of, lower_case_sample
from .related import TUNING, Candidate, Signal, Tuning, index_signal, rank_candidates, search
from .tags import Tagging, assign_tags, topic_tags
from .teasers import teaser_links
from .terms import stack_terms, term_matrix

__all__ = ["enrich"]

@gc_paused
def enrich(
    articles: Sequence[Article], config: SiteConfig, *, tuning: Tuning = TUNING, parallelism: Parallelism = PARALLELISM
) -> Archive:
    """Final tags, related articles and teaser links for a whole archive; articles newest first.

    Tags: the article's own, then the taxonomy's (config order), then named entities (most
    mentioned first; only with `config.tags.entities`). One display name per `tag_key`; every tag's
    record (origin, kind, variants, why it is shown or not) in `Archive.tags`.
    Related: see `related.search` and `scoring.COMPONENTS`; entities count in the score even when they are not
    shown as tags. Drafts are never the target of a related or teaser link. `tuning` holds the
    related-article settings that site.yaml does not expose (for bench/related_quality.py);
    `parallelism.entities_from`, from how many articles entities are found in a forked process.
    """
    ordered = sorted(articles, key=lambda article: article.sort_key, reverse=True)
    slugs = Counter(article.slug for article in ordered)
    duplicates = sorted(slug for slug, uses in slugs.items() if uses > 1)
    if duplicates:
        raise ValueError(f"duplicate slugs: {', '.join(duplicates)}")

    analyses = [_analysis(article, config.language) for article in ordered]
    fields = [(article.title, article.text) for article in ordered]
    titles = [(article.slug, article.title) for article in ordered if not article.draft]
    stacked = stack_terms(analyses)
    # Entities and teasers are Python through and through: they run beside the stem matrix and the
    # related-article search, which spend their time in NumPy and SciPy.
    with ThreadPoolExecutor(1) as beside, ExitStack() as children:
        runs = [(analysis.title_runs, analysis.text_runs) for analysis in analyses]
        sample = [fields[number][1] for number in lower_case_sample(fields)]
        publishers = _publishers(ordered, config)
        # Started first: `beside` has no thread yet, so this process may still fork.
        if len(ordered) >= parallelism.entities_from and parallelism.may_fork():  # a core of its own
            entities = children.enter_context(forked(entities_of, runs, sample, publishers))
        else:  # overlapping what the main thread does without the GIL
            entities = beside.submit(entities_of, runs, sample, publishers).result
        shown = [(article.slug, article.teasers) for article in ordered]
        teasers = beside.submit(teaser_links, titles, shown).result
        text_counts, vocabulary = term_matrix(stacked)
        # The stems counted for related articles also say which articles a one-word taxonomy rule fits.
        languages = [analysis.language for analysis in analyses]
        topic_keys = topic_tags(config.topic_words(), text_counts, vocabulary, fields, languages)
        # The text is indexed while the entities are still being found: `evidence.tags` waits for them.
        evidence = Evidence(
            text_counts,
            lambda: assign_tags(
                [article.tags for article in ordered],
                topic_keys,
                entities(),
                config.tags,
                config.taxonomy,
                [tag_limit(article.body_html) for article in ordered],
            ),
        )
        candidates = [Candidate(article.slug, article.published, not article.draft) for article in ordered]
        ranking = rank_candidates(candidates)
        indexes = [
            index_signal(signal, ranking, tuning)
            for signal in (
                Signal(component.name, component.keys(evidence), config.related.weight(component))
                for component in COMPONENTS
                if component.keys is not None
            )
        ]
        related = search(candidates, ranking, indexes, config.related, tuning)
        tagging = evidence.tagging
        enriched = tuple(map(Article.with_tags, ordered, tagging.shown))
        return Archive(enriched, related, teasers(), tagging.records)


class Evidence:
    """What the "keys" signals of `scoring.COMPONENTS` read: per article, its key counts as a
    sparse matrix (articles × keys). The tags are worked out when first asked for."""

    def __init__(self, stems: sparse.csr_matrix, tagging: Callable[[], Tagging]) -> None:
        self.stems = stems
        """Content stems, with their weighted counts (`analysis.term_matrix`)."""
        self._tagging = tagging

    @cached_property
    def tagging(self) -> Tagging:
        return self._tagging()

    @property
    def tags(self) -> sparse.csr_matrix:
        """Tags that count for related articles (`Tagging.signal`), 1 each."""
        return _key_counts(self.tagging.signal, self.stems.shape[0])

    @property
    def entities(self) -> sparse.csr_matrix:
        """Named entities, with the number of times each is mentioned."""
        return _key_counts(map(dict, self.tagging.entities), self.stems.shape[0])


def _publishers(articles: Iterable[Article], config: SiteConfig) -> list[str]:
    """The names the archive's own publishers go by, never entity tags: the site's title, each
    source's name, each credit, sorted."""
    names = {config.title, *(article.source.name for article in articles), *(article.credit for article in articles)}
    return sorted(name for name in names if name.strip())


def _analysis(article: Article, site_language: str) -> Analysis:
    """The article's analysis, from when it was read unless that was in another site language."""
    language = article.language or site_language
    if article.analysis is not None and article.analysis.language == language:
        return article.analysis
    return analyse(article.title, article.text, language)


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
