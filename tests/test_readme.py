"""The README is the user's guide: what it shows must work as shown."""

from __future__ import annotations

import re
from pathlib import Path

from chronique.cli import parser
from chronique.config import load_config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_site_yaml_example_is_a_valid_configuration(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", _section("site.yaml"), re.S)
    assert example
    (tmp_path / "site.yaml").write_text(example[1], "utf-8")
    config = load_config(tmp_path / "site.yaml")
    assert config.tags.min_articles.entity == 2 and config.taxonomy["sécurité"].aliases == ["securite", "Security"]


def test_ci_runs_the_quick_starts_test_command_verbatim() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", _section("Quick start"), re.S)
    assert len(commands) == 2 and all(command.startswith("python3 -m venv .venv && ") for command in commands)
    assert commands[1] in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


def test_every_command_is_in_the_commands_table() -> None:
    table = _section("Commands")
    subcommands = parser()._subparsers._group_actions[0].choices  # argparse keeps them only there
    for name in subcommands:
        assert f"`chronique {name}" in table, name
