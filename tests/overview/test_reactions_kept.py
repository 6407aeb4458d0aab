"""Each delivery keeps the first time of each reaction, whichever way the reaction was recorded:
the pages count reactions from the deliveries alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, literal, select

from distributor.models import Delivery, DeliveryEvent, DeliveryEventKind, DeliveryState
from tests.overview.launch import NOW, Newsdesk

STARTED = NOW - timedelta(days=1)


def _delivery(desk: Newsdesk) -> Delivery:
    sendout = desk.sendout(STARTED)
    contact = desk.journalist("anna@lemonde.example", "Anna", "Martin", "Le Monde", "FR")
    return desk.deliver(sendout, contact, DeliveryState.SENT)


def _kept(desk: Newsdesk, delivery: Delivery) -> dict[str, object]:
    desk.session.flush()
    row = desk.session.execute(
        select(
            Delivery.opened_at,
            Delivery.clicked_at,
            Delivery.replied_at,
            Delivery.unsubscribed_at,
            Delivery.complained_at,
        ).where(Delivery.id == delivery.id)
    ).one()
    return {name: value for name, value in row._mapping.items() if value is not None}


def test_a_reaction_is_kept_on_its_delivery(desk: Newsdesk) -> None:
    delivery = _delivery(desk)

    desk.react(delivery, DeliveryEventKind.CLICKED, STARTED + timedelta(hours=1))

    assert _kept(desk, delivery) == {"clicked_at": STARTED + timedelta(hours=1)}


def test_the_first_time_of_each_reaction_is_kept_whatever_order_they_are_recorded_in(
    desk: Newsdesk,
) -> None:
    delivery = _delivery(desk)

    desk.react(delivery, DeliveryEventKind.OPENED, STARTED + timedelta(hours=3))
    desk.react(delivery, DeliveryEventKind.OPENED, STARTED + timedelta(hours=1))
    desk.react(delivery, DeliveryEventKind.OPENED, STARTED + timedelta(hours=2))

    assert _kept(desk, delivery) == {"opened_at": STARTED + timedelta(hours=1)}


def test_every_kind_of_reaction_has_its_own_time(desk: Newsdesk) -> None:
    delivery = _delivery(desk)
    kinds = ("opened", "clicked", "replied", "unsubscribed", "complained")

    for n, kind in enumerate(kinds):
        desk.react(delivery, DeliveryEventKind(kind), STARTED + timedelta(minutes=n))

    assert _kept(desk, delivery) == {
        f"{kind}_at": STARTED + timedelta(minutes=n) for n, kind in enumerate(kinds)
    }


def test_what_happened_to_the_message_itself_is_no_reaction(desk: Newsdesk) -> None:
    delivery = _delivery(desk)

    for kind in ("sent", "deferred", "bounced", "delayed", "replied_unverified"):
        desk.react(delivery, DeliveryEventKind(kind), STARTED)

    assert _kept(desk, delivery) == {}


def test_reactions_written_in_bulk_are_kept_too(desk: Newsdesk) -> None:
    delivery = _delivery(desk)

    desk.session.execute(
        insert(DeliveryEvent).from_select(
            ["delivery_id", "kind", "at", "data"],
            select(
                Delivery.id,
                literal(DeliveryEventKind.UNSUBSCRIBED.value),
                Delivery.sent_at,
                literal({}, DeliveryEvent.data.type),
            ).where(Delivery.id == delivery.id),
        )
    )

    assert _kept(desk, delivery) == {"unsubscribed_at": STARTED}
