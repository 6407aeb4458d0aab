"""Render once, fill in per recipient: escaping, placeholders, headers, size, inlining."""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html
import pytest

from distributor.rendering.compose import (
    GMAIL_CLIP_BYTES,
    PLACEHOLDER_NAMES,
    RecipientValues,
    fill_in,
    placeholder,
    render_release,
)
from tests.rendering.samples import CONTEXT, EMBARGOED, HOSTILE, IMAGES, LONG, RECIPIENT, SAMPLES

HOSTILE_NAMES = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "O'Neill & Sons"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_fill_in_escapes_hostile_names_in_html(name: str) -> None:
    rendered = render_release(LONG.view, CONTEXT)
    html, text = fill_in(rendered, replace(RECIPIENT, name=name))
    assert name not in html
    assert html.count("<script") == 0
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")  # only as escaped text
    assert name in text  # the text part is plain: shown as typed


def test_fill_in_escapes_quotes_in_urls_so_attributes_cannot_be_broken_out_of() -> None:
    rendered = render_release(LONG.view, CONTEXT)
    html, _ = fill_in(
        rendered, replace(RECIPIENT, unsubscribe_url='https://x/"onmouseover="alert(1)')
    )
    assert 'href="https://x/&quot;onmouseover=&quot;alert(1)"' in html


def test_recipient_values_never_carry_line_breaks() -> None:
    rendered = render_release(LONG.view, CONTEXT)
    sneaky = replace(RECIPIENT, name="Dana\r\nBcc: victim@example.org", list_name="A\nB")
    html, text = fill_in(rendered, sneaky)
    assert "Dana Bcc: victim@example.org" in text
    assert "\r" not in text
    assert "Dana\r\n" not in html
    assert all("\n" not in value and "\r" not in value for value in sneaky.values().values())


def test_subject_is_one_line_even_when_the_title_has_line_breaks() -> None:
    view = replace(LONG.view, title="Line one\r\nBcc: x@example.org\n  line two")
    subject = render_release(view, CONTEXT).subject
    assert subject == "Line one Bcc: x@example.org line two"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_every_placeholder_is_replaced(sample) -> None:  # type: ignore[no-untyped-def]
    html, text = fill_in(render_release(sample.view, CONTEXT), RECIPIENT)
    assert "%%distributor:" not in html
    assert "%%distributor:" not in text
    assert RECIPIENT.unsubscribe_url in text
    assert 'href="http://127.0.0.1:8000/unsubscribe/tok?x=1&amp;y=2"' in html


def test_placeholders_survive_inlining_in_text_and_href_attributes() -> None:
    rendered = render_release(LONG.view, CONTEXT)
    assert f'href="{placeholder("unsubscribe_url")}"' in rendered.html
    assert f'href="{placeholder("preferences_url")}"' in rendered.html
    assert f'href="{placeholder("web_url")}"' in rendered.html
    assert set(re.findall(r"%%distributor:(\w+)%%", rendered.html)) <= set(PLACEHOLDER_NAMES)


def test_size_warning_when_html_passes_gmail_clipping_limit() -> None:
    huge = replace(LONG.view, body_html="<p>" + "word " * (GMAIL_CLIP_BYTES // 4) + "</p>")
    warnings = render_release(huge, CONTEXT).warnings
    assert len(warnings) == 1
    assert "Gmail clips" in warnings[0]


def test_no_size_warning_for_an_ordinary_release() -> None:
    assert render_release(LONG.view, CONTEXT).warnings == ()


def test_styles_are_inlined_and_media_queries_stay_in_a_style_block() -> None:
    html = render_release(LONG.view, CONTEXT).html
    document = lxml.html.document_fromstring(html)
    styles = " ".join(s.text_content() for s in document.iter("style"))
    assert "@media screen and (max-width" in styles
    assert "@media (prefers-color-scheme: dark)" in styles
    assert ".body p {" not in styles  # inlined rules are not repeated
    for paragraph in document.cssselect(".body p"):
        assert "font-size:" in (paragraph.get("style") or "")
    for cell in document.cssselect("td.content, td.section, td.footer"):
        assert "padding:" in (cell.get("style") or "")


def test_hostile_body_leaves_no_script_handler_or_style_attribute() -> None:
    html, _ = fill_in(render_release(HOSTILE.view, CONTEXT), RECIPIENT)
    document = lxml.html.document_fromstring(html)
    assert not list(document.iter("script", "iframe"))
    body = document.cssselect(".body")[0]
    for element in body.iter():
        assert not any(attribute.startswith("on") for attribute in element.attrib)
    assert "javascript:" not in html
    assert "position:fixed" not in html


def test_rtl_language_sets_dir_on_html() -> None:
    html = render_release(replace(LONG.view, language="ar"), CONTEXT).html
    root = lxml.html.document_fromstring(html)
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")


def test_embargo_banner_shows_only_while_the_embargo_is_in_the_future() -> None:
    before = render_release(EMBARGOED.view, CONTEXT)
    after = render_release(EMBARGOED.view, replace(CONTEXT, now=EMBARGOED.view.embargo_until))
    assert "EMBARGOED" in before.html
    assert "January 15, 2027, 09:00 CET (08:00 UTC)" in before.html
    assert before.subject.startswith("EMBARGOED: ")
    assert "EMBARGOED" not in after.html
    assert not after.subject.startswith("EMBARGOED")


def test_every_image_has_alt_text_and_scales_down() -> None:
    document = lxml.html.document_fromstring(render_release(IMAGES.view, CONTEXT).html)
    images = list(document.iter("img"))
    assert len(images) == len(IMAGES.view.images)
    for image in images:
        assert image.get("alt")
        style = image.get("style") or ""
        assert "max-width:100%" in style
        assert "height:auto" in style


def test_tables_are_presentational() -> None:
    document = lxml.html.document_fromstring(render_release(LONG.view, CONTEXT).html)
    for table in document.iter("table"):
        assert table.getparent().get("class") == "body" or table.get("role") == "presentation"


def test_fill_in_returns_the_same_html_for_the_same_recipient() -> None:
    rendered = render_release(LONG.view, CONTEXT)
    assert fill_in(rendered, RECIPIENT) == fill_in(rendered, RECIPIENT)


def test_recipient_without_name_is_addressed_by_email() -> None:
    values = RecipientValues(
        email="a@b.example", unsubscribe_url="u", preferences_url="p", web_url="w"
    )
    assert values.addressee == "a@b.example"
