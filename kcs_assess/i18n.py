"""Languages and catalogs, without Flask: shared by the web layer and the PDF builder."""

from __future__ import annotations

import datetime
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .domain.frameworks import framework_context
from .domain.questionnaire import message_context
from .domain.scoring import shown_score
from .labels import NOT_ASSESSED
from .paths import shipped

TRANSLATIONS_DIR = shipped("translations")
DOMAIN = "messages"

# The shipped languages, each in its own name.
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})


def direction(locale: str) -> str:
    return "rtl" if Locale.parse(locale).language in RIGHT_TO_LEFT else "ltr"


def country_name(code: str, locale: str) -> str:
    """Return a country's name in a language, from its ISO 3166-1 alpha-2 code."""
    return _territories(locale).get(code.upper(), code)


@lru_cache(maxsize=4096)
def _whole_number(number: int, locale: str) -> str:
    """Format a whole number in a language (its digits and grouping), cached: Babel parses
    the pattern on every call, and a page of scores formats hundreds of them."""
    return format_decimal(number, format="#,##0", locale=locale)


@cache
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def format_day(value: datetime.date, locale: str) -> str:
    """Show a day with the month's name, in the order the language uses: "1 December 2026".

    Numeric dates are read differently across countries (12/1 is 1 December or 12 January),
    so every page and PDF shows this one form. A timestamp shows its UTC day, whatever the
    machine's time zone.
    """
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC).date()
    # English's long form puts the month first ("December 1, 2026"): day first like the rest.
    pattern = "d MMMM y" if Locale.parse(locale).language == "en" else "long"
    return format_date(value, pattern, locale=locale)


def format_moment(value: datetime.datetime, locale: str) -> str:
    """Show a UTC timestamp as its day (as format_day does) and a 24-hour UTC time."""
    value = value.astimezone(datetime.UTC)
    time = format_time(value, "HH:mm 'UTC'", tzinfo=datetime.UTC, locale=locale)
    # The language's own glue between a date and a time ("{1}, {0}"; Arabic uses its comma).
    return str(get_datetime_format("medium", locale=locale)).format(time, format_day(value, locale))


@cache
def translations(locale: str) -> NullTranslations:
    """Return the compiled catalog of a shipped language (English is the source)."""
    if locale == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [locale], DOMAIN)


class Translator:
    """gettext for one language, outside any request (the PDF builder's view of the catalogs)."""

    def __init__(self, locale: str):
        self.locale = locale
        self.catalog = translations(locale)

    @staticmethod
    @cache
    def for_locale(locale: str) -> Translator:
        """Return the shared translator of a language (catalogs never change while running)."""
        return Translator(locale)

    def gettext(self, message: str, **values: object) -> str:
        text = self.catalog.gettext(message)
        return text % values if values else text

    def pgettext(self, context: str, message: str, **values: object) -> str:
        """gettext for a word that other languages say in two ways (a verb, a noun...)."""
        text = self.catalog.pgettext(context, message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values: object) -> str:
        return self.catalog.ngettext(singular, plural, num) % {"num": num, **values}

    def questionnaire_text(self, text: str, questionnaire_id: str, element_id: str,
                           field: str) -> str:
        if not text:
            return text
        return self.catalog.pgettext(message_context(questionnaire_id, element_id, field), text)

    def framework_text(self, text: str, framework_id: str, item_id: str | None) -> str:
        """Translate a framework's title (item_id None) or one of its items' titles."""
        return self.catalog.pgettext(framework_context(framework_id, item_id, "title"), text)

    def change(self, value: float | None) -> str:
        """Show a change of score with its sign (+12, −5, 0), or "–" when one side is not
        assessed. The sign follows the rounding of score(): a change under 1 shows as 0."""
        if value is None:
            return "–"
        whole = self.score(abs(value))
        if whole == self.score(0):
            return whole
        return ("+" if value > 0 else "\u2212") + whole

    def score(self, value: float | None) -> str:
        """Show a score as a whole number, or "not assessed" (never 0) when there is none."""
        if value is None:
            return self.gettext(NOT_ASSESSED)
        return _whole_number(shown_score(value), self.locale)
