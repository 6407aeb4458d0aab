"""The send-time guard: would the release reach journalists at night, on a weekend, or once
too often today, each in their own time zone?

Recipients are counted per time zone in one query, and each zone's local due time
is worked out once: the send-out's start, or with `--local-time` the next time the
zone's clocks show that hour. Nothing here reads the clock; the caller passes `now`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import (
    Contact,
    Delivery,
    DeliveryState,
    ScheduleKind,
    SendOut,
    SendOutState,
)
from distributor.sending.scheduling.checks.findings import Finding, warning
from distributor.sending.scheduling.clock import next_local_time
from distributor.sending.scheduling.deliveries import audience_condition, reached_condition

WEEKEND = (5, 6)  # Saturday, Sunday
_COUNTED_OPEN = (DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.DEFERRED)
_EXAMPLES = 3


@dataclass(frozen=True)
class ZoneShare:
    """The recipients of one time zone and when the send-out reaches them there."""

    zone: str
    names: tuple[str, ...]  # the zone names contacts carry that lead here (unknown ones too)
    recipients: int
    local: datetime  # the due time on the zone's clocks

    def quiet(self, window: tuple[time, time] | None) -> bool:
        return self.local.weekday() in WEEKEND or in_window(self.local.time(), window)


def in_window(moment: time, window: tuple[time, time] | None) -> bool:
    """Whether `moment` falls in [start, end), a window that may wrap past midnight."""
    if window is None:
        return False
    start, end = window
    return start <= moment < end if start < end else moment >= start or moment < end


def known_zone(name: str, fallback: str) -> str:
    """`name` if this machine knows it, else `fallback`: as the dispatcher decides."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback
    return name


def due_in_zone(sendout: SendOut, zone: str, now: datetime) -> datetime:
    """When the send-out's delivery to a recipient of `zone` falls due (UTC)."""
    start = max(sendout.scheduled_at or now, now)
    if sendout.schedule is ScheduleKind.LOCAL_TIME and sendout.local_time is not None:
        return next_local_time(sendout.local_time, zone, start)
    return start


def _zone_of(sendout: SendOut) -> ColumnElement[str]:
    return func.coalesce(Contact.time_zone, sendout.time_zone)


def zone_shares(
    session: Session, sendout: SendOut, reached: ColumnElement[bool], now: datetime
) -> list[ZoneShare]:
    """The recipients (`reached`) by time zone, with their local due time."""
    zone_of = _zone_of(sendout)
    rows = session.execute(select(zone_of, func.count()).where(reached).group_by(zone_of))
    counts: Counter[str] = Counter()
    names: dict[str, list[str]] = {}
    for name, count in rows:
        zone = known_zone(name, sendout.time_zone)
        counts[zone] += count
        names.setdefault(zone, []).append(name)
    return [
        ZoneShare(
            zone,
            tuple(names[zone]),
            count,
            due_in_zone(sendout, zone, now).astimezone(ZoneInfo(zone)),
        )
        for zone, count in sorted(counts.items())
    ]


def check_send_time(
    session: Session, sendout: SendOut, settings: Settings, now: datetime
) -> list[Finding]:
    """The guard's findings: off-hours share, and journalists over the daily limit."""
    reached = reached_condition(session, sendout)
    if reached is None:
        return []
    shares = zone_shares(session, sendout, reached, now)
    findings = [*_off_hours(shares, settings)]
    if settings.daily_release_limit:
        limit = settings.daily_release_limit
        findings += _daily_limit(session, sendout, reached, shares, limit, now)
    return findings


def _off_hours(shares: list[ZoneShare], settings: Settings) -> Iterable[Finding]:
    total = sum(share.recipients for share in shares)
    quiet = [share for share in shares if share.quiet(settings.quiet_window)]
    count = sum(share.recipients for share in quiet)
    if not total or count / total <= settings.guard_share:
        return
    worst = sorted(quiet, key=lambda share: -share.recipients)[:_EXAMPLES]
    examples = ", ".join(
        f"{share.recipients} at {share.local:%a %H:%M} in {share.zone}" for share in worst
    )
    night = settings.quiet_hours if settings.quiet_window else "off"
    quiet_times = f"at night ({night}) or on a weekend" if settings.quiet_window else "on a weekend"
    yield warning(
        "guard.off_hours",
        f"{count} of {total} recipients ({count / total:.0%}) would get it at night "
        f"({night}) or on a weekend in their own time zones ({examples}); more than "
        f"DISTRIBUTOR_GUARD_SHARE={settings.guard_share:g}. Pick another time or --local-time",
        f"{count} of {total} recipients ({count / total:.0%}) would get it {quiet_times} where "
        f"they are ({examples}). Pick another time, or send at one hour in each journalist's "
        "own time zone.",
    )


def _local_day(local: datetime) -> tuple[datetime, datetime]:
    """The local calendar day around `local`, as a UTC interval [start, end)."""
    zone = local.tzinfo
    start = datetime.combine(local.date(), time(0), zone)
    end = datetime.combine(local.date() + timedelta(days=1), time(0), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _daily_limit(
    session: Session,
    sendout: SendOut,
    reached: ColumnElement[bool],
    shares: list[ZoneShare],
    limit: int,
    now: datetime,
) -> Iterable[Finding]:
    """Journalists who would get more than `limit` releases on this send-out's local day."""
    zone_of = _zone_of(sendout)
    others = session.scalars(
        select(SendOut).where(SendOut.state == SendOutState.SCHEDULED, SendOut.id != sendout.id)
    ).all()
    counts: Counter[int] = Counter()
    for share in shares:
        start, end = _local_day(share.local)
        in_zone = and_(reached, zone_of.in_(share.names))
        counts.update(_deliveries_that_day(session, sendout, in_zone, start, end))
        for other in others:
            if start <= due_in_zone(other, share.zone, now) < end:
                also = audience_condition(session, other)
                if also is not None:
                    counts.update(session.scalars(select(Contact.id).where(in_zone, also)))
    over = {contact: count + 1 for contact, count in counts.items() if count + 1 > limit}
    if not over:
        return
    chosen = sorted(over, key=lambda contact: (-over[contact], contact))[:_EXAMPLES]
    rows = session.execute(select(Contact.id, Contact.email).where(Contact.id.in_(chosen)))
    emails = dict(rows.all())
    examples = ", ".join(f"{emails[contact]} ({over[contact]})" for contact in chosen)
    yield warning(
        "guard.daily_limit",
        f"{len(over)} journalists would get more than {limit} releases from the office on "
        f"the same day, counting this one (e.g. {examples}); "
        "DISTRIBUTOR_DAILY_RELEASE_LIMIT sets the limit",
        f"{len(over)} journalists would get more than {limit} releases from the office on the "
        f"same day, counting this one (such as {examples}). Consider another day.",
    )


def _deliveries_that_day(
    session: Session,
    sendout: SendOut,
    in_zone: ColumnElement[bool],
    start: datetime,
    end: datetime,
) -> list[int]:
    """Contacts (repeated per delivery) with another send-out's delivery in [start, end)."""
    sent = and_(
        Delivery.state == DeliveryState.SENT, Delivery.sent_at >= start, Delivery.sent_at < end
    )
    queued = and_(
        Delivery.state.in_(_COUNTED_OPEN),
        Delivery.next_attempt_at >= start,
        Delivery.next_attempt_at < end,
    )
    rows = session.scalars(
        select(Delivery.contact_id)
        .join(Contact, Contact.id == Delivery.contact_id)
        .where(Delivery.sendout_id != sendout.id, in_zone, or_(sent, queued))
    )
    return [contact for contact in rows if contact is not None]
