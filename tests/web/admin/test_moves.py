"""A contact's page asks whether they moved on, and an admin answers in one step."""

from __future__ import annotations

from sqlalchemy import select

from distributor.models import Contact, MoveState, MoveSuggestion, Role
from tests.contacts.moves import MARIA, moved_on
from tests.web.admin.conftest import Admin


def _card(text: str) -> str:
    return text[text.index('class="card moved"') : text.index("<h2>Lists</h2>")]


def test_contact_page_asks_whether_they_moved_on_in_plain_words(admin: Admin) -> None:
    moved = moved_on(admin.web.session)
    admin.commit()

    card = _card(admin.signed_in(Role.ADMIN).get(f"/admin/contacts/{moved.contact.id}").text)

    assert "moved on?" in card
    assert "no longer with the Tageblatt" in card
    assert f"Change the address to {MARIA}" in card
    assert "Add Maria López as a new contact on the same lists" in card
    assert "Dismiss" in card
    assert "distributor" not in card
    assert "--" not in card


def test_a_viewer_sees_the_question_without_the_buttons(admin: Admin) -> None:
    moved = moved_on(admin.web.session)
    admin.commit()

    card = _card(admin.signed_in(Role.VIEWER).get(f"/admin/contacts/{moved.contact.id}").text)

    assert "<button" not in card


def test_accepting_as_colleague_adds_them_and_closes_the_question(admin: Admin) -> None:
    moved = moved_on(admin.web.session)
    admin.commit()
    browser = admin.signed_in(Role.ADMIN)

    path = f"/admin/contacts/{moved.contact.id}"
    posted = browser.post(f"{path}/moves/{moved.suggestion.id}/accept", {"as_colleague": "true"})
    page = browser.get(path)

    assert posted.status_code == 303
    assert 'class="card moved"' not in page.text
    session = admin.web.session
    session.expire_all()
    assert session.scalar(select(Contact.id).where(Contact.email == MARIA)) is not None


def test_dismissing_closes_the_question_and_changes_nothing(admin: Admin) -> None:
    moved = moved_on(admin.web.session)
    admin.commit()

    browser = admin.signed_in(Role.ADMIN)
    browser.post(f"/admin/contacts/{moved.contact.id}/moves/{moved.suggestion.id}/dismiss", {})

    session = admin.web.session
    session.expire_all()
    suggestion = session.get(MoveSuggestion, moved.suggestion.id)
    assert suggestion is not None
    assert suggestion.state is MoveState.DISMISSED
    assert session.scalar(select(Contact.id).where(Contact.email == MARIA)) is None
