"""A press office's admin with something on every page: the demo list and release, a send-out,
a segment, a suppressed address, a bounce and an API key; and Chromium pages logged in to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from distributor.accounts.api_keys import create_api_key
from distributor.audit import Actor
from distributor.contacts import add_suppression, create_segment, parse_where_all
from distributor.demo import create_demo_sendout, prepare_demo
from distributor.models import BounceClass, BounceRecord, BounceSource, Contact, Role
from tests.browser.conftest import log_in
from tests.web.admin.conftest import EMAILS, PASSWORD, Admin

OPERATOR = Actor("test:admin", Role.ADMIN)
PHONE, DESKTOP = 390, 1280


@dataclass(frozen=True)
class Desk:
    """The served admin and the ids of what was made in it."""

    url: str
    list_slug: str
    release_id: int
    sendout_id: int
    segment: str
    contact_id: int


def seed(admin: Admin) -> Desk:
    session = admin.web.session
    demo = prepare_demo(session, OPERATOR)
    sendout = create_demo_sendout(session, demo, OPERATOR)
    create_segment(
        session, "German culture", parse_where_all(["country = DE"]), OPERATOR, "Culture in DE"
    )
    add_suppression(session, "gone@tageblatt.example", "asked by phone", OPERATOR)
    delivery = admin.web.newsroom.deliver("lena.vogel@kurier.example")
    session.add(
        BounceRecord(
            source=BounceSource.RECEIVER,
            classification=BounceClass.HARD,
            delivery_id=delivery.id,
            recipient="lena.vogel@kurier.example",
            status_code="5.1.1",
            diagnostic="550 5.1.1 The email account that you tried to reach does not exist",
        )
    )
    create_api_key(session, admin.users[Role.PRESS_OFFICER], "newsroom CMS", OPERATOR)
    admin.commit()
    contact = session.scalars(select(Contact.id).order_by(Contact.id)).first()
    assert contact is not None
    return Desk(
        admin.web.served.url,
        demo.mailing_list.slug,
        demo.release.id,
        sendout.id,
        "German culture",
        contact,
    )


@pytest.fixture
def desk(admin: Admin) -> Desk:
    return seed(admin)


@pytest.fixture
def admin_page(browser: Any, desk: Desk) -> Iterator[Any]:
    """Open an admin page at a width, logged in (once) as the admin; nothing beyond loopback
    loads."""
    context = browser.new_context()
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(desk.url) else route.abort()
        ),
    )
    log_in(context.new_page(), desk.url, EMAILS[Role.ADMIN], PASSWORD)

    def _open(path: str, width: int) -> Any:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{desk.url}{path}")
        return page

    yield _open
    context.close()
