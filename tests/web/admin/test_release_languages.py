"""A release in two languages in the admin UI: its email previewed and test-sent per version."""

from __future__ import annotations

import html
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest

from distributor.audit import SYSTEM
from distributor.models import Release, Role
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from tests.sending.conftest import EXAMPLES
from tests.smtp_server import CaptureServer, smtp_server
from tests.web.admin.conftest import Admin

RUSSIAN_TITLE = "Национальный фонд кино объявляет гранты на производство фильмов 2027 года"


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def bilingual(admin: Admin) -> Release:
    session = admin.web.session
    add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    release = add_release(session, read_release_file(EXAMPLES / "release-ru.md"), SYSTEM)
    admin.commit()
    return release


def test_the_release_page_previews_the_default_version_and_links_the_others(
    admin: Admin, bilingual: Release
) -> None:
    page = admin.signed_in(Role.VIEWER).get(f"/admin/releases/{bilingual.id}")

    assert page.status_code == 200
    assert "National Film Fund announces" in page.text
    assert f'href="/admin/releases/{bilingual.id}?language=ru"' in page.text


def test_the_release_page_previews_the_version_asked_for(admin: Admin, bilingual: Release) -> None:
    page = admin.signed_in(Role.VIEWER).get(f"/admin/releases/{bilingual.id}?language=ru")

    assert page.status_code == 200
    # The email is in an iframe's srcdoc, escaped once more there.
    assert RUSSIAN_TITLE in html.unescape(page.text)
    assert f'href="/admin/releases/{bilingual.id}?language=en"' in page.text


def test_the_test_copy_form_offers_each_version(admin: Admin, bilingual: Release) -> None:
    form = admin.signed_in(Role.PRESS_OFFICER).get(f"/admin/releases/{bilingual.id}/test")

    assert '<select id="f-language" name="language">' in form.text
    assert '<option value="en" selected>en</option>' in form.text
    assert '<option value="ru">ru</option>' in form.text


def test_a_test_copy_goes_out_in_the_version_chosen(
    admin: Admin, bilingual: Release, capture: CaptureServer
) -> None:
    admin.reconfigure(smtp_url=capture.url(tls="none"))
    browser = admin.signed_in(Role.PRESS_OFFICER)

    sent = browser.post(
        f"/admin/releases/{bilingual.id}/test",
        {"addresses": "me@press.example.org", "language": "ru"},
    )

    assert sent.status_code == 303, sent.text
    (captured,) = capture.messages
    message = message_from_bytes(captured.data, policy=policy.default)
    assert str(message["Subject"]) == f"[TEST] ЭМБАРГО: {RUSSIAN_TITLE}"
    assert message["Content-Language"] == "ru"
