"""/api/v1/contacts and /api/v1/lists/{slug}/contacts: find, subscribe, unsubscribe."""

from __future__ import annotations

import pytest

from tests.web.api.conftest import Api, problem_of

ANNA = "anna.berg@tageblatt.example"


@pytest.fixture
def desk(api: Api) -> Api:
    assert api.post("/lists", json={"slug": "culture-desk"}).status_code == 201
    return api


def test_new_address_is_added_and_subscribed(desk: Api) -> None:
    response = desk.post(
        "/lists/culture-desk/contacts",
        json={"email": f"Anna Berg <{ANNA.upper()}>", "outlet": "Tageblatt", "beats": ["film"]},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["contact_created"], body["outcome"]) == (ANNA, True, "subscribed")
    shown = desk.get(f"/contacts/{ANNA}").json()
    assert shown["outlet"] == "Tageblatt"
    assert shown["beats"] == ["film"]
    assert [s["list_slug"] for s in shown["subscriptions"]] == ["culture-desk"]


def test_known_address_is_subscribed_without_being_added_again(desk: Api) -> None:
    desk.post("/lists", json={"slug": "science"})
    desk.post("/lists/culture-desk/contacts", json={"email": ANNA})

    body = desk.post("/lists/science/contacts", json={"email": ANNA}).json()

    assert (body["contact_created"], body["outcome"]) == (False, "subscribed")


def test_invalid_contact_field_is_a_bad_request_naming_it(desk: Api) -> None:
    response = desk.post(
        "/lists/culture-desk/contacts", json={"email": ANNA, "country": "Atlantis"}
    )

    assert "country" in problem_of(response, 400)["detail"].lower()
    problem_of(desk.get(f"/contacts/{ANNA}"), 404)


def test_suppressed_address_is_not_subscribed(desk: Api) -> None:
    desk.post("/suppressions", json={"email": ANNA, "reason": "hard_bounce"})

    response = desk.post("/lists/culture-desk/contacts", json={"email": ANNA})

    assert "suppressed" in problem_of(response, 409)["detail"]


def test_unsubscribed_contact_stays_off_the_list(desk: Api) -> None:
    desk.post("/lists/culture-desk/contacts", json={"email": ANNA})

    left = desk.delete(f"/lists/culture-desk/contacts/{ANNA}", params={"reason": "asked"})
    again = desk.post("/lists/culture-desk/contacts", json={"email": ANNA})

    assert left.json()["unsubscribed"] == ["culture-desk"]
    assert again.json()["outcome"] == "kept_unsubscribed"
    assert desk.get("/contacts", params={"list": "culture-desk"}).json()["items"] == []


def test_search_finds_by_part_of_the_name_and_list(desk: Api) -> None:
    desk.post("/lists/culture-desk/contacts", json={"email": ANNA, "first_name": "Anna"})
    desk.post("/lists/culture-desk/contacts", json={"email": "ben@kurier.example"})

    found = desk.get("/contacts", params={"q": "ANNA", "list": "culture-desk"}).json()

    assert [row["email"] for row in found["items"]] == [ANNA]


def test_unknown_contact_is_not_found(desk: Api) -> None:
    problem_of(desk.get("/contacts/nobody@nowhere.example"), 404)
