"""/api/v1/bounces: bounces, complaints and warnings received, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from distributor.bounces import records
from distributor.models import BounceClass, BounceSource
from distributor.web.api.auth import Reader
from distributor.web.api.fields import MAX_ID, Text
from distributor.web.api.pagination import Page, Paging

router = APIRouter(tags=["bounces"])


class Bounce(BaseModel):
    id: int = Field(examples=[57])
    received_at: datetime | None
    source: BounceSource
    classification: BounceClass
    recipient: str | None = Field(examples=["ben.okafor@kurier.example"])
    delivery_id: int | None
    status_code: str | None = Field(examples=["5.1.1"])
    diagnostic: str | None = Field(examples=["smtp; 550 5.1.1 user unknown"])
    message_id: str | None
    original_message_id: str | None
    verp_token: str | None
    token_valid: bool | None
    raw_size: int | None
    raw_kept: int
    decision: str | None = Field(examples=["suppressed: hard bounce"])


@router.get("/bounces", response_model=Page[Bounce], summary="Bounces received, newest first")
def index(
    caller: Reader,
    paging: Paging,
    request: Request,
    response: Response,
    classification: Annotated[BounceClass | None, Query(description="Only this class.")] = None,
    sendout: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this send-out's bounces.")
    ] = None,
    email: Annotated[
        Text | None, Query(max_length=320, description="Only this address's bounces.")
    ] = None,
) -> dict[str, Any]:
    where = records.BounceFilter(classification, sendout, email)
    with caller.transaction() as session:
        # list_bounces takes no offset: the page is cut from the first offset + fetch rows.
        found = records.list_bounces(session, where, paging.offset + paging.fetch)
        rows = [records.describe_bounce(record) for record in found[paging.offset :]]
    return paging.answer(request, response, rows)
