"""load: the content folder -> Article records (one reader per input shape).

The shape is told by the content, never the extension: front matter ("---", "+++",
or a Pelican "Title:" header), a saved HTML page, Markdown converted from a web page
("# Title"), else the press-archive text export.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from ..config import BOILERPLATE, Undated
from ..model import Article, InputError, Problem
from ..parallel import PARALLELISM, Parallelism, process_pool
from ..urls import make_slug
from .body import clean_source, html_text, summarise
from .boilerplate import drop_boilerplate
from .common import JEKYLL_NAME, Parsed, date_at
from .discover import ContentWalk, walk_content
from .encoding import Warnings, decode
from .fields import has_front_matter, read_front_matter
from .files import ContentFiles, NotReadable
from .limits import READ_BUDGET, OutOfTime, capped, check_elements, check_size, cpu_budget, tag_limit
from .press import read_press
from .sitelinks import resolve_site_links
from .webmarkdown import read_web_markdown

__all__ = ["Loaded", "ParseKey", "Seen", "load_archive", "read_article"]

_HTML_START = re.compile(r"<(?:!doctype|html|head|body|article)\b", re.IGNORECASE)
_BOM = "\ufeff"
RESERVED_SLUGS = frozenset({"index"})
DRAFTS_FOLDER = "_drafts"
"""Jekyll's folder of unpublished posts: what is in it is a draft."""
ParseKey = tuple[str, str]
"""(path relative to the content folder, sha256 of the reading rules and the file's bytes: see
`_content_digest`)."""


@dataclass(frozen=True, slots=True)
class Loaded:
    articles: tuple[Article, ...]
    """Sorted by origin path; slugs unique across the archive."""
    problems: tuple[Problem, ...]
    """One per rejected file, in path order."""
    skipped: tuple[Path, ...]
    """Files ignored on purpose (hidden, backups, other extensions), relative to the content folder."""
    parsed: Mapping[ParseKey, Article] = field(default_factory=dict)
    """Every article read, by path and content hash: what the next build may reuse."""
    seen: Mapping[str, Seen] = field(default_factory=dict, compare=False)
    """Each article file's stat and digest, by path: what the next build may trust without reading
    (bookkeeping, not part of what was loaded: it holds the times files were read)."""
    warnings: tuple[Problem, ...] = ()
    """What was wrong with files that were still read (`Article.warnings`), in path order."""


def _decode(path: Path, data: bytes) -> tuple[str, Warnings]:
    if not data.strip():
        raise InputError(path, 1, "empty file")
    text, warnings = decode(path, data)
    text = clean_source(text.removeprefix(_BOM)).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, 1, "empty file")
    return text, warnings


def _parse(path: Path, text: str) -> Parsed:
    lines = text.split("\n")
    if has_front_matter(lines):
        return read_front_matter(path, lines)
    if _HTML_START.match(text.lstrip()):
        from .html import read_html  # here: BeautifulSoup takes a fifth of a second to import

        return read_html(path, text)
    if text.lstrip().startswith("# "):
        return read_web_markdown(path, lines)
    return read_press(path, lines)


def read_article(
    relative: Path,
    data: bytes,
    boilerplate: Sequence[str] = BOILERPLATE,
    modified: datetime | None = None,
    warn_undated: bool = True,
) -> Article:
    """Parse one file's bytes into an Article (slug not yet unique across the archive).

    Pure: raises InputError(relative, line, message) for input it cannot accept, among which
    input past the bounds of `limits`. Paragraphs that are `boilerplate` (see
    `config.SiteConfig.boilerplate`) are removed. A file that gives no date is dated `modified`
    (its modification time) when given, with a warning when `warn_undated`; else it is refused.
    """
    check_size(relative, len(data))
    text, warnings = _decode(relative, data)
    check_elements(relative, text)
    try:
        parsed = _parse(relative, text)
    except RecursionError:
        # Markdown, YAML and HTML parsers recurse on nesting; a pathological file must not stop a build.
        raise InputError(relative, 1, "nested too deeply to read") from None
    jekyll = JEKYLL_NAME.fullmatch(relative.stem)
    published = parsed.date
    dated: tuple[tuple[int, str], ...] = ()
    if published is None and jekyll:
        published = date_at(relative, 1, jekyll.group("date"))
        if parsed.date_error:
            line, message = parsed.date_error
            dated = ((line, f"{message}; dated {jekyll.group('date')} by the file name instead"),)
    elif parsed.date_error:
        raise InputError(relative, *parsed.date_error)
    dated_by_file = published is None and modified is not None
    if published is None and modified is not None:
        published = modified
        if warn_undated:
            when = modified.strftime("%Y-%m-%d %H:%M")
            dated = ((1, f"no date found ({parsed.looked_for}): dated {when} UTC by the file's modification time"),)
    if published is None:
        raise InputError(relative, 1, f"no date found: {parsed.looked_for}")
    body_html, text = parsed.body_html, parsed.text
    if (kept := drop_boilerplate(body_html, text, boilerplate)) is not None:
        body_html, text = kept, html_text(kept)
    slug = parsed.slug or (make_slug(jekyll.group("slug")) if jekyll else "")
    slug = slug or make_slug(parsed.title) or make_slug(relative.stem) or "article"
    # Front matter has capped its own to MAX_TAGS, with a warning at their line.
    tags, too_many_tags = capped(parsed.tags, "tags", 1, tag_limit(parsed.body_html))
    authors, too_many_authors = capped(parsed.authors, "authors", 1)
    return Article(
        slug=slug,
        title=parsed.title,
        date=published,
        origin=relative,
        body_html=body_html,
        text=text,
        summary=parsed.summary or summarise(body_html),
        language=parsed.language,
        tags=tags,
        source=parsed.source,
        credit=parsed.credit,
        authors=authors,
        teasers=parsed.teasers,
        draft=parsed.draft or DRAFTS_FOLDER in relative.parts[:-1],
        aliases=parsed.aliases,
        extra_items=parsed.extra_items,
        warnings=warnings + dated + parsed.warnings + too_many_tags + too_many_authors,
        site_links=parsed.site_links,
        dated_by_file=dated_by_file,
    )


def number_contested_slugs(articles: list[Article]) -> list[Article]:
    """Earlier (date, origin) keeps a contested slug; later ones get -2, -3… never taking a slug in use."""
    # "index" belongs to the month archive that shares the article's folder (YYYY/MM/index.html).
    uses = Counter(article.slug for article in articles)
    contested = [article for article in articles if uses[article.slug] > 1 or article.slug in RESERVED_SLUGS]
    if not contested:
        return articles
    # Only articles of one slug compete: "a-2" can only come from "a" (the number has no hyphen), and
    # every slug in use is taken before any is given, so one slug's articles are sorted, not all.
    taken = set(uses) | RESERVED_SLUGS
    owners: set[str] = set(RESERVED_SLUGS)
    renamed: dict[Path, str] = {}
    # Numbers below the last one given for a slug are all taken: the next search starts after it,
    # so that thousands of articles of one title are numbered in linear time, not quadratic.
    next_number: dict[str, int] = {}
    for article in sorted(contested, key=lambda item: (item.published, item.origin.parts)):
        if article.slug not in owners:
            owners.add(article.slug)
            continue
        number = next_number.get(article.slug, 2)
        while f"{article.slug}-{number}" in taken:
            number += 1
        renamed[article.origin] = f"{article.slug}-{number}"
        taken.add(renamed[article.origin])
        next_number[article.slug] = number + 1
    return [
        replace(article, slug=renamed[article.origin]) if article.origin in renamed else article for article in articles
    ]


RACY_NS = 2_000_000_000
"""A file modified less than this before it was read may be modified again within the same
modification time (coarse clocks, some file systems): its stat is not trusted, it is read again
(git's "racy" files). `BuildRequest.racy_ns` and the `racy_ns` parameters default to it."""


class Seen(NamedTuple):
    """A file as a build last read it: its stat, and the digest of the bytes it then held."""

    mtime_ns: int
    ctime_ns: int
    """The inode's change time, which no one can set back (`touch -d`, `tar x` and `cp -p` set the
    modification time back): with it, other bytes of the same size under an old date are read."""
    size: int
    digest: str
    read_ns: int
    """When it was read (time.time_ns)."""

    def vouches_for(self, status: os.stat_result, racy_ns: int = RACY_NS) -> bool:
        """Whether a file with this stat still holds the bytes read then: the stat is the same, and
        the file had not changed for `racy_ns` when it was read."""
        same = (self.mtime_ns, self.ctime_ns, self.size) == (status.st_mtime_ns, status.st_ctime_ns, status.st_size)
        return same and settled(self.mtime_ns, self.ctime_ns, self.read_ns, racy_ns)


def settled(mtime_ns: int, ctime_ns: int, at_ns: int, racy_ns: int = RACY_NS) -> bool:
    """Whether a file last changed at these times had been still for `racy_ns` at `at_ns`, so that
    any later change gives it another stat."""
    return at_ns - max(mtime_ns, ctime_ns) > racy_ns


def load_archive(
    content_dir: Path,
    known: Mapping[ParseKey, Article] | None = None,
    language: str = "fr",
    seen: Mapping[str, Seen] | None = None,
    follow_symlinks: bool = False,
    budget: float = READ_BUDGET,
    boilerplate: Sequence[str] = BOILERPLATE,
    undated: Undated = "warn-and-keep",
    parallelism: Parallelism = PARALLELISM,
    racy_ns: int = RACY_NS,
    walk: ContentWalk | None = None,
) -> Loaded:
    """Read every article file under `content_dir`; bad files become Problems, never exceptions.

    Each article comes with its `Analysis`, its stems read as its own language, else `language`.
    Files whose path and bytes are in `known` (the previous build's `Loaded.parsed`, read with the
    same `language`) are not parsed again; a large number of new files is parsed on every core.
    A file whose modification time, change time and size are those `seen` (the previous build's
    `Loaded.seen`) recorded is not even read, as git trusts its index, unless it was read within
    `racy_ns` of a change. `walk` is the build's walk of `content_dir` (see `discover.walk_content`),
    made for its survey; None: walked here.
    Only regular files are read, and only those inside `content_dir` unless `follow_symlinks`
    (symbolic links to files elsewhere); any other article file is a Problem. Each file may take
    `budget` CPU seconds to read (see `limits.cpu_budget`). `boilerplate` and `undated` are
    site.yaml's (see `config.SiteConfig`): an article dated by its file's modification time is
    never reused by its bytes alone, as its date is not in them. `parallelism.parse_from`: from how
    many files to parse a pool of processes parses them.
    """
    known, seen = known or {}, seen or {}
    walk = walk or walk_content(content_dir, follow_symlinks)
    found, files = walk.found, walk.files
    outcomes: dict[str, Article | Problem] = {}
    parsed: dict[ParseKey, Article] = {}
    now_seen: dict[str, Seen] = {}
    known_paths = {posix for posix, _ in known}
    rules = _Rules(language, budget, tuple(boilerplate), undated == "warn-and-keep", undated == "skip")
    to_parse: list[tuple[str, str, ContentFiles, _Rules]] = []
    for posix in found.articles:
        try:
            path, status = walk.look(posix)
            before = seen.get(posix)
            if (
                before is not None
                and before.vouches_for(status, racy_ns)
                and (posix, before.digest) in known
            ):
                now_seen[posix] = before
                outcomes[posix] = parsed[posix, before.digest] = known[posix, before.digest]
                continue
            check_size(Path(posix), status.st_size)  # before reading it
            if posix in known_paths:  # only then may its bytes be some already parsed
                _, now_seen[posix] = _read(files, posix, path, rules)
                key = (posix, now_seen[posix].digest)
                if key in known:
                    outcomes[posix] = parsed[key] = known[key]
                    continue
        except (NotReadable, InputError, OSError) as error:
            outcomes[posix] = _refusal(posix, error)
            continue
        # Read again where it is parsed: this process never holds the bytes of all the files to
        # parse at once (at 100,000 articles, 764 MB held while the pool parsed them).
        to_parse.append((posix, path, files, rules))
    for (posix, *_), (outcome, read_as) in zip(
        to_parse, _parse_all(to_parse, parallelism.parse_from), strict=True
    ):
        outcomes[posix] = outcome
        if read_as is not None:
            now_seen[posix] = read_as
            if isinstance(outcome, Article) and not outcome.dated_by_file:
                parsed[posix, outcome.digest] = outcome

    # By path, as PurePath orders them: part by part (parts compare in C, paths in Python).
    articles = sorted((item for item in outcomes.values() if isinstance(item, Article)), key=lambda a: a.origin.parts)
    problems = [
        Problem(content_dir / item.path, item.line, item.message)
        for item in outcomes.values()
        if isinstance(item, Problem)
    ]
    problems += [
        Problem(content_dir / folder, 1, f"cannot read folder: {reason}") for folder, reason in found.unreadable
    ]
    problems.sort(key=lambda problem: problem.path)
    articles = resolve_site_links(number_contested_slugs(articles))
    warnings = tuple(
        Problem(content_dir / article.origin, line, message)
        for article in articles
        for line, message in article.warnings
    )
    return Loaded(tuple(articles), tuple(problems), found.skipped, parsed, now_seen, warnings)


def _content_digest(boilerplate: Sequence[str], data: bytes) -> str:
    """What an article read from `data` depends on besides the code and the site's language: the
    bytes, and the boilerplate phrases removed from them."""
    digest = hashlib.sha256(repr(tuple(boilerplate)).encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def modification_time(mtime_ns: int) -> datetime:
    """A file's modification time as an article date: in UTC, to the second."""
    return datetime.fromtimestamp(mtime_ns // 1_000_000_000, UTC)


class _Rules(NamedTuple):
    """How every file of one build is read (see `load_archive`)."""

    language: str
    budget: float
    boilerplate: tuple[str, ...]
    warn_undated: bool
    skip_undated: bool


def _read(files: ContentFiles, posix: str, path: str, rules: _Rules) -> tuple[bytes, Seen]:
    """The bytes of the article file `posix` (opened at `path`), and what the next build may trust of it."""
    read_ns = time.time_ns()
    data, status = files.read(path)
    digest = _content_digest(rules.boilerplate, data)
    return data, Seen(status.st_mtime_ns, status.st_ctime_ns, status.st_size, digest, read_ns)


def _refusal(posix: str, error: Exception) -> Problem:
    if isinstance(error, InputError):
        return error.problem
    if isinstance(error, OSError):
        return Problem(Path(posix), 1, f"cannot read file: {error.strerror or error}")
    return Problem(Path(posix), 1, str(error))


def _parse_all(
    files: list[tuple[str, str, ContentFiles, _Rules]], parse_from: int
) -> list[tuple[Article | Problem, Seen | None]]:
    """Read and parse each file (see `_read_and_parse`); on every core from `parse_from` files
    (see `Parallelism.parse_from`)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < parse_from or workers < 2:
        return [_read_and_parse(*file) for file in files]
    with process_pool(workers) as pool:
        # Small chunks, so that both cores work to the end: at 10,000 files, chunks of 625 (a second
        # and more of work each) left one core idle for the last 0.4-2.8 s of the stage; chunks of 64
        # (a tenth of a second), 0.02 s, for a few tenths of a second more of this process's CPU.
        chunk = max(1, min(64, len(files) // (workers * 8)))
        return pool.starmap(_read_and_parse, files, chunksize=chunk)


def _read_and_parse(
    posix: str, path: str, files: ContentFiles, rules: _Rules
) -> tuple[Article | Problem, Seen | None]:
    """The article read from the file `posix` (or why not), and what was read, in at most
    `rules.budget` CPU seconds."""
    try:
        data, seen = _read(files, posix, path, rules)
    except (NotReadable, OSError) as error:
        return _refusal(posix, error), None
    modified = None if rules.skip_undated else modification_time(seen.mtime_ns)
    return _parse_one(Path(posix), data, seen.digest, modified, rules), seen


def _parse_one(relative: Path, data: bytes, digest: str, modified: datetime | None, rules: _Rules) -> Article | Problem:
    from ..analysis import analyse  # here, so that a build with nothing new never imports it

    try:
        with cpu_budget(rules.budget):
            article = read_article(relative, data, rules.boilerplate, modified, rules.warn_undated)
            # Stemmers are named by language ("en"), not by region ("en-GB").
            analysis = analyse(article.title, article.text, article.language.split("-")[0].lower() or rules.language)
    except InputError as exc:
        return exc.problem
    except OutOfTime:
        return Problem(relative, 1, f"took longer than {rules.budget:g} s to read")
    if article.dated_by_file:  # its date is not in its bytes: neither is its digest
        digest = hashlib.sha256(f"{digest}\0{article.date.isoformat()}".encode()).hexdigest()
    return replace(article, analysis=analysis, digest=digest)
