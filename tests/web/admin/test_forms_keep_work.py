"""A mistake in an admin form never loses what was typed: the form comes back (422) with the
values in place and the reason beside the field, in a press officer's words; nothing is saved."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from sqlalchemy import func, select

from distributor.audit import SYSTEM
from distributor.contacts.lists import create_list
from distributor.models import ApiKey, MailingList, Release, Role, Segment, User
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.sending.conftest import EXAMPLES
from tests.web.admin.conftest import EMAILS, Admin

_FIELD = re.compile(r'<span class="error" id="e-(\w+)">([^<]*)</span>')


def field_errors(response: httpx.Response) -> dict[str, str]:
    """The error beside each field of the page, by field name, as it reads."""
    return {name: html.unescape(text) for name, text in _FIELD.findall(response.text)}


def rows(admin: Admin, model: type) -> int:
    admin.commit()
    return admin.web.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def release(admin: Admin) -> Release:
    found = add_release(admin.web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    admin.commit()
    return found


def test_a_list_short_name_with_capitals_and_signs_comes_back_with_the_rule(admin: Admin) -> None:
    before = rows(admin, MailingList)
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post(
        "/admin/lists", {"slug": "Film Critics!", "name": "Film critics", "description": "Cinema"}
    )

    assert response.status_code == 422
    assert field_errors(response) == {
        "slug": "A short name holds only lowercase letters, digits and hyphens between them, "
        "such as film-critics-fr, at most 100 characters."
    }
    for value in ("Film Critics!", "Film critics", "Cinema"):
        assert f'value="{value}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert rows(admin, MailingList) == before


def test_a_list_short_name_already_taken_is_refused_beside_the_field(admin: Admin) -> None:
    create_list(admin.web.session, "film", SYSTEM, name="Film")
    admin.commit()
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post("/admin/lists", {"slug": "film", "name": "Film again"})

    assert response.status_code == 422
    assert field_errors(response) == {
        "slug": "Another list already has the short name film; choose another."
    }
    assert 'value="Film again"' in response.text
    assert admin.web.session.scalar(select(MailingList.name).where(MailingList.slug == "film")) == (
        "Film"
    )


def test_a_new_list_leaves_a_notice(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    created = browser.post("/admin/lists", {"slug": "film-critics", "name": "Film critics"})
    page = browser.get(created.headers["location"])

    assert created.status_code == 303
    assert '<div class="notice" role="status">The list Film critics is created.</div>' in page.text
    assert '<nav aria-label="Breadcrumb" class="crumbs"><ol><li><a href="/admin/lists">Lists' in (
        page.text
    )


def test_a_test_copy_to_something_that_is_no_address_keeps_the_addresses(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    response = browser.post(
        f"/admin/releases/{release.id}/test",
        {"addresses": "me@press.example.org\nnot-an-address"},
    )

    assert response.status_code == 422
    assert field_errors(response) == {
        "addresses": "not-an-address is not an email address; write each as name@example.org."
    }
    assert ">me@press.example.org\nnot-an-address</textarea>" in response.text


def test_a_test_copy_without_addresses_asks_for_one(admin: Admin, release: Release) -> None:
    response = admin.signed_in(Role.PRESS_OFFICER).post(
        f"/admin/releases/{release.id}/test", {"addresses": " \n"}
    )

    assert response.status_code == 422
    assert field_errors(response) == {"addresses": "Write between 1 and 20 addresses, one a line."}


@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("", "Write at least one condition, such as country in FR,DE."),
        ("country like FR", "Line 1, “country like FR”: 'like' is not a comparison"),
        ("list nowhere", "A condition names a list that does not exist"),
    ],
    ids=["empty", "unreadable", "unknown-list"],
)
def test_a_segment_whose_conditions_cannot_be_used_keeps_the_form(
    admin: Admin, where: str, error: str
) -> None:
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post(
        "/admin/segments", {"name": "French film", "description": "Critics", "where": where}
    )

    assert response.status_code == 422
    assert field_errors(response)["where"].startswith(error)
    assert 'value="French film"' in response.text
    assert 'value="Critics"' in response.text
    assert f">{where}</textarea>" in response.text
    assert rows(admin, Segment) == 0


def test_a_segment_without_a_name_is_refused_beside_the_name(admin: Admin) -> None:
    response = admin.signed_in(Role.ADMIN).post(
        "/admin/segments", {"name": " ", "where": "country = FR"}
    )

    assert response.status_code == 422
    assert field_errors(response) == {
        "name": "Give the segment a name, such as French film critics."
    }
    assert ">country = FR</textarea>" in response.text


@pytest.mark.parametrize("email", ["not an address", "anna@", ""])
def test_a_user_with_a_bad_email_comes_back_with_the_rest_kept(admin: Admin, email: str) -> None:
    before = rows(admin, User)
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post(
        "/admin/users",
        {"email": email, "name": "Anna Berg", "role": "viewer", "password": "a long passphrase"},
    )

    assert response.status_code == 422
    assert field_errors(response) == {
        "email": "Write the person's email address, such as name@example.org."
    }
    assert 'value="Anna Berg"' in response.text
    assert '<option value="viewer" selected>Viewer</option>' in response.text
    assert "a long passphrase" not in response.text  # a password is never sent back
    assert rows(admin, User) == before


def test_a_second_account_for_the_same_address_is_refused(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)
    taken = EMAILS[Role.VIEWER].upper()

    response = browser.post(
        "/admin/users",
        {"email": taken, "name": "Vera", "role": "press_officer", "password": "a long passphrase"},
    )

    assert response.status_code == 422
    assert field_errors(response) == {"email": f"{EMAILS[Role.VIEWER]} has an account already."}
    assert f'value="{taken}"' in response.text
    assert '<option value="press_officer" selected>Press officer</option>' in response.text


def test_a_short_password_is_refused_beside_the_password(admin: Admin) -> None:
    response = admin.signed_in(Role.ADMIN).post(
        "/admin/users", {"email": "new@press.example", "role": "viewer", "password": "short"}
    )

    assert response.status_code == 422
    assert list(field_errors(response)) == ["password"]
    assert 'value="new@press.example"' in response.text


def test_a_new_user_leaves_a_notice_naming_the_role(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    created = browser.post(
        "/admin/users",
        {"email": "new@press.example", "role": "press_officer", "password": "a long passphrase"},
    )
    page = browser.get(created.headers["location"])

    assert created.status_code == 303
    assert "new@press.example can now log in as Press officer." in page.text


def test_an_api_key_without_a_name_keeps_the_choices(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post(
        "/admin/keys",
        {"user": EMAILS[Role.PRESS_OFFICER], "name": "  ", "role": "viewer", "expires": "90d"},
    )

    assert response.status_code == 422
    assert field_errors(response) == {"name": "Say what will use the key, such as newsroom CMS."}
    assert f'<option value="{EMAILS[Role.PRESS_OFFICER]}" selected>' in response.text
    assert '<option value="viewer" selected>Viewer</option>' in response.text
    assert 'value="90d"' in response.text
    assert rows(admin, ApiKey) == 0


def test_a_suppression_needs_an_address_and_a_reason(admin: Admin) -> None:
    response = admin.signed_in(Role.ADMIN).post(
        "/admin/suppressions", {"email": "gone at paper.example", "reason": ""}
    )

    assert response.status_code == 422
    assert set(field_errors(response)) == {"email", "reason"}
    assert 'value="gone at paper.example"' in response.text
