"""/admin/contacts/<id>: one journalist, their lists and timeline; editing, leaving notes,
answering a suggestion that they moved on."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.contacts import (
    ContactDetails,
    accept_move,
    add_note,
    contact_details,
    contact_timeline,
    dismiss_move,
    edit_contact,
    get_contact,
    open_moves_of,
)
from distributor.web.admin.access import ListManager, Reader
from distributor.web.admin.views import admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected

router = APIRouter()
PATH = "/admin/contacts/{contact_id}"
# The fields the edit form offers; consent and legal basis change through the privacy commands.
EDITABLE = (
    "email",
    "first_name",
    "last_name",
    "outlet",
    "role",
    "beats",
    "country",
    "city",
    "language",
    "time_zone",
    "phone",
    "notes",
)


@router.get(PATH)
def contact_page(request: Request, who: Reader, contact_id: int) -> HTMLResponse:
    with transaction(request) as session:
        contact = get_contact(session, contact_id)
        details = contact_details(session, contact_id)
        return admin_page(
            request,
            who,
            "contact.html",
            details.email,
            contact=details,
            timeline=contact_timeline(session, contact),
            moves=open_moves_of(session, contact),
            form={name: _text(value) for name, value in _values(details).items()},
            tracking_allowed=contact.tracking_allowed,
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)])
async def edit_contact_page(
    request: Request,
    who: ListManager,
    contact_id: int,
    tracking_allowed: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """Change what the form changed: fields left as they were are not written or audited."""
    form = await request.form()
    typed = {name: str(form.get(name, "")).strip() for name in EDITABLE}
    with transaction(request) as session:
        contact = get_contact(session, contact_id)
        current = {
            name: _text(value)
            for name, value in _values(contact_details(session, contact_id)).items()
        }
        changes = {name: text for name, text in typed.items() if text != current[name]}
        tracking = tracking_allowed if tracking_allowed != contact.tracking_allowed else None
        if changes or tracking is not None:
            edit_contact(
                session, contact.email, changes, who.principal.actor, tracking_allowed=tracking
            )
    return see_other(PATH.format(contact_id=contact_id))


@router.post(PATH + "/notes", dependencies=[Depends(csrf_protected)])
def add_note_page(
    request: Request, who: ListManager, contact_id: int, text: Annotated[str, Form()] = ""
) -> RedirectResponse:
    with transaction(request) as session:
        add_note(session, get_contact(session, contact_id), text, who.principal.actor)
    return see_other(PATH.format(contact_id=contact_id) + "#timeline")


@router.post(PATH + "/moves/{move_id}/accept", dependencies=[Depends(csrf_protected)])
def accept_move_page(
    request: Request,
    who: ListManager,
    contact_id: int,
    move_id: int,
    as_colleague: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    with transaction(request) as session:
        accept_move(session, move_id, who.principal.actor, as_colleague=as_colleague)
    return see_other(PATH.format(contact_id=contact_id) + "#timeline")


@router.post(PATH + "/moves/{move_id}/dismiss", dependencies=[Depends(csrf_protected)])
def dismiss_move_page(
    request: Request, who: ListManager, contact_id: int, move_id: int
) -> RedirectResponse:
    with transaction(request) as session:
        dismiss_move(session, move_id, who.principal.actor)
    return see_other(PATH.format(contact_id=contact_id) + "#timeline")


def _values(details: ContactDetails) -> dict[str, Any]:
    """The editable fields' values of a contact's details."""
    known = {"email": details.email, "beats": details.beats, **details.fields}
    return {name: known.get(name) for name in EDITABLE}


def _text(value: Any) -> str:
    """A value as the form shows it: beats joined by commas, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)
