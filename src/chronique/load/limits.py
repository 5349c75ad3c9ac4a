"""Bounds on the work one article may cause, so that no single file can stall or swamp a build.

Python-Markdown and html.parser take time quadratic in some inputs (a bracket or a tag that never
closes is scanned to the end of its paragraph or document, once per opening; nested lists are
parsed again at each level). The checks here run before Markdown, in linear time, and raise an
`InputError` naming the line where a bound is crossed: each bound is far above what an article
needs and keeps the parse of a hostile file to about a second. `cpu_budget` is the last line of
defence for what the checks do not foresee.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..model import InputError

MAX_BYTES = 2_000_000
"""A file's size. The longest news article is a few tens of kilobytes; a saved page with its
inline scripts and styles a megabyte. A page shows its article's body in each of its tag feeds."""
MAX_ELEMENTS = 50_000
"""Lines, tags (`<p`) and table cells (`|`): each becomes an element, and the parsers spend tens of
microseconds and a kilobyte on each (a 2 MB table of one-letter cells took 50 s and 800 MB)."""
MAX_NESTING = 16
"""Lists and block quotes inside each other (indentation by four columns counts as a level)."""
MAX_CONTAINER_BLOCK = 50_000
"""Characters of a list or quote block without a blank line: Python-Markdown gathers a list
item's lines one by one into a new string, so the work grows with the square of its length."""
MAX_BRACKET_SCAN = 2_000_000
"""Characters Python-Markdown's link patterns scan, in Python, looking for the `]` of each `[` and
the `)` of each `](` of a paragraph: about a second of work."""
MAX_INLINE_WORK = 1_000_000_000
"""Inline marks (`*`, `_`, backquotes, `[`, `<`, `&`, `\\`) times the length of the paragraph
that holds them, summed over paragraphs: Python-Markdown copies the rest of the paragraph at
each mark it takes, and the copy of a nested one again. About a second of work."""
MAX_TAG_SCAN = 8_000_000
"""Characters html.parser scans (in Markdown's HTML block pass) looking for the `>` of each `<tag`:
about a second of work."""
MAX_TAGS = 100
"""Tags or authors one article keeps (the first ones): each tag gets pages that list the article
with its tags and authors, so their product must stay small."""
FEED_BYTES = 50_000_000
"""Characters of body an article may put in its tags' feeds altogether: each tag's feed carries
the whole body, so a long article shows fewer tags (a 1.9 MB article with 100 tags made 190 MB of
feeds, held in memory until written)."""
READ_BUDGET = 3.0
"""CPU seconds one article may take to read and analyse (a long article takes a tenth of one). With
the rest of the build, on a machine whose other core is busy, the worst file stays under 10 s."""

_BLANK = re.compile(r"[ \t]*")
# The container markers that open a line: quote marks, list markers, and the indentation before them.
_PREFIX = re.compile(r"(?:[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]))+")
_MARKERS = re.compile(r">|[-*+][ \t]|\d{1,9}[.)][ \t]")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_INLINE_MARKS = re.compile(r"[*_`\[<&\\]")
_BRACKETS = re.compile(r"\]\(|[\[\]()]")
_TAG_START = re.compile(r"<[A-Za-z]")
_TAG_OPEN = re.compile(r"<(?:[A-Za-z]|!\[)")


def check_size(path: Path, size: int) -> None:
    """A file over `MAX_BYTES` (told by its size, so that it need not be read)."""
    if size > MAX_BYTES:
        raise InputError(path, 1, f"file of {size:,} bytes; an article may have at most {MAX_BYTES:,}")


def check_elements(path: Path, text: str) -> None:
    """Refuse text that would make over `MAX_ELEMENTS` elements, at the line where it crosses."""
    count = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line and not line.isspace():
            count += 1 + line.count("|") + len(_TAG_START.findall(line))
            if count > MAX_ELEMENTS:
                raise InputError(
                    path, number, f"over {MAX_ELEMENTS:,} lines, tags and table cells: too many to read quickly"
                )


def check_markdown(path: Path, lines: Sequence[str], first: int = 1) -> None:
    """Refuse Markdown whose nesting, list blocks, brackets or tags would make the parse slow.

    `lines` are the file's lines from line `first` on. The estimates follow how Python-Markdown
    spends its time, so that what an article needs is far inside every bound.
    """
    work = _Work(path)
    block_start, block_size = 0, 0
    containers = False
    for index, line in enumerate(lines):
        number = first + index
        if _BLANK.fullmatch(line):
            work.add("\n".join(lines[block_start:index]), first + block_start)
            block_start, block_size, containers = index + 1, 0, False
            continue
        depth = _depth(line)
        if depth > MAX_NESTING:
            raise InputError(path, number, f"lists and quotes nested {depth} deep; at most {MAX_NESTING}")
        containers = containers or depth > 0
        block_size += len(line) + 1
        if containers and block_size > MAX_CONTAINER_BLOCK:
            raise InputError(
                path,
                number,
                f"a list or quote runs over {MAX_CONTAINER_BLOCK:,} characters without a blank line "
                f"(from line {first + block_start})",
            )
    work.add("\n".join(lines[block_start:]), first + block_start)
    _check_tag_scan(path, "\n".join(lines), first)


def _depth(line: str) -> int:
    """How many lists and quotes this line opens or continues: its markers, and the indentation
    (four columns a level) before a list marker."""
    prefix = _PREFIX.match(line)
    if prefix is None or _THEMATIC_BREAK.fullmatch(line):
        return 0
    text = prefix.group()
    markers = _MARKERS.findall(text)
    lists = sum(1 for marker in markers if marker != ">")
    indentation = len(text[: len(text) - len(text.lstrip(" \t"))].expandtabs(4)) if lists else 0
    return len(markers) + indentation // 4


def _bracket_scan(block: str) -> int:
    """Characters scanned from each `[` to its `]` and from each `](` to its `)` (to the end of
    the block when it never closes), as Python-Markdown's link patterns walk them."""
    scanned = 0
    squares: list[int] = []
    rounds: list[tuple[int, bool]] = []
    for match in _BRACKETS.finditer(block):
        mark, position = match.group(), match.start()
        if mark == "[":
            squares.append(position)
        elif mark in ("]", "]("):
            if squares:
                scanned += position - squares.pop()
            if mark == "](":
                rounds.append((position, True))
        elif mark == "(":
            rounds.append((position, False))
        elif rounds:  # ")"
            opened, link = rounds.pop()
            scanned += position - opened if link else 0
    end = len(block)
    scanned += sum(end - opened for opened in squares)
    scanned += sum(end - opened for opened, link in rounds if link)
    return scanned


class _Work:
    """The inline work of a document's paragraphs so far, checked as each is added."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.brackets = 0
        self.inline = 0

    def add(self, block: str, line: int) -> None:
        """Add the paragraph (text between blank lines) that starts on `line`."""
        self.brackets += _bracket_scan(block)
        if self.brackets > MAX_BRACKET_SCAN:
            raise InputError(
                self.path, line, "too many '[' or '(' left open: reading them would take minutes; "
                "escape them as \\[ or \\("
            )
        self.inline += len(_INLINE_MARKS.findall(block)) * len(block)
        if self.inline > MAX_INLINE_WORK:
            raise InputError(
                self.path, line, "too much markup (*, _, `, [, <, &) in too long a paragraph: reading it would "
                "take minutes; break it up with blank lines"
            )


def _check_tag_scan(path: Path, text: str, first: int) -> None:
    """Characters html.parser scans from each `<tag` or `<![CDATA[` to the next `>` (comments, end
    tags and processing instructions that never close cost no more than their length)."""
    scanned = 0
    closing = -1
    for match in _TAG_OPEN.finditer(text):
        start = match.start()
        if closing < start:
            closing = text.find(">", start)
            if closing < 0:
                closing = len(text)
        scanned += closing - start
        if scanned > MAX_TAG_SCAN:
            line = first + text.count("\n", 0, start)
            raise InputError(
                path, line, "too many '<' left open: reading them would take minutes; write them as &lt;"
            )


def capped(
    values: tuple[str, ...], key: str, line: int, limit: int = MAX_TAGS
) -> tuple[tuple[str, ...], tuple[tuple[int, str], ...]]:
    """The first `limit` tags (or authors), and the (line, warning) that says so when there were more."""
    if len(values) <= limit:
        return values, ()
    why = "" if limit == MAX_TAGS else " (a long article: the feed of each of its tags holds it)"
    return values[:limit], ((line, f"{len(values):,} {key}: only the first {limit} are kept{why}"),)


def tag_limit(body_html: str) -> int:
    """How many tags an article with this body may show: `MAX_TAGS`, fewer when its feeds would
    carry over `FEED_BYTES` of it."""
    return max(1, min(MAX_TAGS, FEED_BYTES // max(1, len(body_html))))


class OutOfTime(BaseException):
    """Raised in the reading thread when an article spends its `cpu_budget`. A BaseException, so
    that no parser's `except Exception` takes it for an error of its own and goes on."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise `OutOfTime` once this process has spent `seconds` of CPU time inside the block.

    CPU time, not wall time: a loaded machine must not lose articles. Signals reach the main
    thread only, so elsewhere (a build run on the preview server's thread) there is no budget,
    and the checks above are the defence.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
