"""Score components: each is declared once (`scoring.COMPONENTS`), and its weight in site.yaml, its
part of the score, its column in the build cache and its line in `chronique related` follow."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chronique.cache import _pack, _unpack
from chronique.cli import main
from chronique.config import RelatedConfig, SiteConfig
from chronique.enrich import enrich
from chronique.model import Article
from chronique.scoring import COMPONENTS, Component

SRC = Path(__file__).resolve().parents[1] / "src"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"

WORDS = "maroc rabat football coupe stade pluie orage récolte banque dette"
PLACES = ("Rabat", "Casablanca", "Agadir")


def article(slug: str, text: str, day: int = 1, tags: tuple[str, ...] = ()) -> Article:
    when = datetime(2024, 1, day, tzinfo=UTC)
    return Article(slug=slug, title=slug, date=when, origin=Path(f"{slug}.md"), body_html="", text=text, tags=tags)


def archive_articles() -> list[Article]:
    words = WORDS.split()
    return [
        article(
            f"a{number}",
            f"La délégation est restée à {PLACES[number % 3]}. On a parlé à {PLACES[number % 3]} de "
            + " ".join(words[number % 5 : number % 5 + 4] * 3)
            + ".",
            1 + number % 3,
            (words[number % 2],),
        )
        for number in range(12)
    ]


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda component: component.name)
def test_each_component_has_its_site_yaml_weight(component: Component) -> None:
    field = RelatedConfig.model_fields[component.weight_key]
    assert field.default == component.default
    assert field.description == component.description
    assert RelatedConfig(**{component.weight_key: 3.0}).weight(component) == 3.0
    with pytest.raises(ValueError, match=component.weight_key):
        RelatedConfig(**{component.weight_key: -1})


def test_site_yaml_keys_are_unchanged() -> None:
    assert list(RelatedConfig.model_fields) == [
        "count",
        "min_score",
        "text_weight",
        "tag_weight",
        "entity_weight",
        "date_weight",
        "neighbour_weight",
    ]
    assert RelatedConfig().model_dump() == {
        "count": 5,
        "min_score": 0.0,
        "text_weight": 1.0,
        "tag_weight": 0.5,
        "entity_weight": 0.0,
        "date_weight": 0.1,
        "neighbour_weight": 2.0,
    }


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda component: component.name)
def test_a_zero_weight_takes_a_component_out_of_every_score(component: Component) -> None:
    articles = archive_articles()
    weighted = enrich(articles, SiteConfig(related=RelatedConfig(entity_weight=0.3)))
    assert any(dict(link.components)[component.name] > 0 for links in weighted.related.values() for link in links)
    without = enrich(articles, SiteConfig(related=RelatedConfig(**{"entity_weight": 0.3, component.weight_key: 0})))
    for links in without.related.values():
        for link in links:
            assert [name for name, _ in link.components] == [each.name for each in COMPONENTS]
            assert dict(link.components)[component.name] == 0.0
            assert link.score == pytest.approx(sum(value for _, value in link.components), abs=1e-8)


def test_the_cache_keeps_every_component() -> None:
    related = enrich(archive_articles(), SiteConfig()).related
    assert _unpack(_pack(related)) == related


def test_chronique_related_prints_each_component_by_its_label(capsys) -> None:
    slug = "maroc-france-vers-une-cooperation-renforcee-en-securite-migration-et-grands-evenements"
    assert main(["related", slug, "--content", str(SEEDS)]) == 0
    out = capsys.readouterr().out.splitlines()
    weights = next(line for line in out if line.strip().startswith("weights:"))
    for component in COMPONENTS:
        assert f"{component.label} {RelatedConfig().weight(component)}" in weights
    sums = [line.strip() for line in out if line.strip().startswith("= ")]
    assert sums
    for line in sums:
        assert [part.split()[0] for part in line[2:].split(" + ")] == [component.label for component in COMPONENTS]


# What adding a component takes: its declaration (and its signal, here one the evidence already has).
# The declaration is added before Chronique's other modules are imported, as an edit of scoring.py would.
ADDED = """
import json, sys
from pathlib import Path
from datetime import UTC, datetime
import chronique.scoring as scoring
scoring.COMPONENTS += (
    scoring.Component("echo", "echo_weight", 0.25, "The text once more.", "echo", keys=lambda found: found.stems),
    scoring.Component("soon", "soon_weight", 0.5, "Closeness in time again.", "soon",
                      pairs=lambda pairs: pairs.date_proximity()),
)
from chronique.cache import _pack, _unpack
from chronique.cli import main
from chronique.config import RelatedConfig, SiteConfig, load_config
from chronique.enrich import enrich
from chronique.model import Article

field = RelatedConfig.model_fields["echo_weight"]
texts = ["maroc rabat football coupe", "maroc rabat football stade", "pluie orage récolte banque"]
articles = [
    Article(slug=f"a{n}", title=f"a{n}", date=datetime(2024, 1, 1 + n, tzinfo=UTC), origin=Path(f"a{n}.md"),
            body_html="", text=text)
    for n, text in enumerate(texts)
]
related = enrich(articles, SiteConfig(related=RelatedConfig(echo_weight=1.0))).related
link = related["a0"][0]
main(["related", sys.argv[1], "--content", sys.argv[2]])
print(json.dumps({
    "default": field.default,
    "description": field.description,
    "components": link.components,
    "score": link.score,
    "cached": _unpack(_pack(related)) == related,
}))
"""


def test_a_component_declared_once_reaches_config_scoring_cache_and_printout(tmp_path: Path) -> None:
    slug = "maroc-france-vers-une-cooperation-renforcee-en-securite-migration-et-grands-evenements"
    (tmp_path / "added.py").write_text(ADDED, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "added.py"), slug, str(SEEDS)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
        check=True,
        cwd=tmp_path,
    )
    *printed, last = done.stdout.splitlines()
    found = json.loads(last)
    assert (found["default"], found["description"]) == (0.25, "The text once more.")
    components = dict(found["components"])
    assert list(components) == ["text", "tags", "entities", "date", "neighbours", "echo", "soon"]
    assert components["echo"] == pytest.approx(components["text"])  # the same cosine, weighed alike
    assert components["soon"] == pytest.approx(5 * components["date"])
    assert found["score"] == pytest.approx(sum(components.values()), abs=1e-8)
    assert found["cached"]
    assert any("echo 0.25" in line and "soon 0.5" in line for line in printed)
    assert any(line.strip().startswith("= text") and " + echo " in line and " + soon " in line for line in printed)


def test_equal_scores_go_to_the_newer_article_then_the_smaller_slug() -> None:
    same = "maroc rabat football coupe stade"
    articles = [article(slug, same, day) for slug, day in (("b", 1), ("a", 1), ("c", 5), ("q", 1), ("d", 5))]
    config = SiteConfig(related=RelatedConfig(date_weight=0, tag_weight=0, count=4))
    related = enrich(articles, config).related
    assert [link.slug for link in related["q"]] == ["c", "d", "a", "b"]
    assert [link.slug for link in related["c"]] == ["d", "a", "b", "q"]
    assert len({link.score for link in related["q"]}) == 1


def test_every_public_function_of_the_related_search_serves_the_build() -> None:
    source = SRC / "chronique" / "enrich" / "related.py"
    public = [
        node.name
        for node in ast.parse(source.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]
    code = "\n".join(path.read_text(encoding="utf-8") for path in (SRC / "chronique").rglob("*.py"))
    assert public
    assert [name for name in public if code.count(f"{name}(") == code.count(f"def {name}(")] == []
