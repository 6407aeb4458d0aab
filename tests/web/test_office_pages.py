"""Every page a journalist sees carries the office's name, its logo when one is set, and a way
to the newsroom."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import Engine

from distributor.config.outgoing import DEFAULT_FROM
from distributor.models import Release, ReleaseVersion
from distributor.models.base import utcnow
from tests.web.conftest import ANNA, Web
from tests.web.office import LOGO_SVG, OFFICE, configure_office
from tests.web.recipients import emailed, get, link, post_form

HEADER = '<header class="office">\n<a href="/newsroom"><img src="/logo?v='


@pytest.fixture
def office(web: Web, engine: Engine, tmp_path: Path) -> Web:
    configure_office(web, engine, tmp_path)
    return web


def _release(web: Web, slug: str, **values: object) -> Release:
    release = Release(slug=slug, **values)
    release.versions.append(
        ReleaseVersion(language="en", title="Research centre opens", body_markdown="It opens.")
    )
    web.session.add(release)
    web.session.commit()
    return release


def _carries_the_office(text: str) -> None:
    assert HEADER in text
    assert f"<span>{OFFICE}</span>" in text
    assert f"\N{EN DASH} {OFFICE}</title>" in text


@pytest.mark.parametrize(
    "path",
    ["/newsroom", "/newsroom?q=centre", "/newsroom/signup", "/releases/nowhere", "/u/0-aaaaaaaaaa"],
)
def test_the_public_pages_and_error_pages_carry_the_office(office: Web, path: str) -> None:
    _carries_the_office(get(office, path).text)


def test_the_unsubscribe_page_and_its_answer_carry_the_office(office: Web) -> None:
    delivery = emailed(office, ANNA)

    page = get(office, link(delivery))
    answer = post_form(office, link(delivery), {"scope": "lists"})

    _carries_the_office(page.text)
    _carries_the_office(answer.text)
    assert f'href="/newsroom">Back to the {OFFICE} newsroom' in answer.text


def test_the_subscribe_again_pages_carry_the_office(office: Web) -> None:
    answer = post_form(office, link(emailed(office, ANNA)), {"scope": "lists"})
    [again] = re.findall(r'href="(/u/again/[^"]+)"', answer.text)

    _carries_the_office(get(office, again).text)
    _carries_the_office(post_form(office, again, {}).text)


def test_the_preferences_page_carries_the_office(office: Web) -> None:
    _carries_the_office(get(office, link(emailed(office, ANNA), "p")).text)


def test_an_error_page_names_the_office_and_leads_to_its_newsroom(office: Web) -> None:
    response = get(office, "/u/0-aaaaaaaaaa")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert f'<a href="/newsroom">Go to the {OFFICE} newsroom</a>' in response.text


def test_the_embargo_page_carries_the_office(office: Web) -> None:
    _release(office, "later", embargo_until=utcnow() + timedelta(days=1))

    response = get(office, "/releases/later")

    assert response.status_code == 403
    _carries_the_office(response.text)


def test_the_web_version_shows_the_logo_and_the_office_when_the_release_names_none(
    office: Web,
) -> None:
    _release(office, "centre")

    text = get(office, "/releases/centre").text

    assert re.search(r'<img class="org-logo" src="/logo\?v=\d+" alt=""', text)
    assert f"{OFFICE}</td>" in text


def test_the_web_version_names_the_releases_own_organization(office: Web) -> None:
    _release(office, "fund", organization="National Film Fund")

    text = get(office, "/releases/fund").text

    assert "National Film Fund</td>" in text
    assert 'class="org-logo"' in text


def test_the_web_version_says_it_was_sent_by_the_office_not_an_address(office: Web) -> None:
    _release(office, "sent", organization="National Film Fund")

    text = get(office, "/releases/sent").text

    assert f"Sent by {OFFICE}" in text
    assert f"Sent by {escape(DEFAULT_FROM)}" not in text


def test_without_an_office_name_the_web_version_is_sent_by_the_releases_organization(
    web: Web, engine: Engine, tmp_path: Path
) -> None:
    configure_office(web, engine, tmp_path, organization="", logo="")
    _release(web, "fund", organization="National Film Fund")

    text = get(web, "/releases/fund").text

    assert "Sent by National Film Fund" in text


def test_the_logo_is_served_by_the_app_with_its_type(office: Web) -> None:
    response = get(office, "/logo")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text == LOGO_SVG
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_without_a_logo_the_pages_show_the_name_alone_and_logo_is_404(
    web: Web, engine: Engine, tmp_path: Path
) -> None:
    configure_office(web, engine, tmp_path, logo="")

    text = get(web, "/newsroom").text

    assert '<header class="office">\n<a href="/newsroom"><span>Ministry of Science</span>' in text
    assert "/logo" not in text
    assert get(web, "/logo").status_code == 404


def test_without_an_organization_the_name_in_the_from_address_is_shown(
    web: Web, engine: Engine, tmp_path: Path
) -> None:
    configure_office(
        web,
        engine,
        tmp_path,
        organization="",
        logo="",
        **{"from": "Ministry of Culture Press Office <press@culture.example>"},
    )

    assert "<span>Ministry of Culture Press Office</span>" in get(web, "/newsroom").text
