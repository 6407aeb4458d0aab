"""Who a send-out reaches: nobody (refused), journalists who already have its release (to
confirm), and how much of it is unlikely to be reached: recently bounced addresses, and
journalists who received several releases and never reacted to one."""

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
    SendOutState,
)
from distributor.sending.scheduling.checks.findings import Finding, error, warning
from distributor.sending.scheduling.deliveries import reached_condition
from distributor.sending.scheduling.dispatch import OPEN_STATES

BOUNCE_WINDOW = timedelta(days=90)
UNENGAGED_AFTER = 3  # releases received without a click, an open or a reply
_BOUNCES = (BounceClass.HARD, BounceClass.SOFT)
_REACTIONS = (DeliveryEventKind.CLICKED, DeliveryEventKind.OPENED, DeliveryEventKind.REPLIED)
# A delivery in these states means its journalist has the release, or is about to.
_HAVING = (DeliveryState.SENT, *OPEN_STATES)
# Send-outs that have not made (all) their deliveries yet: their audience is about to have it.
_PENDING = (SendOutState.DRAFT, SendOutState.SCHEDULED, SendOutState.PAUSED)


def check_reach(session: Session, sendout: SendOut) -> list[Finding]:
    """An error when the send-out reaches nobody (after exclusions and suppressions); a
    warning, with how many, when some of its journalists already have its release from
    another send-out, or are about to. A follow-up's own original does not count."""
    reached = reached_condition(session, sendout)
    if reached is None:
        return [_empty(sendout)]
    own = [sendout.id, *([sendout.follow_up_of_id] if sendout.follow_up_of_id else [])]
    had = exists().where(
        Delivery.contact_id == Contact.id,
        Delivery.state.in_(_HAVING),
        Delivery.sendout_id.in_(
            select(SendOut.id).where(
                SendOut.release_id == sendout.release_id, SendOut.id.not_in(own)
            )
        ),
    )
    pending = session.scalars(
        select(SendOut).where(
            SendOut.release_id == sendout.release_id,
            SendOut.id.not_in(own),
            SendOut.state.in_(_PENDING),
        )
    ).all()
    due = [c for c in (reached_condition(session, other) for other in pending) if c is not None]
    total, repeats = session.execute(
        select(func.count(), func.coalesce(func.sum(case((or_(had, *due), 1), else_=0)), 0))
        .select_from(Contact)
        .where(reached)
    ).one()
    if not total:
        return [_empty(sendout)]
    if not repeats:
        return []
    release = f"release {sendout.release_id}"
    return [
        warning(
            "audience.already_received",
            f"{repeats} of {total} recipients already received {release} or are due to "
            "receive it from another send-out: they would get it twice; leave them out with "
            "--exclude-list or --exclude-segment, or confirm to send it to them again",
            f"{repeats} of the {total} journalists chosen have already been sent this release, "
            "or are about to be by another send-out: they would receive it twice. Choose other "
            "lists, or confirm to send it to them again.",
        )
    ]


def _empty(sendout: SendOut) -> Finding:
    if sendout.follow_up_of_id is not None:
        return error(
            "audience.empty",
            f"the follow-up reaches nobody: everyone send-out {sendout.follow_up_of_id} was "
            "sent to has reacted to it, unsubscribed or been suppressed",
            "Nobody is left to follow up: everyone who received it has reacted to it, "
            "unsubscribed or can no longer be mailed.",
        )
    return error(
        "audience.empty",
        "the send-out reaches nobody: no contact on its lists and segments is subscribed, "
        "outside the excluded ones and off the suppression list; add contacts, or choose "
        "other --list or --segment",
        "These lists and segments reach nobody: no journalist on them is subscribed, left "
        "after the exclusions and still mailable. Add journalists, or choose other lists.",
    )


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
