"""Saved segments: create, change, delete and look them up, and preview whom they match."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from distributor.audit import Actor, record
from distributor.contacts.segments.compiler import compile_rules, rules_filter
from distributor.contacts.segments.rules import validate_rules
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    Contact,
    MailingList,
    Role,
    Segment,
    SendOut,
    SendOutAudience,
    SendOutState,
    Suppression,
)

# A segment still used by one of these send-outs cannot be deleted.
LIVE_SENDOUTS = (
    SendOutState.DRAFT,
    SendOutState.SCHEDULED,
    SendOutState.SENDING,
    SendOutState.PAUSED,
)
MAX_NAME = 100


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


def segment_filter(session: Session, name: str) -> ColumnElement[bool]:
    """The WHERE condition over Contact of the saved segment `name`; send-outs select with it."""
    return rules_filter(get_segment(session, name).rules)


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
        condition = compile_rules(_checked_rules(session, name_or_rules))
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
