"""Who is on which list: subscribe and unsubscribe, with when, why, how and by whom.

The CLI, the admin UI, imports and the journalist's own one-click unsubscribe
all come through here, so the rules hold for every door: a suppressed address
is never subscribed, and an unsubscribe is only undone by an explicit choice.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, bindparam, select, update
from sqlalchemy.orm import Session

from distributor.audit import Actor, append, record
from distributor.contacts.directory import get_contact, suppression_of
from distributor.contacts.lists import get_list
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    Channel,
    Contact,
    MailingList,
    Role,
    Subscription,
    SubscriptionStatus,
    utcnow,
)

# The journalist's own choice on a form may undo their earlier unsubscribe.
_OWN_CHOICE = frozenset({Channel.SIGNUP, Channel.PREFERENCES})
# What a move sets (`_moved`), on one subscription or, in `LEAVING`, many rows at once.
_MOVED = ("status", "channel", "reason", "actor", "changed_at")
# The SET clause of an UPDATE that unsubscribes, with the parameters `leaving` gives.
LEAVING: dict[str, BindParameter[Any]] = {name: bindparam(f"new_{name}") for name in _MOVED}
# Built once: every unsubscribe through a link runs it.
_LEAVE = (
    update(Subscription)
    .where(
        Subscription.contact_id == bindparam("of_contact"),
        Subscription.list_id.in_(bindparam("of_lists", expanding=True)),
        Subscription.status != SubscriptionStatus.UNSUBSCRIBED,
    )
    .values(LEAVING)
    .returning(Subscription.list_id)
)
UNSUBSCRIBE_ACTION = "subscription.unsubscribe"  # what the audit log calls leaving lists


class SubscribeOutcome(enum.StrEnum):
    SUBSCRIBED = "subscribed"  # newly on the list
    RESUBSCRIBED = "resubscribed"  # was unsubscribed or pending, now subscribed again
    ALREADY_SUBSCRIBED = "already_subscribed"
    KEPT_UNSUBSCRIBED = "kept_unsubscribed"  # an import or the API does not undo an unsubscribe


@dataclass(frozen=True)
class SubscribeResult:
    subscription: Subscription
    outcome: SubscribeOutcome


@dataclass(frozen=True)
class UnsubscribeResult:
    contact_id: int
    email: str
    unsubscribed: list[str] = field(default_factory=list)  # slugs of lists just left
    already: list[str] = field(default_factory=list)  # slugs it had already left


def subscribe(
    session: Session,
    email: str,
    list_slug: str,
    actor: Actor,
    channel: Channel = Channel.ADMIN,
    reason: str | None = None,
) -> SubscribeResult:
    """Put the contact with `email` on the list `list_slug`; see `subscribe_contact`."""
    return subscribe_contact(
        session, get_contact(session, email), get_list(session, list_slug), actor, channel, reason
    )


def subscribe_contact(
    session: Session,
    contact: Contact,
    mailing_list: MailingList,
    actor: Actor,
    channel: Channel = Channel.ADMIN,
    reason: str | None = None,
) -> SubscribeResult:
    """Subscribe a contact to a list; doing it twice changes nothing.

    Refused for a suppressed address and for an archived list. A contact who
    unsubscribed stays unsubscribed unless an admin resubscribes them with a
    reason, or they choose to again themselves (signup, preferences).
    """
    actor.require(Role.ADMIN, "subscribing a contact to a list")
    suppression = suppression_of(session, contact.email)
    if suppression is not None:
        raise Conflict(
            f"{contact.email} is suppressed ({suppression.reason.value}) and cannot be "
            f"subscribed to {mailing_list.slug!r}; if it may receive mail again, run "
            f"`distributor suppressions remove {contact.email} --reason TEXT`"
        )
    if mailing_list.archived_at is not None:
        raise Conflict(
            f"list {mailing_list.slug!r} is archived and takes no new subscribers; "
            f"`distributor lists unarchive {mailing_list.slug}` first"
        )
    subscription = session.scalar(
        select(Subscription).where(
            Subscription.list_id == mailing_list.id, Subscription.contact_id == contact.id
        )
    )
    if subscription is None:
        subscription = Subscription(
            list_id=mailing_list.id,
            contact_id=contact.id,
            status=SubscriptionStatus.SUBSCRIBED,
            channel=channel,
            reason=reason,
            actor=actor.label,
            changed_at=utcnow(),
        )
        session.add(subscription)
        outcome = SubscribeOutcome.SUBSCRIBED
    elif subscription.status == SubscriptionStatus.SUBSCRIBED:
        return SubscribeResult(subscription, SubscribeOutcome.ALREADY_SUBSCRIBED)
    elif not _may_resubscribe(subscription, contact, actor, channel, reason):
        return SubscribeResult(subscription, SubscribeOutcome.KEPT_UNSUBSCRIBED)
    else:
        _move(subscription, SubscriptionStatus.SUBSCRIBED, actor, channel, reason)
        outcome = SubscribeOutcome.RESUBSCRIBED
    session.flush()
    record(
        session,
        actor,
        "subscription.subscribe"
        if outcome == SubscribeOutcome.SUBSCRIBED
        else "subscription.resubscribe",
        "subscription",
        subscription.id,
        email=contact.email,
        list=mailing_list.slug,
        channel=channel.value,
        reason=reason,
    )
    return SubscribeResult(subscription, outcome)


def _may_resubscribe(
    subscription: Subscription,
    contact: Contact,
    actor: Actor,
    channel: Channel,
    reason: str | None,
) -> bool:
    """Whether a pending or unsubscribed subscription may become subscribed by this request."""
    if channel in _OWN_CHOICE:
        return True
    if channel != Channel.ADMIN:
        return False
    if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        actor.require(Role.ADMIN, f"resubscribing {contact.email}, who unsubscribed,")
        if not (reason and reason.strip()):
            when = subscription.changed_at.strftime("%Y-%m-%d")
            raise InvalidInput(
                f"{contact.email} unsubscribed on {when} ({subscription.reason or 'no reason given'}); "
                "resubscribing needs a reason, e.g. --reason 'asked by phone on 2026-03-01'"
            )
    return True


def _move(
    subscription: Subscription,
    status: SubscriptionStatus,
    actor: Actor,
    channel: Channel,
    reason: str | None,
) -> None:
    for name, value in _moved(status, actor, channel, reason).items():
        setattr(subscription, name, value)


def _moved(
    status: SubscriptionStatus, actor: Actor, channel: Channel, reason: str | None
) -> dict[str, Any]:
    """What a move to `status` sets on a subscription, one object or many rows at once."""
    return dict(zip(_MOVED, (status, channel, reason, actor.label, utcnow()), strict=True))


def leaving(actor: Actor, channel: Channel, reason: str | None) -> dict[str, Any]:
    """The parameters of `LEAVING` for an unsubscribe by `actor`."""
    changes = _moved(SubscriptionStatus.UNSUBSCRIBED, actor, channel, reason)
    return {f"new_{name}": value for name, value in changes.items()}


def unsubscribe(
    session: Session,
    email: str,
    list_slug: str | None,
    actor: Actor,
    channel: Channel = Channel.ADMIN,
    reason: str | None = None,
) -> UnsubscribeResult:
    """Take the contact off `list_slug`, or off every list when it is None.

    Anyone may stop mail, so no role is required. The address is not suppressed
    here: the caller decides whether this unsubscribe means "never again".
    """
    contact = get_contact(session, email)
    query = select(Subscription.list_id, MailingList.slug).join(
        MailingList, MailingList.id == Subscription.list_id
    )
    query = query.where(Subscription.contact_id == contact.id).order_by(MailingList.slug)
    if list_slug is not None:
        query = query.where(Subscription.list_id == get_list(session, list_slug).id)
    lists = dict(session.execute(query).all())
    if list_slug is not None and not lists:
        raise NotFound(
            f"{contact.email} is not on list {list_slug!r}; "
            f"see its lists with `distributor contacts show {contact.email}`"
        )
    left = leave_lists(session, contact.id, contact.email, lists, actor, channel, reason)
    return UnsubscribeResult(
        contact_id=contact.id,
        email=contact.email,
        unsubscribed=left,
        already=[slug for slug in lists.values() if slug not in left],
    )


def leave_lists(
    session: Session,
    contact_id: int,
    email: str,
    lists: Mapping[int, str],
    actor: Actor,
    channel: Channel,
    reason: str | None,
) -> list[str]:
    """Unsubscribe a contact already looked up from `lists` (id: slug); the slugs just left.

    For callers that hold the contact and its lists already, such as the one-click
    link: one UPDATE … RETURNING and one audit INSERT, nothing read again. Lists
    left before keep their earlier reason; the slugs come in the order of `lists`.
    """
    if not lists:
        return []
    parameters = {"of_contact": contact_id, "of_lists": list(lists)}
    # On the connection: the ORM's bulk UPDATE would evaluate its WHERE against every
    # object in the session, the costliest step of a one-click unsubscribe on SQLite.
    # The contact's subscriptions this session holds are expired instead.
    moved = set(session.connection().scalars(_LEAVE, parameters | leaving(actor, channel, reason)))
    for held in list(session.identity_map.values()):
        if isinstance(held, Subscription) and held.contact_id == contact_id:
            session.expire(held)
    left = [slug for list_id, slug in lists.items() if list_id in moved]
    if left:
        append(
            session,
            actor,
            UNSUBSCRIBE_ACTION,
            "contact",
            contact_id,
            email=email,
            lists=left,
            channel=channel.value,
            reason=reason,
        )
    return left
