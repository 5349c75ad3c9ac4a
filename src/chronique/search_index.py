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
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

import numpy as np

from .analysis.words import STOP_WORDS, WORD_RE, elided, normalise_quotes, stem
from .config import SiteConfig
from .i18n import language as site_language
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
# distinct piece is then split exactly once per process (see `_Pieces`).
_ROUGH = bytes(
    code if code >= 128 or chr(code).isalnum() or chr(code) in "-'" else 32 for code in range(256)
)


class _Vocabulary:
    """The stems met in one build, numbered, and the stems of each folded surface word."""

    def __init__(self) -> None:
        self.stem_ids: dict[str, int] = {}
        self.words: dict[str, set[str]] = defaultdict(set)

    def stem_id(self, name: str) -> int:
        return self.stem_ids.setdefault(name, len(self.stem_ids))

    def stems(self) -> list[str]:
        """The stems by number."""
        return list(self.stem_ids)


class _PieceStems(dict[bytes, tuple[int, ...]]):
    """Rough piece of text (see `_ROUGH`) -> the stem numbers of its word occurrences in one language,
    one per stem per word (a word and its joined form count once), worked out on first sight and
    then looked up in C (a dict subclass with __missing__). One per build and language, so that the
    vocabulary holds exactly the words of this build's articles."""

    def __init__(self, vocabulary: _Vocabulary, language: str) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.language = language

    def __missing__(self, piece: bytes) -> tuple[int, ...]:
        numbers: list[int] = []
        for word in WORD_RE.findall(normalise_quotes(piece.decode("utf-8", "surrogatepass"))):
            found = {surface: self._stem(surface) for surface in split_word(word)}
            for surface, stem_ in found.items():
                self.vocabulary.words[surface].add(stem_)
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


def build_search_index(
    articles: Iterable[Article], config: SiteConfig, shard_target: int = SHARD_TARGET
) -> dict[str, bytes]:
    """Every file of `search/`, path -> bytes, for the published articles; term shards are split
    while over `shard_target` bytes."""
    ordered = search_order(articles)
    index = _Postings()
    for number, article in enumerate(ordered):
        index.add(number, article, article.language or config.language)
    shards = make_shards(index.words(), index.postings(), shard_target)
    files = {f"search/t/{shard_file(prefix)}.js": script(f"t/{shard_file(prefix)}", data) for prefix, data in shards}
    lang = site_language(config.language)
    for number, article in enumerate(ordered):
        key = f"d/{number // DOCS_PER_CHUNK}/{number}"
        files[f"search/{key}.js"] = script(key, to_json(fragment(article, lang.format_date(article.date))))
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
    return files


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


class _Postings:
    """The index being built: each article's weighted stem counts and length, and its tags."""

    def __init__(self) -> None:
        self.vocabulary = _Vocabulary()
        self.pieces: dict[str, _PieceStems] = {}
        self.doc_stems: list[np.ndarray] = []
        self.doc_counts: list[np.ndarray] = []
        self.tags: dict[str, list[int]] = defaultdict(list)

    def add(self, number: int, article: Article, language: str) -> None:
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
        self.doc_stems.append(stems)
        self.doc_counts.append(counts.astype(np.int32))
        for tag in dict.fromkeys(fold_word(tag) for tag in article.tags):
            self.tags["#" + tag].append(number)

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
        """Stem -> its postings as JSON text (a string literal, see `encode_postings`), each posting
        an article number's delta and its q, the quantised BM25F term-frequency part (see `SCALE`)."""
        stems = self.vocabulary.stems()
        texts = dict(zip(stems, _encode_postings(self.doc_stems, self.doc_counts, len(stems)), strict=True))
        self.doc_stems, self.doc_counts = [], []
        for tag, numbers in self.tags.items():
            deltas = np.diff(np.asarray(numbers, np.int64), prepend=0)
            texts[tag] = encode_postings(deltas, np.ones_like(deltas), [0, len(deltas)])[0]
        return texts


POSTINGS_CHUNK = 1 << 18
"""Postings turned into text at a time (the memory this takes is in proportion)."""


def _encode_postings(doc_stems: Sequence[np.ndarray], doc_counts: Sequence[np.ndarray], stems: int) -> list[str]:
    """The postings text of stems 0..stems-1, from each article's stem numbers (sorted) and
    weighted counts: one stable sort of every (stem, article) pair, then, a chunk of pairs at a time,
    the scores and the conversion of the numbers to text in whole-array operations."""
    if not stems:
        return []
    sizes = np.fromiter(map(len, doc_stems), np.int64, len(doc_stems))
    starts = np.concatenate(([0], np.cumsum(sizes)))
    length = np.fromiter(map(np.sum, doc_counts), np.float64, len(doc_counts))
    stem_of = np.concatenate(doc_stems)
    weighted = np.concatenate(doc_counts)
    order = np.argsort(stem_of, kind="stable")  # articles were added in order: each stem's stay so
    stem_of = stem_of[order]
    bounds = np.searchsorted(stem_of, np.arange(stems + 1)).tolist()  # stem k's pairs: bounds[k]:bounds[k+1]
    average = max(float(length.mean()), 1.0)
    average = 2 ** (round(math.log2(average) * LENGTH_STEPS_PER_OCTAVE) / LENGTH_STEPS_PER_OCTAVE)
    texts: list[str] = []
    stem = 0
    while stem < stems:
        last = stem + 1  # whole stems to a chunk, at least one
        while last < stems and bounds[last + 1] - bounds[stem] <= POSTINGS_CHUNK:
            last += 1
        low, high = bounds[stem], bounds[last]
        chosen = order[low:high]
        doc_of = np.searchsorted(starts, chosen, side="right") - 1
        counts = weighted[chosen].astype(np.float64)
        part = (K1 + 1) * counts / (counts + K1 * (1 - B + B * length[doc_of] / average))
        first = np.zeros(high - low, bool)
        first[np.asarray(bounds[stem:last]) - low] = True
        deltas = np.where(first, doc_of, doc_of - np.concatenate(([0], doc_of[:-1])))
        scores = np.clip(np.rint(part * SCALE), 1, LARGEST_Q)
        texts += encode_postings(deltas, scores, [bound - low for bound in bounds[stem : last + 1]])
        stem = last
    return texts


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
    """(prefix, shard as JSON text) for each term shard, by prefix. The vocabulary is split by the
    first character of the folded word, then a shard over `target` bytes gives its largest groups of
    words with one more character in common a shard of their own (split again while over the target),
    until what it keeps is under the target: a word lies in the shard of the longest prefix that
    starts it, and shards stay near the target rather than one per letter."""
    # Sizes in characters, with quotes and separators: close enough to bytes for a target.
    word_sizes = {word: len(word) + len(str(words[word])) + 6 for word in words}
    word_stems = {word: [stem_ for stem_ in _stem_list(words[word]) if stem_] for word in words}

    def stem_size(stem_: str) -> int:
        return len(stem_) + len(postings[stem_]) + 4

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
        stems_text = ",".join(f"{to_json(stem_)}:{postings[stem_]}" for stem_ in stems)
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
