"""Releases the rendering and browser tests share, built as views (no parser, no database)."""

# ruff: noqa: RUF001 - the Russian release is Cyrillic on purpose

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from distributor.rendering.compose import RecipientValues, RenderContext
from distributor.rendering.media import ImageView
from distributor.rendering.views import ContactView, LinkView, ReleaseView

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CONTEXT = RenderContext(
    sender="ACME Press Office <press@acme.example>",
    sender_address="ACME Corp., 1 Harbour Street, Bristol BS1 4XX, United Kingdom",
    now=NOW,
)
RECIPIENT = RecipientValues(
    name="Dana Reporter",
    email="dana@paper.example",
    list_name="Technology editors",
    web_url="http://127.0.0.1:8000/releases/web",
    preferences_url="http://127.0.0.1:8000/preferences/tok",
    unsubscribe_url="http://127.0.0.1:8000/unsubscribe/tok?x=1&y=2",
)


def _svg(width: int, height: int, colour: str) -> str:
    """An inline image of the given intrinsic size (never fetched from anywhere)."""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<rect width="100%" height="100%" fill="{colour}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class Sample:
    name: str
    view: ReleaseView
    quotes: tuple[Quote, ...] = ()


def _body(paragraphs: list[str], quotes: tuple[Quote, ...]) -> str:
    parts: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        parts.append(f"<p>{paragraph}</p>")
        if index < len(quotes):
            quote = quotes[index]
            parts.append(
                f'<blockquote class="quote"><p>{quote.text}</p>'
                f'<p class="attribution">— {quote.attribution}</p></blockquote>'
            )
    return "\n".join(parts)


CONTACTS = (
    ContactView(
        "Maria Svensson", "Head of Media Relations", "maria@acme.example", "+44 20 7946 0001"
    ),
    ContactView(
        "Tom O'Neill", "Press Officer, Europe", "tom.oneill@acme.example", "+353 1 555 0102"
    ),
)

_LONG_QUOTES = (
    Quote(
        "“This is the largest investment in our history, and it is only the start.”",
        "Jane Doe, Chief Executive",
    ),
    Quote(
        "“Our engineers have spent four years getting the details right.”",
        "Raj Patel, Chief Technology Officer",
    ),
    Quote(
        "“Customers asked for this, and we listened — every single feature came from them.”",
        "Ana Gómez, Head of Product",
    ),
    Quote("“The regional partners are ready from day one.”", "Li Wei, Director of Partnerships"),
)
_PARAGRAPH = (
    "ACME today announced a new generation of its harbour logistics platform, "
    "bringing real-time tracking to more than 4,000 ports in 120 countries. The "
    "platform, developed over four years with partners across three continents, "
    'is available from today. More at <a href="https://acme.example/news/platform-launch-2027">the newsroom</a>. '
    "Averyveryveryverylongwordwithoutanybreakopportunitythatcouldoverflowanarrowphonescreenifnotwrapped."
)
LONG = Sample(
    "long-multi-speaker",
    ReleaseView(
        id="long",
        title="ACME launches the world’s first real-time harbour logistics platform across 4,000 ports",
        subtitle="Four years of work, 120 countries, one platform",
        summary="ACME’s new platform tracks cargo in real time in 4,000 ports.",
        location="Bristol",
        date=date(2026, 11, 25),
        organization="ACME Corp.",
        language="en",
        body_html=_body(
            [_PARAGRAPH] * 6 + ["<h2>About ACME</h2>", "ACME makes things move."], _LONG_QUOTES
        ),
        links=(
            LinkView("https://acme.example/press-kit", "Press kit (ZIP, 40 MB)"),
            LinkView(
                "https://acme.example/a/very/long/path/that/keeps/going/and/going/without/any/break/at/all/2026/11/25/launch.html"
            ),
        ),
        contacts=CONTACTS,
    ),
    _LONG_QUOTES,
)

_RU_QUOTES = (
    Quote("«Мы открываем новую страницу в истории компании».", "Иван Петров, генеральный директор"),
)
RUSSIAN = Sample(
    "russian",
    ReleaseView(
        id="ru",
        title="«Акме» открывает исследовательский центр в Новосибирске",
        subtitle="Центр займётся логистикой и искусственным интеллектом",
        summary="Новый центр в Новосибирске — 300 рабочих мест.",
        location="Новосибирск",
        date=date(2026, 11, 25),
        organization="АО «Акме»",
        language="ru",
        embargo_until=datetime(2027, 1, 15, 9, 0, tzinfo=ZoneInfo("Europe/Moscow")),
        body_html=_body(
            ["Компания «Акме» сообщает об открытии центра — на 300 рабочих мест."], _RU_QUOTES
        ),
        contacts=(
            ContactView(
                "Ольга Смирнова", "пресс-секретарь", "press@acme.example", "+7 383 555-01-02"
            ),
        ),
    ),
    _RU_QUOTES,
)

_EMBARGO_QUOTES = (Quote("“Results beat every forecast.”", "Jane Doe, Chief Executive"),)
EMBARGOED = Sample(
    "embargoed",
    ReleaseView(
        id="embargo",
        title="ACME full-year results 2026",
        summary="Revenue up 18 percent.",
        location="London",
        date=date(2027, 1, 15),
        organization="ACME Corp.",
        embargo_until=datetime(2027, 1, 15, 9, 0, tzinfo=ZoneInfo("Europe/Paris")),
        body_html=_body(["Revenue rose 18 percent to £4.2 billion."], _EMBARGO_QUOTES),
        contacts=CONTACTS[:1],
    ),
    _EMBARGO_QUOTES,
)

IMAGES = Sample(
    "images",
    ReleaseView(
        id="images",
        title="New ACME headquarters opens",
        summary="Photos of the new building.",
        location="Bristol",
        date=date(2026, 11, 25),
        organization="ACME Corp.",
        body_html=_body(["The building opens today.", "Inside, all floors are open plan."], ()),
        images=(
            ImageView(
                _svg(2400, 1200, "#2a6f97"),
                "The new ACME headquarters seen from the harbour",
                "The harbour front at dusk",
                "Jo Photographer / ACME",
            ),
            ImageView(_svg(800, 1200, "#a44a3f"), "The atrium, looking up", "The atrium", None),
            ImageView(
                "https://images.example/remote.jpg",
                "A remote picture that must never be fetched",
                "Remote",
                "Wire",
            ),
        ),
        links=(LinkView("https://acme.example/photos", "High-resolution photos"),),
        contacts=CONTACTS,
    ),
)

HOSTILE = Sample(
    "hostile",
    ReleaseView(
        id="hostile",
        title='Hostile <script>alert("title")</script> release',
        summary="<b>not bold</b>",
        organization="Evil & Co <img src=x onerror=alert(1)>",
        body_html=(
            '<p onclick="alert(1)">Pasted text<script>alert("body")</script></p>'
            '<p style="position:fixed;width:5000px">Wide style</p>'
            '<iframe src="https://evil.example"></iframe>'
            '<a href="javascript:alert(1)">click</a>'
            "<img src=x onerror=\"alert('img')\">"
            "<style>body{display:none}</style>"
            '<table style="width:3000px"><tr><td>wide table</td></tr></table>'
        ),
        links=(LinkView("javascript:alert('link')", "Bad link"),),
        contacts=(
            ContactView(
                '"><img src=x onerror=alert(1)>',
                "<script>alert(2)</script>",
                "x@evil.example",
                "+1 555",
            ),
        ),
    ),
)

SAMPLES = (LONG, RUSSIAN, EMBARGOED, IMAGES, HOSTILE)
