"""Search quality: the top 5 of Chronique and of Pagefind for a judged query set, on real French news.

    PYTHONPATH=src python bench/search_quality.py [--work /dev/shm/chronique-search-quality] [--no-pagefind]

The site: one article per row of ../shared/corpora/masakhanews-fr-dev.tsv (211 BBC Afrique
articles; title = headline, body = text, source BBC Afrique, slug a00000..a00210, one day apart
from 2024-01-01 since the corpus has no dates) plus the three seeds (seeds/*.txt) with the seeds'
site.yaml, built by Chronique (`--repo`, default this checkout). Each query of
bench/search_queries.yaml is run in Chronique's search.html from file:// (headless Chromium) and in
Pagefind's JS API over a local HTTP server (Pagefind indexes the same pages' `article.h-entry`).

Judgements live in the query file: for each query, the articles that answer it (`relevant`, slugs,
found by reading the corpus) and a one-line `why`. A system's top 5 for a query is
- good: its first result is relevant and at least min(3, number relevant) of the 5 are;
- partial: some relevant article is in the top 5, but not good;
- bad: none is.
Results that are not in `relevant` are listed in the top-5 file, so that the judge can read them and
add any that do answer the query (the judgement then stays with the query file, and re-runs agree).

Writes WORK/top5.md (each query's two top 5 lists, with the verdicts) and prints the table.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import urllib.parse
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search as speed

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "masakhanews-fr-dev.tsv"
QUERIES = Path(__file__).resolve().parent / "search_queries.yaml"
FIRST_DAY = date(2024, 1, 1)
SHOWN = 5


@dataclass
class Judged:
    query: str
    kind: str
    relevant: list[str]
    why: str


def make_content(corpus: Path, seeds: Path, content: Path) -> None:
    shutil.rmtree(content, ignore_errors=True)
    content.mkdir(parents=True)
    csv.field_size_limit(sys.maxsize)
    with corpus.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for number, row in enumerate(rows):
        front = {
            "title": row["headline"].strip(),
            "date": (FIRST_DAY + timedelta(days=number)).isoformat(),
            "slug": f"a{number:05d}",
            "source": "BBC Afrique",
            "source_url": row["url"].strip(),
        }
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + row["text"] + "\n"
        (content / f"a{number:05d}.md").write_text(text, encoding="utf-8")
    for seed in sorted(seeds.glob("*.txt")):
        shutil.copy(seed, content / seed.name)


def read_queries(path: Path) -> list[Judged]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
    return [Judged(e["q"], e["kind"], list(e.get("relevant") or []), e.get("why", "")) for e in entries]


def slug_of(href: str) -> str:
    return Path(urllib.parse.unquote(urllib.parse.urlsplit(href).path)).stem


def verdict(relevant: list[str], shown: list[str]) -> tuple[str, str]:
    hits = [slug in relevant for slug in shown[:SHOWN]]
    count = sum(hits)
    needed = min(3, len(relevant))
    if hits and hits[0] and count >= needed:
        grade = "good"
    elif count:
        grade = "partial"
    else:
        grade = "bad"
    first = "first relevant" if hits and hits[0] else ("nothing shown" if not hits else "first not relevant")
    return grade, f"{first}, {count}/{len(shown[:SHOWN])} relevant of {len(relevant)} in the archive"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/chronique-search-quality"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--repo", type=Path, default=REPO, help="the Chronique checkout that builds the site")
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--pagefind", type=Path, default=speed.PAGEFIND_PYTHON, help="python of a venv with pagefind")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed for one query to settle")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    content, site, bundle = args.work / "content", args.work / "site", args.work / "pagefind"
    make_content(args.corpus, args.seeds, content)
    shutil.copy(args.seeds / "site.yaml", content / "site.yaml")
    built = speed.build(args.repo.resolve(), content, site, 600)
    print(f"Build: `{built['command']}`: {built['summary']}\n")
    queries = read_queries(args.queries)
    titles = {
        slug_of(str(path)): path.read_text(encoding="utf-8").split("<h1", 1)[-1].split(">", 1)[-1].split("</h1>")[0]
        for path in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*.html")
        if path.name != "index.html"
    }

    shown: dict[str, list[list[str]]] = {"Chronique": []}
    with sync_playwright() as playwright:
        browser = speed.Browser(playwright, speed.Selectors(), args.timeout)
        try:
            page_url = (site / "search.html").resolve().as_uri()
            index_file = speed.file_index(site, "search")
            for judged in queries:
                visit, _ = browser.visit(f"{page_url}?q={urllib.parse.quote(judged.query)}", index_file)
                shown["Chronique"].append([slug_of(href) for href, _ in visit.results[:SHOWN]])
            if not args.no_pagefind:
                indexed = speed.pagefind_index(args.pagefind, site, bundle, 600, "article.h-entry")
                print(f"Pagefind: `{indexed['command']}`\n")
                shown["Pagefind"] = []
                with speed.serve(site, bundle, SHOWN) as base:
                    found = speed.pagefind_files(bundle)
                    for judged in queries:
                        url = f"{base}/{speed.PAGEFIND_PAGE}?q={urllib.parse.quote(judged.query)}"
                        visit, _ = browser.visit(url, found)
                        shown["Pagefind"].append([slug_of(href) for href, _ in visit.results[:SHOWN]])
        finally:
            browser.close()

    systems = list(shown)
    totals = {name: {"good": 0, "partial": 0, "bad": 0} for name in systems}
    lines = [f"# Top {SHOWN} per query ({', '.join(systems)})\n"]
    table = ["| # | kind | query | " + " | ".join(systems) + " | why (judge) |", "|---" * (4 + len(systems)) + "|"]
    for number, judged in enumerate(queries, 1):
        cells = []
        lines.append(f"## {number}. `{judged.query}` ({judged.kind})\n\nJudge: {judged.why}\n")
        for name in systems:
            slugs = shown[name][number - 1]
            grade, reason = verdict(judged.relevant, slugs)
            totals[name][grade] += 1
            cells.append(f"{grade} ({reason})")
            lines.append(f"{name}: **{grade}** ({reason})\n")
            for slug in slugs:
                mark = "+" if slug in judged.relevant else "-"
                lines.append(f"    {mark} {slug}  {titles.get(slug, '?')[:100]}")
            lines.append("")
        table.append(f"| {number} | {judged.kind} | `{judged.query}` | " + " | ".join(cells) + f" | {judged.why} |")
    (args.work / "top5.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.work / "top5.json").write_text(json.dumps(shown, indent=1), encoding="utf-8")
    print("\n".join(table))
    print()
    print("| search | good | partial | bad |\n|---|---|---|---|")
    for name, counts in totals.items():
        print(f"| {name} | {counts['good']} | {counts['partial']} | {counts['bad']} |")
    print(f"\nTop 5 lists for judging: {args.work / 'top5.md'}")


if __name__ == "__main__":
    main()
