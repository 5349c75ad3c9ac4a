"""What a build reads: the one declaration its survey, cache keys and page fingerprints follow from.

A build reads these inputs, and nothing else (`BuildInputs`):

- **the code**: Chronique's own source and the installed version of each library it requires
  (`code_version`: a new Markdown or nh3 may turn the same file into other HTML);
- **site.yaml**, as validated (`config.SiteConfig` in its JSON form: a comment or the order of
  keys changes nothing);
- **the theme**: each file of its templates/ and static/ folders, path and bytes (few and small),
  the folders themselves (`--theme`, site.yaml's `theme:`), and the warnings about theme folders
  found in the content folder;
- **each article file**: its path in the content folder, the path read (a symbolic link's target),
  and its stat (modification and change time, size, inode), which stands for its bytes once the
  file has been still for `racy_ns` (two seconds, git's rule; the change time is what no one can
  set back); the files and folders skipped or unreadable. The content folder is walked once
  (`load.discover.walk_content`); the loader reads that walk;
- **the options that change the output**: `strict`, `future`, `drafts`, `follow_symlinks`, and the
  content folder as given (problems are reported with paths under it) and resolved;
- **the clock**: an article dated after the build's time is held back; the build records when the
  first of them falls due (`write.BuiltFrom.release`), and from then on the same inputs make
  another site (`schedule.fell_due`).

From it follow:

- **the survey** (`BuildInputs.survey`): a digest of all of it but the clock, recorded in the
  output folder's manifest. A build whose survey and release match the last build's, and whose
  outputs are all as that build wrote them (`uptodate.outputs_intact`), stops there. None when a
  file changed too recently for its stat to vouch for its bytes: then nothing is recorded.
- **the environment** (`BuildInputs.environment`): the code, site.yaml and templates, the part of
  every page fingerprint that is not in the page's context (`fingerprint.fingerprint_pages` digests
  the context itself: the records a page is rendered from, static/style.css among them, so no page
  declares its dependencies by hand).
- **the cache keys**: parse results are kept per code version and site language
  (`cache.read_parsed`), each under its path and a digest of its bytes and site.yaml's
  `boilerplate` (`load._content_digest`); a file whose stat is the one recorded when it was read
  (`load.Seen`) is not read again; the whole-archive step is reused when `enrich_key` is the same;
  compiled templates are kept per code version (Jinja itself checks each template's source); the
  search index's postings are reused under `search_key` (code and site.yaml) as far as the articles
  they were made of, oldest first, have the same `article_search_key` (`search_index.SearchState`).
- **the search fragments' fingerprints** (`search_index.fragment_fingerprint`): the environment, the
  article's number, `article_search_key`, slug and date; a fragment on disk as made from the same
  fingerprint is not made again (as a page, `write.up_to_date`).

Two checks follow no declaration, on purpose: each output file is recorded in the manifest with
its size and modification time, so that a file edited or deleted by hand is written again
(`write.up_to_date`), and only files whose bytes differ are written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from . import __version__
from .config import SiteConfig
from .load import RACY_NS, settled
from .load.discover import ContentWalk
from .load.files import NotReadable
from .model import Article
from .render import Theme

PACKAGE = Path(__file__).resolve().parent
Update = Callable[[bytes], object]


@cache
def code_version() -> str:
    """Changes whenever Chronique's code or a library it requires does, so that no cache outlives
    the code that wrote it (a new Markdown or nh3 may turn the same file into other HTML)."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(PACKAGE.rglob("*.py")):
        digest.update(source.relative_to(PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    for name, version in library_versions():
        digest.update(f"\0{name}=={version}".encode())
    return digest.hexdigest()


def library_versions() -> list[tuple[str, str]]:
    """The installed version of each library Chronique requires, as its package metadata lists them."""
    try:
        required = metadata.requires("chronique") or []
    except metadata.PackageNotFoundError:  # run from a checkout never installed: its code alone keys the cache
        return []
    names = sorted({_NOT_IN_NAME.split(line, maxsplit=1)[0].lower() for line in required if "extra ==" not in line})
    versions: list[tuple[str, str]] = []
    for name in names:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "missing"))
    return versions


_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9._-]")
"""Ends the distribution name a requirement line ("numpy>=1.26") starts with."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """The options of a build that change what it makes of the same files."""

    strict: bool = False
    future: bool = False
    drafts: bool = False
    follow_symlinks: bool = False


@dataclass(frozen=True, slots=True)
class BuildInputs:
    """What one build of `content` reads (see the module's docstring); the article files are
    given by the build's walk of the content folder."""

    config: SiteConfig
    theme: Theme
    content: Path
    options: BuildOptions
    racy_ns: int = RACY_NS
    """How long a file must have been still for its stat to stand for its bytes."""

    def environment(self) -> str:
        """The digest of the code, site.yaml and templates: what every page is rendered with."""
        digest = hashlib.sha256(code_version().encode())
        digest.update(self.config.model_dump_json().encode())
        for folder in self.theme.template_dirs:
            digest_folder(digest.update, folder)
        return digest.hexdigest()

    def survey(self, walk: ContentWalk, environment: str) -> str | None:
        """A digest of every input but the clock, with `environment` (see `environment`) and the
        article files as `walk` found them; None when a file changed within `racy_ns` of the walk.
        Opens no article file (a named pipe would block)."""
        options = self.options
        described = f"{options.strict}\0{options.follow_symlinks}\0{options.future}\0{options.drafts}"
        # The folder as given too: problems are reported with paths under it.
        digest = hashlib.sha256(f"{environment}\0{self.content}\0{self.content.resolve()}\0{described}".encode())
        for folder in self.theme.static_dirs:
            digest_folder(digest.update, folder)
        for warning in self.theme.warnings:  # a templates/ folder put in the content folder is reported
            digest.update(f"\0{warning}".encode())
        for posix, looked in walk.looked.items():
            if isinstance(looked, NotReadable):  # the same refusal, the same warning
                digest.update(f"\0{posix}\0refused\0{looked}".encode())
                continue
            if isinstance(looked, OSError):
                return None
            path, status = looked
            if not settled(status.st_mtime_ns, status.st_ctime_ns, walk.at_ns, self.racy_ns):
                return None
            # The path read: a symbolic link may be pointed at another file of the same stat.
            digest.update(
                f"\0{posix}\0{path}\0{status.st_mtime_ns}\0{status.st_ctime_ns}\0{status.st_size}"
                f"\0{status.st_ino}".encode()
            )
        found = walk.found
        for path in (*found.skipped, *(folder for folder, _ in found.unreadable)):
            digest.update(b"\0skipped\0" + path.as_posix().encode())
        return digest.hexdigest()


def enrich_key(articles: Iterable[Article], config: SiteConfig) -> str:
    """A digest of everything `enrich` reads: the code, site.yaml, and each article, which is a pure
    function of its path and bytes (`Article.digest`) but for the slug given it at load."""
    digest = hashlib.sha256(f"{code_version()}\0{config.model_dump_json()}".encode())
    for origin, content, slug in sorted((str(article.origin), article.digest, article.slug) for article in articles):
        digest.update(f"\0{origin}\0{content}\0{slug}".encode())
    return digest.hexdigest()


def search_key(config: SiteConfig) -> str:
    """A digest of what the search index reads besides its articles: the code and site.yaml."""
    return hashlib.sha256(f"{code_version()}\0{config.model_dump_json()}".encode()).hexdigest()


def article_search_key(article: Article) -> str:
    """What the search index reads of an article but its slug and date: the file's bytes
    (`Article.digest`, which fixes title, text, summary, source and language) and its tags, which
    enrich may change; "" when the digest is unknown (nothing can then be reused)."""
    if not article.digest:
        return ""
    return f"{article.digest}{article.tags!r}"


def digest_folder(update: Update, folder: Path) -> None:
    """Feed `folder`'s name, then each file under it, path and bytes, in path order."""
    update(b"\0dir" + str(folder).encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            update(b"\0" + path.relative_to(folder).as_posix().encode() + b"\0")
            update(path.read_bytes())
