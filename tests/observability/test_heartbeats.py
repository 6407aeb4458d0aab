"""Heartbeats: who is alive, who was lost, and which send-outs wait on a process nobody runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.cli.heartbeat import heartbeat
from distributor.config import load_settings
from distributor.models import (
    Heartbeat,
    ProcessRole,
    Release,
    ReleaseVersion,
    SendOut,
    SendOutState,
    utcnow,
)
from distributor.observability import HeartbeatWriter, staffing, waiting_on

WORKER, BEAT = ProcessRole.WORKER, ProcessRole.BEAT


@pytest.fixture
def writers(session: Session) -> Iterator[list[HeartbeatWriter]]:
    """Writers made by the test, stopped after it."""
    made: list[HeartbeatWriter] = []
    yield made
    for writer in made:
        writer.stop()


def writer(
    session: Session, made: list[HeartbeatWriter], role: ProcessRole, at: datetime | None = None
) -> HeartbeatWriter:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    made.append(HeartbeatWriter(engine, role, clock=(lambda: at) if at else utcnow))
    return made[-1]


def sendout(session: Session, state: SendOutState, scheduled_at: datetime | None = None) -> int:
    release = Release(slug=f"budget-{state}-{scheduled_at}")
    release.versions.append(ReleaseVersion(language="en", title="Budget", body_markdown="."))
    made = SendOut(release=release, state=state, scheduled_at=scheduled_at)
    session.add(made)
    session.commit()
    return made.id


def test_a_started_writer_shows_its_process_alive(
    session: Session, writers: list[HeartbeatWriter]
) -> None:
    writer(session, writers, WORKER).start()

    (seen,) = staffing(session, utcnow()).alive(WORKER)

    assert seen.pid == os.getpid()
    assert seen.name.startswith("worker@")


def test_a_stopped_writer_leaves_no_process_behind(
    session: Session, writers: list[HeartbeatWriter]
) -> None:
    started = writer(session, writers, BEAT)
    started.start()
    started.stop()

    assert staffing(session, utcnow()).processes == []


def test_a_process_silent_for_three_beats_is_lost_not_alive(
    session: Session, writers: list[HeartbeatWriter]
) -> None:
    writer(session, writers, WORKER, at=utcnow() - timedelta(seconds=31)).beat()

    seen = staffing(session, utcnow())

    assert seen.alive(WORKER) == []
    assert [p.pid for p in seen.lost(WORKER)] == [os.getpid()]


def test_a_process_gone_for_a_day_is_forgotten_at_the_next_beat(
    session: Session, writers: list[HeartbeatWriter]
) -> None:
    session.add(
        Heartbeat(
            name="worker@gone:1",
            role=WORKER,
            host="gone",
            pid=1,
            seen_at=utcnow() - timedelta(days=2),
        )
    )
    session.commit()

    writer(session, writers, BEAT).beat()

    assert [p.name for p in staffing(session, utcnow()).processes] == [writers[0].name]


def test_a_sending_sendout_without_a_live_worker_waits_on_one(session: Session) -> None:
    sending = sendout(session, SendOutState.SENDING)

    seen = staffing(session, utcnow())

    assert [(w.role, w.sendout_ids) for w in seen.waiting] == [(WORKER, [sending])]
    assert waiting_on(session, SendOutState.SENDING, None, utcnow()) == [WORKER]


def test_a_live_worker_leaves_no_sendout_waiting(
    session: Session, writers: list[HeartbeatWriter]
) -> None:
    sendout(session, SendOutState.SENDING)
    writer(session, writers, WORKER).beat()

    assert staffing(session, utcnow()).waiting == []
    assert waiting_on(session, SendOutState.SENDING, None, utcnow()) == []


def test_a_sendout_scheduled_later_waits_on_beat_alone(session: Session) -> None:
    later = utcnow() + timedelta(hours=2)
    scheduled = sendout(session, SendOutState.SCHEDULED, later)

    seen = staffing(session, utcnow())

    assert [(w.role, w.sendout_ids) for w in seen.waiting] == [(BEAT, [scheduled])]
    assert waiting_on(session, SendOutState.SCHEDULED, later, utcnow()) == [BEAT]


def test_a_due_sendout_waits_on_a_worker_and_beat(session: Session) -> None:
    due = utcnow() - timedelta(minutes=1)
    sendout(session, SendOutState.SCHEDULED, due)

    assert waiting_on(session, SendOutState.SCHEDULED, due, utcnow()) == [WORKER, BEAT]


def test_finished_and_paused_sendouts_wait_on_nobody(session: Session) -> None:
    for state in (SendOutState.PAUSED, SendOutState.COMPLETED, SendOutState.DRAFT):
        sendout(session, state)

    assert staffing(session, utcnow()).waiting == []


def test_a_heartbeat_the_database_refuses_is_logged_not_raised(
    sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    unmigrated = HeartbeatWriter(sqlite_engine, WORKER)

    unmigrated.beat()

    assert "could not write the heartbeat of worker@" in caplog.text


def test_a_commands_heartbeat_reaches_each_database(session: Session, tmp_path: Path) -> None:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    settings = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path),
            "DISTRIBUTOR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        }
    )

    with heartbeat(settings, ProcessRole.WORKER) as writer:
        writer.start()
        alive = staffing(session, utcnow()).alive(WORKER)

    assert [p.name for p in alive] == [writer.name]
    assert staffing(session, utcnow()).processes == []
