"""A tag is a way into the archive: min_articles by origin, tags.hide, tag records (origin, kind,
variants, why), the tag index's order, JSON-LD about/mentions, and `chronique tags`."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronique.cli import main
from chronique.config import MinArticles, SiteConfig, TagsConfig, TaxonomyRule, load_config
from chronique.enrich import enrich
from chronique.model import Article, InputError
from chronique.plan import Summary, group_by_tag, plan_site
from chronique.render import news_article
from conftest import build, snapshot, write_article


def article(slug: str, text: str, day: int = 1, tags: tuple[str, ...] = (), title: str = "") -> Article:
    return Article(
        slug=slug, title=title or f"Titre {slug}", date=date(2024, 1, day), origin=Path(f"{slug}.md"),
        body_html="", text=text, tags=tags,
    )


# Rabat is named (twice, so that it is an entity) in two articles, Dakar in one; "Dossier" is a
# front-matter tag of one article, "migration" a taxonomy tag one article earns.
ARCHIVE = [
    article("a", "À Rabat, puis Rabat. À Dakar, puis Dakar. Des migrants.", 1, ("Dossier",)),
    article("b", "Retour à Rabat. Rabat encore.", 2),
    article("c", "Rien de nommé ici.", 3),
]
TAXONOMY = {"migration": TaxonomyRule(words=["migrant"])}


def shown_tags(config: SiteConfig, articles: list[Article] = ARCHIVE) -> dict[str, tuple[str, ...]]:
    return {item.slug: item.tags for item in enrich(articles, config).articles}


def records_by_name(config: SiteConfig, articles: list[Article] = ARCHIVE) -> dict[str, object]:
    return {record.name: record for record in enrich(articles, config).tags}


# -- min_articles by origin ----------------------------------------------------------------------------------


def test_an_entity_on_one_article_gets_no_link_while_front_matter_and_taxonomy_tags_do() -> None:
    assert shown_tags(SiteConfig(taxonomy=TAXONOMY)) == {
        "a": ("Dossier", "migration", "Rabat"),  # Dakar, named in one article only, is no way in
        "b": ("Rabat",),
        "c": (),
    }


def test_min_articles_is_set_per_origin_and_a_number_sets_every_origin() -> None:
    per_origin = SiteConfig(taxonomy=TAXONOMY, tags=TagsConfig(min_articles=MinArticles(entity=1, explicit=2)))
    assert shown_tags(per_origin)["a"] == ("migration", "Rabat", "Dakar")
    assert shown_tags(SiteConfig(taxonomy=TAXONOMY, tags=TagsConfig(min_articles=2)))["a"] == ("Rabat",)
    everything = SiteConfig(taxonomy=TAXONOMY, tags=TagsConfig(min_articles=1))
    assert shown_tags(everything)["a"] == ("Dossier", "migration", "Rabat", "Dakar")


def test_a_name_given_in_front_matter_somewhere_is_a_topic_everywhere() -> None:
    # Dakar is found in the text of a, and given by hand to c: it is the author's tag, shown from one article.
    articles = [*ARCHIVE[:2], article("c", "Rien.", 3, ("Dakar",))]
    assert shown_tags(SiteConfig(), articles) == {"a": ("Dossier", "Rabat", "Dakar"), "b": ("Rabat",), "c": ("Dakar",)}
    assert records_by_name(SiteConfig(), articles)["Dakar"].origin == "explicit"


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        ("tags:\n  min_articles: 3\n", MinArticles(entity=3, explicit=3, taxonomy=3)),
        ("tags:\n  min_articles:\n    entity: 4\n", MinArticles(entity=4, explicit=1, taxonomy=1)),
        ("tags:\n  min_articles:\n    explicit: 2\n    taxonomy: 5\n", MinArticles(entity=2, explicit=2, taxonomy=5)),
        ("title: x\n", MinArticles(entity=2, explicit=1, taxonomy=1)),
    ],
)
def test_site_yaml_sets_min_articles_by_origin(tmp_path: Path, yaml: str, expected: MinArticles) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(yaml)
    assert load_config(path).tags.min_articles == expected


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("tags:\n  min_articles:\n    entities: 2\n", "site.yaml:3: unknown key 'tags.min_articles.entities'"),
        ("tags:\n  min_articles:\n    entity: 0\n", "site.yaml:3: 'tags.min_articles.entity': Input should be"),
        ("tags:\n  min_articles: true\n", "site.yaml:2: 'tags.min_articles':"),
        ("tags:\n  hide: Dakar\n", "site.yaml:2: 'tags.hide': Input should be a valid list"),
        ("tags:\n  hide: ['  ']\n", "site.yaml:2: 'tags.hide': Value error, a tag name is empty"),
    ],
)
def test_a_bad_tags_setting_is_one_line_naming_key_and_line(tmp_path: Path, yaml: str, message: str) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(yaml)
    with pytest.raises(InputError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{tmp_path}/{message}")


# -- tags.hide -----------------------------------------------------------------------------------------------


def test_tags_hide_hides_tags_of_every_origin_but_they_still_relate_articles() -> None:
    config = SiteConfig(taxonomy=TAXONOMY, tags=TagsConfig(hide=["le Rabat", "dossier", "Migration"]))
    assert shown_tags(config) == {"a": (), "b": (), "c": ()}
    archive = enrich(ARCHIVE, config)
    assert [link.slug for link in archive.related["b"]][:1] == ["a"]  # Rabat still relates them
    reasons = {record.name: record.reason for record in archive.tags}
    assert reasons["Rabat"] == reasons["Dossier"] == reasons["migration"] == "hidden by tags.hide"


def test_a_hidden_taxonomy_rule_still_hides_and_says_so() -> None:
    config = SiteConfig(taxonomy={**TAXONOMY, "Dossier": TaxonomyRule(hide=True)})
    assert shown_tags(config)["a"] == ("migration", "Rabat")
    assert records_by_name(config)["Dossier"].reason == "hidden by its taxonomy rule (hide: true)"


# -- tag records ---------------------------------------------------------------------------------------------


def test_each_tag_has_a_record_with_origin_kind_articles_variants_and_why() -> None:
    config = SiteConfig(taxonomy={**TAXONOMY, "franc CFA": TaxonomyRule(aliases=["FCFA"])})
    articles = [
        article("a", "À Rabat, puis Rabat. À Dakar, puis Dakar. Des migrants.", 1, ("Dossier", "FCFA")),
        article("b", "Retour à Rabat. Rabat encore.", 2, ("dossier",)),
    ]
    records = records_by_name(config, articles)
    assert [(r.name, r.origin, r.kind, r.articles, r.found_on, r.variants, r.shown) for r in records.values()] == [
        ("Dossier", "explicit", "unknown", 2, 2, ("dossier",), True),
        ("franc CFA", "taxonomy", "unknown", 1, 1, ("FCFA",), True),
        ("migration", "taxonomy", "unknown", 1, 1, (), True),
        ("Rabat", "entity", "place", 2, 2, (), True),
        ("Dakar", "entity", "unknown", 0, 1, (), False),
    ]
    assert records["Dossier"].reason == "front matter (min_articles.explicit: 1)"
    assert records["franc CFA"].reason == "taxonomy rule (min_articles.taxonomy: 1)"
    assert records["Rabat"].reason == "named in the text (min_articles.entity: 2)"
    assert records["Dakar"].reason == "on 1 article, below min_articles.entity: 2"


def test_a_tag_the_cap_leaves_on_too_few_articles_says_so() -> None:
    # Dakar is in both articles, but one entity a article keeps Rabat (more mentions) on the second.
    articles = [
        article("a", "À Dakar, Dakar, Dakar.", 1),
        article("b", "À Rabat, Rabat, Rabat. À Dakar, Dakar.", 2),
        article("c", "À Rabat, Rabat.", 3),
    ]
    records = records_by_name(SiteConfig(tags=TagsConfig(max_entities=1)), articles)
    assert records["Dakar"].reason.startswith("left on 1 of its 2 articles by the per-article cap")
    assert not records["Dakar"].shown and records["Rabat"].articles == 2


# -- the tag index, tag pages and JSON-LD --------------------------------------------------------------------


def test_the_index_lists_topics_first_then_entities_each_by_article_count() -> None:
    config = SiteConfig(taxonomy=TAXONOMY, tags=TagsConfig(min_articles=MinArticles(entity=1)))
    articles = [
        article("a", "À Rabat, puis Rabat. À Dakar, puis Dakar.", 1, ("Dossier",)),
        article("b", "Retour à Rabat. Rabat encore. Des migrants.", 2),
        article("c", "Rabat, Rabat. Des migrants.", 3),
    ]
    archive = enrich(articles, config)
    (index,) = [page for page in plan_site(archive, config) if page.path == "tags.html"]
    assert [(tag.name, tag.origin, tag.count) for tag in index.context["tags"]] == [
        ("migration", "taxonomy", 2),
        ("Dossier", "explicit", 1),
        ("Rabat", "entity", 3),  # more articles than any topic, still after them
        ("Dakar", "entity", 1),
    ]


def test_tags_of_an_archive_enrich_did_not_make_are_topics_by_count() -> None:
    articles = [article("a", "", 1, ("B", "A")), article("b", "", 2, ("A",))]
    assert [(group.name, group.origin) for group in group_by_tag(articles)] == [("A", "explicit"), ("B", "explicit")]



def site(tmp_path: Path, yaml: str, *articles: tuple[str, str, str, str]) -> Path:
    """Build `articles` (file name, title, date, body, tags) with `yaml` as site.yaml; return the site."""
    for name, title, day, body, *tags in articles:
        write_article(tmp_path / "content", name, title, day, body, **({"tags": tags[0]} if tags else {}))
    (tmp_path / "site.yaml").write_text(yaml)
    build(tmp_path / "content", tmp_path / "site")
    return tmp_path / "site"


def json_ld(page: Path) -> dict[str, object]:
    html = page.read_text("utf-8")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_the_built_site_has_pages_for_tags_that_lead_somewhere_only(tmp_path: Path) -> None:
    out = site(
        tmp_path, "per_page: 1\ntaxonomy:\n  migration: [migrant]\n",
        ("a.md", "Premier", "2024-01-01", "À Rabat, puis Rabat. À Dakar, puis Dakar. Des migrants.", "[Dossier]"),
        ("b.md", "Second", "2024-01-02", "Retour à Rabat. Rabat encore."),
    )
    tags = sorted(path.name for path in (out / "tags").glob("*.html"))
    assert tags == ["dossier.html", "migration.html", "rabat.html"]  # no page for Dakar
    assert (out / "tags" / "rabat" / "1.html").is_file()  # paginated
    index = (out / "tags.html").read_text("utf-8")
    assert index.index("Sujets") < index.index("migration") < index.index("Noms cités") < index.index("Rabat")
    page = (out / "2024" / "01" / "premier.html").read_text("utf-8")
    chips = re.search(r'<ul class="tags"[^>]*>(.*?)</ul>', page, re.S)
    assert chips and "Rabat" in chips.group(1) and "Dakar" not in chips.group(1)
    data = json_ld(out / "2024" / "01" / "premier.html")
    assert data["about"] == [{"@type": "Thing", "name": "Dossier"}, {"@type": "Thing", "name": "migration"}]
    assert data["mentions"] == [{"@type": "Place", "name": "Rabat"}]


def test_json_ld_types_mentions_by_kind_and_puts_topics_in_about() -> None:
    tags = (
        Summary("Économie", "economie", origin="taxonomy", kind="unknown"),
        Summary("Dossier", "dossier", origin="explicit", kind="unknown"),
        Summary("Kenza Ben Azzouz", "kenza-ben-azzouz", origin="entity", kind="person"),
        Summary("Côte d'Ivoire", "cote-d-ivoire", origin="entity", kind="place"),
        Summary("OMS", "oms", origin="entity", kind="organisation"),
        Summary("Covid-19", "covid-19", origin="entity", kind="unknown"),
    )
    data = news_article(article("a", ""), SiteConfig(), "2024/01/a.html", tags)
    assert data["about"] == [{"@type": "Thing", "name": "Économie"}, {"@type": "Thing", "name": "Dossier"}]
    assert [(item["@type"], item["name"]) for item in data["mentions"]] == [
        ("Person", "Kenza Ben Azzouz"), ("Place", "Côte d'Ivoire"), ("Organization", "OMS"), ("Thing", "Covid-19"),
    ]
    assert "about" not in news_article(article("a", ""), SiteConfig(), "2024/01/a.html")  # a theme's older call


def test_a_tag_name_cannot_break_out_of_the_json_ld_script(tmp_path: Path) -> None:
    hostile = "</script><script>alert(1)</script><!--"
    out = site(tmp_path, "", ("a.md", "Premier", "2024-01-01", "Texte.", json.dumps([hostile])))
    html = (out / "2024" / "01" / "premier.html").read_text("utf-8")
    assert "<script>alert(1)" not in html
    assert json_ld(out / "2024" / "01" / "premier.html")["about"] == [{"@type": "Thing", "name": hostile}]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(st.lists(st.sampled_from(["Rabat", "Dakar", "Tunis", "Alger", "Lomé"]), max_size=4), max_size=7),
    own=st.lists(st.lists(st.sampled_from(["Dossier", "Enquête", "Rabat"]), max_size=2), min_size=7, max_size=7),
    entity=st.integers(1, 3),
    explicit=st.integers(1, 3),
    cap=st.integers(0, 3),
)
def test_every_shown_tag_has_a_page_with_as_many_articles_as_its_origin_asks(
    texts: list[list[str]], own: list[list[str]], entity: int, explicit: int, cap: int
) -> None:
    articles = [
        article(f"a{n}", " ".join(f"À {name}, puis {name}." for name in names), n + 1, tuple(own[n]))
        for n, names in enumerate(texts)
    ]
    config = SiteConfig(tags=TagsConfig(max_entities=cap, min_articles=MinArticles(entity=entity, explicit=explicit)))
    archive = enrich(articles, config)
    records = {record.name: record for record in archive.tags}
    groups = group_by_tag(archive.articles, archive.tags)
    assert {group.name for group in groups} == {name for name, record in records.items() if record.shown}
    for group in groups:
        record = records[group.name]
        assert len(group.articles) == record.articles >= config.tags.min_articles.of(record.origin)
        assert (group.origin, group.kind) == (record.origin, record.kind)
    order = [(group.origin == "entity", -len(group.articles)) for group in groups]
    assert order == sorted(order)


# -- chronique tags ------------------------------------------------------------------------------------------


def content(tmp_path: Path, yaml: str = "") -> Path:
    write_article(tmp_path / "content", "a.md", "Premier", "2024-01-01",
                  "À Rabat, puis Rabat. À Dakar, puis Dakar. Des migrants.", tags="[Dossier]")
    write_article(tmp_path / "content", "b.md", "Second", "2024-01-02", "Retour à Rabat. Rabat.", tags="[dossier]")
    (tmp_path / "site.yaml").write_text("taxonomy:\n  migration: [migrant]\n" + yaml)
    return tmp_path / "content"


def test_chronique_tags_prints_the_shown_tags_as_an_aligned_table_in_index_order(tmp_path: Path, capsys) -> None:
    assert main(["tags", "--content", str(content(tmp_path))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["TAG", "KIND", "ARTICLES", "WHY", "VARIANTS"]
    assert [line.split()[0] for line in lines[1:-1]] == ["Dossier", "migration", "Rabat"]
    why = lines[0].index("WHY")
    assert {line[why - 2 : why] for line in lines[1:-1]} == {"  "} and all(line[why] != " " for line in lines[1:-1])
    assert lines[1].split()[:3] == ["Dossier", "unknown", "2"] and lines[1].endswith("  dossier")
    assert lines[-1] == "3 tags with a page (33% on a single article); 1 not shown (--all lists them)"


def test_chronique_tags_all_says_why_a_tag_is_not_shown(tmp_path: Path, capsys) -> None:
    assert main(["tags", "--all", "--content", str(content(tmp_path, "tags:\n  hide: [Dossier]\n"))]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert list(rows) == ["migration", "Rabat", "Dossier", "Dakar"]
    assert re.fullmatch(r"Dossier +unknown +2  hidden by tags\.hide +dossier", rows["Dossier"])
    assert "on 1 article, below min_articles.entity: 2" in rows["Dakar"]


@pytest.mark.parametrize(
    ("yaml", "error"),
    [
        ("tags:\n  min_articles:\n    entities: 2\n", "site.yaml:5: unknown key 'tags.min_articles.entities'"),
        ("tags: [\n", "site.yaml:"),
    ],
)
def test_chronique_tags_reports_bad_input_in_one_line(tmp_path: Path, capsys, yaml: str, error: str) -> None:
    assert main(["tags", "--content", str(content(tmp_path, yaml))]) == 1
    captured = capsys.readouterr()
    assert error in captured.err and len(captured.err.splitlines()) == 1 and "Traceback" not in captured.err
    (tmp_path / "site.yaml").unlink()
    assert main(["tags", "--content", str(tmp_path / "missing")]) == 1
    assert capsys.readouterr().err.strip().endswith("missing: no such content folder")


# -- incremental ---------------------------------------------------------------------------------------------


def test_a_name_reaching_two_articles_gets_its_page_and_links_as_a_clean_build_would(tmp_path: Path) -> None:
    root, clean = tmp_path / "inc", tmp_path / "clean"
    write_article(root / "content", "a.md", "Premier", "2024-01-01", "À Dakar, puis Dakar. Rien.")
    write_article(root / "content", "b.md", "Second", "2024-01-02", "À Rabat, puis Rabat.")
    build(root / "content", root / "site")
    assert not (root / "site" / "tags" / "dakar.html").exists()
    write_article(root / "content", "c.md", "Troisième", "2024-01-03", "Dakar encore. Dakar toujours.")
    build(root / "content", root / "site")
    assert (root / "site" / "tags" / "dakar.html").is_file()
    assert 'href="../../tags/dakar.html"' in (root / "site" / "2024" / "01" / "premier.html").read_text("utf-8")
    for name in ("a.md", "b.md", "c.md"):
        (clean / "content").mkdir(parents=True, exist_ok=True)
        (clean / "content" / name).write_bytes((root / "content" / name).read_bytes())
    build(clean / "content", clean / "site", clean=True)
    assert snapshot(root / "site") == snapshot(clean / "site")
    (root / "content" / "c.md").unlink()
    build(root / "content", root / "site")
    assert not (root / "site" / "tags" / "dakar.html").exists()
