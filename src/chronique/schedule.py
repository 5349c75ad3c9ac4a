"""Which articles a build publishes: not drafts, and not those dated after the build's time (as
Hugo, unless `--future`). A build records when the first article it held back falls due, so that a
later build with nothing changed on disk still publishes it then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from datetime import time as midnight

from .load import Loaded
from .model import Article


def publishable(loaded: Loaded, now: datetime | None = None) -> list[Article]:
    """Drafts are read (so their errors show) but never published; nor articles dated after `now`
    when it is given (see `in_future`)."""
    return [
        article
        for article in loaded.articles
        if not article.draft and not (now is not None and in_future(article, now))
    ]


def held_back(loaded: Loaded, now: datetime) -> list[Article]:
    """The articles `publishable` leaves out for their date alone."""
    return [article for article in loaded.articles if not article.draft and in_future(article, now)]


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
