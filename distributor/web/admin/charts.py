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
    """An SVG image of `bars`, scaled to the largest value; `ident` makes its ids unique."""
    width = SLOT * max(len(bars), 1)
    top = max((bar.value for bar in bars if bar.value is not None), default=0.0) or 1.0
    base = TOP + HEIGHT
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'aria-labelledby="{i}-title {i}-desc">'
            '<title id="{i}-title">{title}</title><desc id="{i}-desc">{desc}</desc>'
            '<line x1="0" y1="{base}" x2="{w}" y2="{base}" class="axis"/>'
        ).format(
            w=width,
            h=base + BOTTOM,
            i=ident,
            title=title,
            desc="; ".join(f"{bar.label}: {bar.text}" for bar in bars),
            base=base,
        )
    ]
    for n, bar in enumerate(bars):
        middle = n * SLOT + SLOT // 2
        tall = round(HEIGHT * (bar.value or 0) / top)
        if bar.value is not None:
            parts.append(
                Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}"/>').format(
                    x=middle - BAR // 2, y=base - tall, w=BAR, h=max(tall, 1)
                )
            )
        parts.append(
            Markup(
                '<text x="{x}" y="{y}" text-anchor="middle">{text}</text>'
                '<text x="{x}" y="{label_y}" text-anchor="middle" class="label">{label}</text>'
            ).format(
                x=middle,
                y=base - tall - 5,
                text=bar.text if bar.value is not None else "—",
                label_y=base + 16,
                label=bar.label,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(escape(part) for part in parts)


def percent(value: float | None) -> str:
    """A percentage as shown everywhere: "12.5%", "0.3%", "100%"; a dash for nothing measured."""
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") + "%"
