"""Cross-links sources leave inside article text: « A lire aussi sur Le360 : … », « Read more: ».

Which phrases open them is site.yaml's `boilerplate` (see `config.SiteConfig.boilerplate`). A
paragraph that is one is removed, and so is a line of a paragraph (after a <br>) that is one; the
rest of the paragraph stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..text import fold

_BLOCKS = ("p", "li", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "figcaption")
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


def drop_boilerplate(body_html: str, text: str, phrases: Sequence[str]) -> str | None:
    """`body_html` (sanitised HTML; `text`, its plain text) without boilerplate, or None when it has none."""
    pattern = _pattern(tuple(phrases))
    if pattern is None:
        return None
    folded = fold(text)
    if not any(fold(phrase.strip()) in folded for phrase in phrases if phrase.strip()):
        return None  # most articles: no parsing
    from bs4 import BeautifulSoup, NavigableString, Tag  # here: a fifth of a second to import

    soup = BeautifulSoup(body_html, "html.parser")
    changed = False
    for block in soup.find_all(_BLOCKS):
        if not isinstance(block, Tag) or block.decomposed or block.find(_BLOCKS):
            continue  # the innermost blocks only: a list is judged item by item
        if is_boilerplate(block.get_text(" "), phrases):
            block.decompose()
            changed = True
            continue
        # Lines after a <br>: each from its <br> to the next one.
        line: list[Tag | NavigableString] = []
        lines: list[list[Tag | NavigableString]] = []
        for node in list(block.children):
            if isinstance(node, Tag) and node.name == "br":
                lines.append(line)
                line = [node]
            elif isinstance(node, Tag | NavigableString):
                line.append(node)
        lines.append(line)
        for nodes in lines[1:]:
            words = "".join(node.get_text(" ") if isinstance(node, Tag) else str(node) for node in nodes)
            if is_boilerplate(words, phrases):
                for node in nodes:
                    node.extract()
                changed = True
    return str(soup).strip() if changed else None
