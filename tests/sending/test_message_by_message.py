"""The pipeline looks at the send-out before every message, and counts every message as it goes:
a pause stops the batch it lands in, and the progress moves before the batch is recorded."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.bounces import BouncePolicy, RejectionRecorder
from distributor.config import Settings
from distributor.models import Delivery, DeliveryState, Release, SendOut
from distributor.sending.pipeline import BatchSender
from distributor.sending.scheduling.sendouts import cancel_sendout, pause_sendout, resume_sendout
from distributor.sending.scheduling.tally import KEY_PREFIX, DatabaseTally, RedisTally
from distributor.sending.transports.outcomes import Outcome, OutcomeKind, SendResult
from tests.sending.conftest import BUDGET, AddJournalists, delivery_states, start_sendout

ACCEPTED = Outcome(OutcomeKind.SENT, 250, "2.0.0", "250 2.0.0 queued")


class Relay:
    """A relay that accepts every message and, at the `at`-th one, lets `meanwhile` happen:
    what a press officer or the page does while that message is on its way."""

    def __init__(self, at: int, meanwhile: Callable[[], None]) -> None:
        self.at = at
        self.meanwhile = meanwhile
        self.recipients: list[str] = []

    def send(self, envelope_from: str, recipients: list[str], message: bytes) -> SendResult:
        self.recipients += recipients
        if len(self.recipients) == self.at:
            self.meanwhile()
        return SendResult.uniform(recipients, ACCEPTED, throttle=False)

    def close(self) -> None:
        pass


def _run(session: Session, settings: Settings, sendout: SendOut, relay: Relay) -> None:
    session.commit()
    sender = BatchSender(
        settings,
        record_rejections=RejectionRecorder(BouncePolicy.from_settings(settings)),
        transport=relay,  # type: ignore[arg-type]
    )
    try:
        sender.run(session.get_bind(), sendout.id, BUDGET)  # type: ignore[arg-type]
    finally:
        sender.close()


def _officer(engine: Engine, sendout_id: int, move: Callable[..., object]) -> Callable[[], None]:
    """A press officer pausing or cancelling from another process: committed at once."""

    def act() -> None:
        with Session(engine) as other, other.begin():
            move(other, other.get_one(SendOut, sendout_id), actor=SYSTEM)

    return act


def test_a_pause_in_the_middle_of_a_batch_lets_at_most_one_more_message_go(
    session: Session, release: Release, journalists: AddJournalists, send_settings: Settings
) -> None:
    journalists(10)  # one batch: the settings' batch size is 10
    sendout = start_sendout(session, release, "press")
    engine = session.get_bind()
    relay = Relay(at=4, meanwhile=_officer(engine, sendout.id, pause_sendout))  # type: ignore[arg-type]

    _run(session, send_settings, sendout, relay)

    after_pause = len(relay.recipients) - relay.at
    assert after_pause <= 1
    sent = len(relay.recipients)
    assert delivery_states(session, sendout.id) == {"sent": sent, "queued": 10 - sent}


def test_a_paused_batch_goes_out_in_full_once_resumed(
    session: Session, release: Release, journalists: AddJournalists, send_settings: Settings
) -> None:
    emails = journalists(10)
    sendout = start_sendout(session, release, "press")
    engine = session.get_bind()
    paused = Relay(at=4, meanwhile=_officer(engine, sendout.id, pause_sendout))
    _run(session, send_settings, sendout, paused)
    with Session(engine) as other, other.begin():
        resume_sendout(other, other.get_one(SendOut, sendout.id), actor=SYSTEM)
    resumed = Relay(at=0, meanwhile=lambda: None)
    _run(session, send_settings, sendout, resumed)

    assert sorted(paused.recipients + resumed.recipients) == sorted(emails)


def test_a_cancel_in_the_middle_of_a_batch_skips_the_rest_of_it(
    session: Session, release: Release, journalists: AddJournalists, send_settings: Settings
) -> None:
    journalists(10)
    sendout = start_sendout(session, release, "press")
    engine = session.get_bind()
    relay = Relay(at=3, meanwhile=_officer(engine, sendout.id, cancel_sendout))  # type: ignore[arg-type]

    _run(session, send_settings, sendout, relay)

    assert delivery_states(session, sendout.id) == {"sent": 3, "skipped": 7}


def test_each_message_is_counted_before_its_batch_is_recorded(
    session: Session, release: Release, journalists: AddJournalists, send_settings: Settings
) -> None:
    journalists(10)
    sendout = start_sendout(session, release, "press")
    engine = session.get_bind()
    seen: dict[str, object] = {}

    def look() -> None:
        with engine.connect() as connection:
            seen["tally"] = DatabaseTally(connection).read(sendout.id)
        with Session(engine) as other:
            seen["recorded"] = other.scalar(
                select(func.count()).where(
                    Delivery.sendout_id == sendout.id, Delivery.state == DeliveryState.SENT
                )
            )

    _run(session, send_settings, sendout, Relay(at=6, meanwhile=look))

    # Looked at while the sixth message was with the relay: five counted, none recorded yet.
    assert seen == {"tally": {"sent": 5}, "recorded": 0}
    with engine.connect() as connection:
        assert DatabaseTally(connection).read(sendout.id) == {"sent": 10}


def test_with_redis_each_message_is_counted_there_as_it_goes(
    session: Session,
    release: Release,
    journalists: AddJournalists,
    send_settings: Settings,
    redis_url: str,
) -> None:
    journalists(10)
    sendout = start_sendout(session, release, "press")
    settings = send_settings.model_copy(update={"broker_url": redis_url})
    seen: dict[str, dict[str, int]] = {}
    shared = RedisTally.from_url(redis_url)
    shared.client.delete(f"{KEY_PREFIX}{sendout.id}")

    def look() -> None:
        seen["tally"] = shared.read(sendout.id)

    _run(session, settings, sendout, Relay(at=6, meanwhile=look))

    assert seen == {"tally": {"sent": 5}}
    assert shared.read(sendout.id) == {"sent": 10}
    assert shared.client.ttl(f"{KEY_PREFIX}{sendout.id}") > 0
    shared.close()
