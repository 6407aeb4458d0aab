"""Send-outs as press officers handle them: create with an audience and a schedule, pause, resume, cancel.

The CLI, the web app and the API all come through these functions, so a send-out
is made and moved the same way whichever door it came in by. Every state change
goes through `states.move_sendout`, which records it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.config import Settings, get_settings
from distributor.errors import InvalidInput, NotFound
from distributor.models import (
    Delivery,
    DeliveryState,
    MailingList,
    Release,
    ScheduleKind,
    Segment,
    SendOut,
    SendOutAudience,
    SendOutState,
    utcnow,
)
from distributor.sending.scheduling.checks.findings import ChecksFailed
from distributor.sending.scheduling.deliveries import CANCELLED
from distributor.sending.scheduling.states import move_sendout

_LOCAL_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# How far in the past a time to send at may be and still be taken as now: clocks differ a little.
PAST_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class Schedule:
    """When a send-out goes: now, at a time, at the release's embargo lift, or at a local hour."""

    kind: ScheduleKind = ScheduleKind.NOW
    at: datetime | None = None  # with AT; with LOCAL_TIME, "not before"
    local_time: str | None = None  # "09:00", with LOCAL_TIME
    time_zone: str = "UTC"  # LOCAL_TIME's zone for contacts without one

    @classmethod
    def parse(
        cls,
        at: str | None = None,
        *,
        at_embargo: bool = False,
        local_time: str | None = None,
        time_zone: str | None = None,
        now: bool = False,
    ) -> Schedule:
        """A schedule from the command line's words; InvalidInput names the option at fault.

        `now` asks for now explicitly (as leaving every time out does); an empty `at` is
        refused rather than read as now."""
        if now and (at is not None or at_embargo or local_time is not None):
            raise InvalidInput("--now goes alone: leave out --at, --at-embargo and --local-time")
        if at_embargo and (at or local_time):
            raise InvalidInput("--at-embargo goes alone: the embargo lift is the time")
        if at is not None and not at.strip():
            raise InvalidInput(
                "--at is empty: give a time such as 2026-12-01T09:00+01:00, or pass --now "
                "to send it now"
            )
        when = parse_aware_time(at, "--at") if at else None
        zone = check_time_zone(time_zone or "UTC", "--time-zone")
        if local_time is not None:
            if _LOCAL_TIME.fullmatch(local_time.strip()) is None:
                raise InvalidInput(
                    f"--local-time {local_time!r}: expected an hour and minute such as 09:00"
                )
            hour, minute = local_time.strip().split(":")
            return cls(ScheduleKind.LOCAL_TIME, when, f"{int(hour):02}:{minute}", zone)
        if at_embargo:
            return cls(ScheduleKind.EMBARGO, time_zone=zone)
        if when is not None:
            return cls(ScheduleKind.AT, when, time_zone=zone)
        return cls(time_zone=zone)


def parse_aware_time(text: str, option: str) -> datetime:
    """An ISO 8601 time with its offset; a time without one is refused, not guessed."""
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise InvalidInput(
            f"{option} {text!r}: expected a time such as 2026-12-01T09:00+01:00"
        ) from None
    if value.tzinfo is None:
        raise InvalidInput(f"{option} {text!r} has no time zone: add an offset such as +01:00 or Z")
    return value.astimezone(UTC)


def check_time_zone(name: str, option: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"{option} {name!r} is not a time zone name; use one such as Europe/Paris"
        ) from None
    return name


@dataclass(frozen=True)
class Tracking:
    """Whether a send-out leads its links through the web app and carries an open image."""

    clicks: bool = False
    opens: bool = False

    @classmethod
    def choose(cls, settings: Settings, clicks: bool | None, opens: bool | None) -> Tracking:
        """The choices given, and DISTRIBUTOR_TRACK_CLICKS / _OPENS for those left out."""
        return cls(
            settings.track_clicks if clicks is None else clicks,
            settings.track_opens if opens is None else opens,
        )


@dataclass(frozen=True)
class Audience:
    """The lists and segments a send-out goes to, and those whose members it leaves out."""

    lists: Sequence[str] = ()
    segments: Sequence[str] = ()
    exclude_lists: Sequence[str] = ()
    exclude_segments: Sequence[str] = ()


def create_sendout(
    session: Session,
    release: Release,
    audience: Audience,
    schedule: Schedule,
    *,
    actor: Actor,
    subject: str | None = None,
    tracking: Tracking = Tracking(),
    options: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    confirm: bool = False,
    follow_up_of: SendOut | None = None,
) -> SendOut:
    """A scheduled send-out of `release`; with the default schedule, due at once.

    Nothing is sent here: the dispatcher turns it into deliveries when it is due.
    The checks before sending run first (`sending.scheduling.checks`): their errors refuse it,
    and so do their warnings unless `confirm`; `settings` default to the process's.
    """
    if not audience.lists and not audience.segments:
        raise InvalidInput("a send-out needs at least one --list or --segment")
    now = now or utcnow()
    rows = [
        *(_list_row(session, slug, exclude=False) for slug in audience.lists),
        *(_segment_row(session, name, exclude=False) for name in audience.segments),
        *(_list_row(session, slug, exclude=True) for slug in audience.exclude_lists),
        *(_segment_row(session, name, exclude=True) for name in audience.exclude_segments),
    ]
    if subject is not None and not subject.strip():
        raise InvalidInput("--subject is empty; leave it out to use the release's title")
    sendout = SendOut(
        release=release,
        subject=subject.strip() if subject else None,
        schedule=schedule.kind,
        scheduled_at=_start_time(release, schedule, now),
        local_time=schedule.local_time,
        time_zone=schedule.time_zone,
        track_clicks=tracking.clicks,
        track_opens=tracking.opens,
        options=dict(options or {}),
        audience=rows,
        follow_up_of_id=follow_up_of.id if follow_up_of else None,
    )
    session.add(sendout)
    session.flush()
    # The checks render the release and load the signing key: only creating a send-out pays
    # for their imports, not every command that reads one.
    from distributor.sending.scheduling.checks.run import check_sendout

    try:
        checked = check_sendout(session, sendout, settings or get_settings(), now, confirm=confirm)
    except ChecksFailed:
        session.delete(sendout)  # refused: nothing of it stays, whatever the caller commits
        session.flush()
        raise
    move_sendout(session, sendout, SendOutState.SCHEDULED, actor=actor, reason=_describe(schedule))
    confirmed = [finding.code for finding in checked.warnings]
    record(
        session,
        actor,
        "sendout.create",
        "sendout",
        sendout.id,
        release=release.id,
        **({"confirmed": confirmed} if confirmed else {}),
    )
    return sendout


def _start_time(release: Release, schedule: Schedule, now: datetime) -> datetime:
    """When the send-out starts; a time to wait for that has already passed is refused, since
    sending at once is something to ask for (`--now`), not what a mistyped date does."""
    if schedule.kind is ScheduleKind.EMBARGO:
        if release.embargo_until is None:
            raise InvalidInput(
                f"--at-embargo: release {release.id} has no embargo; use --at or leave it out"
            )
        if release.embargo_until < now - PAST_GRACE:
            raise InvalidInput(
                f"--at-embargo: release {release.id}'s embargo lifted at "
                f"{release.embargo_until.isoformat()}, which has passed: pass --now to send it "
                "now, or --at a time in the future"
            )
        return release.embargo_until
    if (
        schedule.kind is ScheduleKind.AT
        and schedule.at is not None
        and schedule.at < now - PAST_GRACE
    ):
        raise InvalidInput(
            f"--at {schedule.at.isoformat()} has passed (it is {now.isoformat(timespec='seconds')} "
            "now): give a time in the future, or pass --now to send it now"
        )
    if schedule.kind in (ScheduleKind.AT, ScheduleKind.LOCAL_TIME) and schedule.at is not None:
        return schedule.at
    return now


def _describe(schedule: Schedule) -> str:
    if schedule.kind is ScheduleKind.LOCAL_TIME:
        return f"at {schedule.local_time} in each recipient's time zone (else {schedule.time_zone})"
    if schedule.kind is ScheduleKind.EMBARGO:
        return "at the release's embargo lift"
    if schedule.kind is ScheduleKind.AT and schedule.at is not None:
        return f"at {schedule.at.isoformat()}"
    return "now"


def _list_row(session: Session, slug: str, *, exclude: bool) -> SendOutAudience:
    found = session.scalar(select(MailingList).where(MailingList.slug == slug))
    if found is None:
        raise NotFound(f"no list {slug!r}; see `distributor lists list`")
    if found.archived_at is not None and not exclude:
        raise InvalidInput(f"list {slug!r} is archived; restore it before sending to it")
    return SendOutAudience(list_id=found.id, exclude=exclude)


def _segment_row(session: Session, name: str, *, exclude: bool) -> SendOutAudience:
    found = session.scalar(select(Segment).where(Segment.name == name))
    if found is None:
        raise NotFound(f"no segment {name!r}; see `distributor segments list`")
    return SendOutAudience(segment_id=found.id, exclude=exclude)


def is_due(sendout: SendOut, now: datetime) -> bool:
    """Whether the send-out should start now: callers then ask for a dispatch at once
    (after committing it) rather than wait for beat's next tick."""
    return sendout.scheduled_at is not None and sendout.scheduled_at <= now


def get_sendout(session: Session, sendout_id: int) -> SendOut:
    found = session.get(SendOut, sendout_id)
    if found is None:
        raise NotFound(f"no send-out {sendout_id}; see `distributor sendouts list`")
    return found


def list_sendouts(session: Session, limit: int = 50, offset: int = 0) -> list[SendOut]:
    """The latest send-outs first, `limit` of them from `offset`."""
    query = select(SendOut).order_by(SendOut.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_sendouts(session: Session) -> int:
    """How many send-outs there are, for paging through `list_sendouts`."""
    return session.scalar(select(func.count()).select_from(SendOut)) or 0


def sendouts_per_release(session: Session, release_ids: Sequence[int]) -> dict[int, int]:
    """How many send-outs each release in `release_ids` has (none: left out), in one query."""
    rows = session.execute(
        select(SendOut.release_id, func.count())
        .where(SendOut.release_id.in_(release_ids))
        .group_by(SendOut.release_id)
    )
    return dict(rows.all())


def sendout_as_dict(sendout: SendOut) -> dict[str, Any]:
    """What the CLI's `--json` and the API show of a send-out in lists and on creation."""
    return {
        "id": sendout.id,
        "release_id": sendout.release_id,
        "state": sendout.state.value,
        "schedule": sendout.schedule.value,
        "scheduled_at": sendout.scheduled_at.isoformat() if sendout.scheduled_at else None,
        "local_time": sendout.local_time,
        "time_zone": sendout.time_zone,
        "subject": sendout.subject,
        "track_clicks": sendout.track_clicks,
        "track_opens": sendout.track_opens,
        "preflight": sendout.preflight,
        "follow_up_of": sendout.follow_up_of_id,
    }


def pause_sendout(
    session: Session, sendout: SendOut, *, actor: Actor, reason: str | None = None
) -> None:
    """Stop taking new batches; messages already handed to the relay are not recalled."""
    move_sendout(session, sendout, SendOutState.PAUSED, actor=actor, reason=reason)


def resume_sendout(
    session: Session, sendout: SendOut, *, actor: Actor, reason: str | None = None
) -> None:
    """Carry on where it stopped: back to sending if it had started, else to its schedule."""
    started = session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.sendout_id == sendout.id)
    )
    to_state = SendOutState.SENDING if started else SendOutState.SCHEDULED
    move_sendout(session, sendout, to_state, actor=actor, reason=reason)


def cancel_sendout(
    session: Session, sendout: SendOut, *, actor: Actor, reason: str | None = None
) -> int:
    """Cancel for good: deliveries not yet handed over are skipped; returns how many."""
    move_sendout(session, sendout, SendOutState.CANCELLED, actor=actor, reason=reason)
    skipped: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Delivery)
        .where(
            Delivery.sendout_id == sendout.id,
            Delivery.state.in_([DeliveryState.QUEUED, DeliveryState.DEFERRED]),
        )
        .values(state=DeliveryState.SKIPPED, last_error=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    why = {"reason": reason} if reason else {}
    record(session, actor, "sendout.cancel", "sendout", sendout.id, skipped=skipped.rowcount, **why)
    return int(skipped.rowcount)
