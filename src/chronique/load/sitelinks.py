"""Root-relative links of article bodies ("/docs/x", "/2016/03/02/post.html").

A site migrated from another generator links its own pages from the site's root, which breaks
from file:// and from a sub-path. The reader records each such link (`root_relative_links`);
once every article's URL is known, `resolve_site_links` makes those that name an article of the
archive relative to the linking page, and warns about the others.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial

from ..model import Article
from ..urls import URLS
from .common import JEKYLL_NAME

_ROOT_HREF = re.compile(r'(<a\s[^>]*?href=)"(/(?!/)[^"]*)"')
_WRITTEN_PATH = re.compile(r"(?<![\w/])/(?!/)[^\s()\"'<>\[\]]*")
"""A root-relative path as Markdown or HTML writes it: "/docs/x" in "](/docs/x)" or 'href="/docs/x"'."""
_TARGET = re.compile(r"(?P<path>[^?#]*)(?:\?[^#]*)?(?:#(?P<fragment>.*))?", re.DOTALL)
# What a link to another article of the archive may end with, as other generators' sources wrote
# it (their source files' suffixes, .rst and .mdown included) or as they published it: wider than
# the suffixes Chronique reads (`discover.ARTICLE_SUFFIXES`), since such a link names the page too.
_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".mdown", ".txt", ".rst")

Links = tuple[tuple[int, str], ...]
WARNED_LINKS = 20
"""Links of one article that name no page and are warned about each; the others are counted in one more."""


def root_relative_links(body_html: str, source: str, first_line: int) -> Links:
    """(line, target) for each root-relative link of `body_html` (sanitised HTML, its attributes in
    double quotes), once each, located at the first line of `source` (the text it was made from,
    which starts at line `first_line`) where the target is written, else at `first_line`."""
    written: dict[str, int] = {}
    line, position = first_line, 0
    for match in _WRITTEN_PATH.finditer(source):  # one pass: a file may hold thousands of links
        line += source.count("\n", position, match.start())
        position = match.start()
        written.setdefault(match.group(), line)
    found: dict[str, int] = {}
    for match in _ROOT_HREF.finditer(body_html):
        target = html.unescape(match.group(2))
        found.setdefault(target, written.get(target, first_line))
    return tuple((line, target) for target, line in found.items())


def page_key(path: str) -> str:
    """The form two ways of naming one page share: no slashes at the ends, no "index.html", no
    page suffix, no "_posts" folder (Jekyll's), in lower case."""
    parts = [part for part in path.split("/") if part and part != "_posts"]
    if parts and parts[-1].lower() in ("index.html", "index.htm"):
        parts.pop()
    if parts:
        last = parts[-1]
        for suffix in _SUFFIXES:
            if last.lower().endswith(suffix):
                last = last[: -len(suffix)]
                break
        parts[-1] = last
    return "/".join(parts).lower()


def _names(article: Article, url: str) -> Iterable[str]:
    """The paths a link may name `article` by: its page on this site, its file, its `permalink`
    or `url` on the site it came from, and Jekyll's default address for a dated file name."""
    yield url
    origin = article.origin.as_posix()
    yield origin
    for key, value in article.extra_items:
        if key.lower() in ("permalink", "url") and isinstance(value, str) and ":" not in value:
            yield value
    if jekyll := JEKYLL_NAME.fullmatch(article.origin.stem):
        year, month, day = jekyll.group("year", "month", "day")
        yield f"{year}/{month}/{day}/{jekyll.group('slug')}.html"


def _relinked(match: re.Match[str], targets: dict[str, str]) -> str:
    """The opening tag `match` with its target replaced by the one `targets` gives, if any."""
    target = targets.get(html.unescape(match.group(2)))
    return match.group() if target is None else f'{match.group(1)}"{html.escape(target)}"'


def resolve_site_links(articles: Sequence[Article]) -> list[Article]:
    """`articles` with their root-relative links that name an article made relative (see the
    module's docstring), and a warning for each of the others. An article changed here is given a
    digest of its new body, since it is no longer a function of its file alone."""
    if not any(article.site_links for article in articles):
        return list(articles)
    from ..render import relative_path

    urls = {id(article): URLS.article(article) for article in articles}
    pages: dict[str, str] = {"": URLS.home}
    for article in sorted(articles, key=lambda item: (item.published, item.origin.parts), reverse=True):
        for name in _names(article, urls[id(article)]):
            pages[page_key(name)] = urls[id(article)]  # the earliest article wins a name two share
    resolved: list[Article] = []
    for article in articles:
        if not article.site_links:
            resolved.append(article)
            continue
        folder = posixpath.dirname(urls[id(article)])
        targets: dict[str, str] = {}
        warnings = list(article.warnings)
        unresolved = 0
        for line, target in article.site_links:
            parts = _TARGET.fullmatch(target)
            page = pages.get(page_key(parts.group("path"))) if parts else None
            if page is None:
                unresolved += 1
                if unresolved <= WARNED_LINKS:
                    warnings.append((line, f"root-relative link {target!r} names no article of the archive: it "
                                           "breaks when the site is opened from its files or from a sub-path"))
                continue
            fragment = parts.group("fragment") if parts else None
            targets[target] = relative_path(page, folder) + (f"#{fragment}" if fragment else "")
        if unresolved > WARNED_LINKS:
            warnings.append((article.site_links[-1][0], f"{unresolved - WARNED_LINKS} more root-relative links name "
                                                        "no article of the archive"))
        body = _ROOT_HREF.sub(partial(_relinked, targets=targets), article.body_html)
        digest = hashlib.sha256(f"{article.digest}\0{body}".encode()).hexdigest()
        resolved.append(replace(article, body_html=body, warnings=tuple(warnings), digest=digest))
    return resolved
