"""The release composer's file text in Chromium: the preview follows the text as it is typed (htmx)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from distributor.models import Release, ReleaseVersion, Role
from tests.browser.conftest import log_in, signed_in_page
from tests.releases.importing_documents import word_release
from tests.web.admin.conftest import EMAILS, PASSWORD, Admin
from tests.web.admin.test_releases import BAD_EMBARGO, BUDGET


def test_typing_in_the_editor_renders_the_preview_at_both_widths_and_saves_nothing(
    admin: Admin,
    browser: Any,
) -> None:
    from playwright.sync_api import expect

    url = admin.web.served.url
    page = signed_in_page(browser, url, 1400, Role.PRESS_OFFICER)
    try:
        page.goto(f"{url}/admin/releases/new")
        with page.expect_navigation():  # the preview follows typing once htmx has loaded
            page.get_by_role("button", name="File text").click()

        page.get_by_label("File text", exact=True).fill(BUDGET)

        for width, label in ((375, "Phone"), (800, "Desktop")):
            page.get_by_label(label, exact=True).check()
            frame = page.frame_locator(f'#preview iframe[width="{width}"]')
            expect(frame.get_by_text("The council adopted the budget.")).to_be_visible(
                timeout=30_000
            )
        page.get_by_label("File text", exact=True).fill(BAD_EMBARGO)
        expect(page.locator("#preview")).to_contain_text("Embargo (line 3):", timeout=30_000)
    finally:
        page.close()
    admin.commit()
    assert admin.web.session.scalar(select(Release.id).join(ReleaseVersion)) is None


def test_a_word_document_uploaded_on_the_new_release_page_fills_the_editor(
    admin: Admin,
    browser: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    document = word_release(tmp_path)
    url = admin.web.served.url
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        log_in(page, url, EMAILS[Role.PRESS_OFFICER], PASSWORD)
        page.goto(f"{url}/admin/releases/new")

        page.get_by_label("Document to start from").set_input_files(str(document))
        page.get_by_role("button", name="Fill the composer").click()

        editor = page.get_by_label("File text", exact=True)
        expect(editor).to_have_value(
            re.compile(r"^---\ntitle: Harbour ferry line 7 goes electric\n")
        )
        expect(page.locator("#imported")).to_contain_text(
            "2 quotes attributed to Lena Vogt, Jonas Berg"
        )
        expect(page.locator("#imported")).to_contain_text("Please check")
        frame = page.frame_locator('#preview iframe[width="375"]')
        expect(frame.get_by_text("Harbour ferry line 7 goes electric").first).to_be_visible(
            timeout=30_000
        )
    finally:
        page.close()
    admin.commit()
    assert admin.web.session.scalar(select(Release.id).join(ReleaseVersion)) is None
