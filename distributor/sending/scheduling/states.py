"""The send-out state machine: which moves are allowed, and the record each move leaves.

Every change of a send-out's state goes through `move_sendout`, so the history
in `sendout_events` is complete and no code path invents a move of its own.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.errors import Conflict
from distributor.models import SendOut, SendOutEvent, SendOutState, utcnow
from distributor.sending.scheduling.tally import announce_move

S = SendOutState
ALLOWED: dict[SendOutState, frozenset[SendOutState]] = {
    S.DRAFT: frozenset({S.SCHEDULED, S.SENDING, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.DRAFT, S.SENDING, S.PAUSED, S.CANCELLED}),
    S.SENDING: frozenset({S.PAUSED, S.COMPLETED, S.CANCELLED, S.FAILED}),
    S.PAUSED: frozenset({S.SCHEDULED, S.SENDING, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
}
FINISHED = frozenset(state for state, moves in ALLOWED.items() if not moves)


def move_sendout(
    session: Session,
    sendout: SendOut,
    to_state: SendOutState,
    *,
    actor: Actor,
    reason: str | None = None,
) -> SendOutEvent:
    """Move `sendout` to `to_state` and record when, why and by whom; Conflict if not allowed."""
    from_state = sendout.state
    if to_state not in ALLOWED[from_state]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[from_state])) or "none: it is finished"
        raise Conflict(
            f"send-out {sendout.id} is {from_state.value} and cannot become {to_state.value}; "
            f"possible moves: {allowed}"
        )
    now = utcnow()
    sendout.state = to_state
    if to_state is S.SENDING and sendout.started_at is None:
        sendout.started_at = now
    if to_state in FINISHED:
        sendout.finished_at = now
    event = SendOutEvent(
        sendout_id=sendout.id,
        at=now,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        actor=actor.label,
    )
    session.add(event)
    announce_move(session, sendout.id)
    return event


def last_move(session: Session, sendout_id: int, to_state: SendOutState) -> SendOutEvent | None:
    """The latest move of the send-out into `to_state` (who, when, why); None if it never was."""
    return session.scalar(
        select(SendOutEvent)
        .where(SendOutEvent.sendout_id == sendout_id, SendOutEvent.to_state == to_state)
        .order_by(SendOutEvent.id.desc())
        .limit(1)
    )
