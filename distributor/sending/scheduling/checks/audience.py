"""How much of a send-out's audience is unlikely to be reached: recently bounced addresses,
and journalists who received several releases and never reacted to one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import (
    BounceClass,
    BounceRecord,
    Contact,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    SendOut,
)
from distributor.sending.scheduling.checks.findings import Finding, warning
from distributor.sending.scheduling.deliveries import reached_condition

BOUNCE_WINDOW = timedelta(days=90)
UNENGAGED_AFTER = 3  # releases received without a click, an open or a reply
_BOUNCES = (BounceClass.HARD, BounceClass.SOFT)
_REACTIONS = (DeliveryEventKind.CLICKED, DeliveryEventKind.OPENED, DeliveryEventKind.REPLIED)


def check_audience(
    session: Session, sendout: SendOut, settings: Settings, now: datetime
) -> list[Finding]:
    """A warning when the unreached share is over DISTRIBUTOR_GUARD_SHARE."""
    reached = reached_condition(session, sendout)
    if reached is None:
        return []
    bounced = exists().where(
        BounceRecord.recipient == Contact.email,
        BounceRecord.classification.in_(_BOUNCES),
        BounceRecord.received_at >= now - BOUNCE_WINDOW,
    )
    received = (
        select(func.count())
        .where(Delivery.contact_id == Contact.id, Delivery.state == DeliveryState.SENT)
        .scalar_subquery()
    )
    reacted = exists().where(
        Delivery.contact_id == Contact.id,
        DeliveryEvent.delivery_id == Delivery.id,
        DeliveryEvent.kind.in_(_REACTIONS),
    )
    unengaged = and_(received >= UNENGAGED_AFTER, ~reacted)
    total, bounced_count, unreached = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((bounced, 1), else_=0)), 0),
            func.coalesce(func.sum(case((or_(bounced, unengaged), 1), else_=0)), 0),
        )
        .select_from(Contact)
        .where(reached)
    ).one()
    if not total or unreached / total <= settings.guard_share:
        return []
    return [
        warning(
            "audience.unreached",
            f"{unreached} of {total} recipients ({unreached / total:.0%}) bounced in the last "
            f"{BOUNCE_WINDOW.days} days ({bounced_count}) or received {UNENGAGED_AFTER} or more "
            "releases without a click, an open or a reply: sending to them hurts the "
            "reputation of the sender; clean the lists or leave them out with a segment",
            f"{unreached} of {total} recipients ({unreached / total:.0%}) are unlikely to read "
            f"it: {bounced_count} had mail come back in the last {BOUNCE_WINDOW.days} days, the "
            f"others received {UNENGAGED_AFTER} or more releases without opening, clicking or "
            "replying. Mailing them harms the office's standing with mail providers; tidy the "
            "lists, or leave them out with a segment.",
        )
    ]
