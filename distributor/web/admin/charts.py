"""Bar charts drawn on the server as inline SVG: no script and no outside file, and readable by a
screen reader (a title, a description giving every figure) and on paper (each figure is
written above its bar)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

SLOT = 52  # the width each bar takes, gap included
BAR = 34
HEIGHT = 120  # of the tallest bar
TOP = 20  # room for the figure above a bar
BOTTOM = 22  # room for the label below


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar: "2 Nov"
    value: float | None  # None: nothing to measure, no bar
    text: str  # written above the bar and in the description: "12.5 %", "no messages"


def bar_chart(ident: str, title: str, bars: Sequence[Bar]) -> Markup:
    """An SVG image of `bars`, scaled to the largest value; `ident` makes its ids unique.

    Written with f-strings, every text escaped: a dashboard draws seven charts of up to
    fourteen bars, and Markup.format costs a millisecond a chart.
    """
    width = SLOT * max(len(bars), 1)
    top = max((bar.value for bar in bars if bar.value is not None), default=0.0) or 1.0
    base = TOP + HEIGHT
    i = escape(ident)
    desc = escape("; ".join(f"{bar.label}: {bar.text}" for bar in bars))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {base + BOTTOM}" width="{width}" height="{base + BOTTOM}" '
        f'aria-labelledby="{i}-title {i}-desc">'
        f'<title id="{i}-title">{escape(title)}</title><desc id="{i}-desc">{desc}</desc>'
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" class="axis"/>'
    ]
    for n, bar in enumerate(bars):
        middle = n * SLOT + SLOT // 2
        tall = round(HEIGHT * (bar.value or 0) / top)
        if bar.value is not None:
            parts.append(
                f'<rect x="{middle - BAR // 2}" y="{base - tall}" width="{BAR}" '
                f'height="{max(tall, 1)}"/>'
            )
        text = escape(bar.text if bar.value is not None else "—")
        parts.append(
            f'<text x="{middle}" y="{base - tall - 5}" text-anchor="middle">{text}</text>'
            f'<text x="{middle}" y="{base + 16}" text-anchor="middle" class="label">'
            f"{escape(bar.label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above


def percent(value: float | None) -> str:
    """A percentage as shown everywhere: "12.5%", "0.3%", "100%"; a dash for nothing measured."""
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") + "%"
