"""`chronique serve`: build, serve on loopback, watch the sources, rebuild and reload on change."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .build import BUILD_ERRORS, BuildRequest, build_site, changed_since_last_build, failure_message, warm_up
from .cache import BuildMemory
from .config import CONFIG_NAME
from .render import THEME_PARTS
from .server import Broadcaster, is_loopback, make_server, url_for

DEBOUNCE_SECONDS = 0.2
# Files editors and tools write beside the real one while saving: never worth a rebuild.
NOISE_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload", ".kate-swp")


def is_noise(path: Path) -> bool:
    name = path.name
    return name.startswith((".", "#")) or name.endswith(NOISE_SUFFIXES) or name == "4913"


class SourceWatcher(FileSystemEventHandler):
    """Turns file events under the sources into one `changed` signal, ignoring editor noise."""

    def __init__(self, request: BuildRequest, changed: threading.Event) -> None:
        self.changed = changed
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
        path = Path(raw.decode() if isinstance(raw, bytes) else raw)
        if is_noise(path) or any(path.is_relative_to(folder) for folder in self.ignored):
            return False
        return path in self.files or any(path.is_relative_to(tree) for tree in self.trees)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(path and self.relevant(path) for path in paths):
            if event.is_directory and event.event_type in ("created", "moved"):
                self.watch_new_trees()
            self.changed.set()

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


def rebuild(
    request: BuildRequest,
    broadcaster: Broadcaster,
    say: Callable[[str], None],
    memory: BuildMemory,
    verbosity: int = 0,
) -> bool:
    """One build; its outcome goes to the terminal and to every open page. Whether it succeeded.
    `verbosity`: -1 says only what failed, 1 also each stage's time."""
    started = time.perf_counter()
    try:
        report = build_site(request, memory=memory)
    except BUILD_ERRORS as error:
        message = failure_message(error)
    else:
        if verbosity >= 0:
            for problem in report.problems:
                say(f"{problem} (skipped)")
            for warning in report.warnings:
                say(str(warning))
            for stage, elapsed in report.timings if verbosity > 0 else ():
                say(f"  {stage:<7} {elapsed:7.3f} s")
            say(f"built: {report.summary(request.output, time.perf_counter() - started)}")
        broadcaster.publish(None)
        return True
    say(f"{message}\nbuild failed: still serving the last good site")
    broadcaster.publish(message)
    return False


def serve(
    request: BuildRequest, host: str, port: int, stop: threading.Event | None = None, verbosity: int = 0
) -> int:
    """Serve until Ctrl-C (or until `stop` is set, for tests); `verbosity` as `rebuild`'s."""
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    broadcaster, memory = Broadcaster(), BuildMemory()
    built = rebuild(request, broadcaster, say, memory, verbosity)  # before any thread starts: it may fork
    server = make_server(request.output.resolve(), host, port, broadcaster)
    changed, stop = threading.Event(), stop or threading.Event()
    watcher = SourceWatcher(request, changed)
    watcher.start()
    threading.Thread(target=server.serve_forever, name="chronique-server", daemon=True).start()
    if not is_loopback(host):
        say(f"warning: serving on {host}, reachable from other machines; the preview server is meant for 127.0.0.1")
    say(f"serving {request.output}/ at {url_for(server)} (Ctrl-C to stop)")
    if built and changed_since_last_build(request):  # an edit made while the first build ran
        changed.set()
    warm_up(request, memory)  # while the site is served and watched
    try:
        while not stop.is_set():
            if not changed.wait(0.2):
                continue
            while changed.is_set():  # let a burst of saves settle into one rebuild
                changed.clear()
                time.sleep(DEBOUNCE_SECONDS)
            rebuild(request, broadcaster, say, memory, verbosity)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        watcher.stop()
        broadcaster.close()
        server.shutdown()
        server.server_close()
    return 0
