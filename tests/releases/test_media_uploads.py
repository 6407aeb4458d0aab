"""Files brought one at a time into a stored release's media kit, and the media contacts of
earlier releases offered again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.errors import InvalidInput
from distributor.models import MediaKind
from distributor.releases import (
    KitWords,
    ReleaseContactEntry,
    add_to_kit,
    earlier_contacts,
    release_document,
    store_upload,
    write_release,
)
from distributor.releases.fileformat import parse_release
from distributor.releases.store import add_release
from tests.media_kit import jpeg, pdf

RELEASE = "---\ntitle: Ferries\ncontacts:\n{contacts}---\nTwelve boats.\n"
LENA = "  - name: Lena Vogt\n    role: Press officer\n    email: lena@port.example\n"
JONAS = "  - name: Jonas Berg\n    phone: +49 40 1234\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data")})


def _received(source: Path, folder: Path) -> Path:
    """`source` as an upload arrives: under a name of the server's choosing."""
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(source, folder / "upload"))


def test_a_picture_joins_the_kit_as_the_last_image_with_its_words(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    release = add_release(session, parse_release(RELEASE.format(contacts=LENA)), SYSTEM)
    upload = store_upload(
        _received(jpeg(tmp_path / "a.jpg"), tmp_path / "in"), "Ferry at dawn.JPG", settings
    )

    added = add_to_kit(
        session, release, upload, KitWords("A ferry at dawn", "Line 7.", "Kai Brandt"), SYSTEM
    )

    assert (added.kind, added.name, added.content_type) == (
        MediaKind.IMAGE,
        "Ferry-at-dawn.jpg",
        "image/jpeg",
    )
    assert "images:\n  - file: Ferry-at-dawn.jpg\n    alt: A ferry at dawn\n" in write_release(
        release_document(release)
    )


def test_a_second_file_of_the_same_name_gets_a_name_of_its_own(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    release = add_release(session, parse_release(RELEASE.format(contacts=LENA)), SYSTEM)
    words = KitWords(caption="Fact sheet")
    for number in (1, 2):
        upload = store_upload(
            _received(pdf(tmp_path / f"{number}.pdf"), tmp_path / f"in{number}"),
            "facts.pdf",
            settings,
        )
        add_to_kit(session, release, upload, words, SYSTEM)

    assert [file.name for file in release.media_files] == ["facts.pdf", "facts-2.pdf"]


def test_a_file_not_what_its_name_says_is_refused_in_words_naming_it(
    settings: Settings, tmp_path: Path
) -> None:
    fake = tmp_path / "fake"
    fake.write_bytes(b"GIF89a, or so it says")
    with pytest.raises(InvalidInput, match=r"^report\.pdf is named \.pdf but is not one inside"):
        store_upload(_received(fake, tmp_path / "in"), "report.pdf", settings)


def test_a_picture_without_alt_text_is_refused(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    release = add_release(session, parse_release(RELEASE.format(contacts=LENA)), SYSTEM)
    upload = store_upload(_received(jpeg(tmp_path / "a.jpg"), tmp_path / "in"), "a.jpg", settings)

    with pytest.raises(InvalidInput, match="needs its alt text"):
        add_to_kit(session, release, upload, KitWords(caption="Line 7."), SYSTEM)
    assert release.media_files == []


def test_earlier_contacts_are_each_person_once_newest_release_first(session: Session) -> None:
    add_release(session, parse_release(RELEASE.format(contacts=LENA + JONAS)), SYSTEM)
    add_release(session, parse_release(RELEASE.format(contacts=JONAS)), SYSTEM)

    assert earlier_contacts(session) == [
        ReleaseContactEntry("Jonas Berg", phone="+49 40 1234"),
        ReleaseContactEntry("Lena Vogt", "Press officer", "lena@port.example"),
    ]
