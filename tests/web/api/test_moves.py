"""/api/v1/moves: suggestions that journalists moved on, accepted or dismissed."""

from __future__ import annotations

import pytest

from distributor.models import Role
from tests.contacts.moves import ANNA, MARIA, Moved, moved_on
from tests.web.api.conftest import Api, problem_of


@pytest.fixture
def moved(api: Api) -> Moved:
    return moved_on(api.session)


def test_open_suggestions_are_listed_to_a_viewer(api: Api, moved: Moved) -> None:
    body = api.get("/moves", role=Role.VIEWER).json()

    assert [(m["id"], m["email"], m["new_email"]) for m in body["items"]] == [
        (moved.suggestion.id, ANNA, MARIA)
    ]


def test_accept_changes_the_address_and_a_second_accept_changes_nothing(
    api: Api, moved: Moved
) -> None:
    first = api.post(f"/moves/{moved.suggestion.id}/accept")
    again = api.post(f"/moves/{moved.suggestion.id}/accept", json={"as_colleague": True})

    assert first.status_code == 200, first.text
    assert (first.json()["changed"], first.json()["email"]) == (True, MARIA)
    assert (again.json()["changed"], again.json()["as_colleague"]) == (False, False)
    assert api.get(f"/contacts/{MARIA}").json()["id"] == moved.contact.id


def test_accept_as_colleague_adds_a_contact(api: Api, moved: Moved) -> None:
    accepted = api.post(f"/moves/{moved.suggestion.id}/accept", json={"as_colleague": True})

    assert accepted.json()["colleague_id"] == api.get(f"/contacts/{MARIA}").json()["id"]
    assert api.get(f"/contacts/{ANNA}").json()["id"] == moved.contact.id


def test_the_suggestion_heads_the_timeline_with_its_id(api: Api, moved: Moved) -> None:
    newest = api.get(f"/contacts/{ANNA}/timeline").json()["items"][0]
    assert (newest["kind"], newest["move_id"], newest["result"]) == (
        "moved",
        moved.suggestion.id,
        "open",
    )


def test_a_dismissed_suggestion_cannot_be_accepted(api: Api, moved: Moved) -> None:
    dismissed = api.post(f"/moves/{moved.suggestion.id}/dismiss")
    refused = api.post(f"/moves/{moved.suggestion.id}/accept")

    assert dismissed.json()["state"] == "dismissed"
    assert "dismissed" in problem_of(refused, 409)["detail"]


def test_a_press_officer_key_may_not_accept(api: Api, moved: Moved) -> None:
    problem_of(api.post(f"/moves/{moved.suggestion.id}/accept", role=Role.PRESS_OFFICER), 403)


def test_an_unknown_suggestion_is_not_found(api: Api, moved: Moved) -> None:
    problem_of(api.post(f"/moves/{moved.suggestion.id + 1}/dismiss"), 404)
