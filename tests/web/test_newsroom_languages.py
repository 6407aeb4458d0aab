"""A release's web version in each of its languages: one address each, each linking the others."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from distributor.audit import SYSTEM
from distributor.models.base import utcnow
from distributor.releases.fileformat import parse_release
from distributor.releases.store import add_release
from tests.web.conftest import Web
from tests.web.recipients import get

IMAGE = "https://press.example.org/jury.jpg"
ENGLISH = f"""---
title: Grants announced
slug: grants
language: en
images:
  - url: {IMAGE}
    alt: Seven people at a table
    caption: The jury at its final session.
---
The fund announced its grants.
"""
RUSSIAN = f"""---
title: Объявлены гранты
slug: grants
language: ru
images:
  - url: {IMAGE}
    alt: Семь человек за столом
    caption: Жюри на заключительном заседании.
---
Фонд объявил гранты.
"""


@pytest.fixture
def bilingual(web: Web) -> None:
    add_release(web.session, parse_release(ENGLISH), SYSTEM)
    add_release(web.session, parse_release(RUSSIAN), SYSTEM)
    web.session.commit()


def _alternates(html: str) -> dict[str, str]:
    found = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html)
    return {language: re.sub(r"^https?://[^/]+", "", url) for language, url in found}


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match is not None
    return match.group(1)


@pytest.mark.usefixtures("bilingual")
def test_default_version_is_at_the_slug_in_its_language(web: Web) -> None:
    response = get(web, "/releases/grants")

    assert response.status_code == 200
    assert _html_lang(response.text) == "en"
    assert "Grants announced" in response.text
    assert "Объявлены гранты" not in response.text


@pytest.mark.usefixtures("bilingual")
def test_translation_is_at_the_slug_and_its_language(web: Web) -> None:
    response = get(web, "/releases/grants/ru")

    assert response.status_code == 200
    assert _html_lang(response.text) == "ru"
    assert "Объявлены гранты" in response.text
    assert "Фонд объявил гранты." in response.text


@pytest.mark.usefixtures("bilingual")
@pytest.mark.parametrize("path", ["/releases/grants", "/releases/grants/ru"])
def test_every_version_names_all_versions_as_alternates(web: Web, path: str) -> None:
    alternates = _alternates(get(web, path).text)

    assert alternates == {"en": "/releases/grants", "ru": "/releases/grants/ru"}


@pytest.mark.usefixtures("bilingual")
def test_translation_names_itself_canonical(web: Web) -> None:
    html = get(web, "/releases/grants/ru").text

    assert re.search(r'<link rel="canonical" href="[^"]*/releases/grants/ru">', html)


@pytest.mark.usefixtures("bilingual")
def test_each_version_links_the_other_in_that_languages_own_words(web: Web) -> None:
    english = get(web, "/releases/grants").text
    russian = get(web, "/releases/grants/ru").text

    assert re.search(r'href="[^"]*/releases/grants/ru"[^>]*>Читать на русском</a>', english)
    assert re.search(r'href="[^"]*/releases/grants"[^>]*>Read in English</a>', russian)
    assert "Read in English" not in english
    assert "Читать на русском" not in russian


@pytest.mark.usefixtures("bilingual")
def test_each_version_shows_the_image_caption_in_its_language(web: Web) -> None:
    english = get(web, "/releases/grants").text
    russian = get(web, "/releases/grants/ru").text

    assert "The jury at its final session." in english
    assert "Жюри на заключительном заседании." in russian
    assert 'alt="Семь человек за столом"' in russian


@pytest.mark.usefixtures("bilingual")
def test_a_language_the_release_is_not_written_in_is_404(web: Web) -> None:
    response = get(web, "/releases/grants/de")

    assert response.status_code == 404
    assert "Grants announced" not in response.text


@pytest.mark.usefixtures("bilingual")
@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/releases/grants/RU", "/releases/grants/ru"),
        ("/releases/grants/ru-RU", "/releases/grants/ru"),
        ("/releases/grants/en", "/releases/grants"),
    ],
)
def test_other_spellings_of_a_version_lead_to_its_one_address(
    web: Web, path: str, target: str
) -> None:
    response = get(web, path)

    assert response.status_code == 308
    assert response.headers["location"] == target


def test_a_release_in_one_language_has_no_language_links(web: Web) -> None:
    add_release(web.session, parse_release(ENGLISH), SYSTEM)

    html = get(web, "/releases/grants").text

    assert _alternates(html) == {"en": "/releases/grants"}
    assert 'class="languages"' not in html


def test_an_embargoed_releases_translation_is_not_shown(web: Web) -> None:
    embargo = (utcnow() + timedelta(days=1)).isoformat()
    add_release(
        web.session,
        parse_release(ENGLISH.replace("---\n", f"---\nembargo: {embargo}\n", 1)),
        SYSTEM,
    )
    add_release(web.session, parse_release(RUSSIAN), SYSTEM)

    response = get(web, "/releases/grants/ru")

    assert response.status_code == 403
    assert "under embargo" in response.text
    assert "Объявлены гранты" not in response.text
