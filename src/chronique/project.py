"""A project: the folder of site.yaml, its content folder, output and cache.

`chronique init` makes one ready to build; every command finds its folders here: the command
line's options, else site.yaml's `content:`, `output:` and `cache:` (relative to site.yaml), else
the defaults (seeds/ into site/, the repository's sample archive).
"""

from __future__ import annotations

import json
import textwrap
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from .build import CACHE_NAME, check_content
from .config import CONFIG_NAME, SiteConfig, find_config, load_config

DEFAULT_CONTENT, DEFAULT_OUTPUT = Path("seeds"), Path("site")
INIT_CONTENT, INIT_OUTPUT = "content", "site"
HOW_TO_START = (
    "no site.yaml here and no --content: `chronique init` makes a project in this folder "
    "(`chronique init NAME` in a new one), or pass --content FOLDER"
)
# Keys every site sets for itself, written as values; the others are written commented out with
# their default, so that a later version's better default reaches the site unless it chose its own.
SET_BY_INIT = ("title", "description", "language", "base_url", "author", "content", "output")


class NoProject(Exception):
    """Nothing says which folder holds the articles."""


class ProjectExists(Exception):
    """`chronique init` met a site.yaml: it never overwrites one."""


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    content: Path
    output: Path
    config: Path | None
    cache: Path | None
    """None: the build's default (`BuildRequest.cache_folder`)."""


def project_paths(
    cwd: Path,
    content: Path | None = None,
    output: Path | None = None,
    config: Path | None = None,
    cache: Path | None = None,
    to_create: bool = False,
) -> ProjectPaths:
    """The folders of a command: the options given win, then site.yaml's keys, then the defaults.

    site.yaml is `config`; else, when `content` is given, the one in it, in its parent or in `cwd`
    (see `find_config`); else the one in `cwd`; else, for the sample archive, the one in seeds/.
    Raises NoProject when none of them names an existing content folder (`to_create`: a content
    folder named by the options or by site.yaml may be missing, for `chronique new` to make),
    InputError for a site.yaml that does not load, and OSError naming a content folder that cannot
    be listed."""
    if content is not None and content.is_dir():
        check_content(content)  # before site.yaml is looked for in it
    if config is None:
        if content is not None:
            config = find_config(content, cwd)
        elif (cwd / CONFIG_NAME).is_file():
            config = cwd / CONFIG_NAME
        elif (cwd / DEFAULT_CONTENT).is_dir():
            config = find_config(cwd / DEFAULT_CONTENT, cwd)
    settings = load_config(config) if config is not None else SiteConfig()
    here = config.parent if config is not None else cwd

    def chosen(given: Path | None, key: str, default: Path | None) -> Path | None:
        if given is not None:
            return given
        if key:
            return here / key
        return cwd / default if default is not None else None

    folder = chosen(content, settings.content, DEFAULT_CONTENT) or DEFAULT_CONTENT
    if not folder.is_dir() and not (to_create and (content is not None or settings.content)):
        if content is not None:
            raise NoProject(f"{folder}: no such content folder")
        if settings.content:
            raise NoProject(f"{config}: content: {folder}: no such content folder")
        if config is None:
            raise NoProject(HOW_TO_START)
        raise NoProject(f"{folder}: no such content folder: set content: in {config}, or pass --content FOLDER")
    return ProjectPaths(
        content=folder,
        output=chosen(output, settings.output, DEFAULT_OUTPUT) or DEFAULT_OUTPUT,
        config=config,
        cache=chosen(cache, settings.cache, None),
    )


def site_yaml(title: str) -> str:
    """A site.yaml with every key of `SiteConfig`, each under its description: those of
    `SET_BY_INIT` with a value, the others commented out with their default."""
    values = SiteConfig(title=title, content=INIT_CONTENT, output=INIT_OUTPUT)
    lines = [
        "# Chronique site configuration: every key, with what it does. Paths are relative to this file.",
        "# Unknown keys are errors, so a typo never goes unnoticed. Uncomment a key to change its default.",
    ]
    for name, field in SiteConfig.model_fields.items():
        lines += ["", *_comment(field.description or "", _choices(field.annotation))]
        value = getattr(values, name)
        if field.examples and not value:
            value = field.examples[0]
            lines.append("# For example:")
        block = _yaml(name, value)
        lines += block if name in SET_BY_INIT else [f"# {line}" for line in block]
    return "\n".join(lines) + "\n"


def _comment(text: str, choices: str = "") -> list[str]:
    text = " ".join(text.split()) + choices
    return [f"# {line}" for line in textwrap.wrap(text, 96, break_on_hyphens=False)]


def _choices(annotation: object) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return " One of: " + ", ".join(map(str, typing.get_args(annotation))) + "."
    return ""


def _yaml(key: str, value: object) -> list[str]:
    """One key as YAML, a section's keys under their description; a JSON value is a YAML value."""
    if isinstance(value, BaseModel):
        lines = [f"{key}:"]
        for name, field in type(value).model_fields.items():
            inner = [*_comment(field.description or "", _choices(field.annotation)), *_yaml(name, getattr(value, name))]
            lines += [f"  {line}" for line in inner]
        return lines
    if isinstance(value, dict) and value:
        return [f"{key}:"] + [f"  {line}" for name, inner in value.items() for line in _yaml(name, inner)]
    return [f"{key}: {json.dumps(value, ensure_ascii=False)}"]


EXAMPLE_NAME = "bienvenue.md"
GITIGNORE = ".gitignore"
IGNORE_HEADER = "# Chronique: the built site and the build cache"


def example_article(day: date) -> str:
    return f"""---
title: "Bienvenue dans votre archive"
date: {day.isoformat()}
slug: bienvenue
tags: [exemple]
source: "Chronique"
---

Ceci est un exemple d'article : un fichier Markdown dont l'en-tête, entre les deux lignes `---`,
donne le titre, la date, l'adresse (`slug`) et les étiquettes.

Ajoutez vos articles dans ce dossier (`chronique new "Un titre"` en crée un), puis lancez
`chronique build` : le site est écrit dans `site/`. Supprimez ce fichier quand vous n'en avez plus besoin.
"""


def create_project(folder: Path, day: date) -> list[Path]:
    """Make `folder` a project ready to build (see the module's docstring); the files written.
    Raises ProjectExists when it has a site.yaml already (nothing is then written), OSError naming
    what could not be written."""
    config = folder / CONFIG_NAME
    if config.exists() or config.is_symlink():
        raise ProjectExists(config)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        with config.open("x", encoding="utf-8") as stream:
            stream.write(site_yaml(_title_of(folder)))
    except FileExistsError:  # made in the meantime
        raise ProjectExists(config) from None
    written.append(config)
    content = folder / INIT_CONTENT
    content.mkdir(exist_ok=True)
    if not any(content.iterdir()):  # an archive already there needs no example
        (content / EXAMPLE_NAME).write_text(example_article(day), encoding="utf-8")
        written.append(content / EXAMPLE_NAME)
    ignore = folder / GITIGNORE
    present = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    missing = [line for line in (f"/{INIT_OUTPUT}/", f"/{CACHE_NAME}/") if line not in present]
    if missing:
        separator = "\n" if present and not ignore.read_text(encoding="utf-8").endswith("\n") else ""
        with ignore.open("a", encoding="utf-8") as stream:
            stream.write(separator + "".join(f"{line}\n" for line in (IGNORE_HEADER, *missing)))
        written.append(ignore)
    return written


def _title_of(folder: Path) -> str:
    name = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else SiteConfig().title
