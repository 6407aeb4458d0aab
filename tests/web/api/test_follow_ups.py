"""POST /api/v1/sendouts/{id}/follow-up: a completed send-out again, to those who did not react."""

from __future__ import annotations

from pathlib import Path

import pytest

from distributor.models import Role, SendOut
from tests.web.api.conftest import Api, problem_of
from tests.web.follow_ups import add_russian_version, completed_sendout

LATER = "2030-01-01T09:00:00+01:00"


@pytest.fixture
def original(api: Api, tmp_path: Path) -> int:
    return completed_sendout(api.session, tmp_path / "sent")


def test_follow_up_is_scheduled_and_both_statuses_name_the_other(api: Api, original: int) -> None:
    created = api.post(f"/sendouts/{original}/follow-up", json={"subject": "Reminder", "at": LATER})

    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["follow_up_of"], body["subject"], body["state"]) == (
        original,
        "Reminder",
        "scheduled",
    )
    assert api.get(f"/sendouts/{original}").json()["follow_up"] == body["id"]
    assert api.get(f"/sendouts/{body['id']}").json()["follow_up_of"] == original


def test_a_second_follow_up_is_a_conflict_naming_the_first(api: Api, original: int) -> None:
    first = api.post(f"/sendouts/{original}/follow-up", json={"subject": "Reminder"}).json()

    again = api.post(f"/sendouts/{original}/follow-up", json={"subject": "Last call"})

    assert f"already has a follow-up, send-out {first['id']}" in problem_of(again, 409)["detail"]


def test_follow_up_of_a_sendout_not_completed_is_a_conflict(api: Api, original: int) -> None:
    again = {"release": "film-grants-2027", "lists": ["follow-desk"], "at": LATER}
    later = api.post("/sendouts", json=again | {"confirm": True}).json()["id"]  # a repeat

    response = api.post(f"/sendouts/{later}/follow-up", json={"subject": "Reminder"})

    assert "only a completed send-out" in problem_of(response, 409)["detail"]


def test_follow_up_needs_a_subject(api: Api, original: int) -> None:
    problem_of(api.post(f"/sendouts/{original}/follow-up", json={}), 422)


def test_a_viewer_cannot_follow_up(api: Api, original: int) -> None:
    response = api.post(
        f"/sendouts/{original}/follow-up", json={"subject": "Reminder"}, role=Role.VIEWER
    )

    problem_of(response, 403)


def test_follow_up_takes_a_subject_per_language(api: Api, original: int) -> None:
    add_russian_version(api.session)
    api.session.commit()

    created = api.post(
        f"/sendouts/{original}/follow-up",
        json={"subject": "Reminder", "subjects": {"ru": "Напоминание"}, "at": LATER},
    )

    assert created.status_code == 201, created.text
    follow_up = api.session.get(SendOut, created.json()["id"])
    assert follow_up is not None
    assert follow_up.options["subjects"] == {"ru": "Напоминание"}


def test_follow_up_refuses_a_subject_in_a_language_the_release_lacks(
    api: Api, original: int
) -> None:
    response = api.post(
        f"/sendouts/{original}/follow-up",
        json={"subject": "Reminder", "subjects": {"ru": "Напоминание"}},
    )

    assert "has no version in 'ru'; it is written in en" in problem_of(response, 400)["detail"]
