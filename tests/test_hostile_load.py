"""Hostile input to the loader (issue 11): links out of the content folder, files that are not
regular files, text not in UTF-8, dates at the edge of the calendar, file names that would break
a one-line message. Each is one warning line and, when it cannot be read, one article skipped."""

from __future__ import annotations

import codecs
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from chronique.build import BuildRequest, build_site
from chronique.cli import main
from chronique.load import load_archive, number_contested_slugs, read_article
from chronique.load.files import ContentFiles, NotReadable
from chronique.load.press import LOOKED_FOR
from chronique.model import Article, Problem
from conftest import REPO, build, write_article

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


# Item 3: symbolic links that leave the content folder.


@pytest.mark.parametrize("how", ["absolute", "relative", "chain through a link inside"])
def test_a_link_to_a_file_outside_is_skipped_with_a_warning(folders, tmp_path: Path, capsys, how: str) -> None:
    """While links to files inside are read, and links to folders (inside or out) are not walked."""
    content, outside = folders
    write_article(content / "drafts", "real.txt", "Article lié", "2024-10-30")
    (content / "linked.md").symlink_to(Path("drafts/real.txt"))
    (content / "elsewhere").symlink_to(outside, target_is_directory=True)
    link = content / "sub" / "leak.md"
    link.parent.mkdir()
    if how == "absolute":
        link.symlink_to(outside / "secret.md")
    elif how == "relative":
        link.symlink_to(Path("../../outside/secret.md"))
    else:
        (content / "hop.txt").symlink_to(outside / "secret.md")
        link.symlink_to(Path("../hop.txt"))

    code, err = run_build(content, tmp_path / "site", capsys)

    assert code == 0
    target = (outside / "secret.md").resolve()
    assert f"{link}:1: symbolic link to {target}, outside the content folder" in "\n".join(err)
    assert all(line.endswith("(skipped)") for line in err) and "Traceback" not in "\n".join(err)
    published = site_text(tmp_path / "site")
    assert "Bon article" in published and SECRET not in published  # no page, feed or search entry
    assert (tmp_path / "site" / "2024" / "10" / "article-lie-2.html").is_file()  # drafts/real.txt, and linked.md


def test_follow_symlinks_reads_a_link_to_a_file_outside(folders, tmp_path: Path, capsys) -> None:
    content, outside = folders
    (content / "leak.md").symlink_to(outside / "secret.md")

    assert run_build(content, tmp_path / "site", capsys, "--follow-symlinks") == (0, [])
    assert SECRET in (tmp_path / "site" / "2024" / "10" / f"{SECRET.lower()}.html").read_text("utf-8")
    assert [a.title for a in load_archive(content, follow_symlinks=True).articles] == ["Bon article", SECRET]
    assert [a.title for a in load_archive(content).articles] == ["Bon article"]


def test_toggling_follow_symlinks_rebuilds(folders, tmp_path: Path) -> None:
    content, outside = folders
    (content / "leak.md").symlink_to(outside / "secret.md")
    time.sleep(2.1)  # settled files: a build records its survey, and one with the same inputs stops early
    assert build(content, tmp_path / "site").articles == 1
    assert build(content, tmp_path / "site").rendered == 0  # the early stop, to show it is not taken below

    followed = build(content, tmp_path / "site", follow_symlinks=True)

    assert followed.articles == 2 and followed.problems == ()
    assert SECRET in site_text(tmp_path / "site")
    assert build(content, tmp_path / "site").articles == 1
    assert SECRET not in site_text(tmp_path / "site")


def test_what_is_opened_is_checked_not_what_was_looked_at(folders) -> None:
    """A file replaced by a link (or a named pipe) between the look and the read is not read."""
    content, outside = folders
    files = ContentFiles(content)
    article = content / "good.md"
    path, _ = files.look("good.md")
    article.unlink()
    article.symlink_to(outside / "secret.md")
    with pytest.raises((NotReadable, OSError)):
        files.read(path)
    article.unlink()
    os.mkfifo(article)
    with pytest.raises(NotReadable, match="named pipe"):
        files.read(path)  # and returns at once: the pipe is opened without waiting for a writer


def test_build_request_carries_follow_symlinks(folders, tmp_path: Path) -> None:
    content, outside = folders
    (content / "leak.md").symlink_to(outside / "secret.md")
    report = build_site(BuildRequest(content=content, output=tmp_path / "site", cwd=tmp_path, follow_symlinks=True))
    assert report.articles == 2


# Item 8: files that are not regular files.


def test_a_link_to_itself_a_dangling_link_and_a_link_to_a_device_are_skipped(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    (content / "loop.md").symlink_to("loop.md")
    (content / "ping.md").symlink_to("pong.md")
    (content / "pong.md").symlink_to("ping.md")
    (content / "dangling.md").symlink_to("nothing.md")
    (content / "zero.md").symlink_to("/dev/zero")

    code, err = run_build(content, tmp_path / "site", capsys, "--follow-symlinks")

    assert code == 0
    assert err == [
        f"{content / 'dangling.md'}:1: symbolic link to nothing (its target does not exist) (skipped)",
        f"{content / 'loop.md'}:1: symbolic link that loops back on itself (skipped)",
        f"{content / 'ping.md'}:1: symbolic link that loops back on itself (skipped)",
        f"{content / 'pong.md'}:1: symbolic link that loops back on itself (skipped)",
        f"{content / 'zero.md'}:1: symbolic link to a device, not to an article file (skipped)",
    ]
    assert (tmp_path / "site" / "2024" / "10" / "bon-article.html").is_file()


def test_a_named_pipe_and_a_socket_are_skipped_without_waiting(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    os.mkfifo(content / "pipe.md")
    os.mkfifo(content / "pipe-outside.md.target")
    (content / "via-link.md").symlink_to("pipe-outside.md.target")
    listener = socket.socket(socket.AF_UNIX)
    short = len(os.fsencode(content / "socket.md")) < 100  # the limit of a socket's path
    if short:
        listener.bind(os.fspath(content / "socket.md"))
    command = [sys.executable, "-m", "chronique.cli", "build", "--quiet", "--content", "content", "--output", "site"]
    environment = {**os.environ, "PYTHONPATH": os.fspath(REPO / "src")}
    try:
        # Twice: the second build surveys its inputs against the first one's record as well.
        for _ in range(2):
            done = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            err = done.stderr.splitlines()
            assert "content/pipe.md:1: a named pipe (FIFO), not an article file (skipped)" in err
            link = "content/via-link.md:1: symbolic link to a named pipe (FIFO), not to an article file (skipped)"
            assert link in err
            if short:
                assert "content/socket.md:1: a socket, not an article file (skipped)" in err
            assert (tmp_path / "site" / "2024" / "10" / "bon-article.html").is_file()
    finally:
        listener.close()


# Item 14: text not in UTF-8.

CP1252_EXPORT = (
    "Grève à l’usine : « nous ne lâcherons rien »\n\n"
    "Les salariés réclament 150 € de plus — et l’été approche.\n\n"
    "Le 30/10/2024\n"
)


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [
        ("cp1252", "cp1252"),
        ("latin-1", "cp1252"),
        ("utf-16", "UTF-16 (byte order mark)"),
        ("utf-16-be", "UTF-16 (byte order mark)"),
        ("utf-32", "UTF-32 (byte order mark)"),
        ("utf-16-le", "utf_16_le (no byte order mark)"),
    ],
)
def test_an_export_not_in_utf8_is_read_with_a_warning(tmp_path: Path, capsys, encoding: str, shown: str) -> None:
    text = CP1252_EXPORT
    if encoding == "latin-1":  # no curly quote, euro sign nor dash
        text = text.replace("’", "'").replace("€", "euros").replace("—", "-")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    content = tmp_path / "content"
    content.mkdir()
    (content / "greve.txt").write_bytes(data)

    code, err = run_build(content, tmp_path / "site", capsys, "--strict")  # a warning does not stop --strict

    assert code == 0
    assert len(err) == 1 and err[0].startswith(f"{content / 'greve.txt'}:1: not UTF-8: read as {shown}")
    page = (tmp_path / "site" / "2024" / "10").glob("greve-a-l*.html")
    assert "Les salariés réclament 150" in next(page).read_text("utf-8")


def test_the_warning_is_given_again_by_a_build_that_reuses_the_article(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "greve.txt").write_bytes(CP1252_EXPORT.encode("cp1252"))
    first = build(content, tmp_path / "site")
    time.sleep(2.1)  # the next builds trust the file's stat: one from the cache, then one that stops early

    again, early = build(content, tmp_path / "site"), build(content, tmp_path / "site")

    assert first.articles == again.articles == early.articles == 1 and early.rendered == 0
    expected = (Problem(content / "greve.txt", 1, "not UTF-8: read as cp1252"),)
    assert first.warnings == again.warnings == early.warnings == expected
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 0
    assert ", 1 warning, " in capsys.readouterr().out


def test_short_french_texts_are_read_as_windows_1252(tmp_path: Path) -> None:
    """Detection is unsure on a few words ('Café' is as plausible in Big5): Western wins."""
    for words in ["Café", "ça", "Noël €", "Hôtel", "Straße über Öl", "Œuvre à côté…"]:
        article = read_article(Path("a.txt"), f"{words}\n\nTexte.\n\nLe 30/10/2024\n".encode("cp1252"))
        assert (article.title, article.warnings) == (words, ((1, "not UTF-8: read as cp1252"),))


def test_a_longer_text_in_another_encoding_is_recognised() -> None:
    text = "Привет мир, как дела у тебя сегодня? Всё хорошо, спасибо. Погода сегодня хорошая."
    article = read_article(Path("a.txt"), f"{text}\n\nTexte.\n\nLe 30/10/2024\n".encode("cp1251"))
    assert article.title == text and article.warnings == ((1, "not UTF-8: read as cp1251"),)


def test_a_mixed_file_reads_each_line_in_its_encoding() -> None:
    data = "---\ntitle: Grève\ndate: 2024-10-30\n---\n\nÉté.\n".encode() + "Noël à 5 €.\n".encode("cp1252")
    first = read_article(Path("a.md"), data)
    assert "Été. Noël à 5 €." in first.text.replace("\n", " ")
    assert first.warnings == ((7, "not UTF-8 on 1 of 7 lines, from this one: read as cp1252, the others as UTF-8"),)
    assert read_article(Path("a.md"), data) == first  # the same bytes, the same text


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(128, 256)) * 4,
        b"Titre\n\nTexte \xe9t\xe9\x01\nLe 30/10/2024\n",
        "Titre\n\nTexte \x02\nLe 30/10/2024\n".encode("utf-16"),
    ],
    ids=["high bytes", "control bytes", "control characters in UTF-16"],
)
def test_binary_is_still_refused(tmp_path: Path, capsys, data: bytes) -> None:
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    (content / "bad.txt").write_bytes(data)
    code, err = run_build(content, tmp_path / "site", capsys)
    assert code == 0 and len(err) == 1
    assert "binary file, not an article" in err[0] and err[0].endswith("(skipped)")


# Item 6: dates at the edge of the calendar.

EDGE_DATES = {
    "front matter": ("a.md", "---\ntitle: T\ndate: {date}\n---\n\nTexte.\n", 3),
    "front matter, quoted": ("a.md", "---\ntitle: T\ndate: '{date}'\n---\n\nTexte.\n", 3),
    "toml": ("a.md", "+++\ntitle = 'T'\ndate = {date}\n+++\n\nTexte.\n", 3),
    "pelican": ("a.md", "Title: T\nDate: {date}\n\nTexte.\n", 2),
    "html meta": (
        "a.html",
        '<html><head><title>T</title>\n<meta property="article:published_time" content="{date}"></head>'
        "<body><article><h1>T</h1><p>Texte.</p></article></body></html>\n",
        2,
    ),
    "json-ld": (
        "a.html",
        '<html><head><title>T</title>\n<script type="application/ld+json">{{"datePublished": "{date}"}}</script>'
        "</head><body><article><h1>T</h1><p>Texte.</p></article></body></html>\n",
        2,
    ),
}
OUT_OF_RANGE = [
    "0001-01-01T00:00:00+05:00",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T23:58:00+23:59",
    "9999-12-31T23:00:00-05:00",
    "9999-12-31T00:01:00-23:59",
    "9999-12-31 23:59:59-01:00",
]
IN_RANGE = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "0001-01-01T05:00:00+05:00", "9999-12-31T23:59:59",
            "9999-12-31T23:00:00+05:00", "0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+23:59"]


@pytest.mark.parametrize("shape", EDGE_DATES)
def test_a_date_whose_instant_in_utc_is_out_of_range_is_one_line(tmp_path: Path, capsys, shape: str) -> None:
    name, template, line = EDGE_DATES[shape]
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    for number, value in enumerate(OUT_OF_RANGE):
        (content / f"{number}-{name}").write_text(template.format(date=value), "utf-8")

    code, err = run_build(content, tmp_path / "site", capsys)

    assert code == 0 and len(err) == len(OUT_OF_RANGE)
    for number, message in enumerate(err):
        assert message.startswith(f"{content / f'{number}-{name}'}:{line}: date '")
        assert message.endswith("out of range: in UTC it falls outside the years 1 to 9999 (skipped)")
    assert (tmp_path / "site" / "2024" / "10" / "bon-article.html").is_file()


@pytest.mark.parametrize("shape", ["front matter", "pelican", "html meta"])
def test_a_date_at_the_edge_that_is_in_range_is_published(tmp_path: Path, capsys, shape: str) -> None:
    name, template, _ = EDGE_DATES[shape]
    content = tmp_path / "content"
    for number, value in enumerate(IN_RANGE):
        (content / f"{number}").mkdir(parents=True)
        (content / f"{number}" / name).write_text(template.format(date=value).replace("T\n", f"T{number}\n"), "utf-8")
    (content / "0001-01-01-jekyll.md").write_text("---\ntitle: Jekyll\n---\n\nTexte.\n", "utf-8")
    (content / "press.txt").write_text("Presse\n\nTexte.\n\nLe 31/12/9999\n", "utf-8")

    code, err = run_build(content, tmp_path / "site", capsys, "--future")

    assert (code, err) == (0, [])
    site = tmp_path / "site"
    assert (site / "0001" / "01" / "jekyll.html").is_file() and (site / "9999" / "12" / "presse.html").is_file()
    assert (site / "0001" / "01" / "index.html").is_file() and (site / "9999" / "index.html").is_file()
    assert len(list(site.glob("[09]*/*/*.html"))) == len(IN_RANGE) + 2 + 2  # and the two months' index


# Item 16: names and text that would break a one-line message.

HOSTILE_NAMES = ["new\nline.txt", "carriage\rreturn.txt", "esc\x1b[31mred.txt", "tab\there.txt", "bell\x07.txt",
                 "c1\x9bcontrol.txt", "bidi\u202etxt.exe.txt", "isolate\u2066.txt", "separator\u2028.txt"]


def test_a_file_name_with_control_characters_is_one_readable_line(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "good.md", "Bon article", "2024-10-30")
    (tmp_path / "site.yaml").write_text("undated: skip\n")  # undated articles are skipped, with a problem each
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
    (tmp_path / "site.yaml").write_text("undated: skip\n")
    code, err = run_build(content, tmp_path / "site", capsys)
    assert code == 0 and err == [f"{content}/caf\\udce9.txt:1: no date found: {LOOKED_FOR} (skipped)"]


def test_related_prints_a_file_name_on_one_readable_line(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "esc\x1b[31mred\u202e.md", "Bon article", "2024-10-30")
    assert main(["related", "bon-article", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "esc\\x1b[31mred\\u202e.md" in out


def test_thousands_of_articles_of_one_title_are_numbered_in_linear_time() -> None:
    """number_contested_slugs searched from -2 for each article of a contested slug: 20,000 articles of one
    title took minutes. Bounded by a thread join rather than a timing assertion on the result."""
    articles = [
        Article(slug="t", title="T", date=date(2024, 1, 1), origin=Path(f"{number:05}.md"), body_html="", text="")
        for number in range(20_000)
    ]
    result: list[list[Article]] = []
    worker = threading.Thread(target=lambda: result.append(number_contested_slugs(articles)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert result, "numbering 20,000 articles of one title did not finish within a minute"
    slugs = [article.slug for article in result[0]]
    assert len(set(slugs)) == len(slugs)
    assert slugs[:3] == ["t", "t-2", "t-3"] and slugs[-1] == "t-20000"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="counts memory mappings through Linux's /proc")
def test_reading_many_articles_keeps_no_memory_mapping_per_file(tmp_path: Path) -> None:
    """Asking read() for MAX_BYTES + 1 of a small file left a mapping per file read: at 100,000
    articles the process reached the system's limit (65,530) and the build failed."""
    for number in range(2_000):
        (tmp_path / f"{number}.md").write_text("x" * 500, "utf-8")
    files = ContentFiles(tmp_path)

    def mappings() -> int:
        return len(Path("/proc/self/maps").read_text().splitlines())

    before = mappings()
    kept = [files.read(files.look(f"{number}.md")[0]) for number in range(2_000)]
    assert len(kept) == 2_000 and mappings() - before < 100
