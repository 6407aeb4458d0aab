"""/api/v1/sendouts with the checks before sending: 409 with the findings, "confirm": true."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from distributor.web.app import create_app
from tests.web.api.conftest import Api, problem_of
from tests.web.api.test_releases import add
from tests.web.conftest import web_settings
from tests.web.follow_ups import completed_sendout

LATER = "2030-01-07T09:00:00+01:00"  # a Monday morning


@pytest.fixture
def api_app(engine: Engine, tmp_path: Path) -> Iterator[FastAPI]:
    """The app relaying over SMTP without a DKIM key: the checks warn about it."""
    app = create_app(web_settings(engine, tmp_path / "web", smtp_url="smtp://127.0.0.1:2525"))
    yield app
    app.state.distributor.engine.dispose()


@pytest.fixture
def new_sendout(api: Api) -> dict[str, object]:
    api.post("/lists", json={"slug": "culture-desk"})
    api.post("/lists/culture-desk/contacts", json={"email": "anna.berg@tageblatt.example"})
    release = add(api)["id"]
    return {"release": str(release), "lists": ["culture-desk"], "at": LATER}


def test_warnings_answer_409_with_the_findings(api: Api, new_sendout: dict[str, object]) -> None:
    problem = problem_of(api.post("/sendouts", json=new_sendout), 409)

    assert problem["needs_confirmation"] is True
    assert [finding["code"] for finding in problem["findings"]] == ["dkim.missing"]
    assert problem["findings"][0]["level"] == "warning"
    assert api.get("/sendouts").json()["items"] == []


def test_confirmed_warnings_schedule_it_with_the_result_stored(
    api: Api, new_sendout: dict[str, object]
) -> None:
    created = api.post("/sendouts", json=new_sendout | {"confirm": True})

    assert created.status_code == 201, created.text
    preflight = created.json()["preflight"]
    assert (preflight["passed"], preflight["confirmed"]) == (True, True)
    stored = api.get(f"/sendouts/{created.json()['id']}/preflight").json()
    assert stored["preflight"] == preflight


def test_running_the_checks_again_stores_their_new_result(
    api: Api, new_sendout: dict[str, object]
) -> None:
    sendout = api.post("/sendouts", json=new_sendout | {"confirm": True}).json()["id"]

    rerun = api.post(f"/sendouts/{sendout}/preflight")

    assert rerun.status_code == 200, rerun.text
    assert [f["code"] for f in rerun.json()["preflight"]["findings"]] == ["dkim.missing"]
    assert api.get(f"/sendouts/{sendout}/preflight").json() == rerun.json()


def test_a_follow_up_the_checks_refuse_answers_409_with_the_findings(
    api: Api, tmp_path: Path
) -> None:
    original = completed_sendout(api.session, tmp_path / "sent")

    refused = api.post(f"/sendouts/{original}/follow-up", json={"subject": "Reminder", "at": LATER})

    problem = problem_of(refused, 409)
    assert problem["needs_confirmation"] is True
    assert "dkim.missing" in [finding["code"] for finding in problem["findings"]]
