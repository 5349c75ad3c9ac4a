"""A large first build parses on every core, with exactly the sequential result and problems."""

import os
import time
from pathlib import Path

from chronique import load
from chronique.load import load_archive
from chronique.load.files import ContentFiles
from chronique.parallel import Parallelism


def test_parallel_parse_equals_sequential(tmp_path: Path) -> None:
    for n in range(40):
        day = f"2024-01-{1 + n % 28:02d}"
        (tmp_path / f"a{n:02d}.md").write_text(f"---\ntitle: Article {n}\ndate: {day}\n---\nTexte {n}.\n")
    (tmp_path / "bad.md").write_text("---\ntitle: Mauvais\ndate: 31/02/2024\n---\n")
    sequential = load_archive(tmp_path)
    parallel = load_archive(tmp_path, parallelism=Parallelism(parse_from=2))
    assert parallel == sequential
    [problem] = parallel.problems
    assert str(problem) == f"{tmp_path / 'bad.md'}:3: {problem.message}"


def test_known_articles_are_not_parsed_again(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nTexte.\n")
    first = load_archive(tmp_path)
    monkeypatch.setattr(load, "read_article", lambda *args: (_ for _ in ()).throw(AssertionError("parsed again")))
    assert load_archive(tmp_path, first.parsed) == first
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2024-01-02\n---\nTexte.\n")
    monkeypatch.undo()
    assert load_archive(tmp_path, first.parsed).articles[0].day.day == 2


def test_files_whose_stat_is_unchanged_are_not_read_again(tmp_path: Path, monkeypatch) -> None:
    """Like git's index: same modification time, change time and size, same bytes; unless the file
    was read right after it was written, when a second change could keep all three."""
    half_a_second = 500_000_000  # two in use
    old, fresh = tmp_path / "old.md", tmp_path / "fresh.md"
    old.write_text("---\ntitle: Ancien\ndate: 2024-01-01\n---\nTexte.\n")
    time.sleep(0.6)
    fresh.write_text("---\ntitle: Nouveau\ndate: 2024-01-02\n---\nTexte.\n")
    first = load_archive(tmp_path)
    read: list[str] = []
    original = ContentFiles.read
    monkeypatch.setattr(ContentFiles, "read", lambda files, path: read.append(Path(path).name) or original(files, path))
    again = load_archive(tmp_path, first.parsed, seen=first.seen, racy_ns=half_a_second)
    assert again.articles == first.articles and read == ["fresh.md"]
    read.clear()
    os.utime(old, (time.time() - 30, time.time() - 30))  # touched: its bytes may differ
    assert load_archive(tmp_path, again.parsed, seen=again.seen, racy_ns=half_a_second).articles == first.articles
    assert sorted(read) == ["fresh.md", "old.md"]
