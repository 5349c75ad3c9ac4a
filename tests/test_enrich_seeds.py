"""enrich on real articles: the seeds with their site.yaml, and the French development corpus."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronique.config import MinArticles, RelatedConfig, SiteConfig, load_config
from chronique.enrich import enrich
from chronique.load import load_archive
from chronique.model import Archive, Article
from conftest import extract_entities

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
DEV_CORPUS = REPO.parent / "shared" / "corpora" / "masakhanews-fr-dev.tsv"


@pytest.fixture(scope="module")
def seeds() -> tuple[tuple[Article, ...], SiteConfig]:
    loaded = load_archive(SEEDS)
    assert len(loaded.articles) == 3 and not loaded.problems
    return loaded.articles, load_config(SEEDS / "site.yaml")


def test_each_seed_lists_the_two_others(seeds: tuple[tuple[Article, ...], SiteConfig]) -> None:
    articles, config = seeds
    archive = enrich(articles, config)
    slugs = {article.slug for article in articles}
    for slug in slugs:
        assert {link.slug for link in archive.related[slug]} == slugs - {slug}
        assert all(link.score > 0 for link in archive.related[slug])


def every_name(config: SiteConfig) -> SiteConfig:
    """`config` with a tag for each name found, however few articles name it (the seeds are three)."""
    return config.model_copy(update={"tags": config.tags.model_copy(update={"min_articles": MinArticles(entity=1)})})


def test_seed_tags_are_names_and_topics_without_junk(seeds: tuple[tuple[Article, ...], SiteConfig]) -> None:
    articles, config = seeds
    tags = {article.origin.name: article.tags for article in enrich(articles, every_name(config)).articles}
    retailleau = tags["000_1f051c2174f0efb9.txt"]
    assert {"Maroc", "France", "Bruno Retailleau", "migration", "sécurité", "coopération"} <= set(retailleau)
    assert {"Paris", "sécurité", "terrorisme"} <= set(tags["003_3d8062fcf2f1eee0.txt"])
    assert {"Frontex", "Hans Leijtens", "Rabat", "Maroc", "migration", "frontières"} <= set(
        tags["004_dc44e16041e3812b.txt"]
    )
    junk = {"Ce", "Il", "Cette", "Les", "La", "Mars", "Retailleau", "Bruno", "Hans", "Intérieur", "Enfin"}
    assert not junk & {tag for article_tags in tags.values() for tag in article_tags}


def test_seed_003_titled_names_are_read_as_full_names_and_only_what_it_is_about_is_a_tag(
    seeds: tuple[tuple[Article, ...], SiteConfig],
) -> None:
    # "M. Mohamed Hassad", "M. Bernard Cazeneuve", "le roi Mohammed VI", "Directeur Général de la ...":
    # titles are stripped, each person is one full name, and each is named once (a passing mention,
    # no tag); Paris is in the title and the text.
    articles, config = seeds
    (seed,) = [article for article in articles if article.origin.name.startswith("003")]
    found = extract_entities([(seed.title, seed.text)])
    people = {"mohamed hassad", "bernard cazeneuve", "abdellatif hammouchi", "patrick calvar", "francoi hollande"}
    assert people | {"mohammed vi", "pari"} <= set(found.spellings)
    assert not {"hassad", "m", "mohamed", "directeur general", "general", "roi", "vi", "etat"} & set(found.spellings)
    assert found.per_article == ((("pari", 2),),)
    tags = {article.origin.name: article.tags for article in enrich(articles, every_name(config)).articles}
    assert tags["003_3d8062fcf2f1eee0.txt"] == ("sécurité", "terrorisme", "coopération", "Paris")


def test_seed_config_is_a_valid_site_yaml(seeds: tuple[tuple[Article, ...], SiteConfig]) -> None:
    _, config = seeds
    assert config.language == "fr" and config.title
    assert {"migration", "sécurité", "terrorisme", "coopération", "frontières"} <= set(config.taxonomy)


def test_teasers_of_the_seeds_name_nothing_in_the_archive(
    seeds: tuple[tuple[Article, ...], SiteConfig],
) -> None:
    articles, config = seeds
    archive = enrich(articles, config)
    for article in articles:
        assert [link.teaser for link in archive.teasers[article.slug]] == list(article.teasers)
        assert all(link.slug is None for link in archive.teasers[article.slug])


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_input_order(rng: random.Random) -> None:
    articles, config = load_archive(SEEDS).articles, load_config(SEEDS / "site.yaml")
    shuffled = list(articles)
    rng.shuffle(shuffled)
    assert enrich(shuffled, config) == enrich(articles, config)


def precision_at_5(archive: Archive, category: dict[str, str]) -> float:
    """Share of each article's 5 related articles that share its category, averaged over articles."""
    return sum(
        sum(category[link.slug] == category[slug] for link in links[:5]) / 5 for slug, links in archive.related.items()
    ) / len(archive.related)


def dev_corpus() -> tuple[list[Article], dict[str, str]]:
    with DEV_CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    articles = [
        Article(
            slug=f"dev-{n:03d}",
            title=row["headline"],
            date=date(2020, 1, 1),
            origin=Path(f"{n}.tsv"),
            body_html="",
            text=row["text"],
        )
        for n, row in enumerate(rows)
    ]
    return articles, {article.slug: row["category"] for article, row in zip(articles, rows, strict=True)}


@pytest.mark.skipif(not DEV_CORPUS.is_file(), reason="the shared development corpus is not beside the repository")
def test_text_similarity_finds_same_topic_articles_on_the_dev_corpus() -> None:
    # RELATED.md's baseline for this recipe (stems, stop words, sublinear tf, min_df 2, max_df 0.5) is 0.715.
    articles, category = dev_corpus()
    text_only = SiteConfig(related=RelatedConfig(tag_weight=0, entity_weight=0, date_weight=0))
    assert precision_at_5(enrich(articles, text_only), category) >= 0.715
