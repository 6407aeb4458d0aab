"""Lists: slugs, names, archiving, deletion that keeps contacts, counts in one query, the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import (
    archive_list,
    create_list,
    delete_list,
    describe_list,
    get_list,
    list_lists,
    rename_list,
    summarize_list,
    unarchive_list,
)
from distributor.contacts.subscriptions import subscribe, unsubscribe
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import (
    AuditEntry,
    Contact,
    Role,
    SendOutAudience,
    SendOutState,
    Subscription,
)
from tests.contacts.deliveries import sendout

ADMIN = Actor("test:admin", Role.ADMIN)
OFFICER = Actor("test:officer", Role.PRESS_OFFICER)
VIEWER = Actor("test:viewer", Role.VIEWER)


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_created_list_is_found_by_slug_with_the_slug_as_default_name(session: Session) -> None:
    created = create_list(session, "film-critics", ADMIN)
    found = get_list(session, "film-critics")
    assert found.id == created.id
    assert found.name == "film-critics"


def test_create_records_name_and_description(session: Session) -> None:
    create_list(session, "tech", ADMIN, name="Tech  press", description="Gadgets")
    found = get_list(session, "tech")
    assert (found.name, found.description) == ("Tech press", "Gadgets")
    assert _actions(session) == ["list.create"]


@pytest.mark.parametrize(
    "slug", ["Film", "film critics", "film_critics", "-film", "film-", "фильм", ""]
)
def test_invalid_slug_is_refused_with_the_rule(session: Session, slug: str) -> None:
    with pytest.raises(InvalidInput, match="lowercase letters, digits"):
        create_list(session, slug, ADMIN)


def test_duplicate_slug_is_a_conflict(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    with pytest.raises(Conflict, match="already exists"):
        create_list(session, "tech", ADMIN)


def test_missing_list_names_the_command_that_creates_it(session: Session) -> None:
    with pytest.raises(NotFound, match="distributor lists create nope"):
        get_list(session, "nope")


def test_viewer_cannot_create_a_list(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        create_list(session, "tech", VIEWER)


def test_a_press_officer_reads_lists_but_cannot_change_them(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    with pytest.raises(PermissionDenied, match="creating a list needs the admin role"):
        create_list(session, "film", OFFICER)
    with pytest.raises(PermissionDenied, match="renaming a list needs the admin role"):
        rename_list(session, "tech", OFFICER, name="Technology")
    with pytest.raises(PermissionDenied, match="archiving a list needs the admin role"):
        archive_list(session, "tech", OFFICER)
    assert [summary.name for summary in list_lists(session)] == ["tech"]


def test_rename_changes_name_and_slug_and_records_both(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    renamed = rename_list(session, "tech", ADMIN, name="Technology", new_slug="technology")
    assert (renamed.slug, renamed.name) == ("technology", "Technology")
    with pytest.raises(NotFound):
        get_list(session, "tech")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "list.rename")).one()
    assert entry.details["before"] == {"slug": "tech", "name": "tech"}


def test_rename_to_a_taken_slug_is_a_conflict(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    create_list(session, "film", ADMIN)
    with pytest.raises(Conflict):
        rename_list(session, "tech", ADMIN, new_slug="film")


def test_describe_sets_and_clears_the_description(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    assert describe_list(session, "tech", "Gadgets and apps", ADMIN).description == (
        "Gadgets and apps"
    )
    assert describe_list(session, "tech", "  ", ADMIN).description is None


def test_archived_list_is_hidden_from_the_listing_until_unarchived(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    create_list(session, "film", ADMIN)
    archive_list(session, "tech", ADMIN)
    assert [s.slug for s in list_lists(session)] == ["film"]
    assert [s.slug for s in list_lists(session, include_archived=True)] == ["film", "tech"]
    unarchive_list(session, "tech", ADMIN)
    assert [s.slug for s in list_lists(session)] == ["film", "tech"]
    assert _actions(session)[-2:] == ["list.archive", "list.unarchive"]


def _subscribed(session: Session, slug: str, *emails: str) -> None:
    for email in emails:
        add_contact(session, {"email": email}, ADMIN)
        subscribe(session, email, slug, ADMIN)


def test_listing_counts_each_status_in_one_query(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    create_list(session, "empty", ADMIN)
    _subscribed(session, "tech", "a@x.example", "b@x.example", "c@x.example")
    unsubscribe(session, "c@x.example", "tech", ADMIN)
    session.flush()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        summaries = {s.slug: s for s in list_lists(session)}
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(statements) == 1
    assert (summaries["tech"].subscribed, summaries["tech"].unsubscribed) == (2, 1)
    assert (summaries["empty"].subscribed, summaries["empty"].pending) == (0, 0)


def test_summary_of_one_list_includes_an_archived_one(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    archive_list(session, "tech", ADMIN)
    assert summarize_list(session, "tech").archived_at is not None
    with pytest.raises(NotFound):
        summarize_list(session, "nope")


def test_deleting_a_list_removes_its_subscriptions_but_never_its_contacts(
    session: Session,
) -> None:
    create_list(session, "tech", ADMIN)
    create_list(session, "film", ADMIN)
    _subscribed(session, "tech", "a@x.example", "b@x.example")
    subscribe(session, "a@x.example", "film", ADMIN)
    deleted = delete_list(session, "tech", ADMIN)
    session.expire_all()
    assert deleted.subscriptions == 2
    assert len(session.scalars(select(Contact)).all()) == 2
    assert len(session.scalars(select(Subscription)).all()) == 1
    with pytest.raises(NotFound):
        get_list(session, "tech")


def test_deleting_a_list_needs_an_admin(session: Session) -> None:
    create_list(session, "tech", ADMIN)
    with pytest.raises(PermissionDenied):
        delete_list(session, "tech", OFFICER)


@pytest.mark.parametrize("state", [SendOutState.DRAFT, SendOutState.SCHEDULED, SendOutState.PAUSED])
def test_a_list_used_by_an_unfinished_sendout_is_not_deleted(
    session: Session, state: SendOutState
) -> None:
    mailing_list = create_list(session, "tech", ADMIN)
    sent = sendout(session)
    sent.state = state
    session.add(SendOutAudience(sendout_id=sent.id, list_id=mailing_list.id))
    session.flush()
    with pytest.raises(Conflict, match=f"send-out\\(s\\) {sent.id} "):
        delete_list(session, "tech", ADMIN)


def test_a_list_used_only_by_completed_sendouts_is_deleted(session: Session) -> None:
    mailing_list = create_list(session, "tech", ADMIN)
    sent = sendout(session)
    sent.state = SendOutState.COMPLETED
    session.add(SendOutAudience(sendout_id=sent.id, list_id=mailing_list.id))
    session.flush()
    delete_list(session, "tech", ADMIN)
    assert _actions(session)[-1] == "list.delete"
