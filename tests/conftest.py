"""Shared fixtures: a built copy of the seeds, and a tiny article factory."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Collection, Sequence
from pathlib import Path

import pytest

from chronique.analysis.capitals import find_runs, title_runs
from chronique.build import BuildReport, BuildRequest, build_site
from chronique.check import check_site
from chronique.enrich.entities import Entities, entities_of, lower_case_sample

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def build(content: Path, output: Path, **options: object) -> BuildReport:
    return build_site(BuildRequest(content=content, output=output, cwd=output.parent, **options))  # type: ignore[arg-type]


def site_problems(content: Path, output: Path) -> list[str]:
    """What `chronique check` finds wrong with a site `build` made, one `path:line: message` each."""
    report = check_site(BuildRequest(content=content, output=output, cwd=output.parent))
    return [problem.located(output) for problem in report.problems]


def write_article(folder: Path, name: str, title: str, day: str, body: str = "Texte.", **front: str) -> Path:
    """A front-matter Markdown article, the way a person adds one."""
    folder.mkdir(parents=True, exist_ok=True)
    extra = "".join(f"{key}: {value}\n" for key, value in front.items())
    path = folder / name
    path.write_text(f"---\ntitle: \"{title}\"\ndate: {day}\n{extra}---\n\n{textwrap.dedent(body)}\n", "utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path relative to it, with its bytes: two builds compared."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


WORDS = ["migration", "sécurité", "Maroc", "France", "frontière", "coopération", "tourisme", "Rabat", "Paris"]


def write_small_archive(root: Path) -> None:
    """Twelve articles over a year sharing words and tags, under `root/content`, with `per_page: 4`
    in `root/site.yaml`: enough for several listing pages, tags and related lists."""
    for n in range(12):
        write_article(root / "content", f"a{n:02d}.md", f"Article {n} sur {WORDS[n % 9]}", f"2024-{1 + n % 12:02d}-10",
                      f"{WORDS[n % 9]} et {WORDS[(n + 3) % 9]}, {WORDS[(n + 5) % 9]}.", tags=f"[{WORDS[n % 4]}]")
    (root / "site.yaml").write_text("per_page: 4\n")


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, with their site.yaml, built once for every test that only reads the result."""
    root = tmp_path_factory.mktemp("seeds")
    shutil.copytree(SEEDS, root / "seeds")
    build(root / "seeds", root / "site")
    return root / "site"


def extract_entities(documents: Sequence[tuple[str, str]], publishers: Collection[str] = ()) -> Entities:
    """The entities of each (title, text), found as `enrich` finds them: `entities_of` on each
    article's runs of capitals (those its analysis holds) and the archive's lower-case sample."""
    runs = [(tuple(title_runs(title)), tuple(find_runs(text))) for title, text in documents]
    return entities_of(runs, [documents[number][1] for number in lower_case_sample(documents)], publishers)
