"""Provider events kept as bounce records, each tied to its delivery and decided by
`distributor.bounces.judging` (`judge`, then `decide`), as every other source of bounces is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
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


@dataclass(frozen=True)
class Taken:
    """What became of a request's events: those recorded, and how many were taken before."""

    records: list[BounceRecord]
    repeated: int


def apply_provider_events(
    session: Session, events: Sequence[ProviderEvent], settings: Settings, now: datetime
) -> Taken:
    """Keep each event not taken before as a bounce record tied to its delivery, and apply
    the bounce policy.

    An event whose id was recorded already (a provider's retry after an answer it did not
    get, a replayed request) changes nothing. The delivery is the one that carried the
    event's Message-ID to its recipient, or else the one most recently sent to the recipient.
    """
    new = _not_taken(session, events)
    targets = [(event, _delivery(session, event)) for event in new]
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
    return Taken(records, len(events) - len(new))


def _not_taken(session: Session, events: Sequence[ProviderEvent]) -> list[ProviderEvent]:
    """`events` less those recorded already or named earlier in the same request."""
    seen: set[tuple[str | None, str | None]] = set()
    for provider in {event.provider for event in events}:
        ids = [event.event_id for event in events if event.provider == provider]
        found = session.scalars(
            select(BounceRecord.provider_event_id).where(
                BounceRecord.provider == provider, BounceRecord.provider_event_id.in_(ids)
            )
        )
        seen.update((provider, event_id) for event_id in found)
    new = []
    for event in events:
        if (event.provider, event.event_id) not in seen:
            seen.add((event.provider, event.event_id))
            new.append(event)
    return new


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
        provider_event_id=event.event_id,
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
