"""The release email as a person sees it in Chromium, at phone and desktop widths."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest

from distributor.rendering.compose import fill_in, render_release
from tests.browser.conftest import OpenPage
from tests.rendering.samples import CONTEXT, HOSTILE, IMAGES, RECIPIENT, SAMPLES, Sample

SAMPLE_IDS = [sample.name for sample in SAMPLES]


def _email(sample: Sample) -> tuple[str, str]:
    return fill_in(render_release(sample.view, CONTEXT), RECIPIENT)


@pytest.fixture(params=SAMPLES, ids=SAMPLE_IDS)
def sample(request: pytest.FixtureRequest) -> Sample:
    return request.param  # type: ignore[no-any-return]


def test_nothing_overflows_horizontally_at_375_px(open_page: OpenPage, sample: Sample) -> None:
    page = open_page(_email(sample)[0], 375)
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert max(widths[:2]) <= widths[2] == 375


def test_body_text_is_at_least_14_px_at_375_px(open_page: OpenPage, sample: Sample) -> None:
    page = open_page(_email(sample)[0], 375)
    sizes = page.evaluate(
        """Array.from(document.querySelectorAll('.container p, .container li, .container td'))
             .filter(e => e.offsetParent !== null && e.textContent.trim() !== '')
             .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )
    assert sizes
    assert min(sizes) >= 14


def test_content_column_is_at_most_600_px_at_1000_px(open_page: OpenPage, sample: Sample) -> None:
    page = open_page(_email(sample)[0], 1000)
    column = page.evaluate("document.querySelector('.container').getBoundingClientRect().width")
    card = page.evaluate("document.querySelector('.card').getBoundingClientRect().width")
    assert 0 < card <= column <= 600


def test_images_scale_down_to_the_phone_width(open_page: OpenPage) -> None:
    page = open_page(_email(IMAGES)[0], 375)
    widths = page.evaluate("Array.from(document.images).map(i => i.getBoundingClientRect().width)")
    assert widths
    assert max(widths) <= 375


def test_every_quote_attribution_and_contact_is_in_html_and_text(sample: Sample) -> None:
    html, text = _email(sample)
    shown = lxml.html.document_fromstring(html).text_content()
    flat_text = " ".join(text.split())
    for quote in sample.quotes:
        assert quote.text in shown
        assert f"— {quote.attribution}" in shown
        assert " ".join(quote.text.split()) in flat_text
        assert f"— {quote.attribution}" in flat_text
    for contact in sample.view.contacts:
        for value in (contact.name, contact.role, contact.email, contact.phone):
            assert value
            assert value in shown
            assert value in text


def test_html_parses_as_one_document(sample: Sample) -> None:
    document = lxml.html.document_fromstring(_email(sample)[0])
    assert document.tag == "html"
    assert document.find("head") is not None
    assert len(document.cssselect(".container")) == 1


def test_no_script_runs_from_a_hostile_body(open_page: OpenPage) -> None:
    html = _email(HOSTILE)[0]
    page = open_page(html, 1000)
    dialogs: list[Any] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content(html, wait_until="load")
    page.mouse.click(100, 100)
    for link in page.query_selector_all("a"):
        assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
    assert page.evaluate("document.scripts.length") == 0
    assert dialogs == []
    assert (
        page.evaluate(
            "Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )


def test_styles_that_matter_are_inlined_and_media_queries_stay_in_style(sample: Sample) -> None:
    document = lxml.html.document_fromstring(_email(sample)[0])
    for element in document.cssselect("td.content, td.section, td.footer, .body p"):
        style = element.get("style") or ""
        assert "font-size" in style or "padding" in style, lxml.html.tostring(element)[:200]
    blocks = " ".join(style.text_content() for style in document.iter("style"))
    assert "@media screen and (max-width" in blocks
    assert "prefers-color-scheme: dark" in blocks
