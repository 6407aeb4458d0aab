"""Render a release once, fill it in per recipient.

`render_release` runs Jinja2 and premailer's CSS inlining once per release,
language and template, leaving placeholders (`%%distributor:unsubscribe_url%%`)
where each recipient's own values go; the tokens are plain ASCII without
characters that HTML, CSS inlining or URL handling rewrite. `fill_in` then only
escapes the recipient's values and joins precompiled segments: no template, no
parser, no CSS per recipient.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime

from premailer import Premailer

from distributor.releases import sanitize_html
from distributor.rendering import text as plain
from distributor.rendering.dates import format_dateline_date, format_embargo
from distributor.rendering.environment import credit, email_environment, safe_url
from distributor.rendering.typography import typeset_view
from distributor.rendering.views import ReleaseView
from distributor.wording import direction, words

# Gmail cuts messages whose HTML passes about 102 KB ("[Message clipped]"), hiding the
# footer with its unsubscribe link. The margin leaves room for the recipient's values.
GMAIL_CLIP_BYTES = 102 * 1024
RECIPIENT_MARGIN_BYTES = 2 * 1024

_TOKEN = re.compile(r"%%distributor:([a-z_]+)%%")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def placeholder(name: str) -> str:
    """The token standing for recipient value `name` in rendered output."""
    return f"%%distributor:{name}%%"


@dataclass(frozen=True)
class RecipientValues:
    """One recipient's own values. Line breaks and control characters are never kept."""

    email: str
    unsubscribe_url: str
    preferences_url: str
    web_url: str
    name: str = ""
    list_name: str = ""
    local_embargo: str = ""  # the embargo lift on the recipient's clock, when their zone is known

    @property
    def addressee(self) -> str:
        return f"{self.name} <{self.email}>" if self.name.strip() else self.email

    def values(self) -> dict[str, str]:
        raw = {f.name: getattr(self, f.name) for f in fields(self)} | {"addressee": self.addressee}
        values = {key: _CONTROL.sub(" ", value).strip() for key, value in raw.items()}
        if values["local_embargo"]:  # follows the banner's UTC time: "… (08:00 UTC) — 17:00 …"
            values["local_embargo"] = " — " + values["local_embargo"]
        return values


PLACEHOLDER_NAMES = (*(f.name for f in fields(RecipientValues)), "addressee")
PLACEHOLDERS = {name: placeholder(name) for name in PLACEHOLDER_NAMES}


@dataclass(frozen=True)
class VersionLink:
    """One language version of a web page: where it lives and the link's words, in its language."""

    language: str
    url: str
    label: str
    current: bool = False  # the page being rendered


@dataclass(frozen=True)
class Office:
    """The press office whose pages these are: its name, and its logo's address on the web app."""

    name: str
    logo_url: str | None = None


@dataclass(frozen=True)
class RenderContext:
    """What the sender adds to every release: who sends it, from where, and when it is now."""

    sender: str  # who the footer says sent it: the office's name (Settings.sender_name)
    sender_address: str | None = None  # postal address; default: the release's organization
    now: datetime | None = None  # decides whether the embargo is still in the future
    # Set for the web version: its footer leads to the newsroom, with nothing about a recipient.
    newsroom_url: str | None = None
    # The web version's language versions, this one included: alternates and links between them.
    versions: tuple[VersionLink, ...] = ()
    # The web version's header: the office's logo, and its name when the release names none.
    office: Office | None = None


@dataclass(frozen=True)
class Segments:
    """Text cut at its placeholders: literal parts at even positions, names at odd ones."""

    parts: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Segments:
        parts = tuple(_TOKEN.split(text))
        unknown = set(parts[1::2]) - set(PLACEHOLDER_NAMES)
        if unknown:
            raise ValueError(f"template uses unknown placeholders {sorted(unknown)}")
        return cls(parts)

    def fill(self, values: Mapping[str, str]) -> str:
        joined = list(self.parts)
        joined[1::2] = [values[name] for name in self.parts[1::2]]
        return "".join(joined)


@dataclass(frozen=True)
class RenderedRelease:
    """A release rendered and inlined once, with placeholders left for each recipient."""

    html: str
    text: str
    subject: str
    preheader: str
    language: str
    warnings: tuple[str, ...] = ()
    html_segments: Segments = field(repr=False, default=Segments(()))
    text_segments: Segments = field(repr=False, default=Segments(()))


def subject_line(view: ReleaseView, embargoed: bool) -> str:
    """The Subject: the title on one line, marked when embargoed."""
    title = _CONTROL.sub(" ", view.title).strip()
    title = re.sub(r"\s{2,}", " ", title)
    return f"{words(view.language)['embargoed']}: {title}" if embargoed else title


def render_release(
    view: ReleaseView, context: RenderContext, *, template: str = "release"
) -> RenderedRelease:
    """Render `view` (one release in its language) as inlined HTML and text, with placeholders.

    Call it once per (release, language, template) and keep the result for the whole
    send-out; `fill_in` it per recipient.
    """
    now = context.now or datetime.now(UTC)
    embargo = view.embargo_until
    if embargo is not None and embargo.tzinfo is None:
        embargo = embargo.replace(tzinfo=UTC)
    embargoed = embargo is not None and embargo > now
    # Quotes, dashes and no-break spaces of the release's language, set once per render
    # (the Subject and preheader included), never per recipient.
    view = typeset_view(view)
    # The view promises sanitized HTML; cleaning again costs little once per release and
    # keeps a caller's mistake from ever mailing a script.
    view = replace(view, body_html=sanitize_html(view.body_html))
    labels = words(view.language)
    variables = {
        "release": view,
        "lang": view.language,
        "dir": direction(view.language),
        "title": view.title,
        "preheader": view.summary or view.subtitle or "",
        "words": labels,
        "dateline_date": format_dateline_date(view.date, view.language) if view.date else None,
        "embargo_text": format_embargo(embargo, view.language) if embargoed and embargo else None,
        "sender": context.sender,
        "sender_address": context.sender_address or view.organization or "",
        "recipient": PLACEHOLDERS,
        "newsroom_url": context.newsroom_url,
        "versions": context.versions,
        "office": context.office,
    }
    environment = email_environment()
    source = environment.get_template(f"{template}.html").render(variables)
    inlined = inline_css(source)
    text = release_text(view, variables)
    warnings = []
    size = len(inlined.encode("utf-8"))
    if size + RECIPIENT_MARGIN_BYTES > GMAIL_CLIP_BYTES:
        warnings.append(
            f"the HTML is {size // 1024} KB; Gmail clips messages over about "
            f"{GMAIL_CLIP_BYTES // 1024} KB and hides the footer with the unsubscribe link: "
            "shorten the body or link to the full text"
        )
    return RenderedRelease(
        html=inlined,
        text=text,
        subject=subject_line(view, embargoed),
        preheader=str(variables["preheader"]),
        language=view.language,
        warnings=tuple(warnings),
        html_segments=Segments.of(inlined),
        text_segments=Segments.of(text),
    )


def inline_css(source: str) -> str:
    """Move the first style block's rules into style attributes; @media rules stay a block."""
    return str(
        Premailer(
            source,
            keep_style_tags=False,  # rules that were inlined are not repeated in <head>
            remove_classes=False,  # the media queries still select by class
            strip_important=False,
            disable_validation=True,
            allow_network=False,
            allow_loading_external_files=False,
            cssutils_logging_level=logging.CRITICAL,
            disable_basic_attributes=["width", "height"],  # keep the template's own attributes
        ).transform()
    )


def release_text(view: ReleaseView, variables: Mapping[str, object]) -> str:
    """The plain-text part, with the same placeholders as the HTML."""
    labels = words(view.language)
    refs = plain.References()
    blocks: list[str] = []
    if view.organization:
        blocks.append(plain.wrap(view.organization.upper()))
    embargo_text = variables["embargo_text"]
    if embargo_text:
        banner = f"{labels['embargoed']} {labels['embargoed_until'].format(time=embargo_text)}"
        local = PLACEHOLDERS["local_embargo"]  # after the wrap: empty for most, one phrase at most
        blocks.append(plain.wrap(banner) + local + "\n" + plain.wrap(labels["embargo_note"]))
    title = plain.wrap(view.title)
    rule = "=" * min(plain.WIDTH, max(len(line) for line in title.splitlines()))
    blocks.append(title + "\n" + rule + ("\n" + plain.wrap(view.subtitle) if view.subtitle else ""))
    dateline = " — ".join(str(v) for v in (view.location, variables["dateline_date"]) if v)
    if dateline:
        blocks.append(plain.wrap(dateline))
    blocks.extend(plain.body_blocks(view.body_html, refs))
    for image in view.images:
        described = " ".join(
            part
            for part in (
                image.caption or image.alt,
                f"({credit(image.credit, labels['photo'])})" if image.credit else "",
                f"[{refs.number(image.url)}]" if not image.url.startswith("data:") else "",
            )
            if part
        )
        blocks.append(plain.wrap(described))
    if view.documents:
        items = [
            plain.wrap(f"{d.title} ({d.kind}, {d.size}) [{refs.number(d.url)}]")
            for d in view.documents
        ]
        blocks.append(labels["documents"].upper() + "\n" + "\n".join(items))
    if view.links:
        items = [
            plain.wrap(f"{link.label} [{refs.number(link.url)}]" if link.label else link.url)
            if safe_url(link.url) != "#"
            else plain.wrap(link.label or "")
            for link in view.links
        ]
        blocks.append(labels["links"].upper() + "\n" + "\n".join(items))
    if view.contacts:
        cards = []
        for contact in view.contacts:
            lines = [contact.name, contact.role, contact.phone, contact.email]
            cards.append("\n".join(plain.wrap(line) for line in lines if line))
        blocks.append(labels["media_contacts"].upper() + "\n\n" + "\n\n".join(cards))
    # Above the signature delimiter: mail clients drop everything under "-- " when quoting.
    if refs.urls:
        blocks.append("\n".join(refs.listing()))
    blocks.append(f"{labels['web_version']}: {PLACEHOLDERS['web_url']}")
    sender_address = str(variables["sender_address"])
    blocks.append(
        "-- \n"
        + plain.wrap(labels["sent_by"].format(sender=variables["sender"]))
        + ("\n" + plain.wrap(sender_address) if sender_address else "")
        + "\n"
        # One sentence a line: wrapped before the recipient's values are known, so a
        # line is only as long as its sentence, whatever the name or list.
        + "\n"
        + plain.wrap(labels["sent_to"].format(addressee=PLACEHOLDERS["addressee"]))
        + "\n"
        + plain.wrap(labels["why"].format(list_name=PLACEHOLDERS["list_name"]))
        + f"\n{labels['preferences']}: {PLACEHOLDERS['preferences_url']}"
        + f"\n{labels['unsubscribe']}: {PLACEHOLDERS['unsubscribe_url']}"
    )
    return plain.join_blocks(blocks)


def placeholder_values(recipient: RecipientValues) -> tuple[dict[str, str], dict[str, str]]:
    """The recipient's values for the HTML (escaped) and for the text part."""
    values = recipient.values()
    escaped = {key: html.escape(value, quote=True) for key, value in values.items()}
    return escaped, values


def fill_in(rendered: RenderedRelease, recipient: RecipientValues) -> tuple[str, str]:
    """The (html, text) one recipient gets: their values escaped into the rendered release."""
    escaped, values = placeholder_values(recipient)
    return rendered.html_segments.fill(escaped), rendered.text_segments.fill(values)
