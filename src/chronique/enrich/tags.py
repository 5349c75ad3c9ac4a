"""Tags: explicit ones, taxonomy rules from site.yaml, named entities; one display name per key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from .entities import entity_key
from .words import stems

# Marks the end of the title in a stem sequence, so a two-word rule never spans title and text.
BREAK = ""

Rule = tuple[str, ...]
"""The stems of one taxonomy phrase: "coupe du monde" -> ("coup", "du", "mond")."""


def tag_key(name: str) -> str:
    """What makes two tag names the same tag (and the same tag page): case, accents, punctuation,
    a leading article and plural endings aside. "Le Maroc", "maroc" and "MAROC" share "maroc"."""
    return entity_key(name)


def compile_taxonomy(
    taxonomy: Mapping[str, Sequence[str]], language: str
) -> tuple[tuple[str, tuple[Rule, ...]], ...]:
    """Each tag with the stem sequences that mark it, in config order."""
    return _compile(tuple((tag, tuple(words)) for tag, words in taxonomy.items()), language)


@lru_cache(maxsize=32)
def _compile(
    taxonomy: tuple[tuple[str, tuple[str, ...]], ...], language: str
) -> tuple[tuple[str, tuple[Rule, ...]], ...]:
    compiled = []
    for tag, phrases in taxonomy:
        rules = tuple(
            rule for rule in (tuple(s for s, _ in stems(phrase, language)) for phrase in phrases) if rule
        )
        compiled.append((tag, rules))
    return tuple(compiled)


def taxonomy_tags(rules: Sequence[tuple[str, Sequence[Rule]]], sequence: Sequence[str]) -> list[str]:
    """The tags whose rules occur in `sequence` (consecutive stems for a phrase), in config order."""
    single = set(sequence)
    lengths = {len(rule) for _, tag_rules in rules for rule in tag_rules if len(rule) > 1}
    grams = {tuple(sequence[i : i + n]) for n in lengths for i in range(len(sequence) - n + 1)}
    return [
        tag
        for tag, tag_rules in rules
        if any((rule[0] in single) if len(rule) == 1 else (rule in grams) for rule in tag_rules)
    ]


def display_names(
    fixed: Iterable[str],
    spellings: Iterable[Mapping[str, int]],
) -> dict[str, str]:
    """key -> the name every page shows for that tag.

    `fixed` names (the taxonomy's, as written in site.yaml) win for their key, the first one when two
    share a key. Any other key takes its most frequent spelling in `spellings` (counters of name ->
    uses), ties going to the first in sorted order, so that the choice never depends on input order.
    """
    names: dict[str, str] = {}
    for name in fixed:
        names.setdefault(tag_key(name), name)
    totals: dict[str, Counter[str]] = {}
    for counter in spellings:
        for name, uses in counter.items():
            key = tag_key(name)
            if key and key not in names:
                totals.setdefault(key, Counter())[name] += uses
    for key, counter in totals.items():
        names[key] = min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
    return names


def merge_tags(groups: Iterable[Iterable[str]]) -> list[str]:
    """Keys in group order (explicit, taxonomy, entities), each once, the first place winning."""
    seen: dict[str, None] = {}
    for group in groups:
        for key in group:
            if key:
                seen.setdefault(key, None)
    return list(seen)
