"""Subscriptions: suppressed addresses refused, unsubscribes kept, every change recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import archive_list, create_list
from distributor.contacts.subscriptions import SubscribeOutcome, subscribe, unsubscribe
from distributor.contacts.suppressions import suppress
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import (
    AuditEntry,
    Channel,
    Role,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
)

ADMIN = Actor("test:admin", Role.ADMIN)
OFFICER = Actor("test:officer", Role.PRESS_OFFICER)
EMAIL = "anna@zeitung.example"


@pytest.fixture
def film(session: Session) -> Session:
    """A session with the list `film` and the contact EMAIL, not yet subscribed."""
    create_list(session, "film", ADMIN)
    create_list(session, "tech", ADMIN)
    add_contact(session, {"email": EMAIL}, ADMIN)
    return session


def test_subscribe_records_channel_reason_actor_and_time(film: Session) -> None:
    result = subscribe(film, EMAIL, "film", ADMIN, reason="met at Cannes")
    assert result.outcome == SubscribeOutcome.SUBSCRIBED
    sub = result.subscription
    assert (sub.status, sub.channel, sub.reason, sub.actor) == (
        SubscriptionStatus.SUBSCRIBED,
        Channel.ADMIN,
        "met at Cannes",
        "test:admin",
    )
    assert sub.changed_at is not None
    entry = film.scalars(
        select(AuditEntry).where(AuditEntry.action == "subscription.subscribe")
    ).one()
    assert entry.details["list"] == "film"


def test_subscribing_twice_changes_nothing(film: Session) -> None:
    first = subscribe(film, EMAIL, "film", ADMIN)
    again = subscribe(film, "ANNA@zeitung.example", "film", ADMIN)
    assert again.outcome == SubscribeOutcome.ALREADY_SUBSCRIBED
    assert again.subscription.id == first.subscription.id
    assert len(film.scalars(select(Subscription)).all()) == 1


def test_a_suppressed_address_is_not_subscribed_and_the_fix_is_named(film: Session) -> None:
    suppress(film, EMAIL, SuppressionReason.COMPLAINT, actor=ADMIN)
    with pytest.raises(Conflict, match=r"complaint.*distributor suppressions remove anna@"):
        subscribe(film, EMAIL, "film", ADMIN)
    assert film.scalars(select(Subscription)).all() == []


def test_an_archived_list_takes_no_new_subscribers(film: Session) -> None:
    archive_list(film, "film", ADMIN)
    with pytest.raises(Conflict, match="lists unarchive film"):
        subscribe(film, EMAIL, "film", ADMIN)


def test_unknown_list_or_contact_is_not_found(film: Session) -> None:
    with pytest.raises(NotFound, match="lists create nope"):
        subscribe(film, EMAIL, "nope", ADMIN)
    with pytest.raises(NotFound):
        subscribe(film, "nobody@x.example", "film", ADMIN)


def test_unsubscribe_records_time_reason_actor_and_channel(film: Session) -> None:
    subscribe(film, EMAIL, "film", ADMIN)
    journalist = Actor("journalist", Role.VIEWER)
    result = unsubscribe(
        film, EMAIL, "film", journalist, Channel.ONE_CLICK, reason="List-Unsubscribe-Post"
    )
    assert result.unsubscribed == ["film"]
    sub = film.scalars(select(Subscription)).one()
    assert (sub.status, sub.channel, sub.reason, sub.actor) == (
        SubscriptionStatus.UNSUBSCRIBED,
        Channel.ONE_CLICK,
        "List-Unsubscribe-Post",
        "journalist",
    )
    entry = film.scalars(
        select(AuditEntry).where(AuditEntry.action == "subscription.unsubscribe")
    ).one()
    assert (entry.actor, entry.details["lists"]) == ("journalist", ["film"])


def test_unsubscribe_from_all_lists_leaves_each(film: Session) -> None:
    subscribe(film, EMAIL, "film", ADMIN)
    subscribe(film, EMAIL, "tech", ADMIN)
    unsubscribe(film, EMAIL, "tech", ADMIN)
    result = unsubscribe(film, EMAIL, None, ADMIN, reason="asked by phone")
    assert (result.unsubscribed, result.already) == (["film"], ["tech"])
    statuses = set(film.scalars(select(Subscription.status)))
    assert statuses == {SubscriptionStatus.UNSUBSCRIBED}


def test_unsubscribing_twice_changes_nothing_and_records_once(film: Session) -> None:
    subscribe(film, EMAIL, "film", ADMIN)
    unsubscribe(film, EMAIL, "film", ADMIN, reason="first")
    again = unsubscribe(film, EMAIL, "film", ADMIN, reason="second")
    assert (again.unsubscribed, again.already) == ([], ["film"])
    assert film.scalars(select(Subscription.reason)).one() == "first"
    actions = film.scalars(
        select(AuditEntry).where(AuditEntry.action == "subscription.unsubscribe")
    ).all()
    assert len(actions) == 1


def test_unsubscribing_from_a_list_one_is_not_on_is_not_found(film: Session) -> None:
    with pytest.raises(NotFound, match="not on list 'film'"):
        unsubscribe(film, EMAIL, "film", ADMIN)


@pytest.mark.parametrize("channel", [Channel.IMPORT, Channel.API])
def test_an_import_or_the_api_does_not_undo_an_unsubscribe(film: Session, channel: Channel) -> None:
    subscribe(film, EMAIL, "film", ADMIN)
    unsubscribe(film, EMAIL, "film", ADMIN, Channel.ONE_CLICK)
    result = subscribe(film, EMAIL, "film", ADMIN, channel, reason="reimport")
    assert result.outcome == SubscribeOutcome.KEPT_UNSUBSCRIBED
    assert result.subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert result.subscription.channel == Channel.ONE_CLICK


def test_an_admin_resubscribes_only_with_a_reason(film: Session) -> None:
    subscribe(film, EMAIL, "film", ADMIN)
    unsubscribe(film, EMAIL, "film", ADMIN, reason="left the paper")
    with pytest.raises(InvalidInput, match=r"left the paper.*needs a reason"):
        subscribe(film, EMAIL, "film", ADMIN)
    result = subscribe(film, EMAIL, "film", ADMIN, reason="asked by phone")
    assert result.outcome == SubscribeOutcome.RESUBSCRIBED
    assert (result.subscription.status, result.subscription.reason) == (
        SubscriptionStatus.SUBSCRIBED,
        "asked by phone",
    )
    actions = film.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "subscription.resubscribe"


def test_a_press_officer_only_reads_lists_and_cannot_subscribe(film: Session) -> None:
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        subscribe(film, EMAIL, "film", OFFICER)
    assert film.scalars(select(Subscription)).all() == []


def test_the_journalist_may_resubscribe_on_the_preferences_page(film: Session) -> None:
    subscribe(film, EMAIL, "film", ADMIN)
    unsubscribe(film, EMAIL, "film", ADMIN)
    result = subscribe(film, EMAIL, "film", ADMIN, Channel.PREFERENCES)
    assert result.outcome == SubscribeOutcome.RESUBSCRIBED
