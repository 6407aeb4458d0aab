"""/api/v1/bounces: bounces, complaints and warnings received, newest first, the counts by
class and reason for one send-out or one address, and applying one kept for review."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from distributor.bounces import (
    BounceFilter,
    BouncePolicy,
    apply_reviewed,
    bounce_report,
    describe_bounce,
    list_bounces,
)
from distributor.models import BounceClass, BounceReview, BounceSource, Reason
from distributor.web.api.auth import Reader, SuppressionManager
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
    reply_code: str | None = Field(description="The SMTP reply code.", examples=["550"])
    reason: str | None = Field(
        description="Why it failed, by the classifier's name; null for records kept before "
        "reasons were recorded.",
        examples=["userunknown"],
    )
    reason_label: str | None = Field(
        description="The reason in a press officer's words.", examples=["user unknown"]
    )
    diagnostic: str | None = Field(examples=["smtp; 550 5.1.1 user unknown"])
    message_id: str | None
    original_message_id: str | None
    verp_token: str | None
    token_valid: bool | None
    raw_size: int | None
    raw_kept: int
    decision: str | None = Field(examples=["suppressed: hard bounce"])
    review: BounceReview | None = Field(
        description="`needed`: nothing ties it to an email of ours (no verified token, no "
        "Message-ID of ours sent to its address), so it changed nothing; `applied`: applied "
        "by hand since.",
        examples=[None],
    )


class Review(BaseModel):
    reason: Text = Field(
        min_length=1,
        max_length=10_000,
        description="Why this bounce may be trusted; kept in the audit log.",
        examples=["the newsroom confirmed the address is gone"],
    )


class Applied(BaseModel):
    record_id: int = Field(examples=[57])
    email: str = Field(examples=["ben.okafor@kurier.example"])
    delivery_id: int = Field(description="The latest email sent to the address before it came.")
    decision: str = Field(examples=["suppressed: hard bounce (5.1.1)"])
    applied: bool = True


class BounceReportOut(BaseModel):
    """As `distributor bounces report --json` shows it."""

    scope: str = Field(examples=["sendout 12"])
    total: int = Field(examples=[17])
    by_class: dict[str, int] = Field(description="Every class, zero included.")
    by_reason: dict[str, int] = Field(
        description="The reasons recorded, most frequent first; records without one are "
        "counted by class only.",
        examples=[{"userunknown": 12, "mailboxfull": 3, "spamdetected": 2}],
    )
    summary: str = Field(examples=["12 user unknown, 3 mailbox full, 2 blocked as spam"])
    ignored: int = Field(description="Records whose token did not verify.")
    suppression: str | None = Field(
        description="The address's suppression reason, for an address report."
    )


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
    reason: Annotated[Reason | None, Query(description="Only this reason.")] = None,
    review: Annotated[
        BounceReview | None, Query(description="`needed`: only those kept for review.")
    ] = None,
) -> dict[str, Any]:
    where = BounceFilter(classification, sendout, email, reason=reason, review=review)
    with caller.transaction() as session:
        # list_bounces takes no offset: the page is cut from the first offset + fetch rows.
        found = list_bounces(session, where, paging.offset + paging.fetch)
        rows = [describe_bounce(record) for record in found[paging.offset :]]
    return paging.answer(request, response, rows)


@router.get(
    "/bounces/report",
    response_model=BounceReportOut,
    summary="What came back for one send-out or one address, by class and by reason",
)
def report(
    caller: Reader,
    sendout: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Counts for this send-out.")
    ] = None,
    email: Annotated[
        Text | None, Query(max_length=320, description="Counts for this address.")
    ] = None,
) -> dict[str, Any]:
    with caller.transaction() as session:
        return bounce_report(session, sendout_id=sendout, email=email).as_dict()


@router.post(
    "/bounces/{record_id}/apply",
    response_model=Applied,
    summary="Apply a bounce kept for review to its address (audited; applied once, else 409)",
)
def apply(
    caller: SuppressionManager,
    record_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: Review,
) -> dict[str, Any]:
    policy = BouncePolicy.from_settings(caller.settings)
    with caller.transaction() as session:
        applied = apply_reviewed(session, record_id, caller.actor, body.reason, policy=policy)
    return applied.as_dict()
