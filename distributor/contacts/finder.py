"""Contacts across all lists: one filter (text, list, outlet, beat, country, language, status,
engagement), sorted by a column, a page at a time, for the contacts page and its bulk actions.

A filter becomes one SQL condition, so a page, its count, a bulk action and an export
read the same contacts. Sorting ends on the contact id, so pages never overlap.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression

from distributor.contacts.directory import UnicodeLower
from distributor.contacts.values import clean_value
from distributor.errors import InvalidInput
from distributor.models import (
    CONTACT_SEARCH_TEXT,
    Contact,
    ContactBeat,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    MailingList,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    utcnow,
)

PER_PAGE = 50
# Up to this many contacts matching a filter, they are sorted whole rather than found by
# walking an index in the page's order (see `_page_ids`).
SORTED_WHOLE = 20_000
_Choice = TypeVar("_Choice", bound=enum.StrEnum)
ENGAGEMENT_DAYS = 90
_REACTIONS = (DeliveryEventKind.OPENED, DeliveryEventKind.CLICKED)


class ContactStatus(enum.StrEnum):
    SUBSCRIBED = "subscribed"  # on the list chosen, or on some list
    UNSUBSCRIBED = "unsubscribed"  # left the list chosen, or on lists but subscribed to none
    SUPPRESSED = "suppressed"  # on the suppression list: never mailed again
    BOUNCED = "bounced"  # a message to them bounced


class Engagement(enum.StrEnum):
    ACTIVE = "active"  # opened or clicked in the last ENGAGEMENT_DAYS days
    CLICKED = "clicked"  # clicked in the last ENGAGEMENT_DAYS days
    QUIET = "quiet"  # no open or click in the last ENGAGEMENT_DAYS days
    NEVER = "never"  # never opened or clicked


class SortKey(enum.StrEnum):
    NAME = "name"
    EMAIL = "email"
    OUTLET = "outlet"
    COUNTRY = "country"
    LANGUAGE = "language"
    ADDED = "added"


_SORT_COLUMNS: dict[SortKey, tuple[Any, ...]] = {
    SortKey.NAME: (Contact.last_name, Contact.first_name),
    SortKey.EMAIL: (Contact.email,),
    SortKey.OUTLET: (Contact.outlet,),
    SortKey.COUNTRY: (Contact.country,),
    SortKey.LANGUAGE: (Contact.language,),
    SortKey.ADDED: (Contact.created_at,),
}


@dataclass(frozen=True)
class ContactFilter:
    """What a person asked for; empty fields filter nothing. Country and language are cleaned
    (codes), so "France" and "FR" find the same contacts."""

    text: str = ""
    list_slug: str = ""
    outlet: str = ""
    beat: str = ""
    country: str = ""
    language: str = ""
    status: ContactStatus | None = None
    engagement: Engagement | None = None

    @classmethod
    def from_query(cls, values: dict[str, str]) -> ContactFilter:
        """The filter a page's query string or form gives; unknown status or engagement
        words are refused with InvalidInput naming the field."""
        given = {f.name: values.get(f.name, "").strip() for f in fields(cls)}
        status, engagement = given.pop("status"), given.pop("engagement")
        return cls(
            **given,
            status=_choice(ContactStatus, status, "status"),
            engagement=_choice(Engagement, engagement, "engagement"),
        )

    def as_query(self) -> dict[str, str]:
        """The filter as query parameters, only those given: for links that keep it."""
        pairs = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: str(value) for name, value in pairs.items() if value}

    @property
    def empty(self) -> bool:
        return not self.as_query()


def _choice(kind: type[_Choice], text: str, name: str) -> _Choice | None:
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise InvalidInput(f"{name} {text!r} is not one of {choices}") from None


def filter_problems(wanted: ContactFilter) -> dict[str, str]:
    """What is wrong with a filter's country, language or list, by field; empty when it is usable."""
    problems: dict[str, str] = {}
    for name in ("country", "language"):
        text = getattr(wanted, name)
        if text:
            try:
                clean_value(name, text)
            except ValueError as error:
                problems[name] = str(error)
    return problems


def _cleaned(wanted: ContactFilter) -> ContactFilter:
    problems = filter_problems(wanted)
    if problems:
        raise InvalidInput("; ".join(f"{name}: {reason}" for name, reason in problems.items()))
    return replace(
        wanted,
        country=clean_value("country", wanted.country) if wanted.country else "",
        language=clean_value("language", wanted.language) if wanted.language else "",
    )


def _contains(column: Any, needle: str) -> ColumnElement[bool]:
    return UnicodeLower(column).contains(needle.lower(), autoescape=True)


def _text_condition(text: str, dialect: str) -> ColumnElement[bool]:
    """The words of `text`, each found in the address, the name, the outlet, the role or the city
    (on PostgreSQL through the trigram index on that text)."""
    return and_(*(_has_word(word, dialect) for word in text.split()))


def _has_word(word: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite" and word.isascii():
        # SQLite's LIKE ignores the case of ASCII letters itself: no function call a contact.
        return CONTACT_SEARCH_TEXT.contains(word, autoescape=True)
    return UnicodeLower(CONTACT_SEARCH_TEXT).contains(word.lower(), autoescape=True)


def _reacted(since: datetime | None, kinds: Sequence[DeliveryEventKind]) -> ColumnElement[bool]:
    """Whether the contact opened or clicked (`kinds`) a message, since `since` if given."""
    conditions = [
        Delivery.contact_id == Contact.id,
        DeliveryEvent.delivery_id == Delivery.id,
        DeliveryEvent.kind.in_(kinds),
    ]
    if since is not None:
        conditions.append(DeliveryEvent.at >= since)
    return exists().where(*conditions)


def _list_id(session: Session, slug: str) -> int:
    found = session.scalar(select(MailingList.id).where(MailingList.slug == slug))
    if found is None:
        raise InvalidInput(f"list: there is no list {slug!r}")
    return found


def matching(
    session: Session, wanted: ContactFilter, now: datetime | None = None
) -> ColumnElement[bool]:
    """The SQL condition on Contact of every filter given (InvalidInput for a bad one)."""
    wanted = _cleaned(wanted)
    conditions: list[ColumnElement[bool]] = []
    if wanted.text:
        conditions.append(_text_condition(wanted.text, session.get_bind().dialect.name))
    if wanted.outlet:
        conditions.append(_contains(Contact.outlet, wanted.outlet))
    if wanted.country:
        conditions.append(Contact.country == wanted.country)
    if wanted.language:
        code = wanted.language
        conditions.append(or_(Contact.language == code, Contact.language.startswith(f"{code}-")))
    if wanted.beat:
        beats = clean_value("beats", wanted.beat)
        conditions.append(
            exists().where(ContactBeat.contact_id == Contact.id, ContactBeat.beat.in_(beats))
        )
    conditions += _subscription_conditions(session, wanted)
    if wanted.engagement is not None:
        since = (now or utcnow()) - timedelta(days=ENGAGEMENT_DAYS)
        recent = _reacted(since, _REACTIONS)
        conditions.append(
            {
                Engagement.ACTIVE: recent,
                Engagement.CLICKED: _reacted(since, (DeliveryEventKind.CLICKED,)),
                Engagement.QUIET: not_(recent),
                Engagement.NEVER: not_(_reacted(None, _REACTIONS)),
            }[wanted.engagement]
        )
    return and_(*conditions) if conditions else Contact.id.is_not(None)


def _subscription_conditions(session: Session, wanted: ContactFilter) -> list[ColumnElement[bool]]:
    """The list and status filters, which read together: a status is on the list chosen."""
    on_list = [Subscription.contact_id == Contact.id]
    if wanted.list_slug:
        on_list.append(Subscription.list_id == _list_id(session, wanted.list_slug))
    subscribed = exists().where(*on_list, Subscription.status == SubscriptionStatus.SUBSCRIBED)
    status = wanted.status
    if status is None or status is ContactStatus.SUBSCRIBED:
        return [subscribed] if wanted.list_slug or status else []
    conditions = [exists().where(*on_list)] if wanted.list_slug else []
    if status is ContactStatus.UNSUBSCRIBED:
        left = exists().where(*on_list, Subscription.status == SubscriptionStatus.UNSUBSCRIBED)
        return [*conditions, left, not_(subscribed)]
    if status is ContactStatus.SUPPRESSED:
        return [*conditions, exists().where(Suppression.email == Contact.email)]
    # Two sets rather than two correlated lookups a contact: an OR keeps PostgreSQL from
    # turning EXISTS into joins.
    bounced = Contact.id.in_(
        select(Delivery.contact_id).where(Delivery.state == DeliveryState.BOUNCED)
    )
    bounce_suppressed = Contact.email.in_(
        select(Suppression.email).where(
            Suppression.reason.in_(
                (SuppressionReason.HARD_BOUNCE, SuppressionReason.SOFT_BOUNCE_LIMIT)
            )
        )
    )
    return [*conditions, or_(bounced, bounce_suppressed)]


@dataclass(frozen=True)
class Sorting:
    key: SortKey = SortKey.NAME
    descending: bool = False

    @classmethod
    def from_query(cls, sort: str, direction: str) -> Sorting:
        key = _choice(SortKey, sort, "sort") or SortKey.NAME
        if direction not in ("", "asc", "desc"):
            raise InvalidInput(f"direction {direction!r} is not asc or desc")
        return cls(key, direction == "desc")

    def columns(self) -> tuple[Any, ...]:
        """The columns sorted on, the contact id last."""
        return (*_SORT_COLUMNS[self.key], Contact.id)

    def order_by(self, columns: Sequence[Any] = ()) -> list[UnaryExpression[Any]]:
        """The order on `columns` (by default the contact's own `columns()`)."""
        return [
            column.desc() if self.descending else column.asc()
            for column in columns or self.columns()
        ]


def _offset(page: int, per_page: int, total: int) -> int:
    """Where page `page` starts; a page past the last is the last one."""
    return (min(page, max(1, -(-total // per_page))) - 1) * per_page


def _walked_page(
    session: Session, condition: ColumnElement[bool], sorting: Sorting, offset: int, limit: int
) -> list[int]:
    """The ids of a page found by walking an index in the page's order: it reads contacts only
    as far as the page, which serves a filter that most contacts match."""
    query = select(Contact.id).where(condition).order_by(*sorting.order_by())
    return list(session.scalars(query.limit(limit).offset(offset)))


def _sorted_page(
    session: Session, condition: ColumnElement[bool], sorting: Sorting, page: int, per_page: int
) -> tuple[int, list[int]] | None:
    """(The number of matches, the page's ids), the matches found once (through their own
    indexes) for both, then sorted; None when more than SORTED_WHOLE match, for which walking
    an index in the page's order is faster than sorting them all.

    Counting and paging in one statement halves the work of a costly condition such as a
    search, whose every candidate row is checked against each word.
    """
    # MATERIALIZED keeps PostgreSQL from merging the steps back into an index walk.
    matched = (
        select(*sorting.columns())
        .where(condition)
        .limit(SORTED_WHOLE + 1)
        .cte("matched")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    total = select(func.count().label("total")).select_from(matched).subquery("total")
    columns = [matched.c[column.key] for column in sorting.columns()]

    def read(offset: int) -> tuple[int, list[int]]:
        ordered = sorting.order_by(columns)
        page_rows = select(*columns).order_by(*ordered).limit(per_page).offset(offset)
        on_page = page_rows.subquery("on_page")
        rows = session.execute(
            select(total.c.total, on_page.c.id)
            .select_from(total.outerjoin(on_page, true()))
            .order_by(*sorting.order_by([on_page.c[column.key] for column in sorting.columns()]))
        ).all()
        return rows[0].total, [row.id for row in rows if row.id is not None]

    found, ids = read((page - 1) * per_page)
    if found > SORTED_WHOLE:
        return None
    if not ids and found:  # past the last page: the last one
        return found, read(_offset(page, per_page, found))[1]
    return found, ids


@dataclass(frozen=True)
class ContactLine:
    """One row of the contacts page."""

    id: int
    email: str
    name: str
    outlet: str | None
    country: str | None
    language: str | None
    added: datetime
    lists: int  # lists they are subscribed to
    suppressed: SuppressionReason | None


@dataclass(frozen=True)
class ContactsPage:
    total: int  # matching in all
    number: int  # this page's number, from 1
    per_page: int
    lines: list[ContactLine]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def find_contacts(
    session: Session,
    wanted: ContactFilter,
    sorting: Sorting = Sorting(),
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ContactsPage:
    """One page of the contacts matching `wanted`, in `sorting`'s order, with the count of all.

    A page past the last shows the last one. A filter's matches are counted and sorted in
    one query (see `_sorted_page`); then the page's rows, and their lists and suppressions.
    """
    if page < 1 or not 1 <= per_page <= 1000:
        raise InvalidInput("page must be 1 or more, and a page hold 1 to 1,000 contacts")
    condition = matching(session, wanted)
    sorted_page = (
        None if wanted.empty else _sorted_page(session, condition, sorting, page, per_page)
    )
    if sorted_page is not None:
        total, page_ids = sorted_page
    else:
        total = session.scalar(select(func.count()).select_from(Contact).where(condition)) or 0
        page_ids = _walked_page(
            session, condition, sorting, _offset(page, per_page, total), per_page
        )
    number = _offset(page, per_page, total) // per_page + 1
    rows = session.execute(
        select(
            Contact.id,
            Contact.email,
            Contact.first_name,
            Contact.last_name,
            Contact.outlet,
            Contact.country,
            Contact.language,
            Contact.created_at,
        )
        .where(Contact.id.in_(page_ids))
        .order_by(*sorting.order_by())
    ).all()
    ids = [row.id for row in rows]
    lists = dict(
        session.execute(
            select(Subscription.contact_id, func.count())
            .where(
                Subscription.contact_id.in_(ids),
                Subscription.status == SubscriptionStatus.SUBSCRIBED,
            )
            .group_by(Subscription.contact_id)
        ).all()
    )
    emails = [row.email for row in rows]
    suppressed = dict(
        session.execute(
            select(Suppression.email, Suppression.reason).where(Suppression.email.in_(emails))
        ).all()
        if emails
        else []
    )
    return ContactsPage(
        total=total,
        number=number,
        per_page=per_page,
        lines=[
            ContactLine(
                id=row.id,
                email=row.email,
                name=" ".join(p for p in (row.first_name, row.last_name) if p),
                outlet=row.outlet,
                country=row.country,
                language=row.language,
                added=row.created_at,
                lists=lists.get(row.id, 0),
                suppressed=suppressed.get(row.email),
            )
            for row in rows
        ],
    )


@dataclass(frozen=True)
class ListChoice:
    slug: str
    name: str
    archived: bool


def list_choices(session: Session) -> list[ListChoice]:
    """Every list by name, for the filter and the bulk actions: one small query, no counts."""
    rows = session.execute(
        select(MailingList.slug, MailingList.name, MailingList.archived_at).order_by(
            MailingList.name, MailingList.slug
        )
    )
    return [ListChoice(slug, name, archived is not None) for slug, name, archived in rows]
