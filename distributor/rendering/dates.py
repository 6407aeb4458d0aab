"""Dates in the reader's terms: the dateline and the embargo lift time, localized with Babel.

The banner shows the lift time in the zone the timestamp carries (the author's, as the
release keeps it: Europe/Paris, +01:00), and adds the UTC time in brackets whenever that
zone is not UTC, so nobody reads "09:00" as their own clock. Where a recipient's own zone
is known, their email adds the lift on their clock too (`local_embargo`), as a value
filled in per recipient.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

from distributor.releases import author_time
from distributor.wording import words

if TYPE_CHECKING:
    from distributor.models import Release


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


def release_embargo(release: Release, language: str) -> str | None:
    """The lift time of `release`'s embargo on its author's clock and in UTC; None without one."""
    if release.embargo_until is None:
        return None
    return format_embargo(author_time(release.embargo_until, release.embargo_zone), language)


def format_local_embargo(moment: datetime, time_zone: str | None, language: str) -> str:
    """`17:00 your time (JST)` for a reader in `time_zone` (an IANA name), dated when their day
    differs from the author's; empty when the zone is unknown or says nothing the banner does not
    (the author's own offset, or UTC)."""
    if not time_zone or moment.tzinfo is None:
        return ""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ""
    local = moment.astimezone(zone)
    if local.utcoffset() in (moment.utcoffset(), timedelta(0)):
        return ""
    locale = locale_for(language)
    clock = format_time(local.timetz(), format="HH:mm", locale=locale)
    if local.date() != moment.date():
        clock = f"{format_date(local.date(), format='long', locale=locale)}, {clock}"
    return words(language)["your_time"].format(time=clock, zone=local.tzname() or time_zone)
