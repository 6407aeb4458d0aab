"""/api/v1/lists: create, read, list, with the CLI's rules and shapes."""

from __future__ import annotations

from tests.web.api.conftest import Api, problem_of


def test_created_list_is_shown_with_its_counts(api: Api) -> None:
    created = api.post("/lists", json={"slug": "culture-desk", "name": "Culture desk"})

    assert created.status_code == 201
    shown = api.get("/lists/culture-desk").json()
    assert shown == created.json()
    assert shown["name"] == "Culture desk"
    assert (shown["subscribed"], shown["unsubscribed"], shown["pending"]) == (0, 0, 0)


def test_lists_are_listed_by_slug(api: Api) -> None:
    for slug in ("science", "culture-desk"):
        api.post("/lists", json={"slug": slug})

    assert [item["slug"] for item in api.get("/lists").json()["items"]] == [
        "culture-desk",
        "science",
    ]


def test_taken_slug_is_a_conflict(api: Api) -> None:
    api.post("/lists", json={"slug": "culture-desk"})

    assert (
        "already exists"
        in problem_of(api.post("/lists", json={"slug": "culture-desk"}), 409)["detail"]
    )


def test_invalid_slug_is_a_bad_request_naming_the_rule(api: Api) -> None:
    detail = problem_of(api.post("/lists", json={"slug": "Culture Desk"}), 400)["detail"]

    assert "lowercase letters, digits and single hyphens" in detail


def test_unknown_list_is_not_found(api: Api) -> None:
    problem_of(api.get("/lists/nowhere"), 404)
