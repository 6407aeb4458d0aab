"""/admin/segments: saved filters over contacts, written as conditions (one per line), with a
count of who they match while they are typed (htmx) or on a button (no script)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from distributor.contacts import (
    ConditionError,
    create_segment,
    delete_segment,
    format_where,
    get_segment,
    list_segments,
    parse_where_lines,
    preview_segment,
    update_segment,
)
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import Segment
from distributor.web.admin import forms
from distributor.web.admin.access import ListManager, Reader
from distributor.web.admin.views import admin_page, done, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn

router = APIRouter()
PATH = "/admin/segments"
CRUMBS = (("Segments", PATH),)
SAMPLE = 5  # addresses shown beside a count
NO_RULES = "Write at least one condition, such as country in FR,DE."
NO_NAME = "Give the segment a name, such as French film critics."
LONG_NAME = "Give the segment a name on one line, of at most 100 characters."
UNKNOWN_LIST = (
    "A condition names a list that does not exist: the Lists page shows each list's short name."
)

Text = Annotated[str, Form()]


@dataclass(frozen=True)
class Count:
    """Who a form's conditions match now (`matched` is None for no conditions), or why they
    cannot be read. Addresses, not contacts, so that it outlives its session."""

    matched: int | None = None
    suppressed: int = 0
    sample: tuple[str, ...] = ()
    error: str | None = None


def _count(session: Session, where: str) -> Count:
    if not where.strip():
        return Count()
    try:
        preview = preview_segment(session, parse_where_lines(where), SAMPLE)
    except NotFound:
        return Count(error=UNKNOWN_LIST)
    except ConditionError as error:  # what is wrong in the officer's words, and on which line
        return Count(error=f"Line {error.line}, “{error.clause}”: {error.plain}")
    except InvalidInput as error:
        return Count(error=_sentence(str(error)))
    sample = tuple(contact.email for contact in preview.sample)
    return Count(preview.count, preview.suppressed, sample)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _form(name: str, description: str, where: str, segment: str = "") -> forms.Form:
    return forms.Form(
        {"name": name, "description": description, "where": where, "segment": segment}
    )


def _checked(session: Session, form: forms.Form) -> None:
    """Refuse a missing name or unreadable conditions, in the form's own words; a segment
    being changed keeps its name and conditions when they are left empty."""
    where, new = form.value("where"), not form.value("segment")
    if new and not form.value("name").strip():
        form.refuse("name", NO_NAME)
    if new and not where.strip():
        form.refuse("where", NO_RULES)
    error = _count(session, where).error
    if error is not None:
        form.refuse("where", error)


def _saved(
    request: Request,
    who: SignedIn,
    form: forms.Form,
    save: Callable[[Session], Segment],
    notice: str,
) -> Response:
    """Save the segment the form describes with `save`, then show it with `notice` (its name
    in place of {}); a form with mistakes comes back as typed."""
    with transaction(request) as session:
        _checked(session, form)
        if form.valid:
            with _name_refused(form):
                saved = save(session)
                return done(request, _path(saved.name), notice.format(saved.name))
    return _form_page(request, who, form, Count())


@contextmanager
def _name_refused(form: forms.Form) -> Iterator[None]:
    """A name the service refuses (taken, too long) is named beside the name field; the
    conditions were read already."""
    try:
        yield
    except Conflict:
        name = form.value("name").strip()
        form.refuse("name", f"Another segment is called {name}; choose another name.")
    except InvalidInput:
        form.refuse("name", LONG_NAME)


@router.get(PATH)
def segments_page(request: Request, who: Reader) -> HTMLResponse:
    return _segments_page(request, who, _form("", "", ""), Count())


def _segments_page(request: Request, who: SignedIn, form: forms.Form, count: Count) -> HTMLResponse:
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
            form.status,
            segments=saved,
            form=form,
            count=count,
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)])
def new_segment(
    request: Request, who: ListManager, name: Text = "", description: Text = "", where: Text = ""
) -> Response:
    return _saved(
        request,
        who,
        _form(name, description, where),
        lambda session: create_segment(
            session,
            name,
            parse_where_lines(where),
            who.principal.actor,
            description=description or None,
        ),
        "The segment {} is saved.",
    )


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
    page again with the count beside the conditions (or why they cannot be read)."""
    form = _form(name, description, where, segment)
    with transaction(request) as session:
        count = _count(session, where)
    if request.headers.get("HX-Request") == "true":
        return admin_page(request, who, "_segment_count.html", "Count", count=count)
    if count.error is not None:
        form.refuse("where", count.error)
        count = Count()
    return _form_page(request, who, form, count)


@router.get(f"{PATH}/{{name:path}}")
def segment_page(request: Request, who: Reader, name: str) -> HTMLResponse:
    return _segment_page(request, who, name, None, Count())


def _segment_page(
    request: Request, who: SignedIn, name: str, form: forms.Form | None, count: Count
) -> HTMLResponse:
    with transaction(request) as session:
        segment = get_segment(session, name)
        clauses = format_where(segment.rules)
        text = None if clauses is None else "\n".join(clauses)
        if form is None:
            form = _form(segment.name, segment.description or "", text or "", segment.name)
        return admin_page(
            request,
            who,
            "segment.html",
            segment.name,
            form.status,
            crumbs=CRUMBS,
            segment=segment,
            current=preview_segment(session, segment.name, 10),
            clauses=text,
            form=form,
            count=count,
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
    """Change the segment `segment`; empty conditions keep the saved ones (as the CLI's update)."""
    return _saved(
        request,
        who,
        _form(name, description, where, segment),
        lambda session: update_segment(
            session,
            segment,
            who.principal.actor,
            rules=parse_where_lines(where) if where.strip() else None,
            description=description,
            new_name=name or None,
        ),
        "The changes to the segment {} are saved.",
    )


@router.post(f"{PATH}/delete", dependencies=[Depends(csrf_protected)])
def remove_segment(request: Request, who: ListManager, segment: Text = "") -> RedirectResponse:
    with transaction(request) as session:
        delete_segment(session, segment, who.principal.actor)
    return done(request, PATH, f"The segment {segment} is deleted.")


def _form_page(request: Request, who: SignedIn, form: forms.Form, count: Count) -> HTMLResponse:
    if form.value("segment"):
        return _segment_page(request, who, form.value("segment"), form, count)
    return _segments_page(request, who, form, count)


def _path(name: str) -> str:
    return f"{PATH}/{quote(name)}"
