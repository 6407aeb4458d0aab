"""What every admin page carries: where you are, the way back up, what your last action did,
times on your own clock, and refusals shown inside the admin rather than on a bare page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from distributor.models import Role
from distributor.web.admin.clock import local_time
from tests.web.admin.conftest import EMAILS, Admin


def test_the_current_section_is_marked_in_the_navigation(admin: Admin) -> None:
    page = admin.signed_in(Role.VIEWER).get("/admin/lists")

    assert '<a href="/admin/lists" aria-current="page">Lists</a>' in page.text
    assert '<a href="/admin/releases">Releases</a>' in page.text


def test_a_time_is_shown_on_the_readers_clock_with_utc_on_hover() -> None:
    moment = datetime(2027, 2, 3, 8, 0, tzinfo=UTC)

    shown = local_time(moment, ZoneInfo("Europe/Paris"))

    assert shown == (
        '<time datetime="2027-02-03T08:00:00+00:00" title="2027-02-03 08:00 UTC">'
        "3 Feb 2027, 09:00 CET</time>"
    )


def test_no_time_is_a_dash() -> None:
    assert local_time(None, UTC) == "—"


def test_a_user_chooses_their_time_zone_and_is_told_it_is_saved(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    saved = browser.post("/admin/me", {"time_zone": "Europe/Berlin"})
    assert saved.status_code == 303
    page = browser.get(saved.headers["location"])

    assert (
        '<div class="notice" role="status">Times are now shown in Europe/Berlin.</div>' in page.text
    )
    assert '<option value="Europe/Berlin" selected>' in page.text
    again = browser.get("/admin/me")
    assert 'class="notice"' not in again.text  # a notice is said once


def test_a_time_zone_not_in_the_list_comes_back_with_the_value_and_a_plain_reason(
    admin: Admin,
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    page = browser.post("/admin/me", {"time_zone": "Paris"})

    assert page.status_code == 422
    assert "Choose your time zone from the list, such as Europe/Paris." in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'href="/admin/lists"' in page.text  # still inside the admin


def test_a_forged_notice_cookie_is_not_shown(admin: Admin) -> None:
    browser = admin.signed_in(Role.VIEWER)
    browser.client.cookies.set("distributor_notice", '"Wire money to evil.example"', path="/admin")

    page = browser.get("/admin")

    assert "evil.example" not in page.text


def test_a_refused_page_keeps_the_navigation_and_says_why(admin: Admin) -> None:
    page = admin.signed_in(Role.VIEWER).get("/admin/lists/no-such-list")

    assert page.status_code == 404
    assert 'href="/admin/releases"' in page.text
    assert EMAILS[Role.VIEWER] in page.text
    assert 'role="alert"' in page.text
