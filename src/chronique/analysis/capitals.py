"""Reading capital letters: the runs of capitalised words of an article, and the case words are written in.

Built for speed, because it reads every article: one compiled regular expression finds the runs and
what comes just before each (a sentence opening, "à", "la", "M.") in C, returning tuples; no Python
runs per run found. What the tuples mean is worked out once per distinct tuple (`run_of`), and what
depends on the run alone (its words, where the name breaks) once per distinct run (`phrases_of`).
"""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata
from collections import Counter, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ..text import fold_word
from .names import word_set
from .words import STOP_WORDS, Token, normalise_quotes, words

# Lower-case words that may join two capitalised ones: "Coupe d'Afrique des Nations", "Ould Ghazouani".
PARTICLES = word_set("de du des d' la l' el al ben bin ibn ould abou abu van von der di da dos del")
# Of those, the French ones join the words of a name of a place or a thing ("Côte d'Ivoire"); the
# others belong to a person's name ("Kenza Ben Azzouz", "Louis van Gaal").
SPLIT_PARTICLES = word_set("de du des d' la l'")
NAME_PARTICLES = PARTICLES - SPLIT_PARTICLES
# A place follows these: "à Rabat", "au Maroc", "en France". A place is never a surname or a first name.
PLACE_WORDS = frozenset({"à", "au", "aux", "en"})
# Nor is what follows an article: "la Russie", "l'OTAN", "le Kremlin", "l'Algérien Riyad Mahrez".
ARTICLES = frozenset({"le", "la", "les", "l'", "un", "une", "the"})
# After these, a period ends an abbreviation, not a sentence: "M. Hassad", "Mme Dati".
_ABBREVIATIONS = frozenset({"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "mgr", "gal"})
# Capitalised function words that may belong to a name: "Marine Le Pen", "Jack Ma", "Tel Aviv", "The
# Economist", "Afrique de l'Est", "Ballon d'Or", and single letters ("Groupe A"). Any other ends it:
# "océan Indien Il s'agit", "Instagram Comment Facebook" are headings whose full stop was lost.
_NAME_FUNCTION_WORDS = PARTICLES | {"le", "les", "ma", "tel", "the", "est", "or", "of", "and", "y"}

_UPPER = "A-ZÀ-ÖØ-ÞŒ"
_LOWER = "a-zß-öø-ÿœ"
_SPACE = "[ \t\u00a0\u202f]"
_OPENERS = re.escape('.!?…:;«“„"—–•\n')
# After a word's first capital: not an elided article or pronoun ("L'Intérieur" is "Intérieur",
# "C'est" is nothing), while "N'Djamena" and "N'Guessan" stay names. Each branch starts with the
# character it needs, so that the usual case (a letter follows) fails at once.
_NOT_ELIDED = rf"(?!'(?:(?<=[LD]')|(?<=[CJMNST]')[{_LOWER}])|u'(?<=Qu')|usqu'|orsqu'|uisqu'|uoiqu')"
_WORD = rf"[{_UPPER}](?<![^\W_].){_NOT_ELIDED}[^\W_]*(?:[-'][^\W_]+)*"
_JOIN = (
    rf"(?:{_SPACE}+(?:(?:de{_SPACE}+la|de|du|des|la|el|al|ben|bin|ibn|ould|abou|abu|van|von|der|di|da|dos|del)"
    rf"{_SPACE}+|(?:de{_SPACE}+)?[dl]')?)"
)
# What is just before the run, seen from its first capital by fixed-width look-behinds (one per
# length of what they look for, as look-behinds must be), each capturing a short piece in a group
# named for what it is: an initial or an abbreviation and its period ("B.", "M.", "Mme."), an opening
# character, a short word that tells something ("à", "la", "roi"), an elided article ("l'"). Only
# the first that fits is captured, and only words that matter, so that distinct tuples stay about
# as many as distinct runs.
_B = r"(?<![^\W_])"
_CONTEXT = "|".join(
    [
        rf"(?<={_B}(?P<initial>[^\W\d_])\.[ \u00a0].)",
        *(
            rf"(?<={_B}(?P<abbreviation{length}>{words})\.[ \u00a0].)"
            for length, words in ((2, "Dr|Pr|Me|St|MM|Mr"), (3, "Mme|Ste|Mgr|Gal"), (4, "Mmes|Mlle"))
        ),
        rf"(?<=(?P<opener>[{_OPENERS}])[ \u00a0].)",
        rf"(?<=(?P<glued_opener>[{_OPENERS}]).)",
        *(
            rf"(?<={_B}(?P<word{length}>{words})[ \u00a0].)"
            for length, words in (
                (1, "[àÀ]"),
                (2, "au|en|le|la|un|Au|En|Le|La|Un"),
                (3, "aux|les|une|the|roi|Aux|Les|Une|The"),
            )
        ),
        rf"(?<={_B}(?P<elided>[lL])'.)",
        # "al-Qaïda", "el-Sissi": the lower-case article is the name's first half.
        rf"(?<={_B}(?P<article>al|el|Al|El|AL|EL)-.)",
    ]
)
# The first character class comes first so that the regex engine skips to candidates in C.
_RUN = re.compile(
    rf"(?P<run>[{_UPPER}](?<![^\W_].)(?:{_CONTEXT})?{_NOT_ELIDED}[^\W_]*(?:[-'][^\W_]+)*(?:{_JOIN}{_WORD})*)"
)
_Found = namedtuple("_Found", sorted(_RUN.groupindex, key=_RUN.groupindex.__getitem__))
"""What `_RUN.findall` gives, group by group: the run, then the context pieces, all "" but one at most."""

RawRun = str
"""A run as found: the groups of `_Found`, in that order, joined by `_PIECES`. One string rather
than a tuple: the archive holds hundreds of thousands, cached with each article and numbered by
hashing, both cheaper for a string. (Its layout changes with `_RUN`, and so does the code version
that keys the cache.)"""
_PIECES = "\x1f"


class Run(NamedTuple):
    """A run of capitalised words and what its context says."""

    text: str
    opens: bool
    """It opens a sentence (its capital proves nothing)."""
    before: str
    """The telling word before it: "à"/"au"/"aux"/"en" (a place follows), an article ("la", "l'":
    no person follows), or an abbreviation or initial with its period ("m.", "mme.", "b."); else ""."""
    in_title: bool


def run_of(raw: RawRun, in_title: bool) -> Run:
    """What a found run and its context mean."""
    found = _Found._make(raw.split(_PIECES))
    text = f"{found.article}-{found.run}" if found.article else found.run
    dotted = found.initial or found.abbreviation2 or found.abbreviation3 or found.abbreviation4
    if dotted:
        # "M. Hassad", "B. Retailleau": the period closes an abbreviation or an initial, not a sentence.
        word = fold_word(dotted)
        if len(word) == 1 or word in _ABBREVIATIONS:
            return Run(text, False, word + ".", in_title)
        return Run(text, True, "", in_title)
    if found.opener or found.glued_opener:
        return Run(text, True, "", in_title)
    # Only "à" (not "a", "il a"), "la" (not "là") are captured: accents tell them apart.
    short = (found.word1 or found.word2 or found.word3 or (found.elided and "l'")).lower()
    return Run(text, False, short, in_title)


def find_runs(text: str) -> list[RawRun]:
    """Every run of capitalised words in `text`, as found (see `run_of`), navigation lines aside."""
    # A newline first: the start of the text opens a sentence like any line.
    cleaned = "\n" + clean(text)
    runs = _runs(cleaned)
    # Looking for navigation costs half as much as finding the runs: done only where a run found
    # opens with a marker ("Lire", "Réécouter Afrique Avenir", "A" before "lire aussi"), the runs
    # found again only where some was found.
    if any(map(_OPENS_NAVIGATION, runs)) or ("lire" in cleaned and any(map(_PREPOSITION_ALONE, runs))):
        without, found = _NAVIGATION.subn("\\1\n", cleaned)
        if found:
            return _runs(without)
    return runs


def _runs(text: str) -> list[RawRun]:
    return list(map(_PIECES.join, _RUN.findall(text)))


def title_runs(title: str) -> list[RawRun]:
    """The runs of a headline; none when it is title-cased, its capitals then meaning nothing."""
    return find_runs(title) if title and not is_title_case(title) else []


_URL_TOKEN = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.\S+|[\w-]+(?:\.[^\W\d_]{2,}){1,3}(?:/\S*)?", re.IGNORECASE
)
_DOMAIN_HINT = re.compile(r"\.[a-z]{2}")
_TOKEN_EDGE = re.compile(r"\s")


# Navigation a news site prints among its paragraphs: "Lire aussi : <headline>", "A lire aussi sur BBC
# Afrique : ...", "Regarder : <caption>", "Réécouter <programme>", "Suivez-nous sur ...": links to
# other pages, whose names are not what the article is about. A marker opens a line or a sentence;
# a marker verb alone counts only before a colon ("Regarder :"), or for listening and replaying
# before a capitalised name ("Réécouter Afrique Avenir"), so that a sentence opening with "Voir" or
# "Regarder" stays. What follows it goes too: the rest of the line, up to a sentence end or a
# quotation (what follows a link often is one); where line breaks were lost, the linked headline
# (which has no full stop) ends where a capitalised word that only opens sentences follows a word:
# "Lire aussi : Niger : des migrants secourus | Le 26 avril...".
_SENTENCE_OPENER = (
    r"(?:L'|(?:Le|La|Les|Il|Elle|Ils|Elles|Un|Une|Des|Ce|Cet|Cette|Ces|Selon|Mais|Pour|Dans|Depuis|Après"
    r"|Avant|Alors|Lors|Si|Quand|Cela|Nous|On|Et|Or|Donc|Toutefois|Cependant|En|Au|Aux)(?![^\W_]))"
)
_LINK_TEXT = rf"(?:[^\n.!?\"«“]{{0,200}}?(?=(?<=[^\W_]){_SPACE}+{_SENTENCE_OPENER})|[^\n.!?\"«“]{{0,200}})"
_NAVIGATION = re.compile(
    # The opener first, so that the regex engine skips to one in C.
    rf"([{_OPENERS}]){_SPACE}*(?=[AaÀàLlVvRrÉéEeSsCcIi])(?:"
    rf"(?i:(?:[aà]{_SPACE}+)?(?:lire|lisez|voir|regarde[rz]|r?[ée]?[ée]coute[rz]|revoir){_SPACE}+(?:aussi|[ée]galement|plus))"
    rf"|(?i:(?:[aà]{_SPACE}+)?lire|lisez|voir|regarde[rz]|r?[ée]?[ée]coute[rz]|revoir|revivez)(?={_SPACE}*:)"
    rf"|(?i:r?[ée]?[ée]coute[rz]|revoir|revivez|regardez)"
    rf"(?={_SPACE}+(?:[{_UPPER}]|(?i:l'[ée]mission|le podcast|la vid[ée]o|notre|nos)\b))"
    rf"|(?i:(?:suivez|abonnez|retrouvez|rejoignez|inscrivez)-(?:nous|vous)|cliquez ici|lire la suite|en savoir plus)"
    rf"){_LINK_TEXT}"
)


_MARKERS = sorted(
    word_set("Lire Lisez Voir Regard Écout Ecout Réécout Reécout Reecout Revoir Revivez Suivez Abonnez")
    | word_set("Retrouvez Rejoignez Inscrivez Cliquez")
)
# A run that opens with one of these may be navigation; so may "A" alone when "lire" follows.
_OPENS_NAVIGATION = operator.methodcaller(
    "startswith", (*_MARKERS, *(word.upper() for word in _MARKERS), "A LIRE", "À LIRE")
)
_PREPOSITION_ALONE = operator.methodcaller("startswith", ("A" + _PIECES, "À" + _PIECES))


def clean(text: str) -> str:
    """`text` without URLs and e-mail addresses (their capitals and lower case say nothing), apostrophes
    normalised. Looking for URLs costs little: C searches for "@", "://" and a dot before letters."""
    if "@" in text or "://" in text or _DOMAIN_HINT.search(text):
        text = _strip_urls(text)
    return normalise_quotes(text)


def _strip_urls(text: str) -> str:
    out: list[str] = []
    done = 0
    for hint in re.finditer(r"@|://|\.[a-z]{2}", text):
        if hint.start() < done:
            continue
        start = max(text.rfind(" ", done, hint.start()), text.rfind("\n", done, hint.start())) + 1
        edge = _TOKEN_EDGE.search(text, hint.end())
        end = edge.start() if edge else len(text)
        token = text[start:end].strip("()[]<>«»\"“”'.,;:!?")
        found = _URL_TOKEN.fullmatch(token)
        if found:
            begin = text.index(token, start)
            out += (text[done:begin], "\n")
            done = begin + len(token)
    return "".join([*out, text[done:]]) if out else text


def is_title_case(title: str) -> bool:
    """Whether a headline capitalises its words English-style, making capitals there meaningless.

    Judged on its words of four letters or more after the first: French capitalises few of them.
    """
    content = [word for word in title.split()[1:] if len(word) >= 4 and word[0].isalpha()]
    return len(content) >= 3 and sum(word[0].isupper() for word in content) >= 0.6 * len(content)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive capitalised words as written, with the particles between them."""

    words: tuple[str, ...]
    joins: tuple[str, ...]
    """Separator before each word but the first: " " or "" (after an elided "d'")."""
    initial: bool = False
    """Its first word opens a sentence, so its capital letter proves nothing."""
    before: str = ""
    """The telling word before its first word (see `Run.before`)."""
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
            self.before if first else "",
            self.in_title,
        )


_BREAKS = re.compile(r"[\s']")


def phrases_of(run: Run) -> tuple[Phrase, ...]:
    """A run cut where a function word breaks it: "Le Maroc" is "Maroc"; "Jack Ma", "Tel Aviv" stay whole.

    A capitalised article or particle belongs to the name when it follows a name word ("Marine Le
    Pen") or when nothing but a name explains its capital: mid-sentence ("à Tel Aviv", "à La Haye").
    """
    text, opens, before, in_title = run
    if not _BREAKS.search(text):
        if fold_word(text) in STOP_WORDS:
            return ()  # "Le", "Cette", "Il": by far the most frequent capitalised words
        return (Phrase((text,), (), opens, before, in_title),)
    tokens = [_without_possessive(token) for token in words(text)]
    phrases: list[Phrase] = []
    current: list[Token] = []
    for token in [*tokens, None]:
        if token is not None:
            folded = fold_word(token.text)
            capital = token.text[0].isupper() and not token.text.endswith("'")
            name_like = folded in _NAME_FUNCTION_WORDS or len(folded) == 1
            inside = capital and name_like and (current or (token is tokens[0] and not opens))
            if inside or (capital and folded not in STOP_WORDS) or folded in PARTICLES:
                current.append(token)
                continue
        if any(fold_word(t.text) not in PARTICLES for t in current):
            first = current[0] is tokens[0]
            joins = tuple(" " if b.start > a.end else "" for a, b in itertools.pairwise(current))
            phrases.append(
                Phrase(tuple(t.text for t in current), joins, opens and first, before if first else "", in_title)
            )
        current = []
    return tuple(phrases)


def _without_possessive(token: Token) -> Token:
    """ "Google's" is "Google": an English possessive is no part of the name."""
    if token.text.endswith("'s") and len(token.text) > 3:
        return Token(token.text[:-2], token.start, token.end - 2)
    return token


_INNER = re.compile(r"[-']")


def capital_uses(found: Iterable[tuple[tuple[Phrase, ...], int]]) -> Counter[str]:
    """Folded words written capitalised away from a sentence opening, with their uses.

    `found` holds the phrases of each distinct run with the run's uses.
    """
    capital: Counter[str] = Counter()
    for phrases, uses in found:
        for phrase in phrases:
            for position, word in enumerate(phrase.words):
                folded = fold_word(word)
                if not (position == 0 and phrase.initial) and folded not in PARTICLES:
                    for part in _INNER.split(folded):
                        capital[part] += uses
    return capital


# ASCII punctuation and spaces become spaces (hyphens stay: "franco-marocaine" is looked at whole and in
# parts); letters keep their case, so that a token tells whether it was written in lower case.
_PUNCTUATION = bytes(
    32 if code < 128 and not (chr(code).isalnum() or chr(code) == "-") else code for code in range(256)
)


def _ascii(text: str) -> bytes:
    """`text` without accents (nor any other non-ASCII letter), case kept: "Écoles" -> b"Ecoles"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore")


def lower_uses(texts: Iterable[str], words_: Iterable[str]) -> Counter[str]:
    """How often each of `words_` (as capitalised in the archive) is written in lower case in `texts`,
    by folded word, accents aside ("Etat", "état"); parts of hyphenated words count too.

    Texts are cut and counted in C, and matched against the words at once (a set intersection of
    byte strings): only the words asked about are ever looked at in Python.
    """
    wanted = {_ascii(word.lower()): fold_word(word) for word in words_}
    pieces: Counter[bytes] = Counter()
    for text in texts:
        pieces.update(_ascii(clean(text)).translate(_PUNCTUATION).split())
    lower: Counter[str] = Counter()
    for piece in pieces.keys() & wanted.keys():
        lower[wanted[piece]] += pieces[piece]
    for piece, uses in pieces.items():
        if b"-" in piece and piece.islower():
            for part in piece.split(b"-"):
                if part in wanted:
                    lower[wanted[part]] += uses
    return lower
