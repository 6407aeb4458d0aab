"""Scheduling from the admin: the time on the officer's own clock and where the journalists are,
every mistake refused beside its field with what was typed kept, a cancel that asks why first,
and progress that moves with each message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from distributor.audit import SYSTEM
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.subscriptions import subscribe
from distributor.models import (
    AuditEntry,
    Contact,
    Delivery,
    Release,
    Role,
    SendOut,
    SendOutState,
    SendOutTally,
)
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.sending.conftest import EXAMPLES
from tests.web.admin.conftest import Admin, Browser
from tests.web.follow_ups import completed_sendout

LATER = {"when": "at", "date": "2030-01-07", "time": "09:00"}


@pytest.fixture
def release(admin: Admin) -> Release:
    """A release, and a list "culture-desk" of journalists: three in Paris, two in London, one
    in New York."""
    session = admin.web.session
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    create_list(session, "culture-desk", SYSTEM, name="Culture desk")
    for email, zone in (
        ("anna.berg@figaro.example", "Europe/Paris"),
        ("louis.martin@liberation.example", "Europe/Paris"),
        ("claire.dubois@lemonde.example", "Europe/Paris"),
        ("tom.hale@guardian.example", "Europe/London"),
        ("amy.cole@ft.example", "Europe/London"),
        ("joan.reed@nytimes.example", "America/New_York"),
    ):
        add_contact(session, {"email": email, "time_zone": zone}, SYSTEM)
        subscribe(session, email, "culture-desk", SYSTEM)
    admin.commit()
    return release


def _form(release: Release, **fields: str) -> dict[str, str]:
    return {"release": str(release.id), "lists": "culture-desk", **fields}


def _officer_in(admin: Admin, zone: str) -> Browser:
    admin.users[Role.PRESS_OFFICER].time_zone = zone
    admin.commit()
    return admin.signed_in(Role.PRESS_OFFICER)


def _sendouts(admin: Admin) -> list[SendOut]:
    admin.commit()
    return list(admin.web.session.scalars(select(SendOut)))


def _error(page: str, field: str) -> str:
    """The error shown beside `field`."""
    start = page.index(f'id="e-{field}">') + len(f'id="e-{field}">')
    return page[start : page.index("<", start)]


def test_a_time_without_a_day_comes_back_with_the_time_kept_and_the_day_asked_for(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post("/admin/sendouts/new", _form(release, when="at", time="09:00"))

    assert page.status_code == 422
    assert _error(page.text, "date") == "Choose the day it goes."
    assert 'name="time" type="time" value="09:00"' in page.text
    assert 'value="culture-desk" checked' in page.text
    assert "--at" not in page.text
    assert _sendouts(admin) == []


def test_a_time_already_past_is_refused_beside_the_time(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()

    page = browser.post(
        "/admin/sendouts/new", _form(release, when="at", date=yesterday, time="09:00")
    )

    assert page.status_code == 422
    assert "already passed" in _error(page.text, "time")
    assert f'value="{yesterday}"' in page.text
    assert _sendouts(admin) == []


def test_no_list_or_segment_ticked_is_refused_with_the_rest_kept(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post(
        "/admin/sendouts/new",
        {"release": str(release.id), "subject": "Festival line-up", **LATER},
    )

    assert page.status_code == 422
    assert _error(page.text, "lists") == "Choose at least one list or segment."
    assert 'value="Festival line-up"' in page.text
    assert 'value="2030-01-07"' in page.text
    assert "--list" not in page.text


def test_a_city_for_the_fallback_zone_is_refused_beside_the_zone(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post(
        "/admin/sendouts/new",
        _form(release, when="local", local_time="09:00", time_zone="Paris"),
    )

    assert page.status_code == 422
    assert "Choose a time zone from the list" in _error(page.text, "time_zone")
    assert '<select id="f-time_zone" name="time_zone"' in page.text
    assert 'name="local_time" type="time" value="09:00"' in page.text
    assert 'value="local" checked' in page.text
    assert _sendouts(admin) == []


def test_when_it_goes_must_be_chosen_even_to_send_now(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post("/admin/sendouts/new", _form(release))
    now = browser.post("/admin/sendouts/new", _form(release, when="now"))

    assert page.status_code == 422
    assert "Choose when it goes" in _error(page.text, "when")
    assert now.status_code == 303


def test_the_day_and_time_are_read_on_the_officers_own_clock(
    admin: Admin, release: Release
) -> None:
    browser = _officer_in(admin, "America/New_York")

    created = browser.post("/admin/sendouts/new", _form(release, **LATER))
    page = browser.get(created.headers["location"])

    (sendout,) = _sendouts(admin)
    assert sendout.scheduled_at == datetime(2030, 1, 7, 14, 0, tzinfo=UTC)
    assert f"Send-out {sendout.id} is scheduled for 7 Jan 2030, 09:00 EST." in page.text
    assert 'title="2030-01-07 14:00 UTC">7 Jan 2030, 09:00 EST</time>' in page.text


def test_the_form_names_the_officers_zone_with_a_way_to_change_it(
    admin: Admin, release: Release
) -> None:
    page = _officer_in(admin, "America/New_York").get("/admin/sendouts/new")

    assert "On your clock: America/New York" in page.text
    assert 'href="/admin/me"' in page.text
    assert 'type="date"' in page.text
    assert 'name="time" type="time"' in page.text


def test_the_chosen_time_is_shown_where_the_journalists_are(admin: Admin, release: Release) -> None:
    browser = _officer_in(admin, "Europe/Paris")
    query = "lists=culture-desk&when=at&date=2030-01-07&time=09:00"

    preview = browser.get(f"/admin/sendouts/new/zones?{query}")
    refused = browser.post("/admin/sendouts/new", _form(release, date="2030-01-07", time="09:00"))

    expected = (
        "<strong>09:00</strong> in Paris · <strong>08:00</strong> in London · "
        "<strong>03:00</strong> in New York"
    )
    assert expected in preview.text
    assert expected in refused.text  # without script too: the form shows it when it comes back


def test_cancel_asks_why_on_a_step_of_its_own_before_cancelling(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = browser.post("/admin/sendouts/new", _form(release, **LATER)).headers["location"]

    shown = browser.get(page)
    asked = browser.get(f"{page}/cancel")
    no_reason = browser.post(f"{page}/cancel", {"reason": "  "})
    (sendout,) = _sendouts(admin)
    still = sendout.state
    cancelled = browser.post(f"{page}/cancel", {"reason": "The festival was postponed"})
    after = browser.get(cancelled.headers["location"])

    assert f'href="{page}/cancel"' in shown.text
    assert asked.status_code == 200
    assert 'name="reason"' in asked.text
    assert no_reason.status_code == 422
    assert "Say why it is cancelled" in _error(no_reason.text, "reason")
    assert still is SendOutState.SCHEDULED
    assert "Cancelled because: The festival was postponed" in after.text
    assert f"Send-out {sendout.id} is cancelled" in after.text
    audit = admin.web.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sendout.cancel")
    ).one()
    assert audit.details["reason"] == "The festival was postponed"


def test_pause_and_resume_each_say_what_they_did(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = browser.post("/admin/sendouts/new", _form(release, **LATER)).headers["location"]

    paused = browser.get(browser.post(f"{page}/pause", {}).headers["location"])
    resumed = browser.get(browser.post(f"{page}/resume", {}).headers["location"])

    assert "is paused: no further message goes until you resume it." in paused.text
    assert "carries on." in resumed.text


def test_the_progress_counts_each_message_before_its_batch_is_recorded(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = browser.post("/admin/sendouts/new", _form(release, when="at", **_soon())).headers[
        "location"
    ]
    (sendout,) = _sendouts(admin)
    session = admin.web.session
    sendout.state = SendOutState.SENDING
    for contact in session.scalars(select(Contact)):
        session.add(Delivery(sendout_id=sendout.id, contact_id=contact.id, email=contact.email))
    session.add(SendOutTally(sendout_id=sendout.id, outcome="sent", count=3))
    admin.commit()

    shown = browser.get(page)
    polled = browser.get(f"{page}/progress")

    for text in (shown.text, polled.text):
        assert '<strong id="live-sent">3</strong>' in text
        assert '<strong id="live-remaining">3</strong>' in text
        assert 'style="width: 50%"' in text
    assert f'hx-get="{page}/progress" hx-trigger="every 3s"' in polled.text
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in shown.text


def _soon() -> dict[str, str]:
    moment = datetime.now(UTC) + timedelta(hours=2)
    return {"date": moment.date().isoformat(), "time": f"{moment:%H:%M}"}


def test_a_follow_up_typed_as_tomorrow_9am_is_refused_beside_its_time(
    admin: Admin, tmp_path: Path
) -> None:
    original = completed_sendout(admin.web.session, tmp_path / "sent")
    admin.commit()
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post(
        f"/admin/sendouts/{original}/follow-up",
        {"subject": "Last chance to book", "when": "at", "date": "", "time": "tomorrow 9am"},
    )

    assert page.status_code == 422
    assert _error(page.text, "time") == "Give the time as hours and minutes, such as 09:00."
    assert 'value="tomorrow 9am"' in page.text
    assert 'value="Last chance to book"' in page.text
    assert _error(page.text, "date") == "Choose the day it goes."
