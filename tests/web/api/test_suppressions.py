"""/api/v1/suppressions: add, list, remove, as `distributor suppressions` does."""

from __future__ import annotations

from tests.web.api.conftest import Api, problem_of

ANNA = "anna.berg@tageblatt.example"


def test_suppressed_address_is_listed_with_its_reason(api: Api) -> None:
    added = api.post("/suppressions", json={"email": ANNA, "reason": "asked by phone"})

    assert added.status_code == 201
    assert (added.json()["new"], added.json()["reason"], added.json()["note"]) == (
        True,
        "manual",
        "asked by phone",
    )
    listed = api.get("/suppressions", params={"q": "tageblatt"}).json()["items"]
    assert [entry["email"] for entry in listed] == [ANNA]


def test_suppressing_twice_keeps_the_first_entry(api: Api) -> None:
    api.post("/suppressions", json={"email": ANNA, "reason": "hard_bounce"})

    again = api.post("/suppressions", json={"email": ANNA, "reason": "complaint"}).json()

    assert (again["new"], again["reason"]) == (False, "hard_bounce")


def test_removed_address_is_no_longer_listed(api: Api) -> None:
    api.post("/suppressions", json={"email": ANNA, "reason": "hard_bounce"})

    removed = api.delete(f"/suppressions/{ANNA}", params={"reason": "mailbox fixed"})

    assert removed.json()["removed"] is True
    assert api.get("/suppressions").json()["items"] == []


def test_removal_needs_a_reason(api: Api) -> None:
    detail = problem_of(api.delete(f"/suppressions/{ANNA}"), 422)["detail"]

    assert "query.reason" in detail


def test_invalid_address_is_a_bad_request(api: Api) -> None:
    problem_of(api.post("/suppressions", json={"email": "no-at-sign", "reason": "manual"}), 400)
