"""What every reader returns, and small helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..links import normalised_url, safe_url
from ..model import InputError, Published, Source, Teaser
from ..text import fold
from ..urls import SLUG_LENGTH
from .body import clean_line
from .dates import parse_date


@dataclass(frozen=True, slots=True)
class Parsed:
    """A reader's findings before the shape-independent rules (slug, summary, date fallback) apply."""

    title: str
    date: Published | None
    body_html: str
    text: str
    looked_for: str = ""
    """When `date` is None: what the reader searched for, for the "no date found" message."""
    slug: str = ""
    summary: str = ""
    language: str = ""
    tags: tuple[str, ...] = ()
    source: Source = field(default_factory=Source)
    credit: str = ""
    authors: tuple[str, ...] = ()
    teasers: tuple[Teaser, ...] = ()
    draft: bool = False
    aliases: tuple[tuple[int, str], ...] = ()
    extra_items: tuple[tuple[str, Any], ...] = ()
    warnings: tuple[tuple[int, str], ...] = ()
    """(line, message) for what was dropped from the file (see `Article.warnings`)."""
    date_error: tuple[int, str] | None = None
    """(line, message) when the file gives a date that cannot be read (`date` is then None): a date
    in the file name stands in for it, with a warning; otherwise it is the file's problem."""
    site_links: tuple[tuple[int, str], ...] = ()
    """See `Article.site_links`."""


def date_at(path: Path, line: int, text: str) -> Published:
    """`parse_date`, with its complaint located at `line` of `path`."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError(path, line, str(exc)) from None


JEKYLL_NAME = re.compile(r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))-(?P<slug>.+)")
"""A Jekyll post's file name (without its suffix): "2016-03-02-my-post"."""
_FILE_NAME_SLUG = re.compile(r"[\w~+-][\w.~+-]*(?<!\.)")


def exact_slug(text: str) -> str | None:
    """`text` itself, when it can name the article's page as typed ("name-10.8"): letters, digits and
    "-_.~+" only (no slash, space, control character or character a URL must escape), no leading or
    trailing dot, at most `SLUG_LENGTH` characters; else None."""
    return text if len(text) <= SLUG_LENGTH and _FILE_NAME_SLUG.fullmatch(text) else None


def host_name(url: str) -> str:
    """How a source with only a URL is named: "https://www.article19.ma/x" -> "article19.ma"."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def make_source(name: str, url: str, line: int) -> tuple[Source, tuple[tuple[int, str], ...]]:
    """A source (named after its URL's host when it has no name), and a warning for `line` when its
    URL is not one a page may link (see `links.safe_url`): that URL is dropped."""
    name, url = clean_line(name), clean_line(normalised_url(url))
    if not url or safe_url(url) is not None:
        return Source(name=name or host_name(url), url=url), ()
    shown = url if len(url) <= 80 else url[:79] + "…"
    return Source(name=name), ((line, f"source URL {shown!r} dropped: only http, https and relative links"),)


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def language_tag(text: str) -> str:
    """A language as HTML's lang attribute writes it ("en_US" -> "en-US"), or "" when `text` is not one."""
    tag = text.strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.fullmatch(tag) else ""


def unique_words(values: list[str]) -> tuple[str, ...]:
    """Clean, drop empties, and drop repeats that differ only by case or accents (first spelling wins)."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        cleaned = clean_line(value)
        key = fold(cleaned)
        if cleaned and key not in seen:
            seen.add(key)
            kept.append(cleaned)
    return tuple(kept)


def split_list(value: str) -> list[str]:
    """Split "a, b" into words; semicolons win when present, as in Pelican's author lists."""
    separator = ";" if ";" in value else ","
    return value.split(separator)
