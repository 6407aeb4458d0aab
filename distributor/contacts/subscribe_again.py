"""Subscribe again: the way back a journalist is offered right after unsubscribing by mistake.

The unsubscribe answer carries a signed token naming the delivery whose link was used,
what was left (the send-out's lists, or everything) and when. Opening it changes
nothing; the button posts it back, and the journalist is on the send-out's lists again.
A stop of all mail is lifted only when this very link made it: a suppression for a
bounce, a complaint or an admin's decision is never undone from a journalist's page.
The token works for `AGAIN_WINDOW`, and only while the email's own link still does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from distributor import tokens
from distributor.contacts.directory import suppression_of
from distributor.contacts.recipient_choices import Scope, sendout_lists
from distributor.contacts.recipient_links import LinkExpired, RecipientLink, UnknownLink, open_link
from distributor.contacts.subscriptions import subscribe_contact
from distributor.contacts.suppressions import remove_suppression
from distributor.errors import Conflict
from distributor.models import (
    Channel,
    Contact,
    MailingList,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
)

AGAIN_WINDOW = timedelta(days=30)
_REASON = "subscribed again right after unsubscribing, through the link in the email"


@dataclass(frozen=True)
class AgainLink:
    """An opened subscribe-again token: whose link it was, and what they had left."""

    link: RecipientLink
    scope: Scope
    delivery_token: str  # the email's own links' token: its preferences page, for one


@dataclass(frozen=True)
class AgainOffer:
    """What the confirm page says will happen."""

    email: str
    lists: tuple[str, ...]  # names of the send-out's lists the contact is off and can rejoin
    lifts_stop: bool  # the stop of all mail this link made goes too
    blocked: (
        bool  # stopped for another reason (a bounce, a complaint, the office): no way back here
    )


def subscribe_again_token(delivery_token: str, scope: Scope, secret: str, now: datetime) -> str:
    """The token of the "subscribe again" button on the answer to an unsubscribe by `delivery_token`."""
    delivery_id = tokens.read_delivery_token(delivery_token, secret)
    payload = {"d": delivery_id, "s": scope.value, "t": int(now.timestamp())}
    return tokens.subscribe_again_token(payload, secret)


def open_again(
    session: Session, token: str, secret: str, link_max_age: timedelta, now: datetime
) -> AgainLink:
    """The subscribe-again token `token`; UnknownLink when forged, LinkExpired when too old."""
    payload = tokens.read_subscribe_again_token(token, secret)
    if not _well_formed(payload):
        raise UnknownLink(f"not a subscribe-again token: {token[:40]!r}")
    issued = datetime.fromtimestamp(payload["t"], UTC)
    if now - issued > AGAIN_WINDOW:
        raise LinkExpired(f"the subscribe-again link expired on {issued + AGAIN_WINDOW:%Y-%m-%d}")
    delivery_token = tokens.delivery_token(payload["d"], secret)
    link = open_link(session, delivery_token, secret, link_max_age, now)
    return AgainLink(link, Scope(payload["s"]), delivery_token)


def _well_formed(payload: object) -> bool:
    return (
        isinstance(payload, dict)
        and isinstance(payload.get("d"), int)
        and payload["d"] >= 0
        and payload.get("s") in {scope.value for scope in Scope}
        and isinstance(payload.get("t"), int)
    )


def again_offer(session: Session, again: AgainLink) -> AgainOffer:
    """What pressing the button would do; nothing changes."""
    own = _own_stop(session, again)
    return AgainOffer(
        email=again.link.email,
        lists=tuple(name for _, name in _lists_left(session, again.link)),
        lifts_stop=own is not None,
        blocked=own is None and suppression_of(session, again.link.email) is not None,
    )


def subscribe_again(session: Session, again: AgainLink) -> tuple[str, ...]:
    """Lift the stop this link made, if any, and rejoin the send-out's lists; their names.

    Conflict, with nothing changed, when the address is stopped for another reason.
    Pressing twice changes nothing the second time.
    """
    link = again.link
    own = _own_stop(session, again)
    if own is not None:
        remove_suppression(session, link.email, link.actor, _REASON)
    elif suppression_of(session, link.email) is not None:
        raise Conflict(f"{link.email} is on the suppression list for another reason")
    contact = session.get_one(Contact, link.contact_id)
    rejoined = []
    for list_id, name in _lists_left(session, link):
        mailing_list = session.get_one(MailingList, list_id)
        subscribe_contact(session, contact, mailing_list, link.actor, Channel.PREFERENCES, _REASON)
        rejoined.append(name)
    return tuple(rejoined)


def _lists_left(session: Session, link: RecipientLink) -> list[tuple[int, str]]:
    """The send-out's lists the contact is on but unsubscribed from, that still take people."""
    return [
        (row.id, row.name)
        for row in sendout_lists(session, link)
        if row.status == SubscriptionStatus.UNSUBSCRIBED
        and session.get_one(MailingList, row.id).archived_at is None
    ]


def _own_stop(session: Session, again: AgainLink) -> Suppression | None:
    """The suppression the "everything" unsubscribe of this very link made, if it is still there."""
    entry = suppression_of(session, again.link.email)
    if (
        again.scope is Scope.EVERYTHING
        and entry is not None
        and entry.reason == SuppressionReason.UNSUBSCRIBED
        and entry.source == f"delivery {again.link.delivery_id}"
    ):
        return entry
    return None
