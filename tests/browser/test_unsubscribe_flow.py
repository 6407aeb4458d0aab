"""A journalist unsubscribes from a message that really went out, in Chromium and by one-click POST.

The send-out goes through the send pipeline to a capture SMTP server, with the web
app's address as DISTRIBUTOR_BASE_URL; the links are taken from the message as it
arrived, and followed against the app served on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import lxml.html
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from distributor.config import Settings, load_settings
from distributor.models import Contact, Release, Subscription, SubscriptionStatus
from distributor.web.app import create_app
from tests.sending.conftest import (  # noqa: F401 - shared fixtures
    AddJournalists,
    capture,
    journalists,
    release,
    run_batches,
    start_sendout,
)
from tests.smtp_server import CaptureServer
from tests.web.conftest import Served


@dataclass(frozen=True)
class Received:
    """The one message that arrived, and its addressee."""

    email: str
    message: EmailMessage

    @property
    def unsubscribe_url(self) -> str:
        """The web address in List-Unsubscribe (beside the mailto one)."""
        urls = [
            part.strip().strip("<>") for part in str(self.message["List-Unsubscribe"]).split(",")
        ]
        [web] = [url for url in urls if url.startswith(("https://", "http://"))]
        return web

    @property
    def html_unsubscribe_url(self) -> str:
        """The unsubscribe link in the HTML part, as a reader clicks it."""
        body = self.message.get_body(("html",))
        assert body is not None
        document = lxml.html.fromstring(body.get_content())
        [href] = [a.get("href") for a in document.iter("a") if "/u/" in (a.get("href") or "")]
        return str(href)


@pytest.fixture
def app_settings(
    engine: Engine,
    served: Served,
    capture: CaptureServer,  # noqa: F811 - the shared fixture
    tmp_path: Path,
) -> Iterator[Settings]:
    """Settings that send to the capture server and link to the served app; the app mounted."""
    settings = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "data"),
            "DISTRIBUTOR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "DISTRIBUTOR_SMTP_URL": capture.url(tls="none"),
            "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
            "DISTRIBUTOR_BASE_URL": served.url,
            "DISTRIBUTOR_FROM": "Ministry Press Office <press@ministry.example>",
        }
    )
    app = create_app(settings)
    served.mount.app = app
    yield settings
    served.mount.app = None
    app.state.distributor.engine.dispose()


@pytest.fixture
def received(
    session: Session,
    release: Release,  # noqa: F811 - the shared fixture
    journalists: AddJournalists,  # noqa: F811 - the shared fixture
    app_settings: Settings,
    capture: CaptureServer,  # noqa: F811 - the shared fixture
) -> Received:
    """A send-out of the example release to one journalist on "press", sent by the pipeline."""
    [email] = journalists(1)
    run_batches(session, app_settings, start_sendout(session, release, "press"))
    [captured] = capture.messages
    return Received(email, captured.message())


def _status(session: Session, email: str) -> SubscriptionStatus:
    session.expire_all()
    return session.scalars(
        select(Subscription.status)
        .join(Contact, Contact.id == Subscription.contact_id)
        .where(Contact.email == email)
    ).one()


def test_the_emails_link_opens_a_confirm_page_and_the_button_unsubscribes(
    session: Session,
    received: Received,
    served: Served,
    browser: Any,
) -> None:
    url = received.unsubscribe_url
    assert url.startswith(f"{served.url}/u/")
    assert received.html_unsubscribe_url == url
    page = browser.new_page()
    try:
        page.goto(url)
        button = page.get_by_role("button", name="Unsubscribe from Press desk")
        assert button.is_visible()
        assert _status(session, received.email) is SubscriptionStatus.SUBSCRIBED

        with page.expect_navigation():
            button.click()

        assert "You are unsubscribed from Press desk." in page.inner_text("body")
    finally:
        page.close()
    assert _status(session, received.email) is SubscriptionStatus.UNSUBSCRIBED


def test_the_one_click_post_from_the_header_unsubscribes_at_once(
    session: Session, received: Received
) -> None:
    body = str(received.message["List-Unsubscribe-Post"])
    assert body == "List-Unsubscribe=One-Click"
    name, _, value = body.partition("=")

    response = httpx.post(received.unsubscribe_url, data={name: value}, timeout=30)

    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert _status(session, received.email) is SubscriptionStatus.UNSUBSCRIBED
