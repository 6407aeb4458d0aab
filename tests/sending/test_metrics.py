"""The send pipeline's Prometheus counters, after a real send to a capture server."""

from __future__ import annotations

from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.models import Release
from distributor.models.base import utcnow
from distributor.sending.dispatch import start_due
from distributor.sending.pipeline import BatchSender
from distributor.sending.sendouts import Audience, Schedule, create_sendout
from tests.sending.conftest import AddJournalists
from tests.smtp_server import CaptureServer


def _sent(domain: str) -> float:
    return REGISTRY.get_sample_value("distributor_messages_sent_total", {"domain": domain}) or 0.0


def _send_seconds_count() -> float:
    return REGISTRY.get_sample_value("distributor_send_seconds_count") or 0.0


def test_a_real_send_counts_messages_sent_by_registered_domain(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    capture: CaptureServer,
) -> None:
    journalists(3, domain="desk.tageblatt.example")
    journalists(2, slug="science", domain="kurier.example")
    audience = Audience(lists=("press", "science"))
    sendout = create_sendout(session, release, audience, Schedule(), actor=SYSTEM)
    start_due(session, utcnow())
    session.commit()
    before = _sent("tageblatt.example"), _sent("kurier.example"), _send_seconds_count()

    sender = BatchSender(send_settings)
    try:
        sender.run(session.get_bind(), sendout.id, 30.0)  # type: ignore[arg-type]
    finally:
        sender.close()

    assert len(capture.messages) == 5
    assert _sent("tageblatt.example") - before[0] == 3
    assert _sent("kurier.example") - before[1] == 2
    assert _send_seconds_count() - before[2] == 5
