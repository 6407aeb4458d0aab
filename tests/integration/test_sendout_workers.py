"""A send-out goes out through real `distributor worker` and `distributor beat` processes.

On the embedded broker with SQLite, and on Redis with PostgreSQL, to a capture server:
nothing but the processes and the database stands between the send-out and the mail.
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.models import DeliveryState, SendOut
from distributor.sending.scheduling.sendouts import pause_sendout, resume_sendout
from tests.press_office import (  # noqa: F401 - fixtures
    IN_FLIGHT,
    PressOffice,
    office_fixture,
    start,
)

JOURNALISTS = 200


def test_every_journalist_gets_exactly_one_message(office: PressOffice) -> None:
    sendout = office.send_out(JOURNALISTS)

    with office.worker(), office.beat():
        office.wait_until_completed(sendout)

    assert office.received() == dict.fromkeys(sendout.emails, 1)
    assert office.states(sendout) == {"sent": JOURNALISTS}


def test_each_delivery_keeps_the_message_id_of_the_message_the_journalist_got(
    office: PressOffice,
) -> None:
    sendout = office.send_out(50)

    with office.worker(), office.beat():
        office.wait_until_completed(sendout)

    captured = office.captured_message_ids()
    deliveries = office.deliveries(sendout)
    assert {email: {d.message_id} for email, d in deliveries.items()} == captured
    assert all(d.state is DeliveryState.SENT for d in deliveries.values())


def test_paused_sendout_stops_sending_and_resumes_where_it_stopped(office: PressOffice) -> None:
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(0.02)  # slow enough that the pause lands mid-way

    with office.worker(), office.beat():
        office.wait_for("sending", lambda: len(office.capture.messages) >= IN_FLIGHT, sendout)
        with Session(office.engine) as session, session.begin():
            found = session.get(SendOut, sendout.id)
            assert found is not None
            pause_sendout(session, found, actor=SYSTEM, reason="held for a correction")
        at_pause = len(office.capture.messages)
        office.wait_for("quiet", lambda: office.states(sendout).get("sending", 0) == 0, sendout)
        settled = len(office.capture.messages)
        time.sleep(2)
        assert len(office.capture.messages) == settled < JOURNALISTS
        assert settled - at_pause <= IN_FLIGHT

        with Session(office.engine) as session, session.begin():
            found = session.get(SendOut, sendout.id)
            assert found is not None
            resume_sendout(session, found, actor=SYSTEM, reason="corrected")
        office.wait_until_completed(sendout)

    assert office.received() == dict.fromkeys(sendout.emails, 1)
