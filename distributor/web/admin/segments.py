"""/admin/segments: saved filters over contacts, written as the CLI's --where clauses (one per
line), with a count of who they match while they are typed (htmx) or on a button (no script)."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from distributor.contacts import (
    create_segment,
    delete_segment,
    format_where,
    get_segment,
    list_segments,
    parse_where_lines,
    preview_segment,
    update_segment,
)
from distributor.errors import DistributorError, InvalidInput
from distributor.web.admin.access import ListManager, Reader
from distributor.web.admin.views import admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.problems import status_of
from distributor.web.sessions import PageRefused, SignedIn

router = APIRouter()
PATH = "/admin/segments"
SAMPLE = 5  # addresses shown beside a count
NO_RULES = "A segment needs rules: write one condition per line, e.g. country in FR,DE"

Text = Annotated[str, Form()]


@dataclass(frozen=True)
class Draft:
    """What the segment form holds; `segment` is the saved name when editing one."""

    name: str = ""
    description: str = ""
    where: str = ""
    segment: str = ""


@dataclass(frozen=True)
class Count:
    """Who a draft's rules match now (`matched` is None for no rules), or why they cannot be
    read. Addresses, not contacts, so that it outlives its session."""

    matched: int | None = None
    suppressed: int = 0
    sample: tuple[str, ...] = ()
    error: str | None = None
    status: HTTPStatus = HTTPStatus.OK


def _count(session: Session, where: str) -> Count:
    if not where.strip():
        return Count()
    try:
        preview = preview_segment(session, parse_where_lines(where), SAMPLE)
    except DistributorError as error:
        return Count(error=str(error), status=status_of(error))
    sample = tuple(contact.email for contact in preview.sample)
    return Count(preview.count, preview.suppressed, sample)


def _rules(where: str) -> dict[str, Any] | None:
    return parse_where_lines(where) if where.strip() else None


@router.get(PATH)
def segments_page(request: Request, who: Reader) -> HTMLResponse:
    return _segments_page(request, who, Draft(), Count())


def _segments_page(
    request: Request, who: SignedIn, draft: Draft, count: Count, problem: str | None = None
) -> HTMLResponse:
    with transaction(request) as session:
        saved = [
            (segment, preview_segment(session, segment.name, 0).count)
            for segment in list_segments(session)
        ]
        return admin_page(
            request,
            who,
            "segments.html",
            "Segments",
            count.status,
            segments=saved,
            draft=draft,
            count=count,
            problem=problem,
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)])
def new_segment(
    request: Request, who: ListManager, name: Text = "", description: Text = "", where: Text = ""
) -> Response:
    draft = Draft(name, description, where)
    try:
        with transaction(request) as session:
            rules = _rules(where)
            if rules is None:
                raise InvalidInput(NO_RULES)
            created = create_segment(
                session, name, rules, who.principal.actor, description=description or None
            )
            path = _path(created.name)
    except PageRefused as refused:
        return _refused(request, who, draft, refused)
    return see_other(path)


@router.post(f"{PATH}/count", dependencies=[Depends(csrf_protected)])
def count_segment(
    request: Request,
    who: ListManager,
    name: Text = "",
    description: Text = "",
    where: Text = "",
    segment: Text = "",
) -> HTMLResponse:
    """The count as a fragment for htmx (always 200, which htmx swaps in), else the whole form
    page again with the count beside the rules."""
    draft = Draft(name, description, where, segment)
    with transaction(request) as session:
        count = _count(session, where)
    if request.headers.get("HX-Request") == "true":
        return admin_page(request, who, "_segment_count.html", "Count", count=count)
    if segment:
        return _segment_page(request, who, segment, draft, count)
    return _segments_page(request, who, draft, count)


@router.get(f"{PATH}/{{name:path}}")
def segment_page(request: Request, who: Reader, name: str) -> HTMLResponse:
    return _segment_page(request, who, name, None, Count())


def _segment_page(
    request: Request,
    who: SignedIn,
    name: str,
    draft: Draft | None,
    count: Count,
    problem: str | None = None,
) -> HTMLResponse:
    with transaction(request) as session:
        segment = get_segment(session, name)
        clauses = format_where(segment.rules)
        text = None if clauses is None else "\n".join(clauses)
        if draft is None:
            draft = Draft(segment.name, segment.description or "", text or "", segment.name)
        return admin_page(
            request,
            who,
            "segment.html",
            segment.name,
            count.status,
            segment=segment,
            current=preview_segment(session, segment.name, 10),
            clauses=text,
            draft=draft,
            count=count,
            problem=problem,
        )


@router.post(f"{PATH}/update", dependencies=[Depends(csrf_protected)])
def change_segment(
    request: Request,
    who: ListManager,
    segment: Text = "",
    name: Text = "",
    description: Text = "",
    where: Text = "",
) -> Response:
    """Change the segment `segment`; empty rules keep the saved ones (as the CLI's update)."""
    draft = Draft(name, description, where, segment)
    try:
        with transaction(request) as session:
            changed = update_segment(
                session,
                segment,
                who.principal.actor,
                rules=_rules(where),
                description=description,
                new_name=name or None,
            )
            path = _path(changed.name)
    except PageRefused as refused:
        return _refused(request, who, draft, refused)
    return see_other(path)


@router.post(f"{PATH}/delete", dependencies=[Depends(csrf_protected)])
def remove_segment(request: Request, who: ListManager, segment: Text = "") -> RedirectResponse:
    with transaction(request) as session:
        delete_segment(session, segment, who.principal.actor)
    return see_other(PATH)


def _refused(request: Request, who: SignedIn, draft: Draft, refused: PageRefused) -> HTMLResponse:
    """The form again with what was typed and why it was refused; a rule that cannot be read
    is named beside the rules, anything else above the form."""
    try:
        parse_where_lines(draft.where)
    except InvalidInput as error:
        count = Count(error=str(error), status=refused.status)
        return _form_page(request, who, draft, count)
    return _form_page(request, who, draft, Count(status=refused.status), refused.message)


def _form_page(
    request: Request, who: SignedIn, draft: Draft, count: Count, problem: str | None = None
) -> HTMLResponse:
    if draft.segment:
        return _segment_page(request, who, draft.segment, draft, count, problem)
    return _segments_page(request, who, draft, count, problem)


def _path(name: str) -> str:
    return f"{PATH}/{quote(name)}"
