"""/api/v1/moves: journalists whose auto-replies or bounces say they moved on, and the answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from distributor.contacts import accept_move, dismiss_move, open_moves
from distributor.models import MoveState
from distributor.web.api.auth import ListManager, Reader
from distributor.web.api.fields import MAX_ID
from distributor.web.api.pagination import Page, Paging

router = APIRouter(tags=["contacts"])
MoveId = Annotated[int, Path(ge=1, le=MAX_ID, description="The suggestion's id.")]


class MoveOut(BaseModel):
    id: int = Field(examples=[3])
    contact_id: int = Field(examples=[17])
    email: str = Field(
        description="The contact's address now.", examples=["anna@tageblatt.example"]
    )
    new_email: str = Field(examples=["maria.lopez@tageblatt.example"])
    name: str | None = Field(examples=["Maria López"])
    outlet: str | None = Field(examples=["Tageblatt"])
    evidence: str = Field(
        description="The sentences of the auto-reply or bounce it was read from.",
        examples=["Anna Berg is no longer with the Tageblatt. Please contact Maria López at …"],
    )
    state: MoveState
    as_colleague: bool = Field(description="Accepted by adding the new address as a colleague.")
    colleague_id: int | None = Field(description="The contact that acceptance added.")
    bounce_record_id: int | None = Field(description="The bounce record it was read from.")
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None = Field(examples=["api-key:ab12cd34"])


class Decided(MoveOut):
    changed: bool = Field(description="False when it had been decided so before.")


class Acceptance(BaseModel):
    as_colleague: bool = Field(
        False,
        description="Add the new address as a contact on the same lists instead of changing "
        "the contact's address.",
    )


@router.get(
    "/moves",
    response_model=Page[MoveOut],
    summary="Suggestions that journalists moved on, waiting for an answer, oldest first",
)
def index(caller: Reader, paging: Paging, request: Request, response: Response) -> dict[str, Any]:
    with caller.transaction() as session:
        waiting = open_moves(session, paging.fetch, paging.offset)
    return paging.answer(request, response, [move.as_dict() for move in waiting])


@router.post(
    "/moves/{move_id}/accept",
    response_model=Decided,
    summary="Accept a suggestion: change the contact's address, or add the colleague on the "
    "same lists; accepting again changes nothing",
)
def accept(caller: ListManager, move_id: MoveId, body: Acceptance | None = None) -> dict[str, Any]:
    as_colleague = body.as_colleague if body is not None else False
    with caller.transaction() as session:
        decision = accept_move(session, move_id, caller.actor, as_colleague=as_colleague)
    return decision.move.as_dict() | {"changed": decision.changed}


@router.post(
    "/moves/{move_id}/dismiss",
    response_model=Decided,
    summary="Dismiss a suggestion without changing anything; dismissing again changes nothing",
)
def dismiss(caller: ListManager, move_id: MoveId) -> dict[str, Any]:
    with caller.transaction() as session:
        decision = dismiss_move(session, move_id, caller.actor)
    return decision.move.as_dict() | {"changed": decision.changed}
