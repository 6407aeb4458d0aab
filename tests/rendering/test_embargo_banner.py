"""The embargo banner on the author's clock and in UTC, and on the recipient's clock when known."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from distributor.rendering.compose import fill_in, render_release
from distributor.rendering.dates import format_local_embargo
from distributor.rendering.views import ReleaseView
from tests.rendering.samples import CONTEXT, RECIPIENT

PARIS_LIFT = datetime(2027, 2, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
RELEASE = ReleaseView(
    id="1",
    title="National Film Fund announces 2027 production grants",
    body_html="<p>The fund opens its 2027 round.</p>",
    language="en-GB",
    organization="National Film Fund",
    embargo_until=PARIS_LIFT,
)


def test_banner_shows_the_authors_zone_then_utc() -> None:
    html, text = fill_in(render_release(RELEASE, CONTEXT), RECIPIENT)

    assert "until 3 February 2027, 09:00 CET (08:00 UTC)" in html
    assert "EMBARGOED until 3 February 2027, 09:00 CET (08:00 UTC)\n" in text


def test_a_reader_in_tokyo_also_sees_the_lift_on_their_own_clock() -> None:
    local = format_local_embargo(PARIS_LIFT, "Asia/Tokyo", "en-GB")
    html, text = fill_in(render_release(RELEASE, CONTEXT), replace(RECIPIENT, local_embargo=local))

    assert local == "17:00 your time (JST)"
    banner = "3 February 2027, 09:00 CET (08:00 UTC) — 17:00 your time (JST)"
    assert banner in html
    assert banner in text


def test_a_reader_whose_zone_is_the_authors_sees_no_second_time() -> None:
    assert format_local_embargo(PARIS_LIFT, "Europe/Berlin", "en") == ""
    assert format_local_embargo(PARIS_LIFT, "Etc/UTC", "en") == ""
    assert format_local_embargo(PARIS_LIFT, "Not/AZone", "en") == ""
    assert format_local_embargo(PARIS_LIFT, None, "en") == ""


def test_new_york_reader_sees_eastern_standard_time_before_the_dst_change() -> None:
    lift = datetime(2027, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 08:00 UTC

    assert format_local_embargo(lift, "America/New_York", "en") == "03:00 your time (EST)"


def test_new_york_reader_sees_daylight_time_after_the_dst_change() -> None:
    # New York moves its clocks on 14 March 2027, Paris only on 28 March: for two weeks the
    # cities are five hours apart, not six.
    lift = datetime(2027, 3, 17, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 08:00 UTC

    assert format_local_embargo(lift, "America/New_York", "en") == "04:00 your time (EDT)"


def test_a_new_york_author_across_the_dst_change_keeps_their_own_clock() -> None:
    html, _ = fill_in(
        render_release(
            replace(
                RELEASE,
                language="en",
                embargo_until=datetime(2027, 3, 15, 9, 0, tzinfo=ZoneInfo("America/New_York")),
            ),
            CONTEXT,
        ),
        RECIPIENT,
    )

    assert "March 15, 2027, 09:00 EDT (13:00 UTC)" in html


def test_a_reader_whose_day_differs_sees_the_date_too() -> None:
    lift = datetime(2027, 2, 3, 23, 0, tzinfo=UTC)

    assert (
        format_local_embargo(lift, "Asia/Tokyo", "en") == "February 4, 2027, 08:00 your time (JST)"
    )


def test_the_local_time_is_worded_in_the_release_language() -> None:
    assert format_local_embargo(PARIS_LIFT, "Asia/Tokyo", "ru") == "17:00 по вашему времени (JST)"


def test_the_web_version_names_no_recipient_time() -> None:
    context = replace(CONTEXT, newsroom_url="https://press.example.org/newsroom")

    html = render_release(RELEASE, context).html

    assert "%%distributor:" not in html
    assert "09:00 CET (08:00 UTC)" in html
