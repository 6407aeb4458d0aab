"""What a journalist decides through their own signed link: leave a send-out's lists, stop
all mail, or choose their lists and language on the preferences page.

Every change goes through the subscription and suppression services, so the same
rules hold as at any other door, and each one is recorded as an `unsubscribed`
event on the delivery whose link was used. The send pipeline reads subscriptions
and suppressions again before each batch, so a send-out still in progress stops too.

The RFC 8058 one-click POST is the busy door (mail providers post them in bursts
right after a send-out): on PostgreSQL it is one statement, see `unsubscribe_by_token`.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import pycountry
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.contacts.directory import edit_contact, suppression_of
from distributor.contacts.recipient_links import (
    LINK,
    RecipientLink,
    checked_link,
    link_actor,
    open_link,
)
from distributor.contacts.subscriptions import (
    LEAVING,
    UNSUBSCRIBE_ACTION,
    leave_lists,
    leaving,
    subscribe_contact,
    unsubscribe,
)
from distributor.contacts.suppressions import suppress
from distributor.errors import InvalidInput
from distributor.models import (
    AuditEntry,
    Channel,
    Contact,
    DeliveryEvent,
    DeliveryEventKind,
    MailingList,
    SendOutAudience,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
    UTCDateTime,
)
from distributor.wording import languages


class Scope(enum.StrEnum):
    SENDOUT_LISTS = "lists"  # the lists the send-out went to
    EVERYTHING = "everything"  # every list, and no send-out email ever again


@dataclass(frozen=True)
class UnsubscribeOffer:
    """What the unsubscribe page offers before anything changes."""

    email: str
    lists: tuple[str, ...]  # names of the send-out's lists the contact is still on
    reached_by_segment: bool  # the send-out's lists do not explain it: "this list" is everything
    suppressed: bool  # unsubscribed from everything already


@dataclass(frozen=True)
class Unsubscribed:
    scope: Scope
    left: tuple[str, ...]  # names of the lists just left
    suppressed: bool  # newly suppressed

    @property
    def already(self) -> bool:
        """Nothing changed: the same request had been made before."""
        return not self.left and not self.suppressed


@dataclass(frozen=True)
class ListChoice:
    slug: str
    name: str
    subscribed: bool


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str


@dataclass(frozen=True)
class Preferences:
    email: str
    name: str
    language: str | None
    lists: tuple[ListChoice, ...]
    languages: tuple[LanguageChoice, ...]
    suppressed: bool  # no list can be joined again from the page
    tracking_allowed: bool  # False: they object to tracked links and opens


_LEFT_BY_LINK = "unsubscribed from the send-out's lists through the link in its email"


def _lists_of(
    sendout_id: ColumnElement[int], contact_id: ColumnElement[int]
) -> Select[int, str, str, SubscriptionStatus]:
    """The lists the send-out included that the contact is on (id, slug, name, status), by slug."""
    return (
        select(MailingList.id, MailingList.slug, MailingList.name, Subscription.status)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .join(SendOutAudience, SendOutAudience.list_id == MailingList.id)
        .where(
            SendOutAudience.sendout_id == sendout_id,
            SendOutAudience.exclude.is_(False),
            Subscription.contact_id == contact_id,
        )
        .order_by(MailingList.slug)
    )


def _one_click() -> Select[*tuple[Any, ...]]:
    """PostgreSQL: open the link, leave the send-out's lists, write the audit entry and the event.

    One statement, so one round trip: `LINK`'s row with, per list of the send-out the
    contact is on, its slug, name, status before and whether it was just left (no list:
    one row with NULLs). An expired link changes nothing. Every part sees the same
    snapshot; a second click racing the first finds its rows already unsubscribed when
    its UPDATE gets them (READ COMMITTED re-checks the WHERE), so it leaves nothing and
    writes neither an audit entry nor an event, as `leave_lists` would.
    """
    link = LINK.cte("link")
    sent = func.coalesce(link.c.sent_at, link.c.created_at)
    lists = (
        _lists_of(link.c.sendout_id, link.c.contact_id)
        .add_columns(Subscription.id.label("subscription_id"))
        .where(sent >= bindparam("oldest"))
        .cte("on_lists")
    )
    left = (
        update(Subscription)
        .where(
            Subscription.id == lists.c.subscription_id,
            Subscription.status != SubscriptionStatus.UNSUBSCRIBED,
        )
        .values(LEAVING)
        .returning(lists.c.slug)
        .cte("left_lists")
    )
    slugs = select(func.jsonb_agg(aggregate_order_by(left.c.slug, left.c.slug))).scalar_subquery()
    any_left = exists(select(left.c.slug))
    now = bindparam("now", type_=UTCDateTime())
    audit = insert(AuditEntry).from_select(
        ["at", "actor", "action", "entity_type", "entity_id", "details"],
        select(
            now,
            bindparam("actor_label", type_=String()),
            literal(UNSUBSCRIBE_ACTION),
            literal("contact"),
            link.c.contact_id.cast(String),
            func.jsonb_build_object("email", link.c.email, "lists", slugs).op("||")(
                bindparam("audit_details", type_=JSONB)
            ),
        ).where(any_left),
    )
    event = insert(DeliveryEvent).from_select(
        ["delivery_id", "kind", "at", "detail", "data"],
        select(
            link.c.id,
            literal(DeliveryEventKind.UNSUBSCRIBED, DeliveryEvent.__table__.c.kind.type),
            now,
            literal(Scope.SENDOUT_LISTS.value),
            func.jsonb_build_object("lists", slugs).op("||")(bindparam("event_data", type_=JSONB)),
        ).where(any_left),
    )
    return (
        select(
            *link.c,
            lists.c.slug,
            lists.c.name,
            lists.c.status,
            left.c.slug.is_not(None).label("just_left"),
        )
        .select_from(link.outerjoin(lists, true()).outerjoin(left, left.c.slug == lists.c.slug))
        .order_by(lists.c.slug)
        .add_cte(audit.cte("audit"), event.cte("event"))
    )


# Built once: every one-click unsubscribe runs them.
_EVENT = insert(cast(Table, DeliveryEvent.__table__))
_SENDOUT_LISTS = _lists_of(bindparam("sendout_id"), bindparam("contact_id"))
_ONE_CLICK = _one_click()


def sendout_lists(
    session: Session, link: RecipientLink
) -> Sequence[Row[int, str, str, SubscriptionStatus]]:
    """The lists the send-out included that the contact is on (id, slug, name, status), by slug."""
    return (
        session.connection()
        .execute(_SENDOUT_LISTS, {"sendout_id": link.sendout_id, "contact_id": link.contact_id})
        .all()
    )


def unsubscribe_offer(session: Session, link: RecipientLink) -> UnsubscribeOffer:
    rows = sendout_lists(session, link)
    return UnsubscribeOffer(
        email=link.email,
        lists=tuple(row.name for row in rows if row.status != SubscriptionStatus.UNSUBSCRIBED),
        reached_by_segment=not rows,
        suppressed=suppression_of(session, link.email) is not None,
    )


def unsubscribe_by_token(
    session: Session,
    token: str,
    secret: str,
    max_age: timedelta,
    scope: Scope,
    channel: Channel,
    now: datetime,
) -> Unsubscribed:
    """`unsubscribe_by_link` for the link `token`, opened as `open_link` opens it.

    UnknownLink or LinkExpired, with nothing changed, when the link may not be used.
    On PostgreSQL, leaving the send-out's lists is one statement (`_one_click`) rather
    than five; the answer, the rows written and the refusals are the same.
    """
    dialect = session.get_bind().dialect.name
    if scope is not Scope.SENDOUT_LISTS or dialect != "postgresql":
        link = open_link(session, token, secret, max_age, now)
        return unsubscribe_by_link(session, link, scope, channel, now)
    delivery_id = tokens.read_delivery_token(token, secret)
    rows: Sequence[Row[*tuple[Any, ...]]] = []
    if delivery_id is not None:
        actor = link_actor(delivery_id)
        parameters = {
            "delivery_id": delivery_id,
            "oldest": now - max_age,
            "now": now,
            "actor_label": actor.label,
            "audit_details": {"channel": channel.value, "reason": _LEFT_BY_LINK},
            "event_data": {"channel": channel.value},
        }
        parameters |= leaving(actor, channel, _LEFT_BY_LINK)
        rows = session.connection().execute(_ONE_CLICK, parameters).all()
    link = checked_link(token, rows[0] if rows else None, max_age, now)
    if rows[0].slug is None:  # reached through a segment, not a list: as `unsubscribe_by_link`
        return _stop_all_mail(session, link, channel, now)
    left = {row.slug: row.name for row in rows if row.just_left}
    return Unsubscribed(Scope.SENDOUT_LISTS, tuple(left.values()), suppressed=False)


def unsubscribe_by_link(
    session: Session, link: RecipientLink, scope: Scope, channel: Channel, now: datetime
) -> Unsubscribed:
    """Leave the send-out's lists, or everything; asking twice changes nothing the second time.

    A send-out that reached the contact through a segment rather than a list they
    are on has no list to leave, so leaving "its lists" means leaving everything.
    """
    rows = sendout_lists(session, link)
    if scope is Scope.EVERYTHING or not rows:
        return _stop_all_mail(session, link, channel, now)
    on = {row.id: row.slug for row in rows if row.status != SubscriptionStatus.UNSUBSCRIBED}
    left = leave_lists(session, link.contact_id, link.email, on, link.actor, channel, _LEFT_BY_LINK)
    if left:
        _record_event(session, link, channel, now, Scope.SENDOUT_LISTS, left)
    names = {row.slug: row.name for row in rows}
    return Unsubscribed(Scope.SENDOUT_LISTS, tuple(names[slug] for slug in left), suppressed=False)


def _stop_all_mail(
    session: Session, link: RecipientLink, channel: Channel, now: datetime
) -> Unsubscribed:
    note = "unsubscribed from everything through the link in an email"
    left = unsubscribe(session, link.email, None, link.actor, channel, note).unsubscribed
    _, new = suppress(
        session,
        link.email,
        SuppressionReason.UNSUBSCRIBED,
        actor=link.actor,
        channel=channel,
        source=f"delivery {link.delivery_id}",
        note=note,
    )
    if left or new:
        _record_event(session, link, channel, now, Scope.EVERYTHING, left)
    return Unsubscribed(Scope.EVERYTHING, _names(session, left), suppressed=new)


def _names(session: Session, slugs: Collection[str]) -> tuple[str, ...]:
    if not slugs:
        return ()
    found = session.scalars(
        select(MailingList.name).where(MailingList.slug.in_(slugs)).order_by(MailingList.slug)
    )
    return tuple(found)


def _record_event(
    session: Session,
    link: RecipientLink,
    channel: Channel,
    now: datetime,
    scope: Scope,
    lists: Collection[str],
) -> None:
    """The `unsubscribed` event on the delivery whose link was used, written at once (one INSERT)."""
    session.connection().execute(
        _EVENT,
        {
            "delivery_id": link.delivery_id,
            "kind": DeliveryEventKind.UNSUBSCRIBED,
            "at": now,
            "detail": scope.value,
            "data": {"channel": channel.value, "lists": sorted(lists)},
        },
    )


def preferences_of(session: Session, link: RecipientLink) -> Preferences:
    contact = session.get_one(Contact, link.contact_id)
    rows = session.execute(
        select(Subscription.status, MailingList.slug, MailingList.name)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(Subscription.contact_id == contact.id)
        .order_by(MailingList.name, MailingList.slug)
    )
    return Preferences(
        email=contact.email,
        name=contact.name,
        language=contact.language,
        lists=tuple(
            ListChoice(slug, name, status == SubscriptionStatus.SUBSCRIBED)
            for status, slug, name in rows
        ),
        languages=_language_choices(contact.language),
        suppressed=suppression_of(session, contact.email) is not None,
        tracking_allowed=contact.tracking_allowed,
    )


def _language_choices(current: str | None) -> tuple[LanguageChoice, ...]:
    """The languages releases are worded in, and the contact's own if it is another."""
    codes = [*languages(), *([current] if current and current not in languages() else [])]
    return tuple(LanguageChoice(code, _language_name(code)) for code in codes)


def _language_name(code: str) -> str:
    found = pycountry.languages.get(alpha_2=code.split("-")[0])
    return str(found.name) if found is not None else code


def save_preferences(
    session: Session,
    link: RecipientLink,
    *,
    language: str,
    lists: Collection[str] | None,
    now: datetime,
    tracking_allowed: bool | None = None,
) -> Preferences:
    """Set the language ("" for none) and, unless None, which lists to stay on and tracking.

    Only lists the contact is already on (subscribed or not) can be chosen: the link
    lets them undo their own unsubscribe, not join lists the press office never
    put them on. A suppressed address is not subscribed again (Conflict).
    """
    contact = session.get_one(Contact, link.contact_id)
    chosen_language = language.strip()
    offered = {choice.code for choice in _language_choices(contact.language)}
    if chosen_language and chosen_language not in offered:
        raise InvalidInput(
            f"language {chosen_language!r} is not offered; choose one of {', '.join(sorted(offered))}"
        )
    changes = {"language": chosen_language} if chosen_language != (contact.language or "") else {}
    if tracking_allowed == contact.tracking_allowed:
        tracking_allowed = None
    if changes or tracking_allowed is not None:
        edit_contact(session, contact.email, changes, link.actor, tracking_allowed=tracking_allowed)
    if lists is not None:
        _choose_lists(session, link, contact, set(lists), now)
    return preferences_of(session, link)


def _choose_lists(
    session: Session, link: RecipientLink, contact: Contact, wanted: set[str], now: datetime
) -> None:
    reason = "chosen on the preferences page"
    rows = session.execute(
        select(Subscription, MailingList)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(Subscription.contact_id == contact.id)
        .order_by(MailingList.slug)
    ).all()
    left: list[str] = []
    for subscription, mailing_list in rows:
        subscribed = subscription.status == SubscriptionStatus.SUBSCRIBED
        if mailing_list.slug in wanted and not subscribed:
            subscribe_contact(
                session, contact, mailing_list, link.actor, Channel.PREFERENCES, reason
            )
        elif mailing_list.slug not in wanted and subscribed:
            unsubscribe(
                session, contact.email, mailing_list.slug, link.actor, Channel.PREFERENCES, reason
            )
            left.append(mailing_list.slug)
    if left:
        _record_event(session, link, Channel.PREFERENCES, now, Scope.SENDOUT_LISTS, left)
