"""Press datelines opening an article's first or second paragraph.

"RABAT, 16 juin 2012 (MAP) - …", "30 octobre 2024, Maroc. - …", "16 juin 2012. - …": the date, a
place before or after it, an agency in parentheses, then a dash. Saved pages and press exports
without a date of their own are dated by it, and the dateline is not body text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .dates import split_leading_date

_PLACE = re.compile(r"\s*(?P<place>[^\W\d][^,()\d\n]{0,40}?)\s*,\s*")
_AFTER_DATE = re.compile(
    r"\s*(?:,\s*(?P<place>[^\W\d][^,()\d\n.–—-]{0,40}?))?\s*(?:\((?P<agency>[^()]{1,40})\))?\s*\.?\s*[-–—]+\s*"
)
PARAGRAPHS = 2
"""A dateline opens the first paragraph, or the second after a lead or a photo credit."""


class Dateline(NamedTuple):
    date: str
    """The date as printed, for `dates.parse_date`."""
    place: str
    agency: str
    length: int
    """Characters of the paragraph the dateline takes, dash and spaces included."""


def find_dateline(text: str) -> Dateline | None:
    """The dateline opening `text`, in any of the module's forms, or None."""
    place = ""
    split = split_leading_date(text)
    if split is None and (match := _PLACE.match(text)):
        place = match.group("place")
        split = split_leading_date(text[match.end() :])
    if split is None:
        return None
    date_text, rest = split
    after = _AFTER_DATE.match(rest)
    if after is None or (place and after.group("place")):
        return None
    return Dateline(date_text, place or after.group("place") or "", after.group("agency") or "",
                    len(text) - len(rest) + after.end())
