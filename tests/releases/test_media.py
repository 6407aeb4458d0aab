"""A release file's local images and documents become its media kit: checked, sized, stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.errors import InvalidInput, ReleaseFileError
from distributor.models import MediaKind
from distributor.releases.fileformat import parse_release, read_release_file, write_release
from distributor.releases.media.names import Size
from distributor.releases.media.store import MediaStore, attach_kit, prepare_kit
from distributor.releases.store import add_release, release_document, update_release_from_file
from tests.media_kit import (
    COPYRIGHT,
    MAKE,
    add_kit_release,
    huge_png,
    jpeg,
    kit_folder,
    pdf,
    release_file,
    truncated_jpeg,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "release"
    path.mkdir()
    return path


def _stored(settings: Settings, sha256: str, size: Size) -> Path:
    return MediaStore.from_settings(settings).path(sha256, size)


def _one_image(folder: Path, name: str) -> Path:
    return release_file(folder, images=f"  - file: {name}\n    alt: A picture\n")


def test_jpeg_png_and_pdf_become_the_release_media_kit_in_every_size(
    session: Session, folder: Path, settings: Settings
) -> None:
    release = add_kit_release(session, kit_folder(folder), settings)

    photo, logo, kit = release.media_files
    assert (photo.kind, photo.name, photo.content_type) == (
        MediaKind.IMAGE,
        "photo.jpg",
        "image/jpeg",
    )
    assert (photo.width, photo.height) == (3000, 2000)
    assert (logo.name, logo.content_type) == ("logo.png", "image/png")
    assert (kit.kind, kit.name, kit.title) == (MediaKind.DOCUMENT, "press-kit.pdf", "Press kit")
    assert release.images[0].media_file is photo
    assert release.images[1].media_file is logo
    with Image.open(_stored(settings, photo.sha256, Size.EMAIL)) as email:
        assert (email.format, email.size) == ("JPEG", (1200, 800))
    with Image.open(_stored(settings, photo.sha256, Size.WEB)) as web:
        assert web.size == (2000, 1333)
    with Image.open(_stored(settings, logo.sha256, Size.EMAIL)) as small:
        assert (small.format, small.size) == ("PNG", (800, 600))
    original = _stored(settings, photo.sha256, Size.ORIGINAL).read_bytes()
    assert original == (folder / "photo.jpg").read_bytes()
    assert (
        _stored(settings, kit.sha256, Size.ORIGINAL).read_bytes()
        == (folder / "press-kit.pdf").read_bytes()
    )


def test_sizes_are_turned_upright_and_keep_only_the_copyright_notice(
    session: Session, folder: Path, settings: Settings
) -> None:
    jpeg(folder / "turned.jpg", 1600, 900, orientation=6, copyright_notice="(c) Ana")
    release = add_kit_release(session, _one_image(folder, "turned.jpg"), settings)

    file = release.media_files[0]
    assert (file.width, file.height) == (900, 1600)
    with Image.open(_stored(settings, file.sha256, Size.EMAIL)) as email:
        assert email.size == (900, 1600)
        exif = email.getexif()
    assert exif.get(COPYRIGHT) == "(c) Ana"
    assert MAKE not in exif
    assert 0x0112 not in exif  # no orientation left to apply twice


def test_image_without_alt_text_is_refused_naming_its_line(folder: Path) -> None:
    jpeg(folder / "photo.jpg")
    path = release_file(folder, images="  - file: photo.jpg\n    caption: No alt\n")

    with pytest.raises(ReleaseFileError) as refused:
        read_release_file(path)

    assert "release.md:8: images[1]: has no alt text" in str(refused.value)


def test_local_path_in_text_not_read_from_disk_is_refused() -> None:
    text = "---\ntitle: T\nimages:\n  - file: ../photo.jpg\n    alt: A picture\n---\nBody\n"

    with pytest.raises(ReleaseFileError, match=r"images\[1\]\.file.*releases add FILE"):
        parse_release(text, "editor")


def test_image_with_both_url_and_file_is_refused(folder: Path) -> None:
    images = "  - file: photo.jpg\n    url: https://example.org/p.jpg\n    alt: A picture\n"

    with pytest.raises(ReleaseFileError, match="both url and file"):
        read_release_file(release_file(folder, images=images))


def test_text_named_jpg_is_refused_as_not_an_image(folder: Path, settings: Settings) -> None:
    (folder / "photo.jpg").write_text("this is a caption, not a picture")

    with pytest.raises(InvalidInput) as refused:
        prepare_kit(read_release_file(_one_image(folder, "photo.jpg")), settings)

    assert "images[1].file" in str(refused.value)
    assert "photo.jpg is not an image" in str(refused.value)


def test_truncated_image_is_refused_as_damaged(folder: Path, settings: Settings) -> None:
    truncated_jpeg(folder / "cut.jpg")

    with pytest.raises(InvalidInput, match=r"cut\.jpg is damaged or truncated"):
        prepare_kit(read_release_file(_one_image(folder, "cut.jpg")), settings)


def test_image_of_huge_dimensions_is_refused_before_it_is_decoded(
    folder: Path, settings: Settings
) -> None:
    huge_png(folder / "bomb.png")

    with pytest.raises(InvalidInput, match=r"bomb\.png is.* more than 90 megapixels"):
        prepare_kit(read_release_file(_one_image(folder, "bomb.png")), settings)


def test_file_over_the_media_size_limit_is_refused(folder: Path, tmp_path: Path) -> None:
    pdf(folder / "big.pdf", padding=4096)
    path = release_file(folder, documents="  - file: big.pdf\n")
    settings = load_settings(
        {"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"), "DISTRIBUTOR_MEDIA_MAX_BYTES": "2048"}
    )

    with pytest.raises(
        InvalidInput, match=r"big\.pdf is .* MB, over .*DISTRIBUTOR_MEDIA_MAX_BYTES"
    ):
        prepare_kit(read_release_file(path), settings)


def test_document_not_what_its_extension_says_is_refused(folder: Path, settings: Settings) -> None:
    (folder / "kit.pdf").write_bytes(b"PK\x03\x04 a zip file")

    with pytest.raises(InvalidInput, match=r"documents\[1\]\.file: .*kit\.pdf is named \.pdf"):
        prepare_kit(
            read_release_file(release_file(folder, documents="  - file: kit.pdf\n")), settings
        )


def test_missing_local_file_is_refused_naming_it(folder: Path, settings: Settings) -> None:
    with pytest.raises(
        InvalidInput, match=r"release\.md:8: images\[1\]\.file: .*gone\.jpg does not exist"
    ):
        prepare_kit(read_release_file(_one_image(folder, "gone.jpg")), settings)


def test_files_whose_names_clash_with_a_size_get_their_own_names(
    session: Session, folder: Path, settings: Settings
) -> None:
    jpeg(folder / "photo.jpg", 400, 300)
    jpeg(folder / "photo-email.jpg", 400, 300)
    images = "  - file: photo.jpg\n    alt: One\n  - file: photo-email.jpg\n    alt: Two\n"

    release = add_kit_release(session, release_file(folder, images=images), settings)

    assert [f.name for f in release.media_files] == ["photo.jpg", "photo-email-2.jpg"]


def test_editing_the_release_replaces_its_media_kit(
    session: Session, folder: Path, settings: Settings
) -> None:
    release = add_kit_release(session, kit_folder(folder), settings)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "navy").save(buffer, "JPEG")
    (folder / "photo.jpg").write_bytes(buffer.getvalue())
    document = read_release_file(_one_image(folder, "photo.jpg"))
    kit = prepare_kit(document, settings)
    update_release_from_file(session, release.id, document, SYSTEM)
    attach_kit(session, release, document, kit)

    assert [(f.name, f.width) for f in release.media_files] == [("photo.jpg", 640)]
    assert release.images[0].media_file is release.media_files[0]


def _save_text(session: Session, release_id: int, text: str) -> None:
    """Save release text as the admin editor does: parsed without a folder, then stored."""
    update_release_from_file(session, release_id, parse_release(text, "release text"), SYSTEM)
    session.flush()
    session.expire_all()


def test_a_stored_kit_is_written_back_by_name(
    session: Session, folder: Path, settings: Settings
) -> None:
    release = add_kit_release(session, kit_folder(folder), settings)

    text = write_release(release_document(release))

    assert "- file: photo.jpg\n" in text
    assert "- file: logo.png\n" in text
    assert "documents:\n  - file: press-kit.pdf\n    title: Press kit\n" in text
    assert "url:" not in text


def test_written_back_text_saved_unchanged_keeps_the_media_kit(
    session: Session, folder: Path, settings: Settings
) -> None:
    release = add_kit_release(session, kit_folder(folder), settings)
    kit = [(f.id, f.name, f.sha256, f.title) for f in release.media_files]

    _save_text(session, release.id, write_release(release_document(release)))

    assert [(f.id, f.name, f.sha256, f.title) for f in release.media_files] == kit
    assert [i.media_file.name for i in release.images if i.media_file] == [
        "photo.jpg",
        "logo.png",
    ]
    assert [i.url for i in release.images] == ["", ""]


def test_a_caption_changed_in_the_written_back_text_is_saved_with_the_media_kit(
    session: Session, folder: Path, settings: Settings
) -> None:
    release = add_kit_release(session, kit_folder(folder), settings)
    text = write_release(release_document(release))

    _save_text(session, release.id, text.replace("The research centre in Lyon.", "New caption."))

    assert release.images[0].caption == "New caption."
    assert release.images[0].media_file is not None
    assert release.images[0].media_file.name == "photo.jpg"
    assert [f.name for f in release.media_files] == ["photo.jpg", "logo.png", "press-kit.pdf"]


def test_a_stored_file_the_saved_text_no_longer_names_leaves_the_kit(
    session: Session, folder: Path, settings: Settings
) -> None:
    release = add_kit_release(session, kit_folder(folder), settings)
    text = write_release(release_document(release))
    without_document = text.replace(
        "documents:\n  - file: press-kit.pdf\n    title: Press kit\n", ""
    )

    _save_text(session, release.id, without_document)

    assert [f.name for f in release.media_files] == ["photo.jpg", "logo.png"]


def test_text_naming_a_file_not_in_the_media_kit_is_refused_naming_its_line(
    session: Session, folder: Path, settings: Settings
) -> None:
    release = add_kit_release(session, kit_folder(folder), settings)
    text = write_release(release_document(release)).replace("file: logo.png", "file: other.png")

    with pytest.raises(ReleaseFileError) as refused:
        _save_text(session, release.id, text)

    assert "images[2].file: 'other.png' is not a picture of release 'research-centre'" in str(
        refused.value
    )
    assert "photo.jpg, logo.png" in str(refused.value)


def test_a_new_release_from_text_cannot_name_stored_files(session: Session) -> None:
    text = "---\ntitle: T\nimages:\n  - file: photo.jpg\n    alt: A picture\n---\nBody\n"
    document = parse_release(text, "release text")

    with pytest.raises(ReleaseFileError, match=r"images\[1\]\.file: 'photo.jpg' is not a picture"):
        add_release(session, document, SYSTEM)
