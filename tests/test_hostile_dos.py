"""Issue 11, item 5: no single article can stall or swamp a build.

Each hostile shape is big enough that the code before the bounds took tens of seconds (or minutes)
to read it; here it must come back, well inside a timeout the test enforces by reading it in a
child process, as one located problem. Timings are measured by bench/hostile.py, not here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chronique.config import TagsConfig, TaxonomyRule
from chronique.enrich.tags import assign_tags, tag_key
from chronique.load import load_archive, read_article
from chronique.load.limits import FEED_BYTES, MAX_BYTES, MAX_TAGS
from conftest import REPO, SEEDS, extract_entities

FRONT = "---\ntitle: Hostile\ndate: 2024-01-01\n---\n\n"
BODY = 6
"""The line the body starts on after FRONT."""
PLAIN = "Le ministre a annoncé à Rabat une coopération renforcée entre le Maroc et la France.\n"
TIMEOUT = 30
"""Seconds a child process may take to read one file: the old code took minutes on most shapes."""

READ_ONE = """
import sys
from pathlib import Path
from chronique.load import read_article
from chronique.model import InputError
try:
    read_article(Path("hostile.md"), sys.stdin.buffer.read())
except InputError as error:
    print(error.problem)
else:
    print("read")
"""


def read_in_child(text: str) -> str:
    """What reading `text` as an article gives: the problem line, or "read"; fails past `TIMEOUT`."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", READ_ONE], input=text.encode(), capture_output=True, timeout=TIMEOUT,
            env={"PYTHONPATH": str(REPO / "src")}, check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still reading after {TIMEOUT} s")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return result.stdout.decode().strip()


def nested(levels: int, indent: str, marker: str) -> str:
    return FRONT + "".join(indent * level + marker + " a\n" for level in range(levels))


HOSTILE = {
    # shape: (text, line of the problem, words of the message)
    "list nested 1,300 deep, two spaces a level": (nested(1300, "  ", "-"), BODY + 32, "nested 17 deep"),
    "ordered list nested 700 deep": (nested(700, "    ", "1."), BODY + 16, "nested 17 deep"),
    "list of lists on one line": (FRONT + "* " * 5000 + "a\n", BODY, "nested 5000 deep"),
    "a quote deeper on each line": (FRONT + "".join(">" * n + " a\n" for n in range(1, 1400)), BODY + 16, "17 deep"),
    "list item with 1.5 MB of lazy lines": (FRONT + "- a\n" + PLAIN * 18_000, BODY + 589, "without a blank line"),
    "100 KB of [": (FRONT + "[" * 100_000 + "\n", BODY, "'[' or '(' left open"),
    "30,000 '[a '": (FRONT + "[a " * 30_000 + "\n", BODY, "'[' or '(' left open"),
    "30,000 '![ '": (FRONT + "![ " * 30_000 + "\n", BODY, "'[' or '(' left open"),
    "20,000 '[a]('": (FRONT + "[a](" * 20_000 + "\n", BODY, "'[' or '(' left open"),
    "30,000 '<a ' in one paragraph": (FRONT + "<a " * 30_000 + "\n", BODY, "too much markup"),
    "20,000 '<a b=\"x ' in paragraphs of their own": (FRONT + '<a b="x\n\n' * 20_000, BODY + 88, "'<' left open"),
    "100,000 nested *_": (FRONT + "*_" * 100_000 + "a" + "_*" * 100_000 + "\n", BODY, "too much markup"),
    "60,000 emphasised words in one paragraph": (FRONT + "*a* " * 60_000 + "\n", BODY, "too much markup"),
    "40,000 inline tags in one paragraph": (FRONT + "<b>a</b> " * 40_000 + "\n", BODY, "too much markup"),
    "web Markdown with 100 KB of [": ("# Hostile\n\n13.12.2023\n\n" + "[" * 100_000 + "\n", 5, "left open"),
    "a 3 MB article": (FRONT + PLAIN * 36_000, 1, f"an article may have at most {MAX_BYTES:,}"),
    "a table of 300,000 rows": (FRONT + "|a|b|\n|-|-|\n" + "|a|b|\n" * 300_000, 12_505, "table cells"),
    "250,000 one-letter paragraphs": (FRONT + "a\n\n" * 250_000, 99_998, "over 50,000 lines"),
    "a saved page of 100,000 nested divs": (
        "<html><head><title>Hostile</title></head><body><article><h1>Hostile</h1><p>Le 12/03/2020. - "
        + "<div>" * 100_000 + "a</p></article></body></html>",
        1, "tags",
    ),
    "a press export of 100,000 lines": ("Titre\n\n" + "a\n" * 100_000 + "Le 12/03/2020\n", 50_002, "lines"),
}


@pytest.mark.parametrize("shape", HOSTILE)
def test_a_hostile_article_is_refused_quickly_at_the_line_that_crosses_a_bound(shape: str) -> None:
    text, line, words = HOSTILE[shape]
    problem = read_in_child(text)
    assert problem.startswith(f"hostile.md:{line}: "), problem
    assert words in problem


MANY = {
    # shape: (text, key, line of the warning)
    "20,000 tags": (
        "---\ntitle: Hostile\ndate: 2024-01-01\ntags: [" + ", ".join(f"t{n}" for n in range(20_000)) + "]\n---\n",
        "tags", 4,
    ),
    "20,000 authors in a YAML list": (
        "---\ntitle: Hostile\ndate: 2024-01-01\nauthors:\n" + "".join(f"  - a{n}\n" for n in range(20_000)) + "---\n",
        "authors", 4,
    ),
    "a press export with 20,000 tags": (
        "Titre\n\nTexte.\n\nLe 12/03/2020\n\nLes tags en relation\n" + ", ".join(f"t{n}" for n in range(20_000)),
        "tags", 1,
    ),
}


@pytest.mark.parametrize("shape", MANY)
def test_an_article_keeps_its_first_max_tags_tags_and_authors_with_a_warning(shape: str) -> None:
    text, key, line = MANY[shape]
    article = read_article(Path("hostile.md"), text.encode())
    prefix = "a" if key == "authors" else "t"
    assert getattr(article, key) == tuple(f"{prefix}{n}" for n in range(MAX_TAGS))
    assert article.warnings == ((line, f"20,000 {key}: only the first {MAX_TAGS} are kept"),)


@pytest.mark.parametrize(
    "text",
    [
        FRONT + "".join("    " * level + "- point\n" for level in range(16)),
        FRONT + "> " * 16 + "a citation\n",
        FRONT + ("Un paragraphe avec un [lien](https://example.org), de l'*emphase* et `du code`. " * 20 + "\n\n")
        * 600,
        FRONT + "x < y, [crochet ouvert, 3 < 4 et <b>gras</b>.\n\n" * 3000,
        FRONT + PLAIN * 21_000,
    ],
    ids=["16 levels", "16 quotes", "1 MB of markup", "3000 open [ and <", "1.9 MB on one block"],
)
def test_what_an_article_needs_is_inside_the_bounds(text: str) -> None:
    assert read_in_child(text) == "read"


def test_the_time_budget_skips_what_the_checks_do_not_foresee(tmp_path: Path) -> None:
    (tmp_path / "long.md").write_text(FRONT + PLAIN * 20_000, "utf-8")  # a second or so to read
    (tmp_path / "short.md").write_text(FRONT + PLAIN, "utf-8")
    loaded = load_archive(tmp_path, budget=0.05)
    assert [str(problem) for problem in loaded.problems] == [
        f"{tmp_path / 'long.md'}:1: took longer than 0.05 s to read"
    ]
    assert [article.origin.name for article in loaded.articles] == ["short.md"]
    assert [article.origin.name for article in load_archive(tmp_path).articles] == ["long.md", "short.md"]


def test_a_file_too_large_is_refused_without_being_read(tmp_path: Path) -> None:
    with (tmp_path / "huge.md").open("wb") as huge:
        huge.truncate(10 * 1024**3)  # a sparse 10 GB file: reading it would exhaust memory
    loaded = load_archive(tmp_path)
    assert loaded.articles == ()
    assert [str(problem) for problem in loaded.problems] == [
        f"{tmp_path / 'huge.md'}:1: file of {10 * 1024**3:,} bytes; an article may have at most {MAX_BYTES:,}"
    ]


def test_an_article_shows_at_most_max_tags_its_own_first() -> None:
    own = tuple(f"propre {n}" for n in range(60))
    taxonomy = {f"theme {n}": TaxonomyRule(words=[f"mot{n}"]) for n in range(200)}  # all match the article
    found = extract_entities([("", "Visite à Rabat. Retour à Rabat.")])
    shown = assign_tags([own], [list(map(tag_key, taxonomy))], found, TagsConfig(), taxonomy).shown[0]
    assert len(shown) == MAX_TAGS
    assert shown[:61] == (*own, "theme 0")
    assert assign_tags([own], [list(map(tag_key, taxonomy))], found, TagsConfig(), taxonomy, [5]).shown[0] == own[:5]


def test_a_long_article_shows_fewer_tags_so_that_its_feeds_stay_small() -> None:
    tags = ", ".join(f"t{n}" for n in range(MAX_TAGS))
    text = f"---\ntitle: Long\ndate: 2024-01-01\ntags: [{tags}]\n---\n\n" + (PLAIN * 12 + "\n") * 1800
    article = read_article(Path("long.md"), text.encode())
    kept = FEED_BYTES // len(article.body_html)
    assert 10 < kept < MAX_TAGS
    assert article.tags == tuple(f"t{n}" for n in range(kept))
    message = f"{MAX_TAGS} tags: only the first {kept} are kept (a long article: the feed of each of its tags holds it)"
    assert article.warnings == ((1, message),)


def test_a_build_with_hostile_articles_builds_the_others(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SEEDS, content)
    hostile = ["100 KB of [", "list nested 1,300 deep, two spaces a level", "30,000 '<a ' in one paragraph"]
    for number, shape in enumerate(hostile):
        (content / f"hostile-{number}.md").write_text(HOSTILE[shape][0], "utf-8")
    (content / "tagged.md").write_text(MANY["20,000 tags"][0] + "\nTexte.\n", "utf-8")  # an empty one is not published
    command = [sys.executable, str(REPO / "build.py"), "build", "--content", str(content), "--output",
               str(tmp_path / "site")]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT * 2, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still building after {TIMEOUT * 2} s")
    assert result.returncode == 0, result.stderr
    warnings = sorted(line for line in result.stderr.splitlines() if "hostile-" in line)
    assert [warning.split(": ")[0].rsplit("/", 1)[-1] for warning in warnings] == [
        f"hostile-{number}.md:{HOSTILE[shape][1]}" for number, shape in enumerate(hostile)
    ]
    assert "tagged.md:4: 20,000 tags: only the first 100 are kept" in result.stderr
    assert "4 articles read" in result.stdout
    assert len([path for path in (tmp_path / "site").glob("20*/*/*.html") if path.name != "index.html"]) == 4
    assert len(list((tmp_path / "site" / "tags").glob("t[0-9]*.xml"))) == MAX_TAGS
