"""A send-out through real processes survives a relay that refuses (451) or closes (421)
for a while or hangs up after DATA, killed workers, and broker and database restarts.

What may be lost is nothing; what may be doubled is only what a worker had handed
to the relay but not yet recorded: at most one batch per worker process at each
fault, or the messages the relay took without saying so.
"""

from __future__ import annotations

import random

import pytest

from tests.faults.conftest import RestartableRedis
from tests.press_office import IN_FLIGHT, PressOffice
from tests.servers import PostgresCluster

JOURNALISTS = 200
# Slow enough that a fault injected after the first messages lands mid-way.
STALL = 0.02
DROPS = 5
KILLS = 3
# Shorter than the pause a 421 imposes on the destination (5 s here): no worker meets it twice.
REFUSING_SECONDS = 2.0

# Faults that are slow, or that the broker plays no part in, run on one broker only,
# to keep the suite within minutes.
on_embedded_broker = pytest.mark.parametrize("office", ["embedded"], indirect=True)
on_redis = pytest.mark.parametrize(
    "office",
    [pytest.param("redis", marks=[pytest.mark.redis, pytest.mark.postgres])],
    indirect=True,
)


def test_relay_refusing_for_a_while_delays_messages_and_loses_none(office: PressOffice) -> None:
    sendout = office.send_out(JOURNALISTS)
    office.capture.fail_next(30, code=451, text="4.3.0 try again later", phase="DATA")

    with office.worker(), office.beat():
        office.wait_until_completed(sendout)

    assert office.received() == dict.fromkeys(sendout.emails, 1)
    assert office.states(sendout) == {"sent": JOURNALISTS}


@on_embedded_broker
def test_relay_closing_with_421_for_a_while_delays_messages_and_loses_none(
    office: PressOffice,
) -> None:
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(STALL)

    with office.worker(), office.beat():
        office.wait_for_messages(IN_FLIGHT, sendout)
        office.capture.fail_for(
            REFUSING_SECONDS, code=421, text="4.7.0 too many connections, closing", phase="MAIL"
        )
        office.wait_until_completed(sendout)

    retried = [d.email for d in office.deliveries(sendout).values() if d.attempts > 1]
    assert retried, "the relay refused nothing: the 421s came too late to test anything"
    assert set(office.received()) == set(sendout.emails)
    # A 421 refuses before the message, yet a batch may wait out the pause it imposes for
    # as long as this harness's lease and be taken over by the other worker process.
    assert office.duplicates() <= IN_FLIGHT
    assert office.states(sendout) == {"sent": JOURNALISTS}


def test_killed_worker_loses_nothing_and_doubles_at_most_its_batches_in_flight(
    office: PressOffice,
) -> None:
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(STALL)

    with office.beat():
        with office.worker() as first:
            office.wait_for_messages(2 * IN_FLIGHT, sendout)
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
    _restart_mid_sendout(office_on_own_redis, own_redis)


@pytest.mark.redis
@pytest.mark.postgres
def test_database_restart_loses_nothing_and_doubles_at_most_the_batches_in_flight(
    office_on_own_postgres: PressOffice, own_postgres: PostgresCluster
) -> None:
    _restart_mid_sendout(office_on_own_postgres, own_postgres)


def _restart_mid_sendout(office: PressOffice, server: RestartableRedis | PostgresCluster) -> None:
    """Stop `server` once two batches per worker are out, start it again, and check the end."""
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(STALL)

    with office.worker(), office.beat():
        office.wait_for_messages(2 * IN_FLIGHT, sendout)
        server.stop()
        at_stop = len(office.capture.messages)
        server.start()
        office.wait_until_completed(sendout)

    assert at_stop < JOURNALISTS, "the restart came too late to test anything"
    assert office.never_received(sendout) == [], office.report("lost messages", sendout)
    assert office.duplicates() <= IN_FLIGHT
    assert office.states(sendout) == {"sent": JOURNALISTS}


@on_embedded_broker
def test_connection_dropped_after_data_resends_and_doubles_only_the_dropped_messages(
    office: PressOffice,
) -> None:
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(STALL)

    with office.worker(), office.beat():
        office.wait_for_messages(IN_FLIGHT, sendout)
        # The relay takes these messages and hangs up before saying so: each one is
        # delivered, yet its sender must count it as lost and try again.
        office.capture.drop_after_data(DROPS)
        at_drops = len(office.capture.messages)
        office.wait_until_completed(sendout)

    assert at_drops + DROPS < JOURNALISTS, "the drops came too late to test anything"
    assert set(office.received()) == set(sendout.emails)
    assert office.duplicates() <= DROPS
    assert office.states(sendout) == {"sent": JOURNALISTS}


@on_redis
def test_workers_killed_at_random_points_lose_nothing_and_double_at_most_their_batches(
    office: PressOffice, fault_seed: int
) -> None:
    # Each kill comes after a random number of further messages, not after a random time:
    # a seed then picks about the same points of the send-out, however loaded the machine.
    chance = random.Random(fault_seed)
    replay = f"replay with DISTRIBUTOR_TEST_FAULT_SEED={fault_seed}"
    sendout = office.send_out(JOURNALISTS)
    office.capture.stall(STALL)

    with office.beat():
        for _ in range(KILLS):
            with office.worker() as worker:
                further = chance.randint(1, 2 * IN_FLIGHT)
                office.wait_for_messages(len(office.capture.messages) + further, sendout)
                office.kill(worker)
        reached = len(office.received())
        with office.worker():
            office.wait_until_completed(sendout)

    assert reached < JOURNALISTS, f"the kills came too late to test anything; {replay}"
    assert set(office.received()) == set(sendout.emails), replay
    assert office.duplicates() <= KILLS * IN_FLIGHT, replay
    assert office.states(sendout) == {"sent": JOURNALISTS}, replay
