"""`distributor sendouts`: create, follow, steer and test send-outs, in a real process."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.db import make_engine
from distributor.models import Delivery
from tests.cli.conftest import Run, last_json

RELEASE = str(Path(__file__).resolve().parents[2] / "docs" / "examples" / "release-en.md")
LATER = "2030-01-07T09:00+01:00"


@pytest.fixture
def office(cli: Run) -> Run:
    """`cli` with the sample release and a list `press` of two journalists."""
    for args in (
        ("releases", "add", RELEASE),
        ("lists", "create", "press"),
        ("contacts", "add", "anna@paper.example", "--list", "press"),
        ("contacts", "add", "ben@wire.example", "--list", "press"),
    ):
        result = cli(*args)
        assert result.returncode == 0, result.stderr
    return cli


def _create(run: Run, *extra: str) -> int:
    created = last_json(
        run(
            "sendouts",
            "create",
            "--release",
            "film-grants-2027",
            "--list",
            "press",
            *extra,
            "--json",
        )
    )
    return int(created["id"])


def test_create_for_later_prints_its_id_and_scheduled_state(office: Run) -> None:
    created = last_json(
        office("sendouts", "create", "--release", "1", "--list", "press", "--at", LATER, "--json")
    )

    assert isinstance(created["id"], int)
    assert created["state"] == "scheduled"
    assert created["scheduled_at"] == "2030-01-07T08:00:00+00:00"
    assert created["dispatch_requested"] is False


def test_create_without_a_time_asks_the_workers_to_start_it_now(office: Run) -> None:
    result = office("sendouts", "create", "--release", "film-grants-2027", "--list", "press")

    assert result.returncode == 0, result.stderr
    assert "Asked the workers to start it now." in result.stdout


def test_time_without_offset_is_one_line_naming_at(office: Run) -> None:
    result = office(
        "sendouts", "create", "--release", "1", "--list", "press", "--at", "2030-01-07 09:00"
    )

    assert result.returncode == 65
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: --at '2030-01-07 09:00' has no time zone")


def test_unknown_list_is_not_found(office: Run) -> None:
    result = office("sendouts", "create", "--release", "1", "--list", "nobody")

    assert result.returncode == 66
    assert result.stderr.strip() == "error: no list 'nobody'; see `distributor lists list`"
    assert last_json(office("sendouts", "list", "--json")) == {"sendouts": []}


def test_status_json_has_state_counts_rate_and_report(office: Run) -> None:
    sendout_id = _create(office, "--at", LATER)

    status = last_json(office("sendouts", "status", str(sendout_id), "--json"))

    assert status["id"] == sendout_id
    assert status["state"] == "scheduled"
    assert status["counts"] == dict.fromkeys(
        ("queued", "sending", "sent", "deferred", "failed", "bounced", "skipped"), 0
    )
    assert {"total", "rate", "estimated_finish", "release_title", "report"} <= set(status)


def test_pause_resume_and_cancel_move_the_send_out(office: Run) -> None:
    sendout_id = str(_create(office, "--at", LATER))

    paused = last_json(office("sendouts", "pause", sendout_id, "--reason", "typo", "--json"))
    resumed = last_json(office("sendouts", "resume", sendout_id, "--json"))
    cancelled = last_json(office("sendouts", "cancel", sendout_id, "--json"))

    assert [paused["state"], resumed["state"], cancelled["state"]] == [
        "paused",
        "scheduled",
        "cancelled",
    ]


def test_a_cancelled_send_out_cannot_be_paused(office: Run) -> None:
    sendout_id = str(_create(office, "--at", LATER))
    assert office("sendouts", "cancel", sendout_id).returncode == 0

    result = office("sendouts", "pause", sendout_id)

    assert result.returncode == 65
    assert result.stderr.startswith(f"error: send-out {sendout_id} is cancelled")
    assert result.stderr.count("\n") == 1


def test_follow_ends_with_the_finished_state_as_the_last_json_line(office: Run) -> None:
    sendout_id = str(_create(office, "--at", LATER))
    assert office("sendouts", "cancel", sendout_id).returncode == 0

    followed = office("sendouts", "status", sendout_id, "--follow", "--json")

    assert last_json(followed)["state"] == "cancelled"


def test_status_of_an_unknown_send_out_is_not_found(cli: Run) -> None:
    result = cli("sendouts", "status", "404")

    assert result.returncode == 66
    assert "no send-out 404" in result.stderr


def test_test_send_writes_a_test_message_to_the_outbox_and_no_delivery(
    office: Run, tmp_path: Path
) -> None:
    result = office(
        "sendouts", "test", "film-grants-2027", "--to", "me@press.example,desk@press.example"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("sent") == 2
    messages = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in (tmp_path / "data" / "outbox").glob("*.eml")
    ]
    assert sorted(str(m["To"]) for m in messages) == ["desk@press.example", "me@press.example"]
    assert all(str(m["Subject"]).startswith("[TEST] ") for m in messages)
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'distributor.sqlite3'}")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    engine.dispose()


def test_test_send_to_a_bad_address_is_refused_before_sending(office: Run, tmp_path: Path) -> None:
    result = office("sendouts", "test", "1", "--to", "me@press.example,not-an-address")

    assert result.returncode == 65
    assert result.stderr.startswith("error: --to 'not-an-address'")
    assert not list((tmp_path / "data" / "outbox").glob("*.eml"))


def test_help_shows_examples(run: Run) -> None:
    for command in (("sendouts",), ("sendouts", "create"), ("sendouts", "status")):
        result = run(*command, "--help")
        assert result.returncode == 0, result.stderr
        assert "Example" in result.stdout
        assert "distributor sendouts" in result.stdout


def test_create_tracks_neither_clicks_nor_opens_unless_asked(office: Run) -> None:
    plain = last_json(office("sendouts", "create", "--release", "1", "--list", "press", "--json"))
    tracked = last_json(
        office(
            "sendouts",
            "create",
            "--release",
            "1",
            "--list",
            "press",
            "--track-clicks",
            "--track-opens",
            "--confirm",  # the release again, to the same list: on purpose
            "--json",
        )
    )

    assert (plain["track_clicks"], plain["track_opens"]) == (False, False)
    assert (tracked["track_clicks"], tracked["track_opens"]) == (True, True)


def test_create_takes_its_tracking_defaults_from_the_settings(office: Run) -> None:
    env = {"DISTRIBUTOR_TRACK_CLICKS": "true", "DISTRIBUTOR_TRACK_OPENS": "true"}
    args = ("sendouts", "create", "--release", "1", "--list", "press", "--json")

    default = last_json(office(*args, env=env))
    chosen = last_json(office(*args, "--no-track-opens", "--confirm", env=env))  # a repeat

    assert (default["track_clicks"], default["track_opens"]) == (True, True)
    assert (chosen["track_clicks"], chosen["track_opens"]) == (True, False)


def test_report_marks_opens_as_unreliable(office: Run) -> None:
    sendout_id = str(_create(office, "--at", LATER))

    report = last_json(office("sendouts", "report", sendout_id, "--json"))
    shown = office("sendouts", "report", sendout_id).stdout

    assert report["opened"] == 0
    assert report["caveats"]["opened"].startswith("unreliable")
    assert "opened (unreliable: image loading and privacy proxies)" in " ".join(shown.split())


def test_time_in_the_past_is_one_line_naming_now(office: Run) -> None:
    result = office(
        "sendouts", "create", "--release", "1", "--list", "press", "--at", "2020-01-07T09:00Z"
    )

    assert result.returncode == 65
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: --at 2020-01-07T09:00:00+00:00 has passed")
    assert "--now" in result.stderr
    assert last_json(office("sendouts", "list", "--json"))["sendouts"] == []


def test_empty_at_is_refused_rather_than_sent_now(office: Run) -> None:
    result = office("sendouts", "create", "--release", "1", "--list", "press", "--at", "")

    assert result.returncode == 65
    assert result.stderr.startswith("error: --at is empty")
    assert last_json(office("sendouts", "list", "--json"))["sendouts"] == []


def test_now_asks_the_workers_to_start_it_at_once(office: Run) -> None:
    created = last_json(
        office("sendouts", "create", "--release", "1", "--list", "press", "--now", "--json")
    )

    assert created["schedule"] == "now"
    assert created["state"] == "scheduled"


def test_list_that_reaches_nobody_is_refused_and_nothing_is_created(office: Run) -> None:
    assert office("lists", "create", "empty").returncode == 0

    result = office("sendouts", "create", "--release", "1", "--list", "empty")

    assert result.returncode == 65
    assert "audience.empty" in result.stderr
    assert "reaches nobody" in result.stderr
    assert last_json(office("sendouts", "list", "--json"))["sendouts"] == []


def test_release_again_to_the_same_journalists_is_refused_with_their_count(office: Run) -> None:
    _create(office, "--at", LATER)

    result = office("sendouts", "create", "--release", "1", "--list", "press", "--at", LATER)

    assert result.returncode == 65
    assert result.stderr.count("\n") == 1
    assert "2 of 2 recipients already received release 1" in result.stderr
    assert "--confirm" in result.stderr
    assert len(last_json(office("sendouts", "list", "--json"))["sendouts"]) == 1


def test_release_again_with_confirm_is_created(office: Run) -> None:
    _create(office, "--at", LATER)

    again = _create(office, "--at", LATER, "--confirm")

    assert len(last_json(office("sendouts", "list", "--json"))["sendouts"]) == 2
    assert again > 0
