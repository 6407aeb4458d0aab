"""Running every check on a send-out, and keeping the result with it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import SendOut
from distributor.sending.scheduling.checks.audience import check_audience, check_reach
from distributor.sending.scheduling.checks.findings import CheckResult, ChecksFailed, Finding, Level
from distributor.sending.scheduling.checks.guard import check_send_time
from distributor.sending.scheduling.checks.message import check_messages
from distributor.sending.scheduling.checks.sender import check_dkim


def run_checks(
    session: Session, sendout: SendOut, settings: Settings, now: datetime
) -> list[Finding]:
    """Every finding on `sendout`: errors first, then warnings, each in the checks' order."""
    findings = [
        *check_messages(session, sendout, settings, now),
        *check_dkim(settings),
        *check_reach(session, sendout),
        *check_audience(session, sendout, settings, now),
        *check_send_time(session, sendout, settings, now),
    ]
    return sorted(findings, key=lambda finding: finding.level is not Level.ERROR)


def check_sendout(
    session: Session,
    sendout: SendOut,
    settings: Settings,
    now: datetime,
    *,
    confirm: bool = False,
) -> CheckResult:
    """Run the checks, store their result on `sendout`; ChecksFailed unless it may go."""
    result = CheckResult(now, tuple(run_checks(session, sendout, settings, now)), confirm)
    sendout.preflight = result.as_dict()
    if not result.passed:
        raise ChecksFailed(result)
    return result


def recheck_sendout(
    session: Session, sendout: SendOut, settings: Settings, now: datetime
) -> CheckResult:
    """Run the checks again and store the result; warnings confirmed before stay confirmed."""
    earlier = CheckResult.stored(sendout.preflight)
    confirmed = earlier is not None and earlier.confirmed
    result = CheckResult(now, tuple(run_checks(session, sendout, settings, now)), confirmed)
    sendout.preflight = result.as_dict()
    return result
