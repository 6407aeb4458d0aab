"""A send-out's delivery rows, handled as sets: created, claimed and settled in a few statements.

A send-out may reach tens of thousands of contacts, so nothing here walks rows one
by one: the audience becomes deliveries by INSERT … SELECT, workers take batches
by one UPDATE … RETURNING (with SKIP LOCKED on PostgreSQL, so concurrent workers
never get the same row), and outcomes are written back with executemany.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    Update,
    and_,
    bindparam,
    exists,
    false,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from distributor.contacts import rules_filter
from distributor.models import (
    Contact,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Segment,
    SendOut,
    SendOutAudience,
    SendOutState,
    Subscription,
    SubscriptionStatus,
    Suppression,
    utcnow,
)
from distributor.sending.transports.outcomes import Outcome, OutcomeKind

SUPPRESSED = "suppressed"
CANCELLED = "cancelled"  # why a cancelled send-out's deliveries were skipped

# Reactions that leave a journalist out of a follow-up; OPENED only if the original counted opens.
REACTIONS = (DeliveryEventKind.CLICKED, DeliveryEventKind.REPLIED)


@dataclass(frozen=True)
class DeliveryCounts:
    queued: int
    skipped: int


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    email: str
    contact_id: int | None
    attempts: int


@dataclass(frozen=True)
class Settled:
    """What became of one claimed delivery, as `record_outcomes` writes it."""

    delivery_id: int
    outcome: Outcome
    message_id: str | None = None  # of the message the relay accepted
    verp_token: str | None = None  # its envelope sender's token, for bounce attribution


@dataclass(frozen=True)
class RetryPolicy:
    """How long a deferred delivery waits before its next attempt, and when it gives up."""

    base: timedelta = timedelta(seconds=60)
    cap: timedelta = timedelta(hours=1)
    jitter: float = 0.2  # ± this fraction, so retries of one batch do not arrive together
    max_age: timedelta = timedelta(days=3)

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th attempt: base doubled per attempt, jittered, capped."""
        doublings = min(max(attempts - 1, 0), 32)  # past the cap anyway; keeps the float small
        spread = random.uniform(1 - self.jitter, 1 + self.jitter)  # noqa: S311 - not a secret
        wait = self.base * (1 << doublings) * spread
        return min(wait, self.cap)


def _deliveries() -> Table:
    table = Delivery.__table__
    assert isinstance(table, Table)
    return table


def audience_condition(session: Session, sendout: SendOut) -> ColumnElement[bool] | None:
    """The condition over Contact for the send-out's audience; None when nothing is included.

    A follow-up's audience is further narrowed to those who did not react to its original.
    """
    rows = session.scalars(
        select(SendOutAudience).where(SendOutAudience.sendout_id == sendout.id)
    ).all()
    if all(row.exclude for row in rows):
        return None
    segment_ids = [row.segment_id for row in rows if row.segment_id is not None]
    saved = select(Segment.id, Segment.rules).where(Segment.id.in_(segment_ids))
    rules: dict[int, Any] = dict(session.execute(saved).all())

    def any_of(exclude: bool) -> ColumnElement[bool]:
        chosen = [row for row in rows if row.exclude is exclude]
        list_ids = [row.list_id for row in chosen if row.list_id is not None]
        segments = [rules[row.segment_id] for row in chosen if row.segment_id is not None]
        return members_condition(list_ids, segments)

    audience = and_(any_of(exclude=False), not_(any_of(exclude=True)))
    follow_up = not_reacted(session, sendout)
    return audience if follow_up is None else and_(audience, follow_up)


def members_condition(list_ids: Sequence[int], segments: Sequence[Any]) -> ColumnElement[bool]:
    """The condition over Contact that they are subscribed to one of the lists or match one of
    the segments (given by their rules)."""
    member = exists().where(
        Subscription.contact_id == Contact.id,
        Subscription.list_id.in_(list_ids),
        Subscription.status == SubscriptionStatus.SUBSCRIBED,
    )
    return or_(member if list_ids else false(), *(rules_filter(one) for one in segments))


def not_reacted(session: Session, sendout: SendOut) -> ColumnElement[bool] | None:
    """For a follow-up, the condition over Contact that its original was sent to them and they
    have not reacted to it; None for any other send-out."""
    if sendout.follow_up_of_id is None:
        return None
    original = session.get(SendOut, sendout.follow_up_of_id)
    assert original is not None  # the foreign key sets follow_up_of_id to NULL on delete
    kinds = [*REACTIONS, DeliveryEventKind.OPENED] if original.track_opens else list(REACTIONS)
    reacted = exists().where(
        DeliveryEvent.delivery_id == Delivery.id, DeliveryEvent.kind.in_(kinds)
    )
    # Explicit: this is nested in INSERT … SELECT, where auto-correlation does not reach.
    sent = (
        select(Delivery.id)
        .where(
            Delivery.sendout_id == original.id,
            Delivery.contact_id == Contact.id,
            Delivery.state == DeliveryState.SENT,
            ~reacted,
        )
        .correlate(Contact)
    )
    return exists(sent)


def suppressed_contact() -> ColumnElement[bool]:
    """The condition over Contact that its address is on the suppression list."""
    return exists().where(Suppression.email == Contact.email)


def reached_condition(session: Session, sendout: SendOut) -> ColumnElement[bool] | None:
    """The condition over Contact for those the send-out would queue: its audience, not
    suppressed; None when nothing is included."""
    audience = audience_condition(session, sendout)
    return None if audience is None else and_(audience, ~suppressed_contact())


def create_deliveries(
    session: Session, sendout: SendOut, due: datetime | None = None
) -> DeliveryCounts:
    """Queue one delivery per audience contact, due at `due` (default: now), suppressed ones
    as skipped; safe to repeat: a contact that has one already is left out."""
    audience = audience_condition(session, sendout)
    if audience is None:
        return DeliveryCounts(0, 0)
    deliveries = _deliveries()
    due_at = literal(due or utcnow(), type_=deliveries.c.next_attempt_at.type)
    suppressed = suppressed_contact()
    dialect_insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert

    def insert_rows(state: DeliveryState, error: str | None, where: ColumnElement[bool]) -> int:
        rows = select(
            literal(sendout.id),
            Contact.id,
            Contact.email,
            literal(state.value),
            literal(error),
            due_at,
        ).where(audience, where)
        columns = ["sendout_id", "contact_id", "email", "state", "last_error", "next_attempt_at"]
        # The unique (send-out, contact) key skips existing rows: unlike NOT EXISTS, its cost
        # does not depend on the planner's idea of how many deliveries there are.
        statement = (
            dialect_insert(deliveries)
            .from_select(columns, rows)
            .on_conflict_do_nothing(index_elements=["sendout_id", "contact_id"])
            .returning(deliveries.c.id)
        )
        # Counted from RETURNING: not every driver reports a rowcount for INSERT … SELECT.
        return len(session.execute(statement).all())

    queued = insert_rows(DeliveryState.QUEUED, None, ~suppressed)
    skipped = insert_rows(DeliveryState.SKIPPED, SUPPRESSED, suppressed)
    return DeliveryCounts(queued, skipped)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def claim_batch(
    session: Session, sendout_id: int, worker: str, size: int, lease: timedelta, now: datetime
) -> list[ClaimedDelivery]:
    """Lease up to `size` due deliveries: first those of a worker whose lease ran out, then
    queued and deferred ones.

    Each kind is one index range (no ORDER BY over every due row), so a claim costs the
    same at the end of a long send-out as at its start.
    """
    c = _deliveries().c
    abandoned = and_(c.state == DeliveryState.SENDING, c.lease_expires_at < now)
    waiting = and_(
        c.state.in_([DeliveryState.QUEUED, DeliveryState.DEFERRED]), c.next_attempt_at <= now
    )
    claimed = _lease(session, sendout_id, abandoned, worker, size, now + lease)
    if len(claimed) < size:
        claimed += _lease(session, sendout_id, waiting, worker, size - len(claimed), now + lease)
    return sorted(claimed, key=lambda one: one.id)


def _lease(
    session: Session,
    sendout_id: int,
    due: ColumnElement[bool],
    worker: str,
    size: int,
    until: datetime,
) -> list[ClaimedDelivery]:
    deliveries = _deliveries()
    c = deliveries.c
    batch = select(c.id).where(c.sendout_id == sendout_id, due).limit(size)
    if _dialect(session) == "postgresql":
        batch = batch.with_for_update(skip_locked=True)
    claim = (
        update(deliveries)
        .where(c.id.in_(batch.scalar_subquery()))
        .values(
            state=DeliveryState.SENDING,
            lease_expires_at=until,
            leased_by=worker,
            attempts=c.attempts + 1,
        )
        .returning(c.id, c.email, c.contact_id, c.attempts)
    )
    return [ClaimedDelivery(*row) for row in session.execute(claim)]


def renew_leases(connection: Connection, sendout_id: int, worker: str, until: datetime) -> int:
    """Extend `worker`'s leases on the send-out's deliveries still being sent to `until`, and
    mark the send-out as worked on: only a dead worker's leases run out. Returns how many."""
    c = _deliveries().c
    renewed = connection.execute(
        update(_deliveries())
        .where(
            c.sendout_id == sendout_id,
            c.state == DeliveryState.SENDING,
            c.leased_by == worker,
        )
        .values(lease_expires_at=until)
    ).rowcount
    connection.execute(
        update(SendOut).where(SendOut.id == sendout_id).values(heartbeat_at=utcnow())
    )
    return renewed


def release_claims(session: Session, sendout: SendOut, delivery_ids: Sequence[int]) -> None:
    """Give claimed deliveries back unsent, as if never claimed: the send-out was paused or
    cancelled before their turn. A cancelled send-out's are skipped, as its queued ones were."""
    if not delivery_ids:
        return
    c = _deliveries().c
    cancelled = sendout.state is SendOutState.CANCELLED
    session.execute(
        update(_deliveries())
        .where(c.id.in_(delivery_ids), c.state == DeliveryState.SENDING)
        .values(
            state=DeliveryState.SKIPPED if cancelled else DeliveryState.QUEUED,
            last_error=CANCELLED if cancelled else c.last_error,
            lease_expires_at=None,
            leased_by=None,
            attempts=c.attempts - 1,
        )
    )


# Core, not the ORM's bulk insert: a third of the cost for a group of outcomes.
_EVENTS = insert(cast(Table, DeliveryEvent.__table__))


def record_outcomes(
    session: Session,
    results: Sequence[Settled],
    now: datetime,
    policy: RetryPolicy,
) -> None:
    """Settle claimed deliveries with their outcomes; a row no longer sending is left alone."""
    deliveries = _deliveries()
    c = deliveries.c
    ids = [settled.delivery_id for settled in results]
    # Locked on PostgreSQL, so the state read here is the one the updates below guard on.
    current = {
        row.id: row
        for row in session.execute(
            select(c.id, c.attempts, c.created_at)
            .where(c.id.in_(ids), c.state == DeliveryState.SENDING)
            .with_for_update()
        )
    }
    updates: dict[DeliveryState, list[dict[str, Any]]] = {}
    events: list[dict[str, Any]] = []
    for settled in results:
        delivery_id, outcome = settled.delivery_id, settled.outcome
        row = current.get(delivery_id)
        if row is None:
            continue
        state = DeliveryState(outcome.kind.value)
        values: dict[str, Any] = {"b_id": delivery_id, "b_code": outcome.code}
        if outcome.kind is OutcomeKind.SENT:
            values |= {
                "b_sent_at": now,
                "b_message_id": settled.message_id,
                "b_verp": settled.verp_token,
            }
        elif outcome.kind is OutcomeKind.DEFERRED and now - row.created_at > policy.max_age:
            state = DeliveryState.FAILED
        elif outcome.kind is OutcomeKind.DEFERRED:
            values["b_next"] = now + policy.backoff(row.attempts)
        if state is not DeliveryState.SENT:
            values["b_error"] = outcome.reply
        updates.setdefault(state, []).append(values)
        events.append(
            {
                "delivery_id": delivery_id,
                "kind": DeliveryEventKind(state.value),
                "at": now,
                "detail": outcome.reply,
                "data": {"code": outcome.code, "enhanced": outcome.enhanced},
            }
        )
    for state, params in updates.items():
        session.execute(_settle(state), params)
    if events:
        session.execute(_EVENTS, events)


def _settle(state: DeliveryState) -> Update:
    """The executemany UPDATE that moves a claimed delivery to `state`, guarded on `sending`."""
    deliveries = _deliveries()
    c = deliveries.c
    values: dict[str, Any] = {
        "state": state,
        "lease_expires_at": None,
        "leased_by": None,
        "last_smtp_code": bindparam("b_code"),
    }
    if state is DeliveryState.SENT:
        values |= {
            "sent_at": bindparam("b_sent_at"),
            "message_id": bindparam("b_message_id"),
            "verp_token": bindparam("b_verp"),
        }
    else:
        values["last_error"] = bindparam("b_error")
    if state is DeliveryState.DEFERRED:
        values["next_attempt_at"] = bindparam("b_next")
    return (
        update(deliveries)
        .where(c.id == bindparam("b_id"), c.state == DeliveryState.SENDING)
        .values(values)
    )
