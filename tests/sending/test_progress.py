"""A send-out's status and report, derived from its deliveries, their events and bounce records."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.bounces.policy import BouncePolicy
from distributor.bounces.rejections import record_rejections
from distributor.contacts.suppressions import suppress
from distributor.errors import NotFound
from distributor.models import (
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Release,
    SendOut,
    SendOutState,
    SuppressionReason,
)
from distributor.models.base import utcnow
from distributor.sending.scheduling.deliveries import (
    ClaimedDelivery,
    RetryPolicy,
    Settled,
    claim_batch,
)
from distributor.sending.scheduling.deliveries import record_outcomes as record
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.progress import sendout_status
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from distributor.sending.transports.outcomes import Outcome, OutcomeKind, Rejection
from tests.sending.conftest import AddJournalists

SENT = Outcome(OutcomeKind.SENT, 250, "2.0.0", "250 2.0.0 queued")
UNKNOWN_USER = Outcome(OutcomeKind.FAILED, 550, "5.1.1", "550 5.1.1 no such user")


def _started(session: Session, release: Release) -> SendOut:
    sendout = create_sendout(session, release, Audience(lists=["press"]), Schedule(), actor=SYSTEM)
    start_due(session, utcnow())
    session.flush()
    return sendout


def _settle(
    session: Session, sendout: SendOut, outcomes: list[Outcome], after: timedelta
) -> list[ClaimedDelivery]:
    """Claim one delivery per outcome and record them `after` the send-out started."""
    assert sendout.started_at is not None
    at = sendout.started_at + after
    claimed = claim_batch(session, sendout.id, "worker-1", len(outcomes), timedelta(minutes=5), at)
    settled = [
        Settled(one.id, outcome, f"<{one.id}@test>" if outcome.kind is OutcomeKind.SENT else None)
        for one, outcome in zip(claimed, outcomes, strict=True)
    ]
    record(session, settled, at, RetryPolicy())
    session.flush()
    return claimed


def test_a_scheduled_send_out_counts_every_state_as_zero(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(3)
    sendout = create_sendout(session, release, Audience(lists=["press"]), Schedule(), actor=SYSTEM)

    status = sendout_status(session, sendout.id, utcnow())

    assert status.state is SendOutState.SCHEDULED
    assert status.counts == {state.value: 0 for state in DeliveryState}
    assert (status.total, status.rate, status.estimated_finish) == (0, 0.0, None)


def test_started_send_out_counts_deliveries_by_state(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    emails = journalists(5)
    suppress(session, emails[0], SuppressionReason.UNSUBSCRIBED, actor=SYSTEM)

    status = sendout_status(session, _started(session, release).id, utcnow())

    assert status.state is SendOutState.SENDING
    assert (status.counts["queued"], status.counts["skipped"], status.total) == (4, 1, 5)
    assert status.open == 4


def test_rate_and_estimated_finish_come_from_recently_settled_deliveries(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(4)
    sendout = _started(session, release)
    _settle(session, sendout, [SENT, SENT], after=timedelta(seconds=20))
    assert sendout.started_at is not None
    now = sendout.started_at + timedelta(seconds=30)

    status = sendout_status(session, sendout.id, now)

    assert status.rate == pytest.approx(2 / 30)
    assert status.estimated_finish == now + timedelta(seconds=30)  # 2 open at 1 per 15 s


def test_nothing_settled_in_the_last_minute_means_no_estimate(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(3)
    sendout = _started(session, release)
    _settle(session, sendout, [SENT], after=timedelta(seconds=1))
    assert sendout.started_at is not None

    status = sendout_status(session, sendout.id, sendout.started_at + timedelta(minutes=5))

    assert (status.rate, status.estimated_finish) == (0.0, None)


def test_report_counts_distinct_deliveries_per_reaction(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(3)
    sendout = _started(session, release)
    first, second, _ = _settle(session, sendout, [SENT, SENT, SENT], after=timedelta(seconds=1))
    reactions = [
        (first.id, DeliveryEventKind.CLICKED),
        (first.id, DeliveryEventKind.CLICKED),
        (second.id, DeliveryEventKind.CLICKED),
        (first.id, DeliveryEventKind.OPENED),
        (second.id, DeliveryEventKind.UNSUBSCRIBED),
    ]
    session.execute(
        insert(DeliveryEvent), [{"delivery_id": d, "kind": kind} for d, kind in reactions]
    )

    report = sendout_status(session, sendout.id, utcnow()).report

    assert (report.sent, report.clicked, report.opened, report.unsubscribed) == (3, 2, 1, 1)


def test_report_counts_hard_bounces_recorded_at_smtp_time(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(2)
    sendout = _started(session, release)
    claimed = _settle(session, sendout, [SENT, UNKNOWN_USER], after=timedelta(seconds=1))
    record_rejections(
        session,
        [Rejection(claimed[1].id, claimed[1].email, 550, "5.1.1", UNKNOWN_USER.reply)],
        utcnow(),
        BouncePolicy(),
    )

    status = sendout_status(session, sendout.id, utcnow())

    assert (status.report.sent, status.report.failed, status.report.hard_bounces) == (1, 1, 1)
    assert status.counts["failed"] == 1


def test_status_as_dict_is_json_with_every_part(
    session: Session, release: Release, journalists: AddJournalists
) -> None:
    journalists(2)
    sendout = _started(session, release)

    payload = json.loads(json.dumps(sendout_status(session, sendout.id, utcnow()).as_dict()))

    assert payload["state"] == "sending"
    assert payload["release_title"] == release.version().title
    assert set(payload["counts"]) == {state.value for state in DeliveryState}
    assert {"rate", "estimated_finish", "started_at", "total", "report"} <= set(payload)
    assert {"sent", "bounced", "unsubscribed", "clicked", "opened"} <= set(payload["report"])


def test_status_of_an_unknown_send_out_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="no send-out 404"):
        sendout_status(session, 404, utcnow())
