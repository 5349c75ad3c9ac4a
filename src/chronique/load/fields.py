"""Front-matter keys -> article fields, with type errors located at the key's line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..model import InputError, Published, Source
from .body import clean_line, html_text, render_markdown
from .common import Parsed, date_at, make_slug, make_source, split_list, unique_words
from .dates import in_range
from .frontmatter import Header, is_pelican, opens_front_matter, parse_pelican, parse_toml, parse_yaml
from .limits import capped, check_markdown

KNOWN = frozenset(
    {"title", "date", "tags", "source", "source_url", "author", "authors", "summary", "slug", "lang", "draft"}
    | {"aliases"}
    | {"category", "categories"}
)
PELICAN_STATUS = {"published": False, "draft": True, "hidden": True, "skip": True}
_LOOKED_FOR = "looked for a 'date' key in the front matter or a 'YYYY-MM-DD-' file name"


class _Fields:
    """Typed access to the known keys; every complaint names the key's line."""

    def __init__(self, path: Path, header: Header) -> None:
        self.path = path
        self.header = header
        self.known: dict[str, tuple[str, Any]] = {}
        extra: list[tuple[str, Any]] = []
        known = KNOWN | {"status"} if header.pelican else KNOWN
        for key, value in header.items:
            if key.lower() in known:
                self.known[key.lower()] = (key, value)
            else:
                extra.append((key, value))
        self.extra = tuple(extra)

    def error(self, key: str, message: str) -> InputError:
        return InputError(self.path, self.line(key), message)

    def line(self, *keys: str) -> int:
        """The line of the first of `keys` the header has."""
        key = next((key for key in keys if key in self.known), keys[0])
        return self.header.key_line(self.known[key][0] if key in self.known else key)

    def value(self, key: str) -> Any:
        return self.known.get(key, (key, None))[1]

    def text(self, key: str) -> str:
        value = self.value(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(key, f"'{key}' must be text, not {_kind(value)}")
        return clean_line(str(value))

    def words(self, key: str, split: bool = True) -> list[str]:
        """A list of words, or one string (split on commas when `split`)."""
        value = self.value(key)
        if value is None:
            return []
        if isinstance(value, str):
            return split_list(value) if split else [value]
        if isinstance(value, list) and all(
            isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
        ):
            return [str(item) for item in value]
        raise self.error(
            key, f"'{key}' must be a list of words or a comma-separated string, not {_kind(value)}"
        )

    def published(self) -> Published | None:
        value = self.value("date")
        if value is None or value == "":
            return None
        if isinstance(value, date):  # YAML and TOML read dates themselves
            try:
                return in_range(value)
            except ValueError as error:
                raise self.error("date", str(error)) from None
        if isinstance(value, str):
            return date_at(self.path, self.line("date"), value)
        raise self.error("date", f"'date' must be a date such as 2024-10-30, not {_kind(value)}")

    def draft(self) -> bool:
        if self.header.pelican and "status" in self.known:
            status = self.text("status").lower()
            if status not in PELICAN_STATUS:
                raise self.error("status", f"'Status' must be 'published' or 'draft', not {status!r}")
            return PELICAN_STATUS[status]
        value = self.value("draft")
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error("draft", f"'draft' must be true or false, not {value!r}")
        return value

    def slug(self) -> str:
        value = self.text("slug")
        if not value:
            return ""
        slug = make_slug(value)
        if not slug:
            raise self.error("slug", f"slug {value!r} has no character usable in a URL")
        return slug

    def source(self) -> tuple[Source, tuple[tuple[int, str], ...]]:
        """The source, and a warning when its URL may not be linked (the URL is then dropped)."""
        value = self.value("source")
        self.text("source_url")  # type errors
        name, url, key = "", str(self.value("source_url") or ""), "source_url"
        if isinstance(value, dict):
            name = str(value.get("name") or "")
            if not url:
                url, key = str(value.get("url") or ""), "source"
        elif value is not None:
            name = self.text("source")
            if name.startswith(("http://", "https://")) and not url:
                name, url, key = "", name, "source"
        return make_source(name, url, self.line(key))


def _kind(value: object) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean"}.get(type(value), type(value).__name__)


def _heading_title(body: str) -> tuple[str, str]:
    """A leading "# Title" line of the Markdown -> (title, rest of the body)."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            if line.startswith("# "):
                title = clean_line(line.strip().strip("#").replace("**", ""))
                return title, "\n".join(lines[index + 1 :])
            break
    return "", body


def read_front_matter(path: Path, lines: list[str]) -> Parsed:
    delimiter = opens_front_matter(lines)
    if delimiter == "---":
        header = parse_yaml(path, lines)
    elif delimiter == "+++":
        header = parse_toml(path, lines)
    else:
        header = parse_pelican(lines)
    check_markdown(path, header.body.split("\n"), header.body_line)
    fields = _Fields(path, header)

    title = fields.text("title")
    heading, rest = _heading_title(header.body)
    body = header.body
    if not title:
        title, body = heading, rest
    elif heading and heading.casefold() == title.casefold():
        body = rest  # the title repeated as the body's first heading
    if not title:
        raise InputError(path, 1, "no title: the front matter has no 'title' and the text no '# ' heading")

    authors, too_many_authors = capped(
        unique_words(fields.words("author", split=False) + fields.words("authors")),
        "authors",
        fields.line("author", "authors"),
    )
    tags, too_many_tags = capped(
        unique_words(fields.words("tags") + fields.words("category") + fields.words("categories")),
        "tags",
        fields.line("tags", "category", "categories"),
    )
    source, warnings = fields.source()
    body_html = render_markdown(body)
    return Parsed(
        title=title,
        date=fields.published(),
        body_html=body_html,
        text=html_text(body_html),
        looked_for=_LOOKED_FOR,
        slug=fields.slug(),
        summary=fields.text("summary"),
        language=fields.text("lang"),
        tags=tags,
        source=source,
        authors=authors,
        draft=fields.draft(),
        aliases=tuple((fields.line("aliases"), alias) for alias in fields.words("aliases")),
        extra_items=fields.extra,
        warnings=warnings + too_many_tags + too_many_authors,
    )


def has_front_matter(lines: list[str]) -> bool:
    return opens_front_matter(lines) is not None or is_pelican(lines)
