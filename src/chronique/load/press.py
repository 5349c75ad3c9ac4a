"""Press-archive text export (README, "What it reads"): title, paragraphs, "Le <date>", credit, footer, teasers."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import InputError, Published, Source, Teaser
from ..text import fold
from .body import clean_line, paragraphs_html
from .common import Parsed, date_at, make_source, unique_words
from .dateline import PARAGRAPHS, find_dateline

# The whole line must be a date, so a paragraph opening "Le 3 août 2021, le ministre…" is body text.
DATE_LINE = re.compile(
    r"le\s+(?P<date>(?:[^\W\d_]+\.?,?\s+)?\d{1,2}(?:er|re|ᵉʳ)?"
    r"(?:\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\s+[^\W\d_]+\.?\s+\d{4})|\d{4}-\d{2}-\d{2})\s*\.?",
    re.IGNORECASE,
)
_SOURCE_WEB = re.compile(r"source\s+web\s+par\s+(?P<name>.+)", re.IGNORECASE)
_SOURCE = re.compile(r"source\s*:\s*(?P<name>.+)", re.IGNORECASE)
TAGS_MARKER = "les tags en relation"
TEASERS_MARKER = "les articles en relation"
LOOKED_FOR = (
    "looked for a line 'Le DD/MM/YYYY' or 'Le DD <mois> YYYY' after the article text, and a dateline "
    "opening the first or second paragraph ('30 octobre 2024, Maroc. - …', 'RABAT, 16 juin 2012 (MAP) - …')"
)
CREDIT_SEPARATOR = "; "


def is_footer(line: str) -> bool:
    """Site footers list bare domains, sometimes glued together: "www.a.comwww.b.net www.c.com"."""
    words = line.split()
    return bool(words) and all("www." in word or "://" in word for word in words)


def _marker(line: str) -> str | None:
    folded = fold(line.strip())
    return folded if folded in (TAGS_MARKER, TEASERS_MARKER) else None


def _ends_cut(line: str) -> bool:
    return line.endswith(("...", "…"))


def pair_teasers(lines: list[str]) -> tuple[Teaser, ...]:
    """Title/snippet alternation, re-synchronised on the snippets' trailing ellipsis.

    A line is a snippet when it ends with "..." (the exporter cuts every snippet), or when
    neither it nor the next line does (plain alternation); otherwise the pending title had
    no snippet and this line starts the next teaser.
    """
    teasers: list[Teaser] = []
    index = 0
    while index < len(lines):
        title = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else None
        after = lines[index + 2] if index + 2 < len(lines) else None
        if following is not None and (_ends_cut(following) or after is None or not _ends_cut(after)):
            teasers.append(Teaser(title=title, snippet=following))
            index += 2
        else:
            teasers.append(Teaser(title=title))
            index += 1
    return tuple(teasers)


def read_press(path: Path, lines: list[str]) -> Parsed:
    start = next(index for index, line in enumerate(lines) if line.strip())
    title = clean_line(lines[start])
    if DATE_LINE.fullmatch(title):
        raise InputError(path, start + 1, "no title: the first line of text is the date line")

    date: Published | None = None
    body_end = len(lines)
    for index in range(start + 1, len(lines)):
        line = lines[index].strip()
        if _marker(line):
            body_end = index
            break
        if match := DATE_LINE.fullmatch(line):
            date = date_at(path, index + 1, match.group("date"))
            body_end = index
            break
    numbered = [(number, clean_line(line)) for number, line in enumerate(lines[start + 1 : body_end], start + 2)]
    numbered = [(number, text) for number, text in numbered if text and not is_footer(text)]
    dateline: tuple[str, str] = ("", "")
    for index, (number, paragraph) in enumerate(numbered[:PARAGRAPHS]):
        if found := find_dateline(paragraph):
            if date is None:
                date = date_at(path, number, found.date)
            numbered[index] = (number, paragraph[found.length :].strip())
            dateline = (found.place, found.agency)
            break
    paragraphs = [text for _, text in numbered if text]

    credits: list[str] = []
    tags: list[str] = []
    teaser_lines: list[str] = []
    source = Source()
    zone = "credit" if date is not None else "end"
    warnings: tuple[tuple[int, str], ...] = ()
    first = body_end + (1 if date is not None else 0)
    for number, raw in enumerate(lines[first:], start=first + 1):
        line = clean_line(raw)
        marker = _marker(line)
        if marker == TAGS_MARKER:
            zone = "tags"
        elif marker == TEASERS_MARKER:
            zone = "teasers"
        elif not line or is_footer(line):
            continue
        elif zone == "credit":
            credits.append(line)
            if match := (_SOURCE_WEB.fullmatch(line) or _SOURCE.fullmatch(line)):
                name = match.group("name").strip()
                is_url = name.startswith(("http://", "https://"))
                source, warnings = make_source("" if is_url else name, name if is_url else "", number)
        elif zone == "tags":
            tags.extend(line.split(","))
        elif zone == "teasers":
            teaser_lines.append(line)

    place, agency = dateline
    if agency and not credits:
        credits.append(clean_line(agency))
    return Parsed(
        title=title,
        date=date,
        body_html=paragraphs_html(paragraphs),
        text="\n\n".join(paragraphs),
        looked_for=LOOKED_FOR,
        tags=unique_words(tags),
        source=source,
        credit=CREDIT_SEPARATOR.join(credits),
        teasers=pair_teasers(teaser_lines),
        extra_items=(("dateline_place", clean_line(place)),) if place.strip() else (),
        warnings=warnings,
    )
