"""The parts of a related-article score, each declared once.

A component is a name, the site.yaml key of its weight (under `related:`), that weight's default
and description, the label `chronique related` prints, and its signal: where its evidence comes
from. Everything else follows from `COMPONENTS`: the keys of `config.RelatedConfig`, the search in
`enrich.related`, the order of `RelatedLink.components`, the build cache and the printout.

There are two kinds of signal. A "keys" signal gives each article weighted keys (stems, tags,
names): its part of the score is the weighted cosine of two articles' keys, and an article is a
candidate only if it shares a key with the other. A "pairs" signal scores a pair of articles that
are already candidates, with a number from 0 to 1 (closeness in time, shared nearest neighbours).
The signal functions are given the evidence `enrich` gathered (`enrich.Evidence`) or the candidate
pairs (`enrich.related.Pairs`); this module imports neither, so that reading site.yaml does not load
NumPy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Component:
    """One part of the related-article score."""

    name: str
    """Its name in `RelatedLink.components` and in the build cache."""
    weight_key: str
    """The site.yaml key of its weight, under `related:`."""
    default: float
    description: str
    """The weight's description, written into site.yaml by `chronique init`."""
    label: str
    """How `chronique related` names it."""
    keys: Callable[[Any], Any] | None = None
    """Evidence -> each article's key counts (a sparse matrix, articles × keys)."""
    pairs: Callable[[Any], Any] | None = None
    """Pairs -> each candidate pair's value from 0 to 1 (an array shaped like the shortlist)."""

    def __post_init__(self) -> None:
        if (self.keys is None) == (self.pairs is None):
            raise ValueError(f"score component {self.name}: give exactly one of keys and pairs")


COMPONENTS: tuple[Component, ...] = (
    Component("text", "text_weight", 1.0, "Weight of text similarity.", "text", keys=lambda found: found.stems),
    Component("tags", "tag_weight", 0.5, "Weight of shared tags.", "tags", keys=lambda found: found.tags),
    Component(
        "entities", "entity_weight", 0.0, "Weight of shared named entities.", "entities",
        keys=lambda found: found.entities,
    ),
    Component(
        "date", "date_weight", 0.1, "Weight of closeness in time, for articles that already share something.",
        "date", pairs=lambda pairs: pairs.date_proximity(),
    ),
    Component(
        "neighbours", "neighbour_weight", 2.0,
        "Shared nearest neighbours: two articles whose closest articles are the same are on one subject.",
        "neighbours", pairs=lambda pairs: pairs.shared_neighbours(),
    ),
)
"""Every score component, in the order `RelatedLink.components` lists them."""
