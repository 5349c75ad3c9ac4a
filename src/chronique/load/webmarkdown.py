"""Markdown converted from a web page (README, "What it reads"), and plain Markdown opening with "# Title"."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import InputError, Published, Source
from ..text import fold
from .body import clean_line, html_text, render_markdown
from .common import Parsed, date_at, make_source
from .dates import split_leading_date
from .limits import check_markdown

_BOLD = re.compile(r"\*\*|__")
_WRAPPED = re.compile(r"(\*\*|__|\*|_)(?P<inner>.+)\1", re.DOTALL)
_SOURCE = re.compile(r"source\s*:\s*(?P<value>.+)", re.IGNORECASE)
_LINKED = re.compile(
    r"<(?P<a>https?://[^\s>]+)>|\[(?P<label>[^\]]*)\]\((?P<b>https?://[^\s)]+)\)|(?P<c>https?://\S+)"
)
_SUBHEADING = re.compile(r"\+\s*(?P<heading>.+?)\s*\+")
_FINAL = (".", "!", "?", "…", ":", ";", "»", '"', "”", "*", "_")
_MARKUP_START = ("#", ">", "*", "-", "+", "|", "<", "!", "`", "    ", "\t")
_LOOKED_FOR = "looked for a paragraph opening with the date (such as '13.12.2023') right after the title"


def _unwrap(text: str) -> str:
    """Remove wrapping emphasis repeatedly, so "**x**", "***x***" and "**_x_**" come out as "x"."""
    while (match := _WRAPPED.fullmatch(text.strip())) and match.group(1) not in match.group("inner"):
        text = match.group("inner")
    return text.strip()


def _blocks(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks from `start`, each with its 1-based first line."""
    found: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for index in range(start, len(lines)):
        if lines[index].strip():
            if not current:
                first = index + 1
            current.append(lines[index])
        elif current:
            found.append((first, current))
            current = []
    if current:
        found.append((first, current))
    return found


def _source_line(block: str, line: int) -> tuple[Source, tuple[tuple[int, str], ...]] | None:
    if "\n" in block.strip():
        return None
    match = _SOURCE.fullmatch(_BOLD.sub("", block).strip())
    if match is None:
        return None
    value = match.group("value").strip()
    if link := _LINKED.search(value):
        url = link.group("a") or link.group("b") or link.group("c")
        label = (link.group("label") or "").strip()
        return make_source("" if label.startswith(("http://", "https://")) else label, url, line)
    # A long "Source : …" is a sentence about sources, not a credit line.
    return make_source(value, "", line) if len(value) <= 60 else None


def _without_title(rest: str, title: str) -> str:
    """Drop the title repeated after the date, compared word by word regardless of case and accents."""
    words = rest.split()
    title_words = fold(title).split()
    if [fold(word) for word in words[: len(title_words)]] == title_words:
        words = words[len(title_words) :]
    return " ".join(words)


def _is_plain(block: str) -> bool:
    return not block.startswith(_MARKUP_START) and not re.match(r"\d+[.)]\s", block)


def merge_split_paragraphs(blocks: list[str]) -> list[str]:
    """Web-to-Markdown conversion splits paragraphs: "… (IBM) et" / "l'une des priorités …" is one."""
    merged: list[str] = []
    for block in blocks:
        previous = merged[-1] if merged else ""
        if (
            previous
            and _is_plain(previous)
            and not previous.rstrip().endswith(_FINAL)
            and block[:1].islower()
        ):
            merged[-1] = previous.rstrip() + " " + block.lstrip()
        else:
            merged.append(block)
    return merged


def read_web_markdown(path: Path, lines: list[str]) -> Parsed:
    check_markdown(path, lines)
    start = next(index for index, line in enumerate(lines) if line.strip())
    heading = lines[start].strip().lstrip("#").rstrip("#")
    title = clean_line(_BOLD.sub("", _unwrap(heading)))
    if not title:
        raise InputError(path, start + 1, "no title: the '# ' heading is empty")

    date: Published | None = None
    source = Source()
    warnings: tuple[tuple[int, str], ...] = ()
    body: list[str] = []
    for number, (line_no, block_lines) in enumerate(_blocks(lines, start + 1)):
        block = "\n".join(block_lines).strip()
        if number == 0 and (split := split_leading_date(" ".join(_unwrap(block).split()))):
            date = date_at(path, line_no, split[0])
            rest = _without_title(split[1].strip().lstrip("-–—:.,").strip(), title)
            if rest:
                body.append(rest)
        elif (found := _source_line(block, line_no)) is not None:
            source, warnings = found
        elif (heading_match := _SUBHEADING.fullmatch(_unwrap(block))) and "\n" not in block:
            body.append("## " + _BOLD.sub("", heading_match.group("heading")))
        else:
            body.append("\n".join(block_lines))

    body_html = render_markdown("\n\n".join(merge_split_paragraphs(body)))
    return Parsed(
        title=title,
        date=date,
        body_html=body_html,
        text=html_text(body_html),
        looked_for=_LOOKED_FOR,
        source=source,
        warnings=warnings,
    )
