"""Front-matter keys -> article fields, with type errors located at the key's line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..model import InputError, Published, Source
from ..urls import make_slug
from .body import clean_line, html_text, markdown_line, render_markdown
from .common import (
    JEKYLL_NAME,
    Parsed,
    date_at,
    exact_slug,
    language_tag,
    make_source,
    split_list,
    unique_words,
)
from .dates import in_range
from .frontmatter import Header, is_pelican, opens_front_matter, parse_pelican, parse_toml, parse_yaml
from .limits import capped, check_markdown
from .liquid import pelican_links, strip_template_code
from .sitelinks import root_relative_links

KNOWN = frozenset(
    {"title", "date", "tags", "source", "source_url", "author", "authors", "summary", "slug", "lang", "draft"}
    | {"aliases"}
    | {"category", "categories"}
)
# Other generators' names for known fields: Jekyll's `excerpt` and `published: false`, Hugo's
# `description`; Jekyll's `permalink` and Hugo's `url` give the slug when they name one page.
# They stay in `extra_items` too, for templates that know them.
BORROWED = frozenset({"excerpt", "description", "published", "permalink", "url"})
# Stripped from the last part of a front matter's permalink or url to find the slug it published
# ("/2019/03/slug.php" of an old CMS included).
_PAGE_SUFFIXES = (".html", ".htm", ".php", ".md", ".markdown")
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
            if key.lower() in known or key.lower() in BORROWED:
                self.known[key.lower()] = (key, value)
            if key.lower() not in known:
                extra.append((key, value))
        self.extra = tuple(extra)
        # Jekyll reads a string of tags or categories as space-separated words.
        self.jekyll_post = not header.pelican and JEKYLL_NAME.fullmatch(path.stem) is not None

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
            if split and "," not in value and self.jekyll_post:  # Jekyll: "tags: a b" are two tags
                return value.split()
            return split_list(value) if split else [value]
        if isinstance(value, list) and all(
            isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
        ):
            return [str(item) for item in value]
        raise self.error(
            key, f"'{key}' must be a list of words or a comma-separated string, not {_kind(value)}"
        )

    def published(self) -> tuple[Published | None, tuple[int, str] | None]:
        """The date, or None and what is wrong with it (see `Parsed.date_error`)."""
        try:
            return self._date(), None
        except InputError as error:
            return None, (error.problem.line, error.problem.message)

    def _date(self) -> Published | None:
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
        if self.value("published") is False:  # Jekyll's way of keeping a post unpublished
            return True
        value = self.value("draft")
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error("draft", f"'draft' must be true or false, not {value!r}")
        return value

    def slug(self) -> tuple[str, tuple[tuple[int, str], ...]]:
        """The slug as typed when it is safe as a file name (`exact_slug`), else made from it (with a
        warning); else the last part of a `permalink` or `url` that names one page ("/blog/x.html",
        "/blog/x/"; not a pattern such as "/:title/")."""
        value = self.text("slug")
        if value:
            if exact := exact_slug(value):
                return exact, ()
            slug = make_slug(value)
            if not slug:
                raise self.error("slug", f"slug {value!r} has no character usable in a URL")
            return slug, ((self.line("slug"), f"slug {value!r} is not safe as a file name: {slug!r} used"),)
        for key in ("permalink", "url"):
            value = self.value(key)
            if isinstance(value, str) and ":" not in value:
                parts = [part for part in value.split("?")[0].split("#")[0].split("/") if part]
                if parts and parts[-1].lower() in ("index.html", "index.htm"):
                    parts.pop()
                last = parts[-1] if parts else ""
                for suffix in _PAGE_SUFFIXES:
                    last = last.removesuffix(suffix)
                if exact := exact_slug(last):
                    return exact, ()
        return "", ()

    def language(self) -> tuple[str, tuple[tuple[int, str], ...]]:
        """`lang` as a language tag, or "" with a warning when it is not one."""
        value = self.text("lang")
        tag = language_tag(value)
        if value and not tag:
            return "", ((self.line("lang"), f"lang {value!r} is not a language tag such as 'en' or 'pt-BR': ignored"),)
        return tag, ()

    def summary(self) -> str:
        """`summary` (else Jekyll's `excerpt`, Hugo's `description`) as written in Markdown, as plain text."""
        for key in ("summary", "excerpt", "description"):
            if value := self.text(key):
                return markdown_line(value)
        return ""

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
    # Pelican takes an article's category from its folder when it names none (USE_FOLDER_AS_CATEGORY).
    folder = [path.parent.name] if header.pelican and "category" not in fields.known and path.parent.name else []
    tags, too_many_tags = capped(
        unique_words(fields.words("tags") + fields.words("category") + fields.words("categories") + folder),
        "tags",
        fields.line("tags", "category", "categories"),
    )
    source, warnings = fields.source()
    first_line = header.body_line + header.body.count("\n") - body.count("\n")  # after a title heading taken
    body, template_code = strip_template_code(body, first_line)
    if header.pelican:
        body = pelican_links(body, path.parent.as_posix().removeprefix("."))
    body_html = render_markdown(body)
    published, date_error = fields.published()
    slug, slug_warnings = fields.slug()
    lang, lang_warnings = fields.language()
    return Parsed(
        title=title,
        date=published,
        date_error=date_error,
        body_html=body_html,
        text=html_text(body_html),
        looked_for=_LOOKED_FOR,
        slug=slug,
        summary=fields.summary(),
        language=lang,
        tags=tags,
        source=source,
        authors=authors,
        draft=fields.draft(),
        aliases=tuple((fields.line("aliases"), alias) for alias in fields.words("aliases")),
        extra_items=fields.extra,
        warnings=warnings + slug_warnings + lang_warnings + tuple(template_code) + too_many_tags + too_many_authors,
        site_links=root_relative_links(body_html, body, first_line),
    )


def has_front_matter(lines: list[str]) -> bool:
    return opens_front_matter(lines) is not None or is_pelican(lines)
