"""render: planned pages -> bytes, through Jinja templates.

Templates come from the user's `templates/` folder first, then the built-in
theme. Every internal link goes through `href()`, which makes it relative to
the page being rendered, so the site browses from file:// and from any
sub-path of a web server alike.
"""

from __future__ import annotations

import posixpath
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from .config import SiteConfig
from .i18n import Language, language
from .model import Article, InputError
from .parallel import can_fork, forked
from .plan import URLS, Page
from .text import folded_words

Progress = Callable[[Sequence[Page]], Iterable[Page]]
"""Wraps the pages a process renders, to show progress (the CLI's bar)."""

PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """The default theme's folder: inside the package in a wheel, at the top level in a checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parents[1] / name


@dataclass(frozen=True, slots=True)
class Theme:
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]
    """Later folders win: built-in assets first, then the user's."""


def theme_for(content_dir: Path) -> Theme:
    """`templates/` and `static/` beside (or inside) the content folder override the built-in theme."""
    def user_dirs(name: str) -> tuple[Path, ...]:
        candidates = (content_dir.parent / name, content_dir / name)
        return tuple(dict.fromkeys(path.resolve() for path in candidates if path.is_dir()))

    builtin_templates, builtin_static = builtin_dir("templates").resolve(), builtin_dir("static").resolve()
    user_templates = tuple(p for p in user_dirs("templates") if p != builtin_templates)
    user_static = tuple(p for p in user_dirs("static") if p != builtin_static)
    return Theme(
        template_dirs=(*reversed(user_templates), builtin_templates),
        static_dirs=(builtin_static, *user_static),
    )


# From this many pages, half are rendered in a forked process (see `parallel.forked`).
FORK_FROM = 1000


def render_site(
    pages: Sequence[Page],
    config: SiteConfig,
    theme: Theme,
    progress: Progress = lambda pages: pages,
    compiled: jinja2.BytecodeCache | None = None,
) -> dict[str, bytes]:
    """Render every page (`progress` wraps the pages this process renders itself); a template error
    raises InputError naming the template and line, the first in page order. Templates compiled
    once are kept in the bytecode cache `compiled` (compiling the theme takes a sixth of a second)."""
    if len(pages) < FORK_FROM or not can_fork():  # two threads would only take turns
        return _render_pages(progress(pages), config, theme, compiled)
    half = len(pages) // 2
    second = forked(_render_pages, pages[half:], config, theme, compiled)
    first = _render_pages(progress(pages[:half]), config, theme, compiled)
    return {**first, **second()}


def _render_pages(
    pages: Iterable[Page], config: SiteConfig, theme: Theme, compiled: jinja2.BytecodeCache | None
) -> dict[str, bytes]:
    env = make_environment(config, theme, compiled)
    rendered: dict[str, bytes] = {}
    for page in pages:
        try:
            template = env.get_template(page.template)
            text = template.render(page.context, page_path=page.path)
        except jinja2.TemplateSyntaxError as exc:
            raise InputError(Path(exc.filename or exc.name or page.template), exc.lineno, exc.message or "") from None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
            path, line = _template_location(exc, page.template)
            raise InputError(path, line, f"while rendering {page.path}: {exc}") from None
        rendered[page.path] = text.encode("utf-8")
    return rendered


def _template_location(exc: BaseException, fallback: str) -> tuple[Path, int]:
    """Jinja rewrites tracebacks so that template frames carry the template's file and line."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".js")):
            return Path(frame.filename), frame.lineno or 1
    return Path(fallback), 1


def make_environment(
    config: SiteConfig, theme: Theme, compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in theme.template_dirs]),
        bytecode_cache=compiled,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    lang = language(config.language)
    env.install_gettext_callables(lang.gettext, lang.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        site=config,
        lang=lang,
        urls=URLS,
        href=href,
        absolute=lambda path: absolute_url(config, path),
        entry_id=lambda path: entry_id(config, path),
        news_article=lambda article, page_path: news_article(article, config, page_path),
        search_documents=lambda articles: search_documents(articles, lang),
    )
    env.filters.update(
        date=lang.format_date,
        iso=lambda value: value.isoformat(),
        rfc3339=lambda article: article.published.isoformat(),
        month_name=lang.month_name,
    )
    return env


@jinja2.pass_context
def href(context: jinja2.runtime.Context, target: str) -> str:
    """`target` (a path from the site root, maybe with #fragment) relative to the current page."""
    path, _, fragment = target.partition("#")
    relative = relative_path(path, posixpath.dirname(context["page_path"]))
    return f"{relative}#{fragment}" if fragment else relative


@lru_cache(maxsize=1 << 16)
def relative_path(target: str, folder: str) -> str:
    """`target` seen from `folder`, both relative to the site root ("" is the root itself).

    posixpath.relpath asks the operating system for the working directory at every call; these
    are plain site paths, and a site links the same few targets from each folder thousands of times.
    """
    here = folder.split("/") if folder else []
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def absolute_url(config: SiteConfig, path: str) -> str:
    """The page's public URL when base_url is set, else an empty string."""
    return config.base_url + path if config.base_url else ""


def entry_id(config: SiteConfig, path: str) -> str:
    """A stable Atom id: the public URL when known, else a UUID derived from the site and path."""
    return absolute_url(config, path) or uuid.uuid5(uuid.NAMESPACE_URL, f"chronique:{config.title}/{path}").urn


def news_article(article: Article, config: SiteConfig, page_path: str) -> dict[str, Any]:
    """schema.org NewsArticle for the page's JSON-LD block (serialised with `tojson`)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat(),
        "inLanguage": article.language or config.language,
        "keywords": list(article.tags),
        "description": article.summary,
    }
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.source.name or article.source.url:
        publisher: dict[str, str] = {"@type": "Organization", "name": article.source.name or article.source.url}
        if article.source.url:
            publisher["url"] = article.source.url
        data["publisher"] = publisher
        data["isBasedOn"] = article.source.url or article.source.name
    if config.base_url:
        data["url"] = absolute_url(config, page_path)
    return data


def search_documents(articles: Iterable[Article], lang: Language) -> list[dict[str, Any]]:
    """The search index shipped as scripts (fetch() of JSON is blocked on file://).

    Each document carries its distinct words of three letters or more (shorter ones are found through
    titles, tags and summaries), folded here, so the browser only compares prefixes.
    """
    return [
        {
            "t": article.title,
            "u": URLS.article(article),
            "d": lang.format_date(article.date),
            "s": article.summary,
            "g": list(article.tags),
            "x": " ".join(sorted(word for word in folded_words(article.text) if len(word) > 2)),
        }
        for article in articles
    ]


def collect_static(theme: Theme) -> Mapping[str, bytes]:
    """Theme assets under `static/`; a user's file replaces the built-in one of the same name."""
    assets: dict[str, bytes] = {}
    for folder in theme.static_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                assets["static/" + path.relative_to(folder).as_posix()] = path.read_bytes()
    return assets
