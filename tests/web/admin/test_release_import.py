"""The new-release editor filled from an uploaded document or pasted text, saved only on Save."""

from __future__ import annotations

from pathlib import Path

import httpx
from markupsafe import escape
from sqlalchemy import func, select

from distributor.models import Release, Role
from tests.releases.importing_documents import LIBRARIES_TEXT, word_release
from tests.web.admin.conftest import Admin, Browser

IMPORT = "/admin/releases/import"


def _upload(browser: Browser, name: str, data: bytes) -> httpx.Response:
    return browser.client.post(
        IMPORT,
        data={"csrf_token": browser.csrf_token()},
        files={"file": (name, data, "application/octet-stream")},
    )


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
    assert (
        "Picture 1 (“The ferry Elbe One at the Landungsbrücken pier.”) was not brought in"
        in page.text
    )
    assert _releases(admin) == before


def test_pasted_text_fills_the_editor_and_saving_it_stores_the_release(admin: Admin) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)
    before = _releases(admin)

    page = browser.post(IMPORT, {"pasted": LIBRARIES_TEXT})
    text = page.text[page.text.index('id="release-text"') :]
    text = text[text.index(">\n") + 2 : text.index("</textarea>")]
    saved = browser.post("/admin/releases/new", {"text": str(escape(text)).replace("&amp;", "&")})

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
    assert "title: The release&#39;s title" in page.text
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
