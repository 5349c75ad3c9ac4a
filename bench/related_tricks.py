"""What each speed trick of `chronique.enrich.related` saves: its stage timed as it is, then with the
trick replaced by the plain way (a sort), on the same synthetic archive as bench/related_diff.py.

    PYTHONPATH=src python bench/related_tricks.py [VARIANT ...] [--count 10000] [--runs 7]

VARIANT is one of those in `PLAIN` (all by default). For each, the signals `enrich` indexes and
searches are captured once, then `index_signal` ×3 and `search` run `--runs` times with the code as
it is and as many with the plain replacement; medians are printed per stage (the debug laps of
`search`), with the CPU time of `search`, and whether the related lists came out the same. The
machine may be shared: compare the figures of one run of this script, not across runs.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from related_diff import articles_of
from scipy import sparse

import chronique.enrich as enrich_module
import chronique.enrich.related as related
from chronique.config import SiteConfig


def _by_row(indptr: np.ndarray, *keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries sorted by row, then by `keys` (the last first, as np.lexsort): (order, row of each, place in row)."""
    lengths = np.diff(indptr)
    row_of = np.repeat(np.arange(len(lengths)), lengths)
    order = np.lexsort((*keys, row_of))
    return order, row_of[order], np.arange(len(order)) - np.repeat(indptr[:-1], lengths)


def _quantised(values: np.ndarray, count: int) -> np.ndarray:
    """The value part of `related._keys`, so that ties are the same."""
    span = max(count, 1).bit_length()
    scale = 10.0**related.DIGITS
    while (float(values.max()) if values.size else 0.0) * scale >= 2.0 ** (62 - span):
        scale /= 10.0
    return (values * scale).astype(np.int64)


def sorted_top_rows(indptr: np.ndarray, keys: np.ndarray, limit: int) -> np.ndarray:
    """`_top_rows` by one sort of the packed keys by row."""
    order, rows, place = _by_row(indptr, -keys)
    chosen = (place < limit) & (keys[order] >= 0)
    out = np.full((len(indptr) - 1, limit), -1, dtype=np.int64)
    out[rows[chosen], place[chosen]] = order[chosen]
    return out


def sorted_heaviest(indptr: np.ndarray, values: np.ndarray, limit: int) -> np.ndarray:
    """`_heaviest` by one sort by (row, value)."""
    lengths = np.diff(indptr)
    order, _, _ = _by_row(indptr, -values)
    short = lengths <= limit
    limit_th = values[order[np.minimum(indptr[:-1] + limit - 1, max(len(values) - 1, 0))]] if values.size else values
    return np.repeat(short, lengths) | (values >= np.repeat(np.where(short, 0, limit_th), lengths))


def unpacked_champions(
    matrix: sparse.csr_matrix, linkable: np.ndarray, rank: np.ndarray, limit: int
) -> sparse.csr_matrix:
    """`_champions` by one sort by (row, value, rank), without packed keys."""
    articles = linkable.nonzero()[0]
    postings = sparse.csr_matrix(matrix[articles].T) if not linkable.all() else matrix.T.tocsr()
    values = _quantised(postings.data, len(rank))
    order, _, place = _by_row(postings.indptr, rank[articles[postings.indices]], -values)
    kept = np.empty(len(order), dtype=bool)
    kept[order] = place < limit
    return related._kept(postings, kept, articles, (postings.shape[0], matrix.shape[0]))


def unpacked_shortlist(whole, postings, rank, tuning):  # type: ignore[no-untyped-def]
    """`_shortlist` by one sort per chunk by (row, value, rank), without packed keys nor `_top_rows`."""
    count = len(rank)
    width = min(tuning.shortlist, max(count - 1, 0))
    shortlist = np.full((count, width), -1, dtype=np.int64)
    scores = np.zeros((count, width))
    queries = related._queries(whole, tuning.query_terms)

    def shortlist_rows(start: int, stop: int) -> None:
        product = queries[start:stop] @ postings
        values = _quantised(product.data, count)
        values[product.indices == np.repeat(np.arange(start, stop), np.diff(product.indptr))] = -1
        order, rows, place = _by_row(product.indptr, rank[product.indices], -values)
        chosen = (place < width) & (values[order] >= 0)
        shortlist[start:stop][rows[chosen], place[chosen]] = product.indices[order[chosen]]
        scores[start:stop][rows[chosen], place[chosen]] = product.data[order[chosen]]

    related._in_chunks(count, shortlist_rows)
    return shortlist, scores, queries


PLAIN: dict[str, Callable[[], None]] = {
    "top_rows": lambda: setattr(related, "_top_rows", sorted_top_rows),
    "keys+top_rows": lambda: setattr(related, "_shortlist", unpacked_shortlist),
    "heaviest": lambda: setattr(related, "_heaviest", sorted_heaviest),
    "keys+champions": lambda: setattr(related, "_champions", unpacked_champions),
    "threads": lambda: setattr(related, "WORKERS", 1),
}


class _Laps(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.laps: dict[str, list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        step, seconds = record.args  # type: ignore[misc]
        self.laps.setdefault(step, []).append(seconds)


def captured_calls(count: int, work: Path) -> dict[str, list]:
    """The arguments `enrich` gives `index_signal` and `search` on the archive."""
    calls: dict[str, list] = {"index_signal": [], "search": []}
    for name in calls:
        real = getattr(enrich_module, name)

        def spy(*args, real=real, name=name):  # type: ignore[no-untyped-def]
            calls[name].append(args)
            return real(*args)

        setattr(enrich_module, name, spy)
    enrich_module.enrich(articles_of(count, work), SiteConfig())
    return calls


def timed(label: str, calls: dict[str, list], runs: int) -> dict:
    handler = _Laps()
    log = logging.getLogger("chronique.enrich.related")
    log.setLevel(logging.DEBUG)
    log.handlers = [handler]
    indexing, searching, cpu, result = [], [], [], {}
    for _ in range(runs):
        start = time.perf_counter()
        indexes = [related.index_signal(*args) for args in calls["index_signal"]]
        indexing.append(time.perf_counter() - start)
        candidates, ranking, _, *rest = calls["search"][0]
        start, clock = time.perf_counter(), time.process_time()
        result = related.search(candidates, ranking, indexes, *rest)
        searching.append(time.perf_counter() - start)
        cpu.append(time.process_time() - clock)
    median = statistics.median
    laps = "  ".join(f"{step} {median(values):.3f}" for step, values in handler.laps.items())
    print(f"{label:<24} index_signal×3 {median(indexing):.3f}  search {median(searching):.3f} "
          f"(cpu {median(cpu):.3f})  {laps}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="*", help=f"among {', '.join(PLAIN)} (default: all)")
    parser.add_argument("--count", type=int, default=10000, help="number of articles")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each variant (median shown)")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/chronique-bench"), help="where archives are kept")
    options = parser.parse_args()
    unknown = sorted(set(options.variants) - set(PLAIN))
    if unknown:
        parser.error(f"unknown variant {', '.join(unknown)}")
    calls = captured_calls(options.count, options.work)
    originals = dict(vars(related))
    for variant in options.variants or list(PLAIN):
        as_is = timed("as is", calls, options.runs)
        PLAIN[variant]()
        plain = timed(f"plain {variant}", calls, options.runs)
        print(f"{'':<24} same lists: {plain == as_is}")
        for name in ("_top_rows", "_shortlist", "_heaviest", "_champions", "WORKERS"):
            setattr(related, name, originals[name])


if __name__ == "__main__":
    main()
