"""`distributor bounces`: ingest files, Maildirs and mboxes, list, show, report and reactivate.

Ingesting and reactivating run in real processes; reading records back runs in this one,
on records the tests write with a reason (or, as kept before reasons were, without).
"""

from __future__ import annotations

import json
import mailbox
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from distributor.cli import app
from distributor.db import make_engine
from distributor.errors import InvalidInput
from distributor.models import AuditEntry, BounceClass, BounceRecord, BounceSource
from distributor.models.reasons import Reason
from tests.bounces.conftest import SECRET, Newsroom, dsn, return_path
from tests.cli.conftest import Run, last_json
from tests.conftest import MigratedTemplates

CORPUS = Path(__file__).parents[1] / "bounces" / "corpus"
ANNA = "anna.berg@tageblatt.example"
ENV = {"DISTRIBUTOR_SECRET_KEY": SECRET}


def _database(tmp_path: Path) -> Session:
    return Session(make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}"))


def _sent_to_anna(tmp_path: Path) -> Path:
    """A delivery to Anna in the command's database, and the hard bounce it got, as an .eml."""
    with _database(tmp_path) as session, session.begin():
        delivery = Newsroom(session).deliver(ANNA)
        bounce = tmp_path / "anna.eml"
        bounce.write_bytes(dsn(ANNA, to=return_path(delivery)))
    return bounce


def test_ingest_of_an_eml_file_applies_the_policy(cli: Run, tmp_path: Path) -> None:
    bounce = _sent_to_anna(tmp_path)
    summary = last_json(cli("bounces", "ingest", str(bounce), "--json", env=ENV))
    assert summary["messages"] == 1
    assert summary["attributed"] == 1
    assert summary["classes"] == {"hard": 1}
    suppressed = last_json(cli("suppressions", "list", "--json"))
    assert [entry["email"] for entry in suppressed["suppressions"]] == [ANNA]


def test_ingest_counts_what_it_read_by_reason(cli: Run, tmp_path: Path) -> None:
    bounce = _sent_to_anna(tmp_path)
    summary = last_json(cli("bounces", "ingest", str(bounce), "--json", env=ENV))
    assert summary["reasons"] == {"userunknown": 1}


def test_ingest_reads_a_maildir(cli: Run, tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    shutil.copy(CORPUS / "postfix_user_unknown.eml", maildir / "new" / "1.host")
    shutil.copy(CORPUS / "out_of_office.eml", maildir / "cur" / "2.host:2,S")
    summary = last_json(cli("bounces", "ingest", str(maildir), "--json"))
    assert summary["messages"] == 2
    assert summary["kinds"] == {"bounce": 1, "auto_reply": 1}
    assert summary["ignored"] == 2  # a token we did not sign, and an auto-reply to nobody we know


def test_ingest_reads_an_mbox_message_by_message(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(path)
    for name in ("exim_user_unknown.eml", "delayed_dsn.eml", "arf_abuse_complaint.eml"):
        box.add((CORPUS / name).read_bytes())
    box.close()
    summary = last_json(cli("bounces", "ingest", str(path), "--json"))
    assert summary["messages"] == 3
    assert summary["kinds"] == {"bounce": 1, "delayed": 1, "complaint": 1}


def test_unreadable_path_is_reported_and_the_rest_still_read(cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "missing.eml"
    result = cli("bounces", "ingest", str(missing), str(CORPUS / "sendmail_dsn.eml"), "--json")
    summary = last_json(result)
    assert summary["messages"] == 1
    assert summary["unreadable"] == [{"path": str(missing), "problem": "no such file or folder"}]


def test_list_and_show_give_the_decision_and_the_message(cli: Run, tmp_path: Path) -> None:
    cli("bounces", "ingest", str(_sent_to_anna(tmp_path)), env=ENV)
    listed = last_json(cli("bounces", "list", "--class", "hard", "--email", ANNA, "--json"))
    [row] = listed["bounces"]
    assert row["recipient"] == ANNA
    assert row["decision"].startswith("suppressed: hard bounce")
    shown = last_json(cli("bounces", "show", str(row["id"]), "--json"))
    assert shown["status_code"] == "5.1.1"
    assert shown["raw_head"][0].startswith("From: MAILER-DAEMON")
    assert last_json(cli("bounces", "list", "--class", "soft", "--json"))["bounces"] == []


def test_report_counts_by_class_per_sendout_and_per_address(cli: Run, tmp_path: Path) -> None:
    cli("bounces", "ingest", str(_sent_to_anna(tmp_path)), env=ENV)
    [row] = last_json(cli("bounces", "list", "--json"))["bounces"]
    by_address = last_json(cli("bounces", "report", "--email", ANNA, "--json"))
    assert by_address["by_class"]["hard"] == 1
    assert by_address["suppression"] == "hard_bounce"
    by_sendout = last_json(cli("bounces", "report", "--sendout", "1", "--json"))
    assert by_sendout["total"] == 1
    assert row["delivery_id"] == 1  # of send-out 1


def test_reactivate_needs_a_reason_and_is_audited(cli: Run, tmp_path: Path) -> None:
    cli("bounces", "ingest", str(_sent_to_anna(tmp_path)), env=ENV)
    assert cli("bounces", "reactivate", ANNA).returncode != 0  # --reason is required
    done = last_json(cli("bounces", "reactivate", ANNA, "--reason", "asked by phone", "--json"))
    assert done == {"email": ANNA, "was": "hard_bounce", "reactivated": True}
    assert last_json(cli("suppressions", "list", "--json"))["total"] == 0
    with _database(tmp_path) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "bounces.reactivate"))
        assert entry is not None
        assert entry.details["reason"] == "asked by phone"
        assert entry.actor.startswith("cli:")


@pytest.fixture
def commands_database(tmp_path: Path, migrated_templates: MigratedTemplates) -> Iterator[Session]:
    """The database the commands open (embedded SQLite under the test's data folder), migrated,
    for commands run in this process."""
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}")
    migrated_templates.copy_into(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def _invoke(session: Session, *args: str) -> Result:
    """`distributor ARGS…` in this process, once what the test wrote is committed."""
    session.commit()
    return CliRunner().invoke(app, list(args))


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def _record(
    session: Session, kind: BounceClass, reason: Reason | None, delivery_id: int | None = None
) -> BounceRecord:
    record = BounceRecord(
        source=BounceSource.FILE,
        classification=kind,
        reason=reason.value if reason is not None else None,
        reply_code="550" if reason is not None else None,
        recipient=ANNA,
        delivery_id=delivery_id,
    )
    session.add(record)
    session.flush()
    return record


def test_list_shows_each_bounces_reason_in_words(commands_database: Session) -> None:
    _record(commands_database, BounceClass.SOFT, Reason.MAILBOX_FULL)

    listed = _invoke(commands_database, "bounces", "list")

    assert listed.exit_code == 0, listed.output
    assert "reason" in listed.output
    assert "mailbox full" in listed.output


def test_list_json_gives_the_reason_name_and_reply_code(commands_database: Session) -> None:
    _record(commands_database, BounceClass.HARD, Reason.USER_UNKNOWN)

    [row] = _json(_invoke(commands_database, "bounces", "list", "--json"))["bounces"]

    assert (row["reason"], row["reason_label"], row["reply_code"]) == (
        "userunknown",
        "user unknown",
        "550",
    )


def test_list_is_filtered_by_reason(commands_database: Session) -> None:
    full = _record(commands_database, BounceClass.SOFT, Reason.MAILBOX_FULL)
    _record(commands_database, BounceClass.HARD, Reason.USER_UNKNOWN)

    listed = _json(
        _invoke(commands_database, "bounces", "list", "--reason", "mailboxfull", "--json")
    )

    assert [row["id"] for row in listed["bounces"]] == [full.id]


def test_list_refuses_an_unknown_reason_listing_the_names(commands_database: Session) -> None:
    refused = _invoke(commands_database, "bounces", "list", "--reason", "full")

    assert isinstance(refused.exception, InvalidInput)
    assert "choose one of userunknown, hostunknown" in str(refused.exception)


def test_show_gives_the_reason(commands_database: Session) -> None:
    record = _record(commands_database, BounceClass.BLOCK, Reason.SPAM_DETECTED)

    shown = _invoke(commands_database, "bounces", "show", str(record.id))

    assert shown.exit_code == 0, shown.output
    assert "reason: spamdetected" in shown.output
    assert "reason_label: blocked as spam" in shown.output


def test_a_bounce_kept_without_a_reason_is_listed_by_its_class(commands_database: Session) -> None:
    _record(commands_database, BounceClass.HARD, None)

    [row] = _json(_invoke(commands_database, "bounces", "list", "--json"))["bounces"]
    shown = _invoke(commands_database, "bounces", "show", str(row["id"]))

    assert (row["classification"], row["reason"], row["reason_label"]) == ("hard", None, None)
    assert "reason" not in shown.output


def test_report_counts_by_reason_and_says_it_in_one_line(commands_database: Session) -> None:
    delivery = Newsroom(commands_database).deliver(ANNA)
    for reason in (Reason.USER_UNKNOWN, Reason.USER_UNKNOWN, Reason.SPAM_DETECTED):
        kind = BounceClass.BLOCK if reason is Reason.SPAM_DETECTED else BounceClass.HARD
        _record(commands_database, kind, reason, delivery.id)
    sendout = str(delivery.sendout_id)

    counted = _json(_invoke(commands_database, "bounces", "report", "--sendout", sendout, "--json"))
    printed = _invoke(commands_database, "bounces", "report", "--sendout", sendout)

    assert counted["by_reason"] == {"userunknown": 2, "spamdetected": 1}
    assert counted["by_class"]["hard"] == 2
    assert "2 user unknown, 1 blocked as spam" in printed.output
