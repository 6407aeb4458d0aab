"""Every /api/v1 operation wants a valid API key (401) of a role high enough (403).

The operations come from the app's own OpenAPI document, where each names the role it
needs, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from distributor.accounts.api_keys import revoke_api_key
from distributor.audit import SYSTEM
from distributor.config import load_settings
from distributor.models import ApiKey, Role
from distributor.models.base import utcnow
from distributor.web.api import PREFIX
from distributor.web.app import create_app
from tests.web.api.conftest import Api, problem_of

SAMPLES = {
    "slug": "culture-desk",
    "email": "anna.berg@tageblatt.example",
    "release_id": "1",
    "sendout_id": "1",
    "move_id": "1",
    "record_id": "1",
}


def _operations() -> list[tuple[str, str, Role]]:
    """(method, path under /api/v1 with sample values, role needed) of each API operation."""
    app = create_app(load_settings({}))  # only read for its routes: it never connects
    found = []
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith(PREFIX):
            continue
        for method, operation in operations.items():
            [requirement] = operation["security"]
            [role] = requirement["bearer"]
            sample = re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path)
            found.append((method.upper(), sample.removeprefix(PREFIX), Role(role)))
    return found


OPERATIONS = [pytest.param(*o, id=f"{o[0]} {o[1]}") for o in _operations()]
RESTRICTED = [p for p in OPERATIONS if p.values[2] is not Role.VIEWER]


def _below(role: Role) -> Role:
    order = list(Role)  # the most powerful first
    return order[order.index(role) + 1]


def test_every_operation_names_the_role_it_needs() -> None:
    assert len(OPERATIONS) >= 21


@pytest.mark.parametrize(("method", "path", "role"), OPERATIONS)
def test_operation_refuses_a_request_without_a_key(
    api: Api, method: str, path: str, role: Role
) -> None:
    response = api.call(method, path, role=None)

    problem_of(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "role"), RESTRICTED)
def test_operation_refuses_a_key_of_a_lower_role(
    api: Api, method: str, path: str, role: Role
) -> None:
    response = api.call(method, path, role=_below(role))

    assert f"needs the {role.value} role" in problem_of(response, 403)["detail"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer dst_00000000_wrong", "Bearer not-a-key", "Bearer dst_", "Basic YWRtaW46YWRtaW4="],
    ids=["unknown", "malformed", "no-secret", "basic"],
)
def test_unknown_or_malformed_credentials_are_refused(api: Api, authorization: str) -> None:
    response = api.get("/lists", role=None, headers={"Authorization": authorization})

    problem_of(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_revoked_key_is_refused(api: Api) -> None:
    key = api.make_key(Role.ADMIN)
    revoke_api_key(api.session, key, SYSTEM)

    problem_of(api.get("/lists", key=key), 401)


def test_expired_key_is_refused(api: Api) -> None:
    key = api.make_key(Role.ADMIN, expires_at=utcnow() + timedelta(hours=1))
    prefix = key.split("_")[1]
    past = utcnow() - timedelta(seconds=1)
    api.session.execute(update(ApiKey).where(ApiKey.prefix == prefix).values(expires_at=past))

    problem_of(api.get("/lists", key=key), 401)


def test_viewer_key_reads(api: Api) -> None:
    response: Any = api.get("/lists", role=Role.VIEWER)

    assert response.status_code == 200
    assert response.json() == {"items": [], "next": None}
