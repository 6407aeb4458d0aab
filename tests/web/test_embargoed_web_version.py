"""An embargoed release's web version: open early to the recipients whose link carries their key,
an "under embargo until …" page to anyone else, and public to all once the embargo lifts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from distributor import tokens
from distributor.models import Release, ReleaseVersion
from distributor.models.base import utcnow
from tests.web.conftest import Web
from tests.web.recipients import get

TITLE = "National Film Fund announces 2027 production grants"


def _release(web: Web, lift: datetime, *, zone: str = "Europe/Paris") -> Release:
    release = Release(
        slug="film-grants-2027",
        organization="National Film Fund",
        embargo_until=lift,
        embargo_zone=zone,
    )
    release.versions += [
        ReleaseVersion(language="en", title=TITLE, body_markdown="The fund opens its round."),
        ReleaseVersion(language="ru", title="Гранты 2027", body_markdown="Фонд объявляет."),
    ]
    web.session.add(release)
    web.session.commit()
    return release


def _key(web: Web, slug: str, delivery_id: int) -> str:
    settings = web.served.mount.app.state.distributor.settings
    return tokens.early_web_token(slug, delivery_id, settings.signing_key())


def test_a_recipients_link_opens_the_release_before_the_lift(web: Web) -> None:
    _release(web, utcnow() + timedelta(days=2))

    response = get(web, f"/releases/film-grants-2027?key={_key(web, 'film-grants-2027', 7)}")

    assert response.status_code == 200
    assert TITLE in response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-robots-tag"] == "noindex"


def test_the_early_page_keeps_the_key_on_its_other_language_links(web: Web) -> None:
    _release(web, utcnow() + timedelta(days=2))
    key = _key(web, "film-grants-2027", 7)

    english = get(web, f"/releases/film-grants-2027?key={key}")
    russian = get(web, f"/releases/film-grants-2027/ru?key={key}")

    assert f"/releases/film-grants-2027/ru?key={key}" in english.text
    assert russian.status_code == 200
    assert "Гранты 2027" in russian.text


def test_without_a_key_the_page_says_until_when_on_the_authors_clock_and_in_utc(
    web: Web,
) -> None:
    _release(web, datetime(2099, 2, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris")))

    response = get(web, "/releases/film-grants-2027")

    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert TITLE not in response.text
    assert "National Film Fund" in response.text
    assert "under embargo until <strong>February 3, 2099, 09:00 CET (08:00 UTC)</strong>" in (
        response.text
    )
    assert '/newsroom">See the releases already published' in response.text


def test_a_key_made_for_another_release_or_altered_opens_nothing(web: Web) -> None:
    _release(web, utcnow() + timedelta(days=2))
    other = _key(web, "another-release", 7)
    made = _key(web, "film-grants-2027", 7)
    altered = made[:-2] + ("yy" if made.endswith("zz") else "zz")

    for key in (other, altered, "garbage"):
        response = get(web, f"/releases/film-grants-2027?key={key}")
        assert response.status_code == 403
        assert TITLE not in response.text


def test_after_the_lift_the_plain_address_works_for_everyone(web: Web) -> None:
    _release(web, utcnow() - timedelta(minutes=1))

    response = get(web, "/releases/film-grants-2027")

    assert response.status_code == 200
    assert TITLE in response.text
    assert "x-robots-tag" not in response.headers


def test_an_unknown_address_is_still_404(web: Web) -> None:
    assert get(web, "/releases/no-such-release?key=abc-def").status_code == 404
