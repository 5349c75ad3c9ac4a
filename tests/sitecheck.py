"""Walks a built site and checks every internal link, as a reader's browser would follow them."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


def internal_links(site: Path) -> list[tuple[Path, str]]:
    """(page, href or src) for every link of every HTML page that stays inside the site."""
    links = []
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(href=True) + soup.find_all(src=True):
            if tag.name == "base":  # not a link: the 404 page's site root, for when it is shown at any depth
                continue
            for attribute in ("href", "src"):
                value = tag.get(attribute)
                if value is None or urlsplit(value).scheme or value.startswith(("//", "#", "mailto:")):
                    continue
                links.append((page, value))
    return links


def broken_links(site: Path) -> list[str]:
    """Links that are root-absolute, name a folder, or name no existing file."""
    problems = []
    for page, link in internal_links(site):
        path = unquote(urlsplit(link).path)
        where = f"{page.relative_to(site)} -> {link}"
        if path.startswith("/"):
            problems.append(f"root-absolute: {where}")
            continue
        target = (page.parent / path).resolve()
        if path.endswith("/") or target.is_dir():
            problems.append(f"names a folder: {where}")
        elif not target.is_file():
            problems.append(f"missing: {where}")
        elif not target.is_relative_to(site.resolve()):
            problems.append(f"leaves the site: {where}")
    return problems


def posix(site: Path, page: Path) -> str:
    return posixpath.normpath(page.relative_to(site).as_posix())
