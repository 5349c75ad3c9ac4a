"""Property tests: the reader only ever raises InputError, and front matter round-trips."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronique.load import number_contested_slugs, read_article
from chronique.model import Article, InputError
from chronique.text import fold

PATH = Path("prop/article.md")
SHAPES = ["", "---\n", "+++\n", "Title: ", "<html>", "<!doctype html><article><h1>", "# ", "# **", "\ufeff"]
PIECES = [
    "\n",
    "\n\n",
    "---\n",
    "+++\n",
    "Le 30/10/2024\n",
    "Le 31/02/2024\n",
    "Le 1er décembre 2020\n",
    "Les tags en relation\n",
    "Les articles en relation\n",
    "www.example.com\n",
    "SOURCE WEB Par X\n",
    "**13.12.2023 Titre**\n",
    "**Source** : <https://example.org/x>\n",
    "**+ « x » +**\n",
    "title: x\n",
    "date: 2024-01-01\n",
    'title = "x"\n',
    "tags: [a\n",
    "<h1>T</h1>",
    "<p>16 juin 2012. - x</p>",
    '<meta name="date" content="x">',
    "<time datetime='2024-02-30'>",
    "Texte...\n",
    "cut\ufffd...\n",
    "é",
]


def expect_only_input_error(data: bytes) -> None:
    try:
        article = read_article(PATH, data)
    except InputError as exc:
        assert exc.problem.line >= 1
        assert str(exc).startswith(f"{PATH}:{exc.problem.line}: ")
    else:
        assert article.title and article.slug
        assert "\ufffd" not in article.text + article.title


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary())
def test_arbitrary_bytes(data: bytes) -> None:
    expect_only_input_error(data)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(SHAPES), st.text())
def test_arbitrary_text_in_every_shape(shape: str, text: str) -> None:
    expect_only_input_error((shape + text).encode("utf-8", "surrogatepass"))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=300)
@given(st.sampled_from(SHAPES), st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=14))
def test_plausible_pieces_in_every_shape(shape: str, pieces: list[str]) -> None:
    expect_only_input_error((shape + "".join(pieces)).encode("utf-8", "surrogatepass"))


def _clean(value: str) -> bool:
    return bool(value) and unicodedata.normalize("NFC", value) == value


words = st.text(
    alphabet=st.characters(categories=("L", "N"), exclude_characters="\u0345"), min_size=1, max_size=12
).filter(_clean)
titles = st.lists(words, min_size=1, max_size=8).map(" ".join)
offsets = st.integers(-12 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
moments = st.one_of(
    st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets).map(
        lambda moment: moment.replace(microsecond=0)
    ),
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=150)
@given(titles, st.lists(words, max_size=6, unique_by=fold), moments, st.booleans())
def test_front_matter_round_trip(title: str, tags: list[str], moment: date, draft: bool) -> None:
    header = yaml.safe_dump(
        {"title": title, "date": moment, "tags": tags, "draft": draft, "extra_key": title},
        allow_unicode=True,
        sort_keys=False,
    )
    data = f"---\n{header}---\n\nLe texte.\n".encode()
    article = read_article(PATH, data)
    assert article.title == title
    assert article.date == moment
    assert article.tags == tuple(tags)
    assert article.draft is draft
    assert article.extra_items == (("extra_key", title),)
    assert article.text == "Le texte."


SLUG_CHOICES = ["a", "a-2", "a-3", "b", "index", "index-2"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(SLUG_CHOICES), st.integers(0, 3)), max_size=12))
def test_unique_slugs_gives_each_article_its_own(drawn: list[tuple[str, int]]) -> None:
    articles = [
        Article(slug, slug, date(2024, 1, 1 + day), Path(f"{number:02}.md"), body_html="", text="")
        for number, (slug, day) in enumerate(drawn)
    ]
    slugs = [article.slug for article in number_contested_slugs(articles)]
    assert len(set(slugs)) == len(slugs)
    assert "index" not in slugs
    for wanted in set(SLUG_CHOICES) - {"index"}:
        holders = [article for article in articles if article.slug == wanted]
        if holders:  # the earliest (date, then path) keeps it; the others get wanted-N
            earliest = min(holders, key=lambda article: (article.date, article.origin.parts))
            assert slugs[articles.index(earliest)] == wanted
            others = [slugs[articles.index(other)] for other in holders if other is not earliest]
            assert all(slug.startswith(f"{wanted}-") for slug in others)
