"""Journalist lists: create, rename, describe, archive, delete; each change in the audit log.

A list owns its subscriptions, never its contacts: deleting a list unsubscribes
nobody from anything else and deletes no journalist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.config import validate_slug
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    MailingList,
    Role,
    SendOut,
    SendOutAudience,
    SendOutState,
    Subscription,
    SubscriptionStatus,
    utcnow,
)
from distributor.names import tidy_name

MAX_NAME = 200
# A send-out in one of these states will still read its lists' subscribers.
UNFINISHED = (SendOutState.DRAFT, SendOutState.SCHEDULED, SendOutState.SENDING, SendOutState.PAUSED)


@dataclass(frozen=True)
class ListSummary:
    """A list with how many journalists it holds in each subscription status."""

    id: int
    slug: str
    name: str
    description: str | None
    archived_at: datetime | None
    created_at: datetime
    subscribed: int
    unsubscribed: int
    pending: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "description": self.description,
            "archived": self.archived_at is not None,
            "archived_at": self.archived_at,
            "created_at": self.created_at,
            "subscribed": self.subscribed,
            "unsubscribed": self.unsubscribed,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class DeletedList:
    id: int
    slug: str
    subscriptions: int  # how many subscriptions went with it


def _validate_name(name: str) -> str:
    cleaned = tidy_name(name, "a list name", MAX_NAME)
    if not cleaned:
        raise InvalidInput("a list name cannot be empty")
    return cleaned


def _require_free(session: Session, slug: str) -> None:
    if session.scalar(select(MailingList.id).where(MailingList.slug == slug)) is not None:
        raise Conflict(
            f"a list with slug {slug!r} already exists; pick another slug "
            f"or see it with `distributor lists show {slug}`"
        )


def get_list(session: Session, slug: str) -> MailingList:
    """The list with `slug`, or NotFound saying how to create it."""
    found = session.scalar(select(MailingList).where(MailingList.slug == slug))
    if found is None:
        raise NotFound(
            f"no list with slug {slug!r}; see `distributor lists list`, "
            f"or create it with `distributor lists create {slug}`"
        )
    return found


def create_list(
    session: Session,
    slug: str,
    actor: Actor,
    name: str | None = None,
    description: str | None = None,
) -> MailingList:
    """Create a list; its name defaults to the slug."""
    actor.require(Role.ADMIN, "creating a list")
    validate_slug(slug)
    _require_free(session, slug)
    mailing_list = MailingList(
        slug=slug, name=_validate_name(name or slug), description=description or None
    )
    session.add(mailing_list)
    session.flush()
    record(
        session, actor, "list.create", "list", mailing_list.id, slug=slug, name=mailing_list.name
    )
    return mailing_list


def rename_list(
    session: Session,
    slug: str,
    actor: Actor,
    name: str | None = None,
    new_slug: str | None = None,
) -> MailingList:
    """Change a list's name, its slug, or both; send-outs refer to it by id, so nothing breaks."""
    actor.require(Role.ADMIN, "renaming a list")
    if name is None and new_slug is None:
        raise InvalidInput(f"renaming list {slug!r} needs a new name or a new slug")
    mailing_list = get_list(session, slug)
    before = {"slug": mailing_list.slug, "name": mailing_list.name}
    if new_slug is not None and new_slug != mailing_list.slug:
        validate_slug(new_slug)
        _require_free(session, new_slug)
        mailing_list.slug = new_slug
    if name is not None:
        mailing_list.name = _validate_name(name)
    session.flush()
    record(
        session,
        actor,
        "list.rename",
        "list",
        mailing_list.id,
        before=before,
        after={"slug": mailing_list.slug, "name": mailing_list.name},
    )
    return mailing_list


def describe_list(session: Session, slug: str, description: str, actor: Actor) -> MailingList:
    """Set (or, with an empty text, clear) what the list is for."""
    actor.require(Role.ADMIN, "describing a list")
    mailing_list = get_list(session, slug)
    mailing_list.description = description.strip() or None
    session.flush()
    record(
        session,
        actor,
        "list.describe",
        "list",
        mailing_list.id,
        description=mailing_list.description,
    )
    return mailing_list


def archive_list(session: Session, slug: str, actor: Actor) -> MailingList:
    """Hide a list from everyday use and refuse new subscriptions; its subscribers stay."""
    actor.require(Role.ADMIN, "archiving a list")
    mailing_list = get_list(session, slug)
    if mailing_list.archived_at is None:
        mailing_list.archived_at = utcnow()
        session.flush()
        record(session, actor, "list.archive", "list", mailing_list.id, slug=slug)
    return mailing_list


def unarchive_list(session: Session, slug: str, actor: Actor) -> MailingList:
    actor.require(Role.ADMIN, "unarchiving a list")
    mailing_list = get_list(session, slug)
    if mailing_list.archived_at is not None:
        mailing_list.archived_at = None
        session.flush()
        record(session, actor, "list.unarchive", "list", mailing_list.id, slug=slug)
    return mailing_list


def delete_list(session: Session, slug: str, actor: Actor) -> DeletedList:
    """Delete a list and its subscriptions, never its contacts.

    Refused while a send-out that has not finished addresses the list: it would
    lose (or, excluded, suddenly gain) recipients mid-way.
    """
    actor.require(Role.ADMIN, "deleting a list")
    mailing_list = get_list(session, slug)
    users = session.scalars(
        select(SendOut.id)
        .join(SendOutAudience, SendOutAudience.sendout_id == SendOut.id)
        .where(SendOutAudience.list_id == mailing_list.id, SendOut.state.in_(UNFINISHED))
        .order_by(SendOut.id)
    ).all()
    if users:
        ids = ", ".join(str(i) for i in users)
        raise Conflict(
            f"list {slug!r} is used by send-out(s) {ids} that have not finished; "
            "cancel them or wait until they complete, or archive the list instead"
        )
    subscriptions = (
        session.scalar(
            select(func.count(Subscription.id)).where(Subscription.list_id == mailing_list.id)
        )
        or 0
    )
    deleted = DeletedList(id=mailing_list.id, slug=slug, subscriptions=subscriptions)
    session.delete(mailing_list)  # its subscriptions go by ON DELETE CASCADE
    session.flush()
    record(
        session, actor, "list.delete", "list", deleted.id, slug=slug, subscriptions=subscriptions
    )
    return deleted


def list_lists(
    session: Session, *, include_archived: bool = False, slug: str | None = None
) -> list[ListSummary]:
    """Lists with their subscriber counts, in one query; archived ones only when asked."""

    def count(status: SubscriptionStatus) -> ColumnElement[int]:
        return func.count(Subscription.id).filter(Subscription.status == status)

    query = (
        select(
            MailingList,
            count(SubscriptionStatus.SUBSCRIBED),
            count(SubscriptionStatus.UNSUBSCRIBED),
            count(SubscriptionStatus.PENDING),
        )
        .outerjoin(Subscription, Subscription.list_id == MailingList.id)
        .group_by(MailingList.id)
        .order_by(MailingList.slug)
    )
    if slug is not None:
        query = query.where(MailingList.slug == slug)
    elif not include_archived:
        query = query.where(MailingList.archived_at.is_(None))
    return [
        ListSummary(
            id=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description,
            archived_at=row.archived_at,
            created_at=row.created_at,
            subscribed=subscribed,
            unsubscribed=unsubscribed,
            pending=pending,
        )
        for row, subscribed, unsubscribed, pending in session.execute(query)
    ]


def summarize_list(session: Session, slug: str) -> ListSummary:
    """One list with its counts, archived or not."""
    found = list_lists(session, slug=slug)
    if not found:
        get_list(session, slug)  # raises NotFound with the fix
    return found[0]
