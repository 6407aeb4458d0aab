"""/api/v1/releases: add from a release file's text, list, show."""

from __future__ import annotations

from pathlib import Path

from tests.web.api.conftest import Api, problem_of

EXAMPLE = (Path(__file__).parents[3] / "docs" / "examples" / "release-en.md").read_bytes()
MARKDOWN = {"Content-Type": "text/markdown; charset=utf-8"}


def add(api: Api, text: bytes = EXAMPLE) -> dict[str, object]:
    response = api.post("/releases", content=text, headers=MARKDOWN)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_release_file_text_is_stored_and_shown_in_full(api: Api) -> None:
    added = add(api)

    shown = api.get("/releases/film-grants-2027").json()
    assert shown == api.get(f"/releases/{added['id']}").json() == added
    assert shown["title"].startswith("National Film Fund announces")
    assert shown["contacts"][0]["name"] == "Claire Dubois"
    assert "**€48 million**" in shown["body_markdown"]


def test_releases_are_listed_newest_first(api: Api) -> None:
    first = add(api, b"---\ntitle: First\n---\nBody.\n")
    second = add(api, b"---\ntitle: Second\n---\nBody.\n")

    listed = api.get("/releases").json()["items"]

    assert [r["id"] for r in listed] == [second["id"], first["id"]]


def test_release_file_without_a_title_is_refused_naming_the_field(api: Api) -> None:
    response = api.post(
        "/releases", content=b"---\ndate: 2027-02-03\n---\nBody.\n", headers=MARKDOWN
    )

    assert "title" in problem_of(response, 400)["detail"]


def test_release_file_that_is_not_utf8_is_refused_naming_the_line(api: Api) -> None:
    response = api.post("/releases", content=b"---\ntitle: Caf\xe9\n---\n", headers=MARKDOWN)

    assert ":2: file: is not UTF-8" in problem_of(response, 400)["detail"]


def test_unknown_release_is_not_found(api: Api) -> None:
    problem_of(api.get("/releases/no-such-release"), 404)
