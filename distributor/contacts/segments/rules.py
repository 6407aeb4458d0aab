"""A segment's rules: the JSON tree they are written in, checked and normalized when saved.

    node       := {"all": [node, …]}          every child holds ({"all": []}: everyone)
                | {"any": [node, …]}          at least one child holds
                | {"not": node}
                | field test | list test | engagement test
    field test := {"field": F, "op": OP, "value": V}
    list test  := {"list": "slug"}             subscribed to the list
                  (optional "status": "subscribed" | "unsubscribed" | "pending")
    engagement := {"engagement": E}            (optional "within_days": N)

Fields and their operators:

* text fields (the contact fields of `fields.FIELDS`, e.g. outlet, country,
  language, city, source): eq, ne, in, not_in, contains, exists, missing.
  Comparisons ignore case. Country, language, time zone and legal basis values
  are cleaned as on import ("France" → FR); `language eq en` also matches
  en-GB (RFC 4647 basic filtering).
* `attributes.NAME` (custom columns kept from imports): the text operators.
* beats: has (one beat), in (any of), not_in (none of), contains, exists, missing.
* consent_at, created_at, updated_at: before, after (ISO dates), exists, missing.
* tracking_allowed: eq, ne (true or false).

`ne`, `not_in` and `not` also match contacts where the field is empty.

Engagement: bounced (a hard or soft bounce record, or a delivery that ended
bounced), suppressed, received (a delivery sent and not bounced), opened, clicked, replied,
complained, unsubscribed; `within_days` limits to the last N days (not for
suppressed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from distributor.contacts.directory import ATTRIBUTE_PREFIX
from distributor.contacts.fields import FIELDS
from distributor.contacts.values import clean_value
from distributor.errors import InvalidInput
from distributor.models import DeliveryEventKind, SubscriptionStatus

TEXT_OPS = ("eq", "ne", "in", "not_in", "contains", "exists", "missing")
BEAT_OPS = ("has", "in", "not_in", "contains", "exists", "missing")
DATE_OPS = ("before", "after", "exists", "missing")
BOOL_OPS = ("eq", "ne")

TEXT_FIELDS = tuple(f.name for f in FIELDS if f.name not in ("name", "beats"))
DATE_FIELDS = ("consent_at", "created_at", "updated_at")
BOOL_FIELDS = ("tracking_allowed",)
# Fields whose values are cleaned like imported ones, so "France" finds FR.
CLEANED_FIELDS = ("country", "language", "time_zone", "legal_basis")

EVENT_KINDS = {
    "opened": DeliveryEventKind.OPENED,
    "clicked": DeliveryEventKind.CLICKED,
    "replied": DeliveryEventKind.REPLIED,
    "complained": DeliveryEventKind.COMPLAINED,
    "unsubscribed": DeliveryEventKind.UNSUBSCRIBED,
}
ENGAGEMENTS = ("bounced", "suppressed", "received", *EVENT_KINDS)


def _ops_for(field: str) -> tuple[str, ...]:
    if field == "beats":
        return BEAT_OPS
    if field in DATE_FIELDS:
        return DATE_OPS
    if field in BOOL_FIELDS:
        return BOOL_OPS
    return TEXT_OPS


def _known_field(field: str) -> bool:
    if field.startswith(ATTRIBUTE_PREFIX):
        return len(field) > len(ATTRIBUTE_PREFIX)
    return field == "beats" or field in TEXT_FIELDS + DATE_FIELDS + BOOL_FIELDS


# The operators as the text form writes them (`country = FR`), where it differs from the tree's.
OPERATOR_TEXT = {"eq": "=", "ne": "!=", "not_in": "not in"}


class ConditionError(InvalidInput):
    """Rules that cannot be read. The message is in the rules' own words (a place in the
    tree, or a line of the text form), as the CLI and the API say it; `plain` says the same
    in a reader's words for the admin's conditions box, and `line` and `clause` say where in
    the box it is (0 and "" when the rules did not come from the box)."""

    def __init__(self, message: str, plain: str, line: int = 0, clause: str = "") -> None:
        super().__init__(message)
        self.plain = plain
        self.line = line
        self.clause = clause


def _fail(path: str, problem: str, plain: str = "") -> ConditionError:
    return ConditionError(f"{path}: {problem}", plain or _sentence(problem))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _ways(ops: tuple[str, ...]) -> str:
    """The operators `ops` as the conditions box writes them: `=, !=, in, not in`."""
    return ", ".join(OPERATOR_TEXT.get(op, op) for op in ops)


def _text(path: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(
            path,
            f"needs a non-empty text value, got {value!r}",
            f"Say what {field} is compared with, after the comparison.",
        )
    if field in CLEANED_FIELDS:
        try:
            return str(clean_value(field, value))
        except ValueError as exc:
            raise _fail(path, str(exc), _sentence(str(exc).removeprefix(f"{field} "))) from None
    return value.strip().lower()


def _value(path: str, field: str, op: str, value: Any) -> Any:
    """The normalized value of a field test, or an error naming `path`."""
    if op in ("exists", "missing"):
        return None
    if field in BOOL_FIELDS:
        if not isinstance(value, bool):
            raise _fail(path, f"needs true or false, got {value!r}", "Write true or false.")
        return value
    if field in DATE_FIELDS:
        day = "Write the date as year-month-day, such as 2026-03-01."
        if not isinstance(value, str):
            raise _fail(path, f"needs a date such as 2026-03-01, got {value!r}", day)
        try:
            return clean_value("consent_at", value).isoformat()
        except ValueError as exc:
            raise _fail(path, str(exc), f"{value!r} is not a date. {day}") from None
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise _fail(
                path,
                f"{op} needs a non-empty list of values, got {value!r}",
                "Give one or more values, separated by commas, such as FR,DE.",
            )
        return [_text(f"{path}[{i}]", field, item) for i, item in enumerate(value)]
    return _text(path, field, value)


def _field_test(node: Mapping[str, Any], path: str) -> dict[str, Any]:
    unknown = set(node) - {"field", "op", "value"}
    if unknown:
        raise _fail(path, f"unknown key {sorted(unknown)[0]!r} in a field test")
    field = node["field"]
    if not isinstance(field, str) or not _known_field(field):
        known = ", ".join(("beats", *TEXT_FIELDS, *DATE_FIELDS, *BOOL_FIELDS, "attributes.NAME"))
        raise _fail(
            f"{path}.field",
            f"unknown field {field!r}; use one of {known}",
            f"{field!r} is not something a contact record holds; begin with one of: {known}.",
        )
    op = node.get("op")
    ops = _ops_for(field)
    if op not in ops:
        raise _fail(
            f"{path}.op",
            f"unknown operator {op!r} for {field}; use one of {', '.join(ops)}",
            f"{field} cannot be compared with {OPERATOR_TEXT.get(str(op), op)!r}; "
            f"use one of: {_ways(ops)}.",
        )
    value = _value(f"{path}.value", field, op, node.get("value"))
    return {"field": field, "op": op} | ({} if value is None else {"value": value})


def _within(node: Mapping[str, Any], path: str) -> dict[str, int]:
    if "within_days" not in node:
        return {}
    days = node["within_days"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise _fail(
            f"{path}.within_days",
            f"needs a whole number of days ≥ 1, got {days!r}",
            "Write a whole number of days, 1 or more, such as within 30 days.",
        )
    if node["engagement"] == "suppressed":
        raise _fail(
            f"{path}.within_days",
            "suppressed has no time; drop within_days",
            "An address is suppressed or not, with no time to it: remove within … days.",
        )
    return {"within_days": days}


def _normalize(node: Any, path: str) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        raise _fail(path, f"needs an object such as {{'all': [...]}}, got {node!r}")
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = node[key]
        if len(node) != 1 or not isinstance(children, list):
            raise _fail(path, f"{key!r} takes a list of rules and nothing beside it")
        return {key: [_normalize(child, f"{path}.{key}[{i}]") for i, child in enumerate(children)]}
    if "not" in node:
        if len(node) != 1:
            raise _fail(path, "'not' takes one rule and nothing beside it")
        return {"not": _normalize(node["not"], f"{path}.not")}
    if "field" in node:
        return _field_test(node, path)
    if "list" in node:
        slug, status = node["list"], node.get("status", SubscriptionStatus.SUBSCRIBED.value)
        if not isinstance(slug, str) or not slug.strip() or set(node) - {"list", "status"}:
            raise _fail(path, "a list test is {'list': 'slug'} with an optional 'status'")
        if status not in {s.value for s in SubscriptionStatus}:
            choices = ", ".join(s.value for s in SubscriptionStatus)
            raise _fail(f"{path}.status", f"unknown status {status!r}; use one of {choices}")
        return {"list": slug.strip()} | ({"status": status} if "status" in node else {})
    if "engagement" in node:
        kind = node["engagement"]
        if kind not in ENGAGEMENTS:
            raise _fail(
                f"{path}.engagement",
                f"unknown engagement {kind!r}; use one of {', '.join(ENGAGEMENTS)}",
            )
        if set(node) - {"engagement", "within_days"}:
            raise _fail(path, "an engagement test takes only 'engagement' and 'within_days'")
        return {"engagement": kind} | _within(node, path)
    raise _fail(
        path, f"unknown rule with keys {sorted(node)}; use all, any, not, field, list or engagement"
    )


def validate_rules(rules: Any) -> dict[str, Any]:
    """The normalized rules, or InvalidInput naming the place in the tree and the fix."""
    return _normalize(rules, "rules")
