"""Tags: explicit ones, taxonomy rules from site.yaml, named entities; one display name per key.

`assign_tags` decides what each article shows: aliases rename, hidden tags are kept out of sight
(but not out of the related-articles signal), entity tags are capped, and a tag too few articles
carry is shown on none, so that no chip leads to a missing page.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

from ..config import TagsConfig, TaxonomyRule
from ..load.limits import MAX_TAGS
from .analysis import term_id
from .entities import Entities, renamed
from .names import entity_key
from .words import stems

# Marks the end of the title in a stem sequence, so a two-word rule never spans title and text.
BREAK = ""

Rule = tuple[str, ...]
"""The stems of one taxonomy phrase: "coupe du monde" -> ("coup", "du", "mond")."""


def tag_key(name: str) -> str:
    """What makes two tag names the same tag (and the same tag page): case, accents, punctuation,
    a leading article and plural endings aside. "Le Maroc", "maroc" and "MAROC" share "maroc"."""
    return entity_key(name)


def compile_taxonomy(taxonomy: Mapping[str, Sequence[str]], language: str) -> tuple[tuple[str, tuple[Rule, ...]], ...]:
    """Each tag with the stem sequences that mark it, in config order."""
    return _compile(tuple((tag, tuple(words)) for tag, words in taxonomy.items()), language)


@lru_cache(maxsize=32)
def _compile(
    taxonomy: tuple[tuple[str, tuple[str, ...]], ...], language: str
) -> tuple[tuple[str, tuple[Rule, ...]], ...]:
    compiled = []
    for tag, phrases in taxonomy:
        rules = tuple(rule for rule in (tuple(s for s, _ in stems(phrase, language)) for phrase in phrases) if rule)
        compiled.append((tag, rules))
    return tuple(compiled)


def taxonomy_tags(rules: Sequence[tuple[str, Sequence[Rule]]], sequence: Sequence[str]) -> list[str]:
    """The tags whose rules occur in `sequence` (consecutive stems for a phrase), in config order."""
    single = set(sequence)
    return [
        tag
        for tag, tag_rules in rules
        if any(rule[0] in single and (len(rule) == 1 or _occurs(rule, sequence)) for rule in tag_rules)
    ]


def _occurs(rule: Rule, sequence: Sequence[str]) -> bool:
    # list.index finds each occurrence of the first stem in C; only those are compared.
    size = len(rule)
    start = 0
    try:
        while True:
            start = sequence.index(rule[0], start)
            if tuple(sequence[start : start + size]) == rule:
                return True
            start += 1
    except ValueError:
        return False


def topic_tags(
    taxonomy: Mapping[str, Sequence[str]],
    counts: sparse.spmatrix,
    vocabulary: np.ndarray,
    fields: Sequence[tuple[str, str]],
    languages: Sequence[str],
) -> list[list[str]]:
    """The taxonomy tag keys of each article (title, text), in config order, as `taxonomy_tags` finds them.

    Built for speed on large archives: `counts` (articles × `vocabulary`, the content stems of title
    and text, as `analysis.term_matrix` lays them out) already says which articles hold a word, so a
    one-word rule costs a column look-up. A phrase is looked for word for word only in the articles
    that hold all its content words, with a regular expression searched in C and each hit checked
    stem by stem.
    """
    found: list[set[str]] = [set() for _ in fields]
    if not taxonomy or not fields:
        return [[] for _ in fields]
    columns = dict(zip(vocabulary.tolist(), range(len(vocabulary)), strict=True))
    present = sparse.csc_matrix(counts)
    members: dict[str, set[int]] = defaultdict(set)
    for number, language in enumerate(languages):
        members[language].add(number)
    for language, rows in sorted(members.items()):
        for tag, rules in _compile_flagged(tuple((tag, tuple(words)) for tag, words in taxonomy.items()), language):
            for rule in rules:
                content = [stem for stem, flag in rule if flag]
                candidates = set(rows) if not content or len(members) > 1 else None
                for stem in content:
                    number = columns.get(term_id(stem))
                    start, end = (present.indptr[number], present.indptr[number + 1]) if number is not None else (0, 0)
                    holding = set(present.indices[start:end].tolist())
                    candidates = holding if candidates is None else candidates & holding
                assert candidates is not None
                if len(rule) == 1 and content:
                    hits = candidates
                else:
                    stems_only = tuple(stem for stem, _ in rule)
                    hits = {row for row in candidates if _phrase_in(stems_only, fields[row], language)}
                for row in hits:
                    found[row].add(tag)
    order = list(taxonomy)
    return [[tag_key(tag) for tag in order if tag in tags] for tags in found]


@lru_cache(maxsize=32)
def _compile_flagged(
    taxonomy: tuple[tuple[str, tuple[str, ...]], ...], language: str
) -> tuple[tuple[str, tuple[tuple[tuple[str, bool], ...], ...]], ...]:
    """Like `compile_taxonomy`, each stem with whether it is a content word (what `counts` holds)."""
    return tuple(
        (tag, tuple(rule for rule in (tuple(stems(phrase, language)) for phrase in phrases) if rule))
        for tag, phrases in taxonomy
    )


def _phrase_in(rule: Rule, fields: tuple[str, str], language: str) -> bool:
    """Whether the stems of `rule` follow each other in the title or in the text."""
    pattern = _phrase_pattern(rule)
    return any(
        tuple(stem for stem, _ in stems(match.group(), language)) == rule
        for field in fields
        for match in pattern.finditer(field)
    )


# Folded letters and the letters that fold to them, in both cases: a rule's stem is folded, the text is
# not (and lower-casing every text costs more than looking for both cases).
_ACCENTED = {"a": "aàâä", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü", "c": "cç", "y": "yÿ", "n": "nñ"}


def _letter(folded: str) -> str:
    if not folded.isalpha():
        return re.escape(folded)
    variants = _ACCENTED.get(folded, folded)
    return f"[{variants}{variants.upper()}]"


@lru_cache(maxsize=256)
def _phrase_pattern(rule: Rule) -> re.Pattern[str]:
    """Consecutive words that may have these stems: each word starts like its stem (its last two
    letters may change with inflection: "national", "nationaux"), then any letters.

    The first letter leads, so that the regex engine skips to it in C; the look-behind after it
    keeps the match at the start of a word.
    """
    words_ = []
    for stem in rule:
        start = stem[: max(1, len(stem) - 2)]
        letters = [_letter(c) for c in start]
        if not words_:
            letters.insert(1, r"(?<![^\W_].)")
        words_.append("".join(letters) + r"[^\W_]*")
    return re.compile(r"[\W_]+".join(words_))


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


@dataclass(frozen=True, slots=True)
class Tagging:
    """Per article, in `enrich`'s order: what it shows, and what related articles are scored with."""

    shown: tuple[tuple[str, ...], ...]
    """Display names: explicit tags, then taxonomy tags (config order), then entities."""
    signal: tuple[tuple[str, ...], ...]
    """Keys of explicit and taxonomy tags, hidden ones and those too rare for a page included."""
    entities: tuple[tuple[tuple[str, int], ...], ...]
    """Entity keys with their mentions, aliases applied, most mentioned first; none is dropped."""


def assign_tags(
    explicit: Sequence[Sequence[str]],
    topics: Sequence[Sequence[str]],
    found: Entities,
    tags: TagsConfig,
    taxonomy: Mapping[str, TaxonomyRule],
    limits: Sequence[int] | None = None,
) -> Tagging:
    """Every article's tags from its explicit tag names, its taxonomy tag keys and its entities.

    A tag whose key is an alias of a taxonomy rule becomes that rule's tag (once per article,
    however many of its aliases the article has). Hidden rules' tags are never shown. Entities are
    shown with `tags.entities`, at most `tags.max_entities` per article; a tag shown on fewer than
    `tags.min_articles` articles is shown on none. No article shows more than its `limits` (else
    `MAX_TAGS`; see `load.limits.tag_limit`): its own first, then the taxonomy's, then entities, so
    that its tag pages and feeds, which each list it with its tags, stay few.
    """
    rules = {tag_key(tag) for tag in taxonomy}
    rename = _aliases(taxonomy)
    rename.update(_variant_aliases(found.variants, rename, rules))
    hidden = {tag_key(tag) for tag, rule in taxonomy.items() if rule.hide}
    entities = tuple(renamed(pairs, rename) for pairs in found.per_article)
    signal: list[tuple[str, ...]] = []
    own_shown: list[list[str]] = []
    entities_shown: list[list[str]] = []
    limits = limits if limits is not None else [MAX_TAGS] * len(explicit)
    for names, keys, pairs, limit in zip(explicit, topics, entities, limits, strict=True):
        own = merge_tags(
            [[rename.get(key, key) for key in map(tag_key, names)], [rename.get(key, key) for key in keys]]
        )
        found_keys = [key for key, _ in pairs] if tags.entities else []
        signal.append(tuple(merge_tags([own, [key for key in found_keys if key in rules]])))
        own_shown.append([key for key in own if key not in hidden][:limit])
        taken = set(own)
        entities_shown.append([key for key in found_keys if key not in hidden and key not in taken])

    # Twice: rare tags go before the cap, so that they leave room for others; then a tag the cap
    # cut from some articles may have become too rare.
    carried = _carried([*own_shown, *entities_shown], tags.min_articles)
    own_shown = [[key for key in keys if key in carried] for keys in own_shown]
    entities_shown = [
        [key for key in keys if key in carried][: min(tags.max_entities, limit - len(own))]
        for own, keys, limit in zip(own_shown, entities_shown, limits, strict=True)
    ]
    carried = _carried([*own_shown, *entities_shown], tags.min_articles)
    final = [
        [key for key in [*own, *found_keys] if key in carried]
        for own, found_keys in zip(own_shown, entities_shown, strict=True)
    ]

    names = display_names(
        taxonomy,
        [
            Counter(tag for own in explicit for tag in dict.fromkeys(own)),
            *(found.spellings.get(key, Counter()) for key in sorted({key for keys in entities_shown for key in keys})),
        ],
    )
    return Tagging(tuple(tuple(names[key] for key in keys) for keys in final), tuple(signal), entities)


def _aliases(taxonomy: Mapping[str, TaxonomyRule]) -> dict[str, str]:
    """Alias key -> the key of the rule's tag; the first rule naming an alias wins."""
    rename: dict[str, str] = {}
    for tag, rule in taxonomy.items():
        target = tag_key(tag)
        for alias in rule.aliases:
            key = tag_key(alias)
            if key and key != target:
                rename.setdefault(key, target)
    return rename


def _variant_aliases(
    variants: Mapping[str, Sequence[str]], rename: Mapping[str, str], rules: Collection[str]
) -> dict[str, str]:
    """Entity key -> a rule's key, when one of the spellings merged into the entity is that rule's
    tag or one of its aliases: aliases win over the merging of variants ("CFA" an alias, "FCFA" the
    name the entity goes by)."""
    found: dict[str, str] = {}
    for key, forms in variants.items():
        if key in rename or key in rules:
            continue
        for form in forms:
            target = rename.get(tag_key(form), tag_key(form) if tag_key(form) in rules else "")
            if target and target != key:
                found[key] = target
                break
    return found


def _carried(lists: Iterable[Sequence[str]], minimum: int) -> set[str] | _Everything:
    """The keys found in at least `minimum` of `lists` (an article's shown keys never repeat)."""
    if minimum <= 1:
        return _EVERYTHING
    support = Counter(key for keys in lists for key in keys)
    return {key for key, count in support.items() if count >= minimum}


class _Everything:
    def __contains__(self, key: object) -> bool:
        return True


_EVERYTHING = _Everything()
