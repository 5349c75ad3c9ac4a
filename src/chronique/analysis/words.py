"""Words: tokenising, folding, stop words and stems shared by tags, related articles and teasers.

Everything here is a pure function of its arguments; the stem cache only saves time (Snowball's
pure-Python stemmer costs ~100 µs a word, and an archive repeats its vocabulary endlessly).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple, Protocol

import snowballstemmer

from ..text import fold
from .names import word_set

# A word: letters or digits, with inner hyphens and apostrophes ("Maroc-France", "aujourd'hui").
WORD_RE = re.compile(r"[^\W_](?:[^\W_]|[-'’ʼ](?=[^\W_]))*")
APOSTROPHES = ("’", "ʼ", "‘", "`", "´")

# French elided words: "l'Intérieur" is the article "l'" and the noun "Intérieur".
ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})
# Only these come before a noun, so before a capital: "N'Guessan" and "N'Djamena" are names, not "n'".
NOUN_ELISIONS = frozenset({"l", "d", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})

# Folded. Snowball's French list, the forms of être/avoir, and the connectives, adverbs and numerals
# that carry no topic in news prose. Kept here rather than in a dependency: snowballstemmer ships no
# lists, and the usual packages (nltk, spaCy) would bring a corpus download or a model for a few lines.
FRENCH_STOP_WORDS = word_set(
    """
    a ai aie aient aies ait as au aucun aucune auquel aura aurai auraient aurais aurait auras aurez
    auriez aurions aurons auront aussi autre autres aux avaient avais avait avant avec avez aviez
    avions avoir avons ayant ayante ayantes ayants ayez ayons afin ailleurs ainsi alors apres aupres
    autant beaucoup bien c ca car ce ceci cela celle celles celui cependant certain certaine
    certaines certains ces cet cette ceux chacun chacune chaque chez ci comme comment concernant
    contre d dans de dela depuis des desormais dessus dessous deux devant devrait dix doit doivent
    donc dont du duquel durant elle elles en encore enfin entre envers es est et etaient etais etait
    etant etante etantes etants etc ete etee etees etes etiez etions etre eu eue eues eurent eus
    eusse eussent eusses eussiez eussions eut eutes eux fait faire fais faisait font fois fumes fur
    furent fus fusse fussent fusses fussiez fussions fut futes hors hui ici il ils j je jamais jusqu
    jusque l la laquelle le lequel les lesquelles lesquels leur leurs lors lorsqu lorsque lui m ma
    mais malgre me meme memes mes moi moins mon n ne neanmoins ni non nos notamment notre nous on ont
    ou par parce parmi pas pendant peu peut peuvent plus plusieurs plutot pour pourquoi pourrait
    pourtant puis puisqu puisque qu quand quant que quel quelle quelles quels qui quoi quoiqu
    quelque quelques s sa sans se selon sera serai seraient serais serait seras serez seriez serions
    serons seront ses si sien sienne soi soient sois soit sommes son sont sous soyez soyons suis
    sur t ta tandis tant te tel telle telles tels tes toi ton toujours tous tout toute toutes tres
    trois trop tu un une unes uns va vers via voici voila vont vos votre vous y deja egalement
    aujourd aujourd'hui cinq quatre six sept huit neuf cent cents mille dont ceux-ci celle-ci celui-ci
    cela-meme aupres lors-meme mme mr mlle
    """
)

# Folded: Snowball's English list.
ENGLISH_STOP_WORDS = word_set(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing would should
    could ought a an the and but if or because as until while of at by for with about against
    between into through during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few more most other
    some such no nor not only own same so than too very can will just don't isn't aren't wasn't
    also said says
    """
)

STOP_WORDS = FRENCH_STOP_WORDS | ENGLISH_STOP_WORDS

_STEMMER_LANGUAGES = {"fr": "french", "en": "english"}


def normalise_quotes(text: str) -> str:
    """Typographic apostrophes become "'", so "l’Intérieur" and "l'Intérieur" read alike."""
    # Chained str.replace runs in C; str.translate with a mapping looks every character up in Python.
    for apostrophe in APOSTROPHES:
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


class Token(NamedTuple):
    """A word and where it lies in the (quote-normalised) text."""

    text: str
    start: int
    end: int


def words(text: str) -> Iterator[Token]:
    """The words of `text` (apostrophes normalised first), elided articles split off.

    "l'Intérieur" gives "l'" and "Intérieur"; "aujourd'hui" stays whole. Positions index
    `normalise_quotes(text)`, which has the same length as `text`.
    """
    for match in WORD_RE.finditer(normalise_quotes(text)):
        word, start = match.group(), match.start()
        head, apostrophe, rest = word.partition("'")
        while apostrophe and rest and elided(head.lower(), rest):
            yield Token(head + "'", start, start + len(head) + 1)
            start += len(head) + 1
            word = rest
            head, apostrophe, rest = word.partition("'")
        yield Token(word, start, start + len(word))


def elided(head: str, rest: str) -> bool:
    """Whether `head` (lower case) before an apostrophe is an elided word and `rest` the word after
    it: "l'" always, "n'" only before a lower-case word ("N'Guessan" is a name)."""
    return head in NOUN_ELISIONS or (head in ELISIONS and not rest[0].isupper())


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # Snowball's name, not ours


@lru_cache(maxsize=8)
def _stemmer(language: str) -> _Stemmer | None:
    # snowballstemmer uses PyStemmer's C build when it is installed: same stems, ~50x faster.
    name = _STEMMER_LANGUAGES.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=200_000)
def stem(folded: str, language: str = "fr") -> str:
    """The Snowball stem of an already folded word (unknown languages: the word itself).

    Stemming the folded word makes the stem independent of accents: "sécurité" and "securite"
    meet, whichever way an author or a config file wrote them.
    """
    stemmer = _stemmer(language)
    return stemmer.stemWord(folded) if stemmer else folded


@lru_cache(maxsize=200_000)
def _word_stems(word: str, language: str) -> tuple[tuple[str, bool], ...]:
    """(stem, content word?) for each part of a word, split at hyphens and apostrophes."""
    out = []
    for part in _PARTS.split(fold(word)):
        if part:
            content = len(part) >= 2 and part not in STOP_WORDS and not part.isdigit()
            out.append((stem(part, language), content))
    return tuple(out)


_PARTS = re.compile(r"[-']")


def stems(text: str, language: str = "fr") -> list[tuple[str, bool]]:
    """(stem, content word?) for every word of `text`, in order, folded before stemming.

    Hyphenated and elided words count as their parts: "franco-marocaine" meets "marocaine", and
    "l'intérieur" is "l" and "intérieur". Function words, numbers and single letters are kept but
    marked, so that phrases still match word for word ("coupe du monde" is not "coupe, le monde").
    """
    out: list[tuple[str, bool]] = []
    for word in WORD_RE.findall(normalise_quotes(text)):
        out.extend(_word_stems(word, language))
    return out


def terms(text: str, language: str = "fr") -> list[str]:
    """Stems of the content words of `text`, in order: the words that say what a text is about."""
    return [stem for stem, content in stems(text, language) if content]
