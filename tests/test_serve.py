"""The preview server: safe paths, 4xx for bad requests, live reload and the error overlay."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from pathlib import Path

import pytest

from chronique.build import BuildRequest
from chronique.preview import SourceWatcher, is_noise, serve
from chronique.server import Broadcaster, is_loopback, make_server, resolve_request
from conftest import write_article


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "2024" / "10").mkdir(parents=True)
    (root / "index.html").write_text("<html><body>accueil</body></html>")
    (root / "404.html").write_text("<html><body>introuvable</body></html>")
    (root / "2024" / "10" / "a.html").write_text("<html><body>article</body></html>")
    (root / "2024" / "10" / "index.html").write_text("<html><body>mois</body></html>")
    (root / ".hidden").write_text("secret")
    (tmp_path / "outside.txt").write_text("secret")
    (root / "escape.html").symlink_to(tmp_path / "outside.txt")
    (root / "escape-dir").symlink_to(tmp_path)
    return root


@pytest.mark.parametrize(
    ("request_path", "expected"),
    [
        ("/", "index.html"),
        ("/index.html?x=1#top", "index.html"),
        ("/2024/10/", "2024/10/index.html"),
        ("/2024/10", "2024/10/index.html"),
        ("/2024/10/a.html", "2024/10/a.html"),
        ("/2024/%31%30/a.html", "2024/10/a.html"),
        ("/../outside.txt", None),
        ("/2024/../../outside.txt", None),
        ("/%2e%2e/outside.txt", None),
        ("/%2E%2E%2Foutside.txt", None),
        ("/..%5coutside.txt", None),
        ("/escape.html", None),
        ("/escape-dir/outside.txt", None),
        ("/.hidden", None),
        ("/index.html%00.txt", None),
        ("/missing.html", None),
        ("relative.html", None),
    ],
)
def test_requests_resolve_only_inside_the_site(site: Path, request_path: str, expected: str | None) -> None:
    found = resolve_request(site, request_path)
    assert found == (site.resolve() / expected if expected else None)


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def server(site: Path):
    server = make_server(site, "127.0.0.1", 0, Broadcaster())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GET / HTTP/1.0\r\n\r\n", b"200"),
        (b"GET /../outside.txt HTTP/1.0\r\n\r\n", b"404"),
        (b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.0\r\n\r\n", b"404"),
        (b"GET /escape.html HTTP/1.0\r\n\r\n", b"404"),
        (b"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n", b"405"),
        (b"DELETE /index.html HTTP/1.0\r\n\r\n", b"405"),
        (b"BREW /pot HTTP/1.0\r\n\r\n", b"405"),
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"GET / HTTP/9.9\r\n\r\n", b"505"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", b"400"),
    ],
)
def test_bad_requests_get_an_error_status_and_the_server_lives_on(server: int, data: bytes, status: bytes) -> None:
    response = raw_request(server, data)
    assert response.startswith(b"HTTP/1.0 ") and response.split(b" ", 2)[1] == status
    assert raw_request(server, b"GET /index.html HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200")


def test_missing_pages_get_the_site_404_page(server: int) -> None:
    response = raw_request(server, b"GET /nope.html HTTP/1.0\r\n\r\n")
    assert response.startswith(b"HTTP/1.0 404") and b"introuvable" in response


def test_html_gets_the_reload_script_and_other_files_do_not(server: int, site: Path) -> None:
    (site / "feed.xml").write_text("<feed></feed>")
    assert b"/__chronique/events" in raw_request(server, b"GET / HTTP/1.0\r\n\r\n")
    assert b"EventSource" not in raw_request(server, b"GET /feed.xml HTTP/1.0\r\n\r\n")
    head = raw_request(server, b"HEAD /2024/10/a.html HTTP/1.0\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200") and head.endswith(b"\r\n\r\n")


def test_editor_noise_and_outputs_never_trigger_a_rebuild(tmp_path: Path) -> None:
    content = tmp_path / "content"
    request = BuildRequest(content=content, output=tmp_path / "site", cwd=tmp_path)
    watcher = SourceWatcher(request, threading.Event())
    assert watcher.relevant(str(content / "a.md"))
    assert watcher.relevant(str(tmp_path / "site.yaml"))
    assert watcher.relevant(str(tmp_path / "templates" / "base.html"))
    for noise in (content / ".a.md.swp", content / "a.md~", content / "#a.md#", content / "4913",
                  tmp_path / "site" / "index.html", tmp_path / ".chronique-cache" / "build.pickle",
                  tmp_path / "notes.txt"):
        assert not watcher.relevant(str(noise)), noise
    assert is_noise(Path("x.kate-swp"))


def test_only_loopback_is_quiet() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EventStream:
    """Reads server-sent events in a thread, so the test can wait for one with a timeout."""

    def __init__(self, port: int) -> None:
        self.events: list[str] = []
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.request("GET", "/__chronique/events")
        self.response = self.connection.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response:
                self.events.append(line.decode().strip())
        except (OSError, ValueError):
            pass

    def wait_for(self, prefix: str, after: int, timeout: float = 20) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [event for event in self.events[after:] if event.startswith(prefix)]
            if found:
                return self.events[after:]
            time.sleep(0.05)
        raise AssertionError(f"no {prefix!r} event; got {self.events[after:]}")


QUICK_NS = 20_000_000
"""Files count as settled 20 ms after a change here (`BuildRequest.racy_ns`; two seconds in use):
the first build then records its survey, and the server finds nothing changed once its watcher runs."""


def settled() -> None:
    """Waits until the files just written count as settled (see `QUICK_NS`)."""
    time.sleep(0.05)


def start_serving(request: BuildRequest) -> tuple[int, threading.Event, threading.Thread]:
    port, stop = free_port(), threading.Event()
    thread = threading.Thread(target=serve, args=(request, "127.0.0.1", port, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while True:
        try:
            if raw_request(port, b"GET / HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200"):
                return port, stop, thread
        except OSError:
            pass
        assert time.monotonic() < deadline, "the server never answered"
        time.sleep(0.1)


def test_serve_rebuilds_reloads_and_shows_build_errors(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Premier article", "2024-10-30")
    settled()
    request = BuildRequest(content=content, output=tmp_path / "site", cwd=tmp_path, racy_ns=QUICK_NS)
    port, stop, thread = start_serving(request)
    try:
        stream = EventStream(port)
        time.sleep(0.5)  # the watcher is started right after the server

        write_article(content, "b.md", "Second article", "2024-11-02")
        seen = stream.wait_for("event: reload", 0)
        assert b"Second article" in raw_request(port, b"GET / HTTP/1.0\r\n\r\n")

        (tmp_path / "templates").mkdir()
        (tmp_path / "templates" / "index.html").write_text("{% extends 'base.html' %}\n{% block main %}{{ oops(\n")
        seen = stream.wait_for("event: failed", len(stream.events))
        assert any("index.html:2:" in event for event in seen)
        still = raw_request(port, b"GET / HTTP/1.0\r\n\r\n")
        assert still.startswith(b"HTTP/1.0 200") and b"Second article" in still  # the last good site

        (tmp_path / "templates" / "index.html").unlink()
        stream.wait_for("event: reload", len(stream.events))
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_an_edit_made_during_the_first_build_is_built_once_the_server_watches(tmp_path: Path, monkeypatch) -> None:
    import chronique.preview

    content = tmp_path / "content"
    write_article(content, "a.md", "Premier article", "2024-10-30")
    settled()
    original = chronique.preview.build_site

    def first_build_then_an_edit(*args, **kwargs):
        monkeypatch.setattr(chronique.preview, "build_site", original)
        report = original(*args, **kwargs)
        write_article(content, "b.md", "Second article", "2024-11-02")  # before the watcher runs
        return report

    monkeypatch.setattr(chronique.preview, "build_site", first_build_then_an_edit)
    port, stop, thread = start_serving(
        BuildRequest(content=content, output=tmp_path / "site", cwd=tmp_path, racy_ns=QUICK_NS)
    )
    try:
        deadline = time.monotonic() + 20
        while b"Second article" not in raw_request(port, b"GET / HTTP/1.0\r\n\r\n"):
            assert time.monotonic() < deadline, "the edit made during the first build was never built"
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=10)
