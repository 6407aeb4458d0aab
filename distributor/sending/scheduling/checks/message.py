"""Checks of the message a journalist would get, one per language version: size, links,
images, and the unsubscribe link and header.

The message is built by the send pipeline itself for a sample recipient, tracked
links and all, so what is checked is what would go out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser

from sqlalchemy.orm import Session

from distributor import urls
from distributor.config import Settings
from distributor.models import SendOut
from distributor.sending.message.compose import Addressee, PreparedRelease, compose_message
from distributor.sending.scheduling.checks.findings import Finding, error, warning
from distributor.sending.scheduling.checks.own_links import own_link_problem

# Gmail clips a message whose HTML is over 102 KB, hiding the rest behind a link.
GMAIL_CLIP_BYTES = 102 * 1024
SAMPLE_DELIVERY = 1
SAMPLE_ADDRESS = "journalist@example.org"
_SKIPPED_SCHEMES = ("mailto:", "tel:", "#", "cid:", "data:")
_LISTED = 3  # links named in one finding


class _Markup(HTMLParser):
    """The links and images of an HTML body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[tuple[str, str | None]] = []  # (src, alt)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("a", "area") and values.get("href"):
            self.links.append((values["href"] or "").strip())
        elif tag == "img":
            source = (values.get("src") or "").strip()
            self.images.append((source, values.get("alt")))
            self.links.append(source)


def sample_messages(
    session: Session, sendout: SendOut, settings: Settings
) -> Iterator[tuple[str, EmailMessage]]:
    """(language, message) for each language version, as a sample recipient would get it."""
    prepared = PreparedRelease.for_sendout(session, sendout, settings)
    for version in sendout.release.versions:
        addressee = Addressee(SAMPLE_DELIVERY, SAMPLE_ADDRESS, "", version.language, True)
        built = compose_message(prepared, addressee)
        parsed = message_from_bytes(built.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        yield version.language, parsed


def check_messages(
    session: Session, sendout: SendOut, settings: Settings, now: datetime
) -> list[Finding]:
    """The findings on every language version of the send-out's message."""
    findings: list[Finding] = []
    for language, message in sample_messages(session, sendout, settings):
        findings += check_message(session, sendout, settings, message, language, now)
    return findings


def check_message(
    session: Session,
    sendout: SendOut,
    settings: Settings,
    message: EmailMessage,
    language: str,
    now: datetime,
) -> list[Finding]:
    """The findings on one language version's message (`language` names it in them)."""
    where = f"the {language} version"
    shown = f"The email in {language}"
    setup = "; ask whoever runs distributor for the office to fix the setup."
    findings: list[Finding] = []
    html_part = message.get_body(("html",))
    if not message.get("List-Unsubscribe") or not message.get("List-Unsubscribe-Post"):
        findings.append(
            error(
                "unsubscribe.header",
                f"{where} has no one-click List-Unsubscribe",
                f"{shown} would lack the unsubscribe button mail apps show{setup}",
            )
        )
    if html_part is None:
        missing = f"{shown} would have no formatted version{setup}"
        return [*findings, error("html.missing", f"{where} has no HTML part", missing)]
    payload = html_part.get_payload()  # as sent: transfer-encoded
    assert isinstance(payload, str)
    size = len(payload.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        findings.append(
            warning(
                "html.too_big",
                f"{where}'s HTML is {size / 1024:.0f} KB: Gmail clips messages over "
                f"{GMAIL_CLIP_BYTES // 1024} KB and hides the rest, the unsubscribe link too; "
                "shorten the text or move tables and images to the web version",
                f"{shown} is {size / 1024:.0f} KB: Gmail cuts off emails over "
                f"{GMAIL_CLIP_BYTES // 1024} KB and hides the rest, the unsubscribe link too. "
                "Shorten the text, or leave tables and pictures to the web version.",
            )
        )
    markup = _Markup()
    markup.feed(html_part.get_content())
    base = settings.base_url.rstrip("/")
    if not any(_unsubscribe(link, base) for link in markup.links):
        findings.append(
            error(
                "unsubscribe.link",
                f"{where} has no unsubscribe link in its HTML",
                f"{shown} would have no unsubscribe link{setup}",
            )
        )
    findings += _image_findings(markup, where, shown)
    findings += _link_findings(session, sendout, settings, markup.links, where, shown, now)
    return findings


def _image_findings(markup: _Markup, where: str, shown: str) -> list[Finding]:
    missing = [src for src, alt in markup.images if not (alt or "").strip() and not _pixel(src)]
    if not missing:
        return []
    return [
        warning(
            "image.alt",
            f"{where} has {len(missing)} image(s) without alt text ({_some(missing)}): "
            "screen readers and mail apps that block images show nothing; add `alt` "
            "to the release's images",
            f"{shown} has {len(missing)} picture(s) without a description ({_some(missing)}): "
            "screen readers and mail apps that block pictures show nothing in their place. "
            "Give each picture of the release a description.",
        )
    ]


def _unsubscribe(link: str, base: str) -> bool:
    """Whether `link` is a recipient's unsubscribe page on the web app at `base`."""
    return link.startswith(f"{base}/") and _leads_to(link, urls.UNSUBSCRIBE)


def _pixel(source: str) -> bool:
    """The open-counting image: decorative on purpose, its empty alt is right."""
    return _leads_to(source, urls.OPEN_IMAGE)


def _leads_to(address: str, pattern: str) -> bool:
    found = urls.route(address)
    return found is not None and found[0] == pattern


def _link_findings(
    session: Session,
    sendout: SendOut,
    settings: Settings,
    links: list[str],
    where: str,
    shown: str,
    now: datetime,
) -> list[Finding]:
    base = settings.base_url.rstrip("/")
    at = max(sendout.scheduled_at or now, now)
    insecure, broken = [], []
    for link in dict.fromkeys(links):  # each distinct link once, in order
        if not link or link.lower().startswith(_SKIPPED_SCHEMES):
            continue
        if link == base or link.startswith(f"{base}/"):
            problem = own_link_problem(session, link, sendout.release, settings.signing_key(), at)
            if problem is not None:
                broken.append(f"{link} ({problem})")
        elif not link.lower().startswith("https://"):
            insecure.append(link)
    findings = []
    if broken:
        findings.append(
            error(
                "link.broken",
                f"{where} links to pages of ours that would not open: {_some(broken)}",
                f"{shown} links to newsroom pages that would not open: {_some(broken)}. "
                "Correct the links in the release.",
            )
        )
    if insecure:
        findings.append(
            warning(
                "link.insecure",
                f"{where} has {len(insecure)} link(s) that are not https ({_some(insecure)}): "
                "mail apps flag them and readers' browsers warn; use https:// addresses",
                f"{shown} has {len(insecure)} link(s) that do not start with https:// "
                f"({_some(insecure)}): mail apps flag them and browsers warn readers. "
                "Use the https:// address of each page.",
            )
        )
    return findings


def _some(items: list[str]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown + (f" and {len(items) - _LISTED} more" if len(items) > _LISTED else "")
