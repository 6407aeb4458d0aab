"""The demo's sample data: a list of fictitious journalists and a sample release, made idempotently.

Running the demo again reuses what an earlier run made, so it can be repeated on
the same database; each run still makes a new send-out of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts import (
    SubscribeOutcome,
    add_contact,
    create_list,
    subscribe_contact,
    suppression_of,
)
from distributor.demo.journalists import JOURNALISTS
from distributor.models import Channel, Contact, MailingList, Release, SendOut
from distributor.releases import add_release, parse_release
from distributor.sending import Audience, Schedule, create_sendout

__all__ = ["LIST_NAME", "LIST_SLUG", "DemoData", "create_demo_sendout", "prepare_demo"]

LIST_SLUG = "demo-journalists"
LIST_NAME = "Demo journalists"
RELEASE_FILE = "release.md"


@dataclass(frozen=True)
class DemoData:
    """What the demo sends: its list, how many of the journalists it may mail, and the release."""

    mailing_list: MailingList
    subscribed: int
    release: Release


def prepare_demo(session: Session, actor: Actor) -> DemoData:
    """The demo list with every demo journalist on it, and the sample release; made if missing.

    Journalists are added as an import would: one who unsubscribed or was
    suppressed since an earlier run (say, in the demo's web pages) stays off the list.
    """
    mailing_list = session.scalar(select(MailingList).where(MailingList.slug == LIST_SLUG))
    if mailing_list is None:
        mailing_list = create_list(session, LIST_SLUG, actor, name=LIST_NAME)
    emails = [journalist.email for journalist in JOURNALISTS]
    existing = {
        contact.email: contact
        for contact in session.scalars(select(Contact).where(Contact.email.in_(emails)))
    }
    subscribed = 0
    for journalist in JOURNALISTS:
        contact = existing.get(journalist.email) or add_contact(session, journalist.fields(), actor)
        if suppression_of(session, contact.email) is not None:
            continue
        result = subscribe_contact(session, contact, mailing_list, actor, Channel.IMPORT)
        subscribed += result.outcome is not SubscribeOutcome.KEPT_UNSUBSCRIBED
    return DemoData(mailing_list, subscribed, _sample_release(session, actor))


def _sample_release(session: Session, actor: Actor) -> Release:
    source = files(__package__).joinpath(RELEASE_FILE)
    document = parse_release(source.read_bytes(), source=f"{__package__}/{RELEASE_FILE}")
    found = session.scalar(select(Release).where(Release.slug == document.slug))
    return found if found is not None else add_release(session, document, actor)


def create_demo_sendout(session: Session, demo: DemoData, actor: Actor) -> SendOut:
    """A send-out of the sample release to the demo list, due now.

    The demo runs at whatever hour someone tries it, and again on the same data: the
    send-time warnings (night, weekend) and the release's repeat to the same journalists are
    confirmed up front; errors of the checks still refuse it.
    """
    return create_sendout(
        session,
        demo.release,
        Audience(lists=[demo.mailing_list.slug]),
        Schedule(),
        actor=actor,
        confirm=True,
    )
