"""enrich: whole-archive step -> final tags, related articles, teaser links.

`enrich` is a pure function of the articles and the configuration: it sorts its input first, so
the order in which files were read changes nothing in the result.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from ..config import SiteConfig
from ..model import Archive, Article
from .entities import extract_entities, scan
from .related import Candidate, build_index, related_links
from .tags import BREAK, compile_taxonomy, display_names, merge_tags, tag_key, taxonomy_tags
from .teasers import teaser_links
from .words import stems

__all__ = ["enrich"]

# The title says what an article is about more densely than its body: its words count this many times.
TITLE_WEIGHT = 2


def enrich(articles: Sequence[Article], config: SiteConfig) -> Archive:
    """Final tags, related articles and teaser links for a whole archive; articles newest first.

    Tags: the article's own, then the taxonomy's (config order), then named entities (most
    mentioned first; only with `config.tags.entities`). One display name per `tag_key`.
    Related: see `related.related_links`; entities count in the score even when they are not
    shown as tags. Drafts are never the target of a related or teaser link.
    """
    ordered = sorted(articles, key=lambda article: article.sort_key, reverse=True)
    slugs = Counter(article.slug for article in ordered)
    duplicates = sorted(slug for slug, uses in slugs.items() if uses > 1)
    if duplicates:
        raise ValueError(f"duplicate slugs: {', '.join(duplicates)}")

    languages = [article.language or config.language for article in ordered]
    analysed = [
        (stems(article.title, language), stems(article.text, language))
        for article, language in zip(ordered, languages, strict=True)
    ]
    topic_keys = [
        [tag_key(tag) for tag in taxonomy_tags(compile_taxonomy(config.topic_words(), language), sequence)]
        for sequence, language in zip(map(_sequence, analysed), languages, strict=True)
    ]
    found = extract_entities([scan(article.title, article.text) for article in ordered])
    entity_keys = [[key for key, _ in entities] for entities in found.per_article]

    # Spellings vote for a tag's display name: one vote per article for an explicit tag, one per
    # mention for an entity shown as a tag. Entities that are not shown do not vote.
    explicit_spellings = Counter(tag for article in ordered for tag in dict.fromkeys(article.tags))
    shown = sorted({key for keys in entity_keys for key in keys}) if config.tags.entities else []
    names = display_names(config.topic_words(), [explicit_spellings, *(found.spellings[key] for key in shown)])

    enriched = []
    for article, topics, entities in zip(ordered, topic_keys, entity_keys, strict=True):
        groups = [[tag_key(tag) for tag in article.tags], topics, entities if config.tags.entities else []]
        tags = tuple(names[key] for key in merge_tags(groups))
        enriched.append(dataclasses.replace(article, tags=tags))

    text_index = build_index([_text_counts(title, text) for title, text in analysed])
    tag_index = build_index(
        [
            dict.fromkeys(merge_tags([[tag_key(tag) for tag in article.tags], topics]), 1.0)
            for article, topics in zip(ordered, topic_keys, strict=True)
        ]
    )
    entity_index = build_index([dict(entities) for entities in found.per_article])
    candidates = [Candidate(a.slug, a.published, not a.draft) for a in ordered]
    related = related_links(candidates, text_index, tag_index, entity_index, config.related)

    titles = [(article.slug, article.title) for article in ordered if not article.draft]
    teasers = teaser_links(titles, [(article.slug, article.teasers) for article in ordered])
    return Archive(tuple(enriched), related, teasers)


def _sequence(analysed: tuple[list[tuple[str, bool]], list[tuple[str, bool]]]) -> list[str]:
    """Every stem of title and text, a break between them: what taxonomy phrases are matched in."""
    title, text = analysed
    return [stem for stem, _ in title] + [BREAK] + [stem for stem, _ in text]


def _text_counts(title: list[tuple[str, bool]], text: list[tuple[str, bool]]) -> Counter[str]:
    """Content stems with their counts, title words counted `TITLE_WEIGHT` times."""
    counts = Counter(stem for stem, content in text if content)
    for stem, content in title:
        if content:
            counts[stem] += TITLE_WEIGHT
    return counts
