"""/admin/sendouts/{id}/report: how one send-out went, in percentages, links, outlets and
countries, and its recipients with what became of each, to read or to export."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from distributor.models import reason_label
from distributor.overview import (
    OPENS_CAVEAT,
    RecipientsFormat,
    RecipientState,
    export_recipients,
    recipients_page,
    sendout_figures,
    share,
)
from distributor.web.admin.access import Reader, Sender
from distributor.web.admin.charts import percent
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, transaction

router = APIRouter()
PATH = "/admin/sendouts/{sendout_id}/report"
# Exports are written to a temporary file, in memory up to this size, then sent.
_SPOOL_BYTES = 8 * 1024 * 1024
_MEDIA_TYPES = {
    RecipientsFormat.CSV: "text/csv; charset=utf-8",
    RecipientsFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The choices of the recipients' filter, in a press officer's words.
STATE_CHOICES = {
    RecipientState.DELIVERED: "Delivered",
    RecipientState.PENDING: "Still to go",
    RecipientState.BOUNCED: "Bounced",
    RecipientState.FAILED: "Failed",
    RecipientState.SKIPPED: "Skipped",
    RecipientState.OPENED: "Opened",
    RecipientState.CLICKED: "Clicked a link",
    RecipientState.REPLIED: "Replied",
    RecipientState.UNSUBSCRIBED: "Unsubscribed",
    RecipientState.COMPLAINED: "Complained",
}


def _state(value: str) -> RecipientState | None:
    """The chosen state; none (every recipient) for an empty or unknown choice."""
    try:
        return RecipientState(value)
    except ValueError:
        return None


@router.get(PATH)
def report_page(
    request: Request, who: Reader, sendout_id: int, state: str = "", q: str = "", page: int = 1
) -> HTMLResponse:
    chosen, search = _state(state), q.strip()
    pages = Pages.at(request, page)
    with transaction(request) as session:
        figures = sendout_figures(session, sendout_id)
        total, found = recipients_page(session, sendout_id, chosen, search, PER_PAGE, pages.offset)
        return admin_page(
            request,
            who,
            "report.html",
            f"Report: {figures.sendout.title}",
            crumbs=(
                ("Send-outs", "/admin/sendouts"),
                (f"Send-out {sendout_id}", f"/admin/sendouts/{sendout_id}"),
            ),
            figures=figures,
            recipients=found,
            pages=pages.of(total),
            chosen=chosen.value if chosen else "",
            search=search,
            states=STATE_CHOICES,
            opens_caveat=OPENS_CAVEAT,
            percent=percent,
            share=share,
            reason_label=reason_label,
            base=PATH.format(sendout_id=sendout_id),
            export_query=_query(chosen, search),
        )


def _query(chosen: RecipientState | None, search: str) -> str:
    """The filter as a query string, for the export links to export what is shown."""
    wanted = {"state": chosen.value if chosen else "", "q": search}
    return urlencode({k: v for k, v in wanted.items() if v})


@router.get(PATH + "/recipients.{format}")
def export_page(
    request: Request,
    who: Sender,
    sendout_id: int,
    format: RecipientsFormat,
    state: str = "",
    q: str = "",
) -> StreamingResponse:
    # Closed by _chunks once sent, or here if the export is refused.
    out = tempfile.SpooledTemporaryFile(_SPOOL_BYTES)  # noqa: SIM115
    try:
        with transaction(request) as session:
            export_recipients(
                session, out, format, who.principal.actor, sendout_id, _state(state), q.strip()
            )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    name = f"sendout-{sendout_id}-recipients.{format.value}"
    return StreamingResponse(
        _chunks(out),
        media_type=_MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _chunks(out: IO[bytes]) -> Iterator[bytes]:
    with out:
        while chunk := out.read(64 * 1024):
            yield chunk
