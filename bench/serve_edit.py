"""How fast `chronique serve` shows an edited article: first ahead of the build, then exact.

    PYTHONPATH=src python bench/serve_edit.py SOURCE [--work /dev/shm/serve-fast-bench] [--runs 5] [--verify]

Copies the archive SOURCE (e.g. /dev/shm/engine/corpus-10000/yaml) to WORK/content once, starts
`python build.py serve` on it (output WORK/site, cache WORK/.chronique-cache; the first start
builds the whole site), listens to its live-reload stream as a browser does, and edits articles
one after the other: each edit adds a sentence with a new word to the end of an article's body,
written as an editor saves (one write of the whole file). For each edit it prints

- `shown`: seconds from the write to the edited page being served with the new word (polled over
  HTTP every 10 ms): the page rendered ahead of the build, with the last build's related lists;
- `exact`: seconds from the write to the live-reload event that follows the exact build;
- the stage times of the exact build the server printed (`-v`).

Edits start once the server is idle (its first build done, and the planning of the site it does
after a first build that found nothing changed); the first is printed apart (`first`). Every edit
is undone at the end (the files get their old bytes back and the server rebuilds). With
`--verify`, the site the server left is then compared with a clean build of the same content
(`build --clean --drafts` into WORK/clean, as serve shows drafts): they must be byte-identical.
"""

from __future__ import annotations

import argparse
import filecmp
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from chronique.load import read_article  # noqa: E402
from chronique.urls import URLS  # noqa: E402

POLL_SECONDS = 0.01
TIMEOUT_SECONDS = 120.0


class Server:
    """`python build.py serve` on WORK, its stderr kept, its reload events timed."""

    def __init__(self, work: Path) -> None:
        self.work = work
        command = [sys.executable, str(REPO / "build.py"), "serve", "--content", "content", "--output", "site",
                   "--port", "0", "-v"]
        self.process = subprocess.Popen(command, cwd=work, stderr=subprocess.PIPE, text=True,
                                        env={**os.environ, "PYTHONPATH": str(REPO / "src")}, start_new_session=True)
        self.lines: list[tuple[float, str]] = []
        self.port = 0
        threading.Thread(target=self._read_stderr, daemon=True).start()
        deadline = time.monotonic() + 900
        while not self.port:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("serve did not start:\n" + "\n".join(line for _, line in self.lines))
            time.sleep(0.1)
        self.reloads: list[float] = []
        threading.Thread(target=self._read_events, daemon=True).start()
        self.wait_idle()

    def wait_idle(self) -> None:
        """Wait until the server spends under 5 % of a core for a second: done with its first builds."""
        def cpu_seconds() -> float:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        before = cpu_seconds()
        while True:
            time.sleep(1)
            now = cpu_seconds()
            if now - before < 0.05:
                return
            before = now

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append((time.perf_counter(), line.rstrip()))
            if found := re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", line):
                self.port = int(found.group(1))

    def _read_events(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
        connection.request("GET", "/__chronique/events")
        for line in connection.getresponse():
            if line.startswith(b"event: reload"):
                self.reloads.append(time.perf_counter())

    def get(self, path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", "/" + path)
            return connection.getresponse().read()
        finally:
            connection.close()

    def wait_for_build(self, after: float) -> list[str]:
        """The stage lines of the first build that ends after `after` (waits for its `built:` line)."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            lines = [line for at, line in self.lines if at > after]
            if any(line.startswith(("built:", "build failed")) for line in lines):
                return lines
            time.sleep(0.05)
        raise SystemExit("no build ended in time")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=60)


def edit(server: Server, content: Path, name: str, word: str) -> tuple[float, float, list[str]]:
    """Add `word` to the article `name`: seconds to the page shown with it, to the exact build's reload."""
    path = content / name
    data = path.read_bytes()
    page = URLS.article(read_article(Path(name), data))
    reloads = len(server.reloads)
    started = time.perf_counter()
    path.write_bytes(data.rstrip(b"\n") + f"\n\nUne phrase de plus : {word}.\n".encode())
    shown = exact = None
    ahead = False
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if shown is None and word.encode() in server.get(page):
            shown = time.perf_counter() - started
            ahead = not site_has(server, page, word)  # served before the exact build wrote it
        # The exact build's reload comes after the quick page's, if there was one.
        if shown is not None and len(server.reloads) >= reloads + 1 + ahead:
            exact = server.reloads[reloads + ahead] - started
            break
        time.sleep(POLL_SECONDS)
    if shown is None or exact is None:
        raise SystemExit(f"{name}: the edit was never shown")
    lines = server.wait_for_build(started)
    time.sleep(1)  # let the reload of the build settle before the next edit
    return shown, exact, lines


def site_has(server: Server, page: str, word: str) -> bool:
    """Whether the exact build has written `page` with `word` (the file on disk, not the served copy)."""
    try:
        return word.encode() in (server.work / "site" / page).read_bytes()
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/serve-fast-bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verify", action="store_true")
    options = parser.parse_args()
    content = options.work / "content"
    if not content.is_dir():
        shutil.copytree(options.source, content)
    names = sorted(name for name in os.listdir(content) if name.endswith(".md"))
    chosen = [names[(number * 7919 + 1000) % len(names)] for number in range(options.runs + 1)]
    originals = {name: (content / name).read_bytes() for name in chosen}
    time.sleep(2.1)  # older than the loader's racy window (`load.RACY_NS`), as a real archive's files are
    started = time.perf_counter()
    server = Server(options.work)
    print(f"serve idle {time.perf_counter() - started:.1f} s after it started (port {server.port}); its builds:")
    for _, line in server.lines:
        if line.startswith("built:"):
            print(f"  {line}")
    results = []
    try:
        for number, name in enumerate(chosen):
            shown, exact, lines = edit(server, content, name, f"zorglub{number}x{os.getpid()}")
            label = "first" if number == 0 else f"edit {number}"
            stages = " ".join(line.split()[0] + "=" + line.split()[1] for line in lines if line.startswith("  "))
            print(f"{label:>7}: shown {shown:6.3f} s, exact {exact:6.3f} s  ({name}; build {stages})")
            if number:
                results.append((shown, exact))
    finally:
        for name, data in originals.items():
            (content / name).write_bytes(data)
        undone = time.perf_counter()
        server.wait_for_build(undone)
        time.sleep(1)
        server.stop()
    shown_times, exact_times = [shown for shown, _ in results], [exact for _, exact in results]
    if results:
        print(f"median of {len(results)} edits: shown {statistics.median(shown_times):.3f} s "
              f"(max {max(shown_times):.3f}), exact {statistics.median(exact_times):.3f} s "
              f"(max {max(exact_times):.3f})")
    if options.verify:
        clean = options.work / "clean"
        subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--content", "content", "--output", "clean",
                        "--clean", "--drafts"], cwd=options.work, check=True)
        mismatch = compare(options.work / "site", clean)
        print("site on disk = clean build" if not mismatch else f"site differs from a clean build: {mismatch[:10]}")
        return 1 if mismatch else 0
    return 0


def compare(left: Path, right: Path) -> list[str]:
    """The files that differ or exist on one side only (the manifest is the cache's, not the site's)."""
    differ: list[str] = []
    comparison = filecmp.dircmp(left, right)
    stack = [(comparison, "")]
    while stack:
        current, prefix = stack.pop()
        differ += [prefix + name for name in current.left_only + current.right_only + current.funny_files]
        _, mismatch, errors = filecmp.cmpfiles(current.left, current.right, current.common_files, shallow=False)
        differ += [prefix + name for name in mismatch + errors]
        stack += [(sub, f"{prefix}{name}/") for name, sub in current.subdirs.items()]
    return sorted(differ)


if __name__ == "__main__":
    raise SystemExit(main())
