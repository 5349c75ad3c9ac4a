"""`chronique serve` shows an edited article before its exact build, then the exact page.

The exact build is held back by its write steps (`BuildRequest.write_steps`), so a test sees what
is served while it runs; the site on disk is compared with a clean build afterwards.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from chronique.build import BuildRequest, build_site
from chronique.cache import BuildMemory
from chronique.preview import SourceWatcher, edited_pages
from chronique.server import PageOverlay, overlay_paths
from chronique.write import WRITE_STEPS, WriteSteps
from conftest import snapshot, write_article, write_small_archive
from test_serve import QUICK_NS, EventStream, raw_request, settled, start_serving


class HeldWrites:
    """Write steps that, once `hold()` is called, wait before writing until `release()`."""

    def __init__(self) -> None:
        self.held = threading.Event()
        self.released = threading.Event()
        self.waiting = threading.Event()
        self.steps = WriteSteps(stage=self._stage)

    def _stage(self, target: Path, data: bytes, prefix: str) -> Path:
        if self.held.is_set():
            self.waiting.set()
            assert self.released.wait(60), "never released"
        return WRITE_STEPS.stage(target, data, prefix)

    def hold(self) -> None:
        self.released.clear()
        self.waiting.clear()
        self.held.set()

    def release(self) -> None:
        self.held.clear()
        self.released.set()


def body_of(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[1]


def live_script_free(page: bytes) -> bytes:
    """A served page as the file it came from: without the live-reload script the server adds."""
    start = page.rfind(b"<script>\n(() => {\n  const events")
    return page[:start] + page[page.index(b"</script>\n", start) + len(b"</script>\n"):] if start >= 0 else page


def get(port: int, path: str) -> bytes:
    response = raw_request(port, f"GET /{path} HTTP/1.0\r\n\r\n".encode())
    assert response.startswith(b"HTTP/1.0 200"), response[:200]
    return body_of(response)


def wait_until(check, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def reloads(stream: EventStream, after: int) -> list[list[str] | None]:
    """The data of each reload event received after event line `after` (None: every page)."""
    lines = stream.events[after:]
    return [json.loads(lines[number + 1].removeprefix("data: "))
            for number, line in enumerate(lines[:-1]) if line == "event: reload"]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    write_small_archive(tmp_path)
    settled()
    return tmp_path


def held_request(archive: Path) -> tuple[BuildRequest, HeldWrites]:
    """Serve's request on `archive`, with the writes of its builds held back until released."""
    writes = HeldWrites()
    request = BuildRequest(content=archive / "content", output=archive / "site", cwd=archive, racy_ns=QUICK_NS,
                           drafts=True, write_steps=writes.steps)
    return request, writes


def article_page(output: Path, title: str) -> str:
    """The path in the site of the page whose <h1> is `title`."""
    for page in sorted(output.rglob("*.html")):
        if f">{title}</h1>".encode() in page.read_bytes():
            return page.relative_to(output).as_posix()
    raise AssertionError(f"no page for {title!r}")


def test_an_edit_is_served_before_its_build_then_exactly_and_the_disk_is_a_clean_build(archive: Path) -> None:
    request, writes = held_request(archive)
    content, output = request.content, request.output
    port, stop, thread = start_serving(request)
    try:
        page = article_page(output, "Article 3 sur France")
        other = article_page(output, "Article 4 sur frontière")
        stream = EventStream(port)
        time.sleep(0.5)  # the watcher is started right after the server
        writes.hold()
        seen = len(stream.events)
        edited = content / "a03.md"
        edited.write_text(edited.read_text() + "\nUne phrase ajoutée : zorglub.\n")

        wait_until(lambda: b"zorglub" in get(port, page), "the edit was not served before its build")
        assert writes.waiting.wait(30), "the exact build never reached its writes"
        assert b"zorglub" not in (output / page).read_bytes()  # served from memory, not written
        assert b"zorglub" not in get(port, other)
        wait_until(lambda: reloads(stream, seen), "no reload for the page shown ahead")
        assert reloads(stream, seen) == [[page]]  # only the edited page's tabs reload
        shown = live_script_free(get(port, page))

        seen = len(stream.events)
        writes.release()
        wait_until(lambda: reloads(stream, seen), "no reload after the exact build")
        changed = reloads(stream, seen)[0]
        exact = (output / page).read_bytes()
        assert b"zorglub" in exact and live_script_free(get(port, page)) == exact
        assert (page in changed) == (exact != shown)  # its tabs reload again only if the build changed it
    finally:
        writes.release()
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    build_site(BuildRequest(content=content, output=archive / "clean", cwd=archive, drafts=True, clean=True))
    assert snapshot(output) == snapshot(archive / "clean")


def test_only_edits_to_published_articles_in_place_are_served_ahead(archive: Path) -> None:
    content, output, memory = archive / "content", archive / "site", BuildMemory()
    request = BuildRequest(content=content, output=output, cwd=archive, racy_ns=QUICK_NS)
    build_site(request, memory=memory)
    page = article_page(output, "Article 3 sur France")
    edited = content / "a03.md"
    original = edited.read_text()

    edited.write_text(original.replace("tourisme", "**tourisme**"))  # markup only: the same related lists
    shown = edited_pages(request, memory, {edited.resolve()})
    assert list(shown) == [page] and b"<strong>tourisme</strong>" in shown[page]
    build_site(request, memory=memory)
    assert (output / page).read_bytes() == shown[page]  # the same page as the exact build's

    bad_edits = {
        "a parse error": original.replace("date: 2024-04-10", "date: 2024-99-99"),
        "a new slug": original.replace("title:", "slug: ailleurs\ntitle:"),
        "a new date, and page": original.replace("2024-04-10", "2024-05-10"),
        "a new time, and place": original.replace("2024-04-10", "2024-04-10T12:00:00Z"),
        "a draft now": original.replace("---\n\n", "draft: true\n---\n\n", 1),
        "no date": original.replace("date: 2024-04-10\n", ""),
    }
    for what, text in bad_edits.items():
        edited.write_text(text)
        assert edited_pages(request, memory, {edited.resolve()}) == {}, what
    edited.write_text(original)
    new = write_article(content, "new.md", "Nouvel article", "2024-06-01")
    assert edited_pages(request, memory, {new.resolve()}) == {}
    assert edited_pages(request, memory, {(archive / "site.yaml").resolve()}) == {}
    assert edited_pages(request, memory, {edited.resolve(), Path()}) == {}  # a folder changed too
    (archive / "site.yaml").write_text("per_page: 3\n")
    assert edited_pages(request, memory, {edited.resolve()}) == {}  # rendered with another site.yaml


def test_the_overlay_answers_for_its_pages_and_keeps_a_newer_version() -> None:
    overlay = PageOverlay()
    first = {"2024/10/a.html": b"one", "tags/index.html": b"tags"}
    overlay.show(first)
    shown = overlay.pages()
    overlay.show({"2024/10/a.html": b"two"})
    overlay.drop(shown)
    assert overlay.pages() == {"2024/10/a.html": b"two"}
    assert overlay_paths("/tags/") == ("tags/index.html",)
    assert overlay_paths("/tags?x=1") == ("tags", "tags/index.html")
    assert overlay_paths("/") == ("index.html",)
    assert overlay_paths("/2024/%31%30/a.html")[0] == "2024/10/a.html"


def test_in_a_browser_the_edited_page_reloads_ahead_of_its_build_and_other_pages_stay(archive: Path) -> None:
    browser_tests = pytest.importorskip("test_browser")  # skips without Chromium
    from playwright.sync_api import expect, sync_playwright

    request, writes = held_request(archive)
    content, output = request.content, request.output
    port, stop, thread = start_serving(request)
    try:
        page = article_page(output, "Article 3 sur France")
        stream = EventStream(port)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(browser_tests.CHROMIUM),
                                                  args=browser_tests.CHROMIUM_ARGS)
            edited, archives = chromium.new_page(), chromium.new_page()
            for tab, path in ((edited, page), (archives, "archives.html")):
                tab.goto(f"http://127.0.0.1:{port}/{path}")
                tab.evaluate("window.stayed = true")  # gone once the tab reloads
            time.sleep(0.5)  # the pages' event streams are open
            writes.hold()
            (content / "a03.md").write_text((content / "a03.md").read_text() + "\nUne phrase ajoutée : zorglub.\n")

            expect(edited.locator("main")).to_contain_text("zorglub", timeout=30_000)
            assert writes.waiting.is_set() and b"zorglub" not in (output / page).read_bytes()
            edited.evaluate("window.stayed = true")
            seen = len(stream.events)
            writes.release()
            wait_until(lambda: reloads(stream, seen), "no reload after the exact build")
            changed = reloads(stream, seen)[0]
            time.sleep(1)  # time for a tab to reload
            assert "archives.html" not in changed and archives.evaluate("window.stayed === true")
            assert edited.evaluate("window.stayed === true") == (page not in changed)
            expect(edited.locator("main")).to_contain_text("zorglub")
            chromium.close()
    finally:
        writes.release()
        stop.set()
        thread.join(timeout=10)


def test_the_watcher_names_the_files_an_editor_saved(tmp_path: Path) -> None:
    from watchdog.events import DirCreatedEvent, DirModifiedEvent, FileModifiedEvent, FileMovedEvent

    content = (tmp_path / "content").resolve()
    watcher = SourceWatcher(BuildRequest(content=content, output=tmp_path / "site", cwd=tmp_path), threading.Event())
    watcher.on_any_event(FileMovedEvent(str(content / ".a.md.tmp"), str(content / "a.md")))  # an atomic save
    watcher.on_any_event(DirModifiedEvent(str(content)))  # goes with every change inside the folder
    watcher.on_any_event(FileModifiedEvent(str(content / "b.md~")))  # noise
    assert watcher.take() == {content / "a.md"} and watcher.changed.is_set()
    assert watcher.take() == set()
    watcher.on_any_event(DirCreatedEvent(str(content / "2024")))
    assert watcher.take() == {Path()}  # no file to read ahead of the build: an exact build only
