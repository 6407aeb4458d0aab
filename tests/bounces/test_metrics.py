"""Bounce intake counts what it takes in by class, and leaves forged reports out."""

from __future__ import annotations

from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.bounces.intake import ingest_message
from distributor.config import Settings
from distributor.models import BounceSource
from tests.bounces.conftest import BOUNCE_DOMAIN, Newsroom, dsn, return_path

ANNA = "anna.berg@tageblatt.example"


def _bounces(bounce_class: str) -> float:
    value = REGISTRY.get_sample_value("distributor_bounces_total", {"bounce_class": bounce_class})
    return value or 0.0


def _ingest(session: Session, settings: Settings, raw: bytes, envelope: str) -> None:
    ingest_message(
        session,
        raw,
        source=BounceSource.RECEIVER,
        settings=settings,
        envelope_recipients=[envelope],
    )


def test_a_hard_bounce_is_counted_by_its_class(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    before = _bounces("hard")

    _ingest(session, bounce_settings, dsn(ANNA), return_path(delivery))

    assert _bounces("hard") - before == 1


def test_a_report_with_a_forged_token_is_not_counted(
    session: Session, newsroom: Newsroom, bounce_settings: Settings
) -> None:
    delivery = newsroom.deliver(ANNA)
    forged = tokens.return_path(tokens.delivery_token(delivery.id, "not-our-secret"), BOUNCE_DOMAIN)
    before = _bounces("hard")

    _ingest(session, bounce_settings, dsn(ANNA), forged)

    assert _bounces("hard") == before
