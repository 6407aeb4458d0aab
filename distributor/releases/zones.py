"""The zone an embargo was written in, kept beside its UTC instant so readers see the author's clock.

A release file says `2027-02-03T09:00:00 Europe/Paris` or `…+01:00`; the database keeps
the instant in UTC and, as text, the zone's IANA name or the fixed offset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_label(moment: datetime) -> str | None:
    """What is kept of `moment`'s zone: its IANA name, else its offset (`+01:00`); None if naive."""
    if isinstance(moment.tzinfo, ZoneInfo):
        return moment.tzinfo.key
    offset = moment.utcoffset()
    if offset is None:
        return None
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_named(label: str | None) -> tzinfo:
    """The zone a `zone_label` names; UTC for none, or for a name this machine does not know."""
    if not label:
        return UTC
    if label[0] in "+-":
        hours, _, minutes = label[1:].partition(":")
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-offset if label[0] == "-" else offset)
    try:
        return ZoneInfo(label)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def author_time(moment: datetime, label: str | None) -> datetime:
    """`moment` (aware, or naive UTC) on the clock of the zone `label` names."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone_named(label))
