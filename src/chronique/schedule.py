"""Which articles a build publishes: not drafts (unless `--drafts`), not those with an empty body,
and not those dated after the build's time (as Hugo, unless `--future`). A build records when the
first article it held back falls due, so that a later build with nothing changed on disk still
publishes it then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from datetime import time as midnight
from pathlib import Path

from .load import Loaded
from .model import Article, Problem


def publishable(loaded: Loaded, now: datetime | None = None, drafts: bool = False) -> list[Article]:
    """Drafts are read (so their errors show) but published only when `drafts`; articles with an
    empty body never are (see `empty_bodies`), nor articles dated after `now` when it is given (see
    `in_future`)."""
    return [article for article in _candidates(loaded, drafts) if not (now is not None and in_future(article, now))]


def held_back(loaded: Loaded, now: datetime, drafts: bool = False) -> list[Article]:
    """The articles `publishable` leaves out for their date alone."""
    return [article for article in _candidates(loaded, drafts) if in_future(article, now)]


def drafts_left_out(loaded: Loaded, drafts: bool) -> int:
    """How many drafts a build without `drafts` leaves out."""
    return 0 if drafts else sum(article.draft for article in loaded.articles)


def empty_bodies(loaded: Loaded, content: Path, drafts: bool = False) -> tuple[Problem, ...]:
    """A warning for each article that would be published but for its empty body (a title alone,
    such as `chronique new` writes, is not worth a page)."""
    return tuple(
        Problem(content / article.origin, 1, "empty body: not published until it has some text")
        for article in loaded.articles
        if (drafts or not article.draft) and _empty(article)
    )


def _candidates(loaded: Loaded, drafts: bool) -> list[Article]:
    return [article for article in loaded.articles if (drafts or not article.draft) and not _empty(article)]


def _empty(article: Article) -> bool:
    return not article.text.strip() and not article.body_html.strip()


def in_future(article: Article, now: datetime) -> bool:
    """Whether `article` is dated after `now` (aware): a date-time is an instant (UTC when it gives
    no offset, as everywhere in Chronique); a plain date is in the future from the day after `now`'s."""
    if isinstance(article.date, datetime):
        return article.published > now
    return article.date > now.date()


def first_release(held: Sequence[Article], now: datetime) -> str:
    """When the first of the `held` articles falls due (ISO 8601), "" when none is held."""
    return min(_release(article, now) for article in held).isoformat() if held else ""


def fell_due(release: str, now: datetime) -> bool:
    """Whether the `first_release` a build recorded has come by `now`."""
    try:
        return bool(release) and datetime.fromisoformat(release) <= now
    except (ValueError, TypeError):  # not written by a build: as if due, so the build does the work
        return True


def _release(article: Article, now: datetime) -> datetime:
    """When `in_future(article, ...)` turns false: its instant, or its day's midnight where `now` is."""
    if isinstance(article.date, datetime):
        return article.published
    return datetime.combine(article.date, midnight(), tzinfo=now.tzinfo)
