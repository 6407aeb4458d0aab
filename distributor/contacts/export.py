"""Contacts out to CSV, Excel or JSON lines, streamed from the database in batches.

Memory stays flat whatever the size: rows are read by keyset pagination on the
contact id and written as they come (Excel through openpyxl's write-only mode).
Spreadsheet cells that would run as a formula are neutralized; JSON lines,
read by programs rather than spreadsheets, keep the values exactly.

Custom attributes get a column each in CSV and Excel, in name order: one
preliminary query collects the names over the exported contacts, so the header
is known before the first row. JSON lines carry them as an object.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import ColumnElement, Select, and_, select, true
from sqlalchemy import func as sql
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.contacts.fields import FIELDS
from distributor.contacts.lists import get_list
from distributor.contacts.segments import segment_filter
from distributor.errors import InvalidInput
from distributor.models import Contact, ContactBeat, Role, Subscription, SubscriptionStatus

BATCH_SIZE = 1000
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Every field but the full name, which first and last name already hold.
EXPORTED = tuple(f for f in FIELDS if f.name != "name")
_COLUMNS = tuple(getattr(Contact, f.name) for f in EXPORTED if f.name != "beats")
_STATUS_COLUMNS = (("status", "Status"), ("status_changed_at", "Status changed at"))


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"


@dataclass(frozen=True)
class ExportSummary:
    format: ExportFormat
    scope: str  # "list film-critics", "segment critics-fr", "all contacts"
    rows: int
    columns: list[str]

    def as_dict(self) -> dict[str, object]:
        return {
            "format": self.format.value,
            "scope": self.scope,
            "rows": self.rows,
            "columns": self.columns,
        }


def neutralize_formula(text: str) -> str:
    """Text a spreadsheet shows as text, never runs: a leading quote before a formula trigger.

    The OWASP recommendation against CSV injection; a phone number "+33 …" gets
    the quote too, which is the price of never running "+cmd|…".
    """
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


@dataclass(frozen=True)
class _Scope:
    """Which contacts an export reads, and the subscription columns it adds for a list."""

    description: str
    apply: Callable[[Select[Any]], Select[Any]]
    with_status: bool


def _scope(
    session: Session,
    list_slug: str | None,
    segment: str | None,
    all_statuses: bool,
    chosen: tuple[str, ColumnElement[bool]] | None = None,
) -> _Scope:
    if sum(given is not None for given in (list_slug, segment, chosen)) > 1:
        raise InvalidInput("export a list, a segment or the contacts chosen, one of them")
    if chosen is not None:
        description, where = chosen
        return _Scope(description, lambda q: q.where(where), with_status=False)
    if list_slug is not None:
        list_id = get_list(session, list_slug).id
        on = and_(Subscription.contact_id == Contact.id, Subscription.list_id == list_id)
        if not all_statuses:
            on = and_(on, Subscription.status == SubscriptionStatus.SUBSCRIBED)
        return _Scope(f"list {list_slug}", lambda q: q.join(Subscription, on), with_status=True)
    if segment is not None:
        condition: ColumnElement[bool] = segment_filter(session, segment)
        return _Scope(f"segment {segment}", lambda q: q.where(condition), with_status=False)
    return _Scope("all contacts", lambda q: q, with_status=False)


def _attribute_names(session: Session, scope: _Scope) -> list[str]:
    """The custom attribute names among the exported contacts, in one query."""
    postgres = session.get_bind().dialect.name == "postgresql"
    pairs = (sql.jsonb_each if postgres else sql.json_each)(Contact.attributes).table_valued("key")
    query = scope.apply(select(pairs.c.key).select_from(Contact).join(pairs, true()))
    return sorted(session.scalars(query.distinct()))


def _records(session: Session, scope: _Scope, batch_size: int) -> Iterator[dict[str, Any]]:
    """Each exported contact as field name -> value, in id order, `batch_size` at a time."""
    extra = (Subscription.status, Subscription.changed_at) if scope.with_status else ()
    query = scope.apply(select(Contact.id, *_COLUMNS, Contact.attributes, *extra))
    last_id = 0
    while True:
        rows = session.execute(
            query.where(Contact.id > last_id).order_by(Contact.id).limit(batch_size)
        ).all()
        if not rows:
            return
        ids = [row[0] for row in rows]
        beats: dict[int, list[str]] = {}
        for contact_id, beat in session.execute(
            select(ContactBeat.contact_id, ContactBeat.beat)
            .where(ContactBeat.contact_id.in_(ids))
            .order_by(ContactBeat.contact_id, ContactBeat.beat)
        ):
            beats.setdefault(contact_id, []).append(beat)
        for row in rows:
            values = dict(zip((c.key for c in _COLUMNS), row[1 : 1 + len(_COLUMNS)], strict=True))
            values["beats"] = beats.get(row[0], [])
            values["attributes"] = row[1 + len(_COLUMNS)]
            if scope.with_status:
                values["status"], values["status_changed_at"] = row[-2:]
            yield values
        last_id = ids[-1]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def export_contacts(
    session: Session,
    out: IO[bytes],
    format: ExportFormat,
    actor: Actor,
    *,
    list_slug: str | None = None,
    segment: str | None = None,
    all_statuses: bool = False,
    excel_bom: bool = False,
    batch_size: int = BATCH_SIZE,
    chosen: tuple[str, ColumnElement[bool]] | None = None,
) -> ExportSummary:
    """Write the contacts of a list (subscribed ones, unless `all_statuses`), a segment, those
    `chosen` (a description and a condition on Contact), or all.

    `excel_bom` starts a CSV with a byte order mark, which Excel needs to read
    UTF-8; leave it off for programs. The export is recorded in the audit log:
    personal data left the system.
    """
    actor.require(Role.PRESS_OFFICER, "exporting contacts")
    scope = _scope(session, list_slug, segment, all_statuses, chosen)
    attributes = _attribute_names(session, scope) if format != ExportFormat.JSONL else []
    keys = [f.name for f in EXPORTED] + [k for k, _ in _STATUS_COLUMNS if scope.with_status]
    labels = [f.label for f in EXPORTED] + [
        label for _, label in _STATUS_COLUMNS if scope.with_status
    ]

    def cells(values: dict[str, Any]) -> list[str]:
        row = [_text(values[k]) for k in keys]
        row += [_text(values["attributes"].get(name)) for name in attributes]
        return [neutralize_formula(cell) for cell in row]

    records = _records(session, scope, batch_size)
    rows = 0
    if format == ExportFormat.JSONL:
        for values in records:
            line = {k: _json_value(values[k]) for k in [*keys, "attributes"]}
            out.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
            rows += 1
    elif format == ExportFormat.CSV:
        text = io.TextIOWrapper(out, encoding="utf-8-sig" if excel_bom else "utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow([neutralize_formula(h) for h in [*labels, *attributes]])
        for values in records:
            writer.writerow(cells(values))
            rows += 1
        text.flush()
        text.detach()  # the caller owns `out`
    else:
        from openpyxl import Workbook  # type: ignore[import-untyped]  # only XLSX pays for it
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Contacts")
        sheet.append([neutralize_formula(h) for h in [*labels, *attributes]])
        for values in records:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in cells(values)])
            rows += 1
        workbook.save(out)
    summary = ExportSummary(
        format=format,
        scope=scope.description,
        rows=rows,
        columns=[*keys, "attributes"] if format == ExportFormat.JSONL else [*labels, *attributes],
    )
    record(
        session,
        actor,
        "contacts.export",
        "contacts",
        None,
        scope=scope.description,
        format=format.value,
        rows=rows,
        all_statuses=all_statuses,
    )
    return summary
