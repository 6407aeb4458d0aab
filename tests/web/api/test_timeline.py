"""/api/v1/contacts/{email}/timeline and /notes: a journalist's history, and notes on it."""

from __future__ import annotations

import pytest

from distributor.models import BounceClass, BounceRecord, BounceSource, Role
from tests.web.api.conftest import Api, problem_of

ANNA = "anna.berg@tageblatt.example"


@pytest.fixture
def anna(api: Api) -> Api:
    """Anna, subscribed to `culture-desk` and unsubscribed again."""
    assert api.post("/lists", json={"slug": "culture-desk"}).status_code == 201
    assert api.post("/lists/culture-desk/contacts", json={"email": ANNA}).status_code == 201
    assert api.delete(f"/lists/culture-desk/contacts/{ANNA}").status_code == 200
    return api


def test_timeline_lists_what_happened_newest_first(anna: Api) -> None:
    body = anna.get(f"/contacts/{ANNA}/timeline", role=Role.VIEWER).json()

    assert [(e["kind"], e["summary"]) for e in body["items"]] == [
        ("list", "Unsubscribed from culture-desk"),
        ("list", "Subscribed to culture-desk"),
        ("change", "Added as a contact"),
    ]
    assert body["next"] is None


def test_a_bounce_in_the_timeline_names_its_reason(anna: Api) -> None:
    anna.session.add(
        BounceRecord(
            source=BounceSource.RECEIVER,
            classification=BounceClass.HARD,
            recipient=ANNA,
            reason="userunknown",
        )
    )

    newest = anna.get(f"/contacts/{ANNA}/timeline").json()["items"][0]

    assert (newest["kind"], newest["summary"]) == ("bounce", "Hard bounce (user unknown)")


def test_timeline_pages_with_a_cursor(anna: Api) -> None:
    first = anna.get(f"/contacts/{ANNA}/timeline", params={"limit": 2})
    second = anna.get(
        f"/contacts/{ANNA}/timeline", params={"limit": 2, "cursor": first.json()["next"]}
    )

    assert [e["summary"] for e in second.json()["items"]] == ["Added as a contact"]
    assert 'rel="next"' in first.headers["link"]
    assert second.json()["next"] is None


def test_note_is_created_and_heads_the_timeline(anna: Api) -> None:
    created = anna.post(f"/contacts/{ANNA}/notes", json={"text": "Call before 10:00"})
    newest = anna.get(f"/contacts/{ANNA}/timeline").json()["items"][0]

    assert created.status_code == 201
    assert created.json()["author"].startswith("api-key:")
    assert (newest["kind"], newest["detail"], newest["actor"]) == (
        "note",
        "Call before 10:00",
        created.json()["author"],
    )


def test_empty_note_is_a_bad_request_saying_why(anna: Api) -> None:
    response = anna.post(f"/contacts/{ANNA}/notes", json={"text": "  "})
    assert "needs some text" in problem_of(response, 400)["detail"]


def test_a_press_officer_key_may_read_the_timeline_but_not_leave_notes(anna: Api) -> None:
    read = anna.get(f"/contacts/{ANNA}/timeline", role=Role.PRESS_OFFICER)
    refused = anna.post(f"/contacts/{ANNA}/notes", role=Role.PRESS_OFFICER, json={"text": "Hello"})

    assert read.status_code == 200
    problem_of(refused, 403)


def test_timeline_of_an_unknown_contact_is_not_found(anna: Api) -> None:
    problem_of(anna.get("/contacts/nobody@nowhere.example/timeline"), 404)
