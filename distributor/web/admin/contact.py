"""/admin/contacts/<id>: one journalist, their lists, timeline and notes; editing, unsubscribing,
suppressing, their data exported or erased (with a confirmation and a reason), and answering
a suggestion that they moved on."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.accounts import Permission
from distributor.addresses import InvalidAddress, parse_address
from distributor.contacts import (
    BY_NAME,
    MAX_NOTE,
    ContactDetails,
    accept_move,
    add_note,
    add_suppression,
    clean_value,
    contact_data_csv,
    contact_details,
    contact_timeline,
    dismiss_move,
    edit_contact,
    erase_contact,
    export_contact_data,
    get_contact,
    open_moves_of,
    unsubscribe,
)
from distributor.errors import Conflict
from distributor.web.admin import forms
from distributor.web.admin.access import ListManager, Reader, Require, SuppressionManager
from distributor.web.admin.downloads import attachment
from distributor.web.admin.views import admin_page, done, transaction
from distributor.web.admin.words import actor_words
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import PageRefused, SignedIn

router = APIRouter()
PATH = "/admin/contacts/{contact_id}"
CRUMBS = (("Contacts", "/admin/contacts"),)
Privacy = Annotated[SignedIn, Depends(Require(Permission.PRIVACY))]
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
# What a refused value means, in the words of the form; the other fields say the service's reason.
_PLAIN = {
    "email": "“{text}” is not an email address: {reason}",
    "country": "“{text}” is not a country we know. Type a country such as France, or its "
    "two-letter code such as FR.",
    "language": "“{text}” is not a language we know. Type a language such as French, or its "
    "code such as fr.",
    "time_zone": "“{text}” is not a time zone we know. Type one such as Europe/Paris or "
    "America/New_York.",
    "phone": "“{text}” does not look like a phone number. Use digits, spaces and a leading +, "
    "such as +33 1 23 45 67 89.",
}
Text = Annotated[str, Form()]


def label(name: str) -> str:
    """A field's name as a person reads it: first_name is "First name"."""
    found = BY_NAME.get(name)
    return found.label if found else name.replace("_", " ").capitalize()


def words(value: Any) -> str:
    """A stored value as words: "legitimate_interest" is "Legitimate interest", nothing is ""."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    text = str(getattr(value, "value", value))
    return text.replace("_", " ").capitalize() if text.islower() and "_" in text else text


@router.get(PATH)
def contact_page(request: Request, who: Reader, contact_id: int) -> HTMLResponse:
    with transaction(request) as session:
        details = contact_details(session, contact_id)
    return _page(request, who, contact_id, edit=forms.Form(_form_values(details)))


def _page(
    request: Request,
    who: SignedIn,
    contact_id: int,
    *,
    edit: forms.Form | None = None,
    note: forms.Form | None = None,
    suppress: forms.Form | None = None,
    status: HTTPStatus | None = None,
) -> HTMLResponse:
    """The contact's page; a form given comes back as it was typed, with its errors."""
    with transaction(request) as session:
        contact = get_contact(session, contact_id)
        details = contact_details(session, contact_id)
        edit = edit or forms.Form(_form_values(details))
        forms_shown = [f for f in (edit, note, suppress) if f is not None]
        return admin_page(
            request,
            who,
            "contact.html",
            details.name or details.email,
            status or max((f.status for f in forms_shown), default=HTTPStatus.OK),
            crumbs=CRUMBS,
            contact=details,
            timeline=contact_timeline(session, contact),
            moves=open_moves_of(session, contact),
            edit=edit,
            note=note or forms.Form(),
            suppress=suppress or forms.Form(),
            editable=EDITABLE,
            label=label,
            words=words,
            tracking_allowed=contact.tracking_allowed,
            max_note=MAX_NOTE,
            actor_words=actor_words,
        )


def _form_values(details: ContactDetails) -> dict[str, str]:
    known = {"email": details.email, "beats": details.beats, **details.fields}
    return {
        name: words(known.get(name)) if name == "beats" else _text(known.get(name))
        for name in EDITABLE
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _refusal(name: str, text: str) -> str | None:
    """Why `text` cannot be the field's value, in plain words; None when it can."""
    if not text:
        return "Type the email address." if name == "email" else None
    try:
        if name == "email":
            parse_address(text)
        else:
            clean_value(name, text)
    except (ValueError, InvalidAddress) as error:
        reason = str(error).rstrip(".")
        if name in _PLAIN:
            return _PLAIN[name].format(text=text, reason=reason)
        return f"{label(name)} {reason}." if reason[:1].islower() else f"{label(name)}: {reason}."
    return None


@router.post(PATH, dependencies=[Depends(csrf_protected)], response_model=None)
async def edit_contact_page(
    request: Request, who: ListManager, contact_id: int
) -> HTMLResponse | RedirectResponse:
    """Change what the form changed: fields left as they were are not written or audited.
    A value that cannot be used brings the form back, as typed, with the reason beside it."""
    posted = await request.form()
    typed = {name: str(posted.get(name, "")).strip() for name in EDITABLE}
    tracking_allowed = posted.get("tracking_allowed") == "true"
    edit = forms.Form(typed)
    with transaction(request) as session:
        contact = get_contact(session, contact_id)
        current = _form_values(contact_details(session, contact_id))
        changes = {name: text for name, text in typed.items() if text != current[name]}
        for name, text in changes.items():
            problem = _refusal(name, text)
            if problem:
                edit.refuse(name, problem)
        tracking = tracking_allowed if tracking_allowed != contact.tracking_allowed else None
        if edit.valid and (changes or tracking is not None):
            try:
                edit_contact(
                    session, contact.email, changes, who.principal.actor, tracking_allowed=tracking
                )
            except Conflict:
                edit.refuse("email", "Another contact already has this address.")
    if not edit.valid:
        return _page(request, who, contact_id, edit=edit)
    changed = ", ".join(label(name) for name in changes) or "nothing"
    return done(request, PATH.format(contact_id=contact_id), f"Saved: {changed} changed.")


@router.post(PATH + "/notes", dependencies=[Depends(csrf_protected)], response_model=None)
def add_note_page(
    request: Request, who: ListManager, contact_id: int, text: Text = ""
) -> HTMLResponse | RedirectResponse:
    note = forms.Form({"text": text})
    if not text.strip():
        note.refuse("text", "Write the note before adding it.")
    elif len(text.strip()) > MAX_NOTE:
        note.refuse(
            "text",
            f"A note holds at most {MAX_NOTE:,} characters; this one has {len(text.strip()):,}.",
        )
    if not note.valid:
        return _page(request, who, contact_id, note=note)
    with transaction(request) as session:
        add_note(session, get_contact(session, contact_id), text, who.principal.actor)
    return done(request, PATH.format(contact_id=contact_id) + "#timeline", "Note added.")


@router.post(PATH + "/unsubscribe", dependencies=[Depends(csrf_protected)])
def unsubscribe_page(
    request: Request, who: ListManager, contact_id: int, list_slug: Text = "", reason: Text = ""
) -> RedirectResponse:
    """Take them off one list, or every list when none is chosen."""
    with transaction(request) as session:
        contact = get_contact(session, contact_id)
        left = unsubscribe(
            session, contact.email, list_slug or None, who.principal.actor, reason=reason or None
        )
    if left.unsubscribed:
        notice = f"{left.email} is unsubscribed from {', '.join(left.unsubscribed)}."
    else:
        notice = f"{left.email} had already left {'that list' if list_slug else 'every list'}."
    return done(request, PATH.format(contact_id=contact_id), notice)


@router.post(PATH + "/suppress", dependencies=[Depends(csrf_protected)], response_model=None)
def suppress_page(
    request: Request, who: SuppressionManager, contact_id: int, reason: Text = ""
) -> HTMLResponse | RedirectResponse:
    suppress = forms.Form({"reason": reason})
    if not reason.strip():
        suppress.refuse(
            "reason", "Say why this address must never be mailed again, such as “Asked by phone”."
        )
        return _page(request, who, contact_id, suppress=suppress)
    with transaction(request) as session:
        contact = get_contact(session, contact_id)
        _, new = add_suppression(session, contact.email, reason, who.principal.actor)
        email = contact.email
    notice = (
        f"{email} is suppressed: no send-out will reach it."
        if new
        else (f"{email} was already suppressed.")
    )
    return done(request, PATH.format(contact_id=contact_id), notice)


@router.get(PATH + "/data.{format}")
def contact_data(request: Request, who: Privacy, contact_id: int, format: str) -> Response:
    """Everything held about them (their right of access), as JSON or as a spreadsheet."""
    if format not in ("json", "csv"):
        raise PageRefused(HTTPStatus.NOT_FOUND, "Their data comes as JSON or CSV.")
    with transaction(request) as session:
        contact = get_contact(session, contact_id)
        document = export_contact_data(session, contact.email, who.principal.actor)
    content = (
        json.dumps(document, ensure_ascii=False, indent=2).encode()
        if format == "json"
        else contact_data_csv(document)
    )
    media = "application/json" if format == "json" else "text/csv; charset=utf-8"
    return attachment(content, media, f"contact-{contact_id}-data.{format}")


@router.get(PATH + "/erase")
def erase_page(request: Request, who: Privacy, contact_id: int) -> HTMLResponse:
    return _erase_page(request, who, contact_id, forms.Form())


def _erase_page(request: Request, who: SignedIn, contact_id: int, form: forms.Form) -> HTMLResponse:
    with transaction(request) as session:
        details = contact_details(session, contact_id)
    name = details.name or details.email
    return admin_page(
        request,
        who,
        "contact_erase.html",
        f"Erase {name}",
        form.status,
        crumbs=(*CRUMBS, (name, PATH.format(contact_id=contact_id))),
        contact=details,
        form=form,
    )


@router.post(PATH + "/erase", dependencies=[Depends(csrf_protected)], response_model=None)
def erase(
    request: Request, who: Privacy, contact_id: int, reason: Text = "", confirm: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Erase them for good, once confirmed with a reason (who asked, when, how)."""
    form = forms.Form({"reason": reason, "confirm": confirm == "yes"})
    if not reason.strip():
        form.refuse(
            "reason",
            "Say who asked for the erasure, when and how, such as “Email from "
            "the journalist on 3 March”.",
        )
    if confirm != "yes":
        form.refuse("confirm", "Tick the box to confirm: erasing cannot be undone.")
    if not form.valid:
        return _erase_page(request, who, contact_id, form)
    with transaction(request) as session:
        email = get_contact(session, contact_id).email
        erase_contact(session, email, who.principal.actor, reason)
    return done(
        request,
        "/admin/contacts",
        f"{email} is erased: only a fingerprint of the address stays, so it is never added again.",
    )


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
    notice = "The colleague is added." if as_colleague else "The address is changed."
    return done(request, PATH.format(contact_id=contact_id) + "#timeline", notice)


@router.post(PATH + "/moves/{move_id}/dismiss", dependencies=[Depends(csrf_protected)])
def dismiss_move_page(
    request: Request, who: ListManager, contact_id: int, move_id: int
) -> RedirectResponse:
    with transaction(request) as session:
        dismiss_move(session, move_id, who.principal.actor)
    return done(request, PATH.format(contact_id=contact_id) + "#timeline", "Suggestion dismissed.")
