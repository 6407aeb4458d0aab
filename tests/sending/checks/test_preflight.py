"""The pre-flight check: each check's failure gives its finding; a clean send-out passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.config import Settings
from distributor.contacts.suppressions import suppress
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceSource,
    Delivery,
    DeliveryState,
    Release,
    SendOut,
    SendOutState,
    SuppressionReason,
)
from distributor.sending.scheduling.checks.findings import CheckResult, ChecksFailed, error
from distributor.sending.scheduling.checks.message import check_message
from distributor.sending.scheduling.checks.run import recheck_sendout
from distributor.sending.scheduling.dispatch import start_due
from distributor.sending.scheduling.sendouts import (
    Audience,
    Schedule,
    Tracking,
    cancel_sendout,
    create_sendout,
)
from tests.sending.checks.conftest import BASE_URL, CheckedSettings, ReleaseWith
from tests.sending.conftest import AddJournalists

PRESS = Audience(lists=["press"])
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TUESDAY_MORNING = Schedule.parse("2026-12-01T10:00Z")


@pytest.fixture(autouse=True)
def press_list(journalists: AddJournalists) -> list[str]:
    return journalists(4)


def _create(session: Session, release: Release, settings: Settings, **options: object) -> SendOut:
    return create_sendout(
        session,
        release,
        PRESS,
        TUESDAY_MORNING,
        actor=SYSTEM,
        settings=settings,
        now=NOW,
        **options,
    )


def _refusal(session: Session, release: Release, settings: Settings) -> ChecksFailed:
    with pytest.raises(ChecksFailed) as refused:
        _create(session, release, settings)
    return refused.value


def _codes(refused: ChecksFailed) -> list[str]:
    return [finding.code for finding in refused.result.findings]


def test_clean_sendout_passes_and_its_result_is_stored(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    sendout = _create(session, release, checked_settings())
    stored = CheckResult.stored(sendout.preflight)
    assert stored is not None
    assert stored.findings == ()
    assert stored.passed
    assert stored.checked_at == NOW


def test_tracked_links_and_open_image_lead_to_our_pages(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    sendout = _create(session, release, checked_settings(), tracking=Tracking(True, True))
    assert sendout.preflight is not None
    assert sendout.preflight["findings"] == []


def test_plain_http_link_is_a_warning(
    session: Session, release_with: ReleaseWith, checked_settings: CheckedSettings
) -> None:
    release = release_with(
        "http-link", append="\nSee [the archive](http://filmfund.example.org/archive).\n"
    )
    refused = _refusal(session, release, checked_settings())
    assert refused.needs_confirmation
    assert _codes(refused) == ["link.insecure"]
    assert "http://filmfund.example.org/archive" in str(refused)


def test_image_without_alt_text_is_a_warning(
    session: Session, release_with: ReleaseWith, checked_settings: CheckedSettings
) -> None:
    release = release_with("no-alt", append="\n![](https://press.example.org/media/map.png)\n")
    refused = _refusal(session, release, checked_settings())
    assert _codes(refused) == ["image.alt"]
    assert "https://press.example.org/media/map.png" in str(refused)


def test_html_over_gmails_clipping_limit_is_a_warning(
    session: Session, release_with: ReleaseWith, checked_settings: CheckedSettings
) -> None:
    paragraph = "The jury read every one of the applications with care and attention. " * 20
    release = release_with("long", append="".join(f"\n{paragraph}\n" for _ in range(90)))
    refused = _refusal(session, release, checked_settings())
    assert _codes(refused) == ["html.too_big"]
    assert "the en version's HTML is" in str(refused)


def test_link_to_a_release_the_newsroom_does_not_have_is_an_error(
    session: Session, release_with: ReleaseWith, checked_settings: CheckedSettings
) -> None:
    link = f"{BASE_URL}/releases/no-such-release"
    release = release_with("broken", append=f"\nSee also [last year]({link}).\n")
    with pytest.raises(ChecksFailed) as refused:
        _create(session, release, checked_settings(), confirm=True)
    assert not refused.value.needs_confirmation
    assert _codes(refused.value) == ["link.broken"]
    assert session.scalar(select(func.count()).select_from(SendOut)) == 0


def test_link_to_a_page_our_web_app_does_not_serve_is_an_error(
    session: Session, release_with: ReleaseWith, checked_settings: CheckedSettings
) -> None:
    release = release_with("nowhere", append=f"\nOur [press room]({BASE_URL}/press-room).\n")
    refused = _refusal(session, release, checked_settings())
    assert _codes(refused) == ["link.broken"]
    assert "no page of the web app has this address" in str(refused)


def test_link_to_another_public_release_passes(
    session: Session,
    release: Release,
    release_with: ReleaseWith,
    checked_settings: CheckedSettings,
) -> None:
    release_with(
        "last-year", ("embargo: 2027-02-03T09:00:00+01:00\n", ""), ("date: 2027-", "date: 2026-")
    )
    link = f"{BASE_URL}/releases/last-year"
    linking = release_with("linking", append=f"\nSee also [last year]({link}).\n")
    sendout = _create(session, linking, checked_settings())
    assert sendout.preflight is not None
    assert sendout.preflight["findings"] == []


def test_relay_without_a_dkim_key_is_a_warning(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    refused = _refusal(session, release, checked_settings(dkim_selector="", dkim_key_file=""))
    assert _codes(refused) == ["dkim.missing"]
    assert "press@ministry.example"[6:] in str(refused)  # the sender's domain


def test_messages_kept_in_a_folder_need_no_dkim_key(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    settings = checked_settings(smtp_url="", dkim_selector="", dkim_key_file="")
    assert _create(session, release, settings).preflight is not None


def test_audience_with_many_recent_bounces_is_a_warning(
    session: Session, release: Release, press_list: list[str], checked_settings: CheckedSettings
) -> None:
    for email in press_list[:2]:
        session.add(
            BounceRecord(
                source=BounceSource.RECEIVER,
                classification=BounceClass.SOFT,
                recipient=email,
                received_at=NOW - timedelta(days=10),
            )
        )
    session.add(  # long ago: it does not count
        BounceRecord(
            source=BounceSource.RECEIVER,
            classification=BounceClass.SOFT,
            recipient=press_list[2],
            received_at=NOW - timedelta(days=200),
        )
    )
    refused = _refusal(session, release, checked_settings())
    assert _codes(refused) == ["audience.unreached"]
    assert "2 of 4 recipients" in str(refused)


def test_audience_that_never_reacted_to_three_releases_is_a_warning(
    session: Session, release: Release, checked_settings: CheckedSettings, release_with: ReleaseWith
) -> None:
    quiet = checked_settings(daily_release_limit="0")
    for day in ("2026-11-02", "2026-11-09", "2026-11-16"):
        earlier = create_sendout(
            session,
            release_with(f"earlier-{day}"),
            PRESS,
            Schedule.parse(f"{day}T10:00Z"),
            actor=SYSTEM,
            settings=quiet,
            now=datetime.fromisoformat(f"{day}T09:00Z"),
        )
        start_due(session, datetime.fromisoformat(f"{day}T10:00Z"))
        session.execute(
            update(Delivery)
            .where(Delivery.sendout_id == earlier.id)
            .values(state=DeliveryState.SENT, sent_at=earlier.scheduled_at)
        )
    refused = _refusal(session, release, checked_settings())
    assert _codes(refused) == ["audience.unreached"]
    assert "4 of 4 recipients" in str(refused)


def test_message_without_unsubscribe_link_or_header_is_an_error(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    sendout = _create(session, release, checked_settings())
    bare = EmailMessage()
    bare.set_content("No way out.")
    bare.add_alternative("<p>No way out.</p>", subtype="html")

    findings = check_message(session, sendout, checked_settings(), bare, "en", NOW)

    assert [(f.level.value, f.code) for f in findings] == [
        ("error", "unsubscribe.header"),
        ("error", "unsubscribe.link"),
    ]


def test_dispatcher_does_not_start_a_sendout_whose_stored_check_has_errors(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    sendout = _create(session, release, checked_settings())
    failed = CheckResult(NOW, (error("dkim.key", "the DKIM key cannot sign"),))
    sendout.preflight = failed.as_dict()
    assert start_due(session, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)) == []
    assert sendout.state is SendOutState.PAUSED
    assert "dkim.key" in (sendout.events[-1].reason or "")
    assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_rerun_stores_the_new_result_and_keeps_the_confirmation(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    sendout = _create(session, release, checked_settings(), confirm=True)
    result = recheck_sendout(
        session, sendout, checked_settings(dkim_selector="", dkim_key_file=""), NOW
    )
    assert [finding.code for finding in result.findings] == ["dkim.missing"]
    assert result.confirmed
    assert result.passed
    assert CheckResult.stored(sendout.preflight) == result


def test_audience_that_reaches_nobody_is_an_error_and_nothing_is_created(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    with pytest.raises(ChecksFailed) as refused:
        _create_to(
            session, release, checked_settings(), Audience(["press"], exclude_lists=["press"])
        )

    assert _codes(refused.value) == ["audience.empty"]
    assert not refused.value.needs_confirmation
    assert "reaches nobody" in str(refused.value)
    assert session.scalar(select(func.count()).select_from(SendOut)) == 0


def test_audience_of_suppressed_addresses_only_is_an_error(
    session: Session, release: Release, press_list: list[str], checked_settings: CheckedSettings
) -> None:
    for email in press_list:
        suppress(session, email, SuppressionReason.MANUAL, actor=SYSTEM)
    session.flush()

    refused = _refusal(session, release, checked_settings())

    assert _codes(refused) == ["audience.empty"]


def test_journalists_who_received_the_release_are_a_warning_with_their_count(
    session: Session, release: Release, press_list: list[str], checked_settings: CheckedSettings
) -> None:
    earlier = _create(session, release, checked_settings())
    start_due(session, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    session.execute(
        update(Delivery)
        .where(Delivery.sendout_id == earlier.id, Delivery.email.in_(press_list[:3]))
        .values(state=DeliveryState.SENT)
    )

    refused = _refusal(session, release, checked_settings())

    assert _codes(refused) == ["audience.already_received"]
    assert refused.needs_confirmation
    assert "4 of 4 recipients already received release" in str(refused)


def test_journalists_due_the_release_from_a_scheduled_sendout_are_a_warning(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    _create(session, release, checked_settings())

    refused = _refusal(session, release, checked_settings())

    assert _codes(refused) == ["audience.already_received"]
    assert "4 of 4 recipients" in str(refused)


def test_cancelled_sendout_of_the_release_is_no_repeat(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    earlier = _create(session, release, checked_settings())
    cancel_sendout(session, earlier, actor=SYSTEM)

    assert _create(session, release, checked_settings()).preflight["findings"] == []  # type: ignore[index]


def test_repeat_confirmed_is_scheduled_with_the_confirmation_recorded(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    _create(session, release, checked_settings())

    again = _create(session, release, checked_settings(), confirm=True)

    stored = CheckResult.stored(again.preflight)
    assert stored is not None
    assert stored.confirmed
    assert [f.code for f in stored.findings] == ["audience.already_received"]
    assert again.state is SendOutState.SCHEDULED


def test_rerun_on_a_started_sendout_does_not_count_its_own_deliveries(
    session: Session, release: Release, checked_settings: CheckedSettings
) -> None:
    sendout = _create(session, release, checked_settings())
    start_due(session, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))

    result = recheck_sendout(session, sendout, checked_settings(), NOW)

    assert result.findings == ()


def _create_to(
    session: Session, release: Release, settings: Settings, audience: Audience
) -> SendOut:
    return create_sendout(
        session, release, audience, TUESDAY_MORNING, actor=SYSTEM, settings=settings, now=NOW
    )
