"""`distributor bounces`: ingest files, Maildirs and mboxes, list, show, report and reactivate."""

from __future__ import annotations

import mailbox
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.db import make_engine
from distributor.models import AuditEntry
from tests.bounces.conftest import SECRET, Newsroom, dsn, return_path
from tests.cli.conftest import Run, last_json

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
