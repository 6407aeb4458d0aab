"""A send-out's recipients out to CSV or Excel, streamed a batch at a time, with every cell that a
spreadsheet would run as a formula neutralized (as in the contacts export)."""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable
from datetime import datetime
from typing import IO

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.contacts import neutralize_formula
from distributor.errors import NotFound
from distributor.models import Role, SendOut
from distributor.overview.recipients import Recipient, RecipientState, all_recipients

COLUMNS = (
    "Email",
    "Name",
    "Outlet",
    "Country",
    "State",
    "Bounce reason",
    "Sent at",
    "Opened at",
    "Clicked at",
    "Clicks",
    "Replied at",
    "Unsubscribed at",
    "Complained at",
)


class RecipientsFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def _time(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else ""


def _cells(recipient: Recipient) -> list[str]:
    reacted = recipient.reactions
    row = [
        recipient.email,
        recipient.name,
        recipient.outlet or "",
        recipient.country or "",
        recipient.state_words,
        recipient.bounce_reason or "",
        _time(recipient.sent_at),
        _time(reacted.get("opened")),
        _time(reacted.get("clicked")),
        str(recipient.clicks),
        _time(reacted.get("replied")),
        _time(reacted.get("unsubscribed")),
        _time(reacted.get("complained")),
    ]
    return [neutralize_formula(cell) for cell in row]


def _write_csv(out: IO[bytes], rows: Iterable[list[str]]) -> None:
    # With a byte order mark: spreadsheets, the readers of this export, need it to read UTF-8.
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerows(rows)
    text.flush()
    text.detach()  # the caller owns `out`


def _write_xlsx(out: IO[bytes], rows: Iterable[list[str]]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Recipients")
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    workbook.save(out)


def export_recipients(
    session: Session,
    out: IO[bytes],
    format: RecipientsFormat,
    actor: Actor,
    sendout_id: int,
    state: RecipientState | None = None,
    search: str = "",
) -> int:
    """Write the chosen recipients of send-out `sendout_id` to `out`; how many were written.

    Recorded in the audit log: personal data left the system.
    """
    actor.require(Role.PRESS_OFFICER, "exporting recipients")
    if session.get(SendOut, sendout_id) is None:
        raise NotFound(f"no send-out {sendout_id}")
    written = 0

    def rows() -> Iterable[list[str]]:
        nonlocal written
        yield list(COLUMNS)
        for recipient in all_recipients(session, sendout_id, state, search):
            written += 1
            yield _cells(recipient)

    (_write_csv if format is RecipientsFormat.CSV else _write_xlsx)(out, rows())
    record(
        session,
        actor,
        "sendouts.export_recipients",
        "sendout",
        sendout_id,
        format=format.value,
        state=state.value if state else None,
        search=search or None,
        rows=written,
    )
    return written
