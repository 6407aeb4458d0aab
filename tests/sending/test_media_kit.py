"""The media kit in the email: pictures by link at their email size, documents linked, and
attached only when the send-out asks, within the size limit."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.errors import InvalidInput
from distributor.models import Release
from distributor.models.base import utcnow
from distributor.sending.message.attachments import attachment_options
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from distributor.web.app import create_app
from tests.media_kit import (
    KIT_DOCUMENTS,
    KIT_IMAGES,
    add_kit_release,
    app_settings,
    jpeg,
    kit_folder,
    pdf,
    png,
    release_file,
)
from tests.sending.conftest import AddJournalists, run_batches, start_sendout
from tests.smtp_server import CaptureServer

BASE_URL = "https://press.example.org"


class _Links(HTMLParser):
    """Every href and src of a page, and the alt text of each <img>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.alts: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]
        if tag == "img":
            self.alts.append(found.get("alt"))


@pytest.fixture
def settings(session: Session, send_settings: Settings, capture: CaptureServer) -> Settings:
    """The send settings, with the test's database, so that the web app sees what was sent."""
    return app_settings(session, send_settings.data_dir, smtp_url=capture.url(tls="none"))


@pytest.fixture
def kit_release(session: Session, settings: Settings, tmp_path: Path) -> Release:
    folder = tmp_path / "release"
    folder.mkdir()
    return add_kit_release(session, kit_folder(folder), settings)


def _html(capture: CaptureServer) -> _Links:
    html = capture.messages[0].message().get_body(("html",)).get_content()  # type: ignore[union-attr]
    links = _Links()
    links.feed(html)
    return links


def _local(url: str) -> str:
    """The path and query of an address on the web app, as the test client asks for it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _send(session: Session, settings: Settings, release: Release, **options: bool) -> None:
    chosen = attachment_options(release, settings) if options.get("attach") else None
    sendout = create_sendout(
        session, release, Audience(lists=["press"]), Schedule(), actor=SYSTEM, options=chosen
    )
    start_due(session, utcnow())
    session.commit()
    run_batches(session, settings, sendout)


def test_every_link_and_picture_of_the_email_resolves_on_the_web_app(
    session: Session,
    settings: Settings,
    kit_release: Release,
    journalists: AddJournalists,
    capture: CaptureServer,
) -> None:
    journalists(1)
    sendout = start_sendout(session, kit_release, "press")
    run_batches(session, settings, sendout)
    links = _html(capture)

    web = [url for url in links.urls if not url.startswith(("mailto:", "tel:"))]
    assert any(url.startswith(f"{BASE_URL}/media/research-centre/photo-email.jpg?") for url in web)
    assert any(url.startswith(f"{BASE_URL}/media/research-centre/press-kit.pdf?") for url in web)
    app = create_app(settings)
    with TestClient(app) as client:
        for url in web:
            assert url.startswith(f"{BASE_URL}/"), url
            assert client.get(_local(url)).status_code == 200, url
    app.state.distributor.engine.dispose()
    assert links.alts
    assert all(alt and alt.strip() for alt in links.alts)


def test_documents_are_linked_not_attached_by_default(
    session: Session,
    settings: Settings,
    kit_release: Release,
    journalists: AddJournalists,
    capture: CaptureServer,
) -> None:
    journalists(1)
    _send(session, settings, kit_release)

    message = capture.messages[0].message()
    assert message.get_content_type() == "multipart/alternative"
    assert list(message.iter_attachments()) == []


def test_attach_documents_sends_each_journalist_the_documents(
    session: Session,
    settings: Settings,
    kit_release: Release,
    journalists: AddJournalists,
    capture: CaptureServer,
    tmp_path: Path,
) -> None:
    journalists(3)
    _send(session, settings, kit_release, attach=True)

    assert len(capture.messages) == 3
    for captured in capture.messages:
        message = captured.message()
        assert message.get_content_type() == "multipart/mixed"
        assert message.get_body(("plain",)) is not None
        assert message.get_body(("html",)) is not None
        (attachment,) = message.iter_attachments()
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == "press-kit.pdf"
        content = attachment.get_content()
        assert content == (tmp_path / "release" / "press-kit.pdf").read_bytes()


def test_attach_documents_over_the_limit_is_refused(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    pdf(folder / "annual-report.pdf", padding=6000)
    release = add_kit_release(
        session, release_file(folder, documents="  - file: annual-report.pdf\n"), settings
    )
    small = app_settings(session, settings.data_dir, attachment_max_bytes="4096")

    with pytest.raises(InvalidInput, match="DISTRIBUTOR_ATTACHMENT_MAX_BYTES"):
        attachment_options(release, small)


def test_attach_documents_of_a_release_without_documents_is_refused(
    session: Session, settings: Settings, release: Release
) -> None:
    with pytest.raises(InvalidInput, match="has no documents"):
        attachment_options(release, settings)


@pytest.fixture
def embargoed_release(session: Session, settings: Settings, tmp_path: Path) -> Release:
    folder = tmp_path / "embargoed"
    folder.mkdir()
    jpeg(folder / "photo.jpg", 600, 400)
    png(folder / "logo.png")
    pdf(folder / "press-kit.pdf")
    path = release_file(
        folder, images=KIT_IMAGES, documents=KIT_DOCUMENTS, embargo="2099-01-01T09:00:00Z"
    )
    return add_kit_release(session, path, settings)


def _media_links(
    session: Session,
    settings: Settings,
    release: Release,
    journalists: AddJournalists,
    capture: CaptureServer,
) -> list[str]:
    """The media kit addresses of `release`'s email, as a journalist receives it."""
    journalists(1)
    run_batches(session, settings, start_sendout(session, release, "press"))
    media = [url for url in _html(capture).urls if url.startswith(f"{BASE_URL}/media/")]
    assert len(media) == 5  # two pictures at their email size and in print, one document
    return media


def test_the_email_of_an_embargoed_release_opens_its_pictures_and_documents_before_the_lift(
    session: Session,
    settings: Settings,
    embargoed_release: Release,
    journalists: AddJournalists,
    capture: CaptureServer,
) -> None:
    media = _media_links(session, settings, embargoed_release, journalists, capture)

    app = create_app(settings)
    with TestClient(app) as client:
        for url in media:
            response = client.get(_local(url))
            assert response.status_code == 200, url
            assert response.headers["cache-control"] == "private, no-store", url
    app.state.distributor.engine.dispose()


def test_the_embargoed_media_stays_404_unsigned_or_signed_for_another_file(
    session: Session,
    settings: Settings,
    embargoed_release: Release,
    journalists: AddJournalists,
    capture: CaptureServer,
) -> None:
    media = _media_links(session, settings, embargoed_release, journalists, capture)
    photo = next(url for url in media if "/photo-email.jpg?" in url)
    document = next(url for url in media if "/press-kit.pdf?" in url)
    photo_path, photo_query = _local(photo).split("?")
    document_path, document_query = _local(document).split("?")

    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get(photo_path).status_code == 404
        assert client.get(document_path).status_code == 404
        assert client.get(f"{photo_path}?{document_query}").status_code == 404
        assert client.get(f"{document_path}?{photo_query}").status_code == 404
        assert client.get(f"{photo_path}?sig=forged").status_code == 404
    app.state.distributor.engine.dispose()
