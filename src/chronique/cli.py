"""Command line: `chronique build` (the default of `python build.py`).

Bad input never ends in a traceback: each problem is one `path:line: message`
line on stderr and the exit status says whether the site was written.
"""

from __future__ import annotations

import argparse
import difflib
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
    failure_message,
)
from .cache import read_parsed
from .load import load_archive
from .model import InputError, Problem, printable
from .new import create_article
from .plan import Page
from .schedule import publishable

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
FOLLOW_HELP = "also read articles that are symbolic links to files outside the content folder"
THEME_HELP = "folder of your templates/ and static/ (default: theme: in site.yaml, else beside site.yaml)"


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="chronique", description="Static site generator for news archives.")
    root.add_argument("--version", action="version", version=f"chronique {__version__}")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser("build", help="build the site (the default)")
    build.add_argument("--content", type=Path, default=Path("seeds"), help="folder of articles (default: seeds)")
    build.add_argument("--output", type=Path, default=Path("site"), help="where the site goes (default: site)")
    build.add_argument("--config", type=Path, help="site.yaml (default: beside the content, then here)")
    build.add_argument("--theme", type=Path, help=THEME_HELP)
    build.add_argument("--strict", action="store_true", help="stop at the first bad article; write nothing")
    build.add_argument("--clean", action="store_true", help="ignore the cache: parse and render everything")
    build.add_argument("--quiet", action="store_true", help="print errors only")
    build.add_argument("--verbose", action="store_true", help="also print each stage's time")
    build.add_argument("--follow-symlinks", action="store_true", help=FOLLOW_HELP)
    _add_publishing_options(build)
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and reload pages on change")
    serve.add_argument("--content", type=Path, default=Path("seeds"), help="folder of articles (default: seeds)")
    serve.add_argument("--output", type=Path, default=Path("site"), help="where the site goes (default: site)")
    serve.add_argument("--config", type=Path, help="site.yaml (default: beside the content, then here)")
    serve.add_argument("--theme", type=Path, help=THEME_HELP)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--follow-symlinks", action="store_true", help=FOLLOW_HELP)
    _add_publishing_options(serve)
    new = commands.add_parser("new", help="create a Markdown article with front matter and print its path")
    new.add_argument("title", help="the article's title")
    new.add_argument("--content", type=Path, default=Path("seeds"), help="folder of articles (default: seeds)")
    related = commands.add_parser("related", help="show an article's related list and why each is there")
    related.add_argument("slug", help="the article's slug (its file name in the site, without .html)")
    related.add_argument("--content", type=Path, default=Path("seeds"), help="folder of articles (default: seeds)")
    related.add_argument("--config", type=Path, help="site.yaml (default: beside the content, then here)")
    return root


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
    if options.command in ("build", "related", "serve") and not options.content.is_dir():
        return _fail(f"chronique: {options.content}: no such content folder")
    if options.command == "build":
        return run_build(options)
    if options.command == "related":
        return run_related(options)
    if options.command == "serve":
        return run_serve(options)
    if options.command == "new":
        return run_new(options)
    parser().print_help()
    return EXIT_USAGE


def run_build(options: argparse.Namespace) -> int:
    request = _build_request(options)
    started = time.perf_counter()
    try:
        report = build_site(request, progress=_progress_bar(options.quiet))
    except BuildFailed as failure:
        for problem in failure.problems:
            _err(str(problem))
        return _fail(f"chronique: {len(failure.problems)} bad article(s) with --strict; nothing was written")
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    except KeyboardInterrupt:
        return _interrupted()
    _report_problems(report.problems, report.warnings)
    if not options.quiet:
        _summary(report, request, time.perf_counter() - started, options.verbose)
    return EXIT_OK


def _build_request(options: argparse.Namespace) -> BuildRequest:
    """The build `build` and `serve` ask for (`serve` has no --strict nor --clean)."""
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
    )


def run_serve(options: argparse.Namespace) -> int:
    from .preview import serve  # the watcher and server are only loaded when previewing

    request = _build_request(options)
    try:
        check_content(request.content)
        check_output(request, request.site_theme(request.site_config()))
    except InputError:
        pass  # a site.yaml or theme to fix: the first build says what, and serving waits for the fix
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    try:
        return serve(request, options.host, options.port)
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


def run_related(options: argparse.Namespace) -> int:
    from .enrich import enrich  # numpy and scipy: only for the commands that score

    request = BuildRequest(content=options.content, config=options.config)
    try:
        config = request.site_config()
        check_content(request.content)
        parsed, seen = read_parsed(request.cache, config.language, request.seal())
        loaded = load_archive(
            request.content, parsed, config.language, seen, boilerplate=config.boilerplate, undated=config.undated
        )
        archive = enrich(publishable(loaded, request.time()), config)
    except BUILD_ERRORS as error:
        return _fail(failure_message(error))
    _report_problems(loaded.problems, loaded.warnings)
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
    print(
        f"  weights: text {weights.text_weight}, tags {weights.tag_weight}, entities {weights.entity_weight}, "
        f"date {weights.date_weight}, neighbours {weights.neighbour_weight}; "
        f"min_score {weights.min_score}; count {weights.count}"
    )
    links = archive.related.get(article.slug, ())
    if not links:
        print("  no related article scores above min_score")
    for rank, link in enumerate(links, start=1):
        other = by_slug[link.slug]
        parts = " + ".join(f"{name} {value:.4f}" for name, value in link.components)
        print(f"{rank:>2}. {link.score:.4f}  {printable(other.title)}")
        print(f"      {other.day.isoformat()} · {other.slug}\n      = {parts}")
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
    files = report.files
    print(
        f"{report.articles} articles read, {report.pages} pages in {request.output}/ ({report.rendered} rendered; "
        f"{files.written} written, {files.unchanged} unchanged, {files.deleted} deleted), "
        f"{len(report.problems) + len(report.warnings)} warnings, {seconds:.2f} s"
    )
    if report.held_back:
        print(f"{report.held_back} future article(s) not published (--future to include)")


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
