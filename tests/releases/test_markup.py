"""The release body: Markdown to safe HTML, quotes with their attributions, text kept as written."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from distributor.releases.markup import Quote, body_html, quotes

HOSTILE = """\
<script>alert("x")</script>
<img src="https://press.example.org/a.png" onerror="alert(1)" alt="a">
<a href="javascript:alert(1)">click</a>
<a href="JaVaScRiPt:alert(1)">click</a>
<style>body { display: none }</style>
<iframe src="https://evil.example/">fallback text</iframe>
<p style="position:fixed" onclick="steal()">styled</p>
<form action="https://evil.example/"><input name="q"></form>
<object data="x.swf"></object>
[md link](javascript:alert(1))
"""

_EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_markdown_becomes_paragraphs_emphasis_and_links() -> None:
    html = body_html("Hello *world*, see [the kit](https://press.example.org/kit).")
    assert "<em>world</em>" in html
    assert '<a href="https://press.example.org/kit" rel="noopener noreferrer">the kit</a>' in html


def test_script_style_iframe_form_and_object_are_removed_with_their_content() -> None:
    html = body_html(HOSTILE)
    for tag in ("<script", "<style", "<iframe", "<form", "<input", "<object"):
        assert tag not in html.lower()
    assert 'alert("x")' not in html
    assert "display: none" not in html
    assert "fallback text" not in html


def test_event_handlers_and_style_attributes_are_removed() -> None:
    html = body_html(HOSTILE)
    assert not _EVENT_HANDLER.search(html)
    assert "style=" not in html
    assert "styled" in html


def test_javascript_links_lose_their_address() -> None:
    html = body_html(HOSTILE)
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript", html, re.IGNORECASE)
    assert html.count('<a rel="noopener noreferrer">click</a>') == 2


def test_relative_and_data_addresses_are_dropped_and_http_mailto_kept() -> None:
    html = body_html(
        "[a](/relative) [b](https://ok.example/) [c](mailto:press@ok.example) "
        '<img src="data:image/png;base64,AAAA" alt="d">'
    )
    assert 'href="/relative"' not in html
    assert "data:" not in html
    assert 'href="https://ok.example/"' in html
    assert 'href="mailto:press@ok.example"' in html


def test_images_keep_source_alt_and_size() -> None:
    html = body_html('<img src="https://press.example.org/p.jpg" alt="Crew" width="600">')
    assert 'src="https://press.example.org/p.jpg"' in html
    assert 'alt="Crew"' in html
    assert 'width="600"' in html


def test_headings_are_kept_between_h2_and_h4() -> None:
    html = body_html("# Top\n\n## Second\n\n###### Deep")
    assert "<h2>Top</h2>" in html
    assert "<h2>Second</h2>" in html
    assert "<h4>Deep</h4>" in html
    assert "<h1" not in html
    assert "<h6" not in html


def test_table_alignment_is_an_attribute_not_a_style() -> None:
    html = body_html("| Fund | Amount |\n|:--|--:|\n| Drama | 4 |")
    assert '<td align="right">4</td>' in html
    assert "style" not in html


def test_block_quote_with_em_dash_line_is_an_attributed_quote() -> None:
    html = body_html("> We are proud.\n— Anna Petrova, Director")
    assert html == (
        '<blockquote class="quote">\n<p>We are proud.</p>\n'
        '<p class="attribution">— Anna Petrova, Director</p>\n</blockquote>\n'
    )


def test_attribution_inside_the_quote_marker_is_recognized() -> None:
    assert quotes("> Text\n> — Ann Lee, CEO") == [Quote("Text", "Ann Lee, CEO")]


def test_attribution_in_its_own_paragraph_after_the_quote_is_recognized() -> None:
    assert quotes("> Text\n\n— Ann Lee, CEO\n\nNext paragraph.") == [Quote("Text", "Ann Lee, CEO")]
    assert "<p>Next paragraph.</p>" in body_html("> Text\n\n— Ann Lee, CEO\n\nNext paragraph.")


def test_double_and_single_hyphen_attributions_print_as_em_dash() -> None:
    assert '<p class="attribution">— Ivan, role</p>' in body_html("> Q\n\n-- Ivan, role")
    assert '<p class="attribution">— Bob, CTO</p>' in body_html("> Q\n\n- Bob, CTO")


def test_attribution_as_a_separate_paragraph_inside_the_quote_is_recognized() -> None:
    assert quotes("> First.\n>\n> Second.\n>\n> — Ann") == [Quote("First.\n\nSecond.", "Ann")]


def test_quote_without_attribution_is_still_a_quote() -> None:
    assert body_html("> Just words.").startswith('<blockquote class="quote">')
    assert quotes("> Just words.") == [Quote("Just words.", None)]


def test_hyphenated_word_after_a_quote_is_not_an_attribution() -> None:
    assert quotes("> Q\n\n-fold growth") == [Quote("Q", None)]


def test_cyrillic_guillemets_and_em_dashes_are_kept_as_written() -> None:
    source = "Фонд кино — «главный» партнёр; “curly” quotes, ‘single’, ёлка… и т. д."  # noqa: RUF001
    assert body_html(source) == f"<p>{source}</p>\n"


def test_straight_quotes_and_double_hyphens_are_not_made_typographic() -> None:
    assert '"plain" -- as typed' in body_html('"plain" -- as typed').replace("&quot;", '"')


def test_cyrillic_quote_and_attribution() -> None:
    assert quotes("> «Мы гордимся».\n— Анна Петрова, директор") == [
        Quote("«Мы гордимся».", "Анна Петрова, директор")
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.text()
    | st.lists(
        st.sampled_from(
            [
                "<script>", "</script>", "<img src=x ", "onerror=", "onload=", " on", "=",
                "javascript:", "<a href=", '"', "'", ">", "<", "<style>", "<svg ", "\n", "> ",
                "[x](", ")", "`", "<!--", "-->", "<scr", "ipt>", "&lt;", "&#60;", "<iframe",
                "data:", "vbscript:", "\x00", " ", "— ", "<p ", "style=",
            ]
        )
        | st.text(max_size=5)
    ).map("".join)
)  # fmt: skip
def test_no_script_or_event_handler_survives_any_input(source: str) -> None:
    html = body_html(source)
    assert "<script" not in html.lower()
    assert not _EVENT_HANDLER.search(html)
    # Text escapes "<", so every "<" in the output opens a tag: look inside tags only.
    assert not re.search(
        r"""<[^>]*\s(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):""", html, re.I
    )


def test_en_dash_attribution_is_recognized() -> None:
    assert quotes("> Q\n\u2013 Ann, CEO") == [Quote("Q", "Ann, CEO")]


def test_markdown_link_to_a_script_keeps_only_its_text() -> None:
    assert (
        body_html("[Read](javascript:alert(1))") == '<p><a rel="noopener noreferrer">Read</a></p>\n'
    )
