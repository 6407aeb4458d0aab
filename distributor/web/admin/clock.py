"""Times as a press officer reads them: on their own clock, with UTC a hover away."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from markupsafe import Markup, escape


def local_time(moment: datetime | None, zone: tzinfo) -> Markup:
    """`moment` (aware, or naive UTC) as "3 Feb 2027, 09:00 CET" in `zone`, in a <time> element
    whose title gives the UTC time; a dash for no time."""
    if moment is None:
        return Markup("—")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone)
    utc = moment.astimezone(UTC)
    shown = f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or ''}".rstrip()
    return Markup('<time datetime="{}" title="{} UTC">{}</time>').format(
        utc.isoformat(timespec="seconds"), f"{utc:%Y-%m-%d %H:%M}", escape(shown)
    )
