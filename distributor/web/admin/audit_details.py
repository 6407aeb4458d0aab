"""An audit entry's details as a press officer reads them: "List: Film critics · Reason: asked
by phone", not the keys and ids they are stored under.

Each detail the code records has a label here; one without (recorded by a newer version,
or in a spread of a report's figures) gets its key in words ("All statuses"), never the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from distributor.audit_log import REFERENCES
from distributor.contacts import format_where
from distributor.errors import DistributorError
from distributor.web.admin.words import ROLE_NAMES

DETAIL_LABELS = MappingProxyType(
    {
        "added": "Added",
        "added_to_suppressions": "Added to the addresses that get no mail",
        "after": "Now",
        "all_statuses": "Unsubscribed ones too",
        "already": "Already there",
        "already_subscribed": "Already subscribed",
        "already_suppressed": "Already getting no mail",
        "as_colleague": "Kept as a colleague",
        "audit_entries": "Log entries",
        "before": "Before",
        "bounces": "Returned messages",
        "changed": "Contacts changed",
        "changes": "Changed",
        "channel": "How",
        "colleague_id": "Colleague",
        "confirmed": "Warnings accepted",
        "created": "New contacts",
        "decision": "Decision",
        "deliveries": "Messages",
        "delivery": "Message",
        "description": "Description",
        "dry_run": "Only a trial",
        "duplicates_in_file": "Twice in the file",
        "email": "Address",
        "error": "Problem",
        "expires_at": "Expires",
        "file": "File",
        "format": "File type",
        "header_line": "Column names on line",
        "invalid": "Not valid",
        "invalid_rows": "Rows not valid",
        "kept_unsubscribed": "Kept unsubscribed",
        "kind": "Kind",
        "language": "Language",
        "list": "List",
        "list_id": "List",
        "lists": "Lists",
        "name": "Name",
        "new_email": "New address",
        "note": "Note",
        "old_email": "Old address",
        "original": "Follow-up to send-out",
        "prefix": "Key begins with",
        "processed": "Contacts done",
        "reason": "Reason",
        "release": "Release",
        "removed": "Removed",
        "role": "Role",
        "rows": "Rows",
        "rules": "Conditions",
        "scope": "Which contacts",
        "search": "Search",
        "selection": "Contacts chosen",
        "sessions_ended": "Browsers logged out",
        "count": "How many",
        "size": "Size",
        "skipped": "Messages not sent",
        "skipped_suppressed": "Skipped, as they get no mail",
        "slug": "Short name",
        "source": "Read from",
        "state": "Status",
        "subscribed": "Subscribed",
        "subscriptions": "Subscriptions",
        "suggestion": "Suggestion",
        "suppression_list": "A list of addresses that get no mail",
        "title": "Title",
        "total": "Contacts in all",
        "unchanged": "Unchanged",
        "updated": "Updated",
        "user": "User",
        "was": "Was",
    }
)
# Fingerprints and keys kept for the system's own use, which say nothing to a reader.
HIDDEN = frozenset({"email_hash", "key_hash"})
# Values recorded as codes, in words.
_VALUE_WORDS = MappingProxyType(
    {
        "csv": "CSV",
        "document": "Document",
        "image": "Picture",
        "jsonl": "JSON lines",
        "xlsx": "Excel",
        **{role.value: name for role, name in ROLE_NAMES.items()},
    }
)
_CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")  # legitimate_interest, one_click

Names = Mapping[tuple[str, int], str]


def detail_label(key: str) -> str:
    """How the log heads a detail: its label, else its key in words (`all_statuses` →
    "All statuses", `desk_id` → "Desk")."""
    if key in DETAIL_LABELS:
        return DETAIL_LABELS[key]
    words = key.removesuffix("_id").replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def details_text(details: Mapping[str, Any], names: Names) -> str:
    """`details` as the log's Details column reads: `List: Film critics · Reason: by phone`."""
    return " · ".join(
        f"{detail_label(key)}: {_value(key, value, names)}"
        for key, value in sorted(details.items())  # the same order whatever the database kept
        if key not in HIDDEN and value not in (None, "", [], {})
    )


def _value(key: str, value: Any, names: Names) -> str:
    if key in REFERENCES and isinstance(value, int) and not isinstance(value, bool):
        return names.get((REFERENCES[key], value), f"no. {value} (deleted since)")
    if key == "rules":
        return _conditions(value)
    if key == "size" and isinstance(value, int):
        return f"{value / 1e6:.1f} MB" if value >= 100_000 else f"{max(1, round(value / 1e3))} kB"
    if key == "confirmed" and isinstance(value, list):
        return str(len(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        if set(value) == {"from", "to"}:  # a changed field, as contact.edit records it
            was, now = (_value(key, value[end], names) or "empty" for end in ("from", "to"))
            return f"{was} → {now}"
        return ", ".join(
            f"{detail_label(part)}: {_value(part, inner, names)}"
            for part, inner in sorted(value.items())
            if part not in HIDDEN
        )
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, part, names) for part in value)
    return _words(value)


def _words(value: Any) -> str:
    """A plain value: a code in words, anything else as it is."""
    if value is None:
        return ""
    text = str(value)
    if text in _VALUE_WORDS:
        return _VALUE_WORDS[text]
    return detail_label(text) if _CODE.fullmatch(text) else text


def _conditions(rules: Any) -> str:
    """A segment's rules as the conditions box writes them, one after another."""
    try:
        clauses = format_where(rules)
    except DistributorError:
        clauses = None
    return " and ".join(clauses) if clauses else "conditions too nested to write on a line"
