"""Why a delivery failed: every reason a report can give, with its class, policy action and words.

One table, kept beside the bounce records whose `reason` it names, read by the
classifier (which names the reason), the policy (which acts on the class) and every
screen that shows a bounce, a contact's timeline among them (which shows the label).
The reason names are those of the Sisimai bounce classifier, the field's reference, so
figures can be compared with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from distributor.models.bounces import BounceClass


class Reason(StrEnum):
    USER_UNKNOWN = "userunknown"
    HOST_UNKNOWN = "hostunknown"
    HAS_MOVED = "hasmoved"
    NOT_ACCEPT = "notaccept"
    MAILBOX_FULL = "mailboxfull"
    EXCEED_LIMIT = "exceedlimit"
    MESSAGE_TOO_BIG = "mesgtoobig"
    EXPIRED = "expired"
    SUSPEND = "suspend"
    FILTERED = "filtered"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    SPAM_DETECTED = "spamdetected"
    VIRUS_DETECTED = "virusdetected"
    POLICY_VIOLATION = "policyviolation"
    SECURITY_ERROR = "securityerror"
    AUTH_FAILURE = "authfailure"
    REQUIRE_PTR = "requireptr"
    BAD_REPUTATION = "badreputation"
    SPEEDING = "speeding"
    TOO_MANY_CONNECTIONS = "toomanyconn"
    NO_RELAYING = "norelaying"
    NETWORK_ERROR = "networkerror"
    SYSTEM_ERROR = "systemerror"
    SYSTEM_FULL = "systemfull"
    CONTENT_ERROR = "contenterror"
    SYNTAX_ERROR = "syntaxerror"
    FAILED_STARTTLS = "failedstarttls"
    ON_HOLD = "onhold"
    MAILER_ERROR = "mailererror"
    NOT_COMPLIANT_RFC = "notcompliantrfc"
    FEEDBACK = "feedback"
    VACATION = "vacation"
    DELIVERED = "delivered"
    UNDEFINED = "undefined"


class PolicyAction(StrEnum):
    """What the bounce policy does with a record of each class."""

    SUPPRESS = "suppress"  # the address is dead: no more mail
    COUNT_SOFT = "count_soft"  # one more soft bounce; enough of them suppress
    WARN_SENDOUT = (
        "warn_sendout"  # our side or the receiver's policy: warn, never blame the address
    )
    STOP_ALL_MAIL = "stop_all_mail"  # a complaint: unsubscribe from everything
    RECORD = "record"  # kept for the timeline, changes nothing


@dataclass(frozen=True)
class ReasonInfo:
    reason: Reason
    bounce_class: BounceClass
    label: str  # for a press officer: "user unknown", "blocked as spam"
    meaning: str  # one sentence for the README and tooltips


HARD, SOFT, BLOCK = BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK

_TABLE = (
    ReasonInfo(Reason.USER_UNKNOWN, HARD, "user unknown", "The mailbox does not exist."),
    ReasonInfo(Reason.HOST_UNKNOWN, HARD, "domain unknown", "The domain has no mail server."),
    ReasonInfo(
        Reason.HAS_MOVED, HARD, "has moved", "The person has left; a new address may be given."
    ),
    ReasonInfo(
        Reason.NOT_ACCEPT, HARD, "domain takes no mail", "The domain accepts no mail (null MX)."
    ),
    ReasonInfo(Reason.MAILBOX_FULL, SOFT, "mailbox full", "The mailbox is over its quota."),
    ReasonInfo(
        Reason.EXCEED_LIMIT,
        SOFT,
        "over a size limit",
        "The message exceeds the mailbox's own limit.",
    ),
    ReasonInfo(
        Reason.MESSAGE_TOO_BIG,
        BLOCK,
        "message too big",
        "Our message is over the server's size limit.",
    ),
    ReasonInfo(Reason.EXPIRED, SOFT, "gave up retrying", "Delivery was retried until it expired."),
    ReasonInfo(Reason.SUSPEND, SOFT, "mailbox suspended", "The mailbox is disabled for now."),
    ReasonInfo(
        Reason.FILTERED, BLOCK, "filtered", "A filter of the recipient's refused the message."
    ),
    ReasonInfo(
        Reason.REJECTED, BLOCK, "sender refused", "Our sender address or domain was refused."
    ),
    ReasonInfo(Reason.BLOCKED, BLOCK, "blocked", "Our sending server was blocked (IP blocklist)."),
    ReasonInfo(
        Reason.SPAM_DETECTED, BLOCK, "blocked as spam", "The message was judged to be spam."
    ),
    ReasonInfo(Reason.VIRUS_DETECTED, BLOCK, "virus found", "A virus scanner refused the message."),
    ReasonInfo(
        Reason.POLICY_VIOLATION, BLOCK, "against policy", "The receiver's policy refused it."
    ),
    ReasonInfo(
        Reason.SECURITY_ERROR,
        BLOCK,
        "security refusal",
        "A security check (authentication, TLS) failed.",
    ),
    ReasonInfo(
        Reason.AUTH_FAILURE, BLOCK, "authentication failed", "SPF, DKIM or DMARC did not pass."
    ),
    ReasonInfo(
        Reason.REQUIRE_PTR, BLOCK, "no reverse DNS", "Our server's IP has no valid reverse DNS."
    ),
    ReasonInfo(
        Reason.BAD_REPUTATION, BLOCK, "bad reputation", "Our IP or domain's reputation is too low."
    ),
    ReasonInfo(Reason.SPEEDING, BLOCK, "rate limited", "We sent too much too fast."),
    ReasonInfo(
        Reason.TOO_MANY_CONNECTIONS,
        BLOCK,
        "too many connections",
        "We opened too many connections.",
    ),
    ReasonInfo(Reason.NO_RELAYING, BLOCK, "relaying refused", "The server would not relay for us."),
    ReasonInfo(Reason.NETWORK_ERROR, SOFT, "network error", "DNS or network trouble on the way."),
    ReasonInfo(Reason.SYSTEM_ERROR, SOFT, "server error", "The receiving server failed."),
    ReasonInfo(Reason.SYSTEM_FULL, SOFT, "server full", "The receiving server's disk is full."),
    ReasonInfo(
        Reason.CONTENT_ERROR,
        BLOCK,
        "content refused",
        "The message's content or format was refused.",
    ),
    ReasonInfo(Reason.SYNTAX_ERROR, BLOCK, "protocol error", "An SMTP command was not understood."),
    ReasonInfo(
        Reason.FAILED_STARTTLS, BLOCK, "TLS failed", "An encrypted connection could not be made."
    ),
    ReasonInfo(
        Reason.ON_HOLD, BounceClass.UNKNOWN, "on hold", "The report does not say what failed."
    ),
    ReasonInfo(
        Reason.MAILER_ERROR, SOFT, "mail program error", "A mail program on the way failed."
    ),
    ReasonInfo(
        Reason.NOT_COMPLIANT_RFC, BLOCK, "not standard", "The message broke a mail standard."
    ),
    ReasonInfo(
        Reason.FEEDBACK, BounceClass.COMPLAINT, "spam complaint", "The reader reported it as spam."
    ),
    ReasonInfo(
        Reason.VACATION,
        BounceClass.AUTO_REPLY,
        "auto-reply",
        "An out-of-office or other auto-reply.",
    ),
    ReasonInfo(
        Reason.DELIVERED, BounceClass.UNKNOWN, "delivered", "A report that the message arrived."
    ),
    ReasonInfo(Reason.UNDEFINED, BounceClass.UNKNOWN, "unknown", "The reason could not be told."),
)

REASONS: dict[Reason, ReasonInfo] = {info.reason: info for info in _TABLE}

ACTIONS: dict[BounceClass, PolicyAction] = {
    BounceClass.HARD: PolicyAction.SUPPRESS,
    BounceClass.SOFT: PolicyAction.COUNT_SOFT,
    BounceClass.BLOCK: PolicyAction.WARN_SENDOUT,
    BounceClass.COMPLAINT: PolicyAction.STOP_ALL_MAIL,
    BounceClass.DELAYED: PolicyAction.RECORD,
    BounceClass.AUTO_REPLY: PolicyAction.RECORD,
    BounceClass.UNKNOWN: PolicyAction.RECORD,
}


def reason_label(reason: str | None) -> str:
    """The words for a stored reason name; a name not in the table is shown as it is."""
    if not reason:
        return REASONS[Reason.UNDEFINED].label
    try:
        return REASONS[Reason(reason)].label
    except ValueError:
        return reason


def reasons_summary(counts: dict[str, int]) -> str:
    """ "12 user unknown, 3 mailbox full, 2 blocked as spam": most frequent first."""
    ordered = sorted(
        ((n, reason_label(r)) for r, n in counts.items() if n), key=lambda x: (-x[0], x[1])
    )
    return ", ".join(f"{n} {label}" for n, label in ordered)
