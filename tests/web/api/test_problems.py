"""Bad input is answered with RFC 9457 problem details naming the field, never a 500;
what looks like SQL or HTML is kept and returned as the text it is."""

from __future__ import annotations

import pytest

from tests.web.api.conftest import Api, problem_of

INJECTIONS = [
    "'; DROP TABLE mailing_lists; --",
    '<script>alert("x")</script>',
    "Robert'); DELETE FROM contacts WHERE ('1'='1",
    "{{ 7*7 }} ${7*7} %s %(name)s",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_text_is_stored_and_returned_as_text(api: Api, text: str) -> None:
    created = api.post("/lists", json={"slug": "culture-desk", "name": text, "description": text})

    assert created.status_code == 201, created.text
    shown = api.get("/lists/culture-desk").json()
    assert (shown["name"], shown["description"]) == (" ".join(text.split()), text)


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_text_in_a_search_finds_nothing(api: Api, text: str) -> None:
    api.post("/suppressions", json={"email": "anna@tageblatt.example", "reason": "manual"})

    assert api.get("/suppressions", params={"q": text}).json()["items"] == []
    assert api.get("/contacts", params={"q": text}).json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body.slug"),
        ({"slug": 42}, "body.slug"),
        ({"slug": ["culture-desk"]}, "body.slug"),
        ({"slug": "culture-desk", "name": {"en": "x"}}, "body.name"),
        ({"slug": "x" * 100_000}, "body.slug"),
        ({"slug": "culture-desk", "name": "Desk\x00"}, "body.name"),
    ],
    ids=["missing", "number", "array", "object", "huge", "nul"],
)
def test_body_that_does_not_fit_is_a_422_naming_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    problem = problem_of(api.post("/lists", json=body), 422)

    assert field in problem["detail"]
    assert any(error["field"] == field for error in problem["errors"])


def test_body_that_is_not_json_is_a_422(api: Api) -> None:
    response = api.post(
        "/lists", content=b"{slug: culture-desk", headers={"Content-Type": "application/json"}
    )

    problem_of(response, 422)


def test_lone_surrogate_is_a_422_not_a_crash(api: Api) -> None:
    response = api.post(
        "/lists",
        content=b'{"slug": "culture-desk", "name": "\\ud800"}',
        headers={"Content-Type": "application/json"},
    )

    assert "body.name" in problem_of(response, 422)["detail"]


def test_huge_text_beyond_the_services_limits_is_a_bad_request(api: Api) -> None:
    api.post("/lists", json={"slug": "culture-desk"})

    response = api.post(
        "/lists/culture-desk/contacts",
        json={"email": "anna@tageblatt.example", "first_name": "A" * 5_000},
    )

    assert "first" in problem_of(response, 400)["detail"].lower()


def test_wrong_type_in_a_path_is_a_422_naming_it(api: Api) -> None:
    assert "path.sendout_id" in problem_of(api.get("/sendouts/twelve"), 422)["detail"]


def test_id_beyond_any_row_is_a_422(api: Api) -> None:
    problem_of(api.get(f"/sendouts/{2**70}"), 422)
    problem_of(api.get(f"/releases/{'9' * 30}"), 422)


def test_unknown_path_is_a_problem(api: Api) -> None:
    problem_of(api.get("/nothing-here"), 404)


def test_wrong_method_is_a_problem_with_allow(api: Api) -> None:
    response = api.call("PUT", "/lists")

    problem_of(response, 405)
    assert "GET" in response.headers["allow"]
