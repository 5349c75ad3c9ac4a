"""What a capital letter means, judged with the whole archive's statistics.

A word the archive also writes in lower case is a common word ("Intérieur", "Coupe"); a word seen
capitalised only where a sentence opens is no evidence; a name seen after "à"/"au"/"en" is a place.
`refine` turns a run of capitalised words into the names it holds, with those facts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..analysis.capitals import ARTICLES, PARTICLES, PLACE_WORDS, SPLIT_PARTICLES, Phrase
from ..analysis.names import (
    COMMON_CAPITALISED,
    FIRST_NAMES,
    MONTHS_AND_DAYS,
    NAME_HEADS,
    TITLE_WORDS,
    entity_key,
    known_places,
)
from ..analysis.words import STOP_WORDS
from ..text import fold_word

MAX_WORDS = 6
# Roman numerals, also as ordinals: "VI", "XVIe", "Ier". Never a name alone.
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})(?:e|er|re|ème|eme)?")
_NEVER_ALONE = STOP_WORDS | MONTHS_AND_DAYS | TITLE_WORDS | COMMON_CAPITALISED


@dataclass(frozen=True, slots=True)
class Lexicon:
    """How the whole archive writes its words, which decides what a capital letter means."""

    lower: Mapping[str, int]
    """Folded words written in lower case, with their uses in the articles read for it."""
    scale: float
    """Archive size over the number of articles `lower` was counted in."""
    capital: Mapping[str, int]
    """Folded words written capitalised away from a sentence opening, with their uses."""
    standalone: frozenset[str] = frozenset()
    """Keys of names seen on their own, e.g. "maroc": "Intérieur du Maroc" may then be split."""
    places: frozenset[str] = frozenset()
    """Keys of names seen after "à", "au", "aux" or "en" at least once in five mentions."""
    things: frozenset[str] = frozenset()
    """Keys of names seen after an article at least once in five mentions: "Russie", "OTAN", "BBC".
    A person's name takes none in French, so these are never a surname or a first name."""
    spaced: frozenset[str] = frozenset()
    """Keys of names seen as two words or more: "guinee bissau" when "Guinée Bissau" is, so that
    "Guinée-Bissau" is that name too, not "Guinée" and "Bissau"."""

    def personal(self, key: str) -> bool:
        """Whether the name may be a person's: neither a place nor a thing."""
        return key not in self.places and key not in self.things

    def common(self, word: str) -> bool:
        """A function word, a month, a title, or a word the archive also writes in lower case.

        One lower-case use in ten capitalised ones is taken for a typo or a URL, not a common word.
        """
        folded = fold_word(word)
        if folded in _NEVER_ALONE:
            return True
        low = self.lower.get(folded, 0) * self.scale
        return low > 0 and low * 10 >= self.capital.get(folded, 0)


def build_lexicon(
    found: Iterable[tuple[tuple[Phrase, ...], int]], lower: Mapping[str, int], scale: float, capital: Mapping[str, int]
) -> Lexicon:
    """The lexicon, with the names seen alone, the places and the things, from the phrases of every
    distinct run with the run's uses."""
    draft = Lexicon(lower, scale, capital)
    mentions: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    articled: Counter[str] = Counter()
    spaced: set[str] = set()
    for phrases, uses in found:
        for phrase in phrases:
            stripped = strip(phrase, draft)
            if stripped is None:
                continue
            if len(stripped.words) == 1 and (
                draft.common(stripped.words[0]) or fold_word(stripped.words[0]) in FIRST_NAMES
            ):
                continue
            key = entity_key(stripped.surface)
            mentions[key] += uses
            if len(stripped.words) > 1:
                spaced.add(key)
            if stripped.before in PLACE_WORDS:
                placed[key] += uses
            elif stripped.before in ARTICLES:
                articled[key] += uses
    # "en Poutine" once in fifty mentions is "confiance en Poutine", not a place.
    places = frozenset(key for key, count in placed.items() if count * 5 >= mentions[key])
    things = frozenset(key for key, count in articled.items() if count * 5 >= mentions[key])
    return Lexicon(lower, scale, capital, frozenset(mentions), places, things, frozenset(spaced))


def refine(phrases: Iterable[Phrase], lexicon: Lexicon) -> list[Phrase]:
    """The names a run's phrases hold: titles and articles stripped, glued names split, non-names
    dropped. Lone first names are kept (they may stand for a full name nearby); the caller decides."""
    return _refine_all(phrases, lexicon)


def strip(phrase: Phrase, lexicon: Lexicon) -> Phrase | None:
    """Drop leading titles, articles and particles (and a common opener), and trailing particles.

    What was stripped is remembered as the word before the name: "Mme Dati" is "Dati", titled;
    "Au Burkina Faso" opening a sentence is "Burkina Faso" after "au", a place.
    """
    words_ = phrase.words
    start, end = 0, len(words_)
    before = phrase.before
    while start < end:
        word = words_[start]
        folded = fold_word(word)
        if _title(folded):
            before = folded
        elif _leads(phrase, start, end, lexicon):
            lowered = word.lower()
            if start == 0 and (lowered in ARTICLES or lowered in PLACE_WORDS):
                before = lowered
        elif folded not in SPLIT_PARTICLES and (folded not in PARTICLES or word[0].isupper()):
            # A capitalised "Ben", "Al", "Van" opens the name ("Ben Azzouz", "Al Shabab").
            break
        start += 1
    while end > start and fold_word(words_[end - 1]) in PARTICLES:
        end -= 1
    if start >= end:
        return None
    if not start:
        return phrase.part(start, end)
    part = phrase.part(start, end)
    return Phrase(part.words, part.joins, False, before, part.in_title)


def _leads(phrase: Phrase, start: int, end: int, lexicon: Lexicon) -> bool:
    """Whether the word at `start` goes before the name rather than in it."""
    words_ = phrase.words
    word = words_[start]
    common = lexicon.common(word)
    # A function word or a common word opening the sentence is no part of the name ("Le Maroc",
    # "Concernant Rabat"); mid-sentence a function word's capital says it is ("à Tel Aviv").
    if phrase.initial and common and (start == 0 or fold_word(word) in STOP_WORDS):
        return True
    rest = words_[start + 1 : end]
    # "Premier Ministre Abiy Ahmed": a common word before a title goes with the title;
    # "Uruguayen Martin Lasarte": a common word before a full name is not part of it.
    if common and rest and (_title(fold_word(rest[0])) or _plain_name(rest, lexicon)):
        return True
    # "l'Algérien Riyad Mahrez": no article goes before a person's name, so the word after one,
    # when a known full name follows, is what the person is (whether or not the archive knows it).
    return start == 0 and phrase.before in ARTICLES and _known_name(rest, lexicon)


def _title(folded: str) -> bool:
    """A title, hyphenated ones too: "Lieutenant-Colonel", "Vice-Président"."""
    return folded in TITLE_WORDS or ("-" in folded and all(part in TITLE_WORDS for part in folded.split("-")))


def _known_name(words_: Sequence[str], lexicon: Lexicon) -> bool:
    """A full name that starts with a known first name or is seen on its own elsewhere."""
    return _plain_name(words_, lexicon) and (
        fold_word(words_[0]) in FIRST_NAMES or entity_key(" ".join(words_)) in lexicon.standalone
    )


def _plain_name(words_: Sequence[str], lexicon: Lexicon) -> bool:
    """Two to four capitalised words, none common, no particle: how full names look."""
    return 2 <= len(words_) <= 4 and not any(
        lexicon.common(word) or fold_word(word) in PARTICLES or not word[0].isupper() for word in words_
    )


def _split(phrase: Phrase, lexicon: Lexicon) -> list[Phrase]:
    """Separate names glued together: "Maroc-France", "Intérieur du Maroc", "Frontex-Maroc Comité Mixte",
    "BBC Andrew Horne", "FMI FMI" (the last two where a heading lost its full stop)."""
    words_ = phrase.words
    for position in range(1, len(words_)):
        # A word twice is two names, whatever it is: a caption repeated ("Macron Macron"), a heading
        # that lost its full stop ("FMI FMI").
        repeated = fold_word(words_[position]) == fold_word(words_[position - 1])
        if repeated or (position == 1 and _glued(words_[0], words_[1:], lexicon)):
            head, tail = phrase.part(0, position), phrase.part(position, len(words_))
            return [*_refine_all([head], lexicon), *_refine_all([tail], lexicon)]
    for position, word in enumerate(phrase.words):
        parts = word.split("-")
        if len(parts) > 1 and _glued_names(word, parts, lexicon):
            before = [phrase.part(0, position)] if position else []
            after = [phrase.part(position + 1, len(phrase.words))] if position + 1 < len(phrase.words) else []
            initial = phrase.initial and not position
            pieces = [Phrase((part,), (), initial, "", phrase.in_title) for part in parts]
            return [*_refine_all(before, lexicon), *pieces, *_refine_all(after, lexicon)]
    if entity_key(phrase.surface) in known_places():
        return [phrase]  # "Côte d'Ivoire", "Bosnie-Herzégovine"
    for position, word in enumerate(phrase.words):
        if position == 1 and fold_word(phrase.words[0]) in NAME_HEADS:
            continue  # "Banque d'Angleterre": one name, not "Angleterre" and a word alone
        if position and fold_word(word) in SPLIT_PARTICLES:
            tail = strip(phrase.part(position + 1, len(phrase.words)), lexicon)
            if tail is not None and _independent(tail.surface, lexicon, tail.words):
                return [*_refine_all([phrase.part(0, position)], lexicon), tail]
    return [phrase]


def _glued_names(word: str, parts: Sequence[str], lexicon: Lexicon) -> bool:
    """Two names joined by a hyphen ("Maroc-France"), not one name written with one ("Guinée-Bissau",
    also written "Guinée Bissau"; "Royaume-Uni", a country)."""
    key = entity_key(word)
    if key in lexicon.spaced or key in known_places():
        return False
    return all(_independent(part, lexicon) for part in parts)


def _glued(first: str, rest: Sequence[str], lexicon: Lexicon) -> bool:
    """A known place or thing, then a known full name."""
    return not lexicon.personal(entity_key(first)) and _known_name(rest, lexicon)


def _independent(surface: str, lexicon: Lexicon, parts: tuple[str, ...] = ()) -> bool:
    if len(parts) <= 1 and (lexicon.common(surface) or fold_word(surface) in FIRST_NAMES):
        return False
    return entity_key(surface) in lexicon.standalone


def _refine_all(phrases: Iterable[Phrase], lexicon: Lexicon) -> list[Phrase]:
    out: list[Phrase] = []
    for phrase in phrases:
        stripped = strip(phrase, lexicon)
        if stripped is not None:
            out.extend(piece for piece in _split(stripped, lexicon) if _acceptable(piece, lexicon))
    return out


def _acceptable(phrase: Phrase, lexicon: Lexicon) -> bool:
    """Reject what is not a name: lone common words, numerals, letters, unproven openers, long runs."""
    named = [word for word in phrase.words if fold_word(word) not in PARTICLES]
    if not named or len(named) > MAX_WORDS:
        return False
    if len(named) > 1:
        return True
    word = named[0]
    folded = fold_word(word)
    if len(folded) < 2 or lexicon.common(word) or _ROMAN.fullmatch(word) or not entity_key(word):
        return False
    # Capitalised only where sentences open: no evidence it is a name ("Concernant", "Arrivé"). A known
    # first name is one anyway, kept to be merged with a full name nearby ("Bruno a parlé").
    return not phrase.initial or lexicon.capital.get(folded, 0) > 0 or folded in FIRST_NAMES
