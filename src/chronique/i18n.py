"""Interface strings, dates and plurals in the site's language.

Message ids are the French strings (French is the default); English
translations live here. Babel supplies date formats and plural rules, so
"0 article" (French) and "0 articles" (English) both come out right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_month_names

ENGLISH: dict[str, str] = {
    "Aller au contenu": "Skip to content",
    "Accueil": "Home",
    "Étiquettes": "Tags",
    "Sources": "Sources",
    "Archives": "Archives",
    "Recherche": "Search",
    "Rechercher dans l'archive": "Search the archive",
    "Rechercher": "Search",
    "Navigation principale": "Main navigation",
    "Articles récents": "Recent articles",
    "Articles plus récents": "Newer articles",
    "Articles plus anciens": "Older articles",
    "Pagination": "Pagination",
    "Source": "Source",
    "Lire l'original": "Read the original",
    "Étiquette : %(name)s": "Tag: %(name)s",
    "Source : %(name)s": "Source: %(name)s",
    "Toutes les étiquettes": "All tags",
    "Sujets": "Topics",
    "Noms cités": "Names mentioned",
    "Personnes": "People",
    "Lieux": "Places",
    "Organisations": "Organisations",
    "Autres noms": "Other names",
    "Dans un seul article": "In a single article",
    "Filtrer les étiquettes": "Filter the tags",
    "Aller à": "Go to",
    "%(num)d étiquette": "%(num)d tag",
    "%(num)d étiquettes": "%(num)d tags",
    "Toutes les sources": "All sources",
    "Archives %(year)d": "Archives %(year)d",
    "Flux Atom": "Atom feed",
    "Page introuvable": "Page not found",
    "Cette page n'existe pas ou plus.": "This page does not exist, or no longer does.",
    "Retour à l'accueil": "Back to the home page",
    "Saisissez des mots pour chercher dans l'archive.": "Type words to search the archive.",
    "Aucun article ne correspond à « %(query)s ».": "No article matches “%(query)s”.",
    "Aucun article ne contient « %(typed)s » : résultats pour « %(used)s ».":
        "No article contains “%(typed)s”: results for “%(used)s”.",
    "Aucun article ne contient tous ces mots : voici ceux qui en contiennent le plus.":
        "No article contains all these words: here are those with the most of them.",
    "Année": "Year",
    "Toutes les années": "All years",
    "Étiquette": "Tag",
    "Plus de résultats": "More results",
    "La recherche demande JavaScript.": "Search needs JavaScript.",
    "Aucun article.": "No articles.",
    "Par": "By",
    "Généré par Chronique": "Made with Chronique",
    "À la une": "Top story",
    "Par thème": "By topic",
    "Fil d'Ariane": "Breadcrumbs",
    "Article précédent": "Previous article",
    "Article suivant": "Next article",
    "Articles précédent et suivant": "Previous and next articles",
    "À lire aussi dans l'archive": "Also in the archive",
    "Sur %(source)s": "On %(source)s",
    "Sur la source": "On the source",
    "Les articles que la source proposait en lien ; ceux archivés ici sont des liens.":
        "The articles the source suggested alongside; those archived here are links.",
    "%(num)d autre": "%(num)d more",
    "%(num)d autres": "%(num)d more",
    "Première page": "First page",
    "Dernière page": "Last page",
    "%(num)d min de lecture": "%(num)d min read",
    "Articles par mois": "Articles by month",
    "Total": "Total",
    "Étiquettes de l'article": "Article tags",
    "%(num)d article": "%(num)d article",
    "%(num)d articles": "%(num)d articles",
    "%(num)d résultat pour « %(query)s »": "%(num)d result for “%(query)s”",
    "%(num)d résultats pour « %(query)s »": "%(num)d results for “%(query)s”",
    "Au moins %(num)d résultat pour « %(query)s »": "At least %(num)d result for “%(query)s”",
    "Au moins %(num)d résultats pour « %(query)s »": "At least %(num)d results for “%(query)s”",
}
CATALOGS: dict[str, dict[str, str]] = {"fr": {}, "en": ENGLISH}


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]

    def format_date(self, value: date | datetime, style: str = "long", language: str = "") -> str:
        """`value` as the site's language writes it, or as `language` does (an article's own, such as
        "en" or "pt-BR") when Babel knows it."""
        code = date_locale(language) if language else self.code
        return _format_day(value.date() if isinstance(value, datetime) else value, style, code or self.code)

    def month_name(self, month: int) -> str:
        return str(get_month_names("wide", locale=self.code)[month])

    def month_abbreviation(self, month: int) -> str:
        return str(get_month_names("abbreviated", locale=self.code)[month])

    def format_time(self, value: date | datetime) -> str:
        """The time of day as the source gave it ("10:30"), or "" for a plain date."""
        return _format_clock(value.time(), value.tzinfo, self.code) if isinstance(value, datetime) else ""

    def day_heading(self, value: date | datetime) -> str:
        """A day as a listing heads its articles: "Mercredi 30 octobre 2024", "Wednesday, October 30, 2024"."""
        text = self.format_date(value, "full")
        return text[:1].upper() + text[1:]


@lru_cache(maxsize=65536)
def _format_day(day: date, style: str, code: str) -> str:
    """Babel takes tens of microseconds a date; an archive shows the same days on many pages."""
    text = babel_format_date(day, format=style, locale=code)
    if code == "fr" and day.day == 1 and style in ("long", "full"):
        # French writes the first of the month as an ordinal ("1er mars"); CLDR does not.
        text = text.replace("1 ", "1er ", 1)
    return text


@lru_cache(maxsize=65536)
def _format_clock(wall: time, zone: tzinfo | None, code: str) -> str:
    """Babel takes tens of microseconds a time, and listings show each article's time on many pages:
    cached, the render stage takes 1.3 s less CPU of 16 s at 10,000 articles. Keyed by the wall time
    and its zone, not by the aware date-time: two of those are equal when they are the same instant,
    which they show apart."""
    return babel_format_time(wall.replace(tzinfo=zone), "short", locale=code)


@lru_cache(maxsize=1024)
def date_locale(tag: str) -> str:
    """The Babel locale of a language tag ("pt-BR" -> "pt_BR", "en-Latn-GB" -> "en"), or "" when
    Babel knows neither the tag nor its language."""
    for candidate in (tag.replace("-", "_"), tag.split("-")[0]):
        try:
            return str(Locale.parse(candidate))
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    return ""


def language(code: str) -> Language:
    catalog = CATALOGS[code]
    locale = Locale.parse(code)

    def gettext(message: str) -> str:
        return typographic_apostrophes(catalog.get(message, message))

    def ngettext(singular: str, plural: str, count: int) -> str:
        chosen = singular if locale.plural_form(count) == "one" else plural
        return typographic_apostrophes(catalog.get(chosen, chosen))

    return Language(code, gettext, ngettext)


def typographic_apostrophes(message: str) -> str:
    """Interface strings are written with the keyboard's straight apostrophe ("l'archive"); readers
    get the typographic one ("l’archive"). Messages hold no code, so every one is an apostrophe."""
    return message.replace("'", "’")
