"""How send-outs went, counted per delivery: where each message stands and how it was received.

One tally serves every screen: the dashboard's send-outs, the send-out list, the
weeks of the engagement charts and a report's outlets and countries: one GROUP BY
over the deliveries, which keep the first time of each reaction, so a page sends
the same few statements whatever the number of recipients or of their events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from distributor.models import (
    BounceRecord,
    Contact,
    Delivery,
    DeliveryState,
    Reason,
)

# What a journalist did with a message: the column of its delivery that keeps the first time.
REACTIONS: dict[str, InstrumentedAttribute[datetime | None]] = {
    "opened": Delivery.opened_at,
    "clicked": Delivery.clicked_at,
    "replied": Delivery.replied_at,
    "unsubscribed": Delivery.unsubscribed_at,
    "complained": Delivery.complained_at,
}
# Still on their way: waiting, being sent, or waiting for another try.
PENDING_STATES = (DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.DEFERRED)
# Why an open rate says less than it seems to: shown wherever one is.
OPENS_CAVEAT = (
    "Opens are unreliable: many mail programs do not load images, so some readers are never "
    "counted, and privacy protection (such as Apple Mail's) loads every image, so some messages "
    "count as opened that nobody read."
)


@dataclass(frozen=True)
class Results:
    """Deliveries by where they stand (`delivered` … `skipped` add up to `total`) and by what the
    journalist did (each a number of deliveries with at least one such event)."""

    total: int = 0
    delivered: int = 0  # accepted by the receiving server and not bounced since
    pending: int = 0
    bounced: int = 0
    failed: int = 0  # given up after retrying
    skipped: int = 0  # suppressed or unsubscribed by the time it was due
    opened: int = 0
    clicked: int = 0
    replied: int = 0
    unsubscribed: int = 0
    complained: int = 0

    def __add__(self, other: Results) -> Results:
        return Results(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def attempted(self) -> int:
        """Messages that went to a receiving server and have an outcome."""
        return self.delivered + self.bounced + self.failed

    @property
    def settled(self) -> int:
        return self.total - self.pending

    @property
    def progress(self) -> float:
        """The share of deliveries settled, 0 to 1; a send-out with none has not started."""
        return self.settled / self.total if self.total else 0.0


def share(count: int, of: int) -> float | None:
    """`count` as a percentage of `of`; None when there is nothing to divide by."""
    return 100 * count / of if of else None


def tally(session: Session, where: ColumnElement[bool], key: Any) -> dict[Any, Results]:
    """The results of the deliveries matching `where`, grouped by `key` (a column of Delivery or
    Contact, the contact joined when needed; or a tuple of such columns, each group then a tuple
    of their values), in one query: deliveries by state, with how many of them have each
    reaction (its first time kept on the delivery)."""
    keys: tuple[Any, ...] = key if isinstance(key, tuple) else (key,)
    query = select(
        *keys,
        Delivery.state,
        func.count(),
        *(func.count(column) for column in REACTIONS.values()),
    ).select_from(Delivery)
    if any(column.table is Contact.__table__ for column in keys):
        query = query.outerjoin(Contact, Contact.id == Delivery.contact_id)
    found: dict[Any, Results] = {}
    for row in session.execute(query.where(where).group_by(*keys, Delivery.state)):
        values, (state, count, *reacted) = row[: len(keys)], row[len(keys) :]
        group = tuple(values) if isinstance(key, tuple) else values[0]
        stands = "pending" if state in PENDING_STATES else _STATE_FIELDS[DeliveryState(state)]
        found[group] = found.get(group, Results()) + Results(
            total=count, **{stands: count}, **dict(zip(REACTIONS, reacted, strict=True))
        )
    return found


_STATE_FIELDS = {
    DeliveryState.SENT: "delivered",
    DeliveryState.BOUNCED: "bounced",
    DeliveryState.FAILED: "failed",
    DeliveryState.SKIPPED: "skipped",
}


def sendout_results(session: Session, sendout_ids: Sequence[int]) -> dict[int, Results]:
    """The results of each send-out in `sendout_ids` (empty ones included), in one query."""
    found = tally(session, Delivery.sendout_id.in_(sendout_ids), Delivery.sendout_id)
    return {sendout_id: found.get(sendout_id, Results()) for sendout_id in sendout_ids}


def bounce_reasons(session: Session, where: ColumnElement[bool]) -> dict[str, int]:
    """The bounced deliveries matching `where` by the reason their bounce report gave (a stored
    reason name; "undefined" when none said), most frequent first. A delivery with reports of
    several reasons counts once, under one of them."""
    bounced = Delivery.state == DeliveryState.BOUNCED
    # The reports of bounced deliveries only: the others are not counted, and reading them
    # would join every delivery of a window's send-outs.
    reported = (
        select(BounceRecord.delivery_id, func.max(BounceRecord.reason).label("reason"))
        .join(Delivery, Delivery.id == BounceRecord.delivery_id)
        .where(where, bounced)
        .group_by(BounceRecord.delivery_id)
        .subquery()
    )
    reason = func.coalesce(reported.c.reason, Reason.UNDEFINED.value)
    rows = session.execute(
        select(reason, func.count())
        .select_from(Delivery)
        .outerjoin(reported, reported.c.delivery_id == Delivery.id)
        .where(where, bounced)
        .group_by(reason)
    )
    return dict(sorted(((str(r), int(n)) for r, n in rows), key=lambda item: (-item[1], item[0])))
