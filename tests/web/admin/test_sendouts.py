"""The send-out pages: schedule a release, follow it, pause, resume, cancel; test copies."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from sqlalchemy import Engine, select

from distributor.audit import SYSTEM
from distributor.contacts.directory import add_contact
from distributor.contacts.lists import create_list
from distributor.contacts.segments import create_segment, parse_where_all
from distributor.contacts.subscriptions import subscribe
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceSource,
    Contact,
    Delivery,
    ProcessRole,
    Release,
    Role,
    Segment,
    SendOut,
    SendOutAudience,
    SendOutState,
)
from distributor.models.base import utcnow
from distributor.models.reasons import Reason
from distributor.observability import HeartbeatWriter
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.sending.conftest import EXAMPLES
from tests.smtp_server import CaptureServer, smtp_server
from tests.web.admin.conftest import Admin, Browser
from tests.web.recipients import ESCAPED_XSS, XSS

LATER = {"when": "at", "date": "2030-01-01", "time": "08:00"}  # UTC: the officer's own zone


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    """The relay test copies go to (as tests/sending/conftest.py's capture)."""
    with smtp_server() as server:
        yield server


@pytest.fixture
def release(admin: Admin) -> Release:
    """A release, and a list "culture-desk" with one journalist to send it to."""
    session = admin.web.session
    release = add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    create_list(session, "culture-desk", SYSTEM, name="Culture desk")
    add_contact(session, {"email": "anna.berg@tageblatt.example"}, SYSTEM)
    subscribe(session, "anna.berg@tageblatt.example", "culture-desk", SYSTEM)
    admin.commit()
    return release


def schedule(browser: Browser, release: Release) -> str:
    """Schedule `release` to the culture desk for later from the form; the send-out's page."""
    created = browser.post(
        "/admin/sendouts/new", {"release": str(release.id), "lists": "culture-desk", **LATER}
    )
    assert created.status_code == 303, created.text
    location: str = created.headers["location"]
    return location


def test_a_press_officer_schedules_a_sendout_from_the_form_and_sees_it(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    form = browser.get("/admin/sendouts/new")
    page = browser.get(schedule(browser, release))
    listed = browser.get("/admin/sendouts")

    assert 'value="culture-desk"' in form.text
    assert page.status_code == 200
    assert "<strong>scheduled</strong>" in page.text
    assert "2030-01-01 08:00 UTC" in page.text
    assert release.version().title in listed.text
    admin.commit()
    sendout = admin.web.session.scalar(select(SendOut))
    assert sendout is not None
    assert (sendout.release_id, sendout.state) == (release.id, SendOutState.SCHEDULED)


def test_a_sendout_to_a_segment_is_scheduled_from_the_form(admin: Admin, release: Release) -> None:
    contact = admin.web.session.scalars(select(Contact)).one()
    contact.country = "DE"  # the segment reaches her: a segment of nobody is refused
    create_segment(admin.web.session, "germany", parse_where_all(["country = DE"]), SYSTEM)
    admin.commit()
    browser = admin.signed_in(Role.PRESS_OFFICER)

    form = browser.get(f"/admin/sendouts/new?release={release.id}")
    created = browser.post(
        "/admin/sendouts/new", {"release": str(release.id), "segments": "germany", **LATER}
    )

    assert f'<option value="{release.id}" selected>' in form.text
    assert 'name="segments" value="germany"' in form.text
    assert created.status_code == 303, created.text
    admin.commit()
    audience = admin.web.session.scalars(select(SendOutAudience)).one()
    assert (audience.segment_id, audience.list_id, audience.exclude) == (
        admin.web.session.scalars(select(Segment.id)).one(),
        None,
        False,
    )


def test_pause_then_resume_changes_the_state(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = schedule(browser, release)

    paused = browser.post(f"{page}/pause", {})
    paused_page = browser.get(page)
    resumed = browser.post(f"{page}/resume", {})
    resumed_page = browser.get(page)

    assert (paused.status_code, resumed.status_code) == (303, 303)
    assert "<strong>paused</strong>" in paused_page.text
    assert f'action="{page}/resume"' in paused_page.text
    assert "<strong>scheduled</strong>" in resumed_page.text


def test_cancel_ends_the_sendout_and_shows_its_report(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = schedule(browser, release)

    cancelled = browser.post(f"{page}/cancel", {"reason": "The minister postponed the launch"})
    shown = browser.get(page)

    assert cancelled.status_code == 303
    assert "<strong>cancelled</strong>" in shown.text
    assert "Cancelled because: The minister postponed the launch" in shown.text
    assert "Report" in shown.text
    assert f'action="{page}/' not in shown.text


def test_the_report_says_why_messages_bounced_in_one_line(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = schedule(browser, release)
    browser.post(f"{page}/cancel", {"reason": "Wrong list"})
    session = admin.web.session
    anna = session.scalar(select(Contact))
    assert anna is not None
    delivery = Delivery(
        sendout_id=int(page.rsplit("/", 1)[1]), contact_id=anna.id, email=anna.email
    )
    session.add(delivery)
    session.flush()
    for kind, reason in (
        (BounceClass.HARD, Reason.USER_UNKNOWN),
        (BounceClass.HARD, Reason.USER_UNKNOWN),
        (BounceClass.SOFT, Reason.MAILBOX_FULL),
    ):
        session.add(
            BounceRecord(
                source=BounceSource.RECEIVER,
                classification=kind,
                reason=reason.value,
                delivery_id=delivery.id,
            )
        )
    admin.commit()

    shown = browser.get(page)

    assert "What came back: 2 user unknown, 1 mailbox full" in shown.text


def test_a_viewer_sees_the_pages_but_may_not_change_anything(
    admin: Admin, release: Release
) -> None:
    page = schedule(admin.signed_in(Role.PRESS_OFFICER), release)
    viewer = admin.signed_in(Role.VIEWER)

    shown = viewer.get(page)
    listed = viewer.get("/admin/sendouts")
    refused = [viewer.post(f"{page}/{move}", {}) for move in ("pause", "resume", "cancel")]
    created = viewer.post(
        "/admin/sendouts/new", {"release": str(release.id), "lists": "culture-desk"}
    )

    assert (shown.status_code, listed.status_code) == (200, 200)
    assert "/pause" not in shown.text
    assert [response.status_code for response in [*refused, created]] == [403] * 4


def test_a_test_copy_reaches_the_relay_marked_test(
    admin: Admin, release: Release, capture: CaptureServer
) -> None:
    admin.reconfigure(
        smtp_url=capture.url(tls="none"),
        **{"from": "Ministry Press Office <press@ministry.example>"},
    )
    browser = admin.signed_in(Role.PRESS_OFFICER)

    form = browser.get(f"/admin/releases/{release.id}/test")
    sent = browser.post(f"/admin/releases/{release.id}/test", {"addresses": "me@press.example.org"})

    assert form.status_code == 200
    assert sent.status_code == 303, sent.text
    assert (
        "The test copy went to me@press.example.org." in browser.get(sent.headers["location"]).text
    )
    (message,) = capture.messages
    assert message.recipients == ["me@press.example.org"]
    subject = str(message_from_bytes(message.data, policy=policy.default)["Subject"])
    assert subject.startswith("[TEST] ")


def test_a_release_title_is_shown_as_text(admin: Admin, release: Release) -> None:
    release.version().title = XSS
    admin.commit()
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = schedule(browser, release)

    pages = [
        browser.get(path).text
        for path in (
            page,
            "/admin/sendouts",
            "/admin/sendouts/new",
            f"/admin/releases/{release.id}/test",
        )
    ]

    for text in pages:
        assert ESCAPED_XSS in text
        assert XSS not in text


def test_the_page_of_a_sendout_being_sent_reloads_itself(admin: Admin, release: Release) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = schedule(browser, release)
    scheduled = browser.get(page)
    admin.commit()
    sendout = admin.web.session.scalar(select(SendOut))
    assert sendout is not None
    sendout.state = SendOutState.SENDING
    admin.commit()

    sending = browser.get(page)

    assert '<meta http-equiv="refresh" content="5">' in sending.text
    assert 'http-equiv="refresh"' not in scheduled.text


def test_the_page_of_a_sendout_about_to_start_reloads_itself(
    admin: Admin, release: Release
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = schedule(browser, release)
    admin.commit()
    sendout = admin.web.session.scalar(select(SendOut))
    assert sendout is not None
    sendout.scheduled_at = utcnow()
    admin.commit()

    due = browser.get(page)

    assert '<meta http-equiv="refresh" content="5">' in due.text


def being_sent(admin: Admin, release: Release) -> tuple[Browser, str]:
    """A press officer, and the page of a send-out of `release` that is being sent."""
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = schedule(browser, release)
    admin.commit()
    sendout = admin.web.session.scalar(select(SendOut))
    assert sendout is not None
    sendout.state = SendOutState.SENDING
    admin.commit()
    return browser, page


def test_a_sendout_nobody_sends_says_so_in_the_officers_words(
    admin: Admin, release: Release
) -> None:
    browser, page = being_sent(admin, release)

    shown = " ".join(browser.get(page).text.split())
    polled = " ".join(browser.get(f"{page}/progress").text.split())

    for html in (shown, polled):
        assert "Waiting: the sending service is not running, so nothing is sent." in html
        assert "Ask whoever looks after distributor to start it" in html
        assert "distributor worker" not in html


def test_a_sendout_a_worker_sends_shows_no_warning(admin: Admin, release: Release) -> None:
    browser, page = being_sent(admin, release)
    engine = admin.web.session.get_bind()
    assert isinstance(engine, Engine)
    writer = HeartbeatWriter(engine, ProcessRole.WORKER)
    writer.beat()
    try:
        assert "Waiting:" not in browser.get(page).text
    finally:
        writer.stop()


def test_the_dashboard_names_the_sendouts_nobody_sends(admin: Admin, release: Release) -> None:
    browser, page = being_sent(admin, release)

    dashboard = " ".join(browser.get("/admin").text.split())

    assert "1 send-out is waiting</strong>: the sending service is not running" in dashboard
    assert f'<a href="{page}">' in dashboard
