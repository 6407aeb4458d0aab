"""Charts drawn on the server: valid SVG that a screen reader can name and read, every figure
written as text."""

from __future__ import annotations

from xml.etree import ElementTree

from distributor.web.admin.charts import Bar, bar_chart, percent

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(chart: str) -> ElementTree.Element:
    return ElementTree.fromstring(chart)  # noqa: S314 - the chart under test, not outside input


WEEKS = [Bar("2 Nov", 12.5, "12.5%"), Bar("9 Nov", None, "—"), Bar("16 Nov", 40.0, "40%")]


def test_a_chart_is_valid_svg_named_by_its_title() -> None:
    svg = _parsed(bar_chart("open", "Open rate per week", WEEKS))

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "open-title open-desc"
    assert svg.findtext(f"{SVG}title") == "Open rate per week"
    assert svg.findtext(f"{SVG}desc") == "2 Nov: 12.5%; 9 Nov: —; 16 Nov: 40%"


def test_every_figure_and_week_is_written_on_the_chart() -> None:
    svg = _parsed(bar_chart("open", "Open rate per week", WEEKS))

    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["12.5%", "2 Nov", "—", "9 Nov", "40%", "16 Nov"]
    assert len(list(svg.iter(f"{SVG}rect"))) == 2  # no bar where nothing was measured


def test_the_tallest_bar_fills_the_chart_and_the_others_scale_with_it() -> None:
    svg = _parsed(bar_chart("open", "Open rate", WEEKS))

    heights = [int(rect.get("height", "0")) for rect in svg.iter(f"{SVG}rect")]
    assert heights == [38, 120]


def test_words_in_a_title_are_escaped() -> None:
    svg = _parsed(bar_chart("x", "Clicks <script> & co", [Bar("a&b", 1, "1%")]))

    assert svg.findtext(f"{SVG}title") == "Clicks <script> & co"


def test_percentages_read_without_a_useless_decimal() -> None:
    assert [percent(v) for v in (62.5, 40.0, 0.0, None, 1 / 3)] == [
        "62.5%",
        "40%",
        "0%",
        "—",
        "0.3%",
    ]
