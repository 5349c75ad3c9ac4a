"""Saved HTML article pages, read with BeautifulSoup.

Dates come from page metadata first; otherwise from a press dateline opening the first or second
paragraph (see `dateline`). The whole dateline is removed from the body; its place goes to
`extra_items` as "dateline_place" and the agency in parentheses becomes the credit, so neither is
lost nor repeated in the text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, CData, NavigableString, Tag
from bs4.builder import ParserRejectedMarkup

from ..model import InputError, Published
from .body import clean_line, html_text, paragraphs_html, sanitise
from .common import Parsed, date_at, language_tag, make_source, unique_words
from .dateline import PARAGRAPHS, find_dateline

EXCLUDED = ("nav", "header", "footer", "aside", "script", "style", "form", "noscript", "template", "iframe")
BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "dl", "figure", "table", "pre")
DATE_META_NAMES = frozenset({"date", "dc.date", "dc.date.issued", "dcterms.date", "pubdate", "publishdate"})
_LOOKED_FOR = (
    "looked for <meta property='article:published_time'>, <meta name='date'>, <time datetime>, "
    "JSON-LD datePublished, and a dateline opening the first or second paragraph ('16 juin 2012. - …', "
    "'RABAT, 16 juin 2012 (MAP) - …', '30 octobre 2024, Maroc. - …')"
)


def _meta(soup: BeautifulSoup, **attrs: str) -> Tag | None:
    found = soup.find("meta", attrs=attrs)
    return found if isinstance(found, Tag) and found.get("content") else None


def _attr(tag: Tag | None, name: str) -> str:
    value = tag.get(name) if tag is not None else None
    return " ".join(value) if isinstance(value, list) else str(value or "")


def _json_ld_dates(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("datePublished"), str):
            yield node["datePublished"]
        for child in node.values():
            yield from _json_ld_dates(child)
    elif isinstance(node, list):
        for child in node:
            yield from _json_ld_dates(child)


def _metadata_date(path: Path, soup: BeautifulSoup, root: Tag) -> Published | None:
    candidates: list[tuple[Tag | None, str]] = [(_meta(soup, property="article:published_time"), "content")]
    candidates += [
        (tag, "content")
        for tag in soup.find_all("meta")
        if isinstance(tag, Tag) and _attr(tag, "name").lower() in DATE_META_NAMES and tag.get("content")
    ][:1]
    candidates.append((root.find("time", attrs={"datetime": True}), "datetime"))  # type: ignore[arg-type]
    for tag, attribute in candidates:
        if isinstance(tag, Tag):
            return date_at(path, tag.sourceline or 1, _attr(tag, attribute))
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.get_text())
        except (ValueError, RecursionError):
            continue  # broken structured data is the page's problem, not the article's
        for value in _json_ld_dates(data):
            return date_at(path, script.sourceline or 1, value)
    return None


def _strings(tag: Tag) -> list[NavigableString]:
    """The strings `get_text()` sees, in order (comments excluded)."""
    return [node for node in tag.descendants if type(node) in (NavigableString, CData)]


def _drop_prefix(tag: Tag, count: int) -> None:
    for node in _strings(tag):
        if count <= 0:
            break
        taken = min(count, len(node))
        node.replace_with(NavigableString(str(node)[taken:]))
        count -= taken


def _top_blocks(root: Tag) -> list[Tag]:
    """Block elements not inside another block: each is one piece of the body, in document order."""
    found = []
    for tag in root.find_all(BLOCKS):
        if isinstance(tag, Tag) and not any(parent.name in BLOCKS for parent in tag.parents):
            found.append(tag)
    return found


def _title_heading(root: Tag) -> Tag | None:
    headings = [tag for tag in root.find_all("h1") if isinstance(tag, Tag)]
    outside = [tag for tag in headings if not any(parent.name in EXCLUDED for parent in tag.parents)]
    return (outside or headings or [None])[0]


def read_html(path: Path, text: str) -> Parsed:
    try:
        soup = BeautifulSoup(text, "html.parser")
    except (ParserRejectedMarkup, AssertionError) as exc:
        raise InputError(path, 1, f"cannot parse HTML: {exc}") from None
    article = soup.find("article")
    root = article if isinstance(article, Tag) else soup.find("main") or soup.body or soup
    assert isinstance(root, Tag)

    heading = _title_heading(root)
    if heading is not None:
        title = clean_line(heading.get_text(" "))
        heading.decompose()
    else:
        title = clean_line(soup.title.get_text()) if soup.title else ""
    if not title:
        raise InputError(path, 1, "no title: the page has no <h1> and no <title>")

    date = _metadata_date(path, soup, root)
    html_tag = soup.find("html")
    language = _attr(html_tag if isinstance(html_tag, Tag) else None, "lang")
    canonical = soup.find("link", rel="canonical", href=True)
    address = canonical if isinstance(canonical, Tag) else _meta(soup, property="og:url")
    source, warnings = make_source(
        _attr(_meta(soup, property="og:site_name"), "content"),
        _attr(address, "href" if address is canonical else "content"),
        address.sourceline or 1 if address is not None else 1,
    )
    tags = [_attr(tag, "content") for tag in soup.find_all("meta", attrs={"property": "article:tag"})]
    author = _attr(_meta(soup, name="author"), "content")

    for tag in root.find_all(EXCLUDED):
        if isinstance(tag, Tag) and not tag.decomposed:
            tag.decompose()
    blocks = _top_blocks(root)
    extra: tuple[tuple[str, Any], ...] = ()
    credit = ""
    opening = [block for block in blocks if block.name == "p" and block.get_text(strip=True)][:PARAGRAPHS]
    for paragraph in opening:
        if found := find_dateline(paragraph.get_text()):
            if date is None:
                date = date_at(path, paragraph.sourceline or 1, found.date)
            _drop_prefix(paragraph, found.length)
            extra = (("dateline_place", clean_line(found.place)),) if found.place.strip() else ()
            credit = clean_line(found.agency)
            break

    blocks = [block for block in blocks if block.get_text(strip=True) or block.find("img")]
    if blocks:
        body_html = sanitise("\n".join(str(block) for block in blocks))
    else:
        lines = [clean_line(line) for line in root.get_text("\n").split("\n")]
        body_html = paragraphs_html([line for line in lines if line])
    return Parsed(
        title=title,
        date=date,
        body_html=body_html,
        text=html_text(body_html),
        looked_for=_LOOKED_FOR,
        language=language_tag(language),
        tags=unique_words(tags),
        source=source,
        credit=credit,
        authors=unique_words([author]),
        extra_items=extra,
        warnings=warnings,
    )
