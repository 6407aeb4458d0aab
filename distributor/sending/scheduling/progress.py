"""How far a send-out has got and how it was received: counts, rate, estimated finish, report.

Every figure comes from a few GROUP BY queries over deliveries, their events and
bounce records, so a status of a send-out to 100,000 journalists costs the same
handful of statements as one to ten. Nothing here is stored: it is all derived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import (
    BounceClass,
    BounceRecord,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    ProcessRole,
    ScheduleKind,
    SendOutState,
)
from distributor.observability import waiting_on
from distributor.sending.scheduling.dispatch import OPEN_STATES
from distributor.sending.scheduling.follow_ups import follow_up_links
from distributor.sending.scheduling.sendouts import get_sendout
from distributor.sending.scheduling.states import FINISHED
from distributor.sending.scheduling.tally import DatabaseTally, shared_tally
from distributor.sending.transports.outcomes import OutcomeKind

# The rate is measured over this recent window (or since the start, if that is shorter).
RATE_WINDOW = timedelta(seconds=60)
# Reactions and passages counted as distinct deliveries that had at least one such event.
_EVENT_KINDS = (
    DeliveryEventKind.SENT,
    DeliveryEventKind.DEFERRED,
    DeliveryEventKind.BOUNCED,
    DeliveryEventKind.COMPLAINED,
    DeliveryEventKind.UNSUBSCRIBED,
    DeliveryEventKind.CLICKED,
    DeliveryEventKind.OPENED,
)
# Figures that say less than they seem to, and why: shown beside them wherever they are.
CAVEATS = {"opened": "unreliable: image loading and privacy proxies"}


@dataclass(frozen=True)
class SendOutReport:
    """How the send-out was received, each figure a number of deliveries.

    `sent`, `deferred`, `bounced`, `complained`, `unsubscribed`, `clicked` and
    `opened` count deliveries with at least one event of that kind (a message
    deferred three times counts once; one sent and later bounced counts in both).
    `failed` and `skipped` are final states, counted from the deliveries
    themselves: a delivery skipped because its address was suppressed when the
    send-out started has no event. `hard_bounces` are deliveries with a bounce
    record classified hard, such as a 5.1.1 refusal during the SMTP session.
    `opened` counts only messages whose client loaded the open image (see CAVEATS).
    """

    sent: int
    deferred: int
    bounced: int
    failed: int
    skipped: int
    complained: int
    unsubscribed: int
    clicked: int
    opened: int
    hard_bounces: int


@dataclass(frozen=True)
class SendOutStatus:
    """A send-out's state and progress at `now`."""

    id: int
    state: SendOutState
    release_id: int
    release_title: str
    schedule: ScheduleKind
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    counts: dict[str, int]  # every DeliveryState value, 0 when none
    total: int
    rate: float  # deliveries settled per second over the last minute
    estimated_finish: datetime | None  # None when nothing is open or nothing moves
    report: SendOutReport
    follow_up_of: int | None = None  # the send-out this one follows up
    follow_up: int | None = None  # the send-out that follows this one up
    # Kinds of process it waits on and nobody runs: a worker to send, beat to start it.
    waiting_on: list[ProcessRole] = field(default_factory=list)

    @property
    def open(self) -> int:
        """Deliveries still to be settled: queued, being sent, or waiting for a retry."""
        return sum(self.counts[state.value] for state in OPEN_STATES)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: enums as their values, times as ISO 8601 with offset."""

        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment is not None else None

        return {
            "id": self.id,
            "state": self.state.value,
            "release_id": self.release_id,
            "release_title": self.release_title,
            "schedule": self.schedule.value,
            "scheduled_at": iso(self.scheduled_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "counts": dict(self.counts),
            "total": self.total,
            "open": self.open,
            "rate": round(self.rate, 2),
            "estimated_finish": iso(self.estimated_finish),
            "report": dict(vars(self.report)),
            "caveats": dict(CAVEATS),
            "follow_up_of": self.follow_up_of,
            "follow_up": self.follow_up,
            "waiting_on": [role.value for role in self.waiting_on],
        }


def sendout_status(session: Session, sendout_id: int, now: datetime) -> SendOutStatus:
    """The state, delivery counts, recent rate, estimated finish and report of one send-out."""
    sendout = get_sendout(session, sendout_id)
    counts = _state_counts(session, sendout_id)
    remaining = sum(counts[state.value] for state in OPEN_STATES)
    rate = _rate(session, sendout_id, sendout.started_at, now)
    finish = now + timedelta(seconds=remaining / rate) if remaining and rate > 0 else None
    links = follow_up_links(session, sendout_id)
    return SendOutStatus(
        id=sendout.id,
        state=sendout.state,
        release_id=sendout.release_id,
        release_title=sendout.subject or sendout.release.version().title,
        schedule=sendout.schedule,
        scheduled_at=sendout.scheduled_at,
        started_at=sendout.started_at,
        finished_at=sendout.finished_at,
        counts=counts,
        total=sum(counts.values()),
        rate=rate,
        estimated_finish=finish,
        report=_report(session, sendout_id, counts),
        follow_up_of=links.follow_up_of,
        follow_up=links.follow_up,
        waiting_on=waiting_on(session, sendout.state, sendout.scheduled_at, now),
    )


def _state_counts(session: Session, sendout_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.sendout_id == sendout_id)
        .group_by(Delivery.state)
    )
    found = {state.value: count for state, count in rows}
    return {state.value: found.get(state.value, 0) for state in DeliveryState}


def _rate(session: Session, sendout_id: int, started_at: datetime | None, now: datetime) -> float:
    """Deliveries settled per second: sent by their sent_at, failed or bounced by their last change.

    Skipped deliveries are left out: most are skipped the moment the send-out
    starts, which says nothing about how fast messages go out.
    """
    window = RATE_WINDOW
    if started_at is not None:
        window = max(min(window, now - started_at), timedelta(seconds=1))
    since = now - window
    settled_lately = case(
        (Delivery.sent_at >= since, 1),
        (
            Delivery.state.in_([DeliveryState.FAILED, DeliveryState.BOUNCED])
            & (Delivery.sent_at.is_(None))
            & (Delivery.updated_at >= since),
            1,
        ),
        else_=0,
    )
    settled = session.scalar(
        select(func.coalesce(func.sum(settled_lately), 0)).where(Delivery.sendout_id == sendout_id)
    )
    return int(settled or 0) / window.total_seconds()


def _report(session: Session, sendout_id: int, counts: dict[str, int]) -> SendOutReport:
    of_sendout = Delivery.sendout_id == sendout_id
    rows = session.execute(
        select(DeliveryEvent.kind, func.count(func.distinct(DeliveryEvent.delivery_id)))
        .join(Delivery, Delivery.id == DeliveryEvent.delivery_id)
        .where(of_sendout, DeliveryEvent.kind.in_(_EVENT_KINDS))
        .group_by(DeliveryEvent.kind)
    )
    events = dict(rows.all())
    hard = session.scalar(
        select(func.count(func.distinct(BounceRecord.delivery_id)))
        .join(Delivery, Delivery.id == BounceRecord.delivery_id)
        .where(of_sendout, BounceRecord.classification == BounceClass.HARD)
    )
    return SendOutReport(
        sent=events.get(DeliveryEventKind.SENT, 0),
        deferred=events.get(DeliveryEventKind.DEFERRED, 0),
        bounced=events.get(DeliveryEventKind.BOUNCED, 0),
        failed=counts[DeliveryState.FAILED.value],
        skipped=counts[DeliveryState.SKIPPED.value],
        complained=events.get(DeliveryEventKind.COMPLAINED, 0),
        unsubscribed=events.get(DeliveryEventKind.UNSUBSCRIBED, 0),
        clicked=events.get(DeliveryEventKind.CLICKED, 0),
        opened=events.get(DeliveryEventKind.OPENED, 0),
        hard_bounces=int(hard or 0),
    )


@dataclass(frozen=True)
class LiveCounts:
    """Where a send-out is, message by message: handed over, refused for good, still to go."""

    total: int
    sent: int
    failed: int
    skipped: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.sent - self.failed - self.skipped, 0)

    @property
    def done_percent(self) -> int:
        """How much of the send-out is behind it, 0 to 100, for a progress bar."""
        if not self.total:
            return 0
        return min(100, round(100 * (self.total - self.remaining) / self.total))


def live_counts(session: Session, settings: Settings, status: SendOutStatus) -> LiveCounts:
    """The send-out's progress: its recorded deliveries or the tally of messages as they went,
    whichever is further."""
    shared = shared_tally(settings)
    if shared is None:
        tally = DatabaseTally(session.connection()).read(status.id)
    else:
        try:
            tally = shared.read(status.id)
        finally:
            shared.close()
    return LiveCounts(
        total=status.total,
        sent=max(status.report.sent, tally.get(OutcomeKind.SENT.value, 0)),
        failed=max(status.report.failed, tally.get(OutcomeKind.FAILED.value, 0)),
        skipped=status.report.skipped,
    )
