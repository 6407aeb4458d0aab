"""The release composer's fields: a release file's front matter and text one field at a time,
read out of the file's document and written back into it, so the file text stays the contract.

What the press officer typed comes back as typed, each mistake next to its field in their
words; the embargo is picked on their own clock and written with their zone's name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from distributor.errors import ReleaseFileError
from distributor.releases import (
    DocumentEntry,
    ReleaseContactEntry,
    ReleaseDocument,
    ReleaseImageEntry,
    ReleaseLinkEntry,
    zone_label,
    zone_named,
)
from distributor.web.admin.forms import Form

SOURCE = "release text"  # what errors and the audit log name as the file
# The fields a release file's values show in, by the name its errors give them.
_FIELDS = ("title", "subtitle", "location", "date", "organization", "language", "slug", "summary")
_TEXT_FIELDS = ("subtitle", "location", "organization", "summary", "slug")
_WORDS = ("alt", "caption", "credit")
_CONTACT = ("name", "role", "email", "phone")


def values_of(document: ReleaseDocument, zone: tzinfo) -> dict[str, Any]:
    """The composer's fields filled in with `document`, its embargo on the clock of `zone`."""
    values: dict[str, Any] = {name: getattr(document, name) or "" for name in _TEXT_FIELDS}
    values |= {
        "title": document.title,
        "language": document.language,
        "date": document.date.isoformat() if document.date else "",
        "body": document.body_markdown,
        "contacts": [contact_key(contact) for contact in document.contacts],
        "images": [
            {
                "file": image.file or "",
                "url": image.url,
                "usage_terms": image.usage_terms or "",
                **{word: getattr(image, word) or "" for word in _WORDS},
            }
            for image in document.images
        ],
        "documents": [{"file": doc.file, "title": doc.title or ""} for doc in document.documents],
        "links": "\n".join(f"{link.url} {link.label or ''}".strip() for link in document.links),
        "tags": ", ".join(document.tags),
    }
    if document.embargo is not None:
        local = document.embargo.astimezone(zone)
        values |= {
            "embargo_date": local.date().isoformat(),
            "embargo_time": f"{local:%H:%M}",
            "embargo_was": f"{document.embargo.isoformat()} {zone_label(document.embargo)}",
        }
    return _with_rows(values)


def _with_rows(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with each media kit row's parts also under its field's name (`image-2-alt`),
    as the form's fields are named."""
    for kind in ("image", "document"):
        for number, row in enumerate(values[f"{kind}s"], start=1):
            values |= {f"{kind}-{number}-{part}": value for part, value in row.items()}
    return values


def contact_key(contact: ReleaseContactEntry) -> str:
    """A media contact as the value of its checkbox: every detail, so none is looked up."""
    return json.dumps([getattr(contact, part) for part in _CONTACT], ensure_ascii=False)


def contact_label(key: str) -> str:
    """A media contact as its checkbox reads: `Name, role: email, phone`."""
    contact = _contact(key)
    if contact is None:
        return key
    who = ", ".join(part for part in (contact.name, contact.role) if part)
    how = ", ".join(part for part in (contact.email, contact.phone) if part)
    return f"{who}: {how}" if how else who


def _contact(key: str) -> ReleaseContactEntry | None:
    try:
        parts = json.loads(key)
    except ValueError:
        return None
    if not isinstance(parts, list) or len(parts) != len(_CONTACT):
        return None
    if not all(part is None or isinstance(part, str) for part in parts) or not parts[0]:
        return None
    return ReleaseContactEntry(*parts)


def posted_values(data: FormData) -> dict[str, Any]:
    """The composer's fields as a browser posted them, with the line breaks of a file."""

    def text(name: str) -> str:
        value = data.get(name, "")
        return value.replace("\r\n", "\n") if isinstance(value, str) else ""

    values: dict[str, Any] = {
        name: text(name).strip()
        for name in (
            *_FIELDS,
            "tags",
            "embargo_date",
            "embargo_time",
            "embargo_was",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
            "upload_alt",
            "upload_caption",
            "upload_credit",
        )
    }
    values |= {
        "body": text("body"),
        "links": text("links"),
        "contacts": [key for key in data.getlist("contacts") if isinstance(key, str)],
    }
    for kind, parts in (
        ("image", ("file", "url", "usage_terms", *_WORDS)),
        ("document", ("file", "title")),
    ):
        rows = []
        number = 1
        while f"{kind}-{number}-file" in data:  # each row posts its file (empty for a web picture)
            if not text(f"{kind}-{number}-remove"):
                rows.append({part: text(f"{kind}-{number}-{part}").strip() for part in parts})
            number += 1
        values[f"{kind}s"] = rows
    return _with_rows(values)


def composed(
    values: Mapping[str, Any], zone: tzinfo, now: datetime
) -> tuple[Form, ReleaseDocument]:
    """The release the fields describe, and the form with each field's mistake.

    The document holds what could be read even when the form has mistakes, for the
    preview and for showing the file text."""
    form = Form(values)
    if not values.get("title"):
        form.refuse("title", "Give the release a title: it is the email's subject.")
    if not str(values.get("body", "")).strip():
        form.refuse("body", "Write the release's text.")
    release_date = _date(form, "date", "Write the release date as year-month-day, e.g. 2027-02-03.")
    contacts = [contact for key in values.get("contacts", []) if (contact := _contact(key))]
    new_contact = _new_contact(form)
    if new_contact is not None:
        contacts.append(new_contact)
    images = []
    for number, row in enumerate(values.get("images", []), start=1):
        if not row.get("alt"):
            form.refuse(
                f"image-{number}-alt",
                "Describe the picture for readers who cannot see it: every picture needs alt text.",
            )
        images.append(
            ReleaseImageEntry(
                row.get("url", "") if not row.get("file") else "",
                row.get("alt", ""),
                caption=row.get("caption") or None,
                credit=row.get("credit") or None,
                usage_terms=row.get("usage_terms") or None,
                file=row.get("file") or None,
            )
        )
    document = ReleaseDocument(
        source=SOURCE,
        title=values.get("title", ""),
        body_markdown=values.get("body", ""),
        language=values.get("language") or "en",
        date=release_date,
        embargo=_embargo(form, zone, now),
        contacts=tuple(dict.fromkeys(contacts)),
        images=tuple(images),
        documents=tuple(
            DocumentEntry(row["file"], row.get("title") or None)
            for row in values.get("documents", [])
        ),
        links=_links(form),
        tags=tuple(
            dict.fromkeys(tag.strip() for tag in values.get("tags", "").split(",") if tag.strip())
        ),
        subtitle=values.get("subtitle") or None,
        location=values.get("location") or None,
        organization=values.get("organization") or None,
        summary=values.get("summary") or None,
        slug=values.get("slug") or None,
    )
    return form, document


def _date(form: Form, name: str, problem: str) -> date | None:
    typed = form.value(name)
    if not typed:
        return None
    try:
        return date.fromisoformat(typed)
    except ValueError:
        form.refuse(name, problem)
        return None


def _embargo(form: Form, zone: tzinfo, now: datetime) -> datetime | None:
    """The embargo picked on the officer's clock; the one the release had when it was not
    changed (on its author's clock, and allowed to have passed)."""
    day = _date(form, "embargo_date", "Write the day as year-month-day, e.g. 2027-02-03.")
    typed_time = form.value("embargo_time")
    if not form.value("embargo_date") and not typed_time:
        return None
    if day is None and "embargo_date" not in form.errors:
        form.refuse("embargo_date", "Give the day the embargo lifts, too.")
    if not typed_time:
        form.refuse(
            "embargo_time", "Give the time the embargo lifts, too: a day alone is not enough."
        )
        return None
    try:
        hour = time.fromisoformat(typed_time)
    except ValueError:
        form.refuse("embargo_time", "Write the time as hours and minutes, e.g. 09:00.")
        return None
    if day is None:
        return None
    picked = datetime.combine(day, hour, tzinfo=_named(zone))
    was = _was(form.value("embargo_was"))
    if was is not None and was == picked:
        return was
    if picked <= now:
        form.refuse("embargo_date", "The embargo has to lift in the future: this time has passed.")
    return picked


def _named(zone: tzinfo) -> tzinfo:
    """`zone` with a name the file can write (`… Europe/Paris`; `… UTC` for UTC)."""
    return ZoneInfo("UTC") if zone is UTC else zone


def _was(typed: str) -> datetime | None:
    """The embargo the form started with: `<ISO time with offset> <zone label>`."""
    moment, _, label = typed.partition(" ")
    try:
        return datetime.fromisoformat(moment).astimezone(zone_named(label))
    except ValueError:
        return None


def _new_contact(form: Form) -> ReleaseContactEntry | None:
    name, role, email, phone = (form.value(f"contact_{part}") or None for part in _CONTACT)
    if not any((name, role, email, phone)):
        return None
    if not name:
        form.refuse("contact_name", "Give the new contact's name.")
        return None
    if email and ("@" not in email or " " in email):
        form.refuse("contact_email", "This is not an email address; write it as name@example.org.")
    return ReleaseContactEntry(name, role, email, phone)


def _links(form: Form) -> tuple[ReleaseLinkEntry, ...]:
    links = []
    for number, line in enumerate(form.value("links").splitlines(), start=1):
        if not line.strip():
            continue
        url, _, label = line.strip().partition(" ")
        if not url.startswith(("https://", "http://", "mailto:")):
            form.refuse(
                "links",
                f"Line {number} does not start with a web address; begin it with https://.",
            )
            continue
        links.append(ReleaseLinkEntry(url, label.strip() or None))
    return tuple(links)


def refuse_file_error(form: Form, error: ReleaseFileError) -> None:
    """Put a problem the file format found next to the field that holds the value."""
    head = error.field.partition("[")[0].partition(".")[0]
    number = error.field.partition("[")[2].partition("]")[0]
    if head == "images" and number:
        name = f"image-{number}-alt"
    elif head == "contacts":
        name = "contact_email" if "email" in error.field else "contact_name"
    elif head in _FIELDS or head in ("links", "tags", "body"):
        name = head
    elif head == "embargo":
        name = "embargo_date"
    else:
        name = "body"
    problem = error.problem.split("; ")
    form.refuse(name, _sentence(problem[0]) + (f": {problem[1]}." if len(problem) > 1 else "."))


def _sentence(problem: str) -> str:
    """`is empty` as a sentence about the field: `This is empty`."""
    return f"This {problem}" if problem.startswith(("is ", "has ", "holds ", "must ")) else problem
