"""/api/v1/sendouts: schedule, list, follow, pause, resume, cancel; test copies of a release."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.web.api.conftest import Api, problem_of
from tests.web.api.test_releases import add

LATER = "2030-01-01T09:00:00+01:00"


@pytest.fixture
def release_id(api: Api) -> object:
    api.post("/lists", json={"slug": "culture-desk"})
    api.post("/lists/culture-desk/contacts", json={"email": "anna.berg@tageblatt.example"})
    return add(api)["id"]


def test_sendout_is_scheduled_and_shown_with_its_counts(api: Api, release_id: int) -> None:
    created = api.post(
        "/sendouts", json={"release": str(release_id), "lists": ["culture-desk"], "at": LATER}
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["state"], body["schedule"], body["dispatch_requested"]) == (
        "scheduled",
        "at",
        False,
    )
    assert body["scheduled_at"].startswith("2030-01-01T08:00:00")
    status = api.get(f"/sendouts/{body['id']}").json()
    assert (status["state"], status["total"], status["counts"]["sent"]) == ("scheduled", 0, 0)
    assert [s["id"] for s in api.get("/sendouts").json()["items"]] == [body["id"]]


def test_sendout_is_paused_resumed_and_cancelled(api: Api, release_id: int) -> None:
    sendout = api.post(
        "/sendouts", json={"release": "film-grants-2027", "lists": ["culture-desk"], "at": LATER}
    ).json()["id"]

    paused = api.post(f"/sendouts/{sendout}/pause", json={"reason": "embargo moved"}).json()
    resumed = api.post(f"/sendouts/{sendout}/resume").json()
    cancelled = api.post(f"/sendouts/{sendout}/cancel").json()

    assert paused == {"id": sendout, "state": "paused"}
    assert (resumed["state"], type(resumed["dispatch_requested"])) == ("scheduled", bool)
    assert cancelled == {"id": sendout, "state": "cancelled", "skipped": 0}
    assert "cannot become" in problem_of(api.post(f"/sendouts/{sendout}/resume"), 409)["detail"]


def test_sendout_to_an_unknown_list_is_not_found(api: Api, release_id: int) -> None:
    response = api.post("/sendouts", json={"release": str(release_id), "lists": ["nowhere"]})

    assert "nowhere" in problem_of(response, 404)["detail"]


def test_sendout_without_an_audience_is_a_bad_request(api: Api, release_id: int) -> None:
    problem_of(api.post("/sendouts", json={"release": str(release_id)}), 400)


def test_time_without_offset_is_a_bad_request(api: Api, release_id: int) -> None:
    response = api.post(
        "/sendouts",
        json={"release": str(release_id), "lists": ["culture-desk"], "at": "2030-01-01T09:00"},
    )

    assert "time zone" in problem_of(response, 400)["detail"]


def test_sendout_tracks_clicks_when_asked(api: Api, release_id: int) -> None:
    body = api.post(
        "/sendouts",
        json={
            "release": str(release_id),
            "lists": ["culture-desk"],
            "at": LATER,
            "track_clicks": True,
        },
    ).json()

    assert (body["track_clicks"], body["track_opens"]) == (True, False)
    assert "opened" in api.get(f"/sendouts/{body['id']}").json()["caveats"]


def test_unknown_sendout_is_not_found(api: Api) -> None:
    problem_of(api.get("/sendouts/999"), 404)


def test_test_copy_goes_to_each_address(api: Api, release_id: int) -> None:
    response = api.post(
        f"/releases/{release_id}/test", json={"addresses": ["Me <me@press.example.org>"]}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sent"] is True
    assert body["addresses"]["me@press.example.org"]["outcome"] == "sent"
    mail_dir = Path(api.app.state.distributor.settings.data_dir)
    subjects = [
        str(message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"])
        for path in mail_dir.rglob("*.eml")
    ]
    assert any(subject.startswith("[TEST]") for subject in subjects)


def test_test_copy_to_an_invalid_address_is_a_bad_request(api: Api, release_id: int) -> None:
    problem_of(
        api.post(f"/releases/{release_id}/test", json={"addresses": ["not an address"]}), 400
    )


def test_time_that_has_passed_is_a_bad_request_naming_now(api: Api, release_id: int) -> None:
    response = api.post(
        "/sendouts",
        json={"release": str(release_id), "lists": ["culture-desk"], "at": "2020-01-01T09:00Z"},
    )

    assert "has passed" in problem_of(response, 400)["detail"]
    assert api.get("/sendouts").json()["items"] == []


def test_empty_time_is_a_bad_request_not_now(api: Api, release_id: int) -> None:
    response = api.post(
        "/sendouts", json={"release": str(release_id), "lists": ["culture-desk"], "at": ""}
    )

    assert "empty" in problem_of(response, 400)["detail"]


def test_now_with_a_time_is_a_bad_request(api: Api, release_id: int) -> None:
    response = api.post(
        "/sendouts",
        json={"release": str(release_id), "lists": ["culture-desk"], "now": True, "at": LATER},
    )

    assert "--now goes alone" in problem_of(response, 400)["detail"]


def test_audience_that_reaches_nobody_answers_409_and_creates_nothing(
    api: Api, release_id: int
) -> None:
    api.post("/lists", json={"slug": "empty-desk"})

    response = api.post("/sendouts", json={"release": str(release_id), "lists": ["empty-desk"]})

    problem = problem_of(response, 409)
    assert [f["code"] for f in problem["findings"]] == ["audience.empty"]
    assert problem["needs_confirmation"] is False
    assert api.get("/sendouts").json()["items"] == []


def test_release_again_to_the_same_journalists_answers_409_with_their_count(
    api: Api, release_id: int
) -> None:
    body = {"release": str(release_id), "lists": ["culture-desk"], "at": LATER}
    assert api.post("/sendouts", json=body).status_code == 201

    problem = problem_of(api.post("/sendouts", json=body), 409)

    assert problem["needs_confirmation"] is True
    assert [f["code"] for f in problem["findings"]] == ["audience.already_received"]
    assert "1 of 1 recipients already received" in problem["detail"]


def test_release_again_with_confirm_is_scheduled(api: Api, release_id: int) -> None:
    body = {"release": str(release_id), "lists": ["culture-desk"], "at": LATER}
    assert api.post("/sendouts", json=body).status_code == 201

    again = api.post("/sendouts", json=body | {"confirm": True})

    assert again.status_code == 201, again.text
    preflight = again.json()["preflight"]
    assert preflight["confirmed"] is True
    assert [f["code"] for f in preflight["findings"]] == ["audience.already_received"]
