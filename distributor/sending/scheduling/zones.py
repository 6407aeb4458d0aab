"""Where an audience reads its mail: the time zones most of its journalists live in.

A press officer choosing "09:00" should see what that means for the people it goes to
("09:00 in Paris · 08:00 in London · 03:00 in New York"). A journalist's zone is their own
time zone when known, else the main zone of their country, else they are not counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.models import Contact, MailingList, Segment
from distributor.sending.scheduling.deliveries import members_condition, suppressed_contact
from distributor.sending.scheduling.sendouts import Audience

# The tz database's table of zones by country, the principal zone of each country first.
_SYSTEM_TABLE = Path("/usr/share/zoneinfo/zone.tab")


@dataclass(frozen=True)
class ZoneShare:
    """A time zone and how many journalists of an audience read their mail in it."""

    zone: str
    journalists: int

    @property
    def place(self) -> str:
        """The zone as people name it: "New York" for America/New_York."""
        return self.zone.rpartition("/")[2].replace("_", " ")

    def clock(self, moment: datetime) -> str:
        """`moment` on this zone's clock, as "09:00"."""
        return f"{moment.astimezone(ZoneInfo(self.zone)):%H:%M}"


def audience_zones(session: Session, audience: Audience, limit: int = 3) -> list[ZoneShare]:
    """The `limit` zones most of `audience` (lists and segments, suppressed addresses left
    out) live in, the largest first; empty when nothing is chosen or no zone is known."""
    list_ids = session.scalars(
        select(MailingList.id).where(
            MailingList.slug.in_(audience.lists), MailingList.archived_at.is_(None)
        )
    ).all()
    rules = session.scalars(select(Segment.rules).where(Segment.name.in_(audience.segments))).all()
    if not list_ids and not rules:
        return []
    rows = session.execute(
        select(Contact.time_zone, Contact.country, func.count())
        .where(members_condition(list_ids, rules), ~suppressed_contact())
        .group_by(Contact.time_zone, Contact.country)
    )
    counted: Counter[str] = Counter()
    for zone, country, journalists in rows:
        found = _known(zone) or country_zones().get((country or "").upper())
        if found:
            counted[found] += journalists
    largest = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [ZoneShare(zone, count) for zone, count in largest]


def _known(zone: str | None) -> str | None:
    if not zone:
        return None
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return None
    return zone


@cache
def country_zones() -> dict[str, str]:
    """Each ISO country code's principal time zone, from the tz database's zone.tab."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = _SYSTEM_TABLE.read_text("utf-8") if _SYSTEM_TABLE.exists() else ""
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _, zone = line.split("\t")[:3]
        zones.setdefault(country, zone)  # the first row of a country is its principal zone
    return zones
