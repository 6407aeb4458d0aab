"""Bulk actions over contacts: chunked, set-based, audited once, and never half-done."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from distributor.audit import Actor
from distributor.contacts.bulk import BulkProgress, export_selection, run_bulk, start_bulk
from distributor.contacts.directory import add_contact
from distributor.contacts.export import ExportFormat
from distributor.contacts.finder import ContactFilter
from distributor.contacts.lists import archive_list, create_list
from distributor.contacts.subscriptions import subscribe, unsubscribe
from distributor.contacts.suppressions import add_suppression
from distributor.errors import Conflict, InvalidInput, PermissionDenied
from distributor.models import (
    AuditEntry,
    BulkAction,
    BulkState,
    MailingList,
    Role,
    Subscription,
    SubscriptionStatus,
    Suppression,
    email_hash,
)
from tests.contacts.imports import ADMIN

COUNTRIES = ("FR", "DE", "IT")


@pytest.fixture
def newsroom(session: Session) -> list[int]:
    """30 journalists on the list "press", a third in each of three countries; their ids."""
    create_list(session, "press", ADMIN)
    create_list(session, "film", ADMIN)
    ids = []
    for n in range(30):
        email = f"journalist{n:02}@outlet{n % 4}.example"
        add_contact(session, {"email": email, "country": COUNTRIES[n % 3]}, ADMIN)
        ids.append(subscribe(session, email, "press", ADMIN).subscription.contact_id)
    session.commit()
    return ids


def _run(
    session: Session, action: BulkAction, wanted: ContactFilter, **options: Any
) -> BulkProgress:
    """Ask for the job and run it to its end, 4 contacts a chunk."""
    job = start_bulk(session, action, wanted, ADMIN, **options)
    session.commit()
    return run_bulk(sessionmaker(session.get_bind()), job.id, chunk_size=4)


def _on(session: Session, slug: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Subscription)
            .join(MailingList, MailingList.id == Subscription.list_id)
            .where(MailingList.slug == slug, Subscription.status == SubscriptionStatus.SUBSCRIBED)
        )
        or 0
    )


def test_suppress_over_a_filter_suppresses_every_match_in_chunks(
    session: Session, newsroom: list[int]
) -> None:
    done = _run(session, BulkAction.SUPPRESS, ContactFilter(country="FR"), reason="Desk closed")

    assert (done.state, done.total, done.processed, done.changed) == (BulkState.DONE, 10, 10, 10)
    session.expire_all()
    entries = session.scalars(select(Suppression).order_by(Suppression.email)).all()
    assert len(entries) == 10
    assert entries[0].email_hash == email_hash(entries[0].email or "")  # the database's hash
    assert {e.note for e in entries} == {"Desk closed"}
    assert {e.source for e in entries} == {f"bulk:{done.id}"}


def test_an_address_suppressed_before_keeps_its_entry(
    session: Session, newsroom: list[int]
) -> None:
    add_suppression(session, "journalist00@outlet0.example", "hard_bounce", ADMIN)
    session.commit()

    done = _run(session, BulkAction.SUPPRESS, ContactFilter(country="FR"), reason="Desk closed")

    assert (done.processed, done.changed) == (10, 9)
    assert "9 contacts; 1 were left as they were" in done.summary


def test_the_whole_action_is_one_audit_entry_with_its_counts(
    session: Session, newsroom: list[int]
) -> None:
    done = _run(
        session, BulkAction.REMOVE_FROM_LIST, ContactFilter(country="DE"), list_slug="press"
    )

    entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("contacts.bulk%")))
    (entry,) = entries.all()
    assert entry.action == "contacts.bulk_remove_from_list"
    assert (entry.details["processed"], entry.details["changed"]) == (10, 10)
    assert entry.details["selection"] == {"filter": {"country": "DE"}, "ids": []}
    assert done.summary == "Removed 10 contacts from press."
    assert _on(session, "press") == 20


def test_add_to_list_over_the_ticked_contacts_skips_the_suppressed_and_those_who_left(
    session: Session, newsroom: list[int]
) -> None:
    subscribe(session, "journalist01@outlet1.example", "film", ADMIN)
    unsubscribe(session, "journalist01@outlet1.example", "film", ADMIN)
    add_suppression(session, "journalist02@outlet2.example", "asked", ADMIN)
    session.commit()

    done = _run(
        session,
        BulkAction.ADD_TO_LIST,
        ContactFilter(),
        ids=tuple(newsroom[:5]),
        list_slug="film",
    )

    assert (done.processed, done.changed) == (5, 3)
    assert _on(session, "film") == 3


def test_contacts_added_after_the_job_was_asked_for_are_left_alone(
    session: Session, newsroom: list[int]
) -> None:
    job = start_bulk(session, BulkAction.ADD_TO_LIST, ContactFilter(), ADMIN, list_slug="film")
    add_contact(session, {"email": "late@outlet9.example"}, ADMIN)
    session.commit()

    done = run_bulk(sessionmaker(session.get_bind()), job.id, chunk_size=7)

    assert done.processed == 30
    assert _on(session, "film") == 30


def test_a_failure_stops_after_the_chunks_done_and_says_how_far(
    session: Session, newsroom: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributor.contacts import bulk

    real = bulk._ACTIONS[BulkAction.SUPPRESS]
    calls = []

    def failing_third_chunk(*args: object) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setitem(bulk._ACTIONS, BulkAction.SUPPRESS, failing_third_chunk)

    done = _run(session, BulkAction.SUPPRESS, ContactFilter(), reason="Desk closed")

    assert (done.state, done.processed, done.changed) == (BulkState.FAILED, 8, 8)
    assert "Stopped after 8 of 30 contacts: disk full" in done.outcome
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Suppression)) == 8
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contacts.bulk_suppress")
    ).one()
    assert entry.details["error"] == "disk full"


def test_a_job_runs_once(session: Session, newsroom: list[int]) -> None:
    first = _run(session, BulkAction.SUPPRESS, ContactFilter(country="IT"), reason="Closed")

    again = run_bulk(sessionmaker(session.get_bind()), first.id)

    assert (again.state, again.changed) == (BulkState.DONE, 10)
    assert session.scalar(select(func.count()).select_from(Suppression)) == 10


def test_refusals_record_nothing(session: Session, newsroom: list[int]) -> None:
    archive_list(session, "film", ADMIN)
    viewer = Actor("test:viewer", Role.VIEWER)

    with pytest.raises(InvalidInput, match="reason"):
        start_bulk(session, BulkAction.SUPPRESS, ContactFilter(), ADMIN, reason=" ")
    with pytest.raises(InvalidInput, match="list"):
        start_bulk(session, BulkAction.ADD_TO_LIST, ContactFilter(), ADMIN)
    with pytest.raises(Conflict, match="archived"):
        start_bulk(session, BulkAction.ADD_TO_LIST, ContactFilter(), ADMIN, list_slug="film")
    with pytest.raises(InvalidInput, match="no contact matches"):
        start_bulk(session, BulkAction.SUPPRESS, ContactFilter(country="JP"), ADMIN, reason="x")
    with pytest.raises(PermissionDenied):
        start_bulk(session, BulkAction.SUPPRESS, ContactFilter(), viewer, reason="x")


def test_export_of_a_selection_writes_only_the_matches(
    session: Session, newsroom: list[int]
) -> None:
    out = io.BytesIO()
    summary = export_selection(
        session, out, ExportFormat.CSV, ContactFilter(country="DE"), ADMIN, ids=tuple(newsroom[:6])
    )

    assert summary.rows == 2
    assert summary.scope == "6 contacts ticked"
    assert out.getvalue().decode().count("@outlet") == 2
