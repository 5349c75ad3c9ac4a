"""First steps, through the command line: `chronique init`, the project's folders (site.yaml's
`content:`, `output:`, `cache:`), the cache kept out of the content folder's parent, drafts from
`chronique new`, the summary line and -q/-v, and `aliases:` redirect pages."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from chronique.cli import main
from chronique.config import SiteConfig, load_config
from conftest import REPO, write_article


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own folder: the cache goes to the working directory when nothing says where."""
    monkeypatch.chdir(tmp_path)


def files_under(folder: Path) -> set[Path]:
    return {path.relative_to(folder) for path in folder.rglob("*")}


# chronique init


def test_init_makes_a_project_that_builds_and_says_what_to_run_next(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "mon-archive"]) == 0
    out = capsys.readouterr().out
    assert "next: cd mon-archive && chronique build" in out
    project = tmp_path / "mon-archive"
    article = (project / "content" / "bienvenue.md").read_text("utf-8")
    assert article.startswith("---\n") and "\nslug: bienvenue\n" in article
    assert f"\ndate: {date.today().isoformat()}\n" in article
    assert {"/site/", "/.chronique-cache/"} <= set((project / ".gitignore").read_text().splitlines())
    assert load_config(project / "site.yaml").title == "Mon archive"

    monkeypatch.chdir(project)
    assert main(["build"]) == 0
    today = date.today()
    assert (project / "site" / f"{today.year:04d}" / f"{today.month:02d}" / "bienvenue.html").is_file()
    assert (project / ".chronique-cache").is_dir()
    assert "0 warnings" in capsys.readouterr().out


def test_init_here_says_only_the_build_command(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert "next: chronique build" in capsys.readouterr().out
    assert (tmp_path / "site.yaml").is_file() and (tmp_path / "content" / "bienvenue.md").is_file()


def test_init_keeps_an_existing_gitignore_and_archive(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc")  # no final newline
    write_article(tmp_path / "content", "mine.md", "Le mien", "2024-01-02")
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "*.pyc"
    assert "/site/" in (tmp_path / ".gitignore").read_text().splitlines()
    assert sorted(path.name for path in (tmp_path / "content").iterdir()) == ["mine.md"]  # no example added


def test_init_never_overwrites_a_site_yaml(tmp_path: Path, capsys) -> None:
    (tmp_path / "site.yaml").write_text("title: Le mien\n")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"chronique: {tmp_path / 'site.yaml'}: already exists") and "Traceback" not in err
    assert (tmp_path / "site.yaml").read_text() == "title: Le mien\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site.yaml"]


def test_init_where_a_file_is_says_so_in_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "fichier").write_text("")
    assert main(["init", str(tmp_path / "fichier")]) == 1
    assert capsys.readouterr().err == f"chronique: {tmp_path / 'fichier'}: File exists\n"


def every_key(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str]]:
    """(dotted name, key) of every field of `model` and of the sections it holds."""
    keys = []
    for name, field in model.model_fields.items():
        keys.append((prefix + name, name))
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            keys += every_key(field.annotation, f"{prefix}{name}.")
    return keys


def test_site_yaml_of_init_has_every_key_with_its_description_and_default(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    text = (tmp_path / "site.yaml").read_text("utf-8")
    lines = text.splitlines()
    for dotted, key in every_key(SiteConfig):
        found = [index for index, line in enumerate(lines) if re.fullmatch(rf"#? *{key}:.*", line)]
        assert found, f"{dotted} is not in the site.yaml init writes"
        assert lines[found[0] - 1].lstrip("# ").strip(), f"{dotted} has no description above it"
    # Uncommented, every key keeps its default (the taxonomy shows an example): the file cannot drift.
    uncommented = tmp_path / "uncommented.yaml"
    uncommented.write_text(re.sub(r"(?m)^# (?=\s*[\w-]+:(\s|$))", "", text), "utf-8")
    loaded, default = load_config(uncommented), SiteConfig()
    for name in SiteConfig.model_fields:
        if name not in ("title", "content", "output", "taxonomy"):
            assert getattr(loaded, name) == getattr(default, name), name
    assert loaded.taxonomy and (loaded.content, loaded.output) == ("content", "site")


# The project's folders


def test_content_output_and_cache_come_from_site_yaml_relative_to_it(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "projet"
    write_article(project / "articles", "a.md", "Un article", "2024-10-30")
    (project / "site.yaml").write_text("content: articles\noutput: public\ncache: .cache/chronique\n")
    monkeypatch.chdir(tmp_path)  # elsewhere: the paths are site.yaml's, not the working directory's
    assert main(["build", "--config", str(project / "site.yaml")]) == 0
    assert (project / "public" / "2024" / "10" / "un-article.html").is_file()
    assert (project / ".cache" / "chronique").is_dir()
    assert not (tmp_path / "site").exists() and not (tmp_path / ".chronique-cache").exists()


def test_command_line_options_win_over_site_yaml(tmp_path: Path, monkeypatch) -> None:
    write_article(tmp_path / "articles", "a.md", "Un article", "2024-10-30")
    write_article(tmp_path / "autres", "b.md", "Autre article", "2024-10-31")
    (tmp_path / "site.yaml").write_text("content: articles\noutput: public\ncache: cache-a\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--content", "autres", "--output", "ailleurs", "--cache", "cache-b"]) == 0
    assert (tmp_path / "ailleurs" / "2024" / "10" / "autre-article.html").is_file()
    assert not (tmp_path / "ailleurs" / "2024" / "10" / "un-article.html").exists()
    assert (tmp_path / "cache-b").is_dir() and not (tmp_path / "cache-a").exists()
    assert not (tmp_path / "public").exists()


@pytest.mark.parametrize("command", [["build"], [], ["serve", "--port", "0"], ["new", "Un titre"], ["related", "x"]])
def test_without_a_project_a_message_says_how_to_start(tmp_path: Path, monkeypatch, capsys, command) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "chronique init" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_content_folder_named_in_site_yaml_that_is_missing_is_named(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "site.yaml").write_text("content: articles\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    assert capsys.readouterr().err == "chronique: site.yaml: content: articles: no such content folder\n"


# The cache


AS_ANOTHER_USER = textwrap.dedent("""
    import os, shutil, sys, tempfile
    from chronique.cli import main

    if os.geteuid() == 0:  # root writes into any folder whatever its mode: build as nobody, for whom modes count
        scratch = tempfile.mkdtemp()  # a build as root first loads every module, which nobody may not read
        main(["build", "-q", "--content", sys.argv[2], "--output", scratch + "/site", "--cache", scratch + "/c"])
        shutil.rmtree(scratch)
        os.setgid(65534)
        os.setuid(65534)
    sys.exit(main(sys.argv[1:]))
""")


def test_a_read_only_content_folder_builds_and_nothing_is_written_beside_it(tmp_path: Path) -> None:
    place = Path(tempfile.mkdtemp(prefix="chronique-first-steps-"))  # pytest's folders are root's alone
    try:
        place.chmod(0o755)
        shared = place / "data" / "archive"
        content = shared / "articles"
        write_article(content, "a.md", "Un article", "2024-10-30")
        project = place / "projet"
        project.mkdir(mode=0o777)
        project.chmod(0o777)
        for folder in (content, shared, place / "data"):
            folder.chmod(0o555)
        before = files_under(place / "data")
        environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), "XDG_CACHE_HOME": str(project / "xdg")}
        for _ in range(2):  # the second build reads the cache
            result = subprocess.run(
                [sys.executable, "-c", AS_ANOTHER_USER, "--content", str(content), "--output", "site"],
                cwd=project, env=environment, capture_output=True, text=True, timeout=120,
            )
            assert result.returncode == 0, result.stderr
        assert files_under(place / "data") == before
        assert (project / ".chronique-cache").is_dir()
        assert (project / "site" / "2024" / "10" / "un-article.html").is_file()
    finally:
        for folder in (place / "data", shared, content):
            folder.chmod(0o755)
        shutil.rmtree(place)


def test_a_site_yaml_inside_the_content_folder_keeps_the_cache_out_of_it(tmp_path: Path, monkeypatch) -> None:
    content = tmp_path / "archive" / "articles"
    write_article(content, "a.md", "Un article", "2024-10-30")
    (content / "site.yaml").write_text("title: Dedans\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--content", str(content), "--output", "site"]) == 0
    assert (tmp_path / ".chronique-cache").is_dir()
    assert sorted(path.name for path in (tmp_path / "archive").iterdir()) == ["articles"]
    assert sorted(path.name for path in content.iterdir()) == ["a.md", "site.yaml"]


@pytest.mark.parametrize("cache", ["articles/.cache", "articles"])
def test_a_cache_in_the_content_folder_is_refused(tmp_path: Path, monkeypatch, capsys, cache: str) -> None:
    write_article(tmp_path / "articles", "a.md", "Un article", "2024-10-30")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--content", "articles", "--cache", cache]) == 1
    err = capsys.readouterr().err
    assert "must not be inside the content folder" in err and err.count("\n") == 1
    assert sorted(path.name for path in (tmp_path / "articles").iterdir()) == ["a.md"]


# chronique new, drafts, empty articles


def test_new_writes_a_draft_with_its_slug_published_with_drafts_once_it_has_text(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    write_article(tmp_path / "content", "autre.md", "Autre", "2024-10-30")
    (tmp_path / "site.yaml").write_text("content: content\n")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Yes : un « titre »"]) == 0
    path = Path(capsys.readouterr().out.strip())
    text = path.read_text("utf-8")
    assert 'slug: "yes-un-titre"\ndraft: true\n' in text
    today = date.today()
    page = tmp_path / "site" / f"{today.year:04d}" / f"{today.month:02d}" / "yes-un-titre.html"

    assert main(["build"]) == 0
    captured = capsys.readouterr()
    assert "1 draft not published (--drafts to include)" in captured.out and not page.exists()

    assert main(["build", "--drafts"]) == 0  # a title alone is no article yet
    captured = capsys.readouterr()
    assert f"{path}:1: empty body: not published until it has some text" in captured.err
    assert not page.exists()

    path.write_text(text.replace("Yes : un « titre »", "Un autre titre") + "Enfin du texte.\n", "utf-8")
    assert main(["build", "--drafts"]) == 0
    assert page.is_file() and "Un autre titre" in page.read_text("utf-8")  # the URL outlives the title
    assert main(["build"]) == 0
    assert not page.exists()  # a draft again without --drafts


def test_new_makes_the_content_folder_it_is_given(tmp_path: Path, capsys) -> None:
    assert main(["new", "Premier", "--content", "articles"]) == 0
    assert capsys.readouterr().out == str(Path("articles") / "premier.md") + "\n"
    (tmp_path / "site.yaml").write_text("content: textes\n")
    assert main(["new", "Second"]) == 0
    assert (tmp_path / "textes" / "second.md").is_file()


def test_an_article_with_an_empty_body_is_not_published(tmp_path: Path, capsys) -> None:
    write_article(tmp_path / "content", "plein.md", "Plein", "2024-10-30")
    empty = write_article(tmp_path / "content", "vide.md", "Vide", "2024-10-31", body="")
    assert main(["build", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "site")]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"{empty}:1: empty body: not published until it has some text\n"
    assert "1 article read" in captured.out and "1 warning," in captured.out
    assert not (tmp_path / "site" / "2024" / "10" / "vide.html").exists()
    assert (tmp_path / "site" / "2024" / "10" / "plein.html").is_file()


def test_serve_builds_drafts(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "brouillon.md", "Brouillon", "2024-10-30", draft="true")
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--content", str(content), "--output",
         str(tmp_path / "site"), "--port", "0"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    try:
        assert process.stderr is not None
        said = [process.stderr.readline() for _ in range(2)]  # the build's line, then the server's
        assert said[0].startswith("built: 1 article read") and said[1].startswith("serving"), said
        assert (tmp_path / "site" / "2024" / "10" / "brouillon.html").is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)


# The summary line, -q and -v


def test_the_summary_says_what_was_read_rendered_and_written(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Un article", "2024-10-30")
    args = ["build", "--content", str(content), "--output", str(tmp_path / "site")]
    assert main(args) == 0
    first = capsys.readouterr().out.strip()
    files = sum(1 for path in (tmp_path / "site").rglob("*") if path.is_file())
    match = re.fullmatch(rf"1 article read, {files} files in {re.escape(str(tmp_path / 'site'))}/: "
                         rf"(\d+) pages rendered, {files} files written, 0 warnings, \d+\.\d\d s", first)
    assert match, first
    assert main(args) == 0
    assert re.fullmatch(rf"1 article read, {files} files in .*/: up to date, 0 warnings, \d+\.\d\d s",
                        capsys.readouterr().out.strip())
    write_article(content, "b.md", "Vide", "2024-10-31", body="")
    assert main(args) == 0
    assert ", 1 warning, " in capsys.readouterr().out


def test_quiet_prints_errors_only_and_verbose_each_stage(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Un article", "2024-10-30")
    empty = write_article(content, "b.md", "Vide", "2024-10-31", body="")
    args = ["build", "--content", str(content), "--output", str(tmp_path / "site")]
    assert main([*args, "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"{empty}:1: empty body: not published until it has some text\n"
    assert main([*args, "-v", "--clean"]) == 0
    stages = [line.split()[0] for line in capsys.readouterr().out.splitlines()[:-1]]
    assert stages == ["load", "enrich", "plan", "render", "search", "write"]


# aliases: redirects from the old URLs of a migrated site


def resolve(page: str, link: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), link))


def test_aliases_write_relative_redirect_pages(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Un article", "2024-10-30",
                  aliases='["2016/03/old-name.html", "/old/path/", "ancien", "caf%C3%A9.html"]')
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 0
    target = "2024/10/un-article.html"
    for alias in ("2016/03/old-name.html", "old/path/index.html", "ancien/index.html", "café.html"):
        html = (tmp_path / "site" / alias).read_text("utf-8")
        refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
        link = re.search(r'<a href="([^"]+)">Un article</a>', html)
        assert refresh and canonical and link, html
        assert {resolve(alias, found.group(1)) for found in (refresh, canonical, link)} == {target}


def test_aliases_may_be_one_comma_separated_string(tmp_path: Path) -> None:
    write_article(tmp_path / "content", "a.md", "Un article", "2024-10-30", aliases="/un.html, /deux/")
    assert main(["build", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "un.html").is_file() and (tmp_path / "site" / "deux" / "index.html").is_file()


def test_an_alias_canonical_link_is_absolute_with_a_base_url(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Un article", "2024-10-30", aliases="[vieux.html]")
    (tmp_path / "site.yaml").write_text("base_url: https://example.org/archive\n")
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 0
    html = (tmp_path / "site" / "vieux.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/archive/2024/10/un-article.html">' in html
    assert 'url=2024/10/un-article.html"' in html


@pytest.mark.parametrize(
    ("alias", "says"),
    [
        ("../dehors.html", "would leave the output folder"),
        ("/2016/../../dehors.html", "would leave the output folder"),
        ("%2e%2e/dehors.html", "would leave the output folder"),
        ("a//b.html", "would leave the output folder"),
        ("https://example.org/x.html", "is a full URL"),
        ("//example.org/x.html", "is a full URL"),
        ("javascript:alert(1)", "is a full URL"),
        ("x.html?id=3", "query or a fragment"),
        ("a\\\\b.html", "backslash"),
        (".git/config.html", "hidden"),
        ("x.php", "ends in .php"),
        ("static/style.html", "inside static/"),
        ("search/x.html", "inside search/"),
        ("index.html", "would replace index.html"),
        ("/", "would replace index.html"),
        ("2024/10/un-article.html", "would replace 2024/10/un-article.html"),
        ("2024", "would replace 2024/index.html"),
        ("tags.html/", "would replace tags.html/index.html"),
        ("2024/10/un-article.html/x.html", "would replace 2024/10/un-article.html/x.html"),
        ("tags/tags.html", "would replace tags/tags.html"),
    ],
)
def test_an_unsafe_or_colliding_alias_is_a_warning_naming_file_and_line(tmp_path: Path, capsys, alias, says) -> None:
    content = tmp_path / "content"
    path = write_article(content, "a.md", "Un article", "2024-10-30", tags="[tags]", aliases=f"['{alias}']")
    site = tmp_path / "site"
    assert main(["build", "--content", str(content), "--output", str(site)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:5: alias ") and says in err and err.endswith(": not written\n"), err
    assert err.count("\n") == 1
    assert (site / "2024" / "10" / "un-article.html").read_text("utf-8").startswith("<!doctype html>\n<html")
    assert files_under(tmp_path) - {Path("content"), Path("content/a.md")} == {
        Path(".chronique-cache") / path for path in files_under(tmp_path / ".chronique-cache")
    } | {Path("site") / path for path in files_under(site)} | {Path(".chronique-cache"), Path("site")}


def test_an_alias_two_articles_claim_goes_to_the_first(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Nouveau", "2024-10-30", aliases="[vieux.html]")
    second = write_article(content, "b.md", "Ancien", "2024-10-01", aliases="vieux.html")
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 0
    assert capsys.readouterr().err == f"{second}:4: alias 'vieux.html' would replace vieux.html of the site: " \
                                      "not written\n"
    assert "2024/10/nouveau.html" in (tmp_path / "site" / "vieux.html").read_text("utf-8")


def test_a_removed_alias_is_deleted_and_incremental_is_clean(tmp_path: Path) -> None:
    content = tmp_path / "content"
    article = write_article(content, "a.md", "Un article", "2024-10-30", aliases="[vieux.html, ancien/]")
    site, clean = tmp_path / "site", tmp_path / "clean"
    assert main(["build", "-q", "--content", str(content), "--output", str(site)]) == 0
    assert (site / "vieux.html").is_file() and (site / "ancien" / "index.html").is_file()
    article.write_text(article.read_text("utf-8").replace("[vieux.html, ancien/]", "[ancien/]"), "utf-8")
    assert main(["build", "-q", "--content", str(content), "--output", str(site)]) == 0
    assert main(["build", "-q", "--clean", "--content", str(content), "--output", str(clean)]) == 0
    assert not (site / "vieux.html").exists()
    assert {path: (site / path).read_bytes() for path in files_under(site) if (site / path).is_file()} == {
        path: (clean / path).read_bytes() for path in files_under(clean) if (clean / path).is_file()
    }
