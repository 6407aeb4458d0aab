"""The REST API served by the real uvicorn of tests/web, with an API key for each role."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.accounts.api_keys import create_api_key
from distributor.audit import SYSTEM
from distributor.models import Role, User
from distributor.web.api import PREFIX
from distributor.web.app import create_app
from tests.web.conftest import Served, web_settings

PROBLEM = "application/problem+json"
_numbers = itertools.count()


class Api:
    """Requests to /api/v1 of an app over the test's database, with a key of the role asked for."""

    def __init__(self, served: Served, session: Session, app: FastAPI) -> None:
        self.session = session
        self.app = app
        self.url = served.url
        self.keys = {role: self.make_key(role) for role in Role}
        session.commit()
        self.client = httpx.Client(base_url=served.url + PREFIX, timeout=30)

    def make_key(self, role: Role, **options: Any) -> str:
        # A user who cannot log in: keys are all the API needs, and hashing a password is slow.
        user = User(email=f"{role.value}.{next(_numbers)}@press.example", role=role)
        self.session.add(user)
        self.session.flush()
        return create_api_key(self.session, user, f"{role.value} key", SYSTEM, **options)[1]

    def call(
        self,
        method: str,
        path: str,
        role: Role | None = Role.ADMIN,
        key: str | None = None,
        **kw: Any,
    ) -> httpx.Response:
        """`method path` with the key of `role` (or `key`); with neither, no Authorization."""
        self.session.commit()  # the app sees what the test wrote
        headers = dict(kw.pop("headers", {}))
        key = key or (self.keys[role] if role is not None else None)
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        response = self.client.request(method, path, headers=headers, **kw)
        self.session.expire_all()
        return response

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.call("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.call("DELETE", path, **kw)


@pytest.fixture
def api_app(engine: Engine, tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(web_settings(engine, tmp_path / "web"))
    yield app
    app.state.distributor.engine.dispose()


@pytest.fixture
def api(served: Served, session: Session, api_app: FastAPI) -> Iterator[Api]:
    served.mount.app = api_app
    api = Api(served, session, api_app)
    yield api
    api.client.close()
    served.mount.app = None


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem details of `response`, checked to be RFC 9457 with `status`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body
