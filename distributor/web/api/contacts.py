"""/api/v1/contacts and /api/v1/lists/{slug}/contacts: find journalists, put them on lists, take
them off."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from distributor.addresses import normalized_address
from distributor.config import MAX_SLUG
from distributor.contacts import (
    ATTRIBUTE_PREFIX,
    COLUMN_FIELDS,
    SubscribeOutcome,
    add_contact,
    contact_details,
    get_contact,
    get_list,
    search_contacts,
    subscribe_contact,
)
from distributor.contacts import unsubscribe as unsubscribe_from_list
from distributor.errors import NotFound
from distributor.models import Channel, SubscriptionStatus
from distributor.web.api.auth import ListManager, Reader
from distributor.web.api.fields import Text
from distributor.web.api.pagination import Page, Paging

router = APIRouter(tags=["contacts"])

MAX_ADDRESS = 320
MAX_FIELD = 10_000  # the service holds each field to its own, smaller limit
Email = Annotated[Text, Path(max_length=MAX_ADDRESS, examples=["anna.berg@tageblatt.example"])]
Slug = Annotated[Text, Path(max_length=MAX_SLUG, examples=["culture-desk"])]
Reason = Annotated[Text | None, Query(max_length=MAX_FIELD, description="Why, for the record.")]


class ContactRow(BaseModel):
    id: int = Field(examples=[17])
    email: str = Field(examples=["anna.berg@tageblatt.example"])
    name: str = Field(examples=["Anna Berg"])
    outlet: str | None = Field(examples=["Tageblatt"])
    country: str | None = Field(examples=["DE"])
    language: str | None = Field(examples=["de"])


class SubscriptionView(BaseModel):
    list_slug: str = Field(examples=["culture-desk"])
    list_name: str = Field(examples=["Culture desk"])
    status: SubscriptionStatus
    channel: str = Field(examples=["api"])
    reason: str | None
    actor: str | None = Field(examples=["api-key:ab12cd34"])
    changed_at: datetime


class SuppressionView(BaseModel):
    reason: str = Field(examples=["hard_bounce"])
    note: str | None
    created_at: datetime


class ContactOut(BaseModel):
    id: int = Field(examples=[17])
    email: str = Field(examples=["anna.berg@tageblatt.example"])
    original_email: str | None = Field(examples=["Anna.Berg@Tageblatt.example"])
    name: str = Field(examples=["Anna Berg"])
    first_name: str | None = Field(examples=["Anna"])
    last_name: str | None = Field(examples=["Berg"])
    outlet: str | None = Field(examples=["Tageblatt"])
    role: str | None = Field(examples=["Arts editor"])
    country: str | None = Field(examples=["DE"])
    city: str | None = Field(examples=["Berlin"])
    language: str | None = Field(examples=["de"])
    time_zone: str | None = Field(examples=["Europe/Berlin"])
    phone: str | None
    notes: str | None
    source: str | None
    legal_basis: str | None
    consent_record: str | None
    beats: list[str] = Field(examples=[["film", "theatre"]])
    attributes: dict[str, Any] = Field(examples=[{"desk": "features"}])
    consent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    subscriptions: list[SubscriptionView]
    suppressed: bool = Field(examples=[False])
    suppression: SuppressionView | None


class NewSubscriber(BaseModel):
    """A journalist to put on the list: added first when the address is new, checked as
    `distributor contacts add` checks it."""

    email: Text = Field(
        max_length=MAX_ADDRESS, examples=["Anna Berg <anna.berg@tageblatt.example>"]
    )
    first_name: Text | None = Field(None, max_length=MAX_FIELD, examples=["Anna"])
    last_name: Text | None = Field(None, max_length=MAX_FIELD, examples=["Berg"])
    outlet: Text | None = Field(None, max_length=MAX_FIELD, examples=["Tageblatt"])
    role: Text | None = Field(None, max_length=MAX_FIELD, examples=["Arts editor"])
    country: Text | None = Field(None, max_length=MAX_FIELD, examples=["DE"])
    city: Text | None = Field(None, max_length=MAX_FIELD, examples=["Berlin"])
    language: Text | None = Field(None, max_length=MAX_FIELD, examples=["de"])
    time_zone: Text | None = Field(None, max_length=MAX_FIELD, examples=["Europe/Berlin"])
    phone: Text | None = Field(None, max_length=MAX_FIELD)
    notes: Text | None = Field(None, max_length=MAX_FIELD)
    source: Text | None = Field(None, max_length=MAX_FIELD, examples=["press accreditation"])
    legal_basis: Text | None = Field(None, max_length=MAX_FIELD)
    consent_record: Text | None = Field(None, max_length=MAX_FIELD)
    beats: list[Annotated[Text, Field(max_length=MAX_FIELD)]] = Field(
        default_factory=list, max_length=100, examples=[["film", "theatre"]]
    )
    attributes: dict[
        Annotated[Text, Field(max_length=100)], Annotated[Text, Field(max_length=MAX_FIELD)]
    ] = Field(default_factory=dict, max_length=100, examples=[{"desk": "features"}])
    reason: Text | None = Field(
        None,
        max_length=MAX_FIELD,
        description="Why, for the record.",
    )

    def values(self) -> dict[str, str]:
        """Field name -> text, as `add_contact` takes them."""
        named = self.model_dump(include=set(COLUMN_FIELDS), exclude_none=True)
        beats = {"beats": "; ".join(self.beats)} if self.beats else {}
        attributes = {ATTRIBUTE_PREFIX + k: v for k, v in self.attributes.items()}
        return {"email": self.email, **named, **beats, **attributes}


class Subscribed(BaseModel):
    id: int = Field(description="The subscription's id.", examples=[88])
    contact_id: int = Field(examples=[17])
    email: str = Field(examples=["anna.berg@tageblatt.example"])
    list: str = Field(examples=["culture-desk"])
    contact_created: bool = Field(description="Whether the address was new.", examples=[True])
    outcome: SubscribeOutcome
    status: SubscriptionStatus


class Unsubscribed(BaseModel):
    id: int = Field(description="The contact's id.", examples=[17])
    email: str = Field(examples=["anna.berg@tageblatt.example"])
    unsubscribed: list[str] = Field(description="Lists just left.", examples=[["culture-desk"]])
    already: list[str] = Field(description="Lists it had already left.", examples=[[]])


@router.get("/contacts", response_model=Page[ContactRow], summary="Find contacts, by address")
def search(
    caller: Reader,
    paging: Paging,
    request: Request,
    response: Response,
    q: Annotated[
        Text | None,
        Query(max_length=200, description="Part of the address, name or outlet, in any case."),
    ] = None,
    list_slug: Annotated[
        Text | None,
        Query(alias="list", max_length=MAX_SLUG, description="Subscribed to this list."),
    ] = None,
) -> dict[str, Any]:
    with caller.transaction() as session:
        found = search_contacts(
            session, q, list_slug=list_slug, limit=paging.fetch, offset=paging.offset
        )
    return paging.answer(request, response, [vars(row) for row in found.contacts])


@router.get(
    "/contacts/{email}",
    response_model=ContactOut,
    summary="One contact: fields, lists with their history, suppression",
)
def show(caller: Reader, email: Email) -> dict[str, Any]:
    with caller.transaction() as session:
        return contact_details(session, normalized_address(email)).as_dict()


@router.post(
    "/lists/{slug}/contacts",
    response_model=Subscribed,
    status_code=HTTPStatus.CREATED,
    summary="Subscribe a journalist to a list, adding them first if the address is new",
    description="Never subscribes a suppressed address (409) and never undoes an unsubscribe: "
    "someone who left the list stays off it (outcome `kept_unsubscribed`).",
)
def subscribe(caller: ListManager, slug: Slug, body: NewSubscriber) -> dict[str, Any]:
    with caller.transaction() as session:
        mailing_list = get_list(session, slug)
        try:
            contact = get_contact(session, normalized_address(body.email))
            created = False
        except NotFound:
            contact = add_contact(session, body.values(), caller.actor)
            created = True
        result = subscribe_contact(
            session, contact, mailing_list, caller.actor, Channel.API, body.reason
        )
        return {
            "id": result.subscription.id,
            "contact_id": contact.id,
            "email": contact.email,
            "list": mailing_list.slug,
            "contact_created": created,
            "outcome": result.outcome,
            "status": result.subscription.status,
        }


@router.delete(
    "/lists/{slug}/contacts/{email}",
    response_model=Unsubscribed,
    summary="Unsubscribe a journalist from a list (the address is not suppressed)",
)
def unsubscribe(
    caller: ListManager, slug: Slug, email: Email, reason: Reason = None
) -> dict[str, Any]:
    with caller.transaction() as session:
        result = unsubscribe_from_list(
            session, normalized_address(email), slug, caller.actor, Channel.API, reason
        )
    return {
        "id": result.contact_id,
        "email": result.email,
        "unsubscribed": result.unsubscribed,
        "already": result.already,
    }
