"""Provider events kept as bounce records, each tied to its delivery and decided by
`distributor.bounces.judging` (`judge`, then `decide`), as every other source of bounces is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from distributor.bounces.classify import classify
from distributor.bounces.deliveries import (
    Sent,
    delivery_by_message_id,
    latest_delivery_to,
    normalized_recipient,
)
from distributor.bounces.judging import judge
from distributor.bounces.policy import BouncePolicy
from distributor.bounces.providers.base import ProviderEvent
from distributor.config import Settings
from distributor.models import BounceClass, BounceRecord, BounceSource, Reason


def apply_provider_events(
    session: Session, events: Sequence[ProviderEvent], settings: Settings, now: datetime
) -> list[BounceRecord]:
    """Keep each event as a bounce record tied to its delivery, and apply the bounce policy.

    The delivery is the one that carried the event's Message-ID to its recipient, or
    else the one most recently sent to the recipient.
    """
    targets = [(event, _delivery(session, event)) for event in events]
    policy = BouncePolicy.from_settings(settings)
    records = []
    for event, delivery in targets:
        record = _record(event, delivery, settings.bounce_keep_bytes, now)
        record.decision = judge(
            session,
            delivery,
            event.kind,
            policy,
            now,
            status=event.status,
            diagnostic=event.diagnostic,
        )
        session.add(record)  # the next event's soft count includes it
        records.append(record)
    session.flush()
    return records


def _delivery(session: Session, event: ProviderEvent) -> Sent | None:
    recipient = normalized_recipient(event.recipient)
    known = delivery_by_message_id(session, event.message_id)
    if known is not None and recipient in (None, known.email):
        return known
    return latest_delivery_to(session, recipient)


def _record(
    event: ProviderEvent, delivery: Sent | None, keep_bytes: int, now: datetime
) -> BounceRecord:
    return BounceRecord(
        received_at=now,
        processed_at=now,
        source=BounceSource.WEBHOOK,
        provider=event.provider,
        classification=event.kind,
        reason=_reason(event).value,
        delivery_id=delivery.id if delivery is not None else None,
        recipient=delivery.email if delivery is not None else normalized_recipient(event.recipient),
        status_code=(event.status or "")[:16] or None,
        diagnostic=event.diagnostic,
        original_message_id=(event.message_id or "")[:998] or None,
        raw_message=event.raw[:keep_bytes],
        raw_size=len(event.raw),
    )


def _reason(event: ProviderEvent) -> Reason:
    """Why, in the table's names: the provider's own class, explained by its diagnostic."""
    if event.kind is BounceClass.COMPLAINT:
        return Reason.FEEDBACK
    if event.kind is BounceClass.AUTO_REPLY:
        return Reason.VACATION
    action = "delayed" if event.kind is BounceClass.DELAYED else None
    return classify(event.status, event.diagnostic, action).reason
