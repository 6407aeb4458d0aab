"""The new send-out form with the checks before sending: warnings to confirm, errors to fix."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from distributor.audit import SYSTEM
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import Release, Role, SendOut
from distributor.releases.fileformat import parse_release
from distributor.releases.store import add_release
from tests.sending.conftest import EXAMPLES
from tests.web.admin.conftest import Admin

DAY, TIME = "2030-01-07", "08:00"  # a Monday morning in UTC
CONFIRM = 'name="confirm"'


@pytest.fixture
def release(admin: Admin) -> Release:
    """A release, and a list "culture-desk" with one journalist; the app relays without DKIM."""
    admin.reconfigure(smtp_url="smtp://127.0.0.1:2525")
    session = admin.web.session
    release = add_release(session, parse_release((EXAMPLES / "release-en.md").read_bytes()), SYSTEM)
    create_list(session, "culture-desk", SYSTEM, name="Culture desk")
    add_contact(session, {"email": "anna.berg@tageblatt.example"}, SYSTEM)
    subscribe(session, "anna.berg@tageblatt.example", "culture-desk", SYSTEM)
    admin.commit()
    return release


def _form(release: Release, **more: str) -> dict[str, str]:
    at = {"when": "at", "date": DAY, "time": TIME}
    return {"release": str(release.id), "lists": "culture-desk", **at, **more}


def _sendouts(admin: Admin) -> int:
    admin.commit()
    return admin.web.session.scalar(select(func.count()).select_from(SendOut)) or 0


def test_warnings_show_the_form_again_with_them_and_a_box_to_confirm(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post("/admin/sendouts/new", _form(release))

    assert page.status_code == 409
    assert "would carry no signature proving where they come from" in page.text
    assert "dkim.missing" not in page.text
    assert "DISTRIBUTOR_" not in page.text
    assert CONFIRM in page.text
    assert f'value="{DAY}"' in page.text  # the form keeps what was typed
    assert f'value="{TIME}"' in page.text
    assert _sendouts(admin) == 0


def test_confirmed_warnings_schedule_it_and_its_page_shows_them(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    created = browser.post("/admin/sendouts/new", _form(release, confirm="true"))
    assert created.status_code == 303, created.text
    page = browser.get(created.headers["location"])

    assert "Checks before sending" in page.text
    assert "would carry no signature proving where they come from" in page.text
    assert "warnings confirmed" in page.text
    assert _sendouts(admin) == 1


def test_errors_cannot_be_confirmed(admin: Admin, release: Release) -> None:
    text = (EXAMPLES / "release-en.md").read_text().replace("film-grants-2027", "broken")
    link = "http://localhost:8000/releases/no-such-release"
    broken = add_release(admin.web.session, parse_release(f"{text}\n[old]({link})\n"), SYSTEM)
    admin.commit()
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post("/admin/sendouts/new", _form(broken, confirm="true"))

    assert page.status_code == 409
    assert "links to newsroom pages that would not open" in page.text
    assert "cannot go" in page.text
    assert CONFIRM not in page.text
    assert _sendouts(admin) == 0


def test_journalists_who_already_have_the_release_are_counted_with_a_box_to_confirm(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    assert browser.post("/admin/sendouts/new", _form(release, confirm="true")).status_code == 303

    page = browser.post("/admin/sendouts/new", _form(release))

    assert page.status_code == 409
    assert "1 of the 1 journalists chosen have already been sent this release" in page.text
    assert "--exclude-list" not in page.text
    assert CONFIRM in page.text
    assert _sendouts(admin) == 1


def test_confirmed_repeat_is_scheduled(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    assert browser.post("/admin/sendouts/new", _form(release, confirm="true")).status_code == 303

    again = browser.post("/admin/sendouts/new", _form(release, confirm="true"))
    assert again.status_code == 303, again.text
    page = browser.get(again.headers["location"])

    assert "have already been sent this release" in page.text
    assert "warnings confirmed" in page.text
    assert _sendouts(admin) == 2


def test_a_list_that_reaches_nobody_is_refused_beside_the_lists_with_the_rest_kept(
    admin: Admin, release: Release
) -> None:
    create_list(admin.web.session, "empty-desk", SYSTEM, name="Empty desk")
    admin.commit()
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post(
        "/admin/sendouts/new", _form(release, lists="empty-desk", subject="Festival line-up")
    )

    assert page.status_code == 422
    assert "reach nobody" in _error(page.text, "lists")
    assert "--list" not in page.text
    assert 'value="Festival line-up"' in page.text
    assert f'value="{DAY}"' in page.text
    assert _sendouts(admin) == 0


def _error(page: str, field: str) -> str:
    """The error shown beside `field`."""
    start = page.index(f'id="e-{field}">') + len(f'id="e-{field}">')
    return page[start : page.index("<", start)]
