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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..text import fold_word
from .capitals import (
    PARTICLES,
    Phrase,
    RawRun,
    Run,
    capital_uses,
    find_runs,
    lower_uses,
    phrases_of,
    run_of,
    title_runs,
)
from .lexicon import Lexicon, build_lexicon, refine
from .names import FIRST_NAMES, TITLE_WORDS, entity_key

__all__ = ["Entities", "entity_key", "extract_entities"]

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


@dataclass(frozen=True, slots=True)
class Entities:
    """Per article, the kept entities as (key, mentions), most mentioned first; and their spellings."""

    per_article: tuple[tuple[tuple[str, int], ...], ...]
    spellings: dict[str, Counter[str]]


@dataclass(frozen=True, slots=True)
class _Name:
    """A name as found once, with what merging needs to know of it (computed once per distinct run)."""

    key: str
    surface: str
    size: int
    """Words, particles aside."""
    first: str
    """Key of its first word."""
    tail: str
    """Key of its last word."""
    tail2: str
    """Key of its last two words when it has three or more, else ""."""
    plain: bool
    """Two to four words and no particle: a full name may look like this."""
    hint: str
    """"title" after "M.", "Mme", "le ministre"...; the letter of an initial ("B. Retailleau"); else ""."""
    in_title: bool


def extract_entities(documents: Sequence[tuple[str, str]]) -> Entities:
    """The entities of each (title, text), judged against the whole archive, short forms merged.

    `enrich` calls `entities_of` with the runs of capitals each article's analysis holds."""
    runs = [(title_runs(title), find_runs(text)) for title, text in documents]
    return entities_of(runs, [documents[number][1] for number in lower_case_sample(documents)])


def entities_of(runs: Sequence[tuple[Sequence[RawRun], Sequence[RawRun]]], sample: Sequence[str]) -> Entities:
    """`extract_entities` given each document's runs, and the texts of its `lower_case_sample`.

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
    return Entities(per_article, dict(spellings))


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
        tail=entity_key(words_[-1]),
        tail2=entity_key(" ".join(words_[-2:])) if len(words_) >= 3 else "",
        plain=2 <= len(phrase.words) <= 4 and len(words_) == len(phrase.words),
        hint=hint,
        in_title=phrase.in_title,
    )


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
            self.full[name.tail].add(key)
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
        parts = {name.first for name in names if name.size > 1} | {name.tail for name in names if name.size > 1}
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
            parts[name.tail].add(key)
            if key in archive.persons:
                persons[key] = name
                ending[name.tail].add(key)
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
