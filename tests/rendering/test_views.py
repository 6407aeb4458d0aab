"""The model-to-view step reads a stored release (SQLite and PostgreSQL) without rendering rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from distributor.models.releases import (
    Release,
    ReleaseContact,
    ReleaseImage,
    ReleaseLink,
    ReleaseVersion,
)
from distributor.rendering.views import release_view


def _stored_release(session: Session) -> Release:
    release = Release(
        slug="launch",
        organization="ACME",
        default_language="en",
        release_date=date(2026, 11, 25),
        embargo_until=datetime(2027, 1, 15, 8, tzinfo=UTC),
        versions=[
            ReleaseVersion(language="en", title="Launch", summary="S", body_markdown="Hello"),
            ReleaseVersion(
                language="ru", title="Запуск", location="Москва", body_markdown="Привет"
            ),
        ],
        media_contacts=[
            ReleaseContact(name="Max", role="Press", email="m@a.example", phone="+1 2")
        ],
        images=[
            ReleaseImage(
                url="https://a.example/p.jpg",
                alt="Photo",
                caption="Caption",
                credit="Jo",
                translations={"ru": {"caption": "Подпись", "alt": "Фото"}},
            )
        ],
        links=[ReleaseLink(url="https://a.example/kit", label="Kit")],
    )
    session.add(release)
    session.commit()
    return release


def test_view_takes_the_version_and_translated_image_texts_of_the_language(
    session: Session,
) -> None:
    release = _stored_release(session)
    view = release_view(release, "ru", lambda markdown: f"<p>{markdown}</p>")
    assert (view.language, view.title, view.location) == ("ru", "Запуск", "Москва")
    assert view.body_html == "<p>Привет</p>"
    assert (view.images[0].caption, view.images[0].alt, view.images[0].credit) == (
        "Подпись",
        "Фото",
        "Jo",
    )
    assert view.contacts[0].tel_url == "tel:+12"
    assert view.links[0].label == "Kit"
    assert view.embargo_until == datetime(2027, 1, 15, 8, tzinfo=UTC)


def test_view_falls_back_to_the_default_language(session: Session) -> None:
    view = release_view(_stored_release(session), "de", lambda markdown: markdown)
    assert (view.language, view.title, view.organization) == ("en", "Launch", "ACME")
