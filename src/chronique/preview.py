"""`chronique serve`: build, serve on loopback, watch the sources, rebuild and reload on change.

An edit to articles the last build published is shown at once: each edited article is read again
and rendered into its page with the related list, tags and neighbours the last build gave it
(`edited_pages`), served from memory (`server.PageOverlay`) while the exact build runs; once it
lands, the pages whose files it changed reload again. The output folder only holds what builds wrote.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .build import (
    BUILD_ERRORS,
    BuildReport,
    BuildRequest,
    build_site,
    changed_since_last_build,
    failure_message,
    warm_up,
)
from .cache import BuildMemory, compiled_templates
from .config import CONFIG_NAME
from .load import read_article
from .load.files import ContentFiles, NotReadable
from .load.sitelinks import resolve_site_links
from .plan import Page
from .render import THEME_PARTS, render_pages
from .server import Broadcaster, PageOverlay, is_loopback, make_server, url_for

DEBOUNCE_SECONDS = 0.2
# Files editors and tools write beside the real one while saving: never worth a rebuild.
NOISE_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload", ".kate-swp")


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path


def is_noise(path: Path) -> bool:
    name = path.name
    return name.startswith((".", "#")) or name.endswith(NOISE_SUFFIXES) or name == "4913"


class SourceWatcher(FileSystemEventHandler):
    """Turns file events under the sources into one `changed` signal, ignoring editor noise."""

    def __init__(self, request: BuildRequest, changed: threading.Event) -> None:
        self.changed = changed
        self._lock = threading.Lock()
        self._paths: set[Path] = set()
        content = request.content.resolve()
        try:
            theme = request.theme_dir(request.site_config()).resolve()
        except BUILD_ERRORS:  # the build reports it
            theme = content.parent
        self.trees = [content, *(theme / part for part in THEME_PARTS)]
        self.files = {content.parent / CONFIG_NAME, request.cwd.resolve() / CONFIG_NAME}
        if request.config:
            self.files.add(request.config.resolve())
        self.ignored = [request.output.resolve(), request.cache.resolve()]
        self.observer = Observer()
        self.watched: set[Path] = set()

    def relevant(self, raw: str | bytes) -> bool:
        path = Path(_text(raw))
        if is_noise(path) or any(path.is_relative_to(folder) for folder in self.ignored):
            return False
        return path in self.files or any(path.is_relative_to(tree) for tree in self.trees)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        relevant = [path for path in paths if path and self.relevant(path)]
        if relevant:
            if event.is_directory and event.event_type in ("created", "moved"):
                self.watch_new_trees()
            with self._lock:
                if not event.is_directory:
                    self._paths.update(Path(_text(path)) for path in relevant)
                elif event.event_type != "modified":  # a folder modified goes with the file events inside it
                    self._paths.add(Path())  # a folder made, moved or removed: no file to read ahead of the build
            self.changed.set()

    def take(self) -> set[Path]:
        """The files changed since the last call (an empty path when a folder was made, moved or removed)."""
        with self._lock:
            paths, self._paths = self._paths, set()
            return paths

    def start(self) -> None:
        for folder in {path.parent for path in self.files} | {tree.parent for tree in self.trees}:
            if folder.is_dir():
                self.observer.schedule(self, str(folder), recursive=False)
        self.watch_new_trees()
        self.observer.start()

    def watch_new_trees(self) -> None:
        """A templates/ or static/ folder created while serving is watched from then on."""
        for tree in self.trees:
            if tree not in self.watched and tree.is_dir():
                self.observer.schedule(self, str(tree), recursive=True)
                self.watched.add(tree)

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


def edited_pages(request: BuildRequest, memory: BuildMemory, paths: Collection[Path]) -> dict[str, bytes]:
    """The pages of the articles edited at `paths` (absolute), by path in the site: each article
    read again and rendered into its page as the last build planned it (`BuildMemory.planned`),
    with the related list, tags and neighbours it had then. Empty when only an exact build can
    tell: a path that is not an article the last build published, an article that does not read
    (the build reports it), that a file's date dates, whose address or time changed (it moves) or
    that became a draft, another site.yaml or theme."""
    planned, content = memory.planned, request.content.resolve()
    if planned is None or not paths or not all(path.is_relative_to(content) for path in paths):
        return {}
    try:
        config = request.site_config()
        theme = request.site_theme(config)
        if request.inputs(config, theme).environment() != planned.environment:
            return {}
        files = ContentFiles(request.content, request.follow_symlinks)
        pages: list[Page] = []
        for posix in sorted(path.relative_to(content).as_posix() for path in paths):
            page = planned.pages.get(posix)
            if page is None:
                return {}
            data, _ = files.read(files.look(posix)[0])
            # No modification time: an article it dates has another date after each edit.
            article = read_article(Path(posix), data, config.boilerplate)
            last = page.context["article"]
            # Another address or place among the articles (its neighbours): only an exact build moves it.
            moved = page.context["urls"].article(article) != page.path or article.sort_key != last.sort_key
            if moved or article.draft != last.draft:
                return {}
            if article.site_links:
                others = [other for other in planned.articles if other.origin != article.origin]
                article = resolve_site_links([*others, article])[-1]
            article = replace(article, tags=last.tags)
            pages.append(Page(page.path, page.template, {**page.context, "article": article}))
        return dict(render_pages(pages, config, theme, compiled_templates(request.cache, request.seal())))
    except (*BUILD_ERRORS, NotReadable):
        return {}


def rebuild(
    request: BuildRequest,
    broadcaster: Broadcaster,
    say: Callable[[str], None],
    memory: BuildMemory,
    verbosity: int = 0,
    overlay: PageOverlay | None = None,
) -> bool:
    """One build; its outcome goes to the terminal and to every open page. Whether it succeeded.
    `verbosity`: -1 says only what failed, 1 also each stage's time. The pages `overlay` shows
    when the build starts stop being shown when it ends; then only the pages whose files changed
    reload (every page when none was shown and files changed)."""
    started = time.perf_counter()
    shown = overlay.pages() if overlay else {}
    try:
        report: BuildReport | None = build_site(request, memory=memory)
    except BUILD_ERRORS as error:
        report, message = None, failure_message(error)
    finally:
        if overlay:
            overlay.drop(shown)  # before any reload is announced: browsers then get the build's pages
    if report is not None:
        if verbosity >= 0:
            for problem in report.problems:
                say(f"{problem} (skipped)")
            for warning in report.warnings:
                say(str(warning))
            for stage, elapsed in report.timings if verbosity > 0 else ():
                say(f"  {stage:<7} {elapsed:7.3f} s")
            say(f"built: {report.summary(request.output, time.perf_counter() - started)}")
        files = report.files
        # The report names no deleted file, and a page may show a changed file it did not load (a
        # theme's font named in a stylesheet): then every page reloads, unless a quick page was shown
        # (that build follows article edits), or nothing was written.
        everything = files.deleted or (files.written and not shown)
        broadcaster.publish(None, None if everything else changed_files(request.output, files.written_paths, shown))
        return True
    say(f"{message}\nbuild failed: still serving the last good site")
    broadcaster.publish(message)
    return False


def changed_files(output: Path, written: Sequence[str], shown: Mapping[str, bytes]) -> list[str]:
    """The files a build changed for pages open in a browser: those in `written`, but for the pages
    `shown` ahead of it with the bytes it wrote; and the `shown` pages it wrote otherwise."""
    changed = set(written)
    for path, data in shown.items():
        try:
            same = (output / path).read_bytes() == data
        except OSError:
            same = False
        if same:
            changed.discard(path)
        else:
            changed.add(path)
    return sorted(changed)


def preview_edits(
    request: BuildRequest,
    memory: BuildMemory,
    watcher: SourceWatcher,
    overlay: PageOverlay,
    broadcaster: Broadcaster,
    due: threading.Event,
    stop: threading.Event,
    say: Callable[[str], None],
    verbosity: int = 0,
) -> None:
    """Until `stop`: after each burst of changes, show the edited articles' pages at once (see
    `edited_pages`), then ask for an exact build (`due`)."""
    changed = watcher.changed
    while not stop.is_set():
        if not changed.wait(0.2):
            continue
        while changed.is_set():  # let a burst of saves settle
            changed.clear()
            time.sleep(DEBOUNCE_SECONDS)
        paths = watcher.take()
        try:
            pages = edited_pages(request, memory, paths)
        except Exception as error:  # a bug here must not stop the exact builds: they follow all the same
            say(f"serve: could not show the edit ahead of its build: {type(error).__name__}: {error}")
            pages = {}
        if pages:
            overlay.show(pages)
            broadcaster.publish(None, pages)
            if verbosity > 0:
                say(f"shown ahead of the build: {', '.join(pages)}")
        due.set()


def serve(
    request: BuildRequest, host: str, port: int, stop: threading.Event | None = None, verbosity: int = 0
) -> int:
    """Serve until Ctrl-C (or until `stop` is set, for tests); `verbosity` as `rebuild`'s."""
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    broadcaster, memory, overlay = Broadcaster(), BuildMemory(), PageOverlay()
    built = rebuild(request, broadcaster, say, memory, verbosity)  # before any thread starts: it may fork
    server = make_server(request.output.resolve(), host, port, broadcaster, overlay)
    changed, due, stop = threading.Event(), threading.Event(), stop or threading.Event()
    watcher = SourceWatcher(request, changed)
    watcher.start()
    threading.Thread(target=server.serve_forever, name="chronique-server", daemon=True).start()
    if not is_loopback(host):
        say(f"warning: serving on {host}, reachable from other machines; the preview server is meant for 127.0.0.1")
    say(f"serving {request.output}/ at {url_for(server)} (Ctrl-C to stop)")
    if built and changed_since_last_build(request):  # an edit made while the first build ran
        due.set()
    threading.Thread(
        target=preview_edits,
        args=(request, memory, watcher, overlay, broadcaster, due, stop, say, verbosity),
        name="chronique-preview",
        daemon=True,
    ).start()
    warm_up(request, memory)  # while the site is served and watched
    if memory.planned is None:  # the first build found nothing changed: plan the site, for `edited_pages`
        due.set()
    try:
        while not stop.is_set():
            if not due.wait(0.2):
                continue
            due.clear()
            rebuild(request, broadcaster, say, memory, verbosity, overlay)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        stop.set()
        watcher.stop()
        broadcaster.close()
        server.shutdown()
        server.server_close()
    return 0
