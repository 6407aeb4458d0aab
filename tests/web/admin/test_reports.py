"""The dashboard, the send-out list and a send-out's report as press officers read them, and the
recipients' export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from distributor.models import Role, SendOut, utcnow
from tests.overview.launch import Newsdesk, launch
from tests.web.admin.conftest import Admin


@pytest.fixture
def desk(admin: Admin) -> Newsdesk:
    return Newsdesk.open(admin.web.session)


@pytest.fixture
def sendout(admin: Admin, desk: Newsdesk) -> SendOut:
    sendout = launch(desk, utcnow() - timedelta(days=3))
    admin.commit()
    return sendout


def test_the_dashboard_shows_a_recent_sendouts_progress_and_results(
    admin: Admin, sendout: SendOut
) -> None:
    page = admin.signed_in(Role.VIEWER).get("/admin")

    assert page.status_code == 200
    assert f'<a href="/admin/sendouts/{sendout.id}">New research fleet launched</a>' in page.text
    assert 'role="progressbar"' in page.text
    assert 'style="width: 90.0%"' in page.text
    assert "9 of 10 done" in page.text
    assert f'href="/admin/sendouts/{sendout.id}/report"' in page.text


def test_the_dashboard_draws_each_rate_as_a_chart_with_its_figures(
    admin: Admin, sendout: SendOut
) -> None:
    page = admin.signed_in(Role.VIEWER).get("/admin").text

    for label in (
        "Delivery rate",
        "Reply rate",
        "Bounce rate",
        "Unsubscribe rate",
        "Complaint rate",
    ):
        assert f">{label} per week, last 30 days</title>" in page
    assert "Open rate (unreliable)" in page
    assert "privacy protection" in page
    assert '<p class="rate">62.5%</p>' in page  # delivered 5 of 8 sent
    assert "User unknown" in page
    assert "Mailbox full" in page


def test_the_dashboard_window_is_chosen_by_a_link(
    admin: Admin, desk: Newsdesk, sendout: SendOut
) -> None:
    desk.sendout(utcnow() - timedelta(days=60))
    admin.commit()
    browser = admin.signed_in(Role.VIEWER)

    month, quarter = browser.get("/admin").text, browser.get("/admin?days=90").text

    assert "1 send-out started since" in month
    assert "2 send-outs started since" in quarter
    assert '<a href="/admin?days=90#rates" aria-current="true">' in quarter
    assert "1 send-out started since" in browser.get("/admin?days=7").text  # not a choice: 30


def test_the_dashboard_lists_embargoes_about_to_lift(admin: Admin, desk: Newsdesk) -> None:
    desk.release.embargo_until = utcnow() + timedelta(days=1)
    admin.commit()

    page = admin.signed_in(Role.VIEWER).get("/admin").text

    assert f'<a href="/admin/releases/{desk.release.id}">National Film Fund' in page


def test_the_sendout_list_shows_results_per_row_and_numbered_pages(
    admin: Admin, desk: Newsdesk, sendout: SendOut
) -> None:
    for _ in range(120):
        desk.sendout(None)
    admin.commit()
    browser = admin.signed_in(Role.VIEWER)

    last = browser.get("/admin/sendouts?page=3").text

    assert '<strong aria-current="page">3</strong>' in last
    assert 'aria-label="Page 1">1</a>' in last
    assert 'aria-label="Page 2">2</a>' in last
    assert f'<a href="/admin/sendouts/{sendout.id}">{sendout.id}</a>' in last
    assert '<td data-label="Delivered">5</td>' in last


def test_the_report_gives_each_outcome_as_a_percentage(admin: Admin, sendout: SendOut) -> None:
    page = admin.signed_in(Role.VIEWER).get(f"/admin/sendouts/{sendout.id}/report")

    assert page.status_code == 200
    assert 'aria-label="Breadcrumb"' in page.text
    assert f'<a href="/admin/sendouts/{sendout.id}">Send-out {sendout.id}</a>' in page.text
    assert (
        '<td data-label="Share">62.5%</td><td data-label="Out of">8 messages sent</td>' in page.text
    )
    assert ">https://ministry.example/dossier</td>" in page.text
    assert '<td data-label="Outlet">Le Monde</td>' in page.text
    assert '<td data-label="Country">GB</td>' in page.text


def test_the_reports_recipients_are_filtered_by_state_and_search(
    admin: Admin, sendout: SendOut
) -> None:
    browser = admin.signed_in(Role.VIEWER)
    path = f"/admin/sendouts/{sendout.id}/report"

    bounced = browser.get(f"{path}?state=bounced").text
    searched = browser.get(f"{path}?q=guardian").text

    assert "chloe@lemonde.example" in bounced
    assert "Bounced: user unknown" in bounced
    assert "anna@lemonde.example" not in bounced
    assert '<option value="bounced" selected>' in bounced
    assert "gina@guardian.example" in searched
    assert "dora@zeit.example" not in searched
    assert 'value="guardian"' in searched


def test_a_press_officer_exports_the_filtered_recipients_as_csv(
    admin: Admin, sendout: SendOut
) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    response = browser.get(f"/admin/sendouts/{sendout.id}/report/recipients.csv?state=clicked")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["anna@lemonde.example", "dora@zeit.example"]


def test_a_press_officer_exports_the_recipients_as_excel(admin: Admin, sendout: SendOut) -> None:
    browser = admin.signed_in(Role.PRESS_OFFICER)

    response = browser.get(f"/admin/sendouts/{sendout.id}/report/recipients.xlsx")

    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Recipients"]
    assert len(list(sheet.iter_rows())) == 11


def test_a_viewer_reads_the_report_but_may_not_export(admin: Admin, sendout: SendOut) -> None:
    browser = admin.signed_in(Role.VIEWER)

    page = browser.get(f"/admin/sendouts/{sendout.id}/report").text
    export = browser.get(f"/admin/sendouts/{sendout.id}/report/recipients.csv")

    assert "recipients.csv" not in page
    assert export.status_code == 403


def test_the_report_of_a_sendout_that_does_not_exist_is_not_found(admin: Admin) -> None:
    response = admin.signed_in(Role.VIEWER).get("/admin/sendouts/999/report")

    assert response.status_code == 404
