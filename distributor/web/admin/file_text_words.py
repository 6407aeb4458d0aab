"""A release file's problems as the composer's "File text" tab says them: the field by its label
in the composer and the line it is on, then what to do, in a press officer's words.

The file format's own errors (`release text:3: embargo: 'next Tuesday' is not a timestamp; …`)
stay as they are for the command line and the API; only the admin words them again.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from distributor.errors import ReleaseFileError

# The composer's labels of the file's fields (see release_edit.html).
LABELS = MappingProxyType(
    {
        "body": "Text",
        "contacts": "Media contact",
        "date": "Release date",
        "documents": "Document",
        "embargo": "Embargo",
        "file": "The file text",
        "front matter": "The heading block",
        "images": "Picture",
        "language": "Language",
        "links": "Link",
        "location": "Place",
        "organization": "Organisation",
        "slug": "Web address name",
        "subtitle": "Subtitle",
        "summary": "Inbox preview line",
        "tags": "Tag",
        "title": "Title",
    }
)
# The parts of a picture, contact, document or link, as their fields are labelled.
PARTS = MappingProxyType(
    {
        "alt": "alt text",
        "caption": "caption",
        "credit": "credit",
        "email": "email",
        "file": "file",
        "label": "words",
        "name": "name",
        "phone": "phone",
        "role": "role",
        "title": "title",
        "url": "web address",
        "usage_terms": "terms of use",
    }
)
# What to do, for the fields whose format is the whole problem.
FIXES = MappingProxyType(
    {
        "embargo": "give a day and time with a time zone, e.g. 2027-01-12 09:00 Europe/Paris "
        "or 2027-01-12 09:00 +01:00",
        "date": "write the day as year-month-day, e.g. 2027-02-03",
    }
)
_VERBS = ("is ", "has ", "holds ", "must ", "cannot ")
_PLACE = re.compile(r"([a-z_ ]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?")
_REWORDED = (
    (re.compile(r"^is missing; add 'title: …'.*"), "is missing: add a line title: … at the top"),
    (
        re.compile(r"^is empty; write the release text.*"),
        "is empty: write the release below the fields",
    ),
    (
        re.compile(r"^is not valid YAML .*"),
        "cannot be read: check the indentation, and put values holding ': ' or '#' between quotes",
    ),
    (
        re.compile(r"^unknown key; the known keys are (.*)"),
        r"is not a field of a release; the fields are \1",
    ),
    (re.compile(r"^must be text, not .*"), "must be text: put it between quotes"),
    (re.compile(r"^holds a line break or control character.*"), "must be on one line"),
    (
        re.compile(r"^(.*) is not an absolute .* address.*"),
        r"\1 is not a full web address: begin it with https://",
    ),
)


def file_text_problem(error: ReleaseFileError) -> str:
    """`error` as the File text tab shows it: `Embargo (line 3): give a day and time …`."""
    head, number, part = _place(error.field)
    label = LABELS.get(head, f"“{error.field}”")
    if number:
        label = f"{label} {number}"
    if part:
        label = f"{label}, {PARTS.get(part, part.replace('_', ' '))}"
    problem = _problem(head, part, error.problem)
    joined = " " if problem.startswith(_VERBS) else ": "  # "Title (line 2) is empty: …"
    return f"{label} (line {error.line}){joined}{problem}"


def _place(field: str) -> tuple[str, str, str]:
    """`images[2].alt` as ("images", "2", "alt")."""
    match = _PLACE.fullmatch(field)
    if match is None:
        return field, "", ""
    head, number, part = match.groups()
    return head, number or "", part or ""


def _problem(head: str, part: str, problem: str) -> str:
    if head in FIXES and not part:
        return f"{FIXES[head]}."
    for pattern, words in _REWORDED:
        if pattern.match(problem):
            return pattern.sub(words, problem) + "."
    what, _, fix = problem.replace("`", "").partition("; ")
    return f"{what}: {fix}." if fix else f"{what}."
