"""`distributor bounces ingest` cannot be used to bounce someone else; `bounces apply` applies a
bounce kept for review, audited, once. Each command runs in a real process."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.bounces.review import APPLIED
from distributor.db import make_engine
from distributor.models import AuditEntry
from tests.bounces.conftest import SECRET, Newsroom, dsn, return_path
from tests.bounces.forged import multi_dsn
from tests.cli.conftest import Run, last_json

ANNA = "anna.berg@tageblatt.example"
BEN = "ben.ohler@kurier.example"
ENV = {"DISTRIBUTOR_SECRET_KEY": SECRET}


def _database(tmp_path: Path) -> Session:
    return Session(make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}"))


def _report(tmp_path: Path, forged: bool) -> Path:
    """Emails sent to Anna and Ben; a report, as a file, that names Ben: Anna's forged
    one with her token (`forged`), else one that came back without a token."""
    with _database(tmp_path) as session, session.begin():
        newsroom = Newsroom(session)
        anna = newsroom.deliver(ANNA)
        newsroom.deliver(BEN)
        raw = multi_dsn(ANNA, BEN, to=return_path(anna)) if forged else dsn(BEN)
    path = tmp_path / "report.eml"
    path.write_bytes(raw)
    return path


def _suppressed(cli: Run) -> list[str]:
    return [
        entry["email"] for entry in last_json(cli("suppressions", "list", "--json"))["suppressions"]
    ]


def _waiting(cli: Run) -> list[dict[str, object]]:
    listed = last_json(cli("bounces", "list", "--needs-review", "--json"))["bounces"]
    return [row for row in listed if row["recipient"] == BEN]


def test_ingest_of_a_forged_multi_recipient_dsn_changes_nothing_for_the_other_recipient(
    cli: Run, tmp_path: Path
) -> None:
    summary = last_json(cli("bounces", "ingest", str(_report(tmp_path, True)), "--json", env=ENV))

    assert (summary["attributed"], summary["needs_review"]) == (1, 1)
    assert _suppressed(cli) == [ANNA]


def test_ingest_of_a_dsn_without_a_token_changes_nothing_and_keeps_it_for_review(
    cli: Run, tmp_path: Path
) -> None:
    cli("bounces", "ingest", str(_report(tmp_path, False)), env=ENV)

    assert _suppressed(cli) == []
    [row] = _waiting(cli)
    assert (row["delivery_id"], row["review"]) == (None, "needed")


def test_apply_suppresses_a_bounce_kept_for_review_and_audits_the_reason(
    cli: Run, tmp_path: Path
) -> None:
    cli("bounces", "ingest", str(_report(tmp_path, False)), env=ENV)
    [row] = _waiting(cli)

    applied = last_json(
        cli("bounces", "apply", str(row["id"]), "--reason", "desk confirmed", "--json", env=ENV)
    )

    assert (applied["applied"], applied["email"]) == (True, BEN)
    assert _suppressed(cli) == [BEN]
    with _database(tmp_path) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == APPLIED)).one()
        assert entry.details["reason"] == "desk confirmed"
        assert entry.actor.startswith("cli:")


def test_apply_of_a_bounce_applied_already_is_refused_and_changes_nothing(
    cli: Run, tmp_path: Path
) -> None:
    cli("bounces", "ingest", str(_report(tmp_path, False)), env=ENV)
    [row] = _waiting(cli)
    cli("bounces", "apply", str(row["id"]), "--reason", "desk confirmed", env=ENV)

    again = cli("bounces", "apply", str(row["id"]), "--reason", "desk confirmed", env=ENV)

    assert again.returncode == 65
    assert "applied already" in again.stderr
    with _database(tmp_path) as session:
        audited = select(func.count()).where(AuditEntry.action == APPLIED)
        assert session.scalar(audited) == 1
