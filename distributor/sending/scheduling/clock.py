"""When a local time of day next comes round in a time zone: what a send-out at a local time waits for."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_local_time(local_time: str, zone: str, after: datetime) -> datetime:
    """The first moment at or after `after` when the clocks of `zone` show `local_time`."""
    hour, minute = (int(part) for part in local_time.split(":"))
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    while True:
        # fold=0 and a round trip through UTC settle the hour a DST change skips or repeats.
        moment = datetime.combine(day, time(hour, minute), tz).astimezone(UTC)
        if moment >= after:
            return moment
        day += timedelta(days=1)
