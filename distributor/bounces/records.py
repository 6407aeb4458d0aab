"""Reading the bounce records back: lists, one record with its evidence, counts per send-out or address.

Records kept before reasons were recorded have none: they are shown by their class alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from distributor.addresses import normalized_address
from distributor.errors import InvalidInput, NotFound
from distributor.models import (
    REASONS,
    BounceClass,
    BounceRecord,
    BounceReview,
    Contact,
    Delivery,
    Reason,
    Suppression,
    email_hash,
    reason_label,
    reasons_summary,
)

RAW_PREVIEW_LINES = 40
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class BounceFilter:
    classification: BounceClass | None = None
    sendout_id: int | None = None
    email: str | None = None
    search: str | None = None  # part of the address, any case
    since: datetime | None = None  # received at or after
    reason: Reason | None = None
    review: BounceReview | None = None  # NEEDED: the records waiting for a person's review

    def apply(self, query: _Query) -> _Query:
        if self.classification is not None:
            query = query.where(BounceRecord.classification == self.classification)
        if self.review is not None:
            query = query.where(BounceRecord.review == self.review)
        if self.reason is not None:
            query = query.where(BounceRecord.reason == self.reason.value)
        if self.sendout_id is not None:
            query = query.join(Delivery, Delivery.id == BounceRecord.delivery_id).where(
                Delivery.sendout_id == self.sendout_id
            )
        if self.email is not None:
            query = query.where(BounceRecord.recipient == normalized_address(self.email))
        if self.search:
            # A record without a recipient is found by its delivery's contact.
            part = self.search.strip().lower()
            contacts = select(Delivery.id).join(Contact, Contact.id == Delivery.contact_id)
            query = query.where(
                or_(
                    func.lower(BounceRecord.recipient).contains(part, autoescape=True),
                    BounceRecord.delivery_id.in_(
                        contacts.where(Contact.email.contains(part, autoescape=True))
                    ),
                )
            )
        if self.since is not None:
            query = query.where(BounceRecord.received_at >= self.since)
        return query


def reason_named(name: str) -> Reason:
    """The reason a filter names (`--reason`, the admin's select), or an error listing them all."""
    try:
        return Reason(name.strip().lower())
    except ValueError:
        choices = ", ".join(reason.value for reason in REASONS)
        raise InvalidInput(f"reason {name!r} does not exist; choose one of {choices}") from None


def shown_reason(reason: str | None) -> str | None:
    """A record's reason in a press officer's words; None for a record kept without one."""
    return reason_label(reason) if reason else None


def list_bounces(
    session: Session, where: BounceFilter, limit: int = 100, offset: int = 0
) -> list[BounceRecord]:
    """Matching records, newest first."""
    query = where.apply(select(BounceRecord))
    order = (BounceRecord.received_at.desc(), BounceRecord.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))


def count_bounces(session: Session, where: BounceFilter) -> int:
    return session.scalar(where.apply(select(func.count(BounceRecord.id)))) or 0


def bounce_contacts(session: Session, found: list[BounceRecord]) -> dict[int, tuple[int, str]]:
    """The contact (id, address) each record is about, by record id: its delivery's, else the
    one with its address; records about no known contact are left out."""
    rows = session.execute(
        select(BounceRecord.id, Contact.id, Contact.email)
        .outerjoin(Delivery, Delivery.id == BounceRecord.delivery_id)
        .join(
            Contact,
            or_(
                Contact.id == Delivery.contact_id,
                (Delivery.contact_id.is_(None))
                & (Contact.email == func.lower(BounceRecord.recipient)),
            ),
        )
        .where(BounceRecord.id.in_([record.id for record in found]))
    )
    return {record_id: (contact_id, email) for record_id, contact_id, email in rows}


def get_bounce(session: Session, record_id: int) -> BounceRecord:
    record = session.get(BounceRecord, record_id)
    if record is None:
        raise NotFound(f"no bounce record {record_id}; see `distributor bounces list`")
    return record


def describe_bounce(record: BounceRecord, raw_lines: int = 0) -> dict[str, Any]:
    """The record as `--json` shows it; with `raw_lines`, the first lines of the kept message."""
    described: dict[str, Any] = {
        "id": record.id,
        "received_at": record.received_at.isoformat() if record.received_at else None,
        "source": record.source.value,
        "classification": record.classification.value,
        "recipient": record.recipient,
        "delivery_id": record.delivery_id,
        "status_code": record.status_code,
        "reply_code": record.reply_code,
        "reason": record.reason,
        "reason_label": shown_reason(record.reason),
        "diagnostic": record.diagnostic,
        "message_id": record.message_id,
        "original_message_id": record.original_message_id,
        "verp_token": record.verp_token,
        "token_valid": record.token_valid,
        "raw_size": record.raw_size,
        "raw_kept": len(record.raw_message or b""),
        "decision": record.decision,
        "review": record.review.value if record.review is not None else None,
    }
    if raw_lines:
        text = (record.raw_message or b"").decode("utf-8", "replace")
        described["raw_head"] = text.splitlines()[:raw_lines]
    return described


@dataclass(frozen=True)
class BounceReport:
    """What came back for one send-out or one address."""

    scope: str  # "sendout 12" or the address
    by_class: dict[str, int]  # every class, zero included
    by_reason: dict[str, int]  # the reasons recorded, most frequent first
    without_reason: dict[str, int]  # by class, records kept before reasons were
    ignored: int  # records whose token did not verify
    suppression: str | None  # the address's suppression reason, for an address report
    needs_review: int = 0  # records nothing ties to an email of ours, waiting for a person

    @property
    def total(self) -> int:
        return sum(self.by_class.values())

    @property
    def summary(self) -> str:
        """One line: "12 user unknown, 3 mailbox full, 2 hard (no reason recorded)"."""
        unexplained = (
            f"{count} {kind.replace('_', '-')} (no reason recorded)"
            for kind, count in self.without_reason.items()
        )
        return ", ".join(part for part in (reasons_summary(self.by_reason), *unexplained) if part)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "total": self.total,
            "by_class": self.by_class,
            "by_reason": self.by_reason,
            "summary": self.summary,
            "ignored": self.ignored,
            "needs_review": self.needs_review,
            "suppression": self.suppression,
        }


def bounce_report(
    session: Session, *, sendout_id: int | None = None, email: str | None = None
) -> BounceReport:
    """Counts by class and by reason for one send-out or one address (exactly one of them)."""
    if (sendout_id is None) == (email is None):
        raise InvalidInput(
            "a bounce report is of one send-out or of one address: name exactly one of them"
        )
    where = BounceFilter(sendout_id=sendout_id, email=email)
    grouped = (
        BounceRecord.classification,
        BounceRecord.reason,
        BounceRecord.token_valid,
        BounceRecord.review,
    )
    counted = where.apply(select(*grouped, func.count())).group_by(*grouped)
    by_class = dict.fromkeys((kind.value for kind in BounceClass), 0)
    by_reason: Counter[str] = Counter()
    without_reason: Counter[str] = Counter()
    ignored = needs_review = 0
    for kind, reason, token_valid, review, count in session.execute(counted):
        if token_valid is False:
            ignored += count
            continue
        if review is BounceReview.NEEDED:  # held against nobody until a person applies it
            needs_review += count
            continue
        by_class[kind.value] += count
        if reason:
            by_reason[reason] += count
        else:
            without_reason[kind.value] += count
    suppression = None
    if email is not None:
        digest = email_hash(normalized_address(email))
        why = session.scalar(select(Suppression.reason).where(Suppression.email_hash == digest))
        suppression = why.value if why is not None else None
    scope = f"sendout {sendout_id}" if sendout_id is not None else normalized_address(email or "")
    return BounceReport(
        scope,
        by_class,
        dict(by_reason.most_common()),
        dict(without_reason.most_common()),
        ignored,
        suppression,
        needs_review,
    )
