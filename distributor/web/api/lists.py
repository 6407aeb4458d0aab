"""/api/v1/lists: journalist lists with their subscriber counts."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from distributor.config import MAX_SLUG
from distributor.contacts import MAX_NAME, create_list, list_lists, summarize_list
from distributor.web.api.auth import ListManager, Reader
from distributor.web.api.fields import Text
from distributor.web.api.pagination import Page, Paging

router = APIRouter(tags=["lists"])

Slug = Annotated[Text, Path(max_length=MAX_SLUG, examples=["culture-desk"])]


class ListOut(BaseModel):
    id: int = Field(examples=[3])
    slug: str = Field(examples=["culture-desk"])
    name: str = Field(examples=["Culture desk"])
    description: str | None = Field(examples=["Arts editors and film critics"])
    archived: bool = Field(examples=[False])
    archived_at: datetime | None = Field(examples=[None])
    created_at: datetime = Field(examples=["2026-03-01T09:00:00+00:00"])
    subscribed: int = Field(examples=[412])
    unsubscribed: int = Field(examples=[7])
    pending: int = Field(examples=[0])


class NewList(BaseModel):
    slug: Text = Field(
        max_length=MAX_SLUG,
        description="Lowercase letters, digits and single hyphens.",
        examples=["culture-desk"],
    )
    name: Text | None = Field(
        None,
        max_length=MAX_NAME,
        description="The slug if omitted.",
        examples=["Culture desk"],
    )
    description: Text | None = Field(
        None, max_length=10_000, examples=["Arts editors and film critics"]
    )


@router.get("/lists", response_model=Page[ListOut], summary="Lists with their counts, by slug")
def index(
    caller: Reader,
    paging: Paging,
    request: Request,
    response: Response,
    archived: Annotated[bool, Query(description="Include archived lists.")] = False,
) -> dict[str, Any]:
    with caller.transaction() as session:
        summaries = list_lists(session, include_archived=archived)
    rows = [s.as_dict() for s in summaries[paging.offset : paging.offset + paging.fetch]]
    return paging.answer(request, response, rows)


@router.post(
    "/lists", response_model=ListOut, status_code=HTTPStatus.CREATED, summary="Create a list"
)
def create(caller: ListManager, body: NewList) -> dict[str, Any]:
    with caller.transaction() as session:
        created = create_list(
            session, body.slug, caller.actor, name=body.name, description=body.description
        )
        return summarize_list(session, created.slug).as_dict()


@router.get("/lists/{slug}", response_model=ListOut, summary="One list, archived or not")
def show(caller: Reader, slug: Slug) -> dict[str, Any]:
    with caller.transaction() as session:
        return summarize_list(session, slug).as_dict()
