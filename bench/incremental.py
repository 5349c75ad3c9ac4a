"""Rebuild after adding one article, on a synthetic archive (default 10,000 articles).

    python bench/incremental.py [N] [--work /dev/shm/chronique-bench]

Generates the archive with ../shared/bench-anchors/gen.py (the generator the
Hugo and Pelican reference figures were measured with), then measures, each
as a fresh `chronique build` process (wall time and peak memory):

1. a clean build (no cache);
2. a rebuild with nothing changed (it stops after surveying the inputs, see `uptodate`);
3. a rebuild after adding one new article (the generator's staged articles);

and, in one long-lived process as `chronique serve` runs it (imports warmed up
after the first build, a server thread alive, so that nothing forks), a rebuild
after adding another article. For the rebuilds it reports the files written and
the files left untouched, counted from the output folder's modification times.
Work goes to tmpfs (/dev/shm) by default: on these machines' disks, writing
thousands of files adds erratic seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "bench-anchors" / "gen.py"
sys.path.insert(0, str(REPO / "src"))


def generate(count: int, work: Path, generator: Path) -> Path:
    corpus = work / f"corpus-{count}"
    if not (corpus / "yaml").is_dir():
        subprocess.run([sys.executable, str(generator), str(count), str(corpus)], check=True)
    return corpus


def run_build(content: Path, output: Path, *extra: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and the summary line of one `chronique build` process."""
    command = [sys.executable, str(REPO / "build.py"), "build", "--content", str(content), "--output", str(output),
               *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    out, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"build failed:\n{err}")
    return elapsed, usage.ru_maxrss / 1024, out.strip().splitlines()[-1]


def mtimes(site: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in site.rglob("*") if path.is_file()}


def touched(before: dict[Path, int], after: dict[Path, int]) -> tuple[int, int]:
    """(files written or created, files left untouched)."""
    written = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    return written, len(after) - written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/chronique-bench"))
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    args = parser.parse_args()

    corpus = generate(args.count, args.work, args.generator)
    root = args.work / f"run-{args.count}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(corpus / "yaml", root / "content")
    content, site = root / "content", root / "site"
    staged = sorted((corpus / "yaml-staging").glob("*.md"))

    # A file changed less than two seconds ago is not trusted by its stat (`load.RACY_NS`); a real
    # archive's files are older than that.
    time.sleep(2.1)
    print(f"archive: {args.count} articles ({corpus}), output {site}")
    seconds, memory, summary = run_build(content, site, "--clean")
    print(f"clean build            {seconds:7.2f} s  {memory:6.0f} MiB  {summary}")

    before = mtimes(site)
    seconds, memory, summary = run_build(content, site)
    written, untouched = touched(before, mtimes(site))
    print(f"rebuild, no change     {seconds:7.2f} s  {memory:6.0f} MiB  written {written}, untouched {untouched}")

    shutil.copy(staged[0], content)
    before = mtimes(site)
    seconds, memory, summary = run_build(content, site)
    written, untouched = touched(before, mtimes(site))
    print(f"rebuild, +1 article    {seconds:7.2f} s  {memory:6.0f} MiB  written {written}, untouched {untouched}")
    print(f"                       {summary}")

    from chronique.build import BuildRequest, build_site, warm_up
    from chronique.cache import BuildMemory

    request = BuildRequest(content=content, output=site, cwd=root)
    memory_cache = BuildMemory()
    build_site(request, memory=memory_cache)  # the preview server's first build
    warm_up(request, memory_cache)
    # The server's thread: with it alive, nothing forks (see `parallel.can_fork`), as in `chronique serve`.
    threading.Thread(target=threading.Event().wait, daemon=True).start()
    shutil.copy(staged[1], content)
    before = mtimes(site)
    started = time.perf_counter()
    report = build_site(request, memory=memory_cache)
    seconds = time.perf_counter() - started
    written, untouched = touched(before, mtimes(site))
    stages = ", ".join(f"{stage} {elapsed:.2f}" for stage, elapsed in report.timings)
    print(f"serve rebuild, +1      {seconds:7.2f} s             written {written}, untouched {untouched}")
    print(f"                       {report.rendered} pages rendered; stages (s): {stages}")


if __name__ == "__main__":
    main()
