"""The follow-up form on a completed send-out's page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from distributor.models import Role, SendOut
from tests.web.admin.conftest import Admin
from tests.web.follow_ups import add_russian_version, completed_sendout
from tests.web.recipients import ESCAPED_XSS, XSS

LATER = {"when": "at", "date": "2030-01-01", "time": "08:00"}
NOW = {"when": "now"}


@pytest.fixture
def original(admin: Admin, tmp_path: Path) -> int:
    sendout_id = completed_sendout(admin.web.session, tmp_path / "sent")
    admin.commit()
    return sendout_id


def test_a_completed_sendout_offers_the_follow_up_form_to_a_press_officer(
    admin: Admin, original: int
) -> None:
    page = admin.signed_in(Role.PRESS_OFFICER).get(f"/admin/sendouts/{original}")

    assert "Follow up with non-clickers" in page.text
    assert f'action="/admin/sendouts/{original}/follow-up"' in page.text


def test_a_viewer_sees_no_follow_up_form(admin: Admin, original: int) -> None:
    page = admin.signed_in(Role.VIEWER).get(f"/admin/sendouts/{original}")

    assert page.status_code == 200
    assert "/follow-up" not in page.text


def test_the_form_schedules_a_follow_up_and_each_page_names_the_other(
    admin: Admin, original: int
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    created = browser.post(
        f"/admin/sendouts/{original}/follow-up", {"subject": "Reminder", **LATER}
    )

    assert created.status_code == 303, created.text
    admin.commit()
    follow_up = admin.web.session.scalars(
        select(SendOut).where(SendOut.follow_up_of_id == original)
    ).one()
    assert created.headers["location"] == f"/admin/sendouts/{follow_up.id}"
    assert follow_up.subject == "Reminder"
    shown = browser.get(created.headers["location"])
    assert f'href="/admin/sendouts/{original}">send-out {original}</a>' in shown.text
    again = browser.get(f"/admin/sendouts/{original}")
    assert f'href="/admin/sendouts/{follow_up.id}">send-out {follow_up.id}</a>' in again.text
    assert "followed up only once" in again.text
    assert 'action="/admin/sendouts/' not in again.text.split('id="follow-up"')[1]


def test_a_second_follow_up_is_refused_naming_the_first(admin: Admin, original: int) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    first = browser.post(f"/admin/sendouts/{original}/follow-up", {"subject": "Reminder", **NOW})
    first_id = first.headers["location"].rsplit("/", 1)[1]

    again = browser.post(f"/admin/sendouts/{original}/follow-up", {"subject": "Last call", **NOW})

    assert again.status_code == 409
    assert f"already has a follow-up, send-out {first_id}" in again.text


def test_a_follow_up_subject_renders_as_text(admin: Admin, original: int) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    created = browser.post(f"/admin/sendouts/{original}/follow-up", {"subject": XSS, **LATER})
    page = browser.get(created.headers["location"])

    assert XSS not in page.text
    assert ESCAPED_XSS in page.text


def test_the_form_offers_a_subject_for_each_other_language(admin: Admin, original: int) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    english_only = browser.get(f"/admin/sendouts/{original}")
    add_russian_version(admin.web.session)
    admin.commit()

    bilingual = browser.get(f"/admin/sendouts/{original}")

    assert 'name="subject_in"' not in english_only.text
    assert bilingual.text.count('name="subject_in"') == 1
    assert '<input type="hidden" name="subject_language" value="ru">' in bilingual.text


def test_the_form_schedules_a_follow_up_with_a_subject_per_language(
    admin: Admin, original: int
) -> None:
    add_russian_version(admin.web.session)
    admin.commit()
    browser = admin.signed_in(Role.PRESS_OFFICER)

    created = browser.post(
        f"/admin/sendouts/{original}/follow-up",
        {"subject": "Reminder", "subject_language": "ru", "subject_in": "Напоминание", **LATER},
    )

    assert created.status_code == 303, created.text
    admin.commit()
    follow_up = admin.web.session.scalars(
        select(SendOut).where(SendOut.follow_up_of_id == original)
    ).one()
    assert follow_up.options["subjects"] == {"ru": "Напоминание"}
