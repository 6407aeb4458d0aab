"""/api/v1/suppressions: addresses that never receive another email."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from distributor.contacts import (
    add_suppression,
    describe_entry,
    list_suppressions,
    remove_suppression,
)
from distributor.models import SuppressionReason
from distributor.web.api.auth import Reader, SuppressionManager
from distributor.web.api.fields import Text
from distributor.web.api.pagination import Page, Paging

router = APIRouter(tags=["suppressions"])

KINDS = ", ".join(reason.value for reason in SuppressionReason)
MAX_REASON = 10_000


class Entry(BaseModel):
    id: int = Field(examples=[31])
    email: str | None = Field(
        description="Null once the address was erased; its hash stays.",
        examples=["anna.berg@tageblatt.example"],
    )
    email_hash: str
    reason: SuppressionReason
    channel: str | None = Field(examples=["admin"])
    source: str | None = Field(examples=["api-key:ab12cd34"])
    note: str | None = Field(examples=["asked by phone on 2026-03-01"])
    created_at: datetime | None


class Added(Entry):
    new: bool = Field(description="False when the address was already suppressed.")


class Removed(Entry):
    removed: bool = True


class NewSuppression(BaseModel):
    email: Text = Field(max_length=320, examples=["anna.berg@tageblatt.example"])
    reason: Text = Field(
        max_length=MAX_REASON,
        description=f"One of {KINDS}, or free text (kept as the note of a manual entry).",
        examples=["asked by phone on 2026-03-01"],
    )


@router.get(
    "/suppressions", response_model=Page[Entry], summary="Suppressed addresses, newest first"
)
def index(
    caller: Reader,
    paging: Paging,
    request: Request,
    response: Response,
    reason: Annotated[SuppressionReason | None, Query(description="Only this kind.")] = None,
    q: Annotated[
        Text | None,
        Query(
            max_length=320,
            description="Part of an address, source or note; a whole address finds erased ones.",
        ),
    ] = None,
) -> dict[str, Any]:
    with caller.transaction() as session:
        found = list_suppressions(session, reason, q, paging.fetch, paging.offset)
        rows = [describe_entry(entry) for entry in found.entries]
    return paging.answer(request, response, rows)


@router.post(
    "/suppressions",
    response_model=Added,
    status_code=HTTPStatus.CREATED,
    summary="Suppress an address: no further send-out email, whatever list it joins",
)
def add(caller: SuppressionManager, body: NewSuppression) -> dict[str, Any]:
    with caller.transaction() as session:
        entry, new = add_suppression(session, body.email, body.reason, caller.actor)
        return describe_entry(entry) | {"new": new}


@router.delete(
    "/suppressions/{email}",
    response_model=Removed,
    summary="Let an address receive mail again (recorded in the audit log)",
)
def remove(
    caller: SuppressionManager,
    email: Annotated[Text, Path(max_length=320, examples=["anna.berg@tageblatt.example"])],
    reason: Annotated[
        Text, Query(max_length=MAX_REASON, description="Why it may receive mail again.")
    ],
) -> dict[str, Any]:
    with caller.transaction() as session:
        entry = remove_suppression(session, email, caller.actor, reason)
        return describe_entry(entry) | {"removed": True}
