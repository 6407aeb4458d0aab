"""Follow-ups through the real pipeline: a new subject to those who did not click, open or reply."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.bounces.replies import read_reply, record_reply
from distributor.config import Settings
from distributor.contacts.directory import suppression_of
from distributor.contacts.recipient_choices import Scope, unsubscribe_by_token
from distributor.errors import Conflict, HeaderInjection, InvalidInput
from distributor.models import (
    Channel,
    Delivery,
    DeliveryState,
    Release,
    SendOut,
    SendOutState,
)
from distributor.models.base import utcnow
from distributor.sending.scheduling.checks.findings import ChecksFailed
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.follow_ups import create_follow_up, follow_up_links
from distributor.sending.scheduling.sendouts import Audience, Schedule, Tracking, create_sendout
from distributor.sending.scheduling.tracking import record_click, record_open
from distributor.tokens import open_token
from tests.sending.conftest import AddJournalists, run_batches
from tests.smtp_server import CaptureServer

SECRET = "test-secret-0123456789abcdef0123456789"  # send_settings' DISTRIBUTOR_SECRET_KEY
BASE = "https://press.example.org"  # send_settings' DISTRIBUTOR_BASE_URL
SUBJECT = "Reminder: film grants 2027 open for applications"
_CLICK = re.compile(rf'href="{re.escape(BASE)}/c/([^"]+)"')
_OPEN = re.compile(rf'src="{re.escape(BASE)}/o/([^"]+)\.gif"')
_UNSUBSCRIBE = re.compile(rf"<{re.escape(BASE)}/u/([^>]+)>")


class Office:
    """One test's press office: sends send-outs and reads what each journalist received."""

    def __init__(
        self, session: Session, release: Release, settings: Settings, capture: CaptureServer
    ) -> None:
        self.session = session
        self.release = release
        self.settings = settings
        self.capture = capture

    def send(self, tracking: Tracking) -> SendOut:
        """Send the release to list `press` with `tracking`, to completion."""
        sendout = create_sendout(
            self.session,
            self.release,
            Audience(lists=["press"]),
            Schedule(),
            actor=SYSTEM,
            tracking=tracking,
        )
        return self.dispatch_and_send(sendout)

    def dispatch_and_send(self, sendout: SendOut) -> SendOut:
        start_due(self.session, utcnow())
        run_batches(self.session, self.settings, sendout)
        self.session.expire_all()
        return sendout

    def received(self, sendout: SendOut) -> dict[str, EmailMessage]:
        """The messages of `sendout`, by recipient."""
        found = {}
        for captured in self.capture.messages:
            message = message_from_bytes(captured.data, policy=policy.default)
            assert isinstance(message, EmailMessage)
            if str(message["Feedback-ID"]).startswith(f"{sendout.id}:"):
                found[captured.recipients[0]] = message
        return found

    def click(self, sendout: SendOut, email: str) -> None:
        """Follow the first tracked link of `email`'s message, as the /c/ endpoint does."""
        token = _CLICK.findall(_html(self.received(sendout)[email]))[0]
        assert record_click(self.session, token, SECRET, utcnow()) is not None
        self.session.commit()

    def open(self, sendout: SendOut, email: str) -> None:
        """Load the open image of `email`'s message, as the /o/ endpoint does."""
        (token,) = _OPEN.findall(_html(self.received(sendout)[email]))
        assert record_open(self.session, token, SECRET, utcnow())
        self.session.commit()

    def reply(self, sendout: SendOut, email: str, *, verified: bool = True) -> None:
        """Record a reply to `email`'s message, as the reply intake does once it forwarded it;
        `verified`: whether DKIM or SPF vouched for its sender."""
        delivery = self.delivery(sendout, email)
        raw = f"From: {email}\r\nSubject: Re: film grants\r\n\r\nTell me more.\r\n".encode()
        reply = read_reply(
            self.session,
            raw,
            delivery_id=delivery.id,
            delivery_email=email,
            sendout_id=sendout.id,
            settings=self.settings,
        )
        record_reply(self.session, reply, utcnow(), verified=verified)
        self.session.commit()

    def unsubscribe(self, sendout: SendOut, email: str) -> None:
        """Use the one-click link of `email`'s message, as a mail provider posts it."""
        header = str(self.received(sendout)[email]["List-Unsubscribe"])
        (token,) = _UNSUBSCRIBE.findall(header)
        unsubscribe_by_token(
            self.session,
            token,
            SECRET,
            timedelta(days=30),
            Scope.SENDOUT_LISTS,
            Channel.ONE_CLICK,
            utcnow(),
        )
        self.session.commit()

    def delivery(self, sendout: SendOut, email: str) -> Delivery:
        return self.session.scalars(
            select(Delivery).where(Delivery.sendout_id == sendout.id, Delivery.email == email)
        ).one()

    def follow_up(self, original: SendOut, subject: str = SUBJECT) -> SendOut:
        follow_up = create_follow_up(self.session, original, subject, Schedule(), actor=SYSTEM)
        self.session.commit()
        return follow_up


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


@pytest.fixture
def office(
    session: Session, release: Release, send_settings: Settings, capture: CaptureServer
) -> Office:
    return Office(session, release, send_settings, capture)


def test_a_follow_up_reaches_exactly_the_non_clickers(
    office: Office, journalists: AddJournalists
) -> None:
    emails = journalists(6)
    original = office.send(Tracking(clicks=True))
    assert original.state is SendOutState.COMPLETED
    office.click(original, emails[0])
    office.click(original, emails[1])
    office.reply(original, emails[2])
    office.unsubscribe(original, emails[3])

    follow_up = office.dispatch_and_send(office.follow_up(original))

    received = office.received(follow_up)
    assert set(received) == {emails[4], emails[5]}
    assert {str(message["Subject"]) for message in received.values()} == {SUBJECT}
    assert follow_up.state is SendOutState.COMPLETED


def test_a_reply_whose_sender_was_not_verified_does_not_leave_the_journalist_out(
    office: Office, journalists: AddJournalists
) -> None:
    emails = journalists(2)
    original = office.send(Tracking(clicks=True))
    office.reply(original, emails[0], verified=False)
    office.reply(original, emails[1])

    follow_up = office.dispatch_and_send(office.follow_up(original))

    assert set(office.received(follow_up)) == {emails[0]}


def test_a_follow_up_keeps_the_original_release_and_tracking(
    office: Office, journalists: AddJournalists
) -> None:
    journalists(1)
    original = office.send(Tracking(clicks=True, opens=True))

    follow_up = office.follow_up(original)

    assert (follow_up.release_id, follow_up.track_clicks, follow_up.track_opens) == (
        original.release_id,
        True,
        True,
    )
    assert follow_up_links(office.session, follow_up.id).follow_up_of == original.id
    assert follow_up_links(office.session, original.id).follow_up == follow_up.id


def test_a_second_follow_up_is_refused_naming_the_first(
    office: Office, journalists: AddJournalists
) -> None:
    journalists(2)
    original = office.send(Tracking(clicks=True))
    first = office.follow_up(original)

    with pytest.raises(Conflict, match=f"already has a follow-up, send-out {first.id}"):
        office.follow_up(original, "Another reminder")


def test_a_sendout_not_yet_completed_cannot_be_followed_up(
    office: Office, journalists: AddJournalists
) -> None:
    journalists(2)
    scheduled = create_sendout(
        office.session, office.release, Audience(lists=["press"]), Schedule(), actor=SYSTEM
    )

    with pytest.raises(Conflict, match="is scheduled: only a completed send-out"):
        office.follow_up(scheduled)


def test_a_follow_up_when_everyone_reacted_is_refused_as_reaching_nobody(
    office: Office, journalists: AddJournalists
) -> None:
    (email,) = journalists(1)
    original = office.send(Tracking(clicks=True))
    office.click(original, email)

    with pytest.raises(ChecksFailed, match="the follow-up reaches nobody"):
        office.follow_up(original)


def test_a_follow_up_at_a_time_that_has_passed_is_refused_naming_now(
    office: Office, journalists: AddJournalists
) -> None:
    journalists(1)
    original = office.send(Tracking(clicks=True))

    with pytest.raises(InvalidInput, match=r"has passed.*--now"):
        create_follow_up(
            office.session, original, SUBJECT, Schedule.parse("2020-01-01T09:00Z"), actor=SYSTEM
        )


@pytest.mark.parametrize("subject", ["", "   "])
def test_a_follow_up_needs_a_subject(
    office: Office, journalists: AddJournalists, subject: str
) -> None:
    journalists(1)
    original = office.send(Tracking(clicks=True))

    with pytest.raises(InvalidInput, match="subject is required"):
        office.follow_up(original, subject)


def test_a_follow_up_subject_with_a_line_break_is_refused(
    office: Office, journalists: AddJournalists
) -> None:
    journalists(1)
    original = office.send(Tracking(clicks=True))

    with pytest.raises(HeaderInjection, match="Subject"):
        office.follow_up(original, "Reminder\r\nBcc: everyone@example.org")


def test_a_click_after_scheduling_and_before_dispatch_leaves_the_journalist_out(
    office: Office, journalists: AddJournalists
) -> None:
    emails = journalists(3)
    original = office.send(Tracking(clicks=True))
    follow_up = office.follow_up(original)

    office.click(original, emails[0])
    office.dispatch_and_send(follow_up)

    assert set(office.received(follow_up)) == {emails[1], emails[2]}


def test_a_click_after_dispatch_and_before_sending_skips_the_journalist(
    office: Office, journalists: AddJournalists
) -> None:
    emails = journalists(2)
    original = office.send(Tracking(clicks=True))
    follow_up = office.follow_up(original)
    start_due(office.session, utcnow())
    office.session.commit()

    office.click(original, emails[0])
    run_batches(office.session, office.settings, follow_up)

    assert set(office.received(follow_up)) == {emails[1]}
    assert office.delivery(follow_up, emails[0]).state is DeliveryState.SKIPPED


def test_an_open_leaves_the_journalist_out_when_the_original_tracked_opens(
    office: Office, journalists: AddJournalists
) -> None:
    emails = journalists(2)
    original = office.send(Tracking(clicks=True, opens=True))
    office.open(original, emails[0])

    follow_up = office.dispatch_and_send(office.follow_up(original))

    assert set(office.received(follow_up)) == {emails[1]}


def test_an_open_does_not_count_when_the_original_did_not_track_opens(
    office: Office, journalists: AddJournalists
) -> None:
    emails = journalists(2)
    original = office.send(Tracking(clicks=True))
    # An open recorded although the message carried no open image (an old link, a proxy).
    token = open_token(office.delivery(original, emails[0]).id, SECRET)
    assert record_open(office.session, token, SECRET, utcnow())
    office.session.commit()

    follow_up = office.dispatch_and_send(office.follow_up(original))

    assert set(office.received(follow_up)) == set(emails)


def test_a_journalist_whose_first_message_was_refused_is_not_followed_up(
    office: Office, journalists: AddJournalists, capture: CaptureServer
) -> None:
    emails = journalists(2)
    # A soft refusal: the address is not suppressed, only this message was not delivered.
    capture.script({emails[0]: (552, "5.2.2 mailbox full")})
    original = office.send(Tracking(clicks=True))
    capture.script({emails[0]: (250, "2.1.5 ok")})
    assert office.delivery(original, emails[0]).state is DeliveryState.FAILED
    assert suppression_of(office.session, emails[0]) is None

    follow_up = office.dispatch_and_send(office.follow_up(original))

    assert set(office.received(follow_up)) == {emails[1]}
