"""Whether a change to the related-article code changes any related list of a synthetic archive.

    PYTHONPATH=src python bench/related_diff.py save before.pickle [--count 10000]
    ... change the code ...
    PYTHONPATH=src python bench/related_diff.py compare before.pickle

`save` runs `enrich` on the first N articles of the perf-anchor corpus (shared/bench-anchors/gen.py,
as bench/related_scale.py writes them) and stores every article's related list: targets, scores and
score components. `compare` runs it again with the code as it is now and reports the articles whose
list differs (targets or order, then scores or components to the last bit). The articles read are
kept under --work in a pickle that does not depend on the code version, so that both runs see the
very same input; delete it to read the files again.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

from related_scale import GENERATOR, generate

Lists = dict[str, tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...]]


def articles_of(count: int, work: Path) -> list:
    """The N articles, read once and then kept as a pickle (the same input for `save` and `compare`)."""
    folder = work / f"n{count}"
    records = folder / "diff-articles.pickle"
    if records.exists():
        return pickle.loads(records.read_bytes())
    content = folder / "yaml"
    if not content.is_dir() or sum(1 for _ in content.iterdir()) != count:
        print(f"generating {count} articles in {content} ...", file=sys.stderr)
        generate(count, content, GENERATOR)
    from chronique.load import load_archive

    loaded = load_archive(content)
    assert not loaded.problems, loaded.problems[:3]
    records.write_bytes(pickle.dumps(loaded.articles, protocol=pickle.HIGHEST_PROTOCOL))
    return loaded.articles


def related_lists(articles: list) -> Lists:
    from chronique.config import SiteConfig
    from chronique.enrich import enrich

    archive = enrich(articles, SiteConfig())
    return {
        slug: tuple((link.slug, link.score, tuple(link.components)) for link in links)
        for slug, links in archive.related.items()
    }


def differences(before: Lists, after: Lists) -> tuple[list[str], list[str]]:
    """(articles whose targets or their order differ, articles whose scores or components alone differ)."""
    order, scores = [], []
    for slug in sorted(before.keys() | after.keys()):
        old, new = before.get(slug), after.get(slug)
        if old is None or new is None or [link[0] for link in old] != [link[0] for link in new]:
            order.append(slug)
        elif old != new:
            scores.append(slug)
    return order, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("lists", type=Path, help="where `save` stores the related lists and `compare` reads them")
    parser.add_argument("--count", type=int, default=10000, help="number of articles")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/chronique-bench"), help="where archives are kept")
    options = parser.parse_args()
    after = related_lists(articles_of(options.count, options.work))
    if options.action == "save":
        options.lists.write_bytes(pickle.dumps(after, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"saved the related lists of {len(after)} articles in {options.lists}")
        return
    before = pickle.loads(options.lists.read_bytes())
    order, scores = differences(before, after)
    links = sum(map(len, after.values()))
    print(f"articles {len(after)}, links {links}")
    print(f"lists with other targets or order: {len(order)} {order[:5]}")
    print(f"lists with the same targets but other scores or components: {len(scores)} {scores[:5]}")
    sys.exit(1 if order or scores else 0)


if __name__ == "__main__":
    main()
