"""Dateline and embargo times in the release's language (Babel)."""

# ruff: noqa: RUF001 - localized text (Cyrillic, typographic quotes) on purpose

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from distributor.rendering.dates import format_dateline_date, format_embargo


def test_embargo_in_a_named_zone_shows_the_zone_and_utc() -> None:
    moment = datetime(2027, 1, 15, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert format_embargo(moment, "en-GB") == "15 January 2027, 09:00 CET (08:00 UTC)"


def test_embargo_from_the_database_is_shown_in_utc() -> None:
    moment = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    assert format_embargo(moment, "en") == "January 15, 2027, 08:00 UTC"


def test_embargo_with_a_fixed_offset_names_the_offset() -> None:
    moment = datetime(2027, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=3)))
    assert format_embargo(moment, "ru") == "15 января 2027\u202fг., 09:00 UTC+03:00 (06:00 UTC)"


def test_dateline_date_uses_the_long_form_of_the_language() -> None:
    assert format_dateline_date(date(2026, 11, 25), "de") == "25. November 2026"


def test_unknown_language_falls_back_to_english() -> None:
    assert format_dateline_date(date(2026, 11, 25), "xx-unknown") == "November 25, 2026"
