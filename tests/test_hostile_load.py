"""Hostile input to the loader (issue 11): links out of the content folder, files that are not
regular files, text not in UTF-8, dates at the edge of the calendar, file names that would break
a one-line message. Each is one warning line and, when it cannot be read, one article skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chronique.cli import main
from chronique.model import Problem
from conftest import write_article

SECRET = "SECRET-OUTSIDE-THE-CONTENT-FOLDER"


def site_text(site: Path) -> str:
    """Every page, feed and search shard of a built site, as one text."""
    pages = sorted(path for path in site.rglob("*") if path.suffix in (".html", ".xml", ".js"))
    return "\n".join(path.read_text("utf-8") for path in pages)


def run_build(content: Path, site: Path, capsys, *options: str) -> tuple[int, list[str]]:
    code = main(["build", "--quiet", "--content", str(content), "--output", str(site), *options])
    return code, capsys.readouterr().err.splitlines()


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A content folder with one good article, and a secret article file outside it."""
    content, outside = tmp_path / "content", tmp_path / "outside"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    write_article(outside, "secret.md", SECRET, "2024-10-30", body=SECRET)
    return content, outside


# Item 16: names and text that would break a one-line message.

HOSTILE_NAMES = ["new\nline.txt", "carriage\rreturn.txt", "esc\x1b[31mred.txt", "tab\there.txt", "bell\x07.txt",
                 "c1\x9bcontrol.txt", "bidi\u202etxt.exe.txt", "isolate\u2066.txt", "separator\u2028.txt"]


def test_a_file_name_with_control_characters_is_one_readable_line(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    for name in HOSTILE_NAMES:
        (content / name).write_text("Titre\n\nTexte sans date, avec \x1b[2J une séquence.\n", "utf-8")

    code, err = run_build(content, tmp_path / "site", capsys)

    assert code == 0 and len(err) == len(HOSTILE_NAMES)
    assert all(line.endswith("(skipped)") and line.isprintable() for line in err)
    joined = "\n".join(err)
    for shown in ["new\\nline.txt", "carriage\\rreturn.txt", "esc\\x1b[31mred.txt", "tab\\there.txt", "bell\\x07.txt",
                  "c1\\x9bcontrol.txt", "bidi\\u202etxt.exe.txt", "isolate\\u2066.txt", "separator\\u2028.txt"]:
        assert f"{content}/{shown}:1: " in joined


def test_a_message_quoting_user_text_is_one_line() -> None:
    problem = Problem(Path("a.md"), 3, "impossible date '2024-02-31\x1b]0;pwned\x07\nFAKE.md:1: ok'")
    assert str(problem) == "a.md:3: impossible date '2024-02-31\\x1b]0;pwned\\x07\\nFAKE.md:1: ok'"


def test_a_file_name_that_is_not_utf8_is_printable(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    (content / os.fsdecode(b"caf\xe9.txt")).write_text("Titre\n\nTexte sans date.\n", "utf-8")
    code, err = run_build(content, tmp_path / "site", capsys)
    assert code == 0 and err == [f"{content}/caf\\udce9.txt:1: no date found: looked for a line 'Le DD/MM/YYYY' "
                                 "or 'Le DD <mois> YYYY' after the article text (skipped)"]
