"""Interface language: Babel dates and plural rules in French and English."""

from datetime import date, datetime, timedelta, timezone

from chronique.i18n import ENGLISH, language


def test_french_dates_use_the_ordinal_first() -> None:
    fr = language("fr")
    assert fr.format_date(date(2024, 10, 30)) == "30 octobre 2024"
    assert fr.format_date(date(2016, 3, 1)) == "1er mars 2016"
    assert fr.format_date(date(2016, 3, 11)) == "11 mars 2016"


def test_date_times_keep_their_own_calendar_day() -> None:
    late = datetime(2024, 10, 30, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert language("en").format_date(late) == "October 30, 2024"


def test_plural_rules_follow_the_language() -> None:
    fr, en = language("fr"), language("en")
    assert fr.ngettext("%(num)d article", "%(num)d articles", 0) % {"num": 0} == "0 article"
    assert en.ngettext("%(num)d article", "%(num)d articles", 0) % {"num": 0} == "0 articles"
    assert en.gettext("Accueil") == "Home"
    assert fr.gettext("Accueil") == "Accueil"


def test_every_english_string_is_used_by_a_template() -> None:
    from pathlib import Path

    templates = "".join(p.read_text() for p in (Path(__file__).parents[1] / "templates").iterdir())
    unused = [message for message in ENGLISH if message not in templates]
    assert unused == []
