"""load_archive on a real folder: what is read, what is skipped, slugs, problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chronique.load import Loaded, load_archive
from chronique.model import Problem


def put(root: Path, relative: str, content: str | bytes = "") -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def front(title: str, day: str, **keys: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in keys.items())
    return f'---\ntitle: "{title}"\ndate: {day}\n{extra}---\n\nTexte de {title}.\n'


def test_skipping_rules_and_order(tmp_path: Path) -> None:
    put(tmp_path, "b.md", front("B", "2024-01-02"))
    put(tmp_path, "a.md", front("A", "2024-01-01"))
    put(tmp_path, "UPPER.MD", front("Upper", "2024-01-03"))
    put(tmp_path, "press.txt", "Titre presse\n\nTexte.\nLe 30/10/2024\n")
    put(tmp_path, "page.htm", "<article><h1>Page</h1><p>16 juin 2012. - Texte.</p></article>")
    put(tmp_path, "sub/deep/c.markdown", front("C", "2024-01-04"))
    put(tmp_path, "sub/templates/d.md", front("D", "2024-01-05"))  # only top-level templates/ is special
    put(tmp_path, "sub-x.md", front("Sub x", "2024-01-06"))
    put(tmp_path, ".hidden.md", front("Hidden", "2024-01-01"))
    put(tmp_path, ".git/config.md", front("Git", "2024-01-01"))
    put(tmp_path, "notes.md~", front("Backup", "2024-01-01"))
    put(tmp_path, "#a.md#", front("Emacs", "2024-01-01"))
    put(tmp_path, "x.md.swp", b"\x00")
    put(tmp_path, "y.bak", front("Bak", "2024-01-01"))
    put(tmp_path, "z.TMP", front("Tmp", "2024-01-01"))
    put(tmp_path, "image.png", b"\x89PNG\x00")
    put(tmp_path, "README", "Titre\n\nLe 01/01/2020\n")
    put(tmp_path, "site.yaml", "title: Archive\n")
    put(tmp_path, "templates/article.html", "<html><h1>{{ title }}</h1></html>")
    put(tmp_path, "static/style.css", "body {}")

    loaded = load_archive(tmp_path)
    assert loaded.problems == ()
    assert [str(article.origin) for article in loaded.articles] == [
        "UPPER.MD",
        "a.md",
        "b.md",
        "page.htm",
        "press.txt",
        "sub/deep/c.markdown",
        "sub/templates/d.md",
        "sub-x.md",
    ]
    assert [str(path) for path in loaded.skipped] == [
        "#a.md#",
        ".git",
        ".hidden.md",
        "README",
        "image.png",
        "notes.md~",
        "site.yaml",
        "x.md.swp",
        "y.bak",
        "z.TMP",
    ]
    assert load_archive(tmp_path) == loaded  # deterministic


def test_problems_are_collected_not_raised(tmp_path: Path) -> None:
    put(tmp_path, "good.md", front("Bon", "2024-01-01"))
    put(tmp_path, "empty.md", "")
    put(tmp_path, "sub/bad-date.txt", "Titre\n\nTexte.\nLe 31/02/2024\n")
    put(tmp_path, "sub/binary.html", b"<html>\x00")
    loaded = load_archive(tmp_path)
    assert [article.title for article in loaded.articles] == ["Bon"]
    assert loaded.problems == (
        Problem(tmp_path / "empty.md", 1, "empty file"),
        Problem(
            tmp_path / "sub/bad-date.txt", 4, "impossible date '31/02/2024': day is out of range for month"
        ),
        Problem(tmp_path / "sub/binary.html", 1, "binary file, not an article"),
    )
    assert str(loaded.problems[1]) == f"{tmp_path}/sub/bad-date.txt:4: impossible date '31/02/2024': " + (
        "day is out of range for month"
    )


def test_relative_content_dir_gives_readable_problem_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(tmp_path, "seeds/foo.txt", "Titre\n\nTexte.\nLe 32/01/2024\n")
    monkeypatch.chdir(tmp_path)
    loaded = load_archive(Path("seeds"))
    assert [str(problem) for problem in loaded.problems] == [
        "seeds/foo.txt:4: impossible date '32/01/2024': day is out of range for month"
    ]


def test_slug_collisions(tmp_path: Path) -> None:
    put(tmp_path, "z-first.md", front("Même titre", "2020-01-01"))
    put(tmp_path, "a-later.md", front("Même titre", "2021-01-01"))
    put(tmp_path, "b-same-day.md", front("Même titre", "2021-01-01"))
    put(tmp_path, "c-latest.md", front("Même titre", "2022-01-01"))
    put(tmp_path, "owner-of-2.md", front("Autre", "2023-01-01", slug="meme-titre-2"))
    put(tmp_path, "2019-05-05-meme-titre.md", front("Encore", "2024-01-01"))

    loaded = load_archive(tmp_path)
    slugs = {str(article.origin): article.slug for article in loaded.articles}
    assert slugs == {
        "z-first.md": "meme-titre",  # earliest date keeps the slug
        "a-later.md": "meme-titre-3",  # -2 is taken by an explicit slug
        "b-same-day.md": "meme-titre-4",  # same date as a-later: origin breaks the tie
        "c-latest.md": "meme-titre-5",
        "2019-05-05-meme-titre.md": "meme-titre-6",  # the file-name slug; the front-matter date is latest
        "owner-of-2.md": "meme-titre-2",
    }
    assert len(set(slugs.values())) == len(slugs)
    assert load_archive(tmp_path) == loaded


def test_loaded_contract(tmp_path: Path) -> None:
    put(tmp_path, "a.md", front("A", "2024-01-01", draft="true"))
    loaded = load_archive(tmp_path)
    assert isinstance(loaded, Loaded)
    [article] = loaded.articles
    assert article.draft  # drafts are loaded; the build decides not to publish them
    assert article.origin == Path("a.md")
    assert article.date == date(2024, 1, 1)


def test_seeds_folder_loads_cleanly() -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    loaded = load_archive(seeds)
    assert loaded.problems == ()
    assert len(loaded.articles) == 3
    assert len({article.slug for article in loaded.articles}) == 3


def test_slug_index_is_reserved_for_month_archives(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: Index\ndate: 2024-01-02\n---\nTexte\n", "utf-8")
    [article] = load_archive(tmp_path).articles
    assert article.slug == "index-2"
