"""How long `enrich` takes on a synthetic archive of N articles, and how much memory it needs.

    PYTHONPATH=src python bench/related_scale.py 10000 [--repeat 3] [--work /dev/shm/chronique-bench]

The archive is the perf-anchor corpus (shared/bench-anchors/gen.py: ~540 French-like words per
article, 3-5 Zipf-distributed tags from a pool of 200), written as YAML front-matter files and read
with `chronique.load.load_archive`. Reading is not part of the budget: it is timed and reported on
its own, and its result is kept (a pickle beside the files, per code version) so that later runs
skip it. Reading includes each article's analysis (its stem counts and runs of capitals, see
`chronique.analysis`), which is done on every core as files are parsed and cached with them;
its cost is also measured on its own, on one core, and reported, so that the whole cost of related
lists and tags for a new archive is on the page: enrich + analysis / cores.

Each repeat runs `enrich` in a fresh process, so that its peak memory (ru_maxrss) is its own: the
peak is reported next to the memory the process held before `enrich` started. The time of the
related-article part (the stem matrix, `index_signal` and `search`) is reported separately, as is
the rest (tags, entities, teasers), so that each owner knows their share.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "bench-anchors" / "gen.py"


def generate(count: int, folder: Path, generator: Path) -> None:
    """Write articles 0..count-1 of the anchor corpus (the same as gen.py's yaml/ layout)."""
    spec = importlib.util.spec_from_file_location("gen", generator)
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    corpus = gen.Corpus()
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        article = corpus.article(number)
        (folder / f"{article['slug']}.md").write_text(gen.yaml_md(article), encoding="utf-8")


def prepare(count: int, work: Path, generator: Path) -> tuple[Path, float | None]:
    """The pickled articles of an N-article archive, made if missing; and the load time if measured now."""
    from chronique.cache import code_version

    folder = work / f"n{count}"
    records = folder / f"articles-{code_version()[:16]}.pickle"
    if records.exists():
        return records, None
    for stale in folder.glob("articles*.pickle"):
        stale.unlink()
    content = folder / "yaml"
    if not content.is_dir() or sum(1 for _ in content.iterdir()) != count:
        print(f"generating {count} articles in {content} ...", file=sys.stderr)
        generate(count, content, generator)
    from chronique.analysis import analyse
    from chronique.load import load_archive

    start = time.perf_counter()
    loaded = load_archive(content)
    seconds = time.perf_counter() - start
    assert not loaded.problems, loaded.problems[:3]
    start = time.perf_counter()
    for article in loaded.articles:
        analyse(article.title, article.text, "fr")
    analysis = time.perf_counter() - start
    records.write_bytes(pickle.dumps(loaded.articles, protocol=pickle.HIGHEST_PROTOCOL))
    measured = {"articles": len(loaded.articles), "seconds": seconds, "analysis": analysis}
    (folder / "load.json").write_text(json.dumps(measured))
    return records, seconds


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(records: Path) -> dict[str, float]:
    """One timed `enrich` (run in a child process by `main`)."""
    import chronique.enrich as enrich_module
    from chronique.config import SiteConfig

    articles = pickle.loads(records.read_bytes())
    spent = {"related": 0.0}

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent["related"] += time.perf_counter() - start

        return wrapper

    enrich_module.index_signal = timed(enrich_module.index_signal)
    enrich_module.search = timed(enrich_module.search)
    enrich_module.term_matrix = timed(enrich_module.term_matrix)
    before = _rss_mib()
    start = time.perf_counter()
    enrich_module.enrich(articles, SiteConfig())
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"enrich": total, "related": spent["related"], "rss_before": before, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs, each in a fresh process (median shown)")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/chronique-bench"), help="where archives are kept")
    parser.add_argument("--generator", type=Path, default=GENERATOR, help="the anchor corpus generator gen.py")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.child)))
        return
    records, loaded_now = prepare(options.count, options.work, options.generator)
    load = json.loads((records.parent / "load.json").read_text())
    runs = []
    for _ in range(options.repeat):
        child = subprocess.run(
            [sys.executable, __file__, str(options.count), "--child", str(records)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        )
        runs.append(json.loads(child.stdout))
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(f"articles            {options.count}")
    note = "" if loaded_now is not None else " (measured when the archive was first read)"
    print(f"load_archive        {load['seconds']:.2f} s{note}, not part of the budget")
    print(f"  of which analysis {load['analysis']:.2f} s on one core (done on every core while reading, then cached)")
    print(f"enrich              {median['enrich']:.2f} s  (median of {len(runs)}: "
          + ", ".join(f"{run['enrich']:.2f}" for run in runs) + ")")
    print(f"  related part      {median['related']:.2f} s  (stem matrix, index_signal, search)")
    print(f"  everything else   {median['enrich'] - median['related']:.2f} s  (tags, entities, teasers)")
    print(f"memory              {median['rss_before']:.0f} MiB before enrich, peak {median['peak']:.0f} MiB")


if __name__ == "__main__":
    main()
