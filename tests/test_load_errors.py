"""Each bad input is one `path:line: message`, with the line where the problem is."""

from __future__ import annotations

from pathlib import Path

import pytest

from chronique.load import read_article
from chronique.model import InputError

PATH = Path("seeds/bad.txt")

CASES = [
    ("empty", b"", 1, "empty file"),
    ("whitespace", b"  \n\n\t \r\n", 1, "empty file"),
    ("bom only", b"\xef\xbb\xbf\n", 1, "empty file"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "binary file, not an article"),
    ("utf-16 cut short", "Titre\n".encode("utf-16")[:-1], 1, "invalid UTF-16 at byte"),
    ("control bytes, not utf-8", b"Titre\n\nTexte \xe9t\xe9\x01\n", 3, "binary file, not an article"),
    ("control bytes, not utf-8, CRLF", b"Titre\r\n\r\nTexte\r\nd\xc3\x02", 4, "binary file, not an article"),
    (
        "press: date line first",
        b"\n\nLe 30/10/2024\nTexte\n",
        3,
        "no title: the first line of text is the date line",
    ),
    (
        "press: no date",
        b"Titre\n\nTexte.\n",
        1,
        "no date found: looked for a line 'Le DD/MM/YYYY' or 'Le DD <mois> YYYY' after the article text",
    ),
    (
        "press: impossible date",
        b"Titre\n\nTexte.\nLe 31/02/2024\nR\xc3\xa9daction\n",
        4,
        "impossible date '31/02/2024': day is out of range for month",
    ),
    (
        "press: unknown month",
        b"Titre\n\nTexte.\n\nLe 12 brumaire 2024\n",
        5,
        "unknown month 'brumaire' in date '12 brumaire 2024'",
    ),
    ("web: empty heading", b"\n# ****\n\ntexte\n", 2, "no title: the '# ' heading is empty"),
    (
        "web: impossible date",
        b"# **T**\n\n**31.02.2023 T**\n",
        3,
        "impossible date '31.02.2023': day is out of range for month",
    ),
    (
        "unclosed yaml",
        b"---\ntitle: T\ndate: 2024-01-01\n",
        1,
        "front matter opened with '---' is never closed",
    ),
    ("unclosed toml", b'+++\ntitle = "T"\n', 1, "front matter opened with '+++' is never closed"),
    (
        "bad yaml",
        b"---\ntitle: T\ndate: 2024-01-01\n  bad: indent: here\n---\nx\n",
        4,
        "invalid YAML in front matter: mapping values are not allowed",
    ),
    ("bad toml", b'+++\ntitle = "T"\n\ndate = \n+++\n', 4, "invalid TOML in front matter: Invalid value"),
    ("yaml list", b"---\n\n- a\n- b\n---\n", 3, "front matter must be a mapping of keys to values, not list"),
    (
        "yaml scalar",
        b"---\njust words\n---\n",
        2,
        "front matter must be a mapping of keys to values, not str",
    ),
    (
        "yaml no title",
        b"---\ndate: 2024-01-01\n---\nTexte\n",
        1,
        "no title: the front matter has no 'title' and the text no '# ' heading",
    ),
    (
        "yaml no date",
        b"---\ntitle: T\n---\nTexte\n",
        1,
        "no date found: looked for a 'date' key in the front matter or a 'YYYY-MM-DD-' file name",
    ),
    (
        "yaml impossible date",
        b"---\ntitle: T\ndate: 2024-02-31\n---\n",
        3,
        "impossible date '2024-02-31': day is out of range for month",
    ),
    ("yaml bad date text", b"---\ntitle: T\n\nDate: hier\n---\n", 4, "unrecognised date 'hier'"),
    (
        "yaml date type",
        b"---\ntitle: T\ndate: [2024]\n---\n",
        3,
        "'date' must be a date such as 2024-10-30, not a list",
    ),
    (
        "yaml tags type",
        b"---\ntitle: T\ndate: 2024-01-01\ntags: {a: 1}\n---\n",
        4,
        "'tags' must be a list of words",
    ),
    (
        "yaml tags items",
        b"---\ntitle: T\ndate: 2024-01-01\ntags:\n  - a\n  - [b]\n---\n",
        4,
        "'tags' must be a list",
    ),
    (
        "yaml draft",
        b"---\ntitle: T\ndate: 2024-01-01\ndraft: maybe\n---\n",
        4,
        "'draft' must be true or false, not 'maybe'",
    ),
    (
        "yaml title type",
        b"---\ntitle: {a: b}\ndate: 2024-01-01\n---\n",
        2,
        "'title' must be text, not a mapping",
    ),
    (
        "yaml slug",
        b"---\ntitle: T\ndate: 2024-01-01\nslug: '!!!'\n---\n",
        4,
        "slug '!!!' has no character usable in a URL",
    ),
    (
        "toml impossible date",
        b'+++\ntitle = "T"\ndate = 2024-02-31\n+++\n',
        3,
        "invalid TOML in front matter",
    ),
    (
        "toml draft",
        b'+++\ntitle = "T"\ndate = 2024-01-01\ndraft = "yes"\n+++\n',
        4,
        "'draft' must be true or false",
    ),
    (
        "pelican status",
        b"Title: T\nDate: 2020-01-01\nStatus: maybe\n\nx",
        3,
        "'Status' must be 'published' or 'draft'",
    ),
    (
        "pelican date",
        b"Title: T\nAuthor: A\nDate: 30 fevrier 2020\n\nx",
        3,
        "impossible date '30 fevrier 2020'",
    ),
    (
        "html no title",
        b"<html><body><p>x</p></body></html>",
        1,
        "no title: the page has no <h1> and no <title>",
    ),
    (
        "html bad meta date",
        b'<!doctype html>\n<html>\n<head>\n<meta property="article:published_time" content="2024-13-01">\n'
        b"</head><body><h1>T</h1></body></html>",
        4,
        "impossible date '2024-13-01': month must be in 1..12",
    ),
    (
        "html bad dateline",
        b"<article>\n<h1>T</h1>\n\n<p>RABAT, 31 juin 2012 (MAP) - x</p></article>",
        4,
        "impossible date '31 juin 2012'",
    ),
    ("html no date", b"<article><h1>T</h1><p>x</p></article>", 1, "no date found: looked for <meta"),
]


@pytest.mark.parametrize(
    ("data", "line", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_input(data: bytes, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_article(PATH, data)
    problem = caught.value.problem
    assert (problem.path, problem.line) == (PATH, line)
    assert problem.message.startswith(message)
    assert str(caught.value) == str(problem) == f"{PATH}:{line}: {problem.message}"


def test_impossible_jekyll_date() -> None:
    path = Path("posts/2024-13-01-x.md")
    with pytest.raises(InputError, match=r"^posts/2024-13-01-x\.md:1: impossible date '2024-13-01'"):
        read_article(path, b"---\ntitle: T\n---\n")


def test_exact_shape() -> None:
    with pytest.raises(InputError, match=r"^seeds/bad\.txt:1: empty file$"):
        read_article(PATH, b"\n \n")
    with pytest.raises(
        InputError, match=r"^seeds/bad\.txt:4: impossible date '31/02/2024': day is out of range"
    ):
        read_article(PATH, b"Titre\n\nTexte.\nLe 31/02/2024\n")
    with pytest.raises(
        InputError, match=r"^seeds/bad\.txt:1: front matter opened with '---' is never closed$"
    ):
        read_article(PATH, b"---\ntitle: x\n")


def test_bom_is_fine() -> None:
    item = read_article(PATH, b"\xef\xbb\xbf---\ntitle: T\ndate: 2024-01-01\n---\nx\n")
    assert item.title == "T"
