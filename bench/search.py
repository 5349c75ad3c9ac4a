"""Search speed on a synthetic archive: Chronique's search from file:// against Pagefind over HTTP.

    PYTHONPATH=src python bench/search.py 10000 [--work /dev/shm/chronique-search] [--no-pagefind]

1. Generates (or reuses) the archive of N articles of ../shared/bench-anchors/gen.py (article i is
   the same at every N, so the queries below mean the same at every N).
2. Builds it with Chronique as a clean `build.py --verbose` process (`--repo` picks the checkout,
   default this one): wall time, peak memory (wait4), the stage times the build prints (a stage
   named like "search" or "index" is reported as the search's share), the size of search/ against
   the size of the site's HTML.
3. Opens `search.html?q=<query>` from file:// in headless Chromium (/usr/bin/chromium through
   Playwright) for each query and reports: the bytes of search/ files the page loaded (read from
   disk: file:// has no transfer sizes), the time from navigation to the first result in the
   list (performance.now() of the DOM mutation, whose origin is the navigation), the JavaScript
   heap after the query (CDP Runtime.getHeapUsage, after a garbage collection); then types a word
   letter by letter in an empty box and reports the time from each keydown to the last change of
   the results list and status (the page's own debounce included).
4. Unless --no-pagefind: indexes the same site with Pagefind (a separate venv, `--pagefind`),
   reporting its time and peak memory, and runs the same queries over a local HTTP server on
   127.0.0.1 (Pagefind cannot run from file://) with a minimal page that calls Pagefind's JS API
   and renders its first results (`--pagefind-page`, 5 like Pagefind's default UI).

Prints Markdown tables. Every wait is bounded (`--timeout` per query). Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "bench-anchors" / "gen.py"
CHROMIUM = "/usr/bin/chromium"
PAGEFIND_PYTHON = Path("/tmp/pf-venv/bin/python")
PAGEFIND_PAGE = "__bench_pagefind.html"
QUIET_MS = 600  # the display counts as settled when results and status have not changed for this long
MiB = 1024 * 1024

# Installed before any script of the page: records when the results list first holds an entry and
# when the results or the status last changed, in performance.now() time (0 = navigation start).
RECORDER = """
(() => {
  const bench = window.__bench = {first: null, last: null, key: null, afterKey: null, status: null, changes: 0};
  const results = () => document.querySelector(%(results)s);
  const status = () => document.querySelector(%(status)s);
  const observer = new MutationObserver((mutations) => {
    const list = results(), line = status();
    const watched = mutations.some((m) => (list && list.contains(m.target)) || (line && line.contains(m.target)));
    if (!watched) return;
    const now = performance.now();
    bench.last = now;
    bench.changes += 1;
    if (bench.key !== null && bench.afterKey === null) bench.afterKey = now;
    bench.status = line ? line.textContent.trim() : null;
    if (bench.first === null && list && list.querySelector(%(item)s)) bench.first = now;
  });
  observer.observe(document, {subtree: true, childList: true, characterData: true, attributes: false});
  document.addEventListener("keydown", () => { bench.key = performance.now(); bench.afterKey = null; }, true);
})();
"""

# Pagefind's JS API behind the same ids as Chronique's page, so that one recorder serves both.
PAGEFIND_HTML = """<!doctype html><html lang="fr"><meta charset="utf-8"><title>Pagefind</title>
<input type="search" id="search-q"><p id="search-status"></p><ol id="search-results"></ol>
<script type="module">
const page = %(page)d;
const list = document.getElementById("search-results");
const status = document.getElementById("search-status");
const input = document.getElementById("search-q");
const pagefind = await import("/pagefind/pagefind.js");
await pagefind.options({excerptLength: 30});
let latest = 0;
async function show(query) {
  const ticket = ++latest;
  const search = await pagefind.search(query || null);
  if (!search) return;
  const shown = await Promise.all(search.results.slice(0, page).map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...shown.map((doc) => {
    const li = document.createElement("li");
    const a = li.appendChild(document.createElement("a"));
    a.href = doc.url; a.textContent = doc.meta.title || doc.url;
    li.appendChild(document.createElement("p")).innerHTML = doc.excerpt;
    return li;
  }));
  status.textContent = search.results.length + " résultats";
}
input.addEventListener("input", () => show(input.value));
const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
if (initial) show(initial);
</script></html>
"""


@dataclass
class Query:
    kind: str
    text: str


@dataclass
class Visit:
    """One query in one browser page."""

    first_ms: float | None  # navigation start -> first result in the list; None if none came
    settled_ms: float | None  # navigation start -> last change of results or status
    status: str | None
    results: list[tuple[str, str]]  # (href, title) of the entries shown
    index_bytes: int  # bytes of index files requested
    index_files: int
    heap_bytes: int  # JS heap used after a garbage collection
    heap_before_gc: int


@dataclass
class Typing:
    word: str
    latencies_ms: list[float | None] = field(default_factory=list)  # keydown -> last change, per letter
    first_ms: list[float | None] = field(default_factory=list)  # keydown -> first change, per letter
    index_bytes: int = 0  # index bytes loaded while typing
    heap_bytes: int = 0


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def load_generator(path: Path):
    spec = importlib.util.spec_from_file_location("bench_anchor_gen", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_queries(generator: Path) -> list[Query]:
    """Queries made from the generator's own vocabulary (the same at every N).

    Body words are drawn 70 % uniformly and 30 % by Zipf rank from 4,000 words, so the first word
    is the most common; tag words appear only in tags, and the last tags are the rarest.
    """
    corpus = load_generator(generator).Corpus()
    plain = [w for w in corpus.vocab if w.isalpha() and len(w) >= 6 and fold(w) == w]
    common = next(w for w in corpus.vocab[:20] if len(w) >= 4 and w.isalpha())
    rare = next(t for t in reversed(corpus.tags) if " " not in t and len(t) >= 6)
    first, second = plain[100], plain[2000]
    typo_source = plain[300]
    words = set(corpus.vocab)
    early, late = (
        next(
            candidate
            for position in positions
            for candidate in (typo_source[:position] + "z" + typo_source[position + 1 :],)
            if candidate not in words
        )
        for positions in (range(2, len(typo_source)), range(len(typo_source) - 2, 1, -1))
    )
    return [
        Query("rare word (a tag of the rarest ones)", fold(rare)),
        Query("common word", common),
        Query("two words", f"{first} {second}"),
        Query(f"typo early in the word (for {typo_source})", early),
        Query(f"typo late in the word (for {typo_source})", late),
        Query(f"prefix while typing (of {plain[500]})", plain[500][:4]),
    ]


def generate(count: int, work: Path, generator: Path, timeout: float) -> Path:
    corpus = work / f"corpus-{count}"
    if not (corpus / "yaml").is_dir():
        subprocess.run([sys.executable, str(generator), str(count), str(corpus)], check=True, timeout=timeout)
    return corpus / "yaml"


def timed_process(command: list[str], timeout: float, **options: object) -> tuple[float, float, str, int]:
    """Wall seconds, peak RSS in MiB (the process and the children it waited for), output, exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **options)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        output = process.stdout.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output, process.returncode


STAGE = re.compile(r"^\s+([A-Za-z][\w -]*?)\s+([\d.]+) s\s*$")


def build(repo: Path, content: Path, site: Path, timeout: float) -> dict[str, object]:
    shutil.rmtree(site, ignore_errors=True)
    command = [sys.executable, str(repo / "build.py"), "--content", str(content), "--output", str(site), "--verbose"]
    environment = {**os.environ, "PYTHONPATH": str(repo / "src")}
    wall, peak, output, code = timed_process(command, timeout, cwd=repo, env=environment)
    if code != 0:
        raise SystemExit(f"build failed ({code}):\n{output[-3000:]}")
    stages = {m.group(1).strip(): float(m.group(2)) for m in map(STAGE.match, output.splitlines()) if m}
    summary = next((line for line in reversed(output.splitlines()) if line.strip()), "")
    return {"command": " ".join(command), "wall": wall, "peak_mib": peak, "stages": stages, "summary": summary}


def sizes(site: Path) -> dict[str, int]:
    totals = {"index": 0, "index_files": 0, "html": 0, "html_files": 0}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(site).parts
        if relative[0] == "search":
            totals["index"] += path.stat().st_size
            totals["index_files"] += 1
        elif path.suffix == ".html":
            totals["html"] += path.stat().st_size
            totals["html_files"] += 1
    return totals


# --- the browser -------------------------------------------------------------------------------


@dataclass
class Selectors:
    results: str = "#search-results"
    item: str = "li"
    status: str = "#search-status"
    input: str = "#search-q"
    link: str = "a"


class Browser:
    """One headless Chromium; each visit is a fresh context (empty cache, fresh heap)."""

    def __init__(self, playwright, selectors: Selectors, timeout: float) -> None:
        self.browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--enable-precise-memory-info"]
        )
        self.selectors = selectors
        self.timeout = timeout
        self.recorder = RECORDER % {
            "results": json.dumps(selectors.results),
            "status": json.dumps(selectors.status),
            "item": json.dumps(selectors.item),
        }

    def close(self) -> None:
        self.browser.close()

    @contextlib.contextmanager
    def page(self, index_file: Callable[[str], Path | None]) -> Iterator[tuple[object, list[Path], list[str]]]:
        """A fresh page, the list of index files it requests and its console errors."""
        context = self.browser.new_context()
        context.add_init_script(self.recorder)
        page = context.new_page()
        requested: list[Path] = []
        errors: list[str] = []

        def on_request(request) -> None:
            path = index_file(request.url)
            if path is not None and path not in requested:
                requested.append(path)

        page.on("request", on_request)
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield page, requested, errors
        finally:
            context.close()

    def settle(self, page, since: float = 0.0) -> dict:
        """Waits (bounded) until results or status last changed QUIET_MS ago, after `since`."""
        deadline = time.monotonic() + self.timeout
        while True:
            state = page.evaluate("() => ({...window.__bench, now: performance.now()})")
            last = state["last"]
            if last is not None and last > since and state["now"] - last >= QUIET_MS:
                return state
            if time.monotonic() > deadline:
                state["timed_out"] = True
                return state
            page.wait_for_timeout(50)

    def resource_paths(self, page, index_file: Callable[[str], Path | None]) -> list[Path]:
        names = page.evaluate("() => performance.getEntriesByType('resource').map((e) => e.name)")
        return [path for path in map(index_file, names) if path is not None]

    def heap(self, page) -> tuple[int, int]:
        session = page.context.new_cdp_session(page)
        before = int(session.send("Runtime.getHeapUsage")["usedSize"])
        session.send("HeapProfiler.collectGarbage")
        after = int(session.send("Runtime.getHeapUsage")["usedSize"])
        session.detach()
        return after, before

    def visit(self, url: str, index_file: Callable[[str], Path | None]) -> tuple[Visit, list[str]]:
        with self.page(index_file) as (page, requested, errors):
            page.goto(url, wait_until="load", timeout=self.timeout * 1000)
            state = self.settle(page)
            files = list(dict.fromkeys([*requested, *self.resource_paths(page, index_file)]))
            results = page.evaluate(
                """([list, item, link]) => Array.from(document.querySelectorAll(list + " > " + item)).map((li) => {
                       const a = li.querySelector(link);
                       return [a ? a.getAttribute("href") : "", a ? a.textContent.trim() : li.textContent.trim()];
                   })""",
                [self.selectors.results, self.selectors.item, self.selectors.link],
            )
            heap_after, heap_before = self.heap(page)
            return Visit(
                first_ms=state["first"],
                settled_ms=state["last"],
                status=state["status"],
                results=[tuple(r) for r in results],
                index_bytes=sum(p.stat().st_size for p in files if p.is_file()),
                index_files=len(files),
                heap_bytes=heap_after,
                heap_before_gc=heap_before,
            ), errors

    def type_word(self, url: str, word: str, index_file: Callable[[str], Path | None]) -> tuple[Typing, list[str]]:
        typing = Typing(word)
        with self.page(index_file) as (page, requested, errors):
            page.goto(url, wait_until="load", timeout=self.timeout * 1000)
            page.wait_for_timeout(QUIET_MS)
            page.focus(self.selectors.input)
            for letter in word:
                page.keyboard.press(letter)
                key = page.evaluate("() => window.__bench.key")
                state = self.settle(page, since=key)
                typing.latencies_ms.append(None if state.get("timed_out") else state["last"] - key)
                typing.first_ms.append(None if state["afterKey"] is None else state["afterKey"] - key)
            files = list(dict.fromkeys([*requested, *self.resource_paths(page, index_file)]))
            typing.index_bytes = sum(p.stat().st_size for p in files if p.is_file())
            typing.heap_bytes = self.heap(page)[0]
        return typing, errors


def file_index(site: Path, folder: str) -> Callable[[str], Path | None]:
    """Maps a requested URL to the file under site/folder it loads, or None for anything else."""
    root = (site / folder).resolve()

    def index_file(url: str) -> Path | None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme == "file":
            path = Path(urllib.parse.unquote(parsed.path)).resolve()
        elif parsed.scheme == "http" and parsed.path.startswith(f"/{folder}/"):
            path = (site / urllib.parse.unquote(parsed.path).lstrip("/")).resolve()
        else:
            return None
        return path if path.is_relative_to(root) else None

    return index_file


# --- Pagefind ----------------------------------------------------------------------------------


def pagefind_index(python: Path, site: Path, bundle: Path, timeout: float, root: str) -> dict[str, object]:
    shutil.rmtree(bundle, ignore_errors=True)
    command = [
        str(python),
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-path",
        str(bundle),
        "--root-selector",
        root,
    ]
    wall, peak, output, code = timed_process(command, timeout)
    if code != 0:
        raise SystemExit(f"pagefind failed ({code}):\n{output[-3000:]}")
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    files = sum(1 for p in bundle.rglob("*") if p.is_file())
    return {"command": " ".join(command), "wall": wall, "peak_mib": peak, "bytes": size, "files": files}


@contextlib.contextmanager
def serve(site: Path, bundle: Path, page_size: int) -> Iterator[str]:
    """The site over HTTP on 127.0.0.1, /pagefind/ from the bundle, and the Pagefind query page."""
    page = (PAGEFIND_HTML % {"page": page_size}).encode()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            clean = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
            if clean.startswith("/pagefind/"):
                return str(bundle / clean.removeprefix("/pagefind/"))
            return super().translate_path(path)

        def do_GET(self) -> None:
            if urllib.parse.urlsplit(self.path).path == f"/{PAGEFIND_PAGE}":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def pagefind_files(bundle: Path) -> Callable[[str], Path | None]:
    def index_file(url: str) -> Path | None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme == "http" and parsed.path.startswith("/pagefind/"):
            return bundle / urllib.parse.unquote(parsed.path).removeprefix("/pagefind/")
        return None

    return index_file


# --- reports -----------------------------------------------------------------------------------


def kb(count: int) -> str:
    return f"{count / 1024:,.0f} KB" if count < 10 * MiB else f"{count / MiB:,.1f} MB"


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def visit_rows(name: str, queries: list[Query], visits: list[Visit]) -> list[str]:
    rows = []
    for query, visit in zip(queries, visits, strict=True):
        rows.append(
            f"| {name} | {query.kind}: `{query.text}` | {kb(visit.index_bytes)} ({visit.index_files} files) "
            f"| {ms(visit.first_ms)} | {ms(visit.settled_ms)} | {len(visit.results)} shown; {visit.status or ''} "
            f"| {visit.heap_bytes / MiB:.1f} MB ({visit.heap_before_gc / MiB:.1f} before GC) |"
        )
    return rows


def spread(values: list[float | None]) -> str:
    known = [value for value in values if value is not None]
    each = ", ".join(ms(value).removesuffix(" ms") for value in values)
    return f"{each} (median {ms(statistics.median(known))}, max {ms(max(known))})" if known else "no change seen"


def typing_row(name: str, typing: Typing) -> str:
    return (
        f"| {name} | `{typing.word}` | {spread(typing.first_ms)} | {spread(typing.latencies_ms)} "
        f"| {kb(typing.index_bytes)} | {typing.heap_bytes / MiB:.1f} MB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/chronique-search"))
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    parser.add_argument("--repo", type=Path, default=REPO, help="the Chronique checkout that builds the site")
    parser.add_argument("--reuse-site", action="store_true", help="skip the build if the site exists")
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--pagefind", type=Path, default=PAGEFIND_PYTHON, help="python of a venv with pagefind")
    parser.add_argument("--pagefind-page", type=int, default=5, help="results Pagefind renders (its UI: 5)")
    parser.add_argument(
        "--pagefind-root",
        default="article.h-entry",
        help="Pagefind's --root-selector: pages without it are skipped (default: the articles)",
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for one query to settle")
    parser.add_argument("--build-timeout", type=float, default=3600.0)
    parser.add_argument("--results", default=Selectors.results, help="CSS selector of the results list")
    parser.add_argument("--status", default=Selectors.status, help="CSS selector of the status line")
    parser.add_argument("--input", default=Selectors.input, help="CSS selector of the search box")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    args.work.mkdir(parents=True, exist_ok=True)
    content = generate(args.count, args.work, args.generator, args.build_timeout)
    site = args.work / f"site-{args.count}"
    print(f"# Search at {args.count:,} articles\n")
    if args.reuse_site and (site / "search.html").is_file():
        print(f"Site reused: {site} (not rebuilt)\n")
    else:
        built = build(args.repo.resolve(), content, site, args.build_timeout)
        print(f"Build: `{built['command']}`\n")
        print(f"{built['summary']}\n\n| stage | seconds | share |\n|---|---|---|")
        total = sum(built["stages"].values()) or 1.0
        for stage, seconds in built["stages"].items():
            print(f"| {stage} | {seconds:.2f} | {seconds / total:.0%} |")
        search_stages = [s for s in built["stages"] if re.search("search|index", s, re.I)]
        print(f"| **whole process** | {built['wall']:.1f} | peak memory {built['peak_mib']:,.0f} MiB |\n")
        for stage in search_stages:
            seconds = built["stages"][stage]
            print(
                f"Search stage `{stage}`: {seconds:.2f} s = {seconds / total:.1%} of the stages' sum, "
                f"{seconds / built['wall']:.1%} of the whole build process\n"
            )
        if not search_stages:
            print("(the build prints no stage for the search index: its share is not visible)\n")
    measured = sizes(site)
    print(
        f"Index: {kb(measured['index'])} in {measured['index_files']:,} files under search/; "
        f"HTML: {kb(measured['html'])} in {measured['html_files']:,} pages "
        f"(index = {measured['index'] / max(measured['html'], 1):.1%} of the HTML)\n"
    )

    queries = synthetic_queries(args.generator)
    typed = queries[-1].kind.split("of ")[-1].rstrip(")")
    selectors = Selectors(results=args.results, status=args.status, input=args.input)
    header = (
        "| search | query | index loaded | first result | settled | results | JS heap |\n|---|---|---|---|---|---|---|"
    )
    typing_header = (
        "| search | typed letter by letter | keydown → first change of the display, ms | keydown → display settled, ms "
        "| index loaded | JS heap |\n|---|---|---|---|---|---|"
    )
    with sync_playwright() as playwright:
        browser = Browser(playwright, selectors, args.timeout)
        try:
            chronique_index = file_index(site, "search")
            page_url = (site / "search.html").resolve().as_uri()
            visits, errors = [], []
            for query in queries:
                visit, problems = browser.visit(f"{page_url}?q={urllib.parse.quote(query.text)}", chronique_index)
                visits.append(visit)
                errors += problems
            typing, problems = browser.type_word(page_url, typed, chronique_index)
            errors += problems
            rows, typing_rows = visit_rows("Chronique (file://)", queries, visits), [typing_row("Chronique", typing)]

            if not args.no_pagefind:
                bundle = args.work / f"pagefind-{args.count}"
                indexed = pagefind_index(args.pagefind, site, bundle, args.build_timeout, args.pagefind_root)
                print(
                    f"Pagefind: `{indexed['command']}`: {indexed['wall']:.1f} s, peak memory "
                    f"{indexed['peak_mib']:,.0f} MiB, bundle {kb(indexed['bytes'])} in {indexed['files']:,} files\n"
                )
                with serve(site, bundle, args.pagefind_page) as base:
                    pagefind_url = f"{base}/{PAGEFIND_PAGE}"
                    found = pagefind_files(bundle)
                    pagefind_visits = [
                        browser.visit(f"{pagefind_url}?q={urllib.parse.quote(q.text)}", found)[0] for q in queries
                    ]
                    rows += visit_rows("Pagefind (HTTP)", queries, pagefind_visits)
                    typing_rows.append(typing_row("Pagefind", browser.type_word(pagefind_url, typed, found)[0]))
        finally:
            browser.close()

    print(header)
    print("\n".join(rows))
    print()
    print(typing_header)
    print("\n".join(typing_rows))
    print()
    print(f"Console errors on Chronique's page: {len(errors)}" + "".join(f"\n- {e}" for e in errors[:10]))


if __name__ == "__main__":
    main()
