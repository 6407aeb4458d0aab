"""The new-release editor filled from an uploaded document or pasted text, saved only on Save."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import httpx
from markupsafe import escape
from sqlalchemy import func, select

from distributor.models import Release, Role
from distributor.releases import parse_release, write_release
from tests.releases.importing_documents import LIBRARIES_TEXT, word_release
from tests.web.admin.conftest import Admin, Browser

IMPORT = "/admin/releases/import"


def _upload(browser: Browser, name: str, data: bytes) -> httpx.Response:
    return browser.client.post(
        IMPORT,
        data={"csrf_token": browser.csrf_token()},
        files={"file": (name, data, "application/octet-stream")},
    )


def _editor_text(page: httpx.Response) -> str:
    """The release text the editor was filled with, as the browser sends it back."""
    text = page.text[page.text.index('id="f-text"') :]
    text = text[text.index(">\n") + 2 : text.index("</textarea>")]
    return str(escape(text)).replace("&amp;", "&")


def _held_id(page: httpx.Response) -> str:
    found = re.search(r'<input type="hidden" name="pictures" value="([0-9a-f]+)">', page.text)
    assert found, "the editor carries no held pictures"
    return found.group(1)


def _held_folder(admin: Admin) -> Path:
    return admin.settings.data_dir / "release-pictures"


def _imported_word_release(browser: Browser, folder: Path) -> httpx.Response:
    return _upload(browser, "ferries.docx", word_release(folder).read_bytes())


def _saved(admin: Admin, response: httpx.Response) -> Release:
    assert response.status_code == 303, response.text
    admin.commit()
    release_id = int(response.headers["location"].rsplit("/", 1)[1])
    release = admin.web.session.get(Release, release_id)
    assert release is not None
    return release


def _releases(admin: Admin) -> int:
    admin.commit()
    return admin.web.session.scalar(select(func.count()).select_from(Release)) or 0


def test_the_new_release_page_offers_an_upload_and_a_paste_box(admin: Admin) -> None:
    page = admin.signed_in(Role.PRESS_OFFICER).get("/admin/releases/new").text

    assert 'enctype="multipart/form-data"' in page
    assert '<input type="file" id="import-file" name="file"' in page
    assert 'name="pasted"' in page
    assert "up to 20 MB" in page


def test_an_uploaded_word_document_fills_the_editor_without_saving(
    admin: Admin, tmp_path: Path
) -> None:
    document = word_release(tmp_path)
    before = _releases(admin)

    page = _upload(admin.signed_in(Role.PRESS_OFFICER), "ferries.docx", document.read_bytes())

    assert page.status_code == 200
    assert "title: Harbour ferry line 7 goes electric\n" in page.text
    assert str(escape("— Lena Vogt, Chief Executive, Port Authority")) in page.text
    assert "<li>2 quotes attributed to Lena Vogt, Jonas Berg</li>" in page.text
    assert _releases(admin) == before


def test_pasted_text_fills_the_editor_and_saving_it_stores_the_release(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    before = _releases(admin)

    page = browser.post(IMPORT, {"pasted": LIBRARIES_TEXT})
    saved = browser.post("/admin/releases/new", {"text": _editor_text(page)})

    assert "<li>3 quotes attributed to Anna Schmidt, Pierre Martin, Olga Ivanova</li>" in page.text
    assert "Contact block found: Jana Keller" in page.text
    assert saved.status_code == 303
    assert _releases(admin) == before + 1


def test_a_bad_upload_is_explained_next_to_the_form_and_nothing_is_filled(admin: Admin) -> None:
    before = _releases(admin)

    page = _upload(admin.signed_in(Role.PRESS_OFFICER), "ferries.docx", b"PK\x03\x04broken")

    assert page.status_code == 200
    assert (
        '<p class="warning" id="import-error" role="alert">ferries.docx is not a Word document'
        in page.text
    )
    assert 'id="f-title" name="title" type="text" value=""' in page.text
    assert _releases(admin) == before


def test_an_upload_over_the_limit_is_refused_before_it_is_read_whole(admin: Admin) -> None:
    before = _releases(admin)

    page = _upload(admin.signed_in(Role.PRESS_OFFICER), "ferries.docx", bytes(25 * 1024**2))

    assert page.status_code == 413
    assert "The document is larger than 20 MB. Nothing was imported" in page.text
    assert _releases(admin) == before


def test_pasted_text_without_a_title_is_explained_and_kept(admin: Admin) -> None:
    pasted = "The port put twelve boats into service today, and more follow.\n"

    page = admin.signed_in(Role.PRESS_OFFICER).post(IMPORT, {"pasted": pasted})

    assert (
        "The pasted text: no title found; make the release&#39;s first line its title" in page.text
    )
    assert f">{pasted}</textarea>" in page.text


def test_a_viewer_cannot_import(admin: Admin) -> None:
    page = admin.signed_in(Role.VIEWER).post(IMPORT, {"pasted": LIBRARIES_TEXT})

    assert page.status_code == 403


def test_the_pictures_of_an_imported_document_are_said_to_go_into_the_media_kit(
    admin: Admin, tmp_path: Path
) -> None:
    page = _imported_word_release(admin.signed_in(Role.PRESS_OFFICER), tmp_path)

    assert "Picture: ferries-image-1.png, caption “The ferry Elbe One" in page.text
    assert (
        "The picture of the document listed under images will be added to the "
        "release's media kit when you save it." in page.text
    )
    assert "was not brought in" not in page.text
    assert _held_id(page)


def test_saving_an_imported_document_puts_its_picture_in_the_media_kit_with_its_caption(
    admin: Admin, tmp_path: Path
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = _imported_word_release(browser, tmp_path)

    saved = browser.post(
        "/admin/releases/new", {"text": _editor_text(page), "pictures": _held_id(page)}
    )

    release = _saved(admin, saved)
    [image] = release.images
    assert image.media_file is not None
    assert image.media_file.name == "ferries-image-1.png"
    assert image.media_file.content_type == "image/png"
    assert image.caption == "The ferry Elbe One at the Landungsbrücken pier."
    assert image.credit == "Kai Brandt"
    assert [file.name for file in release.media_files] == ["ferries-image-1.png"]
    assert list(_held_folder(admin).iterdir()) == []


def test_a_picture_removed_from_the_text_before_saving_is_not_stored(
    admin: Admin, tmp_path: Path
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = _imported_word_release(browser, tmp_path)
    without_picture = replace(parse_release(_editor_text(page), "release text"), images=())

    saved = browser.post(
        "/admin/releases/new",
        {"text": write_release(without_picture), "pictures": _held_id(page)},
    )

    release = _saved(admin, saved)
    assert release.images == []
    assert release.media_files == []
    assert list(_held_folder(admin).iterdir()) == []


def test_a_preview_keeps_the_held_pictures_for_saving(admin: Admin, tmp_path: Path) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = _imported_word_release(browser, tmp_path)
    held = _held_id(page)

    previewed = browser.post(
        "/admin/releases/new",
        {"text": _editor_text(page), "pictures": held, "action": "preview"},
    )

    assert _held_id(previewed) == held


def test_a_forged_holding_id_is_refused_and_nothing_is_saved(admin: Admin, tmp_path: Path) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = _imported_word_release(browser, tmp_path)
    before = _releases(admin)

    refused = browser.post(
        "/admin/releases/new", {"text": _editor_text(page), "pictures": "../../media"}
    )

    assert "Not saved. The pictures of the imported document are no longer kept" in refused.text
    assert 'name="pictures"' not in refused.text
    assert _releases(admin) == before


def test_another_users_held_pictures_are_refused_and_kept_for_their_owner(
    admin: Admin, tmp_path: Path
) -> None:
    page = _imported_word_release(admin.signed_in(Role.PRESS_OFFICER), tmp_path)
    before = _releases(admin)

    refused = admin.signed_in(Role.ADMIN).post(
        "/admin/releases/new", {"text": _editor_text(page), "pictures": _held_id(page)}
    )

    assert "is not yours" in refused.text
    assert _releases(admin) == before
    assert (_held_folder(admin) / _held_id(page)).is_dir()


def test_a_picture_file_the_import_did_not_hold_is_refused_and_nothing_is_saved(
    admin: Admin, tmp_path: Path
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    page = _imported_word_release(browser, tmp_path)
    text = _editor_text(page).replace("file: ferries-image-1.png", "file: board-photo.png")
    before = _releases(admin)

    refused = browser.post("/admin/releases/new", {"text": text, "pictures": _held_id(page)})

    assert (
        "&#39;board-photo.png&#39; is not a picture of the imported document "
        "(its pictures: ferries-image-1.png)" in refused.text
    )
    assert _held_id(refused) == _held_id(page)
    assert _releases(admin) == before
