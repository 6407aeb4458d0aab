"""Dates in the reader's terms: the dateline and the embargo lift time, localized with Babel.

The embargo is stored as an aware UTC timestamp, so the author's own zone is not
kept. The banner therefore shows the lift time in the zone the timestamp carries
(UTC when it comes from the database; a `ZoneInfo` such as Europe/Paris when a
caller converted it), and adds the UTC time in brackets whenever that zone is not
UTC, so a journalist anywhere can compare it with their own clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time


def locale_for(language: str) -> Locale:
    """Babel's locale for a language tag (`pt-BR`, `ru`), English when Babel does not know it."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_dateline_date(day: date, language: str) -> str:
    """`January 15, 2027` in English, its own long form in every other locale."""
    return format_date(day, format="long", locale=locale_for(language))


def format_embargo(moment: datetime, language: str) -> str:
    """`January 15, 2027, 09:00 CET (08:00 UTC)`; naive timestamps are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    locale = locale_for(language)
    day = format_date(moment.date(), format="long", locale=locale)
    clock = format_time(moment.timetz(), format="HH:mm", locale=locale)
    offset = moment.utcoffset() or timedelta(0)
    zone = moment.tzname() or "UTC"
    if offset == timedelta(0):
        return f"{day}, {clock} {'UTC' if zone in ('UTC', 'GMT', 'UTC+00:00') else zone}"
    in_utc = format_time(moment.astimezone(UTC).timetz(), format="HH:mm", locale=locale)
    return f"{day}, {clock} {zone} ({in_utc} UTC)"
