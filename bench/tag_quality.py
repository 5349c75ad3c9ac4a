"""Tag quality: how many tags, how many lead somewhere, and which break the rules of a trustworthy tag.

    PYTHONPATH=src python bench/tag_quality.py [--corpus TSV] [--seeds FOLDER] [--source NAME]

The corpus is read as `related_quality.py` reads it, each article credited to `--source` (the dev
corpus is all BBC Afrique); the seeds are read with `load_archive` and their own site.yaml. For each
archive and for `min_articles` 1 and 2 (entity tags only on the corpus, which has no taxonomy):
the number of tags, the share of tags with a page that are on a single article, the share of
articles with at least one tag, then the tags that fail each rule:

- publisher: the archive's own publisher (a source name, the site title) or a part of it;
- boilerplate: a tag whose every mention in the texts is on a navigation line ("Lire aussi ...");
- half name: every mention of the tag is glued (hyphen, apostrophe, particle, space) to another
  capitalised word, so that the tag is half of a longer name;
- doubled words: "Macron Macron";
- unmerged variants: two tags for one thing (an acronym and the expansion the archive pairs it
  with, "FCFA" and "CFA", the same name with or without spaces).
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from related_quality import CORPUS, read_corpus

from chronique.config import SiteConfig, TagsConfig, load_config
from chronique.enrich import enrich
from chronique.load import load_archive
from chronique.model import Article, Source
from chronique.text import fold

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
# The navigation lines the rule is checked against (a marker at a line or sentence start, then the
# rest of the sentence).
NAVIGATION = re.compile(
    r"(?:^|(?<=[.!?:\n\"]\s)|(?<=\n))(?:[AÀ] lire|Lire|Voir|Regarder|R[ée][ée]couter|[ÉE]couter|Revoir|Suivez|Abonnez)"
    r"[^.!?\n\"]{0,200}",
    re.IGNORECASE,
)
_PARTICLE = r"(?:de|du|des|d'|l'|la|el|al|ben|bin|ibn|ould|abou|abu|van|von|der|di|da|dos|del)"
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-ÞŒ][\w'-]*"


def tag_report(name: str, articles: Sequence[Article], config: SiteConfig, publishers: Sequence[str]) -> None:
    texts = [f"{article.title}\n{article.text}" for article in articles]
    for minimum in (1, 2):
        # Validated again, so that the number means what it does in site.yaml.
        tagged = enrich(
            articles,
            config.model_copy(
                update={"tags": TagsConfig.model_validate({**config.tags.model_dump(), "min_articles": minimum})}
            ),
        )
        support = Counter(tag for article in tagged.articles for tag in article.tags)
        single = sum(count == 1 for count in support.values())
        with_tag = sum(bool(article.tags) for article in tagged.articles)
        print(
            f"{name}, min_articles {minimum}: {len(support)} tags, {single} on a single article"
            f" ({single / max(1, len(support)):.0%}), articles with >= 1 tag {with_tag}/{len(articles)}"
            f" ({with_tag / max(1, len(articles)):.0%})"
        )
        if minimum == 1:
            failures = rule_failures(sorted(support), texts, publishers)
            for rule, tags in failures.items():
                shown = ", ".join(f"{tag} ({support[tag]})" for tag in tags)
                print(f"  {rule}: {len(tags)}{': ' + shown if tags else ''}")


def rule_failures(tags: Sequence[str], texts: Sequence[str], publishers: Sequence[str]) -> dict[str, list[str]]:
    keys = {tag: _key(tag) for tag in tags}
    own = [_key(name) for name in publishers if name]
    return {
        "publisher": [tag for tag in tags if any(_part_of(keys[tag], key) for key in own)],
        "boilerplate": [tag for tag in tags if _only_in_navigation(tag, texts)],
        "half names": [tag for tag in tags if _only_in_longer_names(tag, texts)],
        "doubled words": [tag for tag in tags if _doubled(tag)],
        "unmerged variants": _variants(tags, keys, texts),
    }


def _key(name: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(name)))


def _part_of(key: str, publisher: str) -> bool:
    return key == publisher or publisher.startswith(key + " ") or key.startswith(publisher + " ")


def _mentions(tag: str, text: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"(?<![\w'-]){re.escape(tag)}(?![\w-])", text))


def _only_in_navigation(tag: str, texts: Sequence[str]) -> bool:
    total = inside = 0
    for text in texts:
        found = _mentions(tag, text)
        if not found:
            continue
        spans = [match.span() for match in NAVIGATION.finditer(text)]
        total += len(found)
        inside += sum(any(start <= match.start() < end for start, end in spans) for match in found)
    return total > 0 and inside == total


_NAME_PARTICLE = r"(?:el|al|ben|bin|ibn|ould|abou|abu|van|von|der|di|da|dos|del)"
_GLUED_BEFORE = re.compile(rf"({_CAPITAL_WORD})(?:[-']| (?:{_PARTICLE} ?)?)$|(?<![\w'])({_NAME_PARTICLE})[- ]$")
_GLUED_AFTER = re.compile(rf"^(?:-|'| (?:{_PARTICLE} ?)?)({_CAPITAL_WORD})")
_OPENERS = frozenset(["le", "la", "les", "un", "une", "ce", "cette", "ces", "en", "au", "aux", "à", "et", "mais"])


def _only_in_longer_names(tag: str, texts: Sequence[str]) -> bool:
    """Every mention glued to one same capitalised word or particle (sentence openers aside): "Azzouz"
    always after "Ben", "Bissau" always after "Guinée"."""
    neighbours: list[set[str]] = []
    for text in texts:
        for match in _mentions(tag, text):
            before = _GLUED_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
            after = _GLUED_AFTER.search(text[match.end() : match.end() + 40])
            if before and before.group(1) and " " in tag and text[match.start() - 1] not in "-'":
                before = None  # "Dr Adeeba Kamarulzaman", "l'Uruguayen Martin Lasarte": a full name stays one
            words = {f"<{before.group(1) or before.group(2)}"} if before else set()
            words |= {f">{after.group(1)}"} if after else set()
            neighbours.append({word for word in words if word[1:].lower() not in _OPENERS})
    return bool(neighbours) and bool(set.intersection(*neighbours))


def _doubled(tag: str) -> bool:
    words = _key(tag).split()
    return any(a == b for a, b in itertools.pairwise(words))


def _variants(tags: Sequence[str], keys: dict[str, str], texts: Sequence[str]) -> list[str]:
    """Tags that are another tag written otherwise: spaces aside, acronym of it, or an acronym plus a letter."""
    by_squeezed: dict[str, list[str]] = {}
    for tag in tags:
        by_squeezed.setdefault(keys[tag].replace(" ", ""), []).append(tag)
    found = {tag for group in by_squeezed.values() if len(group) > 1 for tag in group}
    acronyms = [tag for tag in tags if re.fullmatch(r"[A-Z]{2,}", tag)]
    corpus = "\n".join(texts)
    for acronym in acronyms:
        for tag in tags:
            if tag == acronym:
                continue
            paired = f"{tag} ({acronym})" in corpus or f"{acronym} ({tag})" in corpus
            if paired:
                found |= {acronym, tag}
            if (
                re.fullmatch(r"[A-Z]{2,}", tag)
                and tag[1:] == acronym
                and re.search(rf"\b{tag[0]}\w* {acronym}\b", corpus, re.I)
            ):
                found |= {acronym, tag}
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="TSV: category, headline, text, url")
    parser.add_argument("--source", default="BBC Afrique", help="the corpus's publisher (each article's source)")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="a content folder with its site.yaml")
    options = parser.parse_args()
    articles, _ = read_corpus(options.corpus)
    credited = [replace(article, source=Source(options.source)) for article in articles]
    corpus_config = SiteConfig()
    tag_report(options.corpus.name, credited, corpus_config, [options.source, corpus_config.title])
    config = load_config(options.seeds / "site.yaml")
    loaded = load_archive(options.seeds, language=config.language)
    publishers = [config.title, *{article.source.name for article in loaded.articles}]
    tag_report(str(options.seeds.name), loaded.articles, config, publishers)


if __name__ == "__main__":
    sys.exit(main())
