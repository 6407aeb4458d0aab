"""Bounce intake: a received message tied to its delivery, kept as evidence, and acted on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.bounces.intake import FORGED, REPLAYED, ingest_message
from distributor.bounces.reports import ReportKind
from distributor.config import Settings
from distributor.contacts.suppressions import is_suppressed
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceReview,
    BounceSource,
    Channel,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
)
from tests.bounces.conftest import BOUNCE_DOMAIN, T0, Newsroom, days, dsn, return_path

CORPUS = Path(__file__).parent / "corpus"
ANNA = "anna.berg@tageblatt.example"


def _ingest(
    session: Session, raw: bytes, settings: Settings, *envelope: str
) -> tuple[list[BounceRecord], list[str]]:
    result = ingest_message(
        session,
        raw,
        source=BounceSource.RECEIVER,
        settings=settings,
        envelope_recipients=envelope,
        now=T0 + days(1),
    )
    records = [session.get(BounceRecord, record_id) for record_id in result.record_ids]
    return [r for r in records if r is not None], list(result.decisions)


def _events(session: Session, delivery: Delivery) -> list[DeliveryEventKind]:
    query = select(DeliveryEvent.kind).where(DeliveryEvent.delivery_id == delivery.id)
    return list(session.scalars(query))


def _subscribed_lists(session: Session, delivery: Delivery) -> int:
    query = select(Subscription).where(
        Subscription.contact_id == delivery.contact_id,
        Subscription.status == SubscriptionStatus.SUBSCRIBED,
    )
    return len(session.scalars(query).all())


def test_bounce_is_tied_to_the_delivery_its_envelope_token_names(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = dsn(ANNA)
    result = ingest_message(
        session,
        raw,
        source=BounceSource.RECEIVER,
        settings=bounce_settings,
        envelope_recipients=[return_path(delivery)],
    )
    (record,) = [session.get(BounceRecord, i) for i in result.record_ids]
    assert result.kind is ReportKind.BOUNCE
    assert result.attributed == 1
    assert result.ignored is None
    assert record is not None
    assert (record.delivery_id, record.token_valid, record.verp_token) == (
        delivery.id,
        True,
        delivery.verp_token,
    )
    assert (record.recipient, record.classification, record.status_code) == (
        ANNA,
        BounceClass.HARD,
        "5.1.1",
    )
    assert "User unknown" in (record.diagnostic or "")
    assert record.raw_message == raw
    assert record.raw_size == len(raw)
    assert record.decision == result.decisions[0]
    assert record.processed_at is not None


def test_token_in_the_to_header_is_used_without_an_envelope(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    newsroom.deliver("someone.else@tageblatt.example")
    (record,), _ = _ingest(session, dsn(ANNA, to=return_path(delivery)), bounce_settings)
    assert record.delivery_id == delivery.id
    assert record.token_valid is True


def test_forged_token_is_ignored_and_counted(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    forged = tokens.return_path(tokens.delivery_token(delivery.id, "not-our-secret"), BOUNCE_DOMAIN)
    result = ingest_message(
        session,
        dsn(ANNA),
        source=BounceSource.RECEIVER,
        settings=bounce_settings,
        envelope_recipients=[forged],
    )
    (record,) = [session.get(BounceRecord, i) for i in result.record_ids]
    assert result.ignored == FORGED
    assert result.attributed == 0
    assert record is not None
    assert record.token_valid is False
    assert record.delivery_id is None
    assert record.decision == f"ignored: {FORGED}"
    assert not is_suppressed(session, ANNA)
    assert session.get(Delivery, delivery.id).state is DeliveryState.SENT  # type: ignore[union-attr]


def test_bounce_without_token_is_tied_by_our_message_id_sent_to_the_address_it_names(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    first = newsroom.deliver(ANNA, sent_at=T0)
    newsroom.deliver(ANNA, sent_at=T0 + days(0.5))  # later, but not the one that bounced
    raw = dsn(ANNA.upper(), original_message_id=first.message_id)
    (record,), _ = _ingest(session, raw, bounce_settings)
    assert record.delivery_id == first.id
    assert record.token_valid is None
    assert record.recipient == ANNA
    assert record.original_message_id == first.message_id
    assert record.review is None


def test_bounce_quoting_our_message_id_for_another_address_is_kept_for_review(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    first = newsroom.deliver(ANNA, sent_at=T0)
    newsroom.deliver("forwarded@elsewhere.example", sent_at=T0)
    raw = dsn("forwarded@elsewhere.example", original_message_id=first.message_id)
    (record,), _ = _ingest(session, raw, bounce_settings)
    assert (record.delivery_id, record.review) == (None, BounceReview.NEEDED)
    assert not is_suppressed(session, ANNA)
    assert not is_suppressed(session, "forwarded@elsewhere.example")


def test_bounce_for_an_address_never_sent_to_is_recorded_only(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    (record,), (decision,) = _ingest(session, dsn("stranger@nowhere.example"), bounce_settings)
    assert record.delivery_id is None
    assert decision.startswith("recorded")
    assert not is_suppressed(session, "stranger@nowhere.example")


def test_hard_bounce_suppresses_at_once_and_marks_the_delivery_bounced(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    _, (decision,) = _ingest(session, dsn(ANNA), bounce_settings, return_path(delivery))
    suppression = session.scalar(select(Suppression).where(Suppression.email == ANNA))
    assert suppression is not None
    assert suppression.reason is SuppressionReason.HARD_BOUNCE
    assert suppression.channel is Channel.BOUNCE
    assert decision.startswith("suppressed: hard bounce")
    session.refresh(delivery)
    assert delivery.state is DeliveryState.BOUNCED
    assert _events(session, delivery) == [DeliveryEventKind.BOUNCED]


def test_soft_bounce_is_counted_without_suppressing(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = dsn(ANNA, status="4.2.2", diagnostic="452 4.2.2 Mailbox full")
    (record,), (decision,) = _ingest(session, raw, bounce_settings, return_path(delivery))
    assert record.classification is BounceClass.SOFT
    assert decision.startswith("counted: soft bounce 1 of 3")
    assert not is_suppressed(session, ANNA)


def test_complaint_unsubscribes_from_every_list_and_suppresses(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = (CORPUS / "arf_abuse_complaint.eml").read_bytes()
    assert delivery.message_id is not None
    raw = raw.replace(b"anna.berg@webmail.example", ANNA.encode()).replace(
        b"<d0e1f2a3b4c5d6e7f8a9.18315@newsroom.example>", delivery.message_id.encode()
    )
    (record,), (decision,) = _ingest(session, raw, bounce_settings)
    assert record.classification is BounceClass.COMPLAINT
    assert record.delivery_id == delivery.id
    assert _subscribed_lists(session, delivery) == 0
    suppression = session.scalar(select(Suppression).where(Suppression.email == ANNA))
    assert suppression is not None
    assert suppression.reason is SuppressionReason.COMPLAINT
    assert DeliveryEventKind.COMPLAINED in _events(session, delivery)
    assert decision.startswith("unsubscribed from 2 lists and suppressed")


def test_delayed_notice_is_a_warning_only(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = dsn(ANNA, status="4.4.1", diagnostic="connection timed out", action="delayed")
    result = ingest_message(
        session,
        raw,
        source=BounceSource.RECEIVER,
        settings=bounce_settings,
        envelope_recipients=[return_path(delivery)],
    )
    record = session.get(BounceRecord, result.record_ids[0])
    assert result.kind is ReportKind.DELAYED
    assert record is not None
    assert record.classification is BounceClass.DELAYED
    assert _events(session, delivery) == [DeliveryEventKind.DELAYED]
    session.refresh(delivery)
    assert delivery.state is DeliveryState.SENT
    assert not is_suppressed(session, ANNA)


def test_auto_reply_is_recorded_but_not_counted_as_a_bounce(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = (CORPUS / "out_of_office.eml").read_bytes()
    (record,), (decision,) = _ingest(session, raw, bounce_settings, return_path(delivery))
    assert record.classification is BounceClass.AUTO_REPLY
    assert record.delivery_id == delivery.id
    assert decision == "recorded: auto-reply, not a bounce"
    assert _events(session, delivery) == []
    assert not is_suppressed(session, ANNA)


def test_mail_to_the_unsubscribe_address_unsubscribes_everywhere_and_suppresses(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    assert delivery.verp_token is not None
    mailto = tokens.unsubscribe_address(delivery.verp_token, BOUNCE_DOMAIN)
    raw = f"From: {ANNA}\r\nTo: {mailto}\r\nSubject: unsubscribe\r\n\r\n".encode()
    result = ingest_message(session, raw, source=BounceSource.RECEIVER, settings=bounce_settings)
    assert result.attributed == 1
    assert result.record_ids == ()
    assert _subscribed_lists(session, delivery) == 0
    suppression = session.scalar(select(Suppression).where(Suppression.email == ANNA))
    assert suppression is not None
    assert suppression.reason is SuppressionReason.UNSUBSCRIBED
    assert suppression.channel is Channel.ONE_CLICK
    assert _events(session, delivery) == [DeliveryEventKind.UNSUBSCRIBED]


def test_unsubscribe_mail_with_a_forged_token_changes_nothing(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    mailto = tokens.unsubscribe_address(tokens.delivery_token(delivery.id, "guess"), BOUNCE_DOMAIN)
    raw = f"From: x@evil.example\r\nTo: {mailto}\r\nSubject: unsubscribe\r\n\r\n".encode()
    result = ingest_message(session, raw, source=BounceSource.RECEIVER, settings=bounce_settings)
    assert result.ignored == FORGED
    assert len(result.record_ids) == 1
    assert _subscribed_lists(session, delivery) == 2
    assert not is_suppressed(session, ANNA)


def test_kept_copy_of_the_message_is_capped(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    raw = dsn(ANNA) + b"x" * 5000
    settings = bounce_settings.model_copy(update={"bounce_keep_bytes": 1000})
    (record,), _ = _ingest(session, raw, settings, return_path(delivery))
    assert record.raw_message == raw[:1000]
    assert record.raw_size == len(raw)


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.eml")))
def test_every_corpus_message_is_ingested(
    session: Session, newsroom: Newsroom, bounce_settings: Settings, name: str
) -> None:
    newsroom.deliver("maria.keller@tageblatt.example")
    result = ingest_message(
        session,
        (CORPUS / name).read_bytes(),
        source=BounceSource.FILE,
        settings=bounce_settings,
    )
    session.flush()
    assert len(result.record_ids) == len(result.decisions) >= 1


def test_the_same_report_taken_in_twice_counts_once(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    report = dsn(ANNA, status="4.2.2", diagnostic="452 4.2.2 mailbox full")
    first, second = (
        ingest_message(
            session,
            report,
            source=BounceSource.RECEIVER,
            settings=bounce_settings,
            envelope_recipients=[return_path(delivery)],
        )
        for _ in range(2)
    )

    assert first.ignored is None
    assert second.ignored == REPLAYED
    assert second.decisions == (f"ignored: {REPLAYED}",)
