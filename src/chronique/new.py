"""`chronique new`: a new article in the format people write by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from .urls import make_slug


def article_text(title: str, day: date, slug: str) -> str:
    """A draft: `build` publishes it with --drafts only (`serve` always), and its `slug` keeps its URL
    when the title is edited."""
    # A JSON string is a valid YAML scalar, and survives quotes, colons and accents in the title.
    return (
        f"---\ntitle: {json.dumps(title.strip(), ensure_ascii=False)}\ndate: {day.isoformat()}\n"
        f"slug: {json.dumps(slug)}\ndraft: true\ntags: []\n---\n\n"
    )


def create_article(content: Path, title: str, day: date) -> Path:
    """Write `<content>/<slug>.md` (never over an existing file) and return its path."""
    content.mkdir(parents=True, exist_ok=True)
    stem = make_slug(title) or "article"  # the slug `load` would make of the title
    for number in range(1, 1000):
        slug = stem if number == 1 else f"{stem}-{number}"
        path = content / f"{slug}.md"
        try:
            with path.open("x", encoding="utf-8") as stream:
                stream.write(article_text(title, day, slug))
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"too many articles named {stem}")
