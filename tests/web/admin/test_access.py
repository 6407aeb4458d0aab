"""Every admin page refuses anonymous visitors and roles below its permission.

The cases are made from the app's own routes under /admin, so a new page is covered
the day it is added; one that declares no permission or no CSRF check fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from distributor.accounts.permissions import Permission, at_least, minimum_role
from distributor.config import load_settings
from distributor.models import Role
from distributor.web.admin.access import Require
from distributor.web.app import create_app
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import CODE_PATH, LOGIN_PATH
from tests.web.admin.conftest import Admin

OPEN = {LOGIN_PATH, CODE_PATH}  # the login, and its second step for a browser past the password


def _admin_routes() -> list[tuple[str, str, APIRoute]]:
    app = create_app(
        load_settings({"DISTRIBUTOR_DATABASE_URL": "sqlite://", "DISTRIBUTOR_SECRET_KEY": "k" * 32})
    )
    app.state.distributor.engine.dispose()
    return sorted(
        (method, path, route)
        for path, methods, route in _served(app.routes)
        if path.startswith("/admin") and path not in OPEN
        for method in methods - {"HEAD"}
    )


def _served(routes: Iterable[BaseRoute]) -> Iterator[tuple[str, set[str], APIRoute]]:
    """Each route with the path it is served at, included routers opened (FastAPI resolves
    them lazily, with their prefixes)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route.path, route.methods, route
        for context in getattr(route, "effective_route_contexts", list)():
            if isinstance(context.original_route, APIRoute):
                yield context.path, context.methods, context.original_route


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _permission(route: APIRoute) -> Permission:
    (permission,) = {
        call.permission for call in _calls(route.dependant) if isinstance(call, Require)
    }
    return permission


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


ROUTES = _admin_routes()
IDS = [f"{method} {path}" for method, path, _ in ROUTES]
BELOW = [
    pytest.param(method, path, role, id=f"{method} {path} as {role.value}")
    for method, path, route in ROUTES
    for role in Role
    if not at_least(role, minimum_role(_permission(route)))
]


def test_the_admin_has_pages_to_check() -> None:
    assert {"/admin", "/admin/lists", "/admin/users"} <= {path for _, path, _ in ROUTES}


@pytest.mark.parametrize(("method", "path", "route"), ROUTES, ids=IDS)
def test_every_admin_route_names_one_permission_and_posts_check_csrf(
    method: str, path: str, route: APIRoute
) -> None:
    assert _permission(route) in Permission
    if method != "GET":
        assert csrf_protected in set(_calls(route.dependant))


@pytest.mark.parametrize(("method", "path", "route"), ROUTES, ids=IDS)
def test_anonymous_visitors_are_sent_to_log_in(
    admin: Admin, method: str, path: str, route: APIRoute
) -> None:
    response = admin.browser().client.request(method, _concrete(path), data={})

    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{LOGIN_PATH}?next=%2Fadmin")


@pytest.mark.parametrize(("method", "path", "role"), BELOW)
def test_a_role_below_the_permission_gets_403(
    admin: Admin, method: str, path: str, role: Role
) -> None:
    browser = admin.signed_in(role)
    form = {"csrf_token": browser.csrf_token()}  # a valid token: the role alone is refused

    response = browser.client.request(
        method, _concrete(path), data=form if method != "GET" else None
    )

    assert response.status_code == 403
    assert "role" in response.text
