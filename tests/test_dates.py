"""parse_date: every format archives print, the impossible ones refused, and no surprise exceptions."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st

from chronique.load.dates import parse_date, split_leading_date
from chronique.text import fold

PLUS_ONE = timezone(timedelta(hours=1))

GOOD = [
    ("2024-10-30", date(2024, 10, 30)),
    ("2024-10-30T09:15:00+01:00", datetime(2024, 10, 30, 9, 15, tzinfo=PLUS_ONE)),
    ("2024-10-30T09:15:00Z", datetime(2024, 10, 30, 9, 15, tzinfo=UTC)),
    ("2024-10-30 09:15", datetime(2024, 10, 30, 9, 15)),
    ("2024-10-30T09:15:30.250", datetime(2024, 10, 30, 9, 15, 30, 250000)),
    ("30/10/2024", date(2024, 10, 30)),
    ("30.10.2024", date(2024, 10, 30)),
    ("30-10-2024", date(2024, 10, 30)),
    ("1/3/2016", date(2016, 3, 1)),
    ("  13.12.2023 ", date(2023, 12, 13)),
    ("01 Mars 2016", date(2016, 3, 1)),
    ("3 août 2021", date(2021, 8, 3)),
    ("3 aout 2021", date(2021, 8, 3)),
    ("3 AOÛT 2021", date(2021, 8, 3)),
    ("1er décembre 2020", date(2020, 12, 1)),
    ("1er DECEMBRE 2020", date(2020, 12, 1)),
    ("12 janv. 2024", date(2024, 1, 12)),
    ("5 févr. 2024", date(2024, 2, 5)),
    ("5 fevr 2024", date(2024, 2, 5)),
    ("5 juil. 2024", date(2024, 7, 5)),
    ("14 Sept 2023", date(2023, 9, 14)),
    ("14 sept. 2023", date(2023, 9, 14)),
    ("mardi 30 octobre 2024", date(2024, 10, 30)),
    ("Mardi, 30 octobre 2024", date(2024, 10, 30)),
    ("le 30 octobre 2024", date(2024, 10, 30)),
    ("Tuesday, October 30, 2024", date(2024, 10, 30)),
    ("October 30, 2024", date(2024, 10, 30)),
    ("Oct 30, 2024", date(2024, 10, 30)),
    ("30 October 2024", date(2024, 10, 30)),
    ("1st March 2016", date(2016, 3, 1)),
    ("2nd May 2020", date(2020, 5, 2)),
    ("3rd June 2021", date(2021, 6, 3)),
    ("4th July 2022", date(2022, 7, 4)),
    ("March 1st, 2016", date(2016, 3, 1)),
]

BAD = [
    ("", "empty date"),
    ("   ", "empty date"),
    ("31/02/2024", "impossible date '31/02/2024'"),
    ("29 février 2023", "impossible date '29 février 2023'"),
    ("2024-02-30", "impossible date '2024-02-30'"),
    ("30/13/2024", "impossible date '30/13/2024'"),
    ("32 octobre 2024", "impossible date '32 octobre 2024'"),
    ("2024-10-30T25:00", "impossible date"),
    ("30 brumaire 2024", "unknown month 'brumaire'"),
    ("30 jui 2024", "unknown month 'jui'"),  # juin or juillet: ambiguous
    ("Funday 30 octobre 2024", "not a day of the week"),
    ("hier", "unrecognised date 'hier'"),
    ("2024", "unrecognised date"),
    ("30/10/24", "unrecognised date"),
    ("30 octobre", "unrecognised date"),
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_good_dates(text: str, expected: date) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    assert type(parsed) is type(expected)
    if isinstance(expected, datetime):
        assert parsed.utcoffset() == expected.utcoffset()  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_date(text)


def test_month_names_come_from_babel() -> None:
    # Every wide and abbreviated name CLDR knows for fr and en resolves to its month.
    from babel.dates import get_month_names

    for locale in ("fr", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                assert parse_date(f"15 {name} 2020") == date(2020, number, 15)


def test_split_leading_date() -> None:
    assert split_leading_date("13.12.2023 Migration – Frontex") == ("13.12.2023", " Migration – Frontex")
    assert split_leading_date("16 juin 2012. - Texte") == ("16 juin 2012", ". - Texte")
    assert split_leading_date("mardi 30 octobre 2024 - x") == ("mardi 30 octobre 2024", " - x")
    assert split_leading_date("RABAT, 16 juin 2012 (MAP)") is None  # a place is not a weekday
    assert split_leading_date("Paris 12 2024") is None
    assert split_leading_date("Le ministre a dit") is None
    assert split_leading_date("31 février 2012 - x") == ("31 février 2012", " - x")  # shape only


PATTERNS = [
    ("fr", "d MMMM y"),
    ("fr", "dd MMMM y"),
    ("fr", "d MMM y"),
    ("fr", "EEEE d MMMM y"),
    ("fr", "EEE d MMM y"),
    ("en", "MMMM d, y"),
    ("en", "EEEE, MMMM d, y"),
    ("en", "MMM d, y"),
    ("en", "d MMMM y"),
    ("en_GB", "d MMM y"),
]
ORDINALS = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


def _numeric(value: date) -> list[str]:
    year = f"{value.year:04d}"
    return [
        value.isoformat(),
        f"{value.day:02d}/{value.month:02d}/{year}",
        f"{value.day}/{value.month}/{year}",
        f"{value.day:02d}.{value.month:02d}.{year}",
        f"{value.day:02d}-{value.month:02d}-{year}",
    ]


@given(dates)
def test_every_format_parses_back(value: date) -> None:
    texts = _numeric(value)
    for locale, pattern in PATTERNS:
        shown = format_date(value, pattern, locale=locale)
        texts += [shown, shown.upper(), fold(shown)]
    french = format_date(value, "MMMM y", locale="fr")
    english = format_date(value, "MMMM y", locale="en")
    if value.day == 1:
        texts.append(f"1er {french}")
    texts.append(f"{value.day}{ORDINALS.get(value.day, 'th')} {english}")
    for text in texts:
        assert parse_date(text) == value, text


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 30)), st.integers(-14, 14))
def test_iso_datetimes_parse_back(value: datetime, hours: int) -> None:
    aware = value.replace(microsecond=0, tzinfo=timezone(timedelta(hours=hours)))
    assert parse_date(aware.isoformat()) == aware
    assert parse_date(value.replace(microsecond=0).isoformat(sep=" ")) == value.replace(microsecond=0)


date_alphabet = st.sampled_from([*"0123456789/-.:,TZ+ ", "er", "janv", "mars", "août", "mardi", "Sept"])


@given(st.one_of(st.text(), st.lists(date_alphabet, max_size=12).map("".join)))
def test_parse_date_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_date(text)
