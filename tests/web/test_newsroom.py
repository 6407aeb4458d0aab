"""The public newsroom and each release's web version: nothing shown before its time (its
embargo lift, its date, its first scheduled send-out), and a search over what is shown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from distributor.models import Release, ReleaseVersion, SendOut, SendOutState
from distributor.models.base import utcnow
from tests.web.conftest import Web
from tests.web.recipients import ESCAPED_XSS, XSS, get


def _release(
    web: Web,
    slug: str,
    title: str,
    *,
    embargo: datetime | None = None,
    summary: str | None = None,
    released: date | None = None,
    body: str = "The **ministry** opens a research centre.",
) -> Release:
    release = Release(slug=slug, embargo_until=embargo, release_date=released)
    release.versions.append(
        ReleaseVersion(language="en", title=title, summary=summary, body_markdown=body)
    )
    web.session.add(release)
    web.session.commit()
    return release


def test_released_release_is_listed_with_title_date_summary_and_link(web: Web) -> None:
    _release(
        web,
        "budget-2027",
        "Budget 2027",
        summary="Spending rises by 3 percent.",
        released=date(2026, 11, 2),
    )

    response = get(web, "/newsroom")

    assert response.status_code == 200
    assert "Budget 2027" in response.text
    assert "Spending rises by 3 percent." in response.text
    assert 'datetime="2026-11-02"' in response.text
    assert 'href="/releases/budget-2027"' in response.text


def test_release_whose_embargo_lifted_is_listed_and_served(web: Web) -> None:
    _release(web, "lifted", "Lifted at dawn", embargo=utcnow() - timedelta(hours=1))

    assert "Lifted at dawn" in get(web, "/newsroom").text
    response = get(web, "/releases/lifted")
    assert response.status_code == 200
    assert "Lifted at dawn" in response.text


def test_embargoed_release_is_not_shown_and_absent_from_the_newsroom(web: Web) -> None:
    _release(web, "secret-plan", "Secret plan", embargo=utcnow() + timedelta(days=1))

    response = get(web, "/releases/secret-plan")

    assert response.status_code == 403
    assert "under embargo" in response.text
    assert "Secret plan" not in response.text
    assert "Secret plan" not in get(web, "/newsroom").text


def test_unknown_release_is_404(web: Web) -> None:
    assert get(web, "/releases/no-such-release").status_code == 404


def test_newsroom_lists_the_newest_first(web: Web) -> None:
    now = utcnow()
    _release(web, "older", "Older news", embargo=now - timedelta(days=3))
    _release(web, "newer", "Newer news", embargo=now - timedelta(days=1))

    text = get(web, "/newsroom").text

    assert text.index("Newer news") < text.index("Older news")


def test_web_version_is_the_email_rendering_without_personal_links(web: Web) -> None:
    _release(web, "centre", "Research centre opens")

    text = get(web, "/releases/centre").text

    assert "<strong>ministry</strong>" in text
    assert "%%distributor:" not in text
    assert "/u/" not in text
    assert "/p/" not in text


def test_web_version_prints_the_typography_of_the_release_language(web: Web) -> None:
    _release(web, "quoted", 'Research centre "opens" -- 120 jobs')

    text = get(web, "/releases/quoted").text

    assert "Research centre “opens”—120 jobs" in text


def test_web_version_footer_leads_to_the_newsroom_and_names_no_recipient(web: Web) -> None:
    _release(web, "centre", "Research centre opens")

    text = get(web, "/releases/centre").text

    assert "/newsroom" in text
    assert "More releases in our newsroom" in text
    assert "This email was sent to" not in text
    assert "Unsubscribe" not in text


def test_release_titles_are_shown_as_text(web: Web) -> None:
    _release(web, "xss", XSS, summary=XSS)

    listing = get(web, "/newsroom").text
    page = get(web, "/releases/xss").text

    assert ESCAPED_XSS in listing
    assert ESCAPED_XSS in page
    assert XSS not in listing
    assert XSS not in page


def test_root_leads_to_the_newsroom(web: Web) -> None:
    response = get(web, "/")

    assert response.status_code == 303
    assert response.headers["location"] == "/newsroom"


def _scheduled(web: Web, release: Release, at: datetime, started: bool = False) -> None:
    web.session.add(
        SendOut(
            release=release,
            state=SendOutState.SENDING if started else SendOutState.SCHEDULED,
            scheduled_at=at,
            started_at=at if started else None,
        )
    )
    web.session.commit()


def test_release_dated_tomorrow_is_neither_listed_nor_served_today(web: Web) -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    _release(web, "tomorrow", "Opening tomorrow", released=tomorrow)

    assert "Opening tomorrow" not in get(web, "/newsroom").text
    assert get(web, "/releases/tomorrow").status_code == 404


def test_release_dated_today_is_listed_from_the_start_of_the_day(web: Web) -> None:
    _release(web, "today", "Opening today", released=datetime.now(UTC).date())

    assert "Opening today" in get(web, "/newsroom").text


def test_release_whose_embargo_lifts_in_a_minute_is_not_listed_yet(web: Web) -> None:
    _release(web, "soon", "Lifted soon", embargo=utcnow() + timedelta(minutes=1))

    assert "Lifted soon" not in get(web, "/newsroom").text


def test_release_whose_embargo_lifted_a_second_ago_is_listed(web: Web) -> None:
    _release(web, "just", "Just lifted", embargo=utcnow() - timedelta(seconds=1))

    assert "Just lifted" in get(web, "/newsroom").text


def test_release_whose_send_out_is_scheduled_for_later_is_not_listed_or_served(web: Web) -> None:
    release = _release(web, "scheduled", "Scheduled news")
    _scheduled(web, release, utcnow() + timedelta(hours=2))

    assert "Scheduled news" not in get(web, "/newsroom").text
    assert get(web, "/releases/scheduled").status_code == 404


def test_release_whose_send_out_came_due_is_listed(web: Web) -> None:
    release = _release(web, "due", "Due news")
    _scheduled(web, release, utcnow() - timedelta(seconds=1))

    assert "Due news" in get(web, "/newsroom").text


def test_release_already_sent_stays_listed_while_another_send_out_waits(web: Web) -> None:
    release = _release(web, "sent", "Sent news")
    _scheduled(web, release, utcnow() - timedelta(hours=1), started=True)
    _scheduled(web, release, utcnow() + timedelta(days=1))

    assert "Sent news" in get(web, "/newsroom").text


def test_search_finds_words_in_the_title_summary_or_body(web: Web) -> None:
    _release(web, "budget", "Budget 2027", summary="Spending rises by 3 percent.")
    _release(web, "telescope", "New telescope", body="The observatory in Chile opens.")
    _release(web, "centre", "Research centre opens")

    assert "Budget 2027" in get(web, "/newsroom?q=spending").text
    by_body = get(web, "/newsroom?q=Observatory+chile").text
    assert "New telescope" in by_body
    assert "Budget 2027" not in by_body
    assert "Research centre opens" not in by_body


def test_search_keeps_the_query_in_the_box_and_says_how_many_match(web: Web) -> None:
    _release(web, "budget", "Budget 2027")

    text = get(web, "/newsroom?q=budget").text

    assert 'name="q" value="budget"' in text
    assert "1 release matches “budget”" in text
    assert 'href="/newsroom">Show all releases' in text


def test_search_that_matches_nothing_says_so(web: Web) -> None:
    _release(web, "budget", "Budget 2027")

    text = get(web, "/newsroom?q=volcano").text

    assert "No release matches your search" in text
    assert "Budget 2027" not in text


def test_search_never_finds_a_release_before_its_time(web: Web) -> None:
    _release(web, "secret", "Secret budget", embargo=utcnow() + timedelta(days=1))

    assert "Secret budget" not in get(web, "/newsroom?q=budget").text


def test_search_takes_wildcards_and_markup_as_plain_text(web: Web) -> None:
    _release(web, "budget", "Budget 2027")
    _release(web, "share", "A 100% renewable share")

    percent = get(web, "/newsroom?q=%25").text
    tagged = get(web, "/newsroom?q=%3Cb%3E").text

    assert "A 100% renewable share" in percent
    assert "Budget 2027" not in percent
    assert 'value="&lt;b&gt;"' in tagged
