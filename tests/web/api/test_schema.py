"""The OpenAPI document and Swagger UI, and schemathesis on every operation: no 5xx, ever."""

from __future__ import annotations

import itertools
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from distributor.models import Role
from tests.web.api.conftest import Api

# Examples per operation: enough to reach odd input, few enough to keep the run short.
EXAMPLES = 25


def test_openapi_declares_the_bearer_scheme(api: Api) -> None:
    spec = api.client.get(f"{api.url}/openapi.json").json()

    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    assert spec["paths"]["/api/v1/sendouts"]["post"]["security"] == [{"bearer": ["press_officer"]}]


def test_swagger_ui_is_served(api: Api) -> None:
    response = api.client.get(f"{api.url}/docs")

    assert response.status_code == 200
    assert "swagger-ui" in response.text


def test_swagger_ui_loads_its_scripts_from_the_app_not_a_cdn(api: Api) -> None:
    page = api.client.get(f"{api.url}/docs").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)

    assert assets
    assert all(asset.startswith(f"{api.url}/") for asset in assets)
    for asset in assets:
        assert api.client.get(asset).status_code == 200


@pytest.fixture
def fuzzed(api: Api) -> Api:
    """The API over a database with a list, a contact and a release."""
    api.post("/lists", json={"slug": "culture-desk"})
    api.post("/lists/culture-desk/contacts", json={"email": "anna.berg@tageblatt.example"})
    api.post(
        "/releases",
        content=b"---\ntitle: Grants\n---\nBody.\n",
        headers={"Content-Type": "text/markdown"},
    )
    return api


def test_no_operation_answers_a_server_error(fuzzed: Api) -> None:
    """Schemathesis, from the app's own OpenAPI document, with an admin key: every /api/v1
    operation, valid and invalid input, a few examples each."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.app).include(
        path_regex="^/api/v1/"
    )
    headers = {"Authorization": f"Bearer {fuzzed.keys[Role.ADMIN]}"}
    operations = [result.ok() for result in schema.get_all_operations()]

    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        no_server_error()
    assert len(operations) >= 21
