"""Dates as news archives print them: ISO 8601, day-first numbers, French or English words.

Month and weekday names come from Babel's CLDR data (folded with `text.fold`), so
"Février", "fevrier", "févr." and "FEB" all resolve without a hand-typed table.
A weekday, when present, is accepted but not checked against the date: press
exports get weekdays wrong more often than dates, and the date is what we keep.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache

from babel.dates import get_day_names, get_month_names

from ..model import Published, as_datetime
from ..text import fold

# en_GB contributes "Sept", which CLDR's plain English abbreviations lack.
_LOCALES = ("fr", "en", "en_GB")

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
# A date followed by a time, as Ruby's Time.parse reads them (Jekyll's front-matter dates): seconds,
# fraction and zone optional, and a year after the time, before or after the zone: ctime's "Wed Mar
# 02 10:00:00 2016 +0100", Ruby 1.8's "Wed Mar 02 10:00:00 +0100 2016", and the same after a full
# date ("2016-03-02 10:00:00 2016 +0100"), where Ruby ignores it, as it is ignored here.
_WITH_TIME = re.compile(
    r"(?P<day>.+?)[\sT,]+(?:(?:at|à)\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?))?(?:\s+(?P<year>\d{4}))?"
    r"(?:\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)|\s+(?:UTC|GMT)(?P<offset>[+-]\d{2}(?::?\d{2})?))?"
    r"(?:\s+(?P<late_year>\d{4}))?",
    re.IGNORECASE,
)
_DAY = r"(?P<day>\d{1,2})(?:er|re|st|nd|rd|th)?"
_WORD = r"[^\W\d_]+"
_DAY_FIRST = re.compile(rf"(?:(?P<weekday>{_WORD}) )?{_DAY} (?P<month>{_WORD}) (?P<year>\d{{4}})")
_MONTH_FIRST = re.compile(rf"(?:(?P<weekday>{_WORD}) )?(?P<month>{_WORD}) {_DAY} (?P<year>\d{{4}})")

# A date opening a longer text (a dateline, a bold date paragraph). Words are checked
# against the month and weekday tables afterwards, so "Paris 12 2024" is not a date.
_LEADING = re.compile(
    rf"""\s*(?P<date>
        \d{{4}}-\d{{2}}-\d{{2}}(?![\d-])
      | \d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{4}}(?!\d)
      | (?:(?P<wd1>{_WORD})\.?,?\s+)?\d{{1,2}}(?:er|re|st|nd|rd|th|ᵉʳ)?\s+(?P<m1>{_WORD})\.?\s+\d{{4}}(?!\d)
      | (?:(?P<wd2>{_WORD})\.?,?\s+)?(?P<m2>{_WORD})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}(?!\d)
    )""",
    re.VERBOSE,
)

EXPECTED = (
    "expected YYYY-MM-DD (optionally with a time and zone), DD/MM/YYYY, DD.MM.YYYY, '30 octobre 2024' "
    "or 'March 2, 2016'"
)


DATE_LENGTH = 80
"""Characters of the longest date read ("Wednesday, 30 September 2024 10:00:00.000000 2024 +01:00" is
56): longer text is not a date, and the patterns need not scan it."""


def _names_with_prefixes(groups: list[dict[int, str]], wide: list[dict[int, str]]) -> dict[str, int]:
    """Folded names (dots dropped) plus every unambiguous prefix of 3+ letters of the wide names."""
    table: dict[str, int] = {}
    for names in groups:
        for number, name in names.items():
            table[fold(name).rstrip(".")] = number
    owners: dict[str, set[int]] = {}
    for names in wide:
        for number, name in names.items():
            folded = fold(name)
            for end in range(3, len(folded)):
                owners.setdefault(folded[:end], set()).add(number)
    for prefix, numbers in owners.items():
        if len(numbers) == 1:
            table.setdefault(prefix, next(iter(numbers)))
    return table


@cache
def month_numbers() -> dict[str, int]:
    """Folded month name or abbreviation -> 1..12 ("fevrier", "fevr", "sept", "march")."""
    contexts = ("format", "stand-alone")
    wide = [dict(get_month_names("wide", ctx, loc)) for loc in _LOCALES for ctx in contexts]
    short = [dict(get_month_names("abbreviated", ctx, loc)) for loc in _LOCALES for ctx in contexts]
    return _names_with_prefixes(wide + short, wide)


@cache
def weekday_names() -> frozenset[str]:
    wide = [dict(get_day_names("wide", "format", loc)) for loc in _LOCALES]
    short = [dict(get_day_names("abbreviated", "format", loc)) for loc in _LOCALES]
    return frozenset(_names_with_prefixes(wide + short, wide))


def _build(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"impossible date '{shown}': {exc}") from None


def in_range(value: Published) -> Published:
    """`value`, when its instant in UTC is one Python can hold; else ValueError.

    The pipeline sorts and dates feeds in UTC: 0001-01-01T00:00+05:00 is still year 0 there, and
    9999-12-31T23:00-05:00 already year 10000."""
    try:
        as_datetime(value).astimezone(UTC)
    except OverflowError:
        shown = value.isoformat()
        raise ValueError(f"date '{shown}' out of range: in UTC it falls outside the years 1 to 9999") from None
    return value


def parse_date(text: str) -> date | datetime:
    """Read a date as archives print it; raise ValueError saying what is wrong.

    A time makes it a `datetime` (aware when an offset is given); otherwise a plain `date`.
    """
    return in_range(_parse_date(text))


def _parse_date(text: str) -> date | datetime:
    shown = " ".join(text.split())
    if not shown:
        raise ValueError(f"empty date: {EXPECTED}")
    if len(shown) > DATE_LENGTH:
        raise ValueError(f"unrecognised date '{shown[:DATE_LENGTH]}…': {EXPECTED}")
    if match := _ISO_DATE.fullmatch(shown):
        year, month, day = (int(part) for part in match.groups())
        return _build(year, month, day, shown)
    if _ISO_DATETIME.fullmatch(shown):
        try:
            return datetime.fromisoformat(re.sub(r"\s+(?=[Z+-])", "", shown.upper().replace(",", ".")))
        except ValueError as exc:
            raise ValueError(f"impossible date '{shown}': {exc}") from None
    if match := _NUMERIC.fullmatch(shown):
        day, _, month, year = match.groups()
        return _build(int(year), int(month), int(day), shown)
    if match := _YEAR_FIRST.fullmatch(shown):
        year, month, day = match.groups()
        return _build(int(year), int(month), int(day), shown)
    if match := _WITH_TIME.fullmatch(shown):
        return _date_with_time(match, shown)
    return _parse_words(shown)


def _date_with_time(match: re.Match[str], shown: str) -> datetime:
    """A date then a time (see `_WITH_TIME`); the zone gives an aware date-time, else a naive one."""
    years = [year for year in match.group("year", "late_year") if year]
    try:
        try:
            day = _parse_date(match.group("day"))
        except ValueError as error:
            if len(years) != 1 or str(error).startswith("impossible"):
                raise
            day = _parse_date(f"{match.group('day')} {years[0]}")  # ctime: the year comes after the time
    except ValueError as error:
        impossible = str(error).startswith("impossible")
        reason = str(error).split(": ", 1)[-1] if impossible else EXPECTED
        raise ValueError(f"{'impossible' if impossible else 'unrecognised'} date '{shown}': {reason}") from None
    if isinstance(day, datetime):
        raise ValueError(f"unrecognised date '{shown}': two times")
    hour = int(match.group("hour"))
    if ampm := match.group("ampm"):
        if not 1 <= hour <= 12:
            raise ValueError(f"impossible date '{shown}': hour {hour} with {ampm}")
        hour = hour % 12 + (12 if ampm[0].lower() == "p" else 0)
    fraction = (match.group("fraction") or "0")[:6].ljust(6, "0")
    zone = match.group("zone") or match.group("offset") or ""
    offset = "+00:00" if zone.upper() in ("Z", "UTC", "GMT") else zone
    text = f"{day.isoformat()}T{hour:02d}:{match.group('minute')}:{match.group('second') or '00'}.{fraction}{offset}"
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"impossible date '{shown}': {exc}") from None


def _parse_words(shown: str) -> date:
    words = fold(shown).replace(",", " ").replace(".", " ").split()
    if words and words[0] in ("le", "the"):
        words = words[1:]
    spaced = " ".join(words)
    match = _DAY_FIRST.fullmatch(spaced) or _MONTH_FIRST.fullmatch(spaced)
    if match is None:
        raise ValueError(f"unrecognised date '{shown}': {EXPECTED}")
    weekday = match.group("weekday")
    if weekday is not None and weekday not in weekday_names():
        raise ValueError(f"unrecognised date '{shown}': '{weekday}' is not a day of the week")
    month = month_numbers().get(match.group("month"))
    if month is None:
        raise ValueError(f"unknown month '{match.group('month')}' in date '{shown}'")
    return _build(int(match.group("year")), month, int(match.group("day")), shown)


def split_leading_date(text: str) -> tuple[str, str] | None:
    """Split "13.12.2023 Migration…" into ("13.12.2023", " Migration…"), or None.

    Only the shape is checked (and that the words are a month and a weekday): the caller
    runs `parse_date` on the first part, so an impossible date is still reported.
    """
    match = _LEADING.match(text)
    if match is None:
        return None
    for group, table in (("m1", month_numbers()), ("m2", month_numbers())):
        word = match.group(group)
        if word is not None and fold(word) not in table:
            return None
    for group in ("wd1", "wd2"):
        word = match.group(group)
        if word is not None and fold(word) not in weekday_names():
            return None
    return match.group("date"), text[match.end() :]
