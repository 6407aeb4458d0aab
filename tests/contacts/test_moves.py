"""Answering a suggestion that a journalist moved on: accepted (new address or colleague) or
dismissed, audited, and never twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import contact_details, get_contact
from distributor.contacts.moves import (
    ACCEPT_ACTION,
    DISMISS_ACTION,
    accept_move,
    dismiss_move,
    open_moves,
)
from distributor.contacts.timeline import EntryKind, contact_timeline
from distributor.errors import Conflict, PermissionDenied
from distributor.models import AuditEntry, MoveState, Role
from tests.contacts.moves import ANNA, MARIA, OPERATOR, Moved, moved_on


@pytest.fixture
def moved(session: Session) -> Moved:
    return moved_on(session)


def _audited(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_open_suggestion_is_listed_and_shows_on_the_timeline(
    session: Session, moved: Moved
) -> None:
    (listed,) = open_moves(session)
    newest = contact_timeline(session, moved.contact)[0]

    assert (listed.id, listed.email, listed.new_email) == (moved.suggestion.id, ANNA, MARIA)
    assert (newest.kind, newest.move_id, newest.result) == (
        EntryKind.MOVED,
        moved.suggestion.id,
        "open",
    )
    assert newest.summary == f"Moved on? Suggested: Maria López <{MARIA}>"


def test_accepting_changes_the_contacts_address_and_is_audited(
    session: Session, moved: Moved
) -> None:
    decision = accept_move(session, moved.suggestion.id, OPERATOR)

    assert decision.changed
    assert (decision.move.state, decision.move.email) == (MoveState.ACCEPTED, MARIA)
    assert get_contact(session, MARIA).id == moved.contact.id
    (entry,) = _audited(session, ACCEPT_ACTION)
    assert entry.details["old_email"] == ANNA
    assert entry.actor == OPERATOR.label
    assert open_moves(session) == []


def test_accepting_twice_changes_nothing_more(session: Session, moved: Moved) -> None:
    accept_move(session, moved.suggestion.id, OPERATOR)
    again = accept_move(session, moved.suggestion.id, OPERATOR, as_colleague=True)

    assert not again.changed
    assert not again.move.as_colleague
    assert len(_audited(session, ACCEPT_ACTION)) == 1


def test_accepting_as_colleague_adds_them_on_the_same_lists(session: Session, moved: Moved) -> None:
    decision = accept_move(session, moved.suggestion.id, OPERATOR, as_colleague=True)

    colleague = contact_details(session, MARIA)
    assert decision.move.colleague_id == colleague.id
    assert (colleague.name, colleague.fields["outlet"]) == ("Maria López", "Tageblatt")
    assert sorted(s.list_slug for s in colleague.subscriptions) == ["culture", "film"]
    assert get_contact(session, ANNA).id == moved.contact.id  # the journalist stays as they were


def test_dismissing_changes_nothing_and_is_audited(session: Session, moved: Moved) -> None:
    decision = dismiss_move(session, moved.suggestion.id, OPERATOR)

    assert (decision.changed, decision.move.state) == (True, MoveState.DISMISSED)
    assert get_contact(session, ANNA).id == moved.contact.id
    assert len(_audited(session, DISMISS_ACTION)) == 1
    assert not dismiss_move(session, moved.suggestion.id, OPERATOR).changed


def test_a_dismissed_suggestion_cannot_be_accepted(session: Session, moved: Moved) -> None:
    dismiss_move(session, moved.suggestion.id, OPERATOR)

    with pytest.raises(Conflict, match="dismissed"):
        accept_move(session, moved.suggestion.id, OPERATOR)


def test_a_press_officer_may_not_accept(session: Session, moved: Moved) -> None:
    with pytest.raises(PermissionDenied):
        accept_move(session, moved.suggestion.id, Actor("user:pat", Role.PRESS_OFFICER))
