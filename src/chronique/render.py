"""render: planned pages -> bytes, through Jinja templates.

Templates come from the theme folder's `templates/` first (the project folder,
never the content folder: content is data), then the built-in theme; they run
in Jinja's sandbox. Every internal link goes through `href()`, which makes it
relative to the page being rendered, so the site browses from file:// and from
any sub-path of a web server alike.
"""

from __future__ import annotations

import posixpath
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from .config import SiteConfig
from .i18n import Language, language
from .links import safe_url_filter
from .load.press import CREDIT_SEPARATOR
from .model import Article, InputError, Problem
from .parallel import PARALLELISM, Parallelism, forked, young_garbage_collected
from .plan import Page, Summary
from .text import fold
from .typography import typeset_page
from .write import Put, Staging

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
    warnings: tuple[Problem, ...] = ()
    """`templates/` or `static/` folders found in the content folder, which are not used."""


THEME_PARTS = ("templates", "static")


def theme_folder(content_dir: Path, config_file: Path | None, configured: str, chosen: Path | None) -> Path:
    """The folder whose `templates/` and `static/` override the built-in theme: `chosen` (--theme),
    else site.yaml's `theme:` (relative to site.yaml), else the project folder: the one of site.yaml
    when site.yaml is outside the content folder, else the content folder's parent."""
    if chosen is not None:
        folder, named_in = chosen, chosen
    elif config_file is not None and configured:
        folder, named_in = config_file.parent / configured, config_file
    elif config_file is not None and not config_file.resolve().is_relative_to(content_dir.resolve()):
        return config_file.parent
    else:
        return content_dir.resolve().parent
    if not folder.is_dir():
        raise InputError(named_in, 1, f"no such theme folder: {folder}")
    return folder


def theme_for(folder: Path, content_dir: Path) -> Theme:
    """The theme of `folder` (see `theme_folder`) over the built-in one. Content is data, never code:
    a theme folder inside the content folder is refused, and a `templates/` or `static/` folder in
    the content folder is never read (only warned about)."""
    content = content_dir.resolve()
    parts = {part: (folder / part).resolve() for part in THEME_PARTS}
    if any(path.is_relative_to(content) for path in (folder.resolve(), *parts.values())):
        raise InputError(folder, 1, "a theme folder inside the content folder is refused (content is data, never "
                                    "code): name one outside it")
    user = {
        part: (path,) if path.is_dir() and path != builtin_dir(part).resolve() else () for part, path in parts.items()
    }
    warnings = tuple(
        Problem(content_dir / part, 1, f"not used as the theme (content is data, never code): move it to "
                                       f"{folder / part}")
        for part in THEME_PARTS
        if (content_dir / part).is_dir()
    )
    return Theme(
        template_dirs=(*user["templates"], builtin_dir("templates").resolve()),
        static_dirs=(builtin_dir("static").resolve(), *user["static"]),
        warnings=warnings,
    )


def render_site(
    pages: Sequence[Page],
    config: SiteConfig,
    theme: Theme,
    staging: Staging,
    progress: Progress = lambda pages: pages,
    compiled: jinja2.BytecodeCache | None = None,
    parallelism: Parallelism = PARALLELISM,
) -> None:
    """Render every page into `staging` (`progress` wraps the pages this process renders itself); a
    template error raises InputError naming the template and line, the first in page order.
    Templates compiled once are kept in the bytecode cache `compiled` (compiling the theme takes a
    sixth of a second). From `parallelism.render_from` pages, every other page is rendered in a
    forked process (`parallel.forked`), which stages its own pages: the two share alike in each kind
    of page, so that they end together (split in two halves, one had the article pages and the
    front page's listings, the other the tag pages, months and years, and took 45 % longer at
    10,000 articles)."""
    with young_garbage_collected():
        if len(pages) < parallelism.render_from or not parallelism.may_fork():  # two threads would only take turns
            staging.put_all(render_pages(progress(pages), config, theme, compiled))
            return
        staging.expect(page.path for page in pages)  # before the fork: the child stages into these folders
        failures: list[tuple[int, InputError]] = []
        with forked(_render_part, pages[1::2], config, theme, compiled, staging) as second:
            try:
                _stage_share(pages[::2], config, theme, compiled, staging, progress)
            except _FailedAt as failed:
                failures.append((2 * failed.position, failed.error))
            try:
                staging.absorb(second())  # even when this process failed: the other may have failed earlier
            except _FailedAt as failed:
                failures.append((2 * failed.position + 1, failed.error))
        if failures:
            raise min(failures, key=lambda failure: failure[0])[1]


class _FailedAt(Exception):
    """A template's failure (`error`) at `position` among the pages a process renders."""

    def __init__(self, position: int, error: InputError) -> None:
        super().__init__(position, error)
        self.position = position
        self.error = error


def _stage_share(
    pages: Sequence[Page], config: SiteConfig, theme: Theme, compiled: jinja2.BytecodeCache | None,
    staging: Staging, progress: Progress = lambda pages: pages,
) -> None:
    """Render `pages` into `staging`; a template error raises _FailedAt."""
    rendered = render_pages(progress(pages), config, theme, compiled)
    for position in range(len(pages)):
        try:
            path, data = next(rendered)
        except InputError as error:
            raise _FailedAt(position, error) from None
        staging.put(path, data)


def _render_part(
    pages: Sequence[Page], config: SiteConfig, theme: Theme, compiled: jinja2.BytecodeCache | None, staging: Staging
) -> dict[str, Put]:
    with staging.part() as part:
        _stage_share(pages, config, theme, compiled, part)
        return part.files


def render_pages(
    pages: Iterable[Page], config: SiteConfig, theme: Theme, compiled: jinja2.BytecodeCache | None = None
) -> Iterator[tuple[str, bytes]]:
    """Each page's path and bytes, one at a time."""
    env = make_environment(config, theme, compiled)
    for page in pages:
        try:
            template = env.get_template(page.template)
            text = template.render(page.context, page_path=page.path, href=links_from(page.path))
            if page.path.endswith(".html"):
                text = typeset_page(text)
        except Exception as exc:  # a theme's template can fail in any way: each is one line naming it
            raise template_failure(exc, page) from None
        yield page.path, text.encode("utf-8")


MESSAGE_LIMIT = 300
"""Characters of an exception's message kept in the one line that reports it."""


def template_failure(exc: Exception, page: Page) -> InputError:
    """`template:line: message` on one short line, for any exception a template raised (one that
    survives pickling, as it may come from a forked renderer)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path, line, message = Path(exc.filename or exc.name or page.template), exc.lineno, exc.message or ""
    else:
        path, line = _template_location(exc, page.template)
        message = f"while rendering {page.path}: {_describe(exc)}"
    message = " ".join(message.split())
    return InputError(path, line, message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…")


def _describe(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"no template named {exc.name!r}"
    if isinstance(exc, RecursionError):
        return "templates that include, extend or call themselves without end"
    if isinstance(exc, jinja2.TemplateError):  # its message says it all (undefined name, unsafe access...)
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _template_location(exc: BaseException, fallback: str) -> tuple[Path, int]:
    """Jinja rewrites tracebacks so that template frames carry the template's file and line: the
    innermost frame that is not Python code is the template line that failed."""
    frame = exc.__traceback__
    found: tuple[Path, int] = (Path(fallback), 1)
    while frame is not None:  # not traceback.extract_tb: a runaway recursion leaves thousands of frames
        filename = frame.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            found = (Path(filename), frame.tb_lineno)
        frame = frame.tb_next
    return found


class Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no attribute starting with "_", no mutation of the values passed in), which
    also lets templates print paths but not use them: only the attributes of a pure path are safe."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Whether an attribute is safe depends only on the object's type and the attribute's name
        # (see jinja2.sandbox), and a site's pages read the same few hundred thousands of times.
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            pure = not isinstance(obj, Path) or hasattr(PurePath, attr)
            safe = self._safe_attributes[key] = pure and super().is_safe_attribute(obj, attr, value)
        return safe


def make_environment(
    config: SiteConfig, theme: Theme, compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    env = Sandbox(
        loader=jinja2.FileSystemLoader([str(path) for path in theme.template_dirs]),
        bytecode_cache=compiled,
        # Anything but plain text and scripts is escaped, whatever a theme names its templates.
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml"), disabled_extensions=("txt", "js"), default=True
        ),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    lang = language(config.language)
    env.install_gettext_callables(lang.gettext, lang.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(interface_text(lang))
    env.globals.update(
        site=config,
        lang=lang,
        absolute=lambda path: absolute_url(config, path),
        entry_id=lambda path: entry_id(config, path),
        news_article=lambda article, page_path, tags=(): news_article(article, config, page_path, tags),
        kicker=lambda article, besides="": kicker(article, config, besides),
        credit_lines=credit_lines,
        standfirst=standfirst,
    )
    env.filters.update(
        date=lang.format_date,
        iso=lambda value: value.isoformat(),
        rfc3339=lambda article: article.published.isoformat(),
        month_name=lang.month_name,
        month_abbreviation=lang.month_abbreviation,
        time_of_day=lang.format_time,
        day_heading=lang.day_heading,
        reading_minutes=reading_minutes,
        safe_url=safe_url_filter,
        # A stylesheet's text inside <style>, which ends at the first "</style" whatever the CSS says.
        style_text=lambda css: Markup(str(css).replace("</", "<\\/")),
    )
    return env


def interface_text(lang: Language) -> dict[str, Callable[..., str]]:
    """Jinja's new-style `_`, `gettext` and `ngettext` (see jinja2.ext), which take the evaluation
    context instead of the whole context, and translate a message without placeholders once. Their
    parameters are positional only: a message's variables may have any name ({% trans count=n %}).

    Unlike Jinja's, the message itself is escaped too when autoescaping (no interface string holds
    markup): a theme that passes an article's field to `_` does not print it unescaped.

    Jinja makes a derived copy of the context at each call, inside a block or a loop, of a function
    that takes it, and the interface strings are in blocks: 1.3 s less CPU, of 16 s, to render
    10,000 articles."""
    translated: dict[tuple[str, bool], str] = {}

    @jinja2.pass_eval_context
    def gettext(eval_context: EvalContext, message: str, /, **variables: Any) -> str:
        key = (message, eval_context.autoescape)
        once = not variables and type(message) is str  # a literal of the template, not Markup
        if once and key in translated:
            return translated[key]
        text = lang.gettext(message)
        # Always a format string, as in Jinja ("%%" is "%"), its variables escaped when autoescaping.
        text = (escape(text) if eval_context.autoescape else text) % variables
        if once:
            translated[key] = text
        return text

    @jinja2.pass_eval_context
    def ngettext(eval_context: EvalContext, singular: str, plural: str, count: int, /, **variables: Any) -> str:
        variables.setdefault("num", count)
        text = lang.ngettext(singular, plural, count)
        return (escape(text) if eval_context.autoescape else text) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def links_from(page_path: str) -> Callable[[str], str]:
    """The page's `href`: a target (a path from the site root, maybe with #fragment) relative to
    the page at `page_path`. One per page rather than one that reads the page from the template's
    context: Jinja copies the context at each call of such a function in a block or a loop
    (0.8 s less CPU, of 16 s, to render 10,000 articles)."""
    folder = posixpath.dirname(page_path)

    def href(target: str) -> str:
        path, _, fragment = target.partition("#")
        relative = relative_path(path, folder)
        return f"{relative}#{fragment}" if fragment else relative

    return href


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


def kicker(article: Article, config: SiteConfig, besides: str = "") -> str:
    """The tag an article is shown under: its first `taxonomy:` topic (not hidden), else its first tag;
    never `besides`, the tag whose page lists it (which would only repeat the page's title)."""
    tags = [tag for tag in article.tags if tag != besides]
    for tag in tags:
        rule = config.taxonomy.get(tag)
        if rule is not None and not rule.hide:
            return tag
    return tags[0] if tags else ""


WORDS_PER_MINUTE = 220
"""An adult's silent reading speed for news prose (French and English alike, roughly)."""


def reading_minutes(article: Article) -> int:
    return max(1, round(len(article.text.split()) / WORDS_PER_MINUTE))


def standfirst(article: Article) -> str:
    """The summary, to show above the text; "" when it is only the text's opening words, which the
    reader is about to read (a summary the loader cut from the text, ending in "…")."""
    opening = article.summary.rstrip("…. ")
    return "" if not opening or " ".join(article.text[: len(opening) + 50].split()).startswith(
        " ".join(opening.split())) else article.summary


def credit_lines(article: Article) -> tuple[str, ...]:
    """The credit lines that say more than the byline: a line naming the source the byline already
    shows ("SOURCE WEB Par Atlas Info", "Source : Le Matin") is left out."""
    lines = (line.strip() for line in article.credit.split(CREDIT_SEPARATOR))
    source = fold(article.source.name)
    return tuple(line for line in lines if line and not (source and source in fold(line)))


def entry_id(config: SiteConfig, path: str) -> str:
    """A stable Atom id: the public URL when known, else a UUID derived from the site and path."""
    return absolute_url(config, path) or uuid.uuid5(uuid.NAMESPACE_URL, f"chronique:{config.title}/{path}").urn


# schema.org types of entity tags, by `TagRecord.kind`.
SCHEMA_TYPES = {"person": "Person", "place": "Place", "organisation": "Organization"}


def news_article(
    article: Article, config: SiteConfig, page_path: str, tags: Sequence[Summary] = ()
) -> dict[str, Any]:
    """schema.org NewsArticle for the page's JSON-LD block (serialised with `tojson`, which escapes
    "<", ">", "&" and "'" so that no tag name can end the script). `tags`, the article's tags with
    their origin and kind, make its topics what it is `about` and its names what it `mentions`."""
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
    topics = [{"@type": "Thing", "name": tag.name} for tag in tags if tag.origin != "entity"]
    names = [{"@type": SCHEMA_TYPES.get(tag.kind, "Thing"), "name": tag.name} for tag in tags if tag.origin == "entity"]
    if topics:
        data["about"] = topics
    if names:
        data["mentions"] = names
    return data


def collect_static(theme: Theme) -> Mapping[str, bytes]:
    """Theme assets under `static/`; a user's file replaces the built-in one of the same name."""
    assets: dict[str, bytes] = {}
    for folder in theme.static_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                assets["static/" + path.relative_to(folder).as_posix()] = path.read_bytes()
    return assets
