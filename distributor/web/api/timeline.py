"""/api/v1/contacts/{email}/timeline and /notes: a journalist's history, and notes left on it."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from distributor.addresses import normalized_address
from distributor.contacts import MAX_NOTE, EntryKind, get_contact
from distributor.contacts import add_note as add_contact_note
from distributor.contacts import contact_timeline as timeline_of
from distributor.web.api.auth import ListManager, Reader
from distributor.web.api.contacts import Email
from distributor.web.api.fields import Text
from distributor.web.api.pagination import Page, Paging

router = APIRouter(tags=["contacts"])


class TimelineEntryOut(BaseModel):
    kind: EntryKind
    at: datetime
    summary: str = Field(examples=["Clicked a link in “Culture grants 2027”"])
    release_slug: str | None = Field(examples=["culture-grants-2027"])
    release_title: str | None = Field(examples=["Culture grants 2027"])
    result: str | None = Field(
        description="A release entry's delivery state now: sent, bounced, …; a suggestion's: "
        "open, accepted or dismissed",
        examples=["sent"],
    )
    detail: str | None = Field(examples=["https://newsroom.example/grants"])
    actor: str | None = Field(
        description="Who made the change or left the note.", examples=["user:ada@press.example"]
    )
    move_id: int | None = Field(
        None,
        description="A suggestion that they moved on: accept or dismiss it at /moves/{id}/….",
        examples=[3],
    )


class NewNote(BaseModel):
    # A little over the service's limit, so that the service's message names it.
    text: Text = Field(max_length=2 * MAX_NOTE, examples=["Prefers a call before 10:00."])


class NoteOut(BaseModel):
    id: int = Field(examples=[5])
    contact_id: int = Field(examples=[17])
    email: str = Field(examples=["anna.berg@tageblatt.example"])
    author: str = Field(examples=["api-key:ab12cd34"])
    text: str = Field(examples=["Prefers a call before 10:00."])
    created_at: datetime


@router.get(
    "/contacts/{email}/timeline",
    response_model=Page[TimelineEntryOut],
    summary="A contact's timeline, newest first: releases received and their results, clicks, "
    "opens, replies, bounces, list changes, edits and notes",
)
def contact_timeline(
    caller: Reader, email: Email, paging: Paging, request: Request, response: Response
) -> dict[str, Any]:
    with caller.transaction() as session:
        contact = get_contact(session, normalized_address(email))
        entries = timeline_of(session, contact, paging.fetch, paging.offset)
    return paging.answer(request, response, [vars(entry) for entry in entries])


@router.post(
    "/contacts/{email}/notes",
    response_model=NoteOut,
    status_code=HTTPStatus.CREATED,
    summary="Leave a note on a contact for colleagues; it shows in the timeline",
)
def add_note(caller: ListManager, email: Email, body: NewNote) -> dict[str, Any]:
    with caller.transaction() as session:
        contact = get_contact(session, normalized_address(email))
        note = add_contact_note(session, contact, body.text, caller.actor)
        return {
            "id": note.id,
            "contact_id": contact.id,
            "email": contact.email,
            "author": note.author,
            "text": note.text,
            "created_at": note.created_at,
        }
