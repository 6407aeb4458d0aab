"""The send pipeline's Prometheus counters, after a real send to a capture server."""

from __future__ import annotations

from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import Release
from tests.sending.conftest import AddJournalists, run_batches, start_sendout
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
    sendout = start_sendout(session, release, "press", "science")
    before = _sent("tageblatt.example"), _sent("kurier.example"), _send_seconds_count()

    run_batches(session, send_settings, sendout)

    assert len(capture.messages) == 5
    assert _sent("tageblatt.example") - before[0] == 3
    assert _sent("kurier.example") - before[1] == 2
    assert _send_seconds_count() - before[2] == 5
