"""Command line: `chronique build` (the default of `python build.py`), `init`, `new`, `serve`, `related`,
`tags`, `check`.

Bad input never ends in a traceback: each problem is one `path:line: message`
line on stderr and the exit status says whether the site was written.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import __version__
from .build import (
    BUILD_ERRORS,
    BuildFailed,
    BuildReport,
    BuildRequest,
    build_site,
    check_content,
    check_output,
    count,
    failure_message,
)
from .cache import read_parsed
from .config import SiteConfig
from .model import Archive, InputError, Problem, printable
from .new import create_article
from .plan import Page
from .project import NoProject, ProjectExists, ProjectPaths, create_project, project_paths
from .schedule import publishable
from .scoring import COMPONENTS

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_PIPE = 141  # as a shell reports a command ended by SIGPIPE
FOLLOW_HELP = "also read articles that are symbolic links to files outside the content folder"
THEME_HELP = "folder of your templates/ and static/ (default: theme: in site.yaml, else beside site.yaml)"
CONTENT_HELP = "folder of articles (default: content: in site.yaml, else seeds)"
CONFIG_HELP = (
    "site.yaml (default: the one in --content's folder or its parent, else ./site.yaml, "
    "else the one in seeds/)"
)
CACHE_HELP = "folder of the build cache (default: cache: in site.yaml, else .chronique-cache beside site.yaml or here)"


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="chronique", description="Static site generator for news archives.")
    root.add_argument("--version", action="version", version=f"chronique {__version__}")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")
    init = commands.add_parser("init", help="make a project ready to build: site.yaml, an example article, .gitignore")
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), help="the project's folder (default: here)")
    build = commands.add_parser("build", help="build the site (the default)")
    _add_project_options(build)
    build.add_argument(
        "--strict", action="store_true", help="fail on any bad article (each one reported) and write nothing"
    )
    build.add_argument("--clean", action="store_true", help="ignore the cache: parse and render everything")
    build.add_argument("--drafts", action="store_true", help="also publish drafts (draft: true)")
    _add_publishing_options(build)
    serve = commands.add_parser("serve", help="build with drafts, serve on 127.0.0.1, rebuild and reload on change")
    _add_project_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    _add_publishing_options(serve)
    new = commands.add_parser("new", help="create a draft article (Markdown with front matter) and print its path")
    new.add_argument("title", help="the article's title")
    new.add_argument("--content", type=Path, help=CONTENT_HELP)
    new.add_argument("--config", type=Path, help=CONFIG_HELP)
    related = commands.add_parser("related", help="show an article's related list and why each is there")
    related.add_argument("slug", help="the article's slug (its file name in the site, without .html)")
    related.add_argument("--content", type=Path, help=CONTENT_HELP)
    related.add_argument("--config", type=Path, help=CONFIG_HELP)
    related.add_argument("--cache", type=Path, help=CACHE_HELP)
    tags = commands.add_parser("tags", help="print the tag table: kind, articles, why each tag is shown, variants")
    tags.add_argument("--content", type=Path, help=CONTENT_HELP)
    tags.add_argument("--config", type=Path, help=CONFIG_HELP)
    tags.add_argument("--cache", type=Path, help=CACHE_HELP)
    tags.add_argument("--all", action="store_true", help="also list the tags not shown, and why (hidden, too rare)")
    check = commands.add_parser(
        "check", help="check a built site: links, feeds, sitemap, files as built",
        description="Check the built site as a reader opening it from disk would find it: every internal link and "
        "asset names a file of the site, fragments name an id, feeds and sitemap parse, and the files are those the "
        "last build wrote, as it wrote them. Prints each problem on one line; exit status 1 if there is any.",
    )
    check.add_argument("--content", type=Path, help=CONTENT_HELP)
    check.add_argument("--output", type=Path, help="the site to check (default: output: in site.yaml, else site)")
    check.add_argument("--config", type=Path, help=CONFIG_HELP)
    check.add_argument("--cache", type=Path, help=CACHE_HELP + "; it holds the manifest of each build")
    return root


def _add_project_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--content", type=Path, help=CONTENT_HELP)
    command.add_argument("--output", type=Path, help="where the site goes (default: output: in site.yaml, else site)")
    command.add_argument("--config", type=Path, help=CONFIG_HELP)
    command.add_argument("--cache", type=Path, help=CACHE_HELP)
    command.add_argument("--theme", type=Path, help=THEME_HELP)
    command.add_argument("--follow-symlinks", action="store_true", help=FOLLOW_HELP)
    command.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    command.add_argument("-v", "--verbose", action="store_true", help="also print each stage's time")


def _add_publishing_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--force", action="store_true", help="write into an output folder that holds files but no Chronique site"
    )
    command.add_argument("--future", action="store_true", help="also publish articles dated in the future")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "build")
    options = parser().parse_args(args)
    try:
        return _run(options)
    except BrokenPipeError:  # `chronique tags | head` stopped reading: that is no error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that exiting flushes nowhere
        return EXIT_PIPE


def _run(options: argparse.Namespace) -> int:
    if options.command == "init":
        return run_init(options)
    if options.command in ("build", "related", "tags", "serve", "new", "check"):
        try:
            paths = _project_paths(options)
        except NoProject as error:
            return _fail(f"chronique: {error}")
        except (InputError, OSError) as error:
            return _fail(failure_message(error))
        options.content, options.output, options.config, options.cache = (
            paths.content, paths.output, paths.config, paths.cache
        )
    if options.command == "build":
        return run_build(options)
    if options.command == "related":
        return run_related(options)
    if options.command == "tags":
        return run_tags(options)
    if options.command == "serve":
        return run_serve(options)
    if options.command == "new":
        return run_new(options)
    if options.command == "check":
        return run_check(options)
    parser().print_help()
    return EXIT_USAGE


def run_build(options: argparse.Namespace) -> int:
    request = _build_request(options, options.drafts)
    started = time.perf_counter()
    try:
        report = build_site(request, progress=_progress_bar(options.quiet))
    except BuildFailed as failure:
        for problem in failure.problems:
            _err(str(problem))
        return _fail(f"chronique: {count(len(failure.problems), 'bad article')} with --strict; nothing was written")
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    except KeyboardInterrupt:
        return _interrupted()
    _report_problems(report.problems, report.warnings)
    if not options.quiet:
        _summary(report, request, time.perf_counter() - started, options.verbose)
    return EXIT_OK


def _project_paths(options: argparse.Namespace) -> ProjectPaths:
    return project_paths(
        Path(),  # relative: messages name the folders as the user would
        content=options.content,
        output=getattr(options, "output", None),
        config=options.config,
        cache=getattr(options, "cache", None),
        to_create=options.command == "new",
    )


def _build_request(options: argparse.Namespace, drafts: bool) -> BuildRequest:
    """The build `build` and `serve` ask for (`serve` has no --strict nor --clean, and shows drafts)."""
    return BuildRequest(
        content=options.content,
        output=options.output,
        config=options.config,
        strict=getattr(options, "strict", False),
        clean=getattr(options, "clean", False),
        follow_symlinks=options.follow_symlinks,
        theme=options.theme,
        force=options.force,
        future=options.future,
        cache_folder=options.cache,
        drafts=drafts,
    )


def run_init(options: argparse.Namespace) -> int:
    folder = options.folder
    try:
        written = create_project(folder, date.today())
    except ProjectExists as exists:
        return _fail(f"chronique: {exists}: already exists, nothing was changed "
                     "(`chronique init NAME` makes a project in a new folder)")
    except OSError as error:
        return _fail(failure_message(error))
    print("created " + ", ".join(str(path) for path in written))
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(folder))} && "
    print(f"next: {go}chronique build   (then open site/index.html; `chronique serve` previews as you write)")
    return EXIT_OK


def run_serve(options: argparse.Namespace) -> int:
    from .preview import serve  # the watcher and server are only loaded when previewing

    request = _build_request(options, drafts=True)
    try:
        check_content(request.content)
        check_output(request, request.site_theme(request.site_config()))
    except InputError:
        pass  # a site.yaml or theme to fix: the first build says what, and serving waits for the fix
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    try:
        return serve(request, options.host, options.port, verbosity=_verbosity(options))
    except OSError as error:  # typically: the port is taken
        return _fail(f"chronique: cannot serve on {options.host}:{options.port}: {error.strerror or error}")
    except KeyboardInterrupt:  # during the first build: once serving, Ctrl-C stops the server
        return _interrupted()


def run_new(options: argparse.Namespace) -> int:
    if not options.title.strip():
        return _fail("chronique: the title is empty")
    try:
        path = create_article(options.content, options.title, date.today())
    except OSError as error:
        return _fail(f"chronique: cannot create the article: {error.strerror or error}")
    print(path)
    return EXIT_OK


def run_check(options: argparse.Namespace) -> int:
    """Each problem of the built site on one line, then a summary; exit status 1 on any problem."""
    from .check import check_site

    request = BuildRequest(content=options.content, output=options.output, config=options.config,
                           cache_folder=options.cache)
    try:
        report = check_site(request)
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    for problem in report.problems:
        print(problem.located(options.output))
    print(report.summary())
    return EXIT_FAILED if report.problems else EXIT_OK


def _enriched(options: argparse.Namespace) -> tuple[SiteConfig, Archive]:
    """The archive as a build would enrich it (published articles only), for the commands that
    explain it; bad files are reported as a build reports them. Raises one of `BUILD_ERRORS`."""
    from .enrich import enrich  # numpy and scipy: only for the commands that score

    request = BuildRequest(content=options.content, config=options.config, cache_folder=options.cache)
    config = request.site_config()
    check_content(request.content)
    parsed, seen = read_parsed(request.cache, config.language, request.seal())
    loaded = request.read_content(config, parsed, seen)
    archive = enrich(publishable(loaded, request.time()), config)
    _report_problems(loaded.problems, loaded.warnings)
    return config, archive


def run_related(options: argparse.Namespace) -> int:
    try:
        config, archive = _enriched(options)
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    by_slug = {article.slug: article for article in archive.articles}
    article = by_slug.get(options.slug)
    if article is None:
        close = sorted(slug for slug in by_slug if options.slug in slug)[:3]
        close = close or difflib.get_close_matches(options.slug, by_slug, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return _fail(f"chronique: no article with slug '{options.slug}'{hint}")
    weights = config.related
    origin = printable(str(article.origin))  # a file name may hold line breaks or escape sequences
    print(f"{printable(article.title)}\n  {article.day.isoformat()} · {article.slug} · {origin}")
    weighed = ", ".join(f"{component.label} {weights.weight(component)}" for component in COMPONENTS)
    print(f"  weights: {weighed}; min_score {weights.min_score}; count {weights.count}")
    links = archive.related.get(article.slug, ())
    if not links:
        print("  no related article scores above min_score")
    for rank, link in enumerate(links, start=1):
        other = by_slug[link.slug]
        parts = " + ".join(
            f"{component.label} {value:.4f}" for component, (_, value) in zip(COMPONENTS, link.components, strict=True)
        )
        print(f"{rank:>2}. {link.score:.4f}  {printable(other.title)}")
        print(f"      {other.day.isoformat()} · {other.slug}\n      = {parts}")
    return EXIT_OK


TAG_COLUMNS = ("TAG", "KIND", "ARTICLES", "WHY", "VARIANTS")


def run_tags(options: argparse.Namespace) -> int:
    """The tag table, in the tag index's order: each tag's kind, articles, why it is shown (or, with
    --all, why not) and the names merged into it, so that a bad tag can be fixed in site.yaml."""
    try:
        _, archive = _enriched(options)
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    records = [record for record in archive.tags if options.all or record.shown]
    rows = [
        (
            printable(record.name),
            record.kind,
            str(record.articles or record.found_on),
            record.reason,
            printable(", ".join(record.variants)),
        )
        for record in records
    ]
    widths = [max(map(len, column)) for column in zip(TAG_COLUMNS, *rows, strict=True)]
    for row in (TAG_COLUMNS, *rows):
        cells = [cell.rjust(width) if name == "ARTICLES" else cell.ljust(width)
                 for name, cell, width in zip(TAG_COLUMNS, row, widths, strict=True)]
        print("  ".join(cells).rstrip())
    shown = [record for record in archive.tags if record.shown]
    single = sum(record.articles == 1 for record in shown)
    hidden = len(archive.tags) - len(shown)
    share = f" ({single / len(shown):.0%} on a single article)" if shown else ""
    print(f"{len(shown)} tags with a page{share}; {hidden} not shown" + ("" if options.all else " (--all lists them)"))
    return EXIT_OK


def _progress_bar(quiet: bool):
    def progress(pages: Sequence[Page]):
        if quiet or not sys.stderr.isatty():
            return pages
        from tqdm import tqdm  # here: only a terminal shows a bar

        return tqdm(pages, desc="rendering", unit="page", leave=False)

    return progress


def _summary(report: BuildReport, request: BuildRequest, seconds: float, verbose: bool) -> None:
    if verbose:
        for stage, elapsed in report.timings:
            print(f"  {stage:<7} {elapsed:7.3f} s")
    print(report.summary(request.output, seconds))
    for line in report.left_out():
        print(line)


def _verbosity(options: argparse.Namespace) -> int:
    """-1 with --quiet, 1 with --verbose, else 0."""
    return -1 if options.quiet else int(options.verbose)


def _report_problems(problems: Sequence[Problem], warnings: Sequence[Problem]) -> None:
    """One line each: files skipped, then what was wrong with files still published."""
    for problem in problems:
        _err(f"{problem} (skipped)")
    for warning in warnings:
        _err(str(warning))


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(message: str) -> int:
    _err(message)
    return EXIT_FAILED


def _interrupted() -> int:
    _err("interrupted: files not yet replaced keep their previous version")
    return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
