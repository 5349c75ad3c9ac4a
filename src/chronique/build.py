"""The whole pipeline on one screen: load, enrich, plan, render, write."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .cache import (
    BuildMemory,
    PlannedArticles,
    compiled_templates,
    enrich_cached,
    keep_search_state,
    search_state,
    write_parsed,
)
from .config import SiteConfig, find_config, load_config
from .fingerprint import fingerprint_pages
from .inputs import BuildInputs, BuildOptions
from .load import RACY_NS, Loaded, ParseKey, Seen, load_archive
from .load.discover import ContentWalk, walk_content
from .model import Archive, Article, InputError, Problem
from .parallel import PARALLELISM, Parallelism, gc_paused
from .plan import Page, PathCollision, alias_pages, article_pages, check_unique, plan_site
from .render import THEME_PARTS, Progress, Theme, collect_static, render_site, theme_folder, theme_for
from .schedule import drafts_left_out, empty_bodies, fell_due, first_release, held_back, publishable
from .seal import Seal, default_key_file
from .uptodate import outputs_intact
from .write import (
    WRITE_STEPS,
    BuiltFrom,
    Manifest,
    Staging,
    UnsafeOutput,
    WriteReport,
    WriteSteps,
    check_output_dir,
    clear_interrupted_staging,
    read_manifest,
    up_to_date,
)

if TYPE_CHECKING:  # imported when there is work (numpy and the stemmers)
    from .search_index import SearchIndex

T = TypeVar("T")
CACHE_NAME = ".chronique-cache"


@dataclass(frozen=True, slots=True)
class BuildRequest:
    content: Path = Path("seeds")
    output: Path = Path("site")
    config: Path | None = None
    """site.yaml; None: the one in the content folder, else in its parent, else in the working
    directory (`config.find_config`)."""
    strict: bool = False
    clean: bool = False
    """Ignore the cache: parse and render everything again."""
    cwd: Path = field(default_factory=Path.cwd)
    force: bool = False
    """Write into an output folder that holds files but no Chronique site."""
    future: bool = False
    """Publish articles dated after `now` too."""
    now: datetime | None = None
    """The build's time, which articles dated after are held back; None: the current time."""
    key_file: Path | None = field(default_factory=default_key_file)
    """The secret key that seals the cache (see `seal`); None: no cache across runs."""
    follow_symlinks: bool = False
    """Read articles that are symbolic links to files outside the content folder (by default only
    links to files inside it are followed)."""
    theme: Path | None = None
    """The folder of the site's templates/ and static/; None: site.yaml's `theme:`, else beside site.yaml,
    else beside the content folder (see `render.theme_folder`)."""
    cache_folder: Path | None = None
    """Where the build keeps what it may reuse; None: `.chronique-cache` in the project folder (see
    `project`), never beside the content folder, which may be read-only or shared."""
    drafts: bool = False
    """Publish drafts too (`draft: true`), as `serve` does."""
    parallelism: Parallelism = PARALLELISM
    """From how much work each stage uses other cores (tests lower it to try the parallel paths)."""
    write_steps: WriteSteps = WRITE_STEPS
    """How the writer puts each file in place (tests interrupt it)."""
    racy_ns: int = RACY_NS
    """How long an article file must have been still for its stat to stand for its bytes (see
    `load.RACY_NS`); tests shorten it rather than wait."""
    search_tail: int | None = None
    """The newest articles whose search postings every build works out again (None:
    `search_index.REWORKED_TAIL`); tests lower it to reuse the rest on small archives."""

    def config_file(self) -> Path | None:
        return self.config or find_config(self.content, self.cwd)

    def site_config(self) -> SiteConfig:
        return load_config(self.config_file())

    def theme_dir(self, config: SiteConfig) -> Path:
        return theme_folder(self.content, self.config_file(), config.theme, self.theme)

    def site_theme(self, config: SiteConfig) -> Theme:
        return theme_for(self.theme_dir(config), self.content)

    def inputs(self, config: SiteConfig, theme: Theme) -> BuildInputs:
        """What a build of this request reads (see `inputs`), with its site.yaml and theme."""
        options = BuildOptions(self.strict, self.future, self.drafts, self.follow_symlinks)
        return BuildInputs(config, theme, self.content, options, self.racy_ns)

    def seal(self) -> Seal:
        """What seals the cache; none (no cache across runs) when the key would lie in a folder of
        the build, where an archive could bring a key of its own."""
        key_file = self.key_file
        if key_file is None:
            return Seal(None)
        folders = (self.content, self.cache, self.output)
        if any(key_file.resolve().is_relative_to(folder.resolve()) for folder in folders):
            return Seal(None)
        return Seal.from_key_file(key_file)

    def time(self) -> datetime:
        """`now` as an aware date-time (a naive one is local time)."""
        return (self.now or datetime.now()).astimezone()

    def read_content(
        self,
        config: SiteConfig,
        parsed: Mapping[ParseKey, Article],
        seen: Mapping[str, Seen],
        walk: ContentWalk | None = None,
    ) -> Loaded:
        """The content folder read as this request and `config` ask: a build, and the commands that
        explain one (`chronique related`, `chronique tags`), read it alike."""
        return load_archive(
            self.content,
            parsed,
            config.language,
            seen,
            self.follow_symlinks,
            boilerplate=config.boilerplate,
            undated=config.undated,
            parallelism=self.parallelism,
            racy_ns=self.racy_ns,
            walk=walk,
        )

    @property
    def project(self) -> Path:
        """The folder of site.yaml when it lies outside the content folder, else the working directory."""
        config = self.config_file()
        if config is not None and not config.resolve().is_relative_to(self.content.resolve()):
            return config.parent
        return self.cwd

    @property
    def cache(self) -> Path:
        return self.cache_folder or self.project / CACHE_NAME


@dataclass(frozen=True, slots=True)
class BuildReport:
    articles: int
    pages: int
    rendered: int
    files: WriteReport
    problems: tuple[Problem, ...]
    """Files skipped."""
    timings: tuple[tuple[str, float], ...]
    held_back: int = 0
    """Articles dated in the future, left out (see `BuildRequest.future`)."""
    warnings: tuple[Problem, ...] = ()
    """What was wrong with articles that were still published (see `Loaded.warnings`), articles
    left out for their empty body, and theme folders found in the content folder, which are not
    used (see `render.theme_for`)."""
    drafts: int = 0
    """Drafts left out (see `BuildRequest.drafts`)."""

    def summary(self, output: Path, seconds: float) -> str:
        """The build in one line: what was read, what the output folder holds, what this build did."""
        files = self.files
        done = [count(self.rendered, "page") + " rendered", count(files.written, "file") + " written"]
        if files.deleted:
            done.append(f"{files.deleted} deleted")
        did = ", ".join(done) if self.rendered or files.written or files.deleted else "up to date"
        warnings = count(len(self.problems) + len(self.warnings), "warning")
        return f"{count(self.articles, 'article')} read, {count(self.pages, 'file')} in {output}/: {did}, " \
               f"{warnings}, {seconds:.2f} s"

    def left_out(self) -> list[str]:
        """What was not published and how to publish it."""
        lines = []
        if self.held_back:
            lines.append(f"{count(self.held_back, 'future article')} not published (--future to include)")
        if self.drafts:
            lines.append(f"{count(self.drafts, 'draft')} not published (--drafts to include)")
        return lines


def count(number: int, noun: str) -> str:
    """"1 warning", "2 warnings", "0 warnings"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class BuildFailed(Exception):
    """Strict mode met bad input: nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = tuple(problems)


BUILD_ERRORS = (InputError, UnsafeOutput, PathCollision, OSError)
"""What a build raises, besides `BuildFailed`, for input it cannot use or an output it may not write."""


def failure_message(error: Exception) -> str:
    """The one line that reports one of `BUILD_ERRORS`: `path:line: message` for bad input."""
    if isinstance(error, InputError):
        return str(error.problem)
    if isinstance(error, OSError):
        if error.filename is None:  # the writers name their file: this is a bug, still worth one line
            return f"chronique: {error.strerror or error}"
        names = " -> ".join(str(name) for name in (error.filename, error.filename2) if name is not None)
        return f"chronique: {names}: {error.strerror or error}"
    return f"chronique: {error}"


def check_content(content: Path) -> None:
    """Raise OSError naming the content folder when it cannot be listed (rather than a file in it)."""
    try:
        os.scandir(content).close()
    except OSError as error:
        raise OSError(error.errno, f"cannot read the content folder: {error.strerror}", str(content)) from None


def check_output(request: BuildRequest, theme: Theme) -> None:
    """Raise UnsafeOutput for an output folder a build must not write into (see `check_output_dir`):
    among others, the folders of `theme`, and those a theme may yet be put in (an output named
    static/ would be taken for one by the next build, and copied into itself)."""
    cache, content = request.cache.resolve(), request.content.resolve()
    if cache == content or cache.is_relative_to(content):
        raise UnsafeOutput(f"the cache folder {request.cache} must not be inside the content folder {request.content} "
                           "(content is only read): pass --cache FOLDER, or set cache: in site.yaml")
    config = request.config_file()
    projects = {request.content.parent, *([config.parent] if config else [])}
    theme_dirs = {*theme.template_dirs, *theme.static_dirs}
    theme_dirs.update(folder / name for folder in projects for name in THEME_PARTS)
    check_output_dir(
        request.output,
        request.content,
        request.cwd,
        sorted(theme_dirs),
        request.cache,
        manifest_path(request),
        request.force,
    )


@gc_paused
def build_site(
    request: BuildRequest, progress: Progress = lambda pages: pages, memory: BuildMemory | None = None
) -> BuildReport:
    """Build the site. A long-lived caller (the preview server) passes the same `memory` to each
    build, which then reuses the previous build's results without reading the cache. A build with
    nothing in memory surveys its inputs first (see `inputs`) and stops there when nothing changed
    since the last build (see `uptodate`); the preview server's later builds follow a change and
    skip the survey."""
    clock = _StageClock()
    check_content(request.content)
    config = request.site_config()
    theme = request.site_theme(config)
    check_output(request, theme)
    clear_interrupted_staging(request.output, everywhere=request.clean)
    seal, now = request.seal(), request.time()
    inputs = request.inputs(config, theme)
    environment = inputs.environment()
    manifest, built_from = read_manifest(manifest_path(request))
    first = memory is None or not memory.language
    # The one walk of the content folder: surveyed, then read by the loader if anything changed.
    walk = walk_content(request.content, request.follow_symlinks) if first else None
    survey = inputs.survey(walk, environment) if walk else None
    if (
        built_from
        and built_from.inputs == survey
        and not fell_due(built_from.release, now)
        and not request.clean
        and outputs_intact(request.output, manifest)
    ):
        clock.lap("check", None)
        return _nothing_changed(built_from, manifest, clock.laps())
    if memory is None or request.clean:
        memory = BuildMemory()
    if memory.language != config.language:
        memory.recall(request.cache if not request.clean else None, config.language, seal)
    loaded = clock.lap("load", request.read_content(config, memory.parsed, memory.seen, walk))
    if request.strict and loaded.problems:
        raise BuildFailed(loaded.problems)
    held = [] if request.future else held_back(loaded, now, request.drafts)
    published = publishable(loaded, None if request.future else now, request.drafts)
    archive = clock.lap(
        "enrich",
        enrich_cached(published, config, request.cache, memory, seal, not request.clean, request.parallelism),
    )
    assets = collect_static(theme)
    pages = plan_site(archive, config, assets.get("static/style.css", b"").decode("utf-8", "replace"))
    redirects, bad_aliases = alias_pages(archive.articles, pages, request.content)
    pages = clock.lap("plan", (*pages, *redirects))
    taken = [*assets, *(page.path for page in pages)]
    check_unique(taken)
    fingerprints = fingerprint_pages(pages, environment)
    unchanged = {} if request.clean else _unchanged_outputs(request, manifest, pages, fingerprints)
    stale = [page for page in pages if page.path not in unchanged]
    compiled = None if request.clean else compiled_templates(request.cache, seal)
    warnings = (
        *loaded.warnings, *empty_bodies(loaded, request.content, request.drafts), *bad_aliases, *theme.warnings
    )
    drafts = drafts_left_out(loaded, request.drafts)
    made_from = (
        BuiltFrom(survey, len(archive.articles), loaded.problems, warnings, len(held), first_release(held, now), drafts)
        if survey
        else None
    )
    with Staging(request.output, manifest, request.write_steps) as staging:  # written as made, in place at commit
        staging.put_all(assets.items())
        clock.lap("render", render_site(stale, config, theme, staging, progress, compiled, request.parallelism))
        search = _search_index(request, archive, config, memory, seal, environment, manifest)
        check_unique([*search.files, *search.kept, *taken])
        fingerprints.update(search.fingerprints)
        unchanged.update((path, manifest[path]) for path in search.kept)
        clock.lap("search", staging.put_all(search.files.items()))
        del search  # staged: not held through the commit (half a gigabyte at 100,000 articles)
        written = clock.lap(
            "write", staging.commit(unchanged, manifest_path(request), fingerprints, made_from)
        )
    write_parsed(request.cache, config.language, loaded, memory.parsed, memory.seen, seal)
    memory.parsed, memory.seen = dict(loaded.parsed), dict(loaded.seen)
    memory.planned = PlannedArticles(environment, archive.articles, article_pages(pages))
    return BuildReport(
        articles=len(archive.articles),
        pages=written.written + written.unchanged,
        rendered=len(stale),
        files=written,
        problems=loaded.problems,
        timings=clock.laps(),
        held_back=len(held),
        warnings=warnings,
        drafts=drafts,
    )


def changed_since_last_build(request: BuildRequest) -> bool:
    """Whether the inputs are no longer those the last build recorded (see `uptodate`); True when
    that cannot be told (no record, a file changed a moment ago, a site.yaml that does not load).
    The preview server asks once its watcher runs, for an edit made during its first build."""
    try:
        config = request.site_config()
        theme = request.site_theme(config)
        walk = walk_content(request.content, request.follow_symlinks)
    except BUILD_ERRORS:
        return True
    _, built_from = read_manifest(manifest_path(request))
    inputs = request.inputs(config, theme)
    survey = inputs.survey(walk, inputs.environment())
    if survey is None or built_from is None:
        return True
    return built_from.inputs != survey or fell_due(built_from.release, request.time())


def warm_up(request: BuildRequest, memory: BuildMemory) -> None:
    """Import what a rebuild after an edit needs and a build with nothing new never imports (the
    analysis and enrich modules: NumPy, SciPy, the stemmers), and read the parse cache into `memory`
    when the first build stopped after its survey. A long-lived process calls it after its first
    build, so that its first rebuild does not spend a second and a half on them."""
    from . import analysis, enrich  # noqa: F401

    if not memory.language:
        try:
            language = request.site_config().language
        except BUILD_ERRORS:  # the next build reports it
            return
        memory.recall(request.cache, language, request.seal())


def _search_index(
    request: BuildRequest,
    archive: Archive,
    config: SiteConfig,
    memory: BuildMemory,
    seal: Seal,
    environment: str,
    manifest: Manifest,
) -> SearchIndex:
    """The search index, made from what the last build kept of it (see `search_index`) unless clean."""
    from .search_index import build_search_index  # numpy and the stemmers: only when there is work

    return build_search_index(
        archive.articles,
        config,
        previous=None if request.clean else search_state(request.cache, config, memory, seal),
        environment=environment,
        on_disk=lambda path, fingerprint: not request.clean and up_to_date(request.output, manifest, path, fingerprint),
        tail=request.search_tail,
        keep=lambda state: keep_search_state(request.cache, state, memory, seal),
    )


def _unchanged_outputs(
    request: BuildRequest, manifest: Manifest, pages: Sequence[Page], fingerprints: dict[str, str]
) -> Manifest:
    """Pages whose file was rendered from the same inputs and is still on disk as it was written."""
    return {
        page.path: manifest[page.path]
        for page in pages
        if up_to_date(request.output, manifest, page.path, fingerprints[page.path])
    }


def _nothing_changed(built_from: BuiltFrom, manifest: Manifest, timings: tuple[tuple[str, float], ...]) -> BuildReport:
    """The report of a build with the inputs of the last one, whose outputs are all in place."""
    return BuildReport(
        articles=built_from.articles,
        pages=len(manifest),
        rendered=0,
        files=WriteReport(written=0, unchanged=len(manifest), deleted=0),
        problems=built_from.problems,
        timings=timings,
        held_back=built_from.held_back,
        warnings=built_from.warnings,
        drafts=built_from.drafts,
    )


def manifest_path(request: BuildRequest) -> Path:
    """One manifest per output folder, so building to two folders never deletes across them."""
    key = hashlib.sha256(str(request.output.resolve()).encode()).hexdigest()[:16]
    return request.cache / f"manifest-{key}.json"


class _StageClock:
    def __init__(self) -> None:
        self._start = time.perf_counter()
        self._laps: list[tuple[str, float]] = []

    def lap(self, stage: str, result: T) -> T:
        now = time.perf_counter()
        self._laps.append((stage, now - self._start))
        self._start = now
        return result

    def laps(self) -> tuple[tuple[str, float], ...]:
        return tuple(self._laps)
