"""`distributor sendouts follow-up`, in a real process, after a send-out sent to the outbox."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from distributor.config import Settings, load_settings
from distributor.db import make_engine
from distributor.models.base import utcnow
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.tracking import record_click
from distributor.tasks.sending import batch_sender
from tests.cli.conftest import Run, last_json
from tests.cli.test_sendouts import RELEASE, office  # noqa: F401 - the fixture

_CLICK = re.compile(r'href="https?://[^"/]+/c/([^"]+)"')
SUBJECT = "Reminder: film grants 2027"
RUSSIAN_RELEASE = RELEASE.replace("release-en.md", "release-ru.md")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The settings of the `distributor` processes: embedded defaults under tmp_path/data."""
    return load_settings({"DISTRIBUTOR_DATA_DIR": str(tmp_path / "data")})


def _send(settings: Settings, sendout_id: int) -> None:
    """Start the send-out and send it to the outbox, as beat and a worker would."""
    engine = make_engine(str(settings.database))
    with Session(engine) as session:
        start_due(session, utcnow())
        session.commit()
    sender = batch_sender(settings)
    try:
        sender.run(engine, sendout_id, 30.0)
    finally:
        sender.close()
        engine.dispose()


def _outbox(settings: Settings, sendout_id: int) -> dict[str, EmailMessage]:
    """The messages of `sendout_id` in the outbox, by recipient."""
    found = {}
    for path in (settings.data_dir / "outbox").glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        if str(message["Feedback-ID"]).startswith(f"{sendout_id}:"):
            found[str(message["To"])] = message
    return found


def _click(settings: Settings, message: EmailMessage) -> None:
    """Follow the message's first tracked link, as the web app's /c/ endpoint does."""
    html = message.get_body(("html",))
    assert html is not None
    token = _CLICK.findall(str(html.get_content()))[0]
    engine = make_engine(str(settings.database))
    with Session(engine) as session:
        assert record_click(session, token, settings.signing_key(), utcnow()) is not None
        session.commit()
    engine.dispose()


@pytest.fixture
def completed(office: Run, settings: Settings) -> int:  # noqa: F811 - the fixture
    """A send-out to anna and ben, tracking clicks, sent; anna clicked. Its id."""
    created = last_json(
        office(
            "sendouts",
            "create",
            "--release",
            "film-grants-2027",
            "--list",
            "press",
            "--track-clicks",
            "--json",
        )
    )
    _send(settings, created["id"])
    _click(settings, _outbox(settings, created["id"])["anna@paper.example"])
    return int(created["id"])


def test_follow_up_goes_to_those_who_did_not_click_under_its_own_subject(
    office: Run,  # noqa: F811 - the fixture
    settings: Settings,
    completed: int,
) -> None:
    created = last_json(
        office("sendouts", "follow-up", str(completed), "--subject", SUBJECT, "--json")
    )
    _send(settings, created["id"])

    sent = _outbox(settings, created["id"])
    assert (created["follow_up_of"], created["state"]) == (completed, "scheduled")
    assert list(sent) == ["ben@wire.example"]
    assert str(sent["ben@wire.example"]["Subject"]) == SUBJECT


def test_status_names_the_original_and_its_follow_up(
    office: Run,  # noqa: F811 - the fixture
    completed: int,
) -> None:
    follow_up = last_json(
        office(
            "sendouts",
            "follow-up",
            str(completed),
            "--subject",
            SUBJECT,
            "--at",
            "2030-01-07T09:00+01:00",
            "--json",
        )
    )["id"]

    original = last_json(office("sendouts", "status", str(completed), "--json"))
    shown = office("sendouts", "status", str(follow_up))

    assert original["follow_up"] == follow_up
    assert re.search(rf"follow-up of\s+send-out {completed}\b", shown.stdout)


def test_a_second_follow_up_is_refused_in_one_line_naming_the_first(
    office: Run,  # noqa: F811 - the fixture
    completed: int,
) -> None:
    first = last_json(
        office("sendouts", "follow-up", str(completed), "--subject", SUBJECT, "--json")
    )["id"]

    again = office("sendouts", "follow-up", str(completed), "--subject", "Last call")

    assert again.returncode == 65
    assert again.stderr.startswith(f"error: send-out {completed} already has a follow-up, ")
    assert f"send-out {first}" in again.stderr
    assert again.stderr.count("\n") == 1


def test_follow_up_without_a_subject_is_a_usage_error(
    office: Run,  # noqa: F811 - the fixture
) -> None:
    result = office("sendouts", "follow-up", "1")

    assert result.returncode == 2
    assert "--subject" in result.stderr


def test_follow_up_gives_a_language_its_own_subject(
    office: Run,  # noqa: F811 - the fixture
    settings: Settings,
    completed: int,
) -> None:
    for args in (
        ("releases", "add", RUSSIAN_RELEASE),
        ("contacts", "edit", "ben@wire.example", "--set", "language=ru"),
    ):
        assert office(*args).returncode == 0
    created = last_json(
        office(
            "sendouts",
            "follow-up",
            str(completed),
            "--subject",
            SUBJECT,
            "--subject-in",
            "ru=Напоминание: гранты",
            "--json",
        )
    )
    _send(settings, created["id"])

    assert str(_outbox(settings, created["id"])["ben@wire.example"]["Subject"]) == (
        "Напоминание: гранты"
    )


def test_a_subject_in_without_its_language_is_refused_naming_the_option(
    office: Run,  # noqa: F811 - the fixture
    completed: int,
) -> None:
    result = office(
        "sendouts", "follow-up", str(completed), "--subject", SUBJECT, "--subject-in", "ru"
    )

    assert result.returncode == 65
    assert result.stderr.startswith("error: --subject-in 'ru': give a language and its subject")
