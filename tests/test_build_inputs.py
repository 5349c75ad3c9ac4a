"""One declaration of what a build reads (`chronique.inputs`): the survey, the environment of page
fingerprints and the enrich key all follow from it, and the content folder is walked once."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from chronique.build import BuildRequest, build_site
from chronique.inputs import BuildInputs, BuildOptions, enrich_key
from chronique.load import load_archive
from chronique.load.discover import walk_content
from conftest import write_article, write_small_archive

QUICK_NS = 20_000_000
"""Files count as settled 20 ms after a change here (two seconds in use)."""


def request_for(root: Path, **options) -> BuildRequest:
    return BuildRequest(content=root / "content", output=root / "site", cwd=root, **options)


def stages(report) -> list[str]:
    return [stage for stage, _ in report.timings]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    write_small_archive(root)
    return root


def test_how_long_a_file_must_be_still_is_a_setting_of_the_request(root: Path) -> None:
    an_hour = 3600 * 10**9  # every file changed "a moment ago": nothing is recorded, every build reads
    assert stages(build_site(request_for(root, racy_ns=an_hour))) != ["check"]
    assert stages(build_site(request_for(root, racy_ns=an_hour))) != ["check"]
    time.sleep(0.05)
    build_site(request_for(root, racy_ns=QUICK_NS))  # settled: this build records its survey
    assert stages(build_site(request_for(root, racy_ns=QUICK_NS))) == ["check"]


listed: list[str] | None = None
"""Folders listed (os.scandir) while a test collects them; None: not collecting."""


def _count_listings(event: str, arguments: tuple) -> None:
    if listed is not None and event == "os.scandir":
        listed.append(os.fspath(arguments[0]))


sys.addaudithook(_count_listings)  # the interpreter's own audit events: nothing of Chronique's is replaced


@pytest.mark.parametrize("memory", [False, True])
def test_a_build_that_finds_a_change_lists_the_content_folder_once(root: Path, memory: bool) -> None:
    global listed
    from chronique.cache import BuildMemory

    content = root / "content"
    write_article(content / "2024", "nested.md", "Un article rangé", "2024-06-01")
    time.sleep(0.05)
    build_site(request_for(root, racy_ns=QUICK_NS))
    write_article(content / "2024", "other.md", "Un autre article", "2024-06-02")
    time.sleep(0.05)
    listed = []
    try:
        report = build_site(request_for(root, racy_ns=QUICK_NS), memory=BuildMemory() if memory else None)
    finally:
        found, listed = listed, None
    assert "load" in stages(report) and report.articles == 14
    assert found.count(os.fspath(content / "2024")) == 1


def test_the_loader_reads_the_walk_it_is_given_as_it_would_walk_itself(root: Path) -> None:
    content = root / "content"
    (content / "notes.bak").write_text("ignored")
    write_article(root, "outside.md", "Hors du dossier", "2024-01-01")
    os.symlink(root / "outside.md", content / "outside.md")
    assert load_archive(content, walk=walk_content(content)) == load_archive(content)


def inputs_of(root: Path, **options) -> BuildInputs:
    request = request_for(root, racy_ns=QUICK_NS, **options)
    config = request.site_config()
    return request.inputs(config, request.site_theme(config))


def digests(root: Path, **options) -> tuple[str | None, str, str]:
    """(survey, environment, enrich key) of a build of `root` with `options`."""
    inputs = inputs_of(root, **options)
    environment = inputs.environment()
    articles = load_archive(root / "content").articles
    return inputs.survey(walk_content(root / "content"), environment), environment, enrich_key(articles, inputs.config)


def test_every_declared_input_is_in_the_digests_that_depend_on_it(root: Path) -> None:
    """Each input changes the survey; the environment of page fingerprints and the enrich key change
    with the code, site.yaml and (the environment) the templates, and with nothing else."""
    time.sleep(0.05)
    first = digests(root)
    assert first == digests(root) and first[0] is not None  # deterministic

    def changed(change, **options) -> tuple[bool, bool, bool]:
        change()
        time.sleep(0.05)
        now = digests(root, **options)
        return tuple(a != b for a, b in zip(first, now, strict=True))

    for option in BuildOptions.__dataclass_fields__:
        assert changed(lambda: None, **{option: True}) == (True, False, False), option
    article = root / "content" / "a03.md"
    assert changed(lambda: os.utime(article)) == (True, False, False)  # a new stat, the same bytes
    template = root / "templates" / "404.html"
    assert changed(lambda: template.parent.mkdir() or template.write_text("404")) == (True, True, False)
    template.unlink()
    template.parent.rmdir()
    static = root / "static" / "extra.css"
    assert changed(lambda: static.parent.mkdir() or static.write_text("p{}")) == (True, False, False)
    static.unlink()
    static.parent.rmdir()
    assert changed(lambda: (root / "site.yaml").write_text("per_page: 5\n")) == (True, True, True)

