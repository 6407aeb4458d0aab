"""Tracked send-outs through the real pipeline: which links become signed redirects, and for whom."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.config import Settings
from distributor.models import Contact, Delivery, Release
from distributor.sending.scheduling.sendouts import Tracking
from tests.sending.conftest import AddJournalists
from tests.sending.tracked import body, hrefs, send
from tests.smtp_server import CaptureServer

BASE = "https://press.example.org"  # send_settings' DISTRIBUTOR_BASE_URL
# Links the sample release (docs/examples/release-en.md) writes in its body and link list.
RELEASE_LINKS = {
    "https://filmfund.example.org/charter",
    "https://press.example.org/film-grants-2027/press-kit.zip",
    "https://press.example.org/film-grants-2027/productions.pdf",
    "https://filmfund.example.org/debut-fund",
}
CLICKS = Tracking(clicks=True)
Send = Callable[[Tracking], dict[str, EmailMessage]]
_IMAGE = re.compile(r'<img src="([^"]+)"')


@pytest.fixture
def sent(
    session: Session, release: Release, send_settings: Settings, capture: CaptureServer
) -> Send:
    """Send the release to list `press` with the tracking given: each message by its recipient."""
    return lambda tracking: send(session, release, send_settings, capture, tracking)


def _clicked(session: Session, email: str, message: EmailMessage) -> set[str]:
    """The URLs the message's tracked links lead to, each checked to name its own delivery."""
    delivery_id = session.scalars(select(Delivery.id).where(Delivery.email == email)).one()
    urls = set()
    for href in hrefs(message):
        if href.startswith(f"{BASE}/c/"):
            read = tokens.read_click_token(
                href.removeprefix(f"{BASE}/c/"), "test-secret-0123456789abcdef0123456789"
            )
            assert read is not None
            assert read[0] == delivery_id
            urls.add(read[1])
    return urls


def test_an_untracked_sendout_keeps_every_link_as_written(
    journalists: AddJournalists,
    sent: Send,
) -> None:
    (email,) = journalists(1)

    message = sent(Tracking())[email]

    assert set(hrefs(message)) >= RELEASE_LINKS
    assert not any("/c/" in href for href in hrefs(message))
    assert "/o/" not in body(message, "html")


def test_a_sendout_tracking_clicks_leads_each_web_link_through_a_signed_redirect(
    session: Session,
    journalists: AddJournalists,
    sent: Send,
) -> None:
    (email,) = journalists(1)

    message = sent(CLICKS)[email]

    assert _clicked(session, email, message) == RELEASE_LINKS
    assert not RELEASE_LINKS & set(hrefs(message))


def test_footer_links_and_list_unsubscribe_are_never_tracked(
    release: Release,
    journalists: AddJournalists,
    sent: Send,
) -> None:
    (email,) = journalists(1)

    message = sent(Tracking(clicks=True, opens=True))[email]

    footer = [h for h in hrefs(message) if h.startswith((f"{BASE}/u/", f"{BASE}/p/"))]
    assert len(footer) == 2
    web = f"{BASE}/releases/{release.slug}?key="  # the recipient's own key: under embargo
    assert any(href.startswith(web) for href in hrefs(message))
    assert str(message["List-Unsubscribe"]).startswith(f"<{BASE}/u/")


def test_mailto_links_stay_as_written(
    journalists: AddJournalists,
    sent: Send,
) -> None:
    (email,) = journalists(1)

    message = sent(CLICKS)[email]

    assert any(href.startswith("mailto:") for href in hrefs(message))


def test_the_text_part_keeps_plain_urls(
    journalists: AddJournalists,
    sent: Send,
) -> None:
    (email,) = journalists(1)

    message = sent(Tracking(clicks=True, opens=True))[email]

    text = body(message, "plain")
    assert all(url in text for url in RELEASE_LINKS)
    assert f"{BASE}/c/" not in text
    assert f"{BASE}/o/" not in text


def test_a_contact_who_objects_gets_untracked_links_and_no_open_image(
    session: Session,
    journalists: AddJournalists,
    sent: Send,
) -> None:
    objecting, tracked = journalists(2)
    session.execute(
        update(Contact).where(Contact.email == objecting).values(tracking_allowed=False)
    )

    messages = sent(Tracking(clicks=True, opens=True))

    assert set(hrefs(messages[objecting])) >= RELEASE_LINKS
    assert f"{BASE}/o/" not in body(messages[objecting], "html")
    assert _clicked(session, tracked, messages[tracked]) == RELEASE_LINKS


def test_the_open_image_ends_the_html_only_when_opens_are_tracked(
    journalists: AddJournalists,
    sent: Send,
) -> None:
    (email,) = journalists(1)

    clicks_only = sent(CLICKS)[email]
    opens = sent(Tracking(opens=True))[email]

    assert f"{BASE}/o/" not in body(clicks_only, "html")
    html = body(opens, "html")
    (image,) = (src for src in _IMAGE.findall(html) if src.startswith(f"{BASE}/o/"))
    token = image.removeprefix(f"{BASE}/o/").removesuffix(".gif")
    assert tokens.read_open_token(token, "test-secret-0123456789abcdef0123456789") is not None
    assert html.index(image) > html.index("/u/")  # after the footer, at the very end
    assert set(hrefs(opens)) >= RELEASE_LINKS  # opens alone leave the links as they are
