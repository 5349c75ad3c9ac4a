"""Hostile input and faults around the build itself (issue 11): planted cache files, hostile
manifests, builds killed while staging, odd configuration files, output folders that must not be
written, articles dated in the future, and error messages that name their file."""

from __future__ import annotations

import fcntl
import json
import marshal
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

import chronique
from chronique.build import BuildRequest, build_site, failure_message
from chronique.cli import main
from chronique.render import builtin_dir
from conftest import snapshot, write_article, write_small_archive

SOURCE = str(Path(chronique.__file__).parents[1])
"""The code under test, for the processes a test starts."""




@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An archive of 12 articles, built once with its cache sealed by a key of the test's own."""
    root = tmp_path / "archive"
    write_small_archive(root)
    build(root)
    return root


def request(root: Path, **options: object) -> BuildRequest:
    options.setdefault("key_file", root.parent / "key" / "chronique")
    return BuildRequest(content=root / "content", output=root / "site", cwd=root, **options)  # type: ignore[arg-type]


def build(root: Path, **options: object):
    return build_site(request(root, **options))


def clean_copy(root: Path, elsewhere: Path, **options: object) -> dict[str, bytes]:
    """A clean build of the same input, in a folder that shares no cache with `root`."""
    shutil.copytree(root, elsewhere, ignore=shutil.ignore_patterns("site", ".chronique-cache"))
    build_site(BuildRequest(content=elsewhere / "content", output=elsewhere / "site", cwd=elsewhere, clean=True,
                            key_file=None, **options))  # type: ignore[arg-type]
    return snapshot(elsewhere / "site")


# -- item 4: the cache never runs what it loads ------------------------------------------------------------


class _Planted:
    """Unpickling this makes the folder `witness`: proof that a planted pickle ran."""

    def __init__(self, witness: Path) -> None:
        self.witness = witness

    def __reduce__(self):
        return (os.mkdir, (str(self.witness),))


def test_a_pickle_planted_in_the_cache_is_never_loaded(root: Path, tmp_path: Path) -> None:
    cache = root / ".chronique-cache"
    planted = [path for path in cache.rglob("*") if path.is_file() and path.parent.parent.name == "parsed"]
    planted.append(cache / "enrich.pickle")
    assert len(planted) > 2
    for number, path in enumerate(planted):
        path.write_bytes(pickle.dumps(_Planted(tmp_path / f"ran-{number}")))
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")  # so that the cache is read
    build(root)
    assert not list(tmp_path.glob("ran-*"))
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


def test_a_compiled_template_planted_in_the_cache_is_never_run(root: Path, tmp_path: Path) -> None:
    """Jinja's bytecode cache holds marshalled code: a file planted there with the right header and
    the checksum of the real template would run as the template is loaded."""
    from jinja2.bccache import bc_magic

    witness = tmp_path / "ran"
    code = compile(f"__import__('os').mkdir({str(witness)!r})", "<planted>", "exec")
    compiled = [path for path in (root / ".chronique-cache" / "templates").rglob("*") if path.is_file()]
    assert compiled
    for path in compiled:
        data = path.read_bytes()
        header = data.index(bc_magic) + len(bc_magic)
        checksum = pickle.loads(data[header:])  # pickle stops at its own end: the checksum of the source
        path.write_bytes(bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code))
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")  # pages to render
    build(root)
    assert not witness.exists()
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


def test_a_key_that_cannot_be_kept_or_trusted_turns_the_cache_off(root: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    shared = tmp_path / "shared-key"
    shared.write_bytes(os.urandom(32))
    shared.chmod(0o644)  # another user could read it, and forge seals
    for key_file in (tmp_path / "file" / "key", shared, None):
        shutil.rmtree(root / ".chronique-cache")
        write_article(root / "content", "new.md", "Nouvel article", f"2024-12-{20 + len(str(key_file)) % 5}")
        build(root, key_file=key_file)
        kept = {path.name for path in (root / ".chronique-cache").iterdir()}
        assert not kept & {"parsed", "templates", "enrich.pickle"}


def test_the_key_is_made_once_private_and_reused(tmp_path: Path, root: Path) -> None:
    key_file = root.parent / "key" / "chronique"
    status = key_file.stat()
    assert status.st_mode & 0o777 == 0o600 and status.st_size == 32
    key = key_file.read_bytes()
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    build(root)
    assert key_file.read_bytes() == key


@pytest.mark.parametrize("kind", ["fifo", "endless"])
def test_a_fifo_or_an_endless_file_in_the_cache_is_as_if_absent(root: Path, tmp_path: Path, kind: str) -> None:
    cache = root / ".chronique-cache"
    planted = [path for path in cache.rglob("*") if path.is_file() and path.name != ".gitignore"]
    for path in planted:
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)  # reading it would wait forever
        else:
            path.symlink_to("/dev/zero")  # reading it would fill the memory
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    build(root)
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


def test_a_key_inside_the_archive_is_not_trusted(root: Path) -> None:
    """An archive could bring its cache and the key that seals it."""
    shutil.rmtree(root / ".chronique-cache")
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    build(root, key_file=root / ".chronique-cache" / "key")
    build(root, key_file=root / "content" / "key")
    assert not {path.name for path in (root / ".chronique-cache").iterdir()} & {"parsed", "templates", "enrich.pickle"}
    assert not (root / "content" / "key").exists()


def _manifest(root: Path) -> Path:
    (manifest,) = (root / ".chronique-cache").glob("manifest-*.json")
    return manifest


HOSTILE_MANIFESTS = {
    "files is a list": {"files": []},
    "a record of the wrong length": {"files": {"index.html": ["x", 1]}},
    "a record of strings": {"files": {"index.html": "abcd"}},
    "a size that is a string": {"files": {"index.html": ["d", "12", 1, ""]}},
    "a parent path": {"files": {"../outside.html": ["d", 1, 1, ""]}},
    "a deep parent path": {"files": {"2024/../../outside.html": ["d", 1, 1, ""]}},
    "an absolute path": {"files": {"OUTSIDE": ["d", 1, 1, ""]}},
    "a NUL in a path": {"files": {"index.html\u0000x": ["d", 1, 1, ""]}},
    "through a link": {"files": {"link/victim.html": ["d", 1, 1, ""]}},
    "built_from of wrong types": {"files": {}, "built_from": {"inputs": 1, "articles": "x", "problems": 3}},
    "a problem of wrong types": {"files": {}, "built_from": {"inputs": "x", "articles": 1, "problems": [[1, 2, 3]]}},
    "a release that is no date": {"files": {}, "built_from": {"inputs": "x", "articles": 1, "problems": [],
                                                              "release": "tomorrow"}},
    "not an object": [1, 2, 3],
}


@pytest.mark.parametrize("name", HOSTILE_MANIFESTS)
def test_a_hostile_manifest_neither_crashes_the_build_nor_reaches_outside_the_output(
    root: Path, tmp_path: Path, name: str
) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("keep me")
    victims = tmp_path / "victims"
    victims.mkdir()
    (victims / "victim.html").write_text("keep me")
    (root / "site" / "link").symlink_to(victims)
    text = json.dumps(HOSTILE_MANIFESTS[name]).replace("OUTSIDE", str(outside))
    _manifest(root).write_text(text)
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    build(root)
    assert outside.read_text() == "keep me" and (victims / "victim.html").read_text() == "keep me"
    (root / "site" / "link").unlink()
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


# -- item 10: a build killed while staging ------------------------------------------------------------------

KILLED_WHILE_STAGING = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from chronique.build import BuildRequest, build_site

    root, after = Path(sys.argv[1]), int(sys.argv[2])
    staged = []

    def kill_while_staging(event, args):
        # The kill -9 of a user, at a chosen point: after `after` staged files were opened.
        path = args[0] if event == "open" and isinstance(args[0], str) else ""
        if path.startswith(f"{root}/site/") and "/.chronique-" in path:
            staged.append(args[0])
            if len(staged) > after:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(kill_while_staging)
    build_site(BuildRequest(content=root / "content", output=root / "site", cwd=root, clean=True,
                            key_file=root.parent / "key" / "chronique"))
""")


def staged_files(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob(".chronique-*") if path.is_file())


def kill_while_staging(root: Path, after: int) -> None:
    environment = {**os.environ, "PYTHONPATH": SOURCE}
    result = subprocess.run([sys.executable, "-c", KILLED_WHILE_STAGING, str(root), str(after)], env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr


@pytest.mark.parametrize("after", [1, 3, 15])
def test_the_next_build_removes_what_a_build_killed_while_staging_left(root: Path, tmp_path: Path, after: int) -> None:
    (root / "site" / "2024" / ".chronique-notes.tmp").write_text("a file of the user's")  # not named as ours
    (root / "site" / "notes.tmp").write_text("a file of the user's")
    for n in range(12):  # every page changes: many files to stage
        write_article(root / "content", f"a{n:02d}.md", f"Article {n} revu", f"2024-{1 + n % 12:02d}-11")
    kill_while_staging(root, after)
    assert staged_files(root / "site")  # what a killed build leaves
    build(root)
    assert staged_files(root / "site") == [root / "site" / "2024" / ".chronique-notes.tmp"]
    assert (root / "site" / "notes.tmp").exists()
    (root / "site" / "2024" / ".chronique-notes.tmp").unlink()
    (root / "site" / "notes.tmp").unlink()
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


def test_clean_also_removes_staged_files_no_marker_lists(root: Path) -> None:
    """What a build killed before markers existed left (mkstemp's eight characters after the prefix)."""
    leftovers = [root / "site" / "2024" / ".chronique-k3j_x9a2.tmp", root / "site" / ".chronique-aaaaaaaa.tmp"]
    for leftover in leftovers:
        leftover.write_text("<html>")
    build(root)
    assert all(leftover.exists() for leftover in leftovers)  # a build with no marker does not walk the output
    build(root, clean=True)
    assert staged_files(root / "site") == []


def test_the_staged_files_of_a_running_build_are_left_alone(root: Path) -> None:
    build_id = "0123456789abcdef"
    staged = root / "site" / "2024" / f".chronique-{build_id}-abcd1234.tmp"
    staged.write_text("<html>")
    marker = root / "site" / f".chronique-staging-{build_id}"
    marker.write_text(json.dumps(["2024"]))
    with marker.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the running build holds it
        build(root, clean=True)
        assert staged.exists() and marker.exists()
    build(root)  # the lock is released: that build died
    assert not staged.exists() and not marker.exists()


# -- item 12: site.yaml that is not a small regular file -----------------------------------------------------


@pytest.mark.parametrize("kind", ["device", "fifo", "huge", "folder"])
def test_a_config_that_is_not_a_small_regular_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    write_article(tmp_path / "content", "a.md", "Article", "2024-10-30")
    config = {"device": Path("/dev/zero"), "fifo": tmp_path / "fifo.yaml", "huge": tmp_path / "huge.yaml",
              "folder": tmp_path / "folder.yaml"}[kind]
    if kind == "fifo":
        os.mkfifo(config)
    if kind == "huge":
        config.write_text("title: x\n" + "# padding\n" * 200_000)
    if kind == "folder":
        config.mkdir()
    code = main(["--content", str(tmp_path / "content"), "--output", str(tmp_path / "site"), "--config", str(config)])
    errors = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(errors) == 1 and errors[0].startswith(f"{config}:")
    assert not (tmp_path / "site").exists()


# -- item 13: output folders that must not be written --------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with its own theme beside the content folder and site.yaml."""
    write_article(tmp_path / "content", "a.md", "Article", "2024-10-30")
    (tmp_path / "site.yaml").write_text("title: Projet\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text((builtin_dir("templates") / "base.html").read_text())
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "extra.css").write_text("body {}")
    return tmp_path


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize("output", ["templates", "static", "templates/site", "static/site", ".chronique-cache",
                                    ".chronique-cache/site", "BUILTIN_TEMPLATES", "BUILTIN_STATIC"])
def test_an_output_folder_of_the_theme_or_the_cache_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], command: str, output: str
) -> None:
    build_site(BuildRequest(content=project / "content", output=project / "site", cwd=project, key_file=None))
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    target = {"BUILTIN_TEMPLATES": builtin_dir("templates"), "BUILTIN_STATIC": builtin_dir("static")}.get(
        output, project / output)
    code = main([command, "--content", str(project / "content"), "--output", str(target), "--force", "--port", "0"]
                if command == "serve" else
                ["build", "--content", str(project / "content"), "--output", str(target), "--force"])
    errors = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(errors) == 1 and errors[0].startswith("chronique: ")
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before


@pytest.mark.parametrize("output", ["static", "templates", "conf/static", "conf/templates"])
def test_a_theme_folder_not_made_yet_is_refused_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    """An output named static/ beside the content or site.yaml would be taken for the theme's by the next build."""
    write_article(tmp_path / "content", "a.md", "Article", "2024-10-30")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "site.yaml").write_text("title: Projet\n")
    code = main(["build", "--content", str(tmp_path / "content"), "--config", str(tmp_path / "conf" / "site.yaml"),
                 "--output", str(tmp_path / output)])
    assert code == 1 and len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / output).exists()


@pytest.mark.parametrize("command", ["build", "serve"])
def test_a_folder_holding_files_but_no_site_needs_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    write_article(tmp_path / "content", "a.md", "Article", "2024-10-30")
    output = tmp_path / "etc"
    output.mkdir()
    (output / "passwd").write_text("root:x:0:0")
    options = ["--port", "0"] if command == "serve" else []
    code = main([command, "--content", str(tmp_path / "content"), "--output", str(output), *options])
    errors = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(errors) == 1 and "--force" in errors[0]
    assert sorted(path.name for path in output.iterdir()) == ["passwd"]
    if command == "build":
        assert main(["build", "--content", str(tmp_path / "content"), "--output", str(output), "--force"]) == 0
        assert (output / "index.html").exists() and (output / "passwd").read_text() == "root:x:0:0"


def test_a_new_an_empty_or_a_built_folder_needs_no_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # where the cache goes when no site.yaml says
    write_article(tmp_path / "content", "a.md", "Article", "2024-10-30")
    (tmp_path / "empty").mkdir()
    for name in ("new", "empty", "new"):  # "new" again: a site built there, known by its manifest
        assert main(["build", "--quiet", "--content", str(tmp_path / "content"), "--output", str(tmp_path / name)]) == 0
    shutil.rmtree(tmp_path / ".chronique-cache")  # still a Chronique site: its index.html says so
    write_article(tmp_path / "content", "b.md", "Autre article", "2024-10-31")
    assert main(["build", "--quiet", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "new")]) == 0
    assert {path.name for path in (tmp_path / "new").glob("2024/10/*.html")} == {
        "index.html", "article.html", "autre-article.html"}


# -- item 15: articles dated in the future -------------------------------------------------------------------

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write_article(content, "past.md", "Passé", "2026-12-04")
    write_article(content, "today.md", "Aujourd'hui", "2026-12-05")  # a day without a time is not in the future
    write_article(content, "earlier-instant.md", "Plus tôt", "2026-12-05T10:00:00+02:00")  # 08:00 UTC: published
    write_article(content, "later-instant.md", "Plus tard", "2026-12-05T10:00:00-02:00")  # 12:00 UTC: held back
    write_article(content, "tomorrow.md", "Demain", "2026-12-06")
    return tmp_path


def published_titles(site: Path) -> set[str]:
    return {path.stem for path in site.glob("2026/12/*.html")} - {"index"}


def test_future_articles_are_held_back_unless_asked_for(dated: Path) -> None:
    report = build_site(BuildRequest(content=dated / "content", output=dated / "site", cwd=dated, now=NOW,
                                     key_file=None))
    assert published_titles(dated / "site") == {"passe", "aujourd-hui", "plus-tot"}
    assert report.held_back == 2 and report.articles == 3
    feed = (dated / "site" / "feed.xml").read_text()
    assert "Demain" not in feed and "Plus tard" not in feed
    report = build_site(BuildRequest(content=dated / "content", output=dated / "site", cwd=dated, now=NOW,
                                     future=True, key_file=None))
    assert published_titles(dated / "site") == {"passe", "aujourd-hui", "plus-tot", "plus-tard", "demain"}
    assert report.held_back == 0


def test_the_summary_says_how_many_future_articles_were_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article(tmp_path / "content", "past.md", "Passé", "2024-01-01")
    write_article(tmp_path / "content", "far.md", "Lointain", "2999-01-01")
    write_article(tmp_path / "content", "farther.md", "Plus lointain", "2999-01-01T00:00:00+14:00")
    assert main(["build", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "site")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 future articles not published (--future to include)"
    assert not (tmp_path / "site" / "2999").exists()
    assert main(["build", "--future", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "site")]) == 0
    assert "future" not in capsys.readouterr().out
    assert (tmp_path / "site" / "2999" / "01" / "lointain.html").exists()


def test_an_article_appears_once_its_date_has_passed_with_nothing_changed_on_disk(dated: Path, tmp_path: Path) -> None:
    def build_at(now: datetime, future: bool = False):
        return build_site(BuildRequest(content=dated / "content", output=dated / "site", cwd=dated, now=now,
                                       future=future, key_file=tmp_path / "key"))

    time.sleep(2.1)  # the inputs settle: each build records its survey of them, and may stop after it
    build_at(NOW)
    report = build_at(NOW)
    assert [stage for stage, _ in report.timings] == ["check"] and report.held_back == 2  # nothing changed
    assert build_at(NOW, future=True).articles == 5 and "demain" in published_titles(dated / "site")
    assert build_at(NOW).held_back == 2 and "demain" not in published_titles(dated / "site")
    report = build_at(datetime(2026, 12, 5, 12, 0, 1, tzinfo=UTC))
    assert report.held_back == 1 and "plus-tard" in published_titles(dated / "site")
    report = build_at(datetime(2026, 12, 6, 0, 0, 1).astimezone())  # local midnight passed: tomorrow is today
    assert report.held_back == 0 and "demain" in published_titles(dated / "site")
    later = datetime(2026, 12, 6, 1).astimezone()
    assert snapshot(dated / "site") == snapshot_of_clean(dated, tmp_path / "clean", later)


def snapshot_of_clean(project: Path, elsewhere: Path, now: datetime) -> dict[str, bytes]:
    shutil.copytree(project / "content", elsewhere / "content")
    build_site(BuildRequest(content=elsewhere / "content", output=elsewhere / "site", cwd=elsewhere, now=now,
                            clean=True, key_file=None))
    return snapshot(elsewhere / "site")


# -- item 16: messages that name their file ------------------------------------------------------------------

FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    from chronique.cli import main

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    sys.exit(main(sys.argv[2:]))
""")


@pytest.mark.parametrize("limit", [2_000, 20_000])
def test_a_write_that_fails_names_its_file(tmp_path: Path, limit: int) -> None:
    """A full disk without a full disk: the limit on the size of a file a process may write fails
    the first large file the way a full disk would (EFBIG instead of ENOSPC), whichever it is."""
    for n in range(3):
        write_article(tmp_path / "content", f"a{n}.md", f"Article {n}", "2024-10-30", "Texte. " * 4000)
    environment = {**os.environ, "PYTHONPATH": SOURCE, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(limit), "--content", str(tmp_path / "content"),
         "--output", str(tmp_path / "site")], env=environment, capture_output=True, text=True, timeout=120)
    errors = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(errors) == 1, result.stderr
    assert errors[0].startswith(f"chronique: {tmp_path}/") and errors[0].endswith(": File too large")


def test_a_full_disk_names_the_file_it_stopped(tmp_path: Path) -> None:
    """A real full disk: a tiny tmpfs, when this process may mount one (root, outside most sandboxes)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        for n in range(3):
            write_article(tmp_path / "content", f"a{n}.md", f"Article {n}", "2024-10-30", "Texte. " * 8000)
        with pytest.raises(OSError) as failure:
            build_site(BuildRequest(content=tmp_path / "content", output=disk / "site", cwd=tmp_path, key_file=None))
        message = failure_message(failure.value)
        assert message.startswith(f"chronique: {disk}/site/") and message.endswith(": No space left on device")
    finally:
        subprocess.run(["umount", str(disk)], check=True)


UNREADABLE = textwrap.dedent("""
    import os, sys
    from chronique.cli import main  # imported as root: nobody may not read this Python's files

    os.setgid(65534)
    os.setuid(65534)  # nobody, for whom mode bits count (root reads every folder whatever its mode)
    sys.exit(main(sys.argv[1:]))
""")


def test_an_unreadable_content_folder_is_named(tmp_path: Path) -> None:
    place = Path(tempfile.mkdtemp(prefix="chronique-hostile-"))  # pytest's folders are root's alone
    place.chmod(0o777)
    content = place / "content"
    try:
        write_article(content, "a.md", "Article", "2024-10-30")
        content.chmod(0o000)
        script = UNREADABLE if os.geteuid() == 0 else "import sys; from chronique.cli import main; sys.exit(main())"
        environment = {**os.environ, "PYTHONPATH": SOURCE, "XDG_CACHE_HOME": str(place / "xdg")}
        arguments = ["--content", str(content), "--output", str(place / "site")]
        result = subprocess.run([sys.executable, "-c", script, *arguments], cwd=place, env=environment,
                                capture_output=True, text=True, timeout=120)
        assert result.stderr.strip() == f"chronique: {content}: cannot read the content folder: Permission denied"
        assert result.returncode == 1
    finally:
        content.chmod(0o755)
        shutil.rmtree(place)
