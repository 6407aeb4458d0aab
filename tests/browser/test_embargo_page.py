"""The page a reader without their own link gets at an embargoed release's address, on a phone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.config import load_settings
from distributor.models import Release, ReleaseVersion
from distributor.web.app import create_app
from tests.browser.conftest import OpenPage


def test_embargo_page_reads_on_a_390_px_phone(
    engine: Engine, session: Session, tmp_path: Path, open_page: OpenPage
) -> None:
    release = Release(
        slug="film-grants-2099",
        organization="National Film Fund of the Republic",
        embargo_until=datetime(2099, 2, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris")),
        embargo_zone="Europe/Paris",
    )
    release.versions.append(ReleaseVersion(language="en", title="Grants", body_markdown="Body."))
    session.add(release)
    session.commit()
    settings = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
        }
    )
    with TestClient(create_app(settings)) as client:
        html = client.get("/releases/film-grants-2099").text

    page = open_page(html, 390)

    text = page.inner_text("body")
    assert "under embargo until February 3, 2099, 09:00 CET (08:00 UTC)" in text
    assert "National Film Fund of the Republic" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    link = page.get_by_role("link", name="See the releases already published in the newsroom")
    assert link.is_visible()
