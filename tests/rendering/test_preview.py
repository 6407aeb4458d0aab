"""A release rendered for the sample journalist, stored or only typed, as the send pipeline renders it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.config import load_settings
from distributor.models import Release
from distributor.releases.fileformat import parse_release, read_release_file
from distributor.releases.store import unsaved_release
from distributor.rendering.preview import SAMPLE_EMAIL, preview_email

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SETTINGS = load_settings(
    {"DISTRIBUTOR_BASE_URL": "https://press.example.org", "DISTRIBUTOR_SECRET_KEY": "k" * 32}
)


def test_typed_release_is_rendered_without_being_stored(session: Session) -> None:
    release = unsaved_release(read_release_file(EXAMPLES / "release-en.md"))

    shown = preview_email(release, SETTINGS)

    assert "National Film Fund announces" in shown.subject
    assert "Claire Dubois" in shown.html
    assert "Claire Dubois" in shown.text
    assert release not in session
    assert session.scalar(select(func.count()).select_from(Release)) == 0


def test_preview_is_filled_in_for_the_sample_journalist() -> None:
    release = unsaved_release(parse_release("---\ntitle: Budget 2027\n---\nBody.\n"))

    shown = preview_email(release, SETTINGS)

    assert SAMPLE_EMAIL in shown.text
    assert "https://press.example.org/releases/budget-2027" in shown.text
    assert "%%distributor:" not in shown.html + shown.text


def test_unsafe_markup_in_the_body_never_reaches_the_preview() -> None:
    release = unsaved_release(read_release_file(EXAMPLES / "release-hostile.md"))

    shown = preview_email(release, SETTINGS)

    assert "<script" not in shown.html
    assert "javascript:" not in shown.html.lower()
