"""site.yaml: typed defaults, and errors that name the key and its line."""

from pathlib import Path

import pytest

from chronique.config import SiteConfig, find_config, load_config
from chronique.model import InputError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    config = load_config(None)
    assert config == SiteConfig()
    assert config.language == "fr"
    assert config.related.count == 5


def test_values_are_read_and_typed(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: Revue\nper_page: 7\nrelated:\n  count: 3\n"
                                          "base_url: https://example.org/archive\n"))
    assert (config.title, config.per_page, config.related.count) == ("Revue", 7, 3)
    assert config.base_url == "https://example.org/archive/"


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")) == SiteConfig()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title: x\ntitel: y\n", 2, "unknown key 'titel'"),
        ("title: x\nrelated:\n  count: 3\n  wieght: 2\n", 4, "unknown key 'related.wieght'"),
        ("per_page: many\n", 1, "'per_page': Input should be a valid integer"),
        ("language: de\n", 1, "'language': Input should be 'fr' or 'en'"),
        ("related:\n  count: -1\n", 2, "'related.count': Input should be greater than or equal to 0"),
        ("base_url: example.org\n", 1, "'base_url': Value error, must be an absolute http(s) URL"),
        ("taxonomy:\n  migration: []\n", 2, "'taxonomy.migration': Value error, a rule needs words, aliases or hide"),
        ("title: [unclosed\n", 2, "invalid YAML"),
        ("- a\n- b\n", 1, "must be a mapping"),
    ],
)
def test_bad_configuration_names_file_line_and_key(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    problem = caught.value.problem
    assert (problem.path, problem.line) == (path, line)
    assert message in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")


def test_config_beside_content_wins_over_working_directory(tmp_path: Path) -> None:
    content = tmp_path / "archive" / "articles"
    content.mkdir(parents=True)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    (cwd / "site.yaml").write_text("title: cwd\n")
    assert find_config(content, cwd) == cwd / "site.yaml"
    (content / "site.yaml").write_text("title: beside\n")
    assert find_config(content, cwd) == content / "site.yaml"
