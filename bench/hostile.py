"""What one hostile article costs a build: the seeds built with and without it.

    python bench/hostile.py [--timeout 120] [--work /dev/shm/chronique-hostile] [NAME ...]

Each hostile file is added alone to a copy of seeds/ and built with `--clean` as a fresh
`chronique build` process; the table gives the wall time and the peak memory (the largest
process's resident set, forked workers included) of that build, and what each adds to the build
of the seeds alone. The goal (issue 11) is that no single input file adds more than 10 s or
200 MB. A build that runs past `--timeout` is stopped and shown as such.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FRONT = "---\ntitle: Hostile\ndate: 2024-01-01\n---\n\n"
PAGE = "<html><head><title>Hostile</title><meta name=date content=2024-01-01></head><body><article><h1>Hostile</h1>"
BENIGN = "Le ministre a annoncé à Rabat une coopération renforcée entre le Maroc et la France. "


def _front(**lists: list[str]) -> str:
    keys = "".join(f"{key}: [{', '.join(values)}]\n" for key, values in lists.items())
    return f"---\ntitle: Hostile\ndate: 2024-01-01\n{keys}---\n\nBody.\n"


HOSTILE: dict[str, Callable[[], str]] = {
    "list nested 1,600 deep (-)": lambda: FRONT + "".join("  " * level + "- a\n" for level in range(1600)),
    "list nested 800 deep (1.)": lambda: FRONT + "".join("    " * level + "1. a\n" for level in range(800)),
    "blockquote 1,500 deep (>>>)": lambda: FRONT + "".join(">" * level + " a\n" for level in range(1, 1500)),
    "100 KB of [": lambda: FRONT + "[" * 100_000 + "\n",
    "30,000 '[a '": lambda: FRONT + "[a " * 30_000 + "\n",
    "30,000 '![ '": lambda: FRONT + "![ " * 30_000 + "\n",
    "20,000 '[a]('": lambda: FRONT + "[a](" * 20_000 + "\n",
    "30,000 '<a '": lambda: FRONT + "<a " * 30_000 + "\n",
    "20,000 '<a b=\"x '": lambda: FRONT + '<a b="x ' * 20_000 + "\n",
    "20,000 '<![CDATA['": lambda: FRONT + "<![CDATA[" * 20_000 + "\n",
    "10,000 *_ nested": lambda: FRONT + "*_" * 10_000 + "a" + "_*" * 10_000 + "\n",
    "table of 5,000 columns": lambda: FRONT + "|a" * 5000 + "|\n" + "|-" * 5000 + "|\n" + ("|b" * 5000 + "|\n") * 20,
    "saved page, 100,000 nested divs": lambda: PAGE + "<div>" * 100_000 + "<p>a</p></article></body></html>",
    "press export, 100,000 teaser lines": lambda: (
        "Titre\n\nTexte.\n\nLe 12/03/2020\n\nLes articles en relation\n"
        + "".join(f"Teaser {number}\nExtrait {number}...\n" for number in range(50_000))
    ),
    "20,000 tags": lambda: _front(tags=[f"t{number}" for number in range(20_000)]),
    "20,000 authors": lambda: _front(authors=[f"a{number}" for number in range(20_000)]),
    "100,000 extra keys": lambda: FRONT.replace("---\n\n", "".join(f"k{n}: v\n" for n in range(100_000)) + "---\n\n")
    + "Body.\n",
    "1.5 MB of plain paragraphs": lambda: FRONT + (BENIGN * 12 + "\n\n") * 1500,
    "1.9 MB of paragraphs with 100 tags": lambda: _front(tags=[f"t{n}" for n in range(100)]).replace("Body.\n", "")
    + (BENIGN * 12 + "\n\n") * 1800,
    "an abbreviation used 400,000 times (time budget)": lambda: FRONT + "*[a]: b\n\n" + "a " * 400_000 + "\n",
    "40 MB of plain paragraphs": lambda: FRONT + (BENIGN * 12 + "\n\n") * 40_000,
}
TAXONOMY_RULES = 10_000
TAXONOMY = "taxonomy"
"""'10,000 taxonomy rules all matching one article': compared with a build with the rules alone."""
RULES_ALONE = "taxonomy rules alone"


def run_build(content: Path, output: Path, timeout: float) -> float | None:
    """Wall seconds of one `chronique build --clean`, None when stopped at `timeout`."""
    command = [sys.executable, str(REPO / "build.py"), "build", "--clean", "--quiet", "--content", str(content),
               "--output", str(output)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None
    return time.perf_counter() - started


def measure(name: str, work: Path, timeout: float) -> None:
    """Build the seeds with `name`'s file (or alone for ""), print 'seconds MiB' on stdout."""
    content = work / "content"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(REPO / "seeds", content)
    config = content / "site.yaml"
    if name in (TAXONOMY, RULES_ALONE):
        rules = "".join(f"  r{number}: [mot{number}]\n" for number in range(TAXONOMY_RULES))
        config.write_text(config.read_text(encoding="utf-8").replace("taxonomy:\n", "taxonomy:\n" + rules, 1),
                          encoding="utf-8")
    if name == TAXONOMY:
        words = " ".join(f"mot{number}" for number in range(TAXONOMY_RULES))
        (content / "hostile.md").write_text(_front() + words + "\n", encoding="utf-8")
    elif name in HOSTILE:
        (content / "hostile.md").write_text(HOSTILE[name](), encoding="utf-8")
    seconds = run_build(content, work / "site", timeout)
    # The largest waited-for process's peak: this process runs one build, so it is that build's.
    memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{seconds if seconds is not None else 'nan'} {memory:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="hostile files to try (default: all)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/chronique-hostile"))
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure(args.measure, args.work, args.timeout)
        return

    def one(name: str) -> tuple[float, float]:
        # A process of its own per build: RUSAGE_CHILDREN's peak never goes down.
        result = subprocess.run([sys.executable, __file__, "--measure", name, "--work", str(args.work),
                                 "--timeout", str(args.timeout)], capture_output=True, text=True, check=True)
        seconds, memory = result.stdout.split()
        return float(seconds), float(memory)

    names = args.names or [*HOSTILE, TAXONOMY]
    base_seconds, base_memory = one("")
    print("| file | build s | peak MiB | added s | added MiB |\n|---|---:|---:|---:|---:|")
    print(f"| seeds alone | {base_seconds:.2f} | {base_memory:.0f} | | |")
    rules_alone = one(RULES_ALONE) if TAXONOMY in names else (0.0, 0.0)
    for name in names:
        seconds, memory = one(name)
        before = rules_alone if name == TAXONOMY else (base_seconds, base_memory)
        label = f"{TAXONOMY_RULES:,} taxonomy rules matching one article" if name == TAXONOMY else name
        if math.isnan(seconds):  # stopped
            print(f"| {label} | > {args.timeout:.0f} (stopped) | {memory:.0f} | | |", flush=True)
        else:
            print(f"| {label} | {seconds:.2f} | {memory:.0f} | {seconds - before[0]:+.2f} | "
                  f"{memory - before[1]:+.0f} |", flush=True)
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
