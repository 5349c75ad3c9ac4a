"""Incremental builds: only what changed is re-rendered and rewritten, and the result is always
byte-identical to a clean build of the same input."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronique.build import BuildRequest, build_site
from chronique.load import RACY_NS
from chronique.write import WRITE_STEPS, WriteSteps
from conftest import WORDS, snapshot, write_article, write_small_archive

QUICK_NS = 20_000_000
"""The loader and the survey of inputs trust a file's stat once the file has been still for two
seconds (`BuildRequest.racy_ns`); tests that need settled files shorten that to 20 ms, still longer
than any file system's clock tick, and wait `settle()`."""


def settle() -> None:
    time.sleep(0.05)


def incremental(root: Path, racy_ns: int = RACY_NS, write_steps: WriteSteps = WRITE_STEPS, **options: bool):
    """A build of `root`'s archive that reuses what the last one left; `options`: the request's."""
    request = BuildRequest(
        content=root / "content", output=root / "site", cwd=root, racy_ns=racy_ns, write_steps=write_steps, **options
    )
    return build_site(request)


def data_files(root: Path) -> int:
    """Files of the built site that are not rendered from templates: theme assets and the search index."""
    return sum(path.startswith(("static/", "search/")) for path in snapshot(root / "site"))


def clean_copy(root: Path, elsewhere: Path, **options: bool) -> dict[str, bytes]:
    """A clean build of the same input, in a folder that shares no cache with `root`."""
    if elsewhere.exists():
        shutil.rmtree(elsewhere)
    shutil.copytree(root, elsewhere, ignore=shutil.ignore_patterns("site", ".chronique-cache"))
    build_site(
        BuildRequest(content=elsewhere / "content", output=elsewhere / "site", cwd=elsewhere, clean=True, **options)
    )
    return snapshot(elsewhere / "site")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    write_small_archive(root)
    incremental(root)
    return root


def test_a_rebuild_without_change_renders_and_writes_nothing(root: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}
    report = incremental(root)
    assert (report.rendered, report.files.written, report.files.deleted) == (0, 0, 0)
    assert {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()} == before


def test_adding_an_article_rewrites_only_what_must_change(root: Path, tmp_path: Path) -> None:
    total = len(snapshot(root / "site"))
    write_article(root / "content", "new.md", "Nouvel article sur le tourisme", "2024-12-20", "Le tourisme au Maroc.")
    report = incremental(root)
    written = set(report.files.written_paths)
    assert "2024/12/nouvel-article-sur-le-tourisme.html" in written and "index.html" in written
    assert "page/1.html" not in written  # the oldest listing page keeps its bytes
    assert len(written) < total / 2
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


def test_a_deleted_article_vanishes_everywhere(root: Path, tmp_path: Path) -> None:
    (root / "content" / "a05.md").unlink()
    report = incremental(root)
    assert report.files.deleted >= 1
    site = snapshot(root / "site")
    assert not any("article-5-" in path for path in site)
    assert not any(b"article-5-" in data or b"Article 5 sur" in data for data in site.values())
    assert site == clean_copy(root, tmp_path / "clean")


def test_template_and_config_edits_rerender_everything_that_depends_on_them(root: Path, tmp_path: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text(
        (Path(__file__).parents[1] / "templates" / "base.html").read_text().replace("<body>", "<body class=v2>")
    )
    report = incremental(root)
    assert report.rendered == report.pages - data_files(root)  # every page but the assets and the search index
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")
    (root / "site.yaml").write_text("per_page: 5\ntitle: Autre titre\n")
    incremental(root)
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


def test_compiled_templates_are_kept_and_an_edited_one_is_compiled_again(root: Path) -> None:
    assert list((root / ".chronique-cache" / "templates").rglob("*.cache"))  # kept by the first build
    base = (Path(__file__).parents[1] / "templates" / "base.html").read_text()
    (root / "templates").mkdir()
    for version in ("v2", "v3"):  # the same size: only the bytes tell the two apart
        (root / "templates" / "base.html").write_text(base.replace("<body>", f"<body class={version}>"))
        incremental(root)
        assert f"<body class={version}>" in (root / "site" / "index.html").read_text()


def test_a_file_edited_by_hand_in_the_output_is_rendered_again(root: Path) -> None:
    page = root / "site" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"oops")
    report = incremental(root)
    assert report.files.written_paths == ("index.html",)
    assert page.read_bytes() == original


def test_clean_ignores_the_cache(root: Path, monkeypatch) -> None:
    import chronique.enrich

    enriched = []
    original_enrich = chronique.enrich.enrich
    monkeypatch.setattr(chronique.enrich, "enrich",
                        lambda *args, **options: enriched.append(1) or original_enrich(*args, **options))
    report = build_site(BuildRequest(content=root / "content", output=root / "site", cwd=root, clean=True))
    assert report.rendered == report.pages - data_files(root) and report.files.written == 0
    assert enriched == [1]  # not the stored result, though its inputs are the same


def test_interrupted_while_writing_leaves_the_previous_site_exactly(root: Path) -> None:
    before = snapshot(root / "site")
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    staged = []

    def interrupted_stage(target: Path, data: bytes, prefix: str) -> Path:
        if len(staged) == 3:
            raise KeyboardInterrupt
        staged.append(original_stage(target, data, prefix))
        return staged[-1]

    original_stage = WRITE_STEPS.stage
    with pytest.raises(KeyboardInterrupt):
        incremental(root, write_steps=WriteSteps(stage=interrupted_stage))
    assert snapshot(root / "site") == before  # no temporary file left behind either
    incremental(root)
    assert "2024/12/nouvel-article.html" in snapshot(root / "site")


def test_ctrl_c_during_the_renames_waits_for_them(root: Path, tmp_path: Path) -> None:
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    real_replace = os.replace
    sent = []

    def replace_then_interrupt(source, target):
        if not sent and str(target).endswith(".html"):
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        real_replace(source, target)

    with pytest.raises(KeyboardInterrupt):
        incremental(root, write_steps=WriteSteps(replace=replace_then_interrupt))
    assert sent
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")  # complete, not half-renamed


# -- random edit sequences -------------------------------------------------------------------------------

operation = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 30), st.sampled_from(WORDS), st.integers(1, 28)),
    st.tuples(st.just("edit"), st.integers(0, 30), st.sampled_from(WORDS), st.integers(1, 28)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("rename"), st.integers(0, 30)),
    st.tuples(st.just("template"), st.sampled_from(["v1", "v2"])),
    st.tuples(st.just("nothing")),
    # One step for each input the survey declares beside the articles' text (see `chronique.inputs`):
    st.tuples(st.just("static"), st.sampled_from(["p{}", "a{}"])),  # a static file, same size
    st.tuples(st.just("site.yaml"), st.integers(1, 3)),
    st.tuples(st.just("options"), st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    st.tuples(st.just("touch"), st.integers(0, 30)),  # a new stat, the same bytes
    st.tuples(st.just("dated back"), st.integers(0, 30)),  # other bytes, same size, old modification time
    st.tuples(st.just("held"), st.integers(0, 30), st.sampled_from(["future", "draft"])),
)

OPTIONS = ("strict", "future", "drafts", "follow_symlinks")


def apply(root: Path, step: tuple, options: dict[str, bool]) -> None:
    """Make the change `step` describes to the archive under `root`, or to the build's `options`."""
    content = root / "content"
    existing = sorted(content.glob("*.md"))
    kind = step[0]
    if kind == "nothing":
        return
    if kind == "static":
        (root / "static").mkdir(exist_ok=True)
        (root / "static" / "extra.css").write_text(step[1])
    elif kind == "site.yaml":
        (root / "site.yaml").write_text(f"per_page: {step[1]}\n")
    elif kind == "options":
        options.update(zip(OPTIONS, step[1:], strict=True))
    elif kind == "held":
        _, n, why = step
        when, front = ("2099-01-01", {}) if why == "future" else ("2023-06-01", {"draft": "true"})
        write_article(content, f"h{n:02d}-{len(existing)}.md", f"En attente {n}", when, "Bientôt.", **front)
    elif kind == "add":
        _, n, word, day = step
        write_article(content, f"n{n:02d}-{len(existing)}.md", f"{word.title()} numéro {n}", f"2023-05-{day:02d}",
                      f"Texte sur {word} et {WORDS[n % 9]}.", tags=f"[{word}]")
    elif kind == "template":
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / "404.html").write_text(
            "{% extends 'base.html' %}{% block main %}" + step[1] + "{% endblock %}")
    elif existing:
        target = existing[step[1] % len(existing)]
        if kind == "edit":
            _, _, word, day = step
            write_article(content, target.name, f"Révisé {target.stem}", f"2022-11-{day:02d}", f"Nouveau {word}.")
        elif kind == "delete":
            target.unlink()
        elif kind == "touch":
            os.utime(target)
        elif kind == "dated back":
            same_size_edit_dated_back(target)
        else:
            target.rename(target.with_name("r-" + target.name))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=5))
def test_incremental_build_equals_clean_build(tmp_path_factory: pytest.TempPathFactory, steps: list[tuple]) -> None:
    root = tmp_path_factory.mktemp("random")
    for n in range(4):
        write_article(root / "content", f"a{n}.md", f"Départ {n}", f"2024-0{n + 1}-01", f"{WORDS[n]} {WORDS[n + 1]}.")
    (root / "site.yaml").write_text("per_page: 2\n")
    settle()  # settled files: each build records its survey, and one with nothing changed stops early
    options: dict[str, bool] = {}
    incremental(root, QUICK_NS)
    for step in steps:
        apply(root, step, options)
        settle()
        incremental(root, QUICK_NS, **options)
        assert snapshot(root / "site") == clean_copy(root, root.parent / f"{root.name}-clean", **options), step


def test_enrich_is_not_run_again_when_its_inputs_are_the_same(root: Path, monkeypatch) -> None:
    import chronique.enrich

    monkeypatch.setattr(chronique.enrich, "enrich",
                        lambda *args, **options: (_ for _ in ()).throw(AssertionError("enrich ran")))
    assert incremental(root).rendered == 0
    (root / "content" / "a03.md").touch()  # same bytes: still the same inputs
    assert incremental(root).rendered == 0
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    with pytest.raises(AssertionError, match="enrich ran"):
        incremental(root)


def test_a_new_version_of_a_required_library_reparses_and_rerenders_everything(root: Path, monkeypatch) -> None:
    from importlib import metadata

    from chronique import inputs

    original_version = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "99.0" if name == "markdown" else original_version(name))
    inputs.code_version.cache_clear()
    try:
        assert ("markdown", "99.0") in inputs.library_versions()
        report = incremental(root)
    finally:
        inputs.code_version.cache_clear()
    assert report.rendered == report.pages - data_files(root)  # the cache of the other Markdown is not trusted


def loads_counted(monkeypatch) -> list[int]:
    """Counts the builds that go past the survey and load the archive."""
    import chronique.build

    loads: list[int] = []
    original = chronique.build.load_archive
    monkeypatch.setattr(
        chronique.build, "load_archive", lambda *args, **options: loads.append(1) or original(*args, **options)
    )
    return loads


def test_a_rebuild_with_nothing_changed_stops_after_the_survey(root: Path, monkeypatch) -> None:
    write_article(root / "content", "bad.md", "Sans date", "pas une date")
    settle()
    first = incremental(root, QUICK_NS)  # settled inputs: this build records its survey
    loads = loads_counted(monkeypatch)
    report = incremental(root, QUICK_NS)
    assert loads == [] and [stage for stage, _ in report.timings] == ["check"]
    assert (report.articles, report.pages, report.rendered, report.files.written) == (12, first.pages, 0, 0)
    assert report.files.unchanged == first.pages
    assert report.problems == first.problems and len(report.problems) == 1  # warnings are given again


def same_size_edit_dated_back(article: Path) -> None:
    """Other bytes of the same size under the old modification time, as `tar x` or `cp -p` leave them."""
    status, text = article.stat(), article.read_text()
    last = max(place for place, letter in enumerate(text) if letter.isascii() and letter.isalpha())
    article.write_text(text[:last] + text[last].swapcase() + text[last + 1 :])
    os.utime(article, ns=(status.st_atime_ns, status.st_mtime_ns))


CHANGES = {
    "touched": lambda root: (root / "content" / "a03.md").touch(),
    "same size, dated back": lambda root: same_size_edit_dated_back(root / "content" / "a03.md"),
    "added": lambda root: write_article(root / "content", "new.md", "Nouvel article", "2024-12-20"),
    "deleted": lambda root: (root / "content" / "a03.md").unlink(),
    "renamed": lambda root: (root / "content" / "a03.md").rename(root / "content" / "b03.md"),
    "site.yaml": lambda root: (root / "site.yaml").write_text("per_page: 5\n"),
    "template": lambda root: (root / "templates").mkdir() or (root / "templates" / "404.html").write_text("404"),
    "static file": lambda root: (root / "static").mkdir() or (root / "static" / "extra.css").write_text("p{}"),
    "output edited": lambda root: (root / "site" / "index.html").write_text("oops"),
    "output deleted": lambda root: (root / "site" / "index.html").unlink(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_an_input_or_an_output_makes_a_full_rebuild(
    root: Path, tmp_path: Path, monkeypatch, change: str
) -> None:
    settle()
    incremental(root, QUICK_NS)
    loads = loads_counted(monkeypatch)
    CHANGES[change](root)
    settle()
    incremental(root, QUICK_NS)
    assert loads == [1]
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")


def test_a_file_changed_just_before_the_survey_is_not_trusted(root: Path, monkeypatch) -> None:
    an_hour = 3600 * 10**9  # every file changed "a moment ago"
    loads = loads_counted(monkeypatch)
    incremental(root, an_hour)  # nothing recorded
    incremental(root, an_hour)
    assert loads == [1, 1]


def test_a_long_lived_process_stops_early_on_its_first_build_only(
    root: Path, tmp_path: Path, monkeypatch
) -> None:
    from chronique.build import warm_up
    from chronique.cache import BuildMemory

    settle()
    incremental(root, QUICK_NS)
    loads = loads_counted(monkeypatch)
    request = BuildRequest(content=root / "content", output=root / "site", cwd=root, racy_ns=QUICK_NS)
    memory = BuildMemory()
    assert [stage for stage, _ in build_site(request, memory=memory).timings] == ["check"]  # the server starts
    warm_up(request, memory)
    assert len(memory.parsed) == 12  # read now, not by the first rebuild after an edit
    build_site(request, memory=memory)  # later builds follow a change: no survey
    build_site(BuildRequest(content=root / "content", output=root / "site", cwd=root, clean=True))
    assert loads == [1, 1]
    write_article(root / "content", "new.md", "Nouvel article", "2024-12-20")
    build_site(request, memory=memory)
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")
