"""Cross-links sources leave inside article text: « A lire aussi sur Le360 : … », « Read more: ».

Which phrases open them is site.yaml's `boilerplate` (see `config.SiteConfig.boilerplate`). A
paragraph (or list item…) that is one is removed, and so is a line of a paragraph (after a <br>)
that is one; the rest of the paragraph stays.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache

from ..text import fold

_BLOCK_NAMES = r"p|li|dt|dd|h[2-6]|blockquote|div|figcaption"
# A block holding no other block (nh3 writes well-formed HTML, without comments): a list is judged
# item by item. The tempered dot keeps the search linear in the length of the body.
_INNERMOST_BLOCK = re.compile(
    rf"(?P<open><(?P<name>{_BLOCK_NAMES})(?:\s[^>]*)?>)"
    rf"(?P<inside>(?:(?!</?(?:{_BLOCK_NAMES}|ul|ol|dl|table|figure|pre)\b).)*?)"
    rf"(?P<close></(?P=name)>)",
    re.DOTALL,
)
_BREAK = re.compile(r"<br\s*/?>")
_TAGS = re.compile(r"<[^>]*>")
_OPENING = " \t\u00a0\u202f«“\"'*_-–—>"


@lru_cache(maxsize=64)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """A folded line that is boilerplate: a phrase, maybe "sur/on <source>", then a colon or nothing."""
    folded = sorted({fold(" ".join(phrase.split())) for phrase in phrases if phrase.strip()}, key=len, reverse=True)
    if not folded:
        return None
    alternatives = "|".join(re.escape(phrase) for phrase in folded)
    return re.compile(rf"(?:{alternatives})(?:\s+(?:sur|on|chez|in|at|dans)\s+[^:]{{1,80}}?)?\s*(?:[:»”.…]\s*.*)?")


def is_boilerplate(line: str, phrases: Sequence[str]) -> bool:
    pattern = _pattern(tuple(phrases))
    return pattern is not None and pattern.fullmatch(fold(" ".join(line.split())).lstrip(_OPENING)) is not None


def _plain(fragment: str) -> str:
    return html.unescape(_TAGS.sub(" ", fragment))


def _without_boilerplate(block: re.Match[str], phrases: Sequence[str]) -> str:
    """An innermost block of sanitised HTML: "" when it is boilerplate, else itself without the
    lines (after a <br>) that are."""
    inside = block.group("inside")
    if is_boilerplate(_plain(inside), phrases):
        return ""
    lines = _BREAK.split(inside)
    if len(lines) == 1:
        return block.group()
    kept = [lines[0]] + [line for line in lines[1:] if not is_boilerplate(_plain(line), phrases)]
    return block.group("open") + "<br>".join(kept) + block.group("close")


def drop_boilerplate(body_html: str, text: str, phrases: Sequence[str]) -> str | None:
    """`body_html` (sanitised HTML; `text`, its plain text) without boilerplate, or None when it has none."""
    if _pattern(tuple(phrases)) is None:
        return None
    folded = fold(text)
    if not any(fold(phrase.strip()) in folded for phrase in phrases if phrase.strip()):
        return None  # most articles
    kept = _INNERMOST_BLOCK.sub(lambda block: _without_boilerplate(block, phrases), body_html)
    return kept if kept != body_html else None
