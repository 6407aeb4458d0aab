"""`?limit=` and an opaque `?cursor=`: `{"items", "next"}` and a Link header to the next page."""

from __future__ import annotations

import httpx
import pytest

from tests.web.api.conftest import Api, problem_of

EMAILS = [f"journalist{n:02}@kurier.example" for n in range(7)]


@pytest.fixture
def seven(api: Api) -> Api:
    api.post("/lists", json={"slug": "culture-desk"})
    for email in EMAILS:
        api.post("/lists/culture-desk/contacts", json={"email": email})
    return api


def test_pages_follow_the_next_cursor_to_the_end(seven: Api) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = seven.get("/contacts", params=params).json()
        seen += [row["email"] for row in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break

    assert (seen, pages) == (EMAILS, 3)


def test_link_header_points_at_the_next_page(seven: Api) -> None:
    first = seven.get("/contacts", params={"limit": 5, "q": "kurier"})

    link = first.headers["link"]
    assert link.endswith('>; rel="next"')
    following = seven.get(link[1 : link.index(">")])  # an absolute URL
    assert [row["email"] for row in following.json()["items"]] == EMAILS[5:]
    assert "link" not in following.headers


def test_last_page_has_no_next(seven: Api) -> None:
    page = seven.get("/contacts", params={"limit": 7}).json()

    assert (len(page["items"]), page["next"]) == (7, None)


def test_default_limit_is_fifty_and_the_largest_five_hundred(seven: Api) -> None:
    problem_of(seven.get("/contacts", params={"limit": 501}), 422)
    problem_of(seven.get("/contacts", params={"limit": 0}), 422)
    assert seven.get("/contacts", params={"limit": 500}).status_code == 200


@pytest.mark.parametrize("cursor", ["nonsense", "bzotMQ", "b2Zmc2V0", "é"])
def test_cursor_the_api_did_not_give_is_a_bad_request(seven: Api, cursor: str) -> None:
    assert "cursor" in problem_of(seven.get("/contacts", params={"cursor": cursor}), 400)["detail"]


def test_every_collection_pages(seven: Api) -> None:
    for path in ("/lists", "/contacts", "/releases", "/sendouts", "/suppressions", "/bounces"):
        response: httpx.Response = seven.get(path, params={"limit": 1})
        assert response.status_code == 200, path
        assert set(response.json()) == {"items", "next"}
