"""The deliveries a bounce can name, looked up by id, by Message-ID or by address.

Every source of bounces (received mail, provider webhooks, the relay's refusals)
ties what it reports to a `Sent` delivery before `distributor.bounces.judging`
asks the bounce policy about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, cast

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from distributor.addresses import InvalidAddress, parse_address
from distributor.models import Delivery

_DELIVERIES = cast(Table, Delivery.__table__)
# Built once: on the busy intake path, building a statement costs more than running it.
_SENT = select(
    _DELIVERIES.c.id, _DELIVERIES.c.email, _DELIVERIES.c.sendout_id, _DELIVERIES.c.message_id
)
_SENT_NAMED = _SENT.where(
    or_(
        _DELIVERIES.c.id.in_(bindparam("b_ids", expanding=True)),
        _DELIVERIES.c.message_id.in_(bindparam("b_message_ids", expanding=True)),
    )
)


class Sent(NamedTuple):
    """A delivery as intake needs it: which one, the address it went to, its send-out."""

    id: int
    email: str
    sendout_id: int | None = None


def deliveries_named(
    session: Session, ids: Sequence[int], message_ids: Sequence[str]
) -> tuple[dict[int, Sent], dict[str, Sent]]:
    """The deliveries with these ids, and those whose messages carried these Message-IDs, in one query."""
    if not ids and not message_ids:
        return {}, {}
    rows = session.execute(_SENT_NAMED, {"b_ids": list(ids), "b_message_ids": list(message_ids)})
    by_id: dict[int, Sent] = {}
    by_message_id: dict[str, Sent] = {}
    for delivery_id, email, sendout_id, message_id in rows:
        sent = Sent(delivery_id, email, sendout_id)
        by_id[delivery_id] = sent
        if message_id is not None:
            by_message_id.setdefault(message_id, sent)
    return by_id, by_message_id


def delivery_by_message_id(session: Session, message_id: str | None) -> Sent | None:
    """The delivery whose message carried this Message-ID (with its angle brackets)."""
    if not message_id:
        return None
    return deliveries_named(session, [], [message_id])[1].get(message_id)


def latest_delivery_to(session: Session, address: str | None) -> Sent | None:
    """The delivery most recently sent to this address: where a bounce naming only it belongs."""
    email = normalized_recipient(address)
    if email is None:
        return None
    row = session.execute(
        _SENT.where(_DELIVERIES.c.email == email, _DELIVERIES.c.sent_at.is_not(None))
        .order_by(_DELIVERIES.c.sent_at.desc(), _DELIVERIES.c.id.desc())
        .limit(1)
    ).first()
    return Sent(row.id, row.email, row.sendout_id) if row is not None else None


def normalized_recipient(address: str | None) -> str | None:
    """The address as deliveries and records keep it; a malformed one lower-cased as it is."""
    if not address:
        return None
    try:
        return parse_address(address).email
    except InvalidAddress:
        return address.strip().lower()[:320]
