"""site.yaml: one typed, validated configuration object with defaults.

An unknown or mistyped key is an error naming the key and its line; nothing
falls back silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from .model import InputError, TagOrigin
from .regularfile import read_regular_file
from .scoring import COMPONENTS, Component


class _Strict(BaseModel):
    # The docstrings below each field are its description: `chronique init` writes them into site.yaml.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, use_attribute_docstrings=True)


class _RelatedShown(_Strict):
    """How related articles are scored and how many are shown (cf. Hugo's related indices)."""

    count: Annotated[int, Field(ge=0, le=50)] = 5
    """Related articles shown under each article."""
    min_score: Annotated[float, Field(ge=0)] = 0.0
    """Articles scoring below this are not shown (`chronique related SLUG` prints the scores)."""

    def weight(self, component: Component) -> float:
        """The weight site.yaml gives `component`."""
        return float(getattr(self, component.weight_key))


# One weight per score component, as `scoring.COMPONENTS` declares them, after `count` and `min_score`.
RelatedConfig = create_model(
    "RelatedConfig",
    __base__=_RelatedShown,
    __module__=__name__,
    __doc__=_RelatedShown.__doc__,
    **{
        component.weight_key: (
            Annotated[float, Field(ge=0, le=100, description=component.description)],
            component.default,
        )
        for component in COMPONENTS
    },
)


class TaxonomyRule(_Strict):
    """One topic tag: the words that mark it, the tag names it absorbs, whether it is shown.

    In site.yaml a plain list is the short form for `words`.
    """

    words: list[str] = []
    """Words or phrases that give an article this tag, regardless of accents, case and inflection."""
    aliases: list[str] = []
    """Other tag names (explicit or found in the text) that are renamed to this tag and merged into it."""
    hide: bool = False
    """Hidden tags are neither shown on articles nor given pages (they still count for related articles)."""

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: object) -> object:
        return {"words": value} if isinstance(value, list) else value

    @model_validator(mode="after")
    def _does_something(self) -> TaxonomyRule:
        if not (self.words or self.aliases or self.hide):
            raise ValueError("a rule needs words, aliases or hide: true")
        return self


class MinArticles(_Strict):
    """How many articles must carry a tag, by origin, before it gets a page (and a link on articles).

    A tag that reaches it is shown on every article that carries it; one that does not is shown on
    none, so that no link leads to a page of one article nobody chose. A name found in the text is
    often met once; a tag the author or the taxonomy chose is kept from one article. A tag's origin
    is the taxonomy's when a rule names it (or an alias of it), else explicit when any article's
    front matter gives it, else entity. In site.yaml a plain number is the short form for the same
    minimum for every origin (what `min_articles: N` meant before origins had their own).
    """

    entity: Annotated[int, Field(ge=1)] = 2
    explicit: Annotated[int, Field(ge=1)] = 1
    taxonomy: Annotated[int, Field(ge=1)] = 1

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"entity": value, "explicit": value, "taxonomy": value}
        return value

    def of(self, origin: TagOrigin) -> int:
        return getattr(self, origin)


class TagsConfig(_Strict):
    entities: bool = True
    """Add named entities (people, places, organisations) found in the text as tags."""
    max_entities: Annotated[int, Field(ge=0, le=50)] = 6
    """At most this many entity tags per article, the most mentioned first."""
    min_articles: MinArticles = MinArticles()
    """A tag gets a page (and is shown on articles) only when at least this many articles carry it,
    by origin (see `MinArticles`): names found in the text need 2 by default, other tags 1."""
    hide: list[str] = []
    """Tag names never shown nor given a page, whatever their origin (they still count for related
    articles), matched like tags are ("le Maroc" hides "Maroc"), after `taxonomy:` aliases rename."""

    @field_validator("hide")
    @classmethod
    def _named(cls, value: list[str]) -> list[str]:
        if any(not name.strip() for name in value):
            raise ValueError("a tag name is empty")
        return value


Undated = Literal["skip", "file-date", "warn-and-keep"]
"""What becomes of an article whose text gives no date (see `SiteConfig.undated`)."""

BOILERPLATE = ("à lire aussi", "lire aussi", "lire également", "à voir aussi", "voir aussi", "read more", "read also",
               "see also")
"""The phrases that open the cross-links sources leave in article text (see `SiteConfig.boilerplate`)."""


class SiteConfig(_Strict):
    title: str = "Chronique"
    """The site's name, in every page's header and in the feed."""
    description: str = ""
    """One sentence on what the archive holds, for search engines and the feed."""
    language: Literal["fr", "en"] = "fr"
    """The language of the interface and of dates."""
    base_url: str = ""
    """Absolute URL the site is published at; enables sitemap.xml, robots.txt and absolute feed links."""
    author: str = ""
    """Who publishes the archive, for the feed."""
    per_page: Annotated[int, Field(ge=1, le=1000)] = 20
    """Articles per listing page."""
    feed_size: Annotated[int, Field(ge=1, le=1000)] = 20
    """Articles in each Atom feed."""
    tags: TagsConfig = TagsConfig()
    """Tags beyond those the articles give."""
    taxonomy: Annotated[
        dict[str, TaxonomyRule],
        Field(examples=[{"migration": ["migration", "migrant", "asile"],
                         "sécurité": {"words": ["police", "sûreté"], "aliases": ["securite"], "hide": False}}]),
    ] = {}
    """Topic tag -> its rule; config order is the order topic tags are shown in. A rule is a list of
    words (an article using one gets the tag, whatever the accents, case and inflection), or words,
    aliases (tag names merged into this one) and hide."""
    related: RelatedConfig = RelatedConfig()
    """How related articles are scored and how many are shown."""
    undated: Undated = "warn-and-keep"
    """An article whose text gives no date (no front-matter date, date line, dateline or page metadata,
    no YYYY-MM-DD- file name): "skip" leaves it out, reported as a problem (the build fails in strict
    mode); "file-date" dates it by its file's modification time, silently (for an archive whose files
    keep their publication times); "warn-and-keep" (the default) dates it the same way with a warning
    naming the file, so that the missing date can be added. The time is read in UTC: the same files
    build the same site anywhere."""
    boilerplate: list[str] = list(BOILERPLATE)
    """Cross-links that saved pages and press exports leave in the text: a paragraph, or a line of one,
    that is one of these phrases, or starts with one followed by "sur <source>" or "on <source>" and a
    colon (« A lire aussi sur Le360 : … », « Read more: … », « À voir aussi »), is removed from the
    body. Case and accents are ignored. An empty list removes nothing."""
    theme: str = ""
    """The folder of the site's own templates/ and static/, relative to site.yaml (default: the folder
    of site.yaml, or of the content folder when site.yaml is inside it). Never inside the content folder."""
    content: str = ""
    """The folder of articles, relative to site.yaml (--content wins; default: seeds)."""
    output: str = ""
    """Where the site is written, relative to site.yaml (--output wins; default: site)."""
    cache: str = ""
    """Where builds keep what they may reuse, relative to site.yaml (--cache wins; default:
    .chronique-cache beside site.yaml). Never beside nor inside the content folder."""

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        # Printed in <base href>, canonical links, feeds, the sitemap and robots.txt (not escaped): no
        # space, tab, newline or control character, which a browser strips and a text file breaks on.
        if value and not (value.startswith(("http://", "https://")) and value.isprintable() and " " not in value):
            raise ValueError("must be an absolute http(s) URL, such as https://example.org/archive/")
        return value.rstrip("/") + "/" if value else ""

    @field_validator("taxonomy")
    @classmethod
    def _named_rules(cls, value: dict[str, TaxonomyRule]) -> dict[str, TaxonomyRule]:
        if any(not tag.strip() for tag in value):
            raise ValueError("a tag name is empty")
        return value

    def topic_words(self) -> dict[str, list[str]]:
        """Taxonomy tags that are given by words, with their words."""
        return {tag: rule.words for tag, rule in self.taxonomy.items() if rule.words}


CONFIG_NAME = "site.yaml"
MAX_CONFIG_BYTES = 1 << 20
"""A site.yaml is a few kilobytes; a taxonomy of thousands of rules still fits in a mebibyte."""


def find_config(content_dir: Path, cwd: Path) -> Path | None:
    """The first site.yaml in `content_dir`, in its parent, else in `cwd`; None when there is none."""
    for folder in (content_dir, content_dir.parent, cwd):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None) -> SiteConfig:
    """Read and validate site.yaml; raise InputError naming the file, line and key."""
    if path is None:
        return SiteConfig()
    try:
        text = _read_bounded(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, 1, f"cannot read configuration: {exc}") from None
    except OSError as exc:
        raise InputError(path, 1, f"cannot read configuration: {exc.strerror or exc}") from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise InputError(path, line, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return SiteConfig()
    if not isinstance(data, dict):
        raise InputError(path, 1, "the configuration must be a mapping of keys to values")
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = tuple(error["loc"])
        key = ".".join(str(part) for part in location)
        unknown = error["type"] == "extra_forbidden"
        message = f"unknown key '{key}'" if unknown else f"'{key}': {error['msg']}"
        raise InputError(path, _line_of(root, location), message) from None


def _read_bounded(path: Path) -> bytes:
    """The bytes of a regular file (a FIFO would block, a device never end) of a bounded size."""
    data = read_regular_file(path, MAX_CONFIG_BYTES + 1, follow_links=True)
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError(path, 1, f"the configuration is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    return data


def _line_of(node: yaml.Node | None, location: tuple[object, ...]) -> int:
    """The 1-based line of the deepest key of `location` found in the YAML tree."""
    line = 1
    for part in location:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
