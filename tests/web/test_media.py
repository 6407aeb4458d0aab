"""The media kit on the web: each size with its type and cache headers, downloads as attachments,
nothing of a release before its embargo lifts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from distributor.config import Settings
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


@pytest.fixture
def settings(session: Session, tmp_path: Path) -> Settings:
    return app_settings(session, tmp_path / "data")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.distributor.engine.dispose()


@pytest.fixture
def kit(session: Session, settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    add_kit_release(session, kit_folder(folder), settings)
    session.commit()


@pytest.mark.usefixtures("kit")
@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("photo-email.jpg", "image/jpeg"),
        ("photo-web.jpg", "image/jpeg"),
        ("logo-email.png", "image/png"),
    ],
)
def test_image_sizes_are_served_inline_with_type_etag_and_cache(
    client: TestClient, name: str, content_type: str
) -> None:
    response = client.get(f"/media/research-centre/{name}")

    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["etag"].startswith('"')
    assert "max-age" in response.headers["cache-control"]
    assert "content-disposition" not in response.headers


@pytest.mark.usefixtures("kit")
@pytest.mark.parametrize(
    ("name", "content_type"),
    [("photo.jpg", "image/jpeg"), ("press-kit.pdf", "application/pdf")],
)
def test_print_originals_and_documents_are_downloads(
    client: TestClient, name: str, content_type: str
) -> None:
    response = client.get(f"/media/research-centre/{name}")

    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'


@pytest.mark.usefixtures("kit")
def test_a_file_asked_again_with_its_etag_is_not_sent_again(client: TestClient) -> None:
    etag = client.get("/media/research-centre/photo-email.jpg").headers["etag"]

    again = client.get("/media/research-centre/photo-email.jpg", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.usefixtures("kit")
@pytest.mark.parametrize(
    "path",
    [
        "/media/research-centre/nothing.jpg",
        "/media/no-such-release/photo.jpg",
        "/media/research-centre/press-kit-email.jpg",
    ],
)
def test_unknown_media_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_media_of_an_embargoed_release_is_404(
    session: Session, settings: Settings, client: TestClient, tmp_path: Path
) -> None:
    folder = tmp_path / "embargoed"
    folder.mkdir()
    jpeg(folder / "photo.jpg", 600, 400)
    png(folder / "logo.png")
    pdf(folder / "press-kit.pdf")
    path = release_file(
        folder, images=KIT_IMAGES, documents=KIT_DOCUMENTS, embargo="2099-01-01T09:00:00Z"
    )
    add_kit_release(session, path, settings)
    session.commit()

    for name in ("photo.jpg", "photo-email.jpg", "press-kit.pdf"):
        assert client.get(f"/media/research-centre/{name}").status_code == 404


@pytest.mark.usefixtures("kit")
def test_web_version_shows_captions_credits_terms_downloads_and_documents(
    client: TestClient,
) -> None:
    page = client.get("/releases/research-centre").text

    assert 'src="https://press.example.org/media/research-centre/photo-email.jpg"' in page
    assert 'alt="The new research centre seen from the river"' in page
    assert "The research centre in Lyon." in page
    assert "Photo: Ana Photographer" in page
    assert "Usage: Free for editorial use with credit." in page
    assert 'href="https://press.example.org/media/research-centre/photo.jpg"' in page
    assert "Download print resolution" in page
    assert 'href="https://press.example.org/media/research-centre/press-kit.pdf"' in page
    assert "Press kit</a> (PDF, 1 KB)" in page
