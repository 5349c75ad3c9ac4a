"""Related-article quality: precision@5 on a labelled news corpus whose labels the generator never sees.

    PYTHONPATH=src python bench/related_quality.py [--corpus TSV] [--seeds 3] [--quick]

The corpus is a TSV with the columns `category, headline, text, url` (the development set is
shared/corpora/masakhanews-fr-dev.tsv: 211 French BBC Afrique articles, 5 categories). Each row
becomes an article (title = headline, text = text, French, all on one date since the corpus has
none, so the date term adds the same to every pair and never changes an order); `enrich` runs
with the given settings; precision@5 is, averaged over the articles, the share of an article's 5
related links that have its category (a missing link counts as a miss).

Three reports:
1. the default settings on the whole corpus;
2. variants, each differing from the defaults in one respect (what each part of the method is worth);
3. the 2-fold protocol against over-fitting: the corpus is cut at random into two halves, each an
   archive of its own; the free parameters (grid below) are chosen on one half and scored on the
   other, both ways, for `--seeds` random cuts. Reported: the held-out precision of the chosen
   settings, next to the held-out precision of the defaults.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from chronique.config import RelatedConfig, SiteConfig
from chronique.enrich import enrich
from chronique.enrich.related import TUNING, Tuning
from chronique.model import Article

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "masakhanews-fr-dev.tsv"
DAY = date(2024, 1, 1)
SHOWN = 5

# (name, site.yaml `related:` overrides, Tuning overrides): each differs from the defaults in one respect.
VARIANTS: list[tuple[str, dict[str, object], dict[str, object]]] = [
    ("defaults", {}, {}),
    ("no neighbour re-ranking (neighbour_weight 0)", {"neighbour_weight": 0.0}, {}),
    ("text only (tags, entities, date 0)", {"tag_weight": 0.0, "entity_weight": 0.0, "date_weight": 0.0}, {}),
    (
        "text only, no re-ranking (the previous method)",
        {"tag_weight": 0.0, "entity_weight": 0.0, "date_weight": 0.0, "neighbour_weight": 0.0},
        {},
    ),
    ("entity_weight 0.05", {"entity_weight": 0.05}, {}),
    ("entity_weight 0.2", {"entity_weight": 0.2}, {}),
    ("neighbour_weight 1", {"neighbour_weight": 1.0}, {}),
    ("neighbour_weight 4", {"neighbour_weight": 4.0}, {}),
    ("exact cosine (no query cut, no champion lists)", {}, {"query_terms": 10**6, "champions": 10**6}),
    ("query of 200 keys", {}, {"query_terms": 200}),
    ("champion lists of 40", {}, {"champions": 40}),
    ("champion lists of 10", {}, {"champions": 10}),
    ("query of 100 keys (the former default)", {}, {"query_terms": 100}),
    ("k1 = 10 neighbours", {}, {"neighbours": 10}),
    ("k1 = 30 neighbours", {}, {"neighbours": 30}),
    ("k2 = 3 (less expansion)", {}, {"expansion": 3}),
    ("k2 = 6 (the k-reciprocal paper's value)", {}, {"expansion": 6}),
    ("k2 = 15 (more expansion)", {}, {"expansion": 15}),
    ("shortlist of 50", {}, {"shortlist": 50}),
    ("raw tf instead of 1 + ln tf", {}, {"sublinear": False}),
    ("max_df 0.3", {}, {"max_df": 0.3}),
]

# The free parameters of the 2-fold protocol and the values tried, the defaults first (so that they win ties).
GRID: dict[str, tuple[object, ...]] = {
    "neighbour_weight": (2.0, 0.0, 1.0, 4.0),
    "expansion": (10, 6, 3),
    "entity_weight": (0.0, 0.05),
}


def read_corpus(path: Path) -> tuple[list[Article], dict[str, str]]:
    """Articles (the category hidden) and slug -> category."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    articles, categories = [], {}
    for number, row in enumerate(rows):
        slug = f"a{number:05d}"
        categories[slug] = row["category"]
        articles.append(
            Article(
                slug=slug,
                title=row["headline"],
                date=DAY,
                origin=Path(f"{slug}.md"),
                body_html="",
                text=row["text"],
                language="fr",
            )
        )
    return articles, categories


def precision(articles: Sequence[Article], categories: dict[str, str], related: RelatedConfig, tuning: Tuning) -> float:
    """Mean share of each article's SHOWN related links that have its category."""
    config = SiteConfig(related=related.model_copy(update={"count": SHOWN}))
    links = enrich(articles, config, tuning=tuning).related
    hits = 0
    for article in articles:
        hits += sum(categories[link.slug] == categories[article.slug] for link in links[article.slug])
    return hits / (SHOWN * len(articles))


def settings(values: dict[str, object]) -> tuple[RelatedConfig, Tuning]:
    related_keys = set(RelatedConfig.model_fields)
    related = RelatedConfig(**{key: value for key, value in values.items() if key in related_keys})
    tuning = replace(TUNING, **{key: value for key, value in values.items() if key not in related_keys})
    return related, tuning


def two_fold(articles: list[Article], categories: dict[str, str], seeds: int) -> None:
    combos = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    defaults = settings({})
    previous = settings({"entity_weight": 0.0, "neighbour_weight": 0.0})
    chosen_scores, default_scores, previous_scores = [], [], []
    print(f"\n2-fold protocol: free parameters {', '.join(f'{k} in {v}' for k, v in GRID.items())}")
    print("each half is an archive of its own; parameters chosen on one half, scored on the other")
    for seed in range(seeds):
        order = articles[:]
        random.Random(seed).shuffle(order)
        halves = [order[: len(order) // 2], order[len(order) // 2 :]]
        for tune, test in ((0, 1), (1, 0)):
            tried = [(precision(halves[tune], categories, *settings(combo)), combo) for combo in combos]
            best_score, best = max(tried, key=lambda item: item[0])  # first of equals: grid order
            held_out = precision(halves[test], categories, *settings(best))
            baseline = precision(halves[test], categories, *defaults)
            chosen_scores.append(held_out)
            default_scores.append(baseline)
            previous_scores.append(precision(halves[test], categories, *previous))
            print(
                f"  seed {seed}, tune on half {tune + 1} (P@5 {best_score:.3f} with {best}):"
                f" held-out P@5 {held_out:.3f}; defaults on the held-out half {baseline:.3f}"
            )
    print(
        f"2-fold held-out P@5: chosen settings {statistics.mean(chosen_scores):.3f}"
        f" (sd {statistics.pstdev(chosen_scores):.3f}), defaults {statistics.mean(default_scores):.3f}"
        f" (sd {statistics.pstdev(default_scores):.3f}), previous method {statistics.mean(previous_scores):.3f},"
        f" over {len(chosen_scores)} folds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="TSV: category, headline, text, url")
    parser.add_argument("--seeds", type=int, default=3, help="random half cuts for the 2-fold protocol")
    parser.add_argument("--quick", action="store_true", help="defaults only: no variants, no 2-fold")
    options = parser.parse_args()
    articles, categories = read_corpus(options.corpus)
    counts = {category: list(categories.values()).count(category) for category in sorted(set(categories.values()))}
    print(f"corpus {options.corpus.name}: {len(articles)} articles, categories {counts}")
    start = time.perf_counter()
    score = precision(articles, categories, *settings({}))
    print(f"defaults: P@5 {score:.3f}  ({time.perf_counter() - start:.1f} s)")
    if options.quick:
        return
    print(f"\n{'variant':<52} P@5")
    for name, related, tuning in VARIANTS:
        print(f"{name:<52} {precision(articles, categories, *settings({**related, **tuning})):.3f}")
    two_fold(articles, categories, options.seeds)


if __name__ == "__main__":
    main()
