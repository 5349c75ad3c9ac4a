"""The search index of a rebuild starts from what the last build kept (`search_index.SearchState`)
and leaves out the fragments already on disk, and is still byte-identical to a clean build."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronique.build import BuildRequest, build_site
from chronique.config import SiteConfig
from chronique.model import Article, Source
from chronique.search_index import SearchState, build_search_index
from conftest import WORDS, snapshot, write_article
from test_incremental import QUICK_NS, apply, clean_copy, operation, settle

TAIL = 1
"""Newest articles analysed again by every build in these tests: the rest is reused from the cache."""


def article(n: int, word: str, day: int = 1, tags: tuple[str, ...] = ()) -> Article:
    return Article(
        slug=f"a{n}", title=f"{word.title()} {n}", date=date(2024, 1, day), origin=Path(f"a{n}.md"),
        body_html="", text=f"{word} et {WORDS[n % 9]} ; l'étape {n}.", tags=tags, source=Source(name="Le Desk"),
        digest=f"{n}-{word}",
    )


def kept_state(articles: list[Article], config: SiteConfig, tail: int = TAIL) -> SearchState:
    """What a build of `articles` keeps for the next one."""
    kept: list[SearchState | None] = []
    build_search_index(articles, config, tail=tail, keep=kept.append)
    assert kept[0] is not None
    return kept[0]


def articles(count: int) -> list[Article]:
    return [article(n, WORDS[n % 9], 1 + n % 28) for n in range(count)]


@pytest.mark.parametrize("change", ["add newest", "add older", "edit newest", "edit oldest", "delete newest",
                                    "delete oldest", "retag", "nothing"])
def test_an_index_made_from_the_last_state_equals_a_clean_one(change: str) -> None:
    before = articles(8)
    after = {
        "add newest": [*before, article(8, "tourisme", 28)],
        "add older": [*before, article(8, "tourisme", 1)],
        "edit newest": [*before[:7], dataclasses.replace(before[7], text="Rabat, autre texte.", digest="edited")],
        "edit oldest": [dataclasses.replace(before[0], text="Rabat, autre texte.", digest="edited"), *before[1:]],
        "delete newest": before[:7],
        "delete oldest": before[1:],
        "retag": [before[0].with_tags(("Maroc",)), *before[1:]],
        "nothing": before,
    }[change]
    state = kept_state(before, SiteConfig())
    assert len(state.articles) == 7
    assert build_search_index(after, SiteConfig(), previous=state, tail=TAIL).files == \
        build_search_index(after, SiteConfig()).files


def test_the_postings_of_the_last_state_are_reused_as_far_as_its_articles_are_the_same() -> None:
    before = articles(6)
    state = kept_state(before, SiteConfig())
    # A state whose texts are marked: the marks show in the index made from it, so they were not made again.
    marked = dataclasses.replace(state, texts=tuple(f"{text}~" if text else "" for text in state.texts))
    added = build_search_index([*before, article(6, "tourisme", 28)], SiteConfig(), previous=marked, tail=TAIL)
    assert any(b"~" in data for path, data in added.files.items() if path.startswith("search/t/"))
    edited = [dataclasses.replace(before[0], digest="other bytes"), *before[1:]]
    again = build_search_index(edited, SiteConfig(), previous=marked, tail=TAIL)
    assert not any(b"~" in data for data in again.files.values())


@pytest.mark.parametrize("other", [SiteConfig(language="en"), SiteConfig(boilerplate=["Lire aussi"])])
def test_a_state_made_with_another_site_yaml_or_code_is_not_used(other: SiteConfig) -> None:
    before = articles(6)
    state = kept_state(before, other)
    assert build_search_index(before, SiteConfig(), previous=state, tail=TAIL).files == \
        build_search_index(before, SiteConfig()).files
    newer_code = dataclasses.replace(state, key="another code version")
    assert build_search_index(before, other, previous=newer_code, tail=TAIL).files == \
        build_search_index(before, other).files


def test_fragments_on_disk_as_made_are_not_made_again() -> None:
    before = articles(5)
    first = build_search_index(before, SiteConfig(), environment="e")
    written = {path: first.fingerprints[path] for path in first.fingerprints}
    assert len(written) == 5 and all(path in first.files for path in written)
    later = build_search_index(
        [*before, article(5, "tourisme", 28)], SiteConfig(), environment="e",
        on_disk=lambda path, fingerprint: written.get(path) == fingerprint,
    )
    assert set(later.kept) == set(written)
    assert [path for path in later.files if path.startswith("search/d/")] == ["search/d/0/5.js"]
    oldest = dataclasses.replace(article(9, "tourisme"), date=date(2023, 1, 1))
    moved = build_search_index([oldest, *before], SiteConfig(), environment="e",
                               on_disk=lambda path, fingerprint: written.get(path) == fingerprint)
    assert moved.kept == ()  # every article took another number


def test_an_article_without_a_known_digest_is_always_made_again() -> None:
    unknown = [dataclasses.replace(item, digest="") for item in articles(3)]
    index = build_search_index(unknown, SiteConfig(), environment="e", on_disk=lambda path, fingerprint: True)
    assert index.kept == () and index.fingerprints == {}
    kept: list[SearchState | None] = []
    build_search_index(unknown, SiteConfig(), tail=0, keep=kept.append)
    assert kept == [None]  # none of them could be told again


def build(root: Path, **options: bool):
    return build_site(BuildRequest(content=root / "content", output=root / "site", cwd=root, racy_ns=QUICK_NS,
                                   search_tail=TAIL, **options))


search_steps = st.one_of(
    operation,
    st.tuples(st.just("language"), st.sampled_from(["fr", "en"])),
    st.tuples(st.just("english"), st.integers(0, 30)),
    st.tuples(st.just("newest"), st.integers(0, 30)),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(search_steps, min_size=1, max_size=5))
def test_a_site_rebuilt_from_the_search_cache_equals_a_clean_build(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple]
) -> None:
    root = tmp_path_factory.mktemp("search")
    for n in range(5):
        write_article(root / "content", f"a{n}.md", f"Départ {n}", f"2024-0{n + 1}-01", f"{WORDS[n]} {WORDS[n + 1]}.")
    (root / "site.yaml").write_text("per_page: 2\n")
    settle()
    options: dict[str, bool] = {}
    build(root)
    for step in steps:
        if step[0] == "language":
            (root / "site.yaml").write_text(f"per_page: 2\nlanguage: {step[1]}\n")
        elif step[0] == "english":  # an article in its own language, among the newest
            day = f"2025-02-{1 + step[1] % 28:02d}"
            write_article(root / "content", f"e{step[1]:02d}.md", f"Borders {step[1]}", day, "Migrations and borders.",
                          language="en")
        elif step[0] == "newest":  # the case the cache is for: an article after all the others
            write_article(root / "content", f"z{step[1]:02d}.md", f"Dernier {step[1]}", f"2025-01-{1 + step[1]:02d}",
                          f"{WORDS[step[1] % 9]} encore.")
        else:
            apply(root, step, options)
        settle()
        build(root, **options)
        assert snapshot(root / "site") == clean_copy(root, root.parent / f"{root.name}-clean", **options), step


def test_a_rebuild_after_adding_an_article_keeps_the_other_fragments(tmp_path: Path) -> None:
    root = tmp_path / "site"
    for n in range(5):
        write_article(root / "content", f"a{n}.md", f"Départ {n}", f"2024-0{n + 1}-01", f"{WORDS[n]} {WORDS[n + 1]}.")
    settle()
    build(root)
    write_article(root / "content", "z.md", "Dernier", "2025-01-01", "Rabat encore.")
    settle()
    report = build(root)
    fragments = [path for path in report.files.written_paths if path.startswith("search/d/")]
    assert fragments == ["search/d/0/5.js"]
    assert snapshot(root / "site") == clean_copy(root, tmp_path / "clean")
