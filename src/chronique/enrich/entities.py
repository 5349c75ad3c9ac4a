"""Named entities: the people, places and organisations an article is about, from capitalisation.

No model: French capitalises proper nouns and little else, so runs of capitalised words are
candidates (`capitals`), judged with what the whole archive knows of its words (`lexicon`). Then
the short forms of a name meet its full form: "Retailleau", "M. Retailleau", "B. Retailleau" and
"le ministre Retailleau" are "Bruno Retailleau" when the article, or else the archive, shows no
other full name they could stand for; "Bruno" alone beside "Bruno Retailleau" is him too, and a
first name that stands for no one here is never a tag.
"""

from __future__ import annotations

import heapq
import itertools
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..analysis.capitals import (
    NAME_PARTICLES,
    PARTICLES,
    SPLIT_PARTICLES,
    Phrase,
    RawRun,
    Run,
    capital_uses,
    lower_uses,
    phrases_of,
    run_of,
)
from ..analysis.names import FIRST_NAMES, ORGANISATION_WORDS, TITLE_WORDS, entity_key, known_places
from ..text import fold_word
from .lexicon import Lexicon, build_lexicon, refine

__all__ = ["Entities", "Kind", "entities_of", "entity_key"]

# An entity becomes a tag when mentioned this often, or once in the title: a single passing mention
# ("en présence de M. Patrick Calvar") does not make an article about it, and one-off mentions are
# where capitalisation misleads most (headings, credits, quotes).
MIN_MENTIONS = 2
# Lower-case uses are counted in at most this many articles, chosen by a hash of their title: every
# word of them must be read, and a common word shows itself in half a million words as well as in
# fifty million. This keeps the cost flat as the archive grows.
LOWER_CASE_SAMPLE = 1000
_INNER = re.compile(r"[-']")
# Titles that make the word after them a person's name; "son", "sa" ("sa Majesté") do not.
_PERSON_TITLES = TITLE_WORDS - {"son", "sa"}


Kind = Literal["person", "place", "organisation", "unknown"]


@dataclass(frozen=True, slots=True)
class Entities:
    """Per article, the kept entities as (key, mentions), most mentioned first; and their spellings."""

    per_article: tuple[tuple[tuple[str, int], ...], ...]
    spellings: dict[str, Counter[str]]
    """Key -> its spellings with their uses, those of the variants merged into it included."""
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    """Key of each kept entity -> what it names, where the evidence is clear (`_kind`)."""
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Key of each kept entity -> every spelling merged into it, most used first (the one shown)."""


@dataclass(frozen=True, slots=True)
class _Name:
    """A name as found once, with what merging needs to know of it (computed once per distinct run)."""

    key: str
    surface: str
    size: int
    """Words, particles aside."""
    first: str
    """Key of its first word."""
    tails: tuple[str, ...]
    """Keys of its surname: its last word with the name particles before it ("ben azzouz" in "Kenza
    Ben Azzouz"), then its last word alone when that differs ("azzouz")."""
    tail2: str
    """Key of its last two words when it has three or more, else ""."""
    plain: bool
    """Two to four words, and no particle but those of a person's name ("Ben", "Ould", "Van"): a
    full name may look like this."""
    hint: str
    """"title" after "M.", "Mme", "le ministre"...; the letter of an initial ("B. Retailleau"); else ""."""
    in_title: bool


def entities_of(
    runs: Sequence[tuple[Sequence[RawRun], Sequence[RawRun]]], sample: Sequence[str], publishers: Collection[str] = ()
) -> Entities:
    """The entities of each document (title, text), judged against the whole archive, short forms
    merged, variants of one name merged, the archive's own `publishers` (source names, the site's
    title) left out; given each document's runs (`capitals.title_runs` and `capitals.find_runs`,
    as the article's analysis holds them) and the texts of its `lower_case_sample`.

    Needs no more than that, so that it can run in another process at little cost.
    """
    # Runs are numbered as found, one number per distinct tuple, counted in C: no Python per run.
    numbers = itertools.count()
    in_text: dict[RawRun, int] = {}
    in_title: dict[RawRun, int] = {}
    articles = [
        (*map(in_title.setdefault, title, numbers), *map(in_text.setdefault, text, numbers)) for title, text in runs
    ]
    run_at = {number: run_of(raw, False) for raw, number in in_text.items()}
    run_at.update((number, run_of(raw, True)) for raw, number in in_title.items())
    del in_text, in_title
    uses = Counter(itertools.chain.from_iterable(articles))
    run_uses: Counter[Run] = Counter()
    for number, count in uses.items():
        run_uses[run_at[number]] += count
    phrases = {run: phrases_of(run) for run in run_uses}
    phrase_uses = [(phrases[run], count) for run, count in run_uses.items()]

    # Lower-case uses matter only for words the archive capitalises somewhere.
    capitalised = {
        part
        for found in phrases.values()
        for phrase in found
        for word in phrase.words
        for part in [word, *_INNER.split(word)]
    }
    lower = lower_uses(sample, capitalised)
    scale = len(runs) / len(sample) if sample else 1.0
    lexicon = build_lexicon(phrase_uses, lower, scale, capital_uses(phrase_uses))

    names_of = {run: tuple(_name(phrase) for phrase in refine(phrases[run], lexicon)) for run in run_uses}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    mentions: Counter[str] = Counter()
    for run, count in run_uses.items():
        for name in names_of[run]:
            spellings[name.key][name.surface] += count
            mentions[name.key] += count
    # One form per key, whatever the input order: the longest, then the first in sorted order.
    forms = sorted((name for names in names_of.values() for name in names), key=lambda n: (-n.size, n.surface))
    distinct: dict[str, _Name] = {}
    for name in forms:
        distinct.setdefault(name.key, name)
    persons = {key: name for key, name in distinct.items() if _person_like(name, lexicon)}
    archive = _ArchiveNames(lexicon, persons, distinct.values(), mentions)
    named = {number: names_of[run] for number, run in run_at.items() if names_of[run]}
    article_names = [[name for number in found if number in named for name in named[number]] for found in articles]
    for names in article_names:
        archive.learn(names)
    per_article = tuple(_article_entities(names, archive) for names in article_names)

    things = {
        key for key, name in distinct.items() if name.size > 1 and key not in persons and key not in known_places()
    }
    rename = _variant_targets(distinct, mentions, sample, things)
    left_out = _publisher_keys(publishers, mentions, lexicon)
    per_article = tuple(
        tuple((key, count) for key, count in renamed(pairs, rename) if key not in left_out) for pairs in per_article
    )
    for key, target in rename.items():
        spellings[target].update(spellings.pop(key, Counter()))
    kept = sorted({key for pairs in per_article for key, _ in pairs})
    variants = {
        key: tuple(sorted(spellings[key], key=lambda form, key=key: (-spellings[key][form], form))) for key in kept
    }
    titled = {name.key for name in distinct.values() if name.hint} | archive.titled
    kinds = {key: _kind(key, variants[key], lexicon, archive, titled) for key in kept}
    return Entities(per_article, dict(spellings), kinds, variants)


def renamed(pairs: Sequence[tuple[str, int]], rename: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    """(key, mentions) with keys renamed: mentions of names that become one key add up, most
    mentioned first, ties in order of appearance."""
    if not any(key in rename for key, _ in pairs):
        return tuple(pairs)
    merged: Counter[str] = Counter()
    for key, mentions in pairs:
        merged[rename.get(key, key)] += mentions
    order = {key: position for position, key in enumerate(merged)}
    return tuple(sorted(merged.items(), key=lambda item: (-item[1], order[item[0]])))


# An acronym in brackets, and the words before it its letters may stand for: "Organisation mondiale
# de la santé (OMS)"; or the other way round, "OMS (Organisation mondiale de la santé)".
_BRACKETED_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&]{1,9})\)")
_ACRONYM_THEN_BRACKETS = re.compile(r"\b([A-Z][A-Z0-9&]{1,9}) \(([^()]{3,120})\)")
_WORD_THEN_ACRONYM = re.compile(r"\b([^\W\d_])[^\W\d_]* ([A-Z][A-Z0-9&]{1,9})\b")
_EXPANSION_WORD = re.compile(r"[^\W\d_]+")
# Small words an acronym's letters skip: "Fonds monétaire international (FMI)", "Bank of England (BoE)".
_SKIPPED = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "et", "pour", "en", "au", "aux", "of", "the", "and", "for"}
)


def _variant_targets(
    distinct: Mapping[str, _Name], mentions: Counter[str], sample: Sequence[str], things: Collection[str]
) -> dict[str, str]:
    """Key -> the key it is a variant of, the most mentioned of its group. Variants: an acronym and
    the expansion the archive pairs it with in brackets (both names here): the words its letters
    spell, or else one of `things` (names of several words, no person's, no country's) just before
    it, for an acronym of another language ("Championnat du Monde des Rallyes (WRC)", but not
    "Côte d'Ivoire (AFP)"); an acronym and the same with a letter before it that the archive writes
    as a word ("FCFA", "francs CFA"); one name written with or without spaces."""
    pairs: list[tuple[str, str]] = []
    squeezed: dict[str, list[str]] = defaultdict(list)
    for key in distinct:
        squeezed[key.replace(" ", "")].append(key)
    pairs += ((keys[0], other) for keys in squeezed.values() for other in keys[1:])
    acronyms = {entity_key(name.surface): name.surface for name in distinct.values() if _acronym(name.surface)}
    text = "\n".join(sample)
    if acronyms:
        for match in _BRACKETED_ACRONYM.finditer(text):
            before = text[max(0, match.start() - 160) : match.start()]
            expansion = _expansion(before, match.group(1), at_end=True) or _thing_before(before, things)
            pairs.append((entity_key(match.group(1)), entity_key(expansion)))
        for match in _ACRONYM_THEN_BRACKETS.finditer(text):
            expansion = _expansion(match.group(2), match.group(1), at_end=False)
            pairs.append((entity_key(match.group(1)), entity_key(expansion)))
        # Read once: each acronym with the initial of the word before it ("francs CFA": "f", "CFA").
        spelled = {(initial.lower(), acronym) for initial, acronym in _WORD_THEN_ACRONYM.findall(text)}
        for key, surface in acronyms.items():
            shorter = entity_key(surface[1:])
            if shorter in acronyms and (surface[0].lower(), acronyms[shorter]) in spelled:
                pairs.append((key, shorter))
    groups: dict[str, set[str]] = {}
    for one, other in pairs:
        if one == other or one not in distinct or other not in distinct:
            continue
        group = groups.get(one, {one}) | groups.get(other, {other})
        for key in group:
            groups[key] = group
    rename: dict[str, str] = {}
    for key, group in groups.items():
        target = min(group, key=lambda member: (-mentions[member], member))
        if key != target:
            rename[key] = target
    return rename


def _thing_before(text: str, things: Collection[str]) -> str:
    """The one of `things` that `text` ends with (two to six words), when it is the whole name there:
    not the end of a longer one ("Afrique de l'Ouest" in "États de l'Afrique de l'Ouest"); else ""."""
    words_ = text.split()
    for size in range(min(6, len(words_)), 1, -1):
        candidate = " ".join(words_[-size:])
        if entity_key(candidate) in things:
            before = words_[-size - 1] if size < len(words_) else ""
            whole = not before or not (before[0].isupper() or fold_word(before) in PARTICLES)
            return candidate if whole else ""
    return ""


def _expansion(words_text: str, acronym: str, at_end: bool) -> str:
    """The words of `words_text` whose initials spell `acronym` (the last ones when `at_end`, else
    the first), small words between them included; "" when none do."""
    found = list(_EXPANSION_WORD.finditer(words_text.replace("-", " ")))
    letters = acronym.lower()
    content = [match for match in found if match.group().lower() not in _SKIPPED]
    chosen = content[-len(letters) :] if at_end else content[: len(letters)]
    if len(chosen) < len(letters) or "".join(match.group()[0].lower() for match in chosen) != letters:
        return ""
    if not at_end and chosen[-1].end() < len(words_text.rstrip()) - 1:
        return ""  # more words follow: the brackets say something else
    return words_text.replace("-", " ")[chosen[0].start() : chosen[-1].end()]


def _publisher_keys(publishers: Collection[str], mentions: Counter[str], lexicon: Lexicon) -> set[str]:
    """The keys that name the archive's own publishers: "BBC Afrique", its brand alone ("BBC") and
    its desks ("BBC Sport Afrique", "BBC News") when the brand is an acronym, but not a place the
    name starts with ("France" in "France 24")."""
    left_out: set[str] = set()
    # Every key that may be left out starts with the publisher's first word: only those are looked at.
    by_first: dict[str, list[str]] = defaultdict(list)
    for key in mentions:
        by_first[key.split(" ", 1)[0]].append(key)
    for publisher in publishers:
        own = entity_key(publisher)
        if not own:
            continue
        brand = own.split()[0] if _acronym(publisher.split()[0]) else ""
        for key in by_first.get(own.split()[0], ()):
            whole = key == own or key.startswith(own + " ") or (brand and key.split()[0] == brand)
            start = own.startswith(key + " ") and key not in lexicon.places and key not in known_places()
            if whole or start:
                left_out.add(key)
    return left_out


def _kind(key: str, surfaces: Sequence[str], lexicon: Lexicon, archive: _ArchiveNames, titled: set[str]) -> Kind:
    """What an entity names, from clear evidence only: a country or region Babel knows (a place); an
    acronym, or a name opening with "Organisation", "Banque", "Parti"... (an organisation); a name
    written after "à", "au", "en" that does not open with a common word ("au Burkina Faso", not "au
    Championnat du monde") (a place); a full name opening with a known first name, or a name after
    a title ("M.", "le président") or ending with a surname seen after one (a person). Else "unknown"."""
    words_ = key.split()
    if key in known_places():
        return "place"
    if any(_acronym(surface) for surface in surfaces) or words_[0] in ORGANISATION_WORDS:
        return "organisation"
    if key in lexicon.places and not lexicon.common(surfaces[0].split()[0]):
        return "place"
    if key in titled:
        return "person"
    if key in archive.persons and (words_[0] in FIRST_NAMES or words_[-1] in titled):
        return "person"
    return "unknown"


def lower_case_sample(documents: Sequence[tuple[str, str]]) -> list[int]:
    """The documents lower-case uses are counted in: all, or a fixed share chosen by their content."""
    if len(documents) <= LOWER_CASE_SAMPLE:
        return list(range(len(documents)))
    digests = [zlib.crc32(title.encode("utf-8", "surrogatepass")) for title, _ in documents]
    chosen = heapq.nsmallest(LOWER_CASE_SAMPLE, range(len(documents)), key=lambda n: (digests[n], documents[n]))
    return sorted(chosen)


def _name(phrase: Phrase) -> _Name:
    words_ = [word for word in phrase.words if fold_word(word) not in PARTICLES]
    before = phrase.before
    if before.endswith("."):
        before = before[:-1]
        hint = before if len(before) == 1 and before != "m" else "title" if before in _PERSON_TITLES else ""
    else:
        hint = "title" if before in _PERSON_TITLES else ""
    return _Name(
        key=entity_key(phrase.surface),
        surface=phrase.surface,
        size=len(words_),
        first=entity_key(words_[0]),
        tails=_surname_keys(phrase.words),
        tail2=entity_key(" ".join(words_[-2:])) if len(words_) >= 3 else "",
        plain=2 <= len(words_) <= 4 and not any(fold_word(word) in SPLIT_PARTICLES for word in phrase.words),
        hint=hint,
        in_title=phrase.in_title,
    )


def _surname_keys(words_: Sequence[str]) -> tuple[str, ...]:
    start = len(words_) - 1
    while start > 0 and fold_word(words_[start - 1]) in NAME_PARTICLES:
        start -= 1
    last = entity_key(words_[-1])
    if start == len(words_) - 1:
        return (last,)
    return (entity_key(" ".join(words_[start:])), last)


def _person_like(name: _Name, lexicon: Lexicon) -> bool:
    """A full name a short form may stand for: plain, neither a place nor a thing, no acronym in it,
    not starting with a place or a thing ("Paris Saint-Germain", "BBC Russie") nor with a longer
    known name ("Manchester United Football")."""
    if not name.plain or not lexicon.personal(name.key) or any(_acronym(word) for word in name.surface.split()):
        return False
    words_ = name.key.split()
    if not lexicon.personal(words_[0]):
        return False
    return not any(" ".join(words_[:end]) in lexicon.standalone for end in range(2, len(words_)))


def _acronym(word: str) -> bool:
    """ "BBC", "FMI", "FC": an organisation's, never part of a person's name."""
    return len(word) > 1 and word.isupper()


class _ArchiveNames:
    """What the whole archive says about short forms: which full names end or start with a word,
    and whether a word is a first name."""

    def __init__(
        self, lexicon: Lexicon, persons: dict[str, _Name], names: Iterable[_Name], mentions: Counter[str]
    ) -> None:
        self.lexicon = lexicon
        self.mentions = mentions
        """Key -> mentions in the whole archive."""
        self.wholes: dict[str, set[str]] = defaultdict(set)
        """Word -> the plain place names that start with it: "burkina" -> {"burkina faso"}."""
        for name in names:
            if name.size > 1 and name.plain and name.key in lexicon.places:
                self.wholes[name.first].add(name.key)
        self.full: dict[str, set[str]] = defaultdict(set)
        """Surname key -> the person-like full names that end with it."""
        for key, name in persons.items():
            for tail in name.tails:
                self.full[tail].add(key)
        self.persons = persons
        self.alone: Counter[str] = Counter()
        """Word -> articles where it stands alone, no longer name here starting or ending with it."""
        self.leading: Counter[str] = Counter()
        """Word -> articles where a person-like full name starts with it."""
        self.titled: set[str] = set()
        """Words seen after a title or an initial: surnames, whatever else they are."""
        self._first_names: dict[str, bool] = {}
        self._resolved: dict[tuple[str, str, int], str | None] = {}

    def learn(self, names: Sequence[_Name]) -> None:
        parts = {name.first for name in names if name.size > 1}
        parts.update(tail for name in names if name.size > 1 for tail in name.tails)
        self.alone.update({name.key for name in names if name.size == 1 and name.key not in parts})
        self.leading.update({name.first for name in names if name.size > 1 and name.key in self.persons})
        self.titled.update(name.key for name in names if name.size == 1 and name.hint)

    def first_name(self, word: str) -> bool:
        """Known as a first name, or used as one here: leading full names at least as often as
        standing alone, never the end of a full name, never after a title."""
        known = self._first_names.get(word)
        if known is None:
            if word in self.titled or word in self.lexicon.places:
                known = False
            else:
                known = word in FIRST_NAMES or (
                    word not in self.full and self.leading[word] >= max(1, self.alone[word])
                )
            self._first_names[word] = known
        return known

    def resolve(self, name: _Name) -> str | None:
        """`_resolve` for a short form with no longer name beside it in its article: the archive alone
        decides, so the answer is remembered."""
        form = (name.key, name.hint, name.size)
        if form not in self._resolved:
            self._resolved[form] = _resolve(name, self, {}, {}, {}, {})
        return self._resolved[form]

    def surname_of(self, word: str, letter: str) -> set[str]:
        return _with_initial(self.full.get(word, ()), letter, self.persons)


def _with_initial(keys: Iterable[str], letter: str, names: dict[str, _Name]) -> set[str]:
    """The full names a short form may stand for, given the letter of its initial ("" when none)."""
    if len(letter) != 1:
        return set(keys)
    return {key for key in keys if names[key].first.startswith(letter)}


def _article_entities(names: Sequence[_Name], archive: _ArchiveNames) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    in_title: set[str] = set()
    first_seen: dict[str, int] = {}
    local: dict[str, _Name] = {}
    # Short forms are resolved once per article and form (key, hint, size), in order of appearance.
    short: dict[tuple[str, str, int], _Name] = {}
    short_uses: Counter[tuple[str, str, int]] = Counter()
    short_seen: dict[tuple[str, str, int], int] = {}
    for position, name in enumerate(names):
        key = name.key
        if key not in local:
            local[key] = name
        if name.size <= 2:
            form = (key, name.hint, name.size)
            if form not in short:
                short[form] = name
                short_seen[form] = position
            short_uses[form] += 1
            if name.in_title:
                in_title.add(key)
            continue
        counts[key] += 1
        if key not in first_seen:
            first_seen[key] = position
        if name.in_title:
            in_title.add(key)
    persons: dict[str, _Name] = {}
    ending: dict[str, set[str]] = defaultdict(set)
    ending2: dict[str, set[str]] = defaultdict(set)
    parts: dict[str, set[str]] = defaultdict(set)
    for key, name in local.items():
        if name.size > 1 and name.plain:
            parts[name.first].add(key)
            for tail in name.tails:
                parts[tail].add(key)
            if key in archive.persons:
                persons[key] = name
                for tail in name.tails:
                    ending[tail].add(key)
                if name.tail2:
                    ending2[name.tail2].add(key)
    for form, name in short.items():
        if name.key in parts or name.key in ending2:
            target = _resolve(name, archive, persons, ending, ending2, parts)
        else:
            target = archive.resolve(name)
        if target is None:
            continue
        counts[target] += short_uses[form]
        if short_seen[form] < first_seen.get(target, len(names)):
            first_seen[target] = short_seen[form]
        if name.key in in_title:
            in_title.add(target)
    kept = [key for key in counts if counts[key] >= MIN_MENTIONS or key in in_title]
    kept.sort(key=lambda key: (-counts[key], first_seen[key]))
    return tuple((key, counts[key]) for key in kept)


def _resolve(
    name: _Name,
    archive: _ArchiveNames,
    persons: dict[str, _Name],
    ending: dict[str, set[str]],
    ending2: dict[str, set[str]],
    parts: dict[str, set[str]],
) -> str | None:
    """The key a short form counts for: a full name it stands for, itself, or None (a lone first name)."""
    word = name.key
    if name.size == 2:
        # "Suu Kyi" in an article about "Aung San Suu Kyi".
        full = ending2.get(word, set())
        return next(iter(full)) if len(full) == 1 else word
    personal = archive.lexicon.personal
    if not personal(word):
        # A place or a thing stands for the one longer name of a place or a thing here that starts or
        # ends with it when it never goes without one ("Burkina" beside "Burkina Faso"); a place, for
        # the one longer place name in the archive that starts with it, when used less than that
        # ("Burkina" alone). "Maroc" beside "Maroc Telecom" stays the country.
        whole = {key for key in parts.get(word, ()) if not personal(key)}
        if len(whole) == 1 and not archive.alone[word]:
            return next(iter(whole))
        whole = archive.wholes.get(word, set())
        if word in archive.lexicon.places and len(whole) == 1 and archive.mentions[word] < archive.mentions[min(whole)]:
            return next(iter(whole))
        return word
    letter = name.hint if len(name.hint) == 1 else ""
    first_name = archive.first_name(word)
    # A surname stands for the one full name that ends with it, here or else in the archive:
    # "Retailleau" is "Bruno Retailleau". Two candidates ("Macron": Emmanuel or Brigitte): left alone.
    full = _with_initial(ending.get(word, ()), letter, persons)
    if not full and not first_name:
        full = archive.surname_of(word, letter)
    if len(full) == 1:
        return next(iter(full))
    if not full:
        # "Bruno" beside "Bruno Retailleau", "Xi" beside "Xi Jinping", "Burkina" beside "Burkina Faso":
        # the one name here that starts or ends with it, when the word never goes without one.
        whole = parts.get(word, set())
        if len(whole) == 1 and (first_name or not archive.alone[word]):
            return next(iter(whole))
    return None if first_name else word
