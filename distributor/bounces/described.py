"""One received message as `distributor bounces parse --json` prints it: what it is, who failed, why.

A form benchmarks and scripts rely on: one JSON object per message, no database.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from distributor.bounces.reports import ParsedReport, RecipientStatus, ReportKind, parse_report
from distributor.models import REASONS

_HEADER_BYTES = 64 * 1024
_KINDS = {
    ReportKind.BOUNCE: "bounce",
    ReportKind.DELAYED: "delayed",
    ReportKind.DELIVERED: "delivered",
    ReportKind.COMPLAINT: "complaint",
    ReportKind.AUTO_REPLY: "auto_reply",
}


def describe_message(raw: bytes, file: str) -> dict[str, Any]:
    """`{"file", "kind", "recipients": [{"address", "status", "reply_code", "reason", "class",
    "label", "diagnostic"}], "problems"}` for one message's bytes."""
    report = parse_report(raw)
    return {
        "file": file,
        "kind": _KINDS.get(report.kind) or ("reply" if _answers(raw) else "not_a_report"),
        "recipients": [_recipient(report, recipient) for recipient in report.recipients],
        "original_message_id": report.original_message_id,
        "problems": list(report.problems),
    }


def _recipient(report: ParsedReport, recipient: RecipientStatus) -> dict[str, Any]:
    verdict = report.verdict(recipient)
    return {
        "address": recipient.address,
        "status": recipient.status,
        "reply_code": recipient.reply_code,
        "reason": verdict.reason.value,
        "class": verdict.bounce_class.value,
        "label": REASONS[verdict.reason].label,
        "diagnostic": recipient.diagnostic,
    }


def _answers(raw: bytes) -> bool:
    """A person's answer to a message: it says which message it replies to."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:_HEADER_BYTES])
    return headers.get("in-reply-to") is not None or headers.get("references") is not None
