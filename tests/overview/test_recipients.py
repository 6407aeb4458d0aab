"""A send-out's recipients, chosen by what became of their message and by a search, a page at a
time; and exported to CSV and Excel with nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from distributor.audit import Actor
from distributor.errors import NotFound, PermissionDenied
from distributor.models import AuditEntry, Role, SendOut
from distributor.overview import (
    COLUMNS,
    RecipientsFormat,
    RecipientState,
    count_recipients,
    export_recipients,
    recipients,
    recipients_page,
)
from tests.overview.launch import NOW, SENT, Newsdesk, launch

OFFICER = Actor("user:2", Role.PRESS_OFFICER)


@pytest.fixture
def sendout(desk: Newsdesk) -> SendOut:
    return launch(desk, NOW - timedelta(days=3))


def _emails(desk: Newsdesk, sendout: SendOut, **chosen: object) -> list[str]:
    return [one.email for one in recipients(desk.session, sendout.id, **chosen)]  # type: ignore[arg-type]


def test_bounced_recipients_come_with_the_reason_in_words(desk: Newsdesk, sendout: SendOut) -> None:
    found = recipients(desk.session, sendout.id, RecipientState.BOUNCED)

    assert [(one.email, one.bounce_reason) for one in found] == [
        ("chloe@lemonde.example", "user unknown"),
        ("fritz@zeit.example", "mailbox full"),
    ]


def test_recipients_are_chosen_by_what_they_did(desk: Newsdesk, sendout: SendOut) -> None:
    assert _emails(desk, sendout, state=RecipientState.CLICKED) == [
        "anna@lemonde.example",
        "dora@zeit.example",
    ]
    assert _emails(desk, sendout, state=RecipientState.COMPLAINED) == ["gina@guardian.example"]
    assert _emails(desk, sendout, state=RecipientState.PENDING) == ["jon@freelance.example"]


def test_a_search_finds_recipients_by_outlet_name_or_address(
    desk: Newsdesk, sendout: SendOut
) -> None:
    assert _emails(desk, sendout, search="ZEIT") == [
        "dora@zeit.example",
        "emil@zeit.example",
        "fritz@zeit.example",
    ]
    assert _emails(desk, sendout, search="chloé petit") == ["chloe@lemonde.example"]
    assert _emails(desk, sendout, search="50%") == []


def test_a_search_and_a_state_together(desk: Newsdesk, sendout: SendOut) -> None:
    chosen = {"state": RecipientState.DELIVERED, "search": "monde"}

    assert _emails(desk, sendout, **chosen) == ["anna@lemonde.example", "ben@lemonde.example"]
    assert count_recipients(desk.session, sendout.id, **chosen) == 2  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "chosen",
    [{}, {"state": RecipientState.DELIVERED}, {"search": "zeit"}],
    ids=["everyone", "by state", "by search"],
)
def test_a_page_comes_with_the_count_of_all_chosen(
    desk: Newsdesk, sendout: SendOut, chosen: dict[str, object]
) -> None:
    total, page = recipients_page(desk.session, sendout.id, limit=2, offset=2, **chosen)  # type: ignore[arg-type]

    assert total == count_recipients(desk.session, sendout.id, **chosen)  # type: ignore[arg-type]
    assert [one.email for one in page] == _emails(desk, sendout, **chosen)[2:4]


def test_a_page_past_the_last_still_counts_the_chosen(desk: Newsdesk, sendout: SendOut) -> None:
    total, page = recipients_page(
        desk.session, sendout.id, RecipientState.DELIVERED, limit=50, offset=50
    )

    assert (total, page) == (5, [])


def test_a_recipient_shows_what_they_did_and_how_often_they_clicked(
    desk: Newsdesk, sendout: SendOut
) -> None:
    anna = recipients(desk.session, sendout.id, limit=1)[0]

    assert (anna.name, anna.outlet, anna.country, anna.state_words) == (
        "Anna Martin",
        "Le Monde",
        "FR",
        "delivered",
    )
    assert sorted(anna.reactions) == ["clicked", "opened"]
    assert anna.clicks == 3


def test_recipients_come_a_page_at_a_time(desk: Newsdesk, sendout: SendOut) -> None:
    second = _emails(desk, sendout, limit=4, offset=4)

    assert second == [
        "emil@zeit.example",
        "fritz@zeit.example",
        "gina@guardian.example",
        "hugo@guardian.example",
    ]


def test_the_csv_export_holds_the_chosen_recipients_and_is_audited(
    desk: Newsdesk, sendout: SendOut
) -> None:
    out = io.BytesIO()

    written = export_recipients(
        desk.session, out, RecipientsFormat.CSV, OFFICER, sendout.id, RecipientState.BOUNCED
    )

    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert written == 2
    assert rows[0] == list(COLUMNS)
    assert rows[1][:6] == [
        "chloe@lemonde.example",
        "Chloé Petit",
        "Le Monde",
        "FR",
        "bounced",
        "user unknown",
    ]
    entry = desk.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "sendouts.export_recipients")
    )
    assert entry is not None


def test_the_excel_export_opens_with_every_recipient(desk: Newsdesk, sendout: SendOut) -> None:
    out = io.BytesIO()

    export_recipients(desk.session, out, RecipientsFormat.XLSX, OFFICER, sendout.id)

    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True)["Recipients"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 11
    anna = rows[1]
    assert anna[0] == "anna@lemonde.example"
    assert anna[COLUMNS.index("Clicks")] == "3"
    assert anna[COLUMNS.index("Opened at")].startswith("2026-11-17T")


def test_a_name_that_looks_like_a_formula_is_exported_as_text(desk: Newsdesk) -> None:
    sendout = desk.sendout(NOW - timedelta(days=1))
    mallory = desk.journalist(
        "mallory@tabloid.example",
        '=HYPERLINK("https://evil.example","Click")',
        "",
        "+Tabloid",
        "GB",
    )
    desk.deliver(sendout, mallory, SENT)
    out = io.BytesIO()

    export_recipients(desk.session, out, RecipientsFormat.XLSX, OFFICER, sendout.id)

    sheet = load_workbook(io.BytesIO(out.getvalue()))["Recipients"]
    assert sheet["B2"].value == '\'=HYPERLINK("https://evil.example","Click")'
    assert sheet["B2"].data_type == "s"
    assert sheet["C2"].value == "'+Tabloid"


def test_a_viewer_may_not_export_recipients(desk: Newsdesk, sendout: SendOut) -> None:
    with pytest.raises(PermissionDenied):
        export_recipients(
            desk.session,
            io.BytesIO(),
            RecipientsFormat.CSV,
            Actor("user:3", Role.VIEWER),
            sendout.id,
        )


def test_exporting_a_sendout_that_does_not_exist_is_refused(desk: Newsdesk) -> None:
    with pytest.raises(NotFound, match="no send-out 999"):
        export_recipients(desk.session, io.BytesIO(), RecipientsFormat.CSV, OFFICER, 999)
