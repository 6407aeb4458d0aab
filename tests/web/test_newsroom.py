"""The public newsroom and each release's web version: nothing shown before its embargo lifts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from distributor.models import Release, ReleaseVersion
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
) -> Release:
    release = Release(slug=slug, embargo_until=embargo, release_date=released)
    release.versions.append(
        ReleaseVersion(
            language="en",
            title=title,
            summary=summary,
            body_markdown="The **ministry** opens a research centre.",
        )
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
