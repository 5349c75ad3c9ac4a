"""Teasers -> archived articles: a source's "see also" titles, often cut short, matched by title."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from ..analysis.words import normalise_quotes
from ..model import Teaser, TeaserLink
from ..text import fold

# A cut teaser title shorter than this matches too many titles to be trusted ("Tourisme au Maroc").
MIN_PREFIX = 20

_CUT_MARK = re.compile(r"(?:\.{3}|…|\ufffd)+\s*$")
_NON_WORD = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """Fold case and accents, and reduce punctuation and quotes to single spaces.

    "COP22: la France “associée”" and "COP22 : la France « associée »" get the same key, so do
    "l’ordre" and "l'ordre".
    """
    return _NON_WORD.sub(" ", fold(normalise_quotes(title))).strip()


def _teaser_key(title: str) -> str:
    """The key of a teaser title, without the marks of its cut.

    Sources cut titles with "…" or "...", or at a byte, leaving a replacement character where a
    multi-byte letter was split: both are dropped, and what remains is matched as a prefix.
    """
    stripped = title.strip()
    cut = _CUT_MARK.search(stripped)
    return title_key(stripped[: cut.start()] if cut else stripped)


def link_teasers(
    titles: Sequence[tuple[str, str]],
    teasers: Sequence[tuple[str, Sequence[str]]],
) -> dict[str, tuple[str | None, ...]]:
    """For each (slug, teaser titles) the slug each teaser names, or None.

    `titles` lists the (slug, title) pairs a teaser may link to. A teaser links to the one article
    whose title equals it; failing that, to the one article whose title starts with it, provided
    the teaser keeps at least `MIN_PREFIX` characters (a cut title may stop mid-word). Several
    candidates, or only the article itself: no link, since a wrong link is worse than none.
    """
    if not any(teaser_titles for _, teaser_titles in teasers):
        return {slug: () for slug, _ in teasers}  # no title to key: most archives have no teasers
    keyed = sorted((title_key(title), slug) for slug, title in titles)
    keys = [key for key, _ in keyed]
    result: dict[str, tuple[str | None, ...]] = {}
    for slug, teaser_titles in teasers:
        result[slug] = tuple(_match(keys, keyed, teaser, slug) for teaser in teaser_titles)
    return result


def _match(keys: list[str], keyed: list[tuple[str, str]], teaser: str, own_slug: str) -> str | None:
    key = _teaser_key(teaser)
    if not key:
        return None
    start = bisect.bisect_left(keys, key)
    exact: list[str] = []
    prefixed: list[str] = []
    for position in range(start, len(keys)):
        if not keys[position].startswith(key):
            break
        slug = keyed[position][1]
        (exact if keys[position] == key else prefixed).append(slug)
    if own_slug in exact:
        # The teaser names the article that holds it: nothing else may take its place.
        return None
    prefixed = [slug for slug in prefixed if slug != own_slug]
    if exact:
        return exact[0] if len(exact) == 1 else None
    if len(key) >= MIN_PREFIX and len(prefixed) == 1:
        return prefixed[0]
    return None


def teaser_links(
    titles: Sequence[tuple[str, str]],
    articles: Sequence[tuple[str, Sequence[Teaser]]],
) -> dict[str, tuple[TeaserLink, ...]]:
    """`link_teasers` over Teaser records: slug -> one TeaserLink per teaser, in order."""
    found = link_teasers(titles, [(slug, [teaser.title for teaser in teasers]) for slug, teasers in articles])
    return {
        slug: tuple(TeaserLink(teaser, target) for teaser, target in zip(teasers, found[slug], strict=True))
        for slug, teasers in articles
    }
