"""/api/v1/releases: press releases, added from the same Markdown + YAML front matter files
as `distributor releases add`."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request, Response
from pydantic import BaseModel, Field

from distributor.releases import (
    add_release,
    get_release,
    list_releases,
    parse_release,
    release_as_dict,
)
from distributor.web.api.auth import Reader, ReleaseWriter
from distributor.web.api.fields import ReleaseRef, refuse_nul
from distributor.web.api.pagination import Page, Paging

router = APIRouter(tags=["releases"])

ReleaseId = Annotated[
    ReleaseRef,
    Path(max_length=200, description="The release's id or slug.", examples=["film-grants-2027"]),
]
EXAMPLE = """---
title: National Film Fund announces €48 million in 2027 production grants
date: 2027-02-03
location: Lyon
organization: National Film Fund
language: en
embargo: 2027-02-03T09:00:00+01:00
summary: The largest grant round in the Fund's history backs 53 productions.
contacts:
  - name: Claire Dubois
    role: Head of Press
    email: press@filmfund.example.org
tags: [grants, film]
---
The National Film Fund today announced **€48 million** in production grants for 2027.
"""


class ReleaseSummary(BaseModel):
    id: int = Field(examples=[4])
    slug: str = Field(examples=["film-grants-2027"])
    title: str = Field(
        examples=["National Film Fund announces €48 million in 2027 production grants"]
    )
    language: str = Field(examples=["en"])
    languages: list[str] = Field(examples=[["en", "fr"]])
    organization: str | None = Field(examples=["National Film Fund"])
    date: dt.date | None = Field(examples=["2027-02-03"])
    embargo: dt.datetime | None = Field(examples=["2027-02-03T08:00:00+00:00"])
    embargo_zone: str | None = Field(
        examples=["Europe/Paris"],
        description="The zone the embargo was written in: a zone name or an offset (+01:00).",
    )
    tags: list[str] = Field(examples=[["grants", "film"]])
    created_at: dt.datetime | None


class MediaContact(BaseModel):
    name: str | None
    role: str | None
    email: str | None
    phone: str | None


class Image(BaseModel):
    url: str
    alt: str | None
    caption: str | None
    credit: str | None
    usage_terms: str | None


class Link(BaseModel):
    url: str
    label: str | None


class ReleaseOut(ReleaseSummary):
    subtitle: str | None
    location: str | None = Field(examples=["Lyon"])
    summary: str | None
    body_markdown: str
    contacts: list[MediaContact]
    images: list[Image]
    links: list[Link]


@router.get("/releases", response_model=Page[ReleaseSummary], summary="Releases, newest first")
def index(caller: Reader, paging: Paging, request: Request, response: Response) -> dict[str, Any]:
    with caller.transaction() as session:
        found = list_releases(session, limit=paging.fetch, offset=paging.offset)
        rows = [release_as_dict(release) for release in found]
    return paging.answer(request, response, rows)


@router.get("/releases/{release_id}", response_model=ReleaseOut, summary="One release, in full")
def show(caller: Reader, release_id: ReleaseId) -> dict[str, Any]:
    with caller.transaction() as session:
        return release_as_dict(get_release(session, release_id), full=True)


@router.post(
    "/releases",
    response_model=ReleaseOut,
    status_code=HTTPStatus.CREATED,
    summary="Add a release from the text of a release file",
    description="The body is a release file as `distributor releases add` reads it: Markdown "
    "after a YAML front matter (`title` required; see docs/examples/release-en.md). A file "
    "that cannot be read is a 400 naming the line and field.",
)
def create(
    caller: ReleaseWriter,
    text: Annotated[
        bytes,
        Body(
            media_type="text/markdown",
            openapi_examples={"release": {"summary": "A release file", "value": EXAMPLE}},
        ),
    ],
) -> dict[str, Any]:
    document = parse_release(refuse_nul(text, "the release file"), source="release file")
    with caller.transaction() as session:
        return release_as_dict(add_release(session, document, caller.actor), full=True)
