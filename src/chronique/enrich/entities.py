"""Named entities: the people, places and organisations an article is about, from capitalisation.

No model: French capitalises proper nouns and little else, so runs of capitalised words are
candidates. What makes that usable is what the whole archive knows: a word also written in lower
case is a common word ("Intérieur", "Coupe"); a word seen capitalised only where a sentence opens is
no evidence; a lone surname names the person whose full name ends with it. Two passes: `scan`
reads each article alone, `extract_entities` judges the candidates with the archive's statistics.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..text import fold
from .names import FIRST_NAMES, MONTHS_AND_DAYS, TITLE_WORDS
from .words import STOP_WORDS, Token, fold_word, normalise_quotes, words

# Lower-case words that may join two capitalised ones: "Coupe d'Afrique des Nations", "Ould Ghazouani".
PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "d'",
        "la",
        "l'",
        "el",
        "al",
        "ben",
        "bin",
        "ibn",
        "ould",
        "abou",
        "abu",
        "van",
        "von",
        "der",
        "di",
        "da",
        "dos",
        "del",
    }
)
# Only these French ones split "Intérieur du Maroc": Arabic "ben"/"el" bind a name's parts.
_SPLIT_PARTICLES = frozenset({"de", "du", "des", "d'", "la", "l'"})
# A place follows these: "à Rabat", "au Maroc", "en France". A place is never a surname or a first name.
_PLACE_WORDS = frozenset({"a", "au", "aux", "en"})
# After these, a period ends an abbreviation, not a sentence: "M. Hassad", "Mme Dati".
_ABBREVIATIONS = frozenset({"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "mgr", "gal"})
# Possessive "++": a plain "+" would backtrack through every word that is not a domain name.
_MAYBE_URL = re.compile(r"://|www\.|@|[^\W_]\.[^\W\d_]{2}")
_URL = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w.-])[\w.-]++@\S+|\b[\w-]++(?:\.[a-z]{2,}+){1,3}+(?:/\S*)?", re.I
)
MAX_WORDS = 6
# An entity becomes a tag when mentioned this often, or once in the title: a single passing mention
# ("en présence de M. Patrick Calvar") does not make an article about it, and one-off mentions are
# where capitalisation misleads most (headings, credits, quotes).
MIN_MENTIONS = 2
MAX_ENTITIES = 6


@dataclass(frozen=True, slots=True)
class Phrase:
    """A run of capitalised words as written, with the particles between them."""

    words: tuple[str, ...]
    joins: tuple[str, ...]
    """Separator before each word but the first: " " or "" (after an elided "d'")."""
    initial: bool = False
    """Its first word opens a sentence, so its capital letter proves nothing."""
    placed: bool = False
    """Preceded by "à", "au", "aux" or "en"."""
    in_title: bool = False

    @property
    def surface(self) -> str:
        rest = zip(self.joins, self.words[1:], strict=True)
        return self.words[0] + "".join(join + word for join, word in rest)

    def part(self, start: int, end: int) -> Phrase:
        first = start == 0
        return Phrase(
            self.words[start:end],
            self.joins[start : end - 1] if end > start else (),
            self.initial and first,
            self.placed and first,
            self.in_title,
        )


@dataclass(frozen=True, slots=True)
class Scan:
    """What one article tells about words: its candidate phrases and how it writes each word."""

    phrases: tuple[Phrase, ...]
    lower: Counter[str]
    """Folded words written in lower case."""
    capital: Counter[str]
    """Folded words written capitalised away from a sentence opening."""


@lru_cache(maxsize=100_000)
def entity_key(surface: str) -> str:
    """The identity of a name: folded, punctuation as spaces, leading article and plural "s"/"x" dropped."""
    parts = re.findall(r"[^\W_]+", fold(surface.replace("’", "'")))
    while len(parts) > 1 and parts[0] in {"le", "la", "les", "l", "the"}:
        parts = parts[1:]
    return " ".join(_singular(part) for part in parts)


def _singular(word: str) -> str:
    # Keys only, never shown: "Comores" and "Comore" meet; "Frontex" keeps its x, "Jeux" loses it.
    if len(word) > 3 and (word.endswith("s") or word.endswith("ux")):
        return word[:-1]
    return word


def is_title_case(title: str) -> bool:
    """Whether a headline capitalises its words English-style, making capitals there meaningless."""
    tokens = [t.text for t in words(title)][1:]
    content = [word for word in tokens if len(word) >= 4 and fold_word(word) not in STOP_WORDS]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.6 * len(content)


def scan(title: str, text: str) -> Scan:
    """Candidate phrases of an article (title first, unless title-cased) and its word usage."""
    phrases: list[Phrase] = []
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    sources = [(text, False)] if is_title_case(title) else [(title, True), (text, False)]
    for source, in_title in sources:
        clean = normalise_quotes(_URL.sub("\n", source) if _MAYBE_URL.search(source) else source)
        _scan_runs(clean, in_title, phrases, capital)
        for word, uses in Counter(_LOWER_WORD.findall(clean)).items():
            folded = fold_word(word)
            lower[folded] += uses
            if "-" in folded or "'" in folded:
                for part in _INNER.split(folded):
                    lower[part] += uses
    return Scan(tuple(phrases), lower, capital)


# Capitalised words (Latin script: the archive's languages) joined by spaces or particles. The
# look-ahead keeps an elided article out ("L'Intérieur" is "Intérieur"); runs never cross a line.
_SPACE = "[ \t\u00a0\u202f]"
_ELIDED = r"(?:[LlDd]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu|[Qq]uoiqu)'"
_NAME_WORD = rf"(?<![^\W_])(?!{_ELIDED})[A-ZÀ-ÖØ-ÞŒ][^\W_]*(?:[-'][^\W_]+)*"
_JOIN = (
    rf"(?:{_SPACE}+(?:(?:de{_SPACE}+la|de|du|des|la|el|al|ben|bin|ibn|ould|abou|abu|van|von|der|di|da|dos|del)"
    rf"{_SPACE}+|(?:de{_SPACE}+)?[dl]')?)"
)
_RUN = re.compile(rf"{_NAME_WORD}(?:{_JOIN}{_NAME_WORD})*")
_INNER = re.compile(r"[-']")
_LOWER = "a-zß-öø-ÿœ"
# A word in lower case throughout ("l'intérieur", not "d'Afrique"), found in C rather than word by word.
_LOWER_WORD = re.compile(rf"(?<![^\W_])[{_LOWER}][{_LOWER}0-9]*(?:[-'][{_LOWER}0-9]+)*(?![^\W_])")
_BREAKS = re.compile(r"[\s']")
_SPACES = " \t\u00a0\u202f"
_OPENER_CHARS = frozenset('.!?…\n«“„"—–•:;')


def _context(text: str, start: int) -> tuple[bool, bool]:
    """Whether the word at `start` opens a sentence, and whether "à", "au", "aux" or "en" precede it."""
    end = start
    while end > 0 and text[end - 1] in _SPACES:
        end -= 1
    if end == 0:
        return True, False
    char = text[end - 1]
    if char == "." or char.isalnum():
        stop = end - 1 if char == "." else end
        begin = stop
        while begin > 0 and text[begin - 1].isalnum():
            begin -= 1
        word = fold_word(text[begin:stop])
        if char == ".":
            # "M. Hassad", "J. Smith": the period closes an abbreviation or an initial, not a sentence.
            return not (len(word) == 1 or word in _ABBREVIATIONS), False
        return False, word in _PLACE_WORDS
    return char in _OPENER_CHARS, False


def _name_word(word: str) -> bool:
    """Capitalised, not a function word, not elided: "Maroc", "N'Guessan"; not "Le", "S'", "C'"."""
    return word[0].isupper() and not word.endswith("'") and fold_word(word) not in STOP_WORDS


def _scan_runs(text: str, in_title: bool, phrases: list[Phrase], capital: Counter[str]) -> None:
    for match in _RUN.finditer(text):
        found = match.group()
        if not _BREAKS.search(found):
            if fold_word(found) in STOP_WORDS:
                continue  # "Le", "Cette", "Il": by far the most frequent capitalised words
            tokens = [Token(found, 0, len(found))]
        else:
            tokens = list(words(found))
        opens, placed = _context(text, match.start())
        run: list[Token] = []
        for token in [*tokens, None]:
            # Inside a run, a capitalised function word belongs to the name: "Jack Ma", "Marine Le Pen".
            inner = run and token is not None and token.text[0].isupper() and not token.text.endswith("'")
            if token is not None and (_name_word(token.text) or inner or fold_word(token.text) in PARTICLES):
                run.append(token)
                continue
            # A function word inside a run ends a name: "Le Maroc" is "Maroc".
            if any(fold_word(t.text) not in PARTICLES for t in run):
                first = run[0] is tokens[0]
                joins = tuple(" " if b.start > a.end else "" for a, b in itertools.pairwise(run))
                words_ = tuple(t.text for t in run)
                phrase = Phrase(words_, joins, opens and first, placed and first, in_title)
                phrases.append(phrase)
                for position, word in enumerate(words_):
                    if not (position == 0 and phrase.initial) and fold_word(word) not in PARTICLES:
                        capital.update(_INNER.split(fold_word(word)))
            run = []


@dataclass(frozen=True, slots=True)
class Lexicon:
    """How the whole archive writes its words, which decides what a capital letter means."""

    lower: Counter[str]
    capital: Counter[str]
    standalone: frozenset[str]
    """Keys of names seen on their own, e.g. "maroc": "Intérieur du Maroc" may then be split."""
    places: frozenset[str]
    """Keys of names seen after "à", "au", "aux" or "en" at least once in five mentions."""

    def common(self, word: str) -> bool:
        """A function word, a month, a title, or a word the archive also writes in lower case.

        One lower-case use in ten capitalised ones is taken for a typo or a URL, not a common word.
        """
        folded = fold_word(word)
        if folded in STOP_WORDS or folded in MONTHS_AND_DAYS or folded in TITLE_WORDS:
            return True
        low = self.lower[folded]
        return low > 0 and low * 10 >= self.capital[folded]


def build_lexicon(scans: Sequence[Scan]) -> Lexicon:
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for item in scans:
        lower.update(item.lower)
        capital.update(item.capital)
    draft = Lexicon(lower, capital, frozenset(), frozenset())
    mentions: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    for item in scans:
        for phrase in item.phrases:
            stripped = _strip(phrase, draft)
            if stripped is None:
                continue
            if len(stripped.words) == 1 and (
                draft.common(stripped.words[0]) or fold_word(stripped.words[0]) in FIRST_NAMES
            ):
                continue
            key = entity_key(stripped.surface)
            mentions[key] += 1
            placed[key] += stripped.placed
    # "en Poutine" once in fifty mentions is "confiance en Poutine", not a place.
    places = frozenset(key for key, count in placed.items() if count * 5 >= mentions[key] > 0 and count)
    return Lexicon(lower, capital, frozenset(mentions), places)


def _strip(phrase: Phrase, lexicon: Lexicon) -> Phrase | None:
    """Drop leading titles, articles and particles (and a common opener), and trailing particles."""
    words_ = phrase.words
    start, end = 0, len(words_)
    while start < end:
        word = words_[start]
        folded = fold_word(word)
        opener = start == 0 and phrase.initial and lexicon.common(word)
        # "Premier Ministre Abiy Ahmed": a common word before a title goes with the title;
        # "Uruguayen Martin Lasarte": a common word before a full name is not part of it.
        before_title = start + 1 < end and fold_word(words_[start + 1]) in TITLE_WORDS
        before_name = lexicon.common(word) and _plain_name(words_[start + 1 : end], lexicon)
        if not (
            opener
            or (before_title and lexicon.common(word))
            or before_name
            or folded in TITLE_WORDS
            or folded in STOP_WORDS
            or folded in PARTICLES
        ):
            break
        start += 1
    while end > start and fold_word(phrase.words[end - 1]) in PARTICLES:
        end -= 1
    return phrase.part(start, end) if start < end else None


def _plain_name(words_: Sequence[str], lexicon: Lexicon) -> bool:
    """Two or three capitalised words, none common, no particle: how full names look."""
    return 2 <= len(words_) <= 3 and not any(
        lexicon.common(word) or fold_word(word) in PARTICLES or not word[0].isupper() for word in words_
    )


def _split(phrase: Phrase, lexicon: Lexicon) -> list[Phrase]:
    """Separate names glued together: "Maroc-France", "Intérieur du Maroc", "Frontex-Maroc Comité Mixte"."""
    for position, word in enumerate(phrase.words):
        parts = word.split("-")
        if len(parts) > 1 and all(_independent(part, lexicon) for part in parts):
            before = [phrase.part(0, position)] if position else []
            after = [phrase.part(position + 1, len(phrase.words))] if position + 1 < len(phrase.words) else []
            initial = phrase.initial and not position
            pieces = [Phrase((part,), (), initial, False, phrase.in_title) for part in parts]
            return [*_refine_all(before, lexicon), *pieces, *_refine_all(after, lexicon)]
    for position, word in enumerate(phrase.words):
        if position and fold_word(word) in _SPLIT_PARTICLES:
            tail = _strip(phrase.part(position + 1, len(phrase.words)), lexicon)
            if tail is not None and _independent(tail.surface, lexicon, tail.words):
                return [*_refine_all([phrase.part(0, position)], lexicon), tail]
    return [phrase]


def _independent(surface: str, lexicon: Lexicon, parts: tuple[str, ...] = ()) -> bool:
    if len(parts) <= 1 and (lexicon.common(surface) or fold_word(surface) in FIRST_NAMES):
        return False
    return entity_key(surface) in lexicon.standalone


def _refine_all(phrases: Iterable[Phrase], lexicon: Lexicon) -> list[Phrase]:
    out: list[Phrase] = []
    for phrase in phrases:
        stripped = _strip(phrase, lexicon)
        if stripped is not None:
            out.extend(piece for piece in _split(stripped, lexicon) if _acceptable(piece, lexicon))
    return out


def _acceptable(phrase: Phrase, lexicon: Lexicon) -> bool:
    """Reject what is not a name: lone common words, first names, numerals, unproven openers, runs."""
    named = [word for word in phrase.words if fold_word(word) not in PARTICLES]
    if not named or len(named) > MAX_WORDS:
        return False
    if len(named) > 1:
        return True
    word = named[0]
    folded = fold_word(word)
    if len(folded) < 2 or lexicon.common(word) or folded in FIRST_NAMES or _ROMAN.fullmatch(word):
        return False
    # Capitalised only where sentences open: no evidence it is a name ("Concernant", "Arrivé").
    return not phrase.initial or lexicon.capital[folded] > 0


_ROMAN = re.compile(r"[IVXLC]+")


@dataclass(frozen=True, slots=True)
class Entities:
    """Per article, the kept entities as (key, mentions), most mentioned first; and their spellings."""

    per_article: tuple[tuple[tuple[str, int], ...], ...]
    spellings: dict[str, Counter[str]]


def _person_like(phrase: Phrase, lexicon: Lexicon) -> bool:
    """A full name a lone surname may stand for: 2-3 capitalised words, no particle, not a place,
    not a known name plus a word ("FC Barcelone Messi", "Paris Saint-Germain")."""
    words_ = phrase.words
    if not 2 <= len(words_) <= 3 or any(fold_word(w) in PARTICLES for w in words_):
        return False
    if entity_key(phrase.surface) in lexicon.places:
        return False
    return not any(entity_key(" ".join(words_[:end])) in lexicon.standalone for end in range(1, len(words_)))


def extract_entities(scans: Sequence[Scan]) -> Entities:
    """Judge every article's candidates against the archive, merge surnames, keep the telling ones."""
    lexicon = build_lexicon(scans)
    refined = [_refine_all(item.phrases, lexicon) for item in scans]
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    archive_full: dict[str, set[str]] = defaultdict(set)
    for phrases in refined:
        for phrase in phrases:
            key = entity_key(phrase.surface)
            spellings[key][phrase.surface] += 1
            if _person_like(phrase, lexicon):
                archive_full[entity_key(phrase.words[-1])].add(key)
    per_article = tuple(_article_entities(phrases, lexicon, archive_full) for phrases in refined)
    return Entities(per_article, dict(spellings))


def _article_entities(
    phrases: Sequence[Phrase], lexicon: Lexicon, archive_full: dict[str, set[str]]
) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    in_title: set[str] = set()
    first_seen: dict[str, int] = {}
    local_full: dict[str, set[str]] = defaultdict(set)
    first_names: set[str] = set()
    for position, phrase in enumerate(phrases):
        key = entity_key(phrase.surface)
        counts[key] += 1
        first_seen.setdefault(key, position)
        if phrase.in_title:
            in_title.add(key)
        if _person_like(phrase, lexicon):
            local_full[entity_key(phrase.words[-1])].add(key)
            first_names.add(entity_key(phrase.words[0]))
    for key in sorted(k for k in counts if " " not in k and k not in lexicon.places):
        # A lone surname stands for the one full name that ends with it, here or else in the archive:
        # "Retailleau" is "Bruno Retailleau". Two candidates ("Macron": Emmanuel or Brigitte): left alone.
        full = local_full.get(key) or archive_full.get(key, set())
        if len(full) == 1:
            (target,) = full
            counts[target] += counts.pop(key)
            first_seen[target] = min(first_seen.get(target, first_seen[key]), first_seen[key])
            if key in in_title:
                in_title.add(target)
        elif key in first_names:
            # "Bruno" beside "Bruno Retailleau": a first name alone is never a tag.
            del counts[key]
    kept = [key for key in counts if counts[key] >= MIN_MENTIONS or key in in_title]
    kept.sort(key=lambda key: (-counts[key], first_seen[key]))
    return tuple((key, counts[key]) for key in kept[:MAX_ENTITIES])
