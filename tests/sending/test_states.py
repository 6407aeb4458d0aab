"""The send-out state machine: allowed moves happen and are recorded; others are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM, Actor
from distributor.errors import Conflict
from distributor.models import Release, ReleaseVersion, Role, SendOut, SendOutEvent, SendOutState
from distributor.sending.scheduling.states import ALLOWED, FINISHED, move_sendout

S = SendOutState
OFFICER = Actor(label="cli:press", role=Role.PRESS_OFFICER)


@pytest.fixture
def sendout(session: Session) -> SendOut:
    release = Release(slug="budget")
    release.versions.append(ReleaseVersion(language="en", title="Budget", body_markdown="."))
    sendout = SendOut(release=release)
    session.add(sendout)
    session.commit()
    return sendout


def test_each_move_is_recorded_with_time_reason_and_actor(
    session: Session, sendout: SendOut
) -> None:
    move_sendout(session, sendout, S.SCHEDULED, actor=OFFICER, reason="at 09:00 CET")
    move_sendout(session, sendout, S.SENDING, actor=SYSTEM, reason="due")
    session.commit()

    events = session.scalars(select(SendOutEvent).order_by(SendOutEvent.id)).all()
    assert [(e.from_state, e.to_state, e.actor, e.reason) for e in events] == [
        (S.DRAFT, S.SCHEDULED, "cli:press", "at 09:00 CET"),
        (S.SCHEDULED, S.SENDING, "system", "due"),
    ]
    assert all(e.at.tzinfo is not None for e in events)


def test_sending_sets_the_start_and_finishing_sets_the_end(
    session: Session, sendout: SendOut
) -> None:
    move_sendout(session, sendout, S.SENDING, actor=SYSTEM)
    started = sendout.started_at
    move_sendout(session, sendout, S.PAUSED, actor=OFFICER)
    move_sendout(session, sendout, S.SENDING, actor=OFFICER)
    assert sendout.started_at == started
    assert sendout.finished_at is None

    move_sendout(session, sendout, S.COMPLETED, actor=SYSTEM)
    assert sendout.finished_at is not None


def test_pause_resume_and_cancel_work_while_sending(session: Session, sendout: SendOut) -> None:
    for state in (S.SENDING, S.PAUSED, S.SENDING, S.CANCELLED):
        move_sendout(session, sendout, state, actor=OFFICER)
    assert sendout.state is S.CANCELLED


@pytest.mark.parametrize("finished", sorted(FINISHED))
def test_a_finished_sendout_never_moves_again(
    session: Session, sendout: SendOut, finished: SendOutState
) -> None:
    sendout.state = finished
    with pytest.raises(Conflict, match="it is finished"):
        move_sendout(session, sendout, S.SENDING, actor=OFFICER)


def test_a_refused_move_names_the_possible_ones_and_records_nothing(
    session: Session, sendout: SendOut
) -> None:
    with pytest.raises(
        Conflict, match="draft and cannot become completed; possible moves: cancelled"
    ):
        move_sendout(session, sendout, S.COMPLETED, actor=OFFICER)
    assert sendout.state is S.DRAFT
    assert session.scalars(select(SendOutEvent)).all() == []


def test_every_state_has_its_moves_listed() -> None:
    assert set(ALLOWED) == set(SendOutState)
