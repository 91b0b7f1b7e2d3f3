"""Dates and times as people read them: one locale-aware, unambiguous format for pages and emails.

A day is written with its month as a word ("Dec 6, 2026", "6. Dez. 2026"), never as digits alone:
"12/06/2026" means June to half of the partners. Moments are shown in the active time zone (the
tenant's, on its pages and in its emails). CSV exports keep ISO 8601 instead.
"""

from datetime import date, datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time
from django.utils import timezone, translation


def babel_locale(language: str | None = None) -> Locale:
    """The CLDR locale of `language` (default: the active one), or English if unknown."""
    code = translation.to_locale(language or translation.get_language() or "en")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_day(value: date | datetime | None, *, language: str | None = None) -> str:
    """A day: "Dec 6, 2026" (en), "6. Dez. 2026" (de); a datetime is first made local."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_skeleton("yMMMd", value, locale=babel_locale(language))


def format_moment(value: datetime | None, *, language: str | None = None) -> str:
    """A day and time in the active time zone: "Dec 6, 2026, 2:05 PM" (en), "6. Dez. 2026, 14:05"
    (de)."""
    if value is None:
        return "—"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    locale = babel_locale(language)
    day = format_skeleton("yMMMd", local.date(), locale=locale)
    time = format_time(local.time(), "short", locale=locale)
    glue = str(locale.datetime_formats.get("medium", "{1}, {0}"))
    return glue.replace("{1}", day).replace("{0}", time)
