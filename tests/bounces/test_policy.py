"""The bounce policy: soft bounces add up over days, a success or a reactivation starts afresh."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.bounces.intake import ingest_message
from distributor.bounces.policy import BouncePolicy, reactivate
from distributor.bounces.rejections import record_rejections
from distributor.config import Settings
from distributor.contacts.suppressions import is_suppressed
from distributor.errors import PermissionDenied
from distributor.models import (
    AuditEntry,
    BounceClass,
    BounceRecord,
    BounceSource,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Role,
    Suppression,
    SuppressionReason,
)
from distributor.sending.transports.outcomes import Rejection
from tests.bounces.conftest import T0, Newsroom, days, dsn, return_path

ANNA = "anna.berg@tageblatt.example"
ADMIN = Actor("cli:admin", Role.ADMIN)


def _soft_bounce(session: Session, newsroom: Newsroom, settings: Settings, at: datetime) -> str:
    """A delivery sent at `at` that comes back an hour later: mailbox full."""
    delivery = newsroom.deliver(ANNA, sent_at=at)
    raw = dsn(ANNA, status="4.2.2", diagnostic="452 4.2.2 Mailbox full")
    result = ingest_message(
        session,
        raw,
        source=BounceSource.RECEIVER,
        settings=settings,
        envelope_recipients=[return_path(delivery)],
        now=at + days(1 / 24),
    )
    return result.decisions[0]


def _suppression(session: Session) -> SuppressionReason | None:
    return session.scalar(select(Suppression.reason).where(Suppression.email == ANNA))


def test_soft_bounces_over_the_span_suppress_the_address(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    for day in (0, 7):
        _soft_bounce(session, newsroom, bounce_settings, T0 + days(day))
    decision = _soft_bounce(session, newsroom, bounce_settings, T0 + days(14))
    assert _suppression(session) is SuppressionReason.SOFT_BOUNCE_LIMIT
    assert decision.startswith("suppressed: 3 soft bounces over 14 days")


def test_soft_bounces_within_a_shorter_span_do_not_suppress(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    for day in (0, 3, 6, 9, 13):
        decision = _soft_bounce(session, newsroom, bounce_settings, T0 + days(day))
    assert _suppression(session) is None
    assert decision.startswith("counted: soft bounce 5 of 3")


def test_fewer_soft_bounces_than_the_limit_do_not_suppress(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    for day in (0, 20):
        _soft_bounce(session, newsroom, bounce_settings, T0 + days(day))
    assert _suppression(session) is None


def test_limit_and_span_come_from_the_settings(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    settings = bounce_settings.model_copy(update={"soft_bounce_limit": 2, "soft_bounce_days": 1})
    for day in (0, 2):
        _soft_bounce(session, newsroom, settings, T0 + days(day))
    assert _suppression(session) is SuppressionReason.SOFT_BOUNCE_LIMIT


def test_a_successful_delivery_between_soft_bounces_starts_the_count_afresh(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    _soft_bounce(session, newsroom, bounce_settings, T0)
    newsroom.deliver(ANNA, sent_at=T0 + days(5))  # accepted, and nothing came back
    for day in (7, 15):
        decision = _soft_bounce(session, newsroom, bounce_settings, T0 + days(day))
    assert _suppression(session) is None
    assert decision.startswith("counted: soft bounce 2 of 3")


def test_reactivation_starts_the_soft_count_afresh(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    for day in (0, 7, 14):
        _soft_bounce(session, newsroom, bounce_settings, T0 + days(day))
    reactivate(session, ANNA, ADMIN, "asked by phone", now=T0 + days(15))
    decision = _soft_bounce(session, newsroom, bounce_settings, T0 + days(16))
    assert _suppression(session) is None
    assert decision.startswith("counted: soft bounce 1 of 3")


def test_reactivation_is_for_admins_and_audited(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    ingest_message(
        session,
        dsn(ANNA),
        source=BounceSource.RECEIVER,
        settings=bounce_settings,
        envelope_recipients=[return_path(delivery)],
    )
    with pytest.raises(PermissionDenied):
        reactivate(session, ANNA, Actor("user:2", Role.PRESS_OFFICER), "why not")
    reactivate(session, ANNA, ADMIN, "the mailbox exists again")
    assert not is_suppressed(session, ANNA)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.actor == ADMIN.label))
    assert set(actions) == {"suppression.remove", "bounces.reactivate"}


def test_block_never_blames_the_address_and_warns_about_the_sendout(
    session: Session,
    newsroom: Newsroom,
    bounce_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = dsn(ANNA, status="5.7.1", diagnostic="550 5.7.1 Message rejected as spam")
    result = ingest_message(
        session,
        raw,
        source=BounceSource.RECEIVER,
        settings=bounce_settings,
        envelope_recipients=[return_path(delivery)],
    )
    assert session.get(BounceRecord, result.record_ids[0]).classification is BounceClass.BLOCK  # type: ignore[union-attr]
    assert not is_suppressed(session, ANNA)
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "sendout.blocked"))
    assert audit is not None
    assert audit.entity_id == str(delivery.sendout_id)
    assert f"send-out {delivery.sendout_id}" in caplog.text
    event = session.scalar(select(DeliveryEvent).where(DeliveryEvent.delivery_id == delivery.id))
    assert event is not None
    assert "5.7.1" in (event.detail or "")


def test_hard_rejection_at_smtp_time_is_judged_by_the_same_policy(
    session: Session, newsroom: Newsroom
) -> None:
    delivery = newsroom.deliver(ANNA)
    delivery.state = DeliveryState.FAILED  # as the send pipeline settles a 5xx
    refused = Rejection(delivery.id, ANNA, 550, "5.1.1", "550 5.1.1 no such user")
    record_rejections(session, [refused], T0, BouncePolicy())
    record = session.scalar(select(BounceRecord).where(BounceRecord.delivery_id == delivery.id))
    assert record is not None
    assert record.source is BounceSource.SMTP_SESSION
    assert _suppression(session) is SuppressionReason.HARD_BOUNCE
    assert (record.decision or "").startswith("suppressed: hard bounce")
    kinds = session.scalars(
        select(DeliveryEvent.kind).where(DeliveryEvent.delivery_id == delivery.id)
    )
    assert DeliveryEventKind.BOUNCED not in set(kinds)  # the pipeline already recorded its failure
