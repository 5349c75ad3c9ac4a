"""The search index: the articles -> the scripts under `search/` that static/search.js loads on demand.

Everything a query needs is worked out here, once per build: folding, splitting, stemming and the
BM25F term-frequency part of every (stem, article) pair. The browser only looks words up, adds an IDF
(from the number of postings, so that a new article does not change every shard) and ranks.

Each file is a classic script, `CHRONIQUE_SEARCH.add(key, data);` with key its path under `search/`
without `.js` (scripts, not JSON, so that they load from file://):
- `meta.js`: `count` (articles), `shards` (the term shards' prefixes), `years` ([year, first, last
  number]), `docs_per_chunk`, `language`, and `scale`, `k1`, `b` of the scores;
- `t/<prefix>.js` (the prefix's ASCII letters and digits as they are, other bytes as `_xx`):
  `words`, each folded surface word starting with the prefix -> its stem ("" for a stop word: not
  indexed), and `stems`, each of those stems -> its postings as one string: for each article that
  has the stem, oldest first, its number's delta (the first: the number) as a variable-length
  number, then q = round(SCALE × the BM25F term-frequency part), 1..63, in the 64 digits of
  base64url (see `encode_postings`: 2 characters a posting for a stem of nearly every article);
  tags also as pseudo-words `#<folded tag>`.
  A word lies in the shard of the longest listed prefix that starts it: a shard over `SHARD_TARGET`
  bytes gives its largest groups of words with one more character in common shards of their own;
- `d/<n // DOCS_PER_CHUNK>/<n>.js`: what a result shows of article n: title `t`, URL `u`, date `d`
  (as shown) and `y` (ISO), source `s`, tags `g`, body text `x` (cut to `TEXT_LIMIT`).

Articles are numbered oldest first, so a new article takes the next number and the older articles'
fragments keep their bytes.

A rebuild does not work out again what it already knows (see `SearchState`): the postings of all
but the newest `REWORKED_TAIL` articles are kept in the cache folder as the last build left them,
and only the newest are analysed again and appended; a fragment whose file is on disk as it was made
from the same inputs (`fragment_fingerprint`) is not made again.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from .analysis.words import STOP_WORDS, WORD_RE, elided, normalise_quotes, stem
from .config import SiteConfig
from .i18n import language as site_language
from .inputs import article_search_key, search_key
from .model import Article
from .text import fold_word
from .urls import URLS

VERSION = 2

# BM25F: a field's words count this many times, and the document's length is weighted alike.
TITLE_WEIGHT = 6
TAGS_WEIGHT = 4
SOURCE_WEIGHT = 2
BODY_WEIGHT = 1
K1 = 1.2
B = 0.75
LARGEST_Q = 63
SCALE = LARGEST_Q / (K1 + 1)
"""A posting's score q is round(term-frequency part × SCALE): 1..63 (one digit of the postings text,
see `encode_postings`), the part being at most K1 + 1: steps of 1/63 of the largest part, about 3 %
of the part of one mention in an article of average length."""
LENGTH_STEPS_PER_OCTAVE = 8
"""The average document length is rounded to a grid of 2^(1/8) (9 % apart): an added article then
almost never changes it, and the shards of words it does not use keep their bytes."""

SHARD_TARGET = 24_000
"""Bytes a term shard should stay under; one that is over is split by longer prefixes."""
LONGEST_PREFIX = 12
"""Characters of a shard prefix at most (file names stay short whatever the words)."""
LONGEST_WORD = 50
"""Longer "words" (identifiers, runs of letters) are not indexed: nobody types them."""
DOCS_PER_CHUNK = 1000
"""Fragments per folder of `search/d/`."""
TEXT_LIMIT = 20_000
"""Characters of an article's text kept for its excerpt."""

_PARTS = re.compile(r"[-']")
_ASCII_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# Bytes that never belong to a word: ASCII punctuation and spaces, but for the hyphen and the
# apostrophe, which join a word's parts. Splitting the UTF-8 text at them is done in C, and each
# distinct piece is then split exactly once per process (see `_PieceStems`).
_ROUGH = bytes(
    code if code >= 128 or chr(code).isalnum() or chr(code) in "-'" else 32 for code in range(256)
)


REWORKED_TAIL = 32
"""The newest articles a rebuild analyses and appends again whatever changed: their postings are the
end of every stem's postings text, so the cache keeps the index as it stood before them
(`SearchState`), and an article added, edited or deleted among them costs a rebuild about 20 ms
(10,000 articles: 0.15 s instead of 2.1 s for the stage). A change further back, or one that moves
the grid average length, analyses everything again."""


class _Vocabulary:
    """The stems met in the builds that made an index, numbered (the numbers of `SearchState.stems`),
    and the stems of each folded surface word met."""

    def __init__(self, state: SearchState | None) -> None:
        self.stem_ids: dict[str, int] = {name: number for number, name in enumerate(state.stems if state else ())}
        self.words: Words = dict(state.words) if state else {}

    def stem_id(self, name: str) -> int:
        return self.stem_ids.setdefault(name, len(self.stem_ids))

    def stems(self) -> list[str]:
        """The stems by number."""
        return list(self.stem_ids)

    def add_word(self, surface: str, stem_: str) -> None:
        known = self.words.get(surface)
        if known is None or stem_ not in known:  # a new set: `words` may be a copy of the last state's
            self.words[surface] = (known or frozenset()) | {stem_}


Words = dict[str, frozenset[str]]
"""Folded surface word -> its stems ("" for a stop word): one, unless the archive's languages stem it
differently."""


class _PieceStems(dict[bytes, tuple[int, ...]]):
    """Rough piece of text (see `_ROUGH`) -> the stem numbers of its word occurrences in one language,
    one per stem per word (a word and its joined form count once), worked out on first sight and
    then looked up in C (a dict subclass with __missing__). One per build and language, so that the
    vocabulary gains exactly the words of this build's articles, as they are analysed."""

    def __init__(self, vocabulary: _Vocabulary, language: str) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.language = language

    def __missing__(self, piece: bytes) -> tuple[int, ...]:
        numbers: list[int] = []
        for word in WORD_RE.findall(normalise_quotes(piece.decode("utf-8", "surrogatepass"))):
            found = {surface: self._stem(surface) for surface in split_word(word)}
            for surface, stem_ in found.items():
                self.vocabulary.add_word(surface, stem_)
            numbers.extend(sorted({self.vocabulary.stem_id(stem_) for stem_ in found.values() if stem_}))
        found_numbers = self[piece] = tuple(numbers)
        return found_numbers

    def _stem(self, surface: str) -> str:
        return "" if surface in STOP_WORDS else stem(surface, self.language)


def split_word(word: str) -> list[str]:
    """The folded surface words a word is indexed under: its parts at hyphens and apostrophes, and
    the parts joined (after any elided article), so that « McDonald's » is found as `mcdonalds`,
    « N'Guessan » as `nguessan` and « Royaume-Uni » as `royaumeuni`, but « d'une » is not « dune ».
    Words longer than `LONGEST_WORD` are left out."""
    segments = normalise_quotes(word).split("'")
    while len(segments) > 1 and segments[1] and elided(segments[0].lower(), segments[1]):
        segments.pop(0)
    parts = [fold_word(part) for segment in segments for part in _PARTS.split(segment) if part]
    words = [fold_word(part) for part in _PARTS.split(normalise_quotes(word)) if part]
    if len(parts) > 1:
        words.append("".join(parts))
    return [surface for surface in dict.fromkeys(words) if len(surface) <= LONGEST_WORD]


def _rough(text: str) -> list[bytes]:
    return text.encode("utf-8", "surrogatepass").translate(_ROUGH).split()


def search_order(articles: Iterable[Article]) -> list[Article]:
    """Articles by their number in the index: oldest first by calendar day (as the site shows it, so
    that a year's articles are consecutive), then instant, then slug."""
    return sorted(articles, key=lambda article: (article.day, *article.sort_key))


@dataclass(frozen=True, slots=True)
class SearchState:
    """What a build keeps of its index for the next one (in the cache folder, see `cache`): the
    postings of its articles but the newest `REWORKED_TAIL`, as the next build's start."""

    key: str
    """`inputs.search_key` of the build: the code and site.yaml it was made with."""
    articles: tuple[str, ...]
    """`inputs.article_search_key` of each article, by number."""
    lengths: tuple[float, ...]
    """The weighted length of each."""
    average: float
    """The grid average length of the build (see `LENGTH_STEPS_PER_OCTAVE`) the scores are of."""
    stems: tuple[str, ...]
    """Every stem met, by number."""
    texts: tuple[str, ...]
    """The postings text of each stem (without its quotes; "" when no article has it)."""
    last: tuple[int, ...]
    """The number of each stem's last posting (0 when none): the next one is a delta from it."""
    words: Words


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The files of `search/` a build writes, and what it keeps."""

    files: dict[str, bytes]
    fingerprints: dict[str, str] = field(default_factory=dict)
    """Of each fragment whose inputs are known (see `fragment_fingerprint`)."""
    kept: tuple[str, ...] = ()
    """Fragments left out of `files`: on disk as made from the same inputs."""


def fragment_fingerprint(article: Article, key: str, number: int, environment: str) -> str:
    """The inputs of article `number`'s fragment: the code, site.yaml and templates (`environment`),
    and the article (`key`: its `inputs.article_search_key`); "" when they cannot be told (an
    article without the digest of its file)."""
    if not key:
        return ""
    described = f"{environment}\0{number}\0{key}\0{article.slug}\0{article.date.isoformat()}"
    return hashlib.sha256(described.encode("utf-8", "surrogatepass")).hexdigest()


def build_search_index(
    articles: Iterable[Article],
    config: SiteConfig,
    shard_target: int = SHARD_TARGET,
    previous: SearchState | None = None,
    environment: str = "",
    on_disk: Callable[[str, str], bool] = lambda path, fingerprint: False,
    tail: int | None = None,
    keep: Callable[[SearchState | None], object] = lambda state: None,
) -> SearchIndex:
    """Every file of `search/` for the published articles; term shards are split while over
    `shard_target` bytes. The postings of `previous` (the last build's state) are reused as far as
    its articles are the same; a fragment whose fingerprint (from `environment`) `on_disk` says the
    file on disk was made from is left out of the files (`SearchIndex.kept`). `tail`: the newest
    articles analysed again in any case (None: `REWORKED_TAIL`). `keep` is given what the next build
    may start from (None: nothing) as soon as it is known, before the shards and fragments are made:
    storing it then adds nothing to the build's peak memory (+13 MB at 10,000 articles otherwise)."""
    ordered = search_order(articles)
    index = _Postings.made(ordered, config, previous, REWORKED_TAIL if tail is None else tail)
    keep(index.state)
    shards = make_shards(index.words(), index.postings(), shard_target)
    files = {f"search/t/{shard_file(prefix)}.js": script(f"t/{shard_file(prefix)}", data) for prefix, data in shards}
    lang = site_language(config.language)
    fingerprints: dict[str, str] = {}
    kept: list[str] = []
    for number, article in enumerate(ordered):
        key = f"d/{number // DOCS_PER_CHUNK}/{number}"
        path = f"search/{key}.js"
        fingerprint = fragment_fingerprint(article, index.keys[number], number, environment) if environment else ""
        if fingerprint:
            fingerprints[path] = fingerprint
            if on_disk(path, fingerprint):
                kept.append(path)
                continue
        files[path] = script(key, to_json(fragment(article, lang.format_date(article.date))))
    files["search/meta.js"] = script("meta", to_json({
        "version": VERSION,
        "count": len(ordered),
        "shards": [prefix for prefix, _ in shards],
        "docs_per_chunk": DOCS_PER_CHUNK,
        "years": year_ranges(ordered),
        "language": config.language,
        "scale": SCALE,
        "k1": K1,
        "b": B,
    }))
    return SearchIndex(files, fingerprints, tuple(kept))


def fragment(article: Article, date: str) -> dict[str, object]:
    """What a result shows of an article."""
    return {
        "t": article.title,
        "u": URLS.article(article),
        "d": date,
        "y": article.day.isoformat(),
        "s": article.source.name,
        "g": list(article.tags),
        "x": cut_text(article.text, TEXT_LIMIT),
    }


def cut_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a space when there is one in its last tenth."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", limit - limit // 10, limit + 1)
    return text[: space if space > 0 else limit]


def year_ranges(ordered: Sequence[Article]) -> list[list[int]]:
    """[year, first number, last number] for each year, oldest first."""
    ranges: list[list[int]] = []
    for number, article in enumerate(ordered):
        year = article.day.year
        if ranges and ranges[-1][0] == year:
            ranges[-1][2] = number
        else:
            ranges.append([year, number, number])
    return ranges


_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def to_json(data: object) -> str:
    """Canonical JSON that is also safe JavaScript inside any page: no `</script>`, `<!--`, nor line
    separators, whatever the text (those characters only occur inside strings, where escapes mean the same)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for unsafe, escaped in _JS_UNSAFE.items():  # str.replace runs in C; most texts have none of them
        if unsafe in text:
            text = text.replace(unsafe, escaped)
    return text


def script(key: str, data: str) -> bytes:
    """The script that registers `data` (JSON text made by `to_json`) under `key`."""
    return f"CHRONIQUE_SEARCH.add({to_json(key)},{data});\n".encode("utf-8", "replace")


def shard_file(prefix: str) -> str:
    """A prefix as a file name: ASCII letters and digits as they are, any other byte as `_xx`."""
    return "".join(
        char if char in _ASCII_SAFE else "".join(f"_{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
        for char in prefix
    )


@dataclass(slots=True)
class _Analysed:
    """One article as the index counts it: its stem numbers (sorted), their weighted counts, and its
    weighted length."""

    stems: np.ndarray
    counts: np.ndarray
    length: float


class _Postings:
    """The index being built: each stem's postings text and last number, the words of the articles
    so far, and the tags of all."""

    def __init__(self, state: SearchState | None) -> None:
        self.vocabulary = _Vocabulary(state)
        self.pieces: dict[str, _PieceStems] = {}
        self.texts: list[str] = list(state.texts) if state else []
        self.last: list[int] = list(state.last) if state else []
        self.tags: dict[str, list[int]] = defaultdict(list)
        self.state: SearchState | None = None
        self.keys: list[str] = []
        """`inputs.article_search_key` of each article, by number."""

    @classmethod
    def made(cls, ordered: Sequence[Article], config: SiteConfig, previous: SearchState | None, tail: int) -> _Postings:
        """The index of `ordered`, from `previous` as far as its articles are the first of `ordered`
        and its average length is still theirs; with `state` set to what the next build starts from."""
        key = search_key(config)
        keys = [article_search_key(article) for article in ordered]
        reused = previous.articles if previous and previous.key == key else ()
        start = len(reused) if reused and all(reused) and tuple(keys[: len(reused)]) == reused else 0
        index = cls(previous if start else None)
        checkpoint, analysed, older_words = index.analyse_from(start, ordered, config.language, tail)
        lengths = [*(previous.lengths[:start] if previous and start else ()), *(found.length for found in analysed)]
        average = grid_average(lengths)
        if start and previous and average != previous.average:  # every score changes: analysed again from the start
            index, start = cls(None), 0
            checkpoint, analysed, older_words = index.analyse_from(start, ordered, config.language, tail)
        index.append(start, analysed[: checkpoint - start], lengths, average)
        if all(keys[:checkpoint]):
            index.state = SearchState(
                key, tuple(keys[:checkpoint]), tuple(lengths[:checkpoint]), average, tuple(index.vocabulary.stems()),
                tuple(index.texts), tuple(index.last), older_words,
            )
        index.append(checkpoint, analysed[checkpoint - start :], lengths, average)
        index.keys = keys
        for number, article in enumerate(ordered):
            for tag in dict.fromkeys(fold_word(tag) for tag in article.tags):
                index.tags["#" + tag].append(number)
        return index

    def analyse_from(
        self, start: int, ordered: Sequence[Article], site_language: str, tail: int
    ) -> tuple[int, list[_Analysed], Words]:
        """The checkpoint (where the next build's state ends: before the newest `tail` articles), the
        articles of `ordered` from `start` analysed, and the words of those before the checkpoint."""
        checkpoint = max(start, len(ordered) - tail)
        analysed = [self.analyse(article, site_language) for article in ordered[start:checkpoint]]
        older_words = dict(self.vocabulary.words)  # the vocabulary only gains words as articles are analysed
        analysed += [self.analyse(article, site_language) for article in ordered[checkpoint:]]
        return checkpoint, analysed, older_words

    def analyse(self, article: Article, site_language: str) -> _Analysed:
        language = article.language or site_language
        pieces = self.pieces.get(language) or self.pieces.setdefault(language, _PieceStems(self.vocabulary, language))

        def occurrences(text: str) -> Iterable[int]:
            return chain.from_iterable(map(pieces.__getitem__, _rough(text)))

        # A field's weight is its stems repeated: one count of (weighted) occurrences gives the
        # weighted counts and the weighted length, with two NumPy calls per article.
        weighted = [tuple(occurrences(text)) * weight for text, weight in (
            (article.title, TITLE_WEIGHT), (" ".join(article.tags), TAGS_WEIGHT), (article.source.name, SOURCE_WEIGHT)
        )]
        summary = article.summary if article.summary not in article.text else ""
        found = np.fromiter(chain(occurrences(article.text), occurrences(summary), *weighted), np.int32)
        stems, counts = np.unique(found, return_counts=True)
        return _Analysed(stems, counts.astype(np.int32), float(counts.sum()))

    def append(self, first: int, analysed: Sequence[_Analysed], lengths: Sequence[float], average: float) -> None:
        """Add the postings of `analysed`, articles `first`, `first` + 1... (whose length is in `lengths`,
        by number)."""
        stems = len(self.vocabulary.stem_ids)
        self.texts += [""] * (stems - len(self.texts))
        self.last += [0] * (stems - len(self.last))
        doc_lengths = np.asarray(lengths[first : first + len(analysed)], np.float64)
        for stem_, text, last in _encode_postings(analysed, doc_lengths, average, first, self.last):
            self.texts[stem_] += text
            self.last[stem_] = last

    def words(self) -> dict[str, str | list[str]]:
        """Folded surface word -> its stem ("" for a stop word), or its sorted stems when the
        archive's languages stem it differently; tags' pseudo-words stand for themselves."""
        words: dict[str, str | list[str]] = {
            surface: min(stems) if len(stems) == 1 else sorted(stems)
            for surface, stems in self.vocabulary.words.items()
        }
        words.update((tag, tag) for tag in self.tags)
        return words

    def postings(self) -> dict[str, str]:
        """Stem -> its postings text (see `encode_postings`, without the quotes), each posting
        an article number's delta and its q, the quantised BM25F term-frequency part (see `SCALE`)."""
        texts = {stem_: text for stem_, text in zip(self.vocabulary.stems(), self.texts, strict=True) if text}
        tags = list(self.tags.values())
        if tags:
            numbers = np.concatenate([np.asarray(numbers, np.int64) for numbers in tags])
            cuts = np.concatenate(([0], np.cumsum([len(numbers) for numbers in tags])))
            deltas = np.diff(numbers, prepend=0)
            deltas[cuts[:-1]] = numbers[cuts[:-1]]  # each tag's first posting: its number
            tag_texts = encode_postings(deltas, np.ones_like(deltas), cuts.tolist())
            texts.update(zip(self.tags, (text[1:-1] for text in tag_texts), strict=True))
        return texts


def grid_average(lengths: Sequence[float]) -> float:
    """The average weighted length of the articles, on the grid of `LENGTH_STEPS_PER_OCTAVE`."""
    average = max(float(np.mean(lengths)) if len(lengths) else 0.0, 1.0)
    return 2 ** (round(math.log2(average) * LENGTH_STEPS_PER_OCTAVE) / LENGTH_STEPS_PER_OCTAVE)


POSTINGS_CHUNK = 1 << 18
"""Postings turned into text at a time (the memory this takes is in proportion)."""


def _encode_postings(
    analysed: Sequence[_Analysed], lengths: np.ndarray, average: float, first: int, last: Sequence[int]
) -> Iterator[tuple[int, str, int]]:
    """(stem, the text of its postings in `analysed`, the number of the last) for each stem they have,
    the articles being numbered from `first` and each stem's first delta taken from `last` (its
    previous posting): one stable sort of every (stem, article) pair, then, a chunk of pairs at a
    time, the scores and the conversion of the numbers to text in whole-array operations."""
    if not analysed:
        return
    sizes = np.fromiter((len(found.stems) for found in analysed), np.int64, len(analysed))
    starts = np.concatenate(([0], np.cumsum(sizes)))
    stem_of = np.concatenate([found.stems for found in analysed])
    weighted = np.concatenate([found.counts for found in analysed])
    order = np.argsort(stem_of, kind="stable")  # articles were added in order: each stem's stay so
    stem_of = stem_of[order]
    every_bound = np.searchsorted(stem_of, np.arange(len(last) + 1))  # stem k's pairs: every_bound[k]:[k + 1]
    present = np.flatnonzero(np.diff(every_bound))
    bounds = [*every_bound[present].tolist(), len(order)]  # present[k]'s pairs: order[bounds[k]:bounds[k + 1]]
    previous = np.asarray(last, np.int64)[present]
    stems = len(present)
    stem = 0
    while stem < stems:
        end = stem + 1  # whole stems to a chunk, at least one
        while end < stems and bounds[end + 1] - bounds[stem] <= POSTINGS_CHUNK:
            end += 1
        low, high = bounds[stem], bounds[end]
        chosen = order[low:high]
        doc_of = np.searchsorted(starts, chosen, side="right") - 1
        counts = weighted[chosen].astype(np.float64)
        part = (K1 + 1) * counts / (counts + K1 * (1 - B + B * lengths[doc_of] / average))
        heads = np.asarray(bounds[stem:end]) - low
        number = doc_of + first
        deltas = np.diff(number, prepend=0)
        deltas[heads] = number[heads] - previous[stem:end]
        scores = np.clip(np.rint(part * SCALE), 1, LARGEST_Q)
        texts = encode_postings(deltas, scores, [bound - low for bound in bounds[stem : end + 1]])
        lasts = number[np.asarray(bounds[stem + 1 : end + 1]) - low - 1].tolist()
        yield from zip(present[stem:end].tolist(), (text[1:-1] for text in texts), lasts, strict=True)
        stem = end


POSTINGS_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
"""The 64 characters of the postings text, digit d being POSTINGS_DIGITS[d]: base64url's, which
JSON, JavaScript strings and HTML all take as they are (no escape), and file names and URLs too."""
_DIGIT_BITS = 5
_CONTINUED = 1 << _DIGIT_BITS
_DIGIT_CODES = np.frombuffer(POSTINGS_DIGITS.encode("ascii"), np.uint8)


def encode_postings(deltas: np.ndarray, scores: np.ndarray, cuts: Sequence[int]) -> list[str]:
    """The postings `cuts[k]:cuts[k + 1]` of (article number delta, q) pairs, for each k, as JSON string
    literals. A posting is its delta as a variable-length number, then its q as one digit (1..63):
    the delta's 5-bit groups, most significant first, each digit + 32 but the last. A delta under 32
    is one digit, under 1024 two: a stem of nearly every article takes 2 characters a posting."""
    deltas = np.asarray(deltas, np.int64)
    widths = np.ones(len(deltas), np.int64)  # digits of each delta
    while (over := deltas >> (_DIGIT_BITS * widths) > 0).any():
        widths += over
    most = int(widths.max(initial=1))
    digits = np.zeros((len(deltas), most + 1), np.uint8)
    used = np.zeros(digits.shape, bool)
    for column in range(most):
        present = column < widths
        remaining = np.maximum(widths - 1 - column, 0)  # groups after this one
        value = (deltas >> (_DIGIT_BITS * remaining)) & (_CONTINUED - 1)
        digits[:, column] = np.where(present & (remaining > 0), value | _CONTINUED, value)
        used[:, column] = present
    rows = np.arange(len(deltas))
    digits[rows, widths] = np.asarray(scores, np.int64)
    used[rows, widths] = True
    text = _DIGIT_CODES[digits[used]].tobytes().decode("ascii")
    offsets = np.concatenate(([0], np.cumsum(widths + 1)))[np.asarray(cuts)].tolist()
    return [f'"{text[offsets[k]:offsets[k + 1]]}"' for k in range(len(cuts) - 1)]


def make_shards(
    words: Mapping[str, str | list[str]], postings: Mapping[str, str], target: int
) -> list[tuple[str, str]]:
    """(prefix, shard as JSON text) for each term shard, by prefix, from the words and each stem's
    postings text (without its quotes, see `encode_postings`). The vocabulary is split by the
    first character of the folded word, then a shard over `target` bytes gives its largest groups of
    words with one more character in common a shard of their own (split again while over the target),
    until what it keeps is under the target: a word lies in the shard of the longest prefix that
    starts it, and shards stay near the target rather than one per letter."""
    # Sizes in characters, with quotes and separators: close enough to bytes for a target.
    word_sizes = {word: len(word) + len(str(words[word])) + 6 for word in words}
    word_stems = {word: [stem_ for stem_ in _stem_list(words[word]) if stem_] for word in words}

    def stem_size(stem_: str) -> int:
        return len(stem_) + len(postings[stem_]) + 6

    def size_of(members: Sequence[str]) -> int:
        stems = {stem_ for word in members for stem_ in word_stems[word]}
        return sum(map(word_sizes.__getitem__, members)) + sum(map(stem_size, stems))

    shards: list[tuple[str, str]] = []
    pending = list(_group_by_prefix(sorted(words), 1).items())
    while pending:
        prefix, members = pending.pop()
        users = Counter(stem_ for word in members for stem_ in word_stems[word])
        size = sum(map(word_sizes.__getitem__, members)) + sum(map(stem_size, users))
        longer = [word for word in members if len(word) > len(prefix)]
        if size > target and longer and len(members) > 1 and len(prefix) < LONGEST_PREFIX:
            groups = _group_by_prefix(longer, len(prefix) + 1)
            carved: set[str] = set()
            for _, child in sorted((-size_of(group), child) for child, group in groups.items()):
                if size <= target:
                    break
                pending.append((child, groups[child]))
                carved.update(groups[child])
                for word in groups[child]:  # what the shard no longer holds: the word, and its stems
                    size -= word_sizes[word]  # when no other word of the shard has them
                    for stem_ in word_stems[word]:
                        users[stem_] -= 1
                        size -= stem_size(stem_) if not users[stem_] else 0
            members = [word for word in members if word not in carved]
            if not members:
                continue
        stems = sorted({stem_ for word in members for stem_ in word_stems[word]})
        stems_text = ",".join(f'{to_json(stem_)}:"{postings[stem_]}"' for stem_ in stems)
        words_text = to_json({word: words[word] for word in members})
        shards.append((prefix, f'{{"stems":{{{stems_text}}},"words":{words_text}}}'))
    return sorted(shards)


def _group_by_prefix(words: Iterable[str], length: int) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for word in words:
        groups[word[:length]].append(word)
    return groups


def _stem_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value
