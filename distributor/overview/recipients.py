"""The recipients of one send-out with what became of each message: chosen by what happened and
by a search, a page at a time or all of them for an export."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from distributor.models import (
    BounceRecord,
    Contact,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    reason_label,
)
from distributor.overview.results import PENDING_STATES, REACTIONS

BATCH_SIZE = 1000


class RecipientState(enum.StrEnum):
    """What a press officer can pick the recipients by."""

    DELIVERED = "delivered"
    PENDING = "pending"
    BOUNCED = "bounced"
    FAILED = "failed"
    SKIPPED = "skipped"
    OPENED = "opened"
    CLICKED = "clicked"
    REPLIED = "replied"
    UNSUBSCRIBED = "unsubscribed"
    COMPLAINED = "complained"


_BY_DELIVERY_STATE = {
    RecipientState.DELIVERED: (DeliveryState.SENT,),
    RecipientState.PENDING: PENDING_STATES,
    RecipientState.BOUNCED: (DeliveryState.BOUNCED,),
    RecipientState.FAILED: (DeliveryState.FAILED,),
    RecipientState.SKIPPED: (DeliveryState.SKIPPED,),
}
# A delivery's state in a press officer's words.
STATE_WORDS = {
    DeliveryState.QUEUED: "waiting",
    DeliveryState.SENDING: "being sent",
    DeliveryState.DEFERRED: "waiting to retry",
    DeliveryState.SENT: "delivered",
    DeliveryState.BOUNCED: "bounced",
    DeliveryState.FAILED: "failed",
    DeliveryState.SKIPPED: "skipped",
}


@dataclass(frozen=True)
class Recipient:
    """One message of the send-out and what became of it. `reactions` holds the time of the first
    of each kind (opened, clicked, …) that happened; `clicks` counts every click."""

    delivery_id: int
    contact_id: int | None  # None once the contact was erased
    email: str
    name: str
    outlet: str | None
    country: str | None
    state: DeliveryState
    sent_at: datetime | None
    bounce_reason: str | None  # in words, for a bounced message
    clicks: int = 0
    reactions: dict[str, datetime] = field(default_factory=dict)

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state]


def _chosen(sendout_id: int, state: RecipientState | None, search: str) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [Delivery.sendout_id == sendout_id]
    if state in _BY_DELIVERY_STATE:
        conditions.append(Delivery.state.in_(_BY_DELIVERY_STATE[state]))
    elif state is not None:
        conditions.append(REACTIONS[state.value].is_not(None))
    words = search.strip().lower()
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        name = func.lower(
            func.coalesce(Contact.first_name, "") + " " + func.coalesce(Contact.last_name, "")
        )
        conditions.append(
            or_(
                Delivery.email.like(pattern, escape="\\"),
                name.like(pattern, escape="\\"),
                func.lower(Contact.outlet).like(pattern, escape="\\"),
            )
        )
    return and_(*conditions)


def _chosen_ids(sendout_id: int, state: RecipientState | None, search: str) -> Select[int]:
    """The ids of the chosen deliveries, the contacts joined only for a search.

    A page picks its ids first and reads whole rows for those alone: joining every
    recipient to their contact to skip to page 20 made PostgreSQL hash the whole
    contacts table.
    """
    ids = select(Delivery.id)
    if search.strip():
        ids = ids.outerjoin(Contact, Contact.id == Delivery.contact_id)
    return ids.where(_chosen(sendout_id, state, search))


def _rows(session: Session, ids: Sequence[int]) -> list[Recipient]:
    """The recipients of the deliveries `ids`, in the order the send-out took them."""
    rows = session.execute(
        select(Delivery, Contact)
        .outerjoin(Contact, Contact.id == Delivery.contact_id)
        .where(Delivery.id.in_(ids))
        .order_by(Delivery.id)
    ).all()
    return _described(session, [(row[0], row[1]) for row in rows])


def count_recipients(
    session: Session, sendout_id: int, state: RecipientState | None = None, search: str = ""
) -> int:
    chosen = _chosen_ids(sendout_id, state, search).subquery()
    return session.scalar(select(func.count()).select_from(chosen)) or 0


def recipients(
    session: Session,
    sendout_id: int,
    state: RecipientState | None = None,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[Recipient]:
    """One page of the chosen recipients, in the order the send-out took them."""
    page = _chosen_ids(sendout_id, state, search).order_by(Delivery.id).limit(limit)
    return _rows(session, session.scalars(page.offset(offset)).all())


def recipients_page(
    session: Session,
    sendout_id: int,
    state: RecipientState | None = None,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[Recipient]]:
    """How many recipients are chosen, and one page of them.

    A choice by state or search is read once for both (each of its recipients checked
    against it), where a count and a page would read it twice.
    """
    if state is None and not search.strip():
        return count_recipients(session, sendout_id), recipients(
            session, sendout_id, limit=limit, offset=offset
        )
    page = (
        _chosen_ids(sendout_id, state, search)
        .add_columns(func.count().over().label("total"))
        .order_by(Delivery.id)
        .limit(limit)
        .offset(offset)
    )
    found = session.execute(page).all()
    if not found:  # none chosen, or a page past the last
        return count_recipients(session, sendout_id, state, search), []
    return found[0].total, _rows(session, [row.id for row in found])


def all_recipients(
    session: Session,
    sendout_id: int,
    state: RecipientState | None = None,
    search: str = "",
    batch_size: int = BATCH_SIZE,
) -> Iterator[Recipient]:
    """Every chosen recipient, read `batch_size` at a time so that memory stays flat."""
    last_id = 0
    batch = _chosen_ids(sendout_id, state, search).order_by(Delivery.id).limit(batch_size)
    while True:
        ids = session.scalars(batch.where(Delivery.id > last_id)).all()
        if not ids:
            return
        yield from _rows(session, ids)
        last_id = ids[-1]


def _described(
    session: Session, rows: Sequence[tuple[Delivery, Contact | None]]
) -> list[Recipient]:
    """The rows with their clicks and bounce reasons, read for all of them in two queries."""
    ids = [delivery.id for delivery, _ in rows]
    clicked = [delivery.id for delivery, _ in rows if delivery.clicked_at is not None]
    clicks: dict[int, int] = dict(
        session.execute(
            select(DeliveryEvent.delivery_id, func.count())
            .where(
                DeliveryEvent.delivery_id.in_(clicked),
                DeliveryEvent.kind == DeliveryEventKind.CLICKED,
            )
            .group_by(DeliveryEvent.delivery_id)
        ).all()
    )
    reasons = dict(
        session.execute(
            select(BounceRecord.delivery_id, func.max(BounceRecord.reason))
            .where(BounceRecord.delivery_id.in_(ids))
            .group_by(BounceRecord.delivery_id)
        ).all()
    )
    return [
        Recipient(
            delivery_id=delivery.id,
            contact_id=delivery.contact_id,
            email=delivery.email,
            name=contact.name if contact is not None else "",
            outlet=contact.outlet if contact is not None else None,
            country=contact.country if contact is not None else None,
            state=delivery.state,
            sent_at=delivery.sent_at,
            bounce_reason=(
                reason_label(reasons.get(delivery.id))
                if delivery.state is DeliveryState.BOUNCED
                else None
            ),
            clicks=clicks.get(delivery.id, 0),
            reactions={
                name: at
                for name, column in REACTIONS.items()
                if (at := getattr(delivery, column.key)) is not None
            },
        )
        for delivery, contact in rows
    ]
