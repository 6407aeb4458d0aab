"""The release composer in Chromium: a press officer writes a release field by field, formats
its text, adds a picture to its media kit, sees it in the live preview and saves; the composer,
the release list and the release page pass axe-core at desktop and phone width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from distributor.audit import SYSTEM
from distributor.models import Release, ReleaseVersion, Role
from distributor.releases import add_release, read_release_file, release_document, write_release
from tests.browser.accessibility import violations
from tests.browser.conftest import signed_in_page
from tests.web.admin.conftest import Admin

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TITLE = "Harbour ferries go electric"
ALT = "An electric ferry moored at the pier"
WIDTHS = (1280, 390)


def _picture(folder: Path) -> Path:
    path = folder / "ferry.jpg"
    Image.new("RGB", (320, 200), (20, 110, 140)).save(path, "JPEG", quality=90)
    return path


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _open(browser: Any, url: str, width: int) -> Any:
    return signed_in_page(browser, url, width, Role.PRESS_OFFICER)


def _at_each_width(admin: Admin, browser: Any) -> Iterator[tuple[int, Any, Release]]:
    """A stored release, and a press officer's page at each of WIDTHS, closed after its turn."""
    release = add_release(admin.web.session, read_release_file(EXAMPLES / "release-en.md"), SYSTEM)
    admin.commit()
    for width in WIDTHS:
        page = _open(browser, admin.web.served.url, width)
        try:
            yield width, page, release
        finally:
            page.close()


def test_a_release_composed_with_a_picture_is_previewed_and_saved_in_its_file_text(
    admin: Admin,
    browser: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    url = admin.web.served.url
    admin.reconfigure(base_url=url)  # the preview's pictures come from this app
    page = _open(browser, url, 1280)
    try:
        page.goto(f"{url}/admin/releases/new")
        page.get_by_label("Title", exact=True).fill(TITLE)
        page.get_by_label("Place").fill("Hamburg")
        page.get_by_label("Organisation").fill("Port Authority")
        page.get_by_label("Day the embargo lifts").fill("2099-03-01")
        page.get_by_label("Time", exact=True).fill("09:30")
        text = page.get_by_label("Text", exact=True)
        text.fill("The port put twelve electric ferries into service. ")
        text.press("End")
        page.get_by_role("button", name="Bold").click()
        expect(text).to_have_value(re.compile(r"into service\. \*\*bold text\*\*"))
        page.keyboard.type("Line 7")  # over the placeholder the button selected
        expect(text).to_have_value(re.compile(r"\*\*Line 7\*\*"))
        phone = page.frame_locator("#preview figure.phone iframe")
        expect(phone.get_by_text("Line 7")).to_be_visible(timeout=30_000)

        # Further down the form, the preview is still in view beside it.
        page.evaluate("window.scrollTo(0, 500)")
        pane = page.locator(".preview-pane").bounding_box()
        assert pane is not None
        assert 0 <= pane["y"] < 20

        page.get_by_label("Add a picture or document").set_input_files(str(_picture(tmp_path)))
        page.get_by_label("Alt text of the picture").fill(ALT)
        page.get_by_label("Caption", exact=True).fill("Line 7 at Landungsbrücken.")
        page.get_by_label("Credit", exact=True).fill("Kai Brandt")
        with page.expect_navigation():
            page.get_by_role("button", name="Add to the media kit").click()

        expect(page.get_by_role("status")).to_contain_text(
            "The picture ferry.jpg is in the media kit"
        )
        picture = page.frame_locator("#preview figure.phone iframe").get_by_role("img", name=ALT)
        expect(picture).to_have_js_property("naturalWidth", 320, timeout=30_000)
        page.get_by_label("Text", exact=True).press("End")
        page.keyboard.type("\nMore boats follow in the autumn.")
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(f"“{TITLE}” is saved.")
        assert violations(page) == []
    finally:
        page.close()
    admin.commit()
    release = admin.web.session.scalar(
        select(Release).join(ReleaseVersion).where(ReleaseVersion.title == TITLE)
    )
    assert release is not None
    written = write_release(release_document(release))
    assert f"images:\n  - file: ferry.jpg\n    alt: {ALT}\n" in written
    assert "embargo: 2099-03-01T09:30:00 UTC\n" in written
    assert "**Line 7**" in written
    assert written.endswith("More boats follow in the autumn.")


def test_the_file_text_tab_holds_what_the_fields_say_and_reads_back(
    admin: Admin,
    browser: Any,
) -> None:
    from playwright.sync_api import expect

    url = admin.web.served.url
    page = _open(browser, url, 390)
    try:
        page.goto(f"{url}/admin/releases/new")
        page.get_by_label("Title", exact=True).fill(TITLE)
        page.get_by_label("Text", exact=True).fill("Twelve boats.")
        page.get_by_role("button", name="File text").click()
        file_text = page.get_by_label("File text")
        expect(file_text).to_have_value(re.compile(rf"^---\ntitle: {TITLE}\n"))
        file_text.fill(f"---\ntitle: {TITLE}\nlocation: Hamburg\n---\nTwelve boats.\n")
        page.get_by_role("button", name="Fields").click()
        expect(page.get_by_label("Place")).to_have_value("Hamburg")
        assert _no_sideways_scroll(page)
    finally:
        page.close()


def test_an_invalid_composer_comes_back_with_the_values_and_the_fields_errors(
    admin: Admin,
    browser: Any,
) -> None:
    from playwright.sync_api import expect

    url = admin.web.served.url
    page = _open(browser, url, 1280)
    try:
        page.goto(f"{url}/admin/releases/new")
        page.get_by_label("Title", exact=True).fill("")
        page.get_by_label("Day the embargo lifts").fill("2020-01-06")
        page.get_by_label("Text", exact=True).fill("Twelve boats.")
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator("#e-title")).to_contain_text("Give the release a title")
        expect(page.locator("#e-embargo_time")).to_contain_text("Give the time the embargo lifts")
        expect(page.get_by_label("Day the embargo lifts")).to_have_value("2020-01-06")
        expect(page.get_by_label("Text", exact=True)).to_have_value("Twelve boats.")
        assert violations(page) == []
    finally:
        page.close()


def test_the_composer_the_release_list_and_a_release_pass_axe_at_both_widths(
    admin: Admin,
    browser: Any,
) -> None:
    from playwright.sync_api import expect

    url = admin.web.served.url
    for width, page, release in _at_each_width(admin, browser):
        for path in (
            "/admin/releases/new",
            "/admin/releases",
            f"/admin/releases/{release.id}",
            f"/admin/releases/{release.id}/edit",
        ):
            page.goto(f"{url}{path}")
            expect(page.locator("h1")).to_be_visible()
            assert violations(page) == [], f"{path} at {width} px"
            assert _no_sideways_scroll(page), f"{path} scrolls sideways at {width} px"


def test_the_desktop_preview_fits_its_pane_and_the_phone_preview_keeps_its_width(
    admin: Admin,
    browser: Any,
) -> None:
    from playwright.sync_api import expect

    for width, page, release in _at_each_width(admin, browser):
        page.goto(f"{admin.web.served.url}/admin/releases/{release.id}/edit")
        phone = page.get_by_title("The email at phone width")
        expect(phone).to_be_visible()
        phone_width = phone.bounding_box()["width"]
        page.get_by_role("radio", name="Desktop").check()
        desktop = page.get_by_title("The email at desktop width")
        expect(desktop).to_be_visible()

        pane = page.locator(".widths").bounding_box()
        shown = desktop.bounding_box()
        assert shown["x"] + shown["width"] <= pane["x"] + pane["width"] + 1, f"at {width} px"
        assert page.locator(".widths").evaluate("e => e.scrollWidth <= e.clientWidth")
        assert shown["height"] / shown["width"] == pytest.approx(702 / 802, rel=0.02)
        expect(page.locator("figure.desktop figcaption")).to_contain_text("shown at")
        if width == 1280:
            assert phone_width == 375 + 2  # its border: the phone frame is not scaled
        assert violations(page) == [], f"at {width} px"
        assert _no_sideways_scroll(page), f"scrolls sideways at {width} px"


def test_a_picture_too_large_or_added_before_the_title_keeps_what_was_typed(
    admin: Admin,
    browser: Any,
    tmp_path: Path,
) -> None:
    huge = tmp_path / "harbour.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2_000_000))
    admin.reconfigure(media_max_bytes="40960")
    from playwright.sync_api import expect

    url = admin.web.served.url
    page = _open(browser, url, 390)
    try:
        page.goto(f"{url}/admin/releases/new")
        page.get_by_label("Place").fill("Hamburg")
        page.get_by_label("Text", exact=True).fill("The port put twelve electric ferries in.")
        page.get_by_label("Alt text of the picture").fill(ALT)
        page.get_by_label("Add a picture or document").set_input_files(str(huge))
        with page.expect_navigation():
            page.get_by_role("button", name="Add to the media kit").click()

        upload = page.get_by_label("Add a picture or document")
        expect(upload).to_have_accessible_description(
            re.compile(r"This picture \(harbour\.png\) is 1\.9 MB; the most a file can be is 40 KB")
        )
        expect(page.get_by_label("Place")).to_have_value("Hamburg")
        expect(page.get_by_label("Alt text of the picture")).to_have_value(ALT)

        upload.set_input_files(str(_picture(tmp_path)))
        with page.expect_navigation():
            page.get_by_role("button", name="Add to the media kit").click()
        expect(page.locator("#kept")).to_contain_text(f"The picture ferry.jpg: {ALT}")
        expect(page.get_by_label("Text", exact=True)).to_have_value(
            "The port put twelve electric ferries in."
        )
        assert violations(page) == []

        page.get_by_label("Title", exact=True).fill(TITLE)
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(
            f"The picture ferry.jpg is in the media kit, and “{TITLE}” is saved."
        )
    finally:
        page.close()
