"""Every admin form, posted with what no form offers (control characters, huge numbers,
impossible dates, thousands of characters, files where text goes): never a server error."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distributor.audit import SYSTEM
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import Role
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.sending.conftest import EXAMPLES as RELEASES
from tests.web.admin.conftest import Admin, Browser
from tests.web.admin.test_access import ROUTES

EXAMPLES = 3  # forms of mixed values, after each odd value in every field
POSTS = [(path, route) for method, path, route in ROUTES if method == "POST"]
ODD = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999",
    "9223372036854775808",
    "1e309",
    "NaN",
    "inf",
    "2026-02-30",
    "25:61",
    "\x00",
    "a\r\nBcc: someone@example.com",
    "x" * 5000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "Europe/Nowhere",
    "١٢٣",
    "culture-desk",
    "1",
    "anna.berg@tageblatt.example",
]
VALUES = st.one_of(st.sampled_from(ODD), st.text(max_size=40))


def _fields(route: APIRoute) -> list[tuple[str, bool]]:
    """The form's fields: each name, and whether it takes a file."""
    return [
        (param.alias, "UploadFile" in repr(param.field_info.annotation))
        for param in route.dependant.body_params
        if param.alias != "csrf_token"
    ]


@dataclass(frozen=True)
class Desk:
    """An admin's browser, and what the paths of its forms name: a list, a journalist on it,
    and a release."""

    browser: Browser
    names: dict[str, str]

    def path(self, template: str) -> str:
        return re.sub(r"\{([^}]+)\}", lambda found: self.names.get(found[1], "1"), template)


@pytest.fixture
def desk(admin: Admin) -> Desk:
    session = admin.web.session
    release = add_release(session, read_release_file(RELEASES / "release-en.md"), SYSTEM)
    create_list(session, "culture-desk", SYSTEM, name="Culture desk")
    contact = add_contact(session, {"email": "anna.berg@tageblatt.example"}, SYSTEM)
    subscribe(session, "anna.berg@tageblatt.example", "culture-desk", SYSTEM)
    admin.commit()
    names = {"release_id": str(release.id), "slug": "culture-desk", "contact_id": str(contact.id)}
    return Desk(admin.signed_in(Role.ADMIN), names)


@pytest.mark.parametrize(("path", "route"), POSTS, ids=[path for path, _ in POSTS])
def test_a_form_posted_with_odd_values_is_answered_without_a_server_error(
    desk: Desk, path: str, route: APIRoute
) -> None:
    fields = _fields(route)
    token = desk.browser.csrf_token()
    texts = {name: VALUES for name, is_file in fields if not is_file}
    files = [name for name, is_file in fields if is_file]

    def post(form: dict[str, str], content: bytes) -> None:
        response = desk.browser.client.post(
            desk.path(path),
            data={**form, "csrf_token": token},
            files=dict.fromkeys(files, ("odd.bin", content)) or None,
        )
        assert response.status_code < 500, f"{path} {form!r}: {response.text[:500]}"

    for value in ODD:
        post(dict.fromkeys(texts, value), value.encode("utf-8", "surrogatepass"))

    @given(form=st.fixed_dictionaries(texts), content=st.binary(max_size=200))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def mixed(form: dict[str, str], content: bytes) -> None:
        post(form, content)

    mixed()


def test_a_nul_character_in_a_form_is_refused_naming_its_field(desk: Desk) -> None:
    refused = desk.browser.post(
        desk.path("/admin/contacts/{contact_id}/notes"), {"text": "called\x00 back"}
    )

    assert refused.status_code == 422
    assert "The field “text” holds an invisible character" in refused.text


def test_a_nul_character_in_a_query_is_refused(desk: Desk) -> None:
    assert desk.browser.get("/admin/contacts?q=weber%00").status_code == 422
