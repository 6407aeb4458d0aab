"""Segments: saved filters over contacts, compiled to one SQL condition and previewed before use.

A segment's rules are a JSON tree, validated and normalized when saved:

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

The CLI's text form (`parse_where`) writes the same tree: `beats has film`,
`country in FR,DE`, `language = en`, `not bounced`, `opened within 30 days`,
`list press-fr`.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, selectinload

from distributor.audit import Actor, record
from distributor.contacts.directory import ATTRIBUTE_PREFIX, UnicodeLower
from distributor.contacts.fields import FIELDS
from distributor.contacts.values import clean_value
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceReview,
    Contact,
    ContactBeat,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    MailingList,
    Role,
    Segment,
    SendOut,
    SendOutAudience,
    SendOutState,
    Subscription,
    SubscriptionStatus,
    Suppression,
)
from distributor.models.base import utcnow

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
BOUNCES = (BounceClass.HARD, BounceClass.SOFT)
# A segment still used by one of these send-outs cannot be deleted.
LIVE_SENDOUTS = (
    SendOutState.DRAFT,
    SendOutState.SCHEDULED,
    SendOutState.SENDING,
    SendOutState.PAUSED,
)
MAX_NAME = 100


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


# Validation: one pass that checks the tree and returns its normalized form.


def _fail(path: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{path}: {problem}")


def _text(path: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"needs a non-empty text value, got {value!r}")
    if field in CLEANED_FIELDS:
        try:
            return str(clean_value(field, value))
        except ValueError as exc:
            raise _fail(path, str(exc)) from None
    return value.strip().lower()


def _value(path: str, field: str, op: str, value: Any) -> Any:
    """The normalized value of a field test, or an error naming `path`."""
    if op in ("exists", "missing"):
        return None
    if field in BOOL_FIELDS:
        if not isinstance(value, bool):
            raise _fail(path, f"needs true or false, got {value!r}")
        return value
    if field in DATE_FIELDS:
        if not isinstance(value, str):
            raise _fail(path, f"needs a date such as 2026-03-01, got {value!r}")
        try:
            return clean_value("consent_at", value).isoformat()
        except ValueError as exc:
            raise _fail(path, str(exc)) from None
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise _fail(path, f"{op} needs a non-empty list of values, got {value!r}")
        return [_text(f"{path}[{i}]", field, item) for i, item in enumerate(value)]
    return _text(path, field, value)


def _field_test(node: Mapping[str, Any], path: str) -> dict[str, Any]:
    unknown = set(node) - {"field", "op", "value"}
    if unknown:
        raise _fail(path, f"unknown key {sorted(unknown)[0]!r} in a field test")
    field = node["field"]
    if not isinstance(field, str) or not _known_field(field):
        known = ", ".join(("beats", *TEXT_FIELDS, *DATE_FIELDS, *BOOL_FIELDS, "attributes.NAME"))
        raise _fail(f"{path}.field", f"unknown field {field!r}; use one of {known}")
    op = node.get("op")
    ops = _ops_for(field)
    if op not in ops:
        raise _fail(
            f"{path}.op", f"unknown operator {op!r} for {field}; use one of {', '.join(ops)}"
        )
    value = _value(f"{path}.value", field, op, node.get("value"))
    return {"field": field, "op": op} | ({} if value is None else {"value": value})


def _within(node: Mapping[str, Any], path: str) -> dict[str, int]:
    if "within_days" not in node:
        return {}
    days = node["within_days"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise _fail(f"{path}.within_days", f"needs a whole number of days ≥ 1, got {days!r}")
    if node["engagement"] == "suppressed":
        raise _fail(f"{path}.within_days", "suppressed has no time; drop within_days")
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


# Compilation: one SQL condition over Contact, EXISTS for everything outside its row.


def _ci(column: ColumnElement[Any]) -> ColumnElement[str]:
    return UnicodeLower(column)


def _attribute(field: str) -> ColumnElement[Any]:
    value: ColumnElement[str] = Contact.attributes[field.removeprefix(ATTRIBUTE_PREFIX)].as_string()
    return value


def _text_equals(field: str, column: ColumnElement[Any], values: list[str]) -> ColumnElement[bool]:
    wanted = [v.lower() for v in values]
    matches: list[ColumnElement[bool]] = [_ci(column).in_(wanted)]
    if field == "language":  # "en" also finds en-GB and en-US
        matches += [_ci(column).startswith(f"{v}-", autoescape=True) for v in wanted]
    return and_(column.is_not(None), or_(*matches))


def _field_condition(test: Mapping[str, Any]) -> ColumnElement[bool]:
    field: str = test["field"]
    op: str = test["op"]
    value: Any = test.get("value")
    if field == "beats":
        return _beats_condition(op, value)
    column: ColumnElement[Any] = (
        _attribute(field) if field.startswith(ATTRIBUTE_PREFIX) else getattr(Contact, field)
    )
    # Every leaf is two-valued (never NULL), so `not` and `ne` include empty fields.
    match op:
        case "exists":
            return column.is_not(None)
        case "missing":
            return column.is_(None)
        case "eq" if field in BOOL_FIELDS:
            return column.is_(true()) if value else column.is_(false())
        case "ne" if field in BOOL_FIELDS:
            return column.is_(false()) if value else column.is_(true())
        case "eq" | "in":
            return _text_equals(field, column, value if isinstance(value, list) else [value])
        case "ne" | "not_in":
            return not_(_text_equals(field, column, value if isinstance(value, list) else [value]))
        case "contains":
            return and_(column.is_not(None), _ci(column).contains(value, autoescape=True))
        case "before":
            return and_(column.is_not(None), column < datetime.fromisoformat(value))
        case "after":
            return and_(column.is_not(None), column > datetime.fromisoformat(value))
    raise AssertionError(f"validated rules cannot hold operator {op!r}")


def _beats_condition(op: str, value: Any) -> ColumnElement[bool]:
    beat = select(ContactBeat.contact_id).where(ContactBeat.contact_id == Contact.id)
    match op:
        case "exists":
            return exists(beat)
        case "missing":
            return not_(exists(beat))
        case "has":
            return exists(beat.where(ContactBeat.beat == value))
        case "in":
            return exists(beat.where(ContactBeat.beat.in_(value)))
        case "not_in":
            return not_(exists(beat.where(ContactBeat.beat.in_(value))))
        case "contains":
            return exists(beat.where(ContactBeat.beat.contains(value, autoescape=True)))
    raise AssertionError(f"validated rules cannot hold operator {op!r} for beats")


def _deliveries() -> Select[int]:
    # Explicit: this is also nested two levels deep, where auto-correlation does not reach.
    return select(Delivery.id).where(Delivery.contact_id == Contact.id).correlate(Contact)


def _engagement_condition(kind: str, days: int | None) -> ColumnElement[bool]:
    since = utcnow() - timedelta(days=days) if days else None
    if kind == "suppressed":
        # Hash-only (erased) entries have no contact left to match.
        return exists(select(Suppression.id).where(Suppression.email == Contact.email))
    if kind == "received":
        sent = _deliveries().where(Delivery.state == DeliveryState.SENT)
        return exists(sent.where(Delivery.sent_at >= since) if since else sent)
    if kind == "bounced":
        records = select(BounceRecord.id).where(
            BounceRecord.classification.in_(BOUNCES),
            or_(
                func.lower(BounceRecord.recipient) == Contact.email,
                BounceRecord.delivery_id.in_(_deliveries()),
            ),
            # Reports that prove no email of ours (a forged token, one kept for review) name
            # whomever their writer chose: they put nobody in a segment.
            BounceRecord.token_valid.is_not(False),
            or_(BounceRecord.review.is_(None), BounceRecord.review != BounceReview.NEEDED),
        )
        bounced = _deliveries().where(Delivery.state == DeliveryState.BOUNCED)
        if since:
            records = records.where(BounceRecord.received_at >= since)
            bounced = bounced.where(Delivery.updated_at >= since)
        return or_(exists(records), exists(bounced))
    events = (
        select(DeliveryEvent.id)
        .join(Delivery, Delivery.id == DeliveryEvent.delivery_id)
        .where(Delivery.contact_id == Contact.id, DeliveryEvent.kind == EVENT_KINDS[kind])
    )
    return exists(events.where(DeliveryEvent.at >= since) if since else events)


def _list_condition(slug: str, status: str) -> ColumnElement[bool]:
    return exists(
        select(Subscription.id)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(
            Subscription.contact_id == Contact.id,
            MailingList.slug == slug,
            Subscription.status == SubscriptionStatus(status),
        )
    )


def _compile(node: Mapping[str, Any]) -> ColumnElement[bool]:
    if "all" in node:
        return and_(true(), *(_compile(child) for child in node["all"]))
    if "any" in node:
        return or_(false(), *(_compile(child) for child in node["any"]))
    if "not" in node:
        return not_(_compile(node["not"]))
    if "field" in node:
        return _field_condition(node)
    if "list" in node:
        return _list_condition(node["list"], node.get("status", SubscriptionStatus.SUBSCRIBED))
    return _engagement_condition(node["engagement"], node.get("within_days"))


def rules_filter(rules: Any) -> ColumnElement[bool]:
    """The WHERE condition over Contact that `rules` describe (validated first)."""
    return _compile(validate_rules(rules))


def segment_filter(session: Session, name: str) -> ColumnElement[bool]:
    """The WHERE condition over Contact of the saved segment `name`; send-outs select with it."""
    return rules_filter(get_segment(session, name).rules)


# The text form the CLI (and a search box) uses.

_OPERATOR_WORDS = {
    "=": "eq",
    "==": "eq",
    "is": "eq",
    "!=": "ne",
    "~": "contains",
    "<": "before",
    ">": "after",
    **{op: op for op in dict.fromkeys(TEXT_OPS + BEAT_OPS + DATE_OPS)},
}
_LIST_OPS = ("in", "not_in")


def parse_where(clause: str) -> dict[str, Any]:
    """One rule from its text form: `FIELD OP VALUE`, `FIELD exists`, `[not] ENGAGEMENT
    [within N days]`, `list SLUG`, any of them after `not`. Lists of values are comma-separated."""
    try:
        words = shlex.split(clause)
    except ValueError as exc:
        raise InvalidInput(f"--where {clause!r}: {exc}") from None
    if not words:
        raise InvalidInput("--where needs a condition such as 'country in FR,DE'")
    if words[0] == "not" and len(words) > 1 and words[1] != "in":
        return {"not": parse_where(shlex.join(words[1:]))}
    if words[0] in ENGAGEMENTS:
        node: dict[str, Any] = {"engagement": words[0]}
        rest = words[1:]
        if rest:
            if len(rest) not in (2, 3) or rest[0] != "within" or not rest[1].isdigit():
                raise InvalidInput(
                    f"--where {clause!r}: write '{words[0]} within N days' or just '{words[0]}'"
                )
            node["within_days"] = int(rest[1])
        return node
    if words[0] == "list":
        if len(words) != 2:
            raise InvalidInput(f"--where {clause!r}: write 'list SLUG'")
        return {"list": words[1]}
    if len(words) < 2:
        raise InvalidInput(
            f"--where {clause!r}: write 'FIELD OP VALUE' (e.g. 'country in FR,DE'), "
            f"'FIELD exists', 'list SLUG' or one of {', '.join(ENGAGEMENTS)}"
        )
    field, words = words[0], words[1:]
    if words[:2] == ["not", "in"]:
        words = ["not_in", *words[2:]]
    op = _OPERATOR_WORDS.get(words[0].lower())
    if op is None:
        raise InvalidInput(
            f"--where {clause!r}: unknown operator {words[0]!r}; use one of {', '.join(_OPERATOR_WORDS)}"
        )
    text = " ".join(words[1:])
    if op in ("exists", "missing"):
        return {"field": field, "op": op}
    value: Any = text
    if op in _LIST_OPS:
        value = [part.strip() for part in text.split(",") if part.strip()]
    elif field in BOOL_FIELDS:
        value = text.lower() in ("true", "yes", "1")
    return {"field": field, "op": op, "value": value}


def parse_where_all(clauses: Sequence[str]) -> dict[str, Any]:
    """Several text clauses joined with AND, validated."""
    return validate_rules({"all": [parse_where(clause) for clause in clauses]})


def parse_where_lines(text: str) -> dict[str, Any]:
    """Clauses one per line (the admin form's box), joined with AND and validated; an error
    names the line and its clause rather than a place in the tree."""
    clauses = [line.strip() for line in text.splitlines() if line.strip()]
    for number, clause in enumerate(clauses, 1):
        try:
            validate_rules(parse_where(clause))
        except InvalidInput as exc:
            problem = str(exc).removeprefix(f"--where {clause!r}: ").removeprefix("rules.")
            raise InvalidInput(f"line {number}, {clause!r}: {problem}") from None
    return parse_where_all(clauses)


_OPERATOR_TEXT = {"eq": "=", "ne": "!=", "not_in": "not in"}


def _clause(node: Mapping[str, Any]) -> str | None:
    """`node` in the text form, or None for what the text form cannot write."""
    if "not" in node:
        inner = _clause(node["not"])
        return None if inner is None else f"not {inner}"
    if "engagement" in node:
        days = node.get("within_days")
        return f"{node['engagement']} within {days} days" if days else str(node["engagement"])
    if "list" in node:
        return None if "status" in node else f"list {shlex.quote(node['list'])}"
    if "field" not in node:
        return None  # any, or a nested all
    op, value = node["op"], node.get("value")
    words = [node["field"], _OPERATOR_TEXT.get(op, op)]
    if isinstance(value, bool):
        words.append(str(value).lower())
    elif isinstance(value, list):
        words.append(shlex.quote(",".join(value)))
    elif value is not None:
        words.append(shlex.quote(value))
    return " ".join(words)


def format_where(rules: Any) -> list[str] | None:
    """The text clauses `parse_where_all` turns back into `rules` (to edit them as text), or
    None when the rules need the JSON form (any, nesting, a list status, a comma in a value)."""
    node = validate_rules(rules)
    children = node["all"] if set(node) == {"all"} else [node]
    clauses = [_clause(child) for child in children]
    if any(clause is None for clause in clauses):
        return None
    written = [clause for clause in clauses if clause is not None]
    return written if parse_where_all(written) == {"all": children} else None


# Services.


@dataclass(frozen=True)
class SegmentPreview:
    count: int  # contacts the rules match now
    suppressed: int  # of those, how many a send-out will skip
    sample: list[Contact]


def _check_lists(session: Session, node: Mapping[str, Any], path: str = "rules") -> None:
    """Refuse rules naming a list that does not exist: a typo would silently match nobody."""
    for key in ("all", "any"):
        for i, child in enumerate(node.get(key, [])):
            _check_lists(session, child, f"{path}.{key}[{i}]")
    if "not" in node:
        _check_lists(session, node["not"], f"{path}.not")
    if (
        "list" in node
        and session.scalar(select(MailingList.id).where(MailingList.slug == node["list"])) is None
    ):
        raise NotFound(
            f"{path}.list: no list {node['list']!r}; see `distributor lists` for the slugs"
        )


def _checked_rules(session: Session, rules: Any) -> dict[str, Any]:
    normalized = validate_rules(rules)
    _check_lists(session, normalized)
    return normalized


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c in name for c in "\r\n\t"):
        raise InvalidInput(
            f"segment name {name!r}: give a single line of 1 to {MAX_NAME} characters"
        )
    return name


def get_segment(session: Session, name: str) -> Segment:
    segment = session.scalar(select(Segment).where(Segment.name == name))
    if segment is None:
        raise NotFound(f"no segment named {name!r}; see `distributor segments list`")
    return segment


def list_segments(session: Session) -> list[Segment]:
    return list(session.scalars(select(Segment).order_by(Segment.name)))


def create_segment(
    session: Session, name: str, rules: Any, actor: Actor, description: str | None = None
) -> Segment:
    actor.require(Role.ADMIN, "creating a segment")
    name = _checked_name(name)
    if session.scalar(select(Segment.id).where(Segment.name == name)) is not None:
        raise Conflict(f"a segment named {name!r} exists; pick another name or update it")
    segment = Segment(
        name=name,
        rules=_checked_rules(session, rules),
        description=description,
        created_by_id=actor.user_id,
    )
    session.add(segment)
    session.flush()
    record(session, actor, "segment.create", "segment", segment.id, name=name, rules=segment.rules)
    return segment


def update_segment(
    session: Session,
    name: str,
    actor: Actor,
    *,
    rules: Any = None,
    description: str | None = None,
    new_name: str | None = None,
) -> Segment:
    """Change what is given (rules, description, name); the others stay."""
    actor.require(Role.ADMIN, "changing a segment")
    segment = get_segment(session, name)
    changes: dict[str, Any] = {}
    if rules is not None:
        changes["rules"] = _checked_rules(session, rules)
    if description is not None:
        changes["description"] = description
    if new_name is not None and new_name.strip() != segment.name:
        changes["name"] = _checked_name(new_name)
        if session.scalar(select(Segment.id).where(Segment.name == changes["name"])) is not None:
            raise Conflict(f"a segment named {changes['name']!r} exists; pick another name")
    before = {key: getattr(segment, key) for key in changes}
    for key, value in changes.items():
        setattr(segment, key, value)
    session.flush()
    record(
        session,
        actor,
        "segment.update",
        "segment",
        segment.id,
        name=segment.name,
        before=before,
        after=changes,
    )
    return segment


def delete_segment(session: Session, name: str, actor: Actor) -> None:
    """Delete a segment no pending send-out uses (past send-outs keep their deliveries)."""
    actor.require(Role.ADMIN, "deleting a segment")
    segment = get_segment(session, name)
    used_by = session.scalars(
        select(SendOut.id)
        .join(SendOutAudience, SendOutAudience.sendout_id == SendOut.id)
        .where(SendOutAudience.segment_id == segment.id, SendOut.state.in_(LIVE_SENDOUTS))
    ).all()
    if used_by:
        raise Conflict(
            f"segment {name!r} is used by send-out(s) {', '.join(map(str, used_by))} "
            "that have not finished; cancel them or wait until they complete"
        )
    record(session, actor, "segment.delete", "segment", segment.id, name=name, rules=segment.rules)
    session.delete(segment)
    session.flush()


def preview_segment(
    session: Session, name_or_rules: str | Mapping[str, Any], sample: int = 10
) -> SegmentPreview:
    """How many contacts a segment (saved, or rules not yet saved) matches, and a few of them."""
    if isinstance(name_or_rules, str):
        condition = segment_filter(session, name_or_rules)
    else:
        condition = _compile(_checked_rules(session, name_or_rules))
    suppressed = exists(select(Suppression.id).where(Suppression.email == Contact.email))
    count, suppressed_count = session.execute(
        select(
            func.count(Contact.id),
            func.coalesce(func.sum(case((suppressed, 1), else_=0)), 0),
        ).where(condition)
    ).one()
    contacts = session.scalars(
        select(Contact)
        .where(condition)
        .order_by(Contact.email)
        .limit(max(sample, 0))
        .options(selectinload(Contact.beat_rows))
    ).all()
    return SegmentPreview(count=count, suppressed=suppressed_count, sample=list(contacts))
