"""Intake leaves a suggestion when an auto-reply tied to a delivery says its journalist moved on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.bounces.intake import IngestResult, ingest_message
from distributor.config import Settings
from distributor.models import (
    AuditEntry,
    BounceSource,
    Contact,
    MoveState,
    MoveSuggestion,
    Subscription,
    SubscriptionStatus,
)
from tests.bounces.conftest import T0, Newsroom, days, return_path

SAMPLES = Path(__file__).parent / "moved"
ANNA = "anna.berg@tageblatt.example"


def _ingest(session: Session, name: str, settings: Settings, *envelope: str) -> IngestResult:
    return ingest_message(
        session,
        (SAMPLES / name).read_bytes(),
        source=BounceSource.RECEIVER,
        settings=settings,
        envelope_recipients=envelope,
        now=T0 + days(1),
    )


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_ingested_auto_reply_creates_one_open_suggestion_and_changes_nothing_else(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    before = (_count(session, Contact), _count(session, AuditEntry))

    result = _ingest(
        session, "en_outlook_no_longer_with.eml", bounce_settings, return_path(delivery)
    )

    (suggestion,) = session.scalars(select(MoveSuggestion))
    assert (suggestion.contact_id, suggestion.bounce_record_id) == (
        delivery.contact_id,
        result.record_ids[0],
    )
    assert (suggestion.state, suggestion.new_email, suggestion.name) == (
        MoveState.OPEN,
        "maria.lopez@tageblatt.example",
        "Maria López",
    )
    assert result.decisions == ("recorded: auto-reply, not a bounce",)
    assert (_count(session, Contact), _count(session, AuditEntry)) == before
    contact = session.get(Contact, delivery.contact_id)
    assert contact is not None
    assert contact.email == ANNA
    subscribed = select(func.count()).where(
        Subscription.contact_id == contact.id, Subscription.status == SubscriptionStatus.SUBSCRIBED
    )
    assert session.scalar(subscribed) == 2


def test_the_same_auto_reply_to_a_later_send_out_suggests_nothing_more(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    for delivery in (newsroom.deliver(ANNA), newsroom.deliver(ANNA, T0 + days(1))):
        _ingest(session, "en_outlook_no_longer_with.eml", bounce_settings, return_path(delivery))

    assert _count(session, MoveSuggestion) == 1


def test_an_auto_reply_tied_to_no_delivery_suggests_nothing(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    newsroom.deliver(ANNA)

    _ingest(session, "en_outlook_no_longer_with.eml", bounce_settings)

    assert _count(session, MoveSuggestion) == 0


def test_an_ordinary_out_of_office_suggests_nothing(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)

    _ingest(session, "out_of_office_back_monday.eml", bounce_settings, return_path(delivery))

    assert _count(session, MoveSuggestion) == 0
