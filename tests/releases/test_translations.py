"""A release in several languages: one file per language, sharing the release's slug."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import load_settings
from distributor.errors import Conflict, InvalidInput
from distributor.models import AuditEntry, Release
from distributor.releases.fileformat import parse_release, read_release_file
from distributor.releases.store import (
    add_release,
    get_release,
    release_document,
    update_release_from_file,
)
from tests.media_kit import add_kit_release, kit_folder

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
IMAGE = "https://press.example.org/jury.jpg"


def _english(caption: str = "The jury.", extra: str = "") -> str:
    return (
        "---\ntitle: Grants announced\nslug: grants\nlanguage: en\n"
        "embargo: 2027-02-03T09:00:00+01:00\norganization: Film Fund\n"
        f"images:\n  - url: {IMAGE}\n    alt: Seven people at a table\n    caption: {caption}\n"
        f"    credit: Photo by Inès Morel\n{extra}---\nThe fund announced grants.\n"
    )


def _russian(extra: str = "", body: str = "Фонд объявил гранты.") -> str:
    return f"---\ntitle: Объявлены гранты\nslug: grants\nlanguage: ru\n{extra}---\n{body}\n"


def _bilingual(session: Session, russian: str | None = None) -> Release:
    add_release(session, parse_release(_english()), SYSTEM)
    add_release(session, parse_release(russian or _russian()), SYSTEM)
    session.commit()
    session.expunge_all()
    return get_release(session, "grants")


def test_file_in_another_language_with_the_slug_adds_a_version(session: Session) -> None:
    release = _bilingual(session)

    assert sorted(v.language for v in release.versions) == ["en", "ru"]
    assert release.default_language == "en"
    assert release.version("ru").title == "Объявлены гранты"
    assert release.version("ru").body_markdown == "Фонд объявил гранты.\n"
    assert session.scalar(select(Release.id).where(Release.slug == "grants-2")) is None


def test_translation_keeps_the_releases_shared_facts(session: Session) -> None:
    release = _bilingual(session, _russian("organization: Фонд кино\n"))

    assert release.organization == "Film Fund"
    assert [image.credit for image in release.images] == ["Photo by Inès Morel"]


def test_translation_captions_the_releases_images_by_url(session: Session) -> None:
    images = f"images:\n  - url: {IMAGE}\n    alt: Семь человек за столом\n    caption: Жюри.\n"
    release = _bilingual(session, _russian(images))

    assert release.images[0].translations == {
        "ru": {"alt": "Семь человек за столом", "caption": "Жюри."}
    }
    assert release.images[0].caption == "The jury."


def test_translation_with_an_image_the_release_lacks_is_refused(session: Session) -> None:
    add_release(session, parse_release(_english()), SYSTEM)
    images = "images:\n  - url: https://press.example.org/other.jpg\n    alt: Другое\n"

    with pytest.raises(InvalidInput, match=r"images: https://press.example.org/other.jpg"):
        add_release(session, parse_release(_russian(images)), SYSTEM)


def test_translation_with_another_embargo_is_refused(session: Session) -> None:
    add_release(session, parse_release(_english()), SYSTEM)

    with pytest.raises(InvalidInput, match="embargo"):
        add_release(
            session, parse_release(_russian("embargo: 2027-02-03 12:00 Europe/Moscow\n")), SYSTEM
        )


def test_translation_with_the_same_embargo_in_another_zone_is_added(session: Session) -> None:
    release = _bilingual(session, _russian("embargo: 2027-02-03 11:00 Europe/Moscow\n"))

    assert release.version("ru").language == "ru"


def test_second_file_in_a_language_the_release_has_is_a_conflict(session: Session) -> None:
    _bilingual(session)

    with pytest.raises(Conflict, match="already has a version in ru"):
        add_release(session, parse_release(_russian()), SYSTEM)


def test_adding_a_translation_is_audited(session: Session) -> None:
    release = _bilingual(session)

    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "release.translate")
    ).one()
    assert (entry.entity_id, entry.details["language"]) == (str(release.id), "ru")


def test_editing_a_translation_replaces_its_wording_only(session: Session) -> None:
    release = _bilingual(session)

    update_release_from_file(
        session, release.id, parse_release(_russian(body="Новый текст.")), SYSTEM
    )

    assert release.version("ru").body_markdown == "Новый текст.\n"
    assert release.version("en").body_markdown == "The fund announced grants.\n"
    assert release.organization == "Film Fund"


def test_editing_the_default_file_keeps_the_images_translated_captions(session: Session) -> None:
    images = f"images:\n  - url: {IMAGE}\n    alt: Семь человек\n    caption: Жюри.\n"
    release = _bilingual(session, _russian(images))

    update_release_from_file(
        session, release.id, parse_release(_english("The jury, 2027.")), SYSTEM
    )

    assert release.images[0].caption == "The jury, 2027."
    assert release.images[0].translations["ru"]["caption"] == "Жюри."


def test_a_translations_file_carries_its_own_captions(session: Session) -> None:
    images = f"images:\n  - url: {IMAGE}\n    alt: Семь человек\n    caption: Жюри.\n"
    release = _bilingual(session, _russian(images))

    document = release_document(release, "ru")

    assert document.language == "ru"
    assert (document.images[0].alt, document.images[0].caption) == ("Семь человек", "Жюри.")


@pytest.mark.parametrize("language", ["ru", "RU", "ru-RU", "ru_RU"])
def test_a_reader_of_russian_in_any_spelling_gets_the_russian_version(
    session: Session, language: str
) -> None:
    assert _bilingual(session).version(language).language == "ru"


@pytest.mark.parametrize("language", [None, "", "de", "pt-BR"])
def test_a_reader_of_another_language_gets_the_default_version(
    session: Session, language: str | None
) -> None:
    assert _bilingual(session).version(language).language == "en"


def test_the_documented_examples_make_one_release_in_two_languages(session: Session) -> None:
    add_release(session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    add_release(session, read_release_file(EXAMPLES / "release-ru.md"), SYSTEM)
    release = get_release(session, "film-grants-2027")

    assert sorted(v.language for v in release.versions) == ["en", "ru"]
    assert release.version("ru").title.startswith("Национальный фонд кино")
    assert release.images[0].translations["ru"]["caption"].startswith("Жюри конкурса")


def test_a_translation_captions_each_picture_of_the_media_kit_by_its_file(
    session: Session, tmp_path: Path
) -> None:
    settings = load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data")})
    add_kit_release(session, kit_folder(tmp_path), settings)
    russian = tmp_path / "release-ru.md"
    russian.write_text(
        "---\ntitle: Министерство открывает центр\nslug: research-centre\nlanguage: ru\n"
        "images:\n  - file: photo.jpg\n    alt: Центр с реки\n    caption: Центр в Лионе.\n"  # noqa: RUF001
        "  - file: logo.png\n    alt: Логотип министерства\n---\nЦентр.\n",  # noqa: RUF001
        encoding="utf-8",
    )
    add_kit_release(session, russian, settings)
    session.commit()

    release = get_release(session, "research-centre")
    russian_words = [image.translations["ru"] for image in release.images]
    assert russian_words == [
        {"alt": "Центр с реки", "caption": "Центр в Лионе."},  # noqa: RUF001
        {"alt": "Логотип министерства"},
    ]
