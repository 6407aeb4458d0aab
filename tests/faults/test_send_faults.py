"""A send-out through real processes survives a refusing relay, a killed worker and a broker restart.

What may be lost is nothing; what may be doubled is only what a worker had handed
to the relay but not yet recorded: at most one batch per worker process.
"""

from __future__ import annotations

import pytest

from tests.faults.conftest import RestartableRedis
from tests.press_office import IN_FLIGHT, PressOffice

JOURNALISTS = 200
# Slow enough that a fault injected after the first messages lands mid-way.
STALL = 0.02


def test_relay_refusing_for_a_while_delays_messages_and_loses_none(office: PressOffice) -> None:
    sendout = office.send_out(JOURNALISTS)
    office.capture.fail_next(30, code=451, text="4.3.0 try again later", phase="DATA")

    with office.worker(), office.beat():
        office.wait_until_completed(sendout)

    assert office.received() == dict.fromkeys(sendout.emails, 1)
    assert office.states(sendout) == {"sent": JOURNALISTS}


def test_killed_worker_loses_nothing_and_doubles_at_most_its_batches_in_flight(
    office: PressOffice,
) -> None:
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(STALL)

    with office.beat():
        with office.worker() as first:
            office.wait_for(
                "sending", lambda: len(office.capture.messages) >= 2 * IN_FLIGHT, sendout
            )
            office.kill(first)
        at_kill = len(office.capture.messages)
        with office.worker():
            office.wait_until_completed(sendout)

    assert at_kill < JOURNALISTS, "the kill came too late to test anything"
    assert set(office.received()) == set(sendout.emails)
    assert office.duplicates() <= IN_FLIGHT
    assert office.states(sendout) == {"sent": JOURNALISTS}


@pytest.mark.redis
@pytest.mark.postgres
def test_broker_restart_loses_nothing_and_doubles_at_most_the_batches_in_flight(
    office_on_own_redis: PressOffice, own_redis: RestartableRedis
) -> None:
    office = office_on_own_redis
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(STALL)

    with office.worker(), office.beat():
        office.wait_for("sending", lambda: len(office.capture.messages) >= 2 * IN_FLIGHT, sendout)
        own_redis.stop()
        at_stop = len(office.capture.messages)
        own_redis.start()
        office.wait_until_completed(sendout)

    assert at_stop < JOURNALISTS, "the restart came too late to test anything"
    assert set(office.received()) == set(sendout.emails)
    assert office.duplicates() <= IN_FLIGHT
    assert office.states(sendout) == {"sent": JOURNALISTS}
