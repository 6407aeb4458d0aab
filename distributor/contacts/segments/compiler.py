"""Validated rules compiled to one SQL condition over Contact, EXISTS for everything outside its row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, not_, or_, select, true

from distributor.contacts.directory import ATTRIBUTE_PREFIX, UnicodeLower
from distributor.contacts.segments.rules import BOOL_FIELDS, EVENT_KINDS, validate_rules
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceReview,
    Contact,
    ContactBeat,
    Delivery,
    DeliveryEvent,
    DeliveryState,
    MailingList,
    Subscription,
    SubscriptionStatus,
    Suppression,
    utcnow,
)

BOUNCES = (BounceClass.HARD, BounceClass.SOFT)


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


def compile_rules(node: Mapping[str, Any]) -> ColumnElement[bool]:
    """The WHERE condition over Contact of rules `validate_rules` has normalized."""
    if "all" in node:
        return and_(true(), *(compile_rules(child) for child in node["all"]))
    if "any" in node:
        return or_(false(), *(compile_rules(child) for child in node["any"]))
    if "not" in node:
        return not_(compile_rules(node["not"]))
    if "field" in node:
        return _field_condition(node)
    if "list" in node:
        return _list_condition(node["list"], node.get("status", SubscriptionStatus.SUBSCRIBED))
    return _engagement_condition(node["engagement"], node.get("within_days"))


def rules_filter(rules: Any) -> ColumnElement[bool]:
    """The WHERE condition over Contact that `rules` describe (validated first)."""
    return compile_rules(validate_rules(rules))
