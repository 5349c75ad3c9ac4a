"""The preview server: serves the output folder, and tells open pages to reload.

It serves only files inside the output folder (no `..`, encoded or not, no
symlink leading out), answers bad requests with a 4xx, and adds to each HTML
page a small script that listens for server-sent events: `reload` after a
good build, `failed` with the message after a bad one (shown as an overlay
while the last good site stays served). A `reload` may name the files that
changed: a page reloads only when they hold it or a file it loaded. Pages in
the `PageOverlay` (an edited article rendered ahead of its build) are served
from memory instead of the output folder.
"""

from __future__ import annotations

import json
import mimetypes
import re
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

EVENTS_PATH = "/__chronique/events"
_BASE = re.compile(rb"<base\s+href=\"[^\"]*\">", re.IGNORECASE)
HEARTBEAT_SECONDS = 10.0
# Longer request targets are answered 414; browsers and servers commonly stop near 2 KB for URLs, and
# no page of a site is named by more.
MAX_TARGET_BYTES = 2048
LIVE_SCRIPT = """<script>
(() => {
  const events = new EventSource("EVENTS_PATH");
  const page = PAGE_PATH;
  // The site's files this page shows: itself, and what it loaded (stylesheets, scripts, data).
  const shown = () => [page, ...performance.getEntriesByType("resource").map((entry) => {
    const path = decodeURIComponent(new URL(entry.name).pathname).slice(1);
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  })];
  let overlay = null;
  events.addEventListener("reload", (event) => {
    const changed = JSON.parse(event.data);
    // A page showing a failure, or not found, reloads after any good build.
    if (changed === null || page === null || overlay || shown().some((path) => changed.includes(path))) {
      location.reload();
    }
  });
  events.addEventListener("failed", (event) => {
    overlay = overlay || document.body.appendChild(document.createElement("pre"));
    overlay.id = "chronique-error";
    overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;" +
      "padding:1rem;background:#7a0010;color:#fff;font:14px/1.4 monospace;z-index:2147483647;white-space:pre-wrap";
    overlay.textContent = "Chronique: the build failed; this is the last good version.\\n\\n" + JSON.parse(event.data);
  });
})();
</script>
""".replace("EVENTS_PATH", EVENTS_PATH)


@dataclass(frozen=True, slots=True)
class BuildState:
    generation: int
    error: str | None
    changed: tuple[str, ...] | None = None
    """The files a good build changed, relative to the site root; None: any may have."""


class Broadcaster:
    """The latest build outcome, and a way for event streams to wait for the next one."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._state = BuildState(0, None)
        self.closed = False

    @property
    def state(self) -> BuildState:
        with self._condition:
            return self._state

    def publish(self, error: str | None, changed: Iterable[str] | None = None) -> None:
        """A build's outcome: its error, else the files it changed (None: any may have)."""
        with self._condition:
            self._state = BuildState(self._state.generation + 1, error, None if changed is None else tuple(changed))
            self._condition.notify_all()

    def wait_after(self, generation: int, timeout: float) -> BuildState:
        with self._condition:
            self._condition.wait_for(lambda: self._state.generation != generation or self.closed, timeout)
            return self._state

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()


class PageOverlay:
    """Pages served from memory instead of the output folder, by path relative to the site root:
    the preview server's quick render of an edited article, shown until its exact build lands
    (the output folder only ever holds what builds wrote)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[str, bytes] = {}

    def get(self, path: str) -> bytes | None:
        with self._lock:
            return self._pages.get(path)

    def show(self, pages: Mapping[str, bytes]) -> None:
        with self._lock:
            self._pages.update(pages)

    def pages(self) -> dict[str, bytes]:
        with self._lock:
            return dict(self._pages)

    def drop(self, pages: Mapping[str, bytes]) -> None:
        """Stop serving `pages` (as `pages()` gave them), but not a newer version shown since."""
        with self._lock:
            for path, data in pages.items():
                if self._pages.get(path) is data:
                    del self._pages[path]


def overlay_paths(raw_path: str) -> tuple[str, ...]:
    """The paths relative to the site root a request may name in a `PageOverlay`: "a/b.html" for
    /a/b.html, "a/index.html" for /a/ and for /a."""
    path = request_path(raw_path) or ""
    relative = "/".join(part for part in path.split("/") if part)
    if not relative:
        return ("index.html",)
    return (f"{relative}/index.html",) if path.endswith("/") else (relative, f"{relative}/index.html")


def resolve_request(root: Path, raw_path: str) -> Path | None:
    """The file a request path names inside `root`, or None when it is outside, hidden, missing or
    not a name the file system accepts (too long, for one).

    Percent-decoding happens before the checks, so `%2e%2e` is refused as `..` is.
    """
    path = request_path(raw_path)
    if path is None or "\0" in path or "\\" in path or not path.startswith("/"):
        return None
    parts = [part for part in path.split("/") if part]
    if any(part == ".." or part.startswith(".") for part in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    try:
        if candidate.is_dir():
            candidate = candidate / "index.html"
        real = candidate.resolve(strict=True)
        return real if real.is_file() and real.is_relative_to(root.resolve()) else None
    except (OSError, RuntimeError, ValueError):  # e.g. a name too long, a symlink loop
        return None


def request_path(raw_path: str) -> str | None:
    """The percent-decoded path of a request target, or None when it is not a URL."""
    try:
        return unquote(urlsplit(raw_path).path)
    except ValueError:  # e.g. "http://[/": an unclosed IPv6 address
        return None


def make_server(
    root: Path, host: str, port: int, broadcaster: Broadcaster, overlay: PageOverlay | None = None
) -> PreviewServer:
    """An HTTP server for `root`, `overlay` before it (not yet serving: call serve_forever, e.g. in a thread)."""

    class Handler(PreviewHandler):
        site_root = root
        events = broadcaster
        pages = overlay or PageOverlay()

    return PreviewServer((host, port), Handler)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog (5 by default): a page that loads many files at once, or many tabs
    # reloading together, must not wait for connections the kernel refused to queue to be retried.
    # The kernel caps it (net.core.somaxconn).
    request_queue_size = 1024

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that went away is no error; anything else is one line, never a traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"serve: could not answer {client_address[0]}: {type(error).__name__}: {error}",
                  file=sys.stderr, flush=True)


class PreviewHandler(BaseHTTPRequestHandler):
    site_root: Path
    events: Broadcaster
    pages: PageOverlay
    server_version = "Chronique"
    protocol_version = "HTTP/1.0"
    # The standard handler takes a request line without a version for HTTP/0.9 and answers errors
    # in it without a status line; every answer here has one.
    default_request_version = "HTTP/1.0"

    def parse_request(self) -> bool:
        """Refuse a request line that is not `METHOD target HTTP/x.y` (400) or whose target is too
        long (414); the standard parser checks the rest."""
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = line.split()  # as the standard parser splits it
        if len(words) == 3 and len(words[1]) <= MAX_TARGET_BYTES:
            return super().parse_request()
        self.requestline, self.command, self.request_version = line, None, self.default_request_version
        self.close_connection = True
        if len(words) == 3:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, explain=f"The target is over {MAX_TARGET_BYTES} bytes.")
        else:
            self.send_error(HTTPStatus.BAD_REQUEST, explain="The request line is not: METHOD target HTTP/version.")
        return False

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def __getattr__(self, name: str):
        # Any other method (POST, PUT, DELETE, or one that does not exist) is refused the same way.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # a preview server that prints every request buries the build messages

    def _respond(self, with_body: bool) -> None:
        if request_path(self.path) == EVENTS_PATH:
            self._stream_events()
            return
        status, page, body = self._find()
        content_type = (mimetypes.guess_type(page)[0] if page else None) or "text/plain"
        if content_type == "text/html":
            shown = json.dumps(None if status == HTTPStatus.NOT_FOUND else page).replace("<", "\\u003c")
            body = body.replace(b"</body>", LIVE_SCRIPT.replace("PAGE_PATH", shown).encode() + b"</body>", 1)
            if status == HTTPStatus.NOT_FOUND:
                # The 404 page is shown at the depth it was asked for; its <base> names the site root,
                # which is this server's root whatever the published site's base_url says.
                body = _BASE.sub(b'<base href="/">', body, count=1)
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8" if content_type.startswith("text/")
                         or content_type in ("application/javascript", "application/xml") else content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _find(self) -> tuple[HTTPStatus, str | None, bytes]:
        """The status, the path relative to the site root of the file that answers (None: no
        file), and its bytes: from the overlay, else the output folder, else its 404 page."""
        for path in overlay_paths(self.path):
            if (shown := self.pages.get(path)) is not None:
                return HTTPStatus.OK, path, shown
        root = self.site_root.resolve()
        target = resolve_request(self.site_root, self.path)
        status = HTTPStatus.OK
        if target is None:
            status = HTTPStatus.NOT_FOUND
            missing_page = self.site_root / "404.html"
            target = missing_page if missing_page.is_file() else None
        try:
            body = target.read_bytes() if target else b"Not found\n"
        except OSError:  # removed or replaced by a rebuild since it was found, or unreadable
            return HTTPStatus.NOT_FOUND, None, b"Not found\n"
        if target is None or status == HTTPStatus.NOT_FOUND:
            return status, target.name if target else None, body
        return status, target.relative_to(root).as_posix(), body

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.events.state
        try:
            if state.error is not None:
                self._send_event("failed", state.error)
            while not self.events.closed:
                latest = self.events.wait_after(state.generation, HEARTBEAT_SECONDS)
                if latest.generation == state.generation:
                    self.wfile.write(b": still here\n\n")  # lets a closed tab end this thread
                elif latest.error is None:
                    # Outcomes missed while this stream was writing may have changed any file.
                    missed = latest.generation > state.generation + 1
                    self._send_event("reload", None if missed else latest.changed)
                else:
                    self._send_event("failed", latest.error)
                self.wfile.flush()
                state = latest
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send_event(self, name: str, data: str | tuple[str, ...] | None) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def url_for(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    return f"http://{shown}:{port}/"

