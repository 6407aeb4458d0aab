"""GET /healthz: a bare probe for anyone; with an admin's API key, the processes and what waits."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine

from distributor.models import ProcessRole, Release, ReleaseVersion, Role, SendOut, SendOutState
from distributor.observability import HeartbeatWriter
from tests.web.api.conftest import Api


def healthz(api: Api, key: str | None = None) -> httpx.Response:
    api.session.commit()
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.get(f"{api.url}/healthz", headers=headers, timeout=30)


def sending(api: Api) -> int:
    release = Release(slug="budget")
    release.versions.append(ReleaseVersion(language="en", title="Budget", body_markdown="."))
    sendout = SendOut(release=release, state=SendOutState.SENDING)
    api.session.add(sendout)
    api.session.commit()
    return sendout.id


def test_the_probe_says_ok_and_nothing_more_without_a_key(api: Api) -> None:
    sending(api)

    assert healthz(api).json() == {"status": "ok"}


def test_an_admins_key_sees_a_sendout_waiting_on_a_worker(api: Api) -> None:
    waiting = sending(api)

    detail = healthz(api, api.keys[Role.ADMIN]).json()

    assert detail == {
        "status": "waiting",
        "processes": [],
        "waiting": [{"role": "worker", "sendout_ids": [waiting]}],
    }


def test_an_admins_key_sees_each_live_process(api: Api) -> None:
    engine = api.session.get_bind()
    assert isinstance(engine, Engine)
    writer = HeartbeatWriter(engine, ProcessRole.BEAT)
    writer.beat()
    try:
        detail = healthz(api, api.keys[Role.ADMIN]).json()
    finally:
        writer.stop()

    (process,) = detail["processes"]
    assert (process["name"], process["role"], process["alive"]) == (writer.name, "beat", True)
    assert detail["status"] == "ok"


def test_a_press_officers_key_is_refused_the_detail(api: Api) -> None:
    assert healthz(api, api.keys[Role.PRESS_OFFICER]).status_code == 403


def test_an_unknown_key_is_refused_the_detail(api: Api) -> None:
    assert healthz(api, "dst_nothing_here").status_code == 401
