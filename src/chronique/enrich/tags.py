"""Tags: explicit ones, taxonomy rules from site.yaml, named entities; one display name per key.

`assign_tags` decides what each article shows: aliases rename, hidden tags are kept out of sight
(but not out of the related-articles signal), entity tags are capped, and a tag too few articles
carry for its origin is shown on none, so that no chip leads to a missing page or a dead end; and
it records each tag's origin, kind, variants and the reason it is shown or not (`TagRecord`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

from ..analysis import term_id
from ..analysis.names import entity_key
from ..analysis.words import stems
from ..config import TagsConfig, TaxonomyRule
from ..load.limits import MAX_TAGS
from ..model import TagKind, TagOrigin, TagRecord
from .entities import Entities, renamed

# Marks the end of the title in a stem sequence, so a two-word rule never spans title and text.
BREAK = ""

Rule = tuple[str, ...]
"""The stems of one taxonomy phrase: "coupe du monde" -> ("coup", "du", "mond")."""


def tag_key(name: str) -> str:
    """What makes two tag names the same tag (and the same tag page): case, accents, punctuation,
    a leading article and plural endings aside. "Le Maroc", "maroc" and "MAROC" share "maroc"."""
    return entity_key(name)


def topic_tags(
    taxonomy: Mapping[str, Sequence[str]],
    counts: sparse.spmatrix,
    vocabulary: np.ndarray,
    fields: Sequence[tuple[str, str]],
    languages: Sequence[str],
) -> list[list[str]]:
    """The taxonomy tag keys of each article (title, text), in config order: a tag's when one of its
    phrases occurs in the title or the text, stem for stem (consecutive stems, language by language).

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
    """Each tag with its phrases' stems, in config order, each stem with whether it is a content
    word (what `counts` holds); phrases with no stem left out."""
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
    records: tuple[TagRecord, ...] = ()
    """Every tag some article carries, shown or not, in `TagRecord.index_order`."""


def entity_kind(found: Entities, key: str) -> TagKind:
    """Whether the entity `key` names a person, a place or an organisation, as entity extraction
    judged it ("unknown" when the evidence is not clear)."""
    return found.kinds.get(key, "unknown")


def entity_variants(found: Entities, key: str) -> Iterable[str]:
    """The other names entity extraction merged into the entity `key` (an acronym's expansion, a
    spelling variant), most used first."""
    return found.variants.get(key, ())


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
    however many of its aliases the article has). Hidden rules' tags and those `tags.hide` names
    are never shown. Entities are shown with `tags.entities`, at most `tags.max_entities` per
    article; a tag shown on fewer articles than `tags.min_articles` asks of its origin is shown on
    none. No article shows more than its `limits` (else `MAX_TAGS`; see `load.limits.tag_limit`):
    its own first, then the taxonomy's, then entities, so that its tag pages and feeds, which each
    list it with its tags, stay few.
    """
    rename = _aliases(taxonomy)
    rules = {tag_key(tag) for tag in taxonomy}
    rename.update(_variant_aliases(found.variants, rename, rules))
    hidden_by_rule = {tag_key(tag) for tag, rule in taxonomy.items() if rule.hide}
    hidden_by_config = {tag_key(name) for name in tags.hide}
    hidden = hidden_by_rule | hidden_by_config
    entities = tuple(renamed(pairs, rename) for pairs in found.per_article)
    signal: list[tuple[str, ...]] = []
    carried_by: list[list[str]] = []
    own_shown: list[list[str]] = []
    entities_shown: list[list[str]] = []
    given: set[str] = set()
    variants: dict[str, set[str]] = defaultdict(set)
    limits = limits if limits is not None else [MAX_TAGS] * len(explicit)
    for names, keys, pairs, limit in zip(explicit, topics, entities, limits, strict=True):
        own_keys = [rename.get(key, key) for key in map(tag_key, names)]
        for name, key in zip(names, own_keys, strict=True):
            variants[key].add(name)
        given.update(own_keys)
        own = merge_tags([own_keys, [rename.get(key, key) for key in keys]])
        found_keys = [key for key, _ in pairs] if tags.entities else []
        signal.append(tuple(merge_tags([own, [key for key in found_keys if key in rules]])))
        carried_by.append(merge_tags([own, found_keys]))
        own_shown.append([key for key in own if key not in hidden][:limit])
        taken = set(own)
        entities_shown.append([key for key in found_keys if key not in hidden and key not in taken])
    carriers = _support(carried_by)
    origins: dict[str, TagOrigin] = {
        key: "taxonomy" if key in rules else "explicit" if key in given else "entity" for key in carriers
    }
    minimum = {key: tags.min_articles.of(origin) for key, origin in origins.items()}

    # Twice: rare tags go before the cap, so that they leave room for others; then a tag the cap
    # cut from some articles may have become too rare.
    visible = _support([*own_shown, *entities_shown])
    carried = _carried(visible, minimum)
    own_shown = [[key for key in keys if key in carried] for keys in own_shown]
    entities_shown = [
        [key for key in keys if key in carried][: min(tags.max_entities, limit - len(own))]
        for own, keys, limit in zip(own_shown, entities_shown, limits, strict=True)
    ]
    capped = _support([*own_shown, *entities_shown])
    carried = _carried(capped, minimum)
    final = [
        [key for key in [*own, *found_keys] if key in carried]
        for own, found_keys in zip(own_shown, entities_shown, strict=True)
    ]

    entity_keys = sorted({key for pairs in found.per_article for key, _ in pairs} if tags.entities else ())
    names = display_names(
        taxonomy,
        [
            Counter(tag for own in explicit for tag in dict.fromkeys(own)),
            *(found.spellings.get(key, Counter()) for key in entity_keys),
        ],
    )
    for key in entity_keys:
        variants[rename.get(key, key)].update([*found.spellings.get(key, ()), *entity_variants(found, key)])
    shown_on = _support(final)
    records = []
    for key, origin in origins.items():
        name = names.get(key) or min(variants[key], default=key)
        records.append(
            TagRecord(
                name=name,
                key=key,
                origin=origin,
                kind=entity_kind(found, key),
                articles=shown_on[key],
                found_on=carriers[key],
                variants=tuple(sorted(variants[key] - {name})),
                reason=_reason(
                    key, origin, (visible, capped, shown_on), minimum[key], hidden_by_rule, hidden_by_config
                ),
            )
        )
    records.sort(key=lambda record: record.index_order)
    shown = tuple(tuple(names[key] for key in keys) for keys in final)
    return Tagging(shown, tuple(signal), entities, tuple(records))


def _reason(
    key: str,
    origin: TagOrigin,
    supports: tuple[Counter[str], Counter[str], Counter[str]],
    minimum: int,
    hidden_by_rule: set[str],
    hidden_by_config: set[str],
) -> str:
    """Why the tag `key` is shown, or why not, in the words of site.yaml. `supports` counts the
    articles that would show it but for `tags.min_articles` and the per-article caps, those that
    still do after the caps, and those that show it."""
    visible, capped, shown = (support[key] for support in supports)
    setting = f"min_articles.{origin}: {minimum}"
    if key in hidden_by_rule:
        return "hidden by its taxonomy rule (hide: true)"
    if key in hidden_by_config:
        return "hidden by tags.hide"
    if shown:
        return f"{_KEPT_BECAUSE[origin]} ({setting})"
    if visible < minimum:
        return f"on {visible} article{'s' if visible > 1 else ''}, below {setting}"
    return (
        f"left on {capped} of its {visible} articles by the per-article cap (tags.max_entities or the "
        f"article's tag limit), below {setting}"
    )


_KEPT_BECAUSE = {"taxonomy": "taxonomy rule", "explicit": "front matter", "entity": "named in the text"}


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


def _support(lists: Iterable[Iterable[str]]) -> Counter[str]:
    """How many of `lists` hold each key (a list never repeats a key)."""
    return Counter(itertools.chain.from_iterable(lists))


def _carried(support: Mapping[str, int], minimum: Mapping[str, int]) -> set[str]:
    """The keys with at least `minimum[key]` in `support`."""
    return {key for key, count in support.items() if count >= minimum[key]}
