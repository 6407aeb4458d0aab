"""The admin's words for what the system names by id: roles, why an address gets no mail,
what the audit log recorded, what kind of bounce came back and how."""

from __future__ import annotations

from types import MappingProxyType

from distributor.models import BounceClass, BounceSource, ProcessRole, Role, SuppressionReason

ROLE_NAMES = MappingProxyType(
    {Role.ADMIN: "Admin", Role.PRESS_OFFICER: "Press officer", Role.VIEWER: "Viewer"}
)


def role_name(role: Role) -> str:
    """How a page names `role`: "Press officer", not press_officer."""
    return ROLE_NAMES[role]


def role_choices() -> list[tuple[str, str]]:
    """The roles as a form's options: (value, name), the most powerful first."""
    return [(role.value, role_name(role)) for role in Role]


SUPPRESSION_REASONS = MappingProxyType(
    {
        SuppressionReason.UNSUBSCRIBED: "Unsubscribed",
        SuppressionReason.HARD_BOUNCE: "Address does not exist",
        SuppressionReason.SOFT_BOUNCE_LIMIT: "Mail kept coming back",
        SuppressionReason.COMPLAINT: "Marked as spam",
        SuppressionReason.ERASED: "Data erased",
        SuppressionReason.MANUAL: "Added by hand",
    }
)


def suppression_reason(reason: SuppressionReason) -> str:
    """Why an address gets no mail, as a press officer would say it."""
    return SUPPRESSION_REASONS[reason]


# What kind of answer came back and how it reached us: not "hard", "block" or "receiver".
BOUNCE_CLASSES = MappingProxyType(
    {
        BounceClass.HARD: "Permanent failure",
        BounceClass.SOFT: "Temporary failure",
        BounceClass.BLOCK: "Refused by the receiving server",
        BounceClass.COMPLAINT: "Marked as spam",
        BounceClass.DELAYED: "Delayed, still trying",
        BounceClass.AUTO_REPLY: "Automatic reply",
        BounceClass.UNKNOWN: "Not recognised",
    }
)


BOUNCE_SOURCES = MappingProxyType(
    {
        BounceSource.RECEIVER: "Received by our bounce server",
        BounceSource.FILE: "Read from a saved mail file",
        BounceSource.IMAP: "Read from the bounce mailbox",
        BounceSource.SMTP_SESSION: "Refused while sending",
        BounceSource.WEBHOOK: "Reported by the mail provider",
    }
)


# What an audit entry records, as a sentence ("Created a list", not list.create).
AUDIT_ACTIONS = MappingProxyType(
    {
        "api_key.create": "Created an API key",
        "api_key.revoke": "Revoked an API key",
        "bounces.apply": "Applied a returned message by hand",
        "bounces.reactivate": "Let a bounced address receive mail again",
        "contact.add": "Added a contact",
        "contact.delete": "Deleted a contact",
        "contact.edit": "Changed a contact",
        "contact.erase": "Erased a contact's data",
        "contact.export_data": "Exported a contact's data",
        "contact.legal_basis": "Changed a contact's legal basis",
        "contact.move_accept": "Accepted a suggestion that a contact moved on",
        "contact.move_dismiss": "Dismissed a suggestion that a contact moved on",
        "contact.note": "Left a note on a contact",
        "contacts.bulk_add_to_list": "Added contacts to a list",
        "contacts.bulk_remove_from_list": "Removed contacts from a list",
        "contacts.bulk_suppress": "Stopped mail to contacts",
        "contacts.export": "Exported contacts",
        "contacts.import": "Imported contacts",
        "list.archive": "Archived a list",
        "list.create": "Created a list",
        "list.delete": "Deleted a list",
        "list.describe": "Changed a list's description",
        "list.rename": "Renamed a list",
        "list.unarchive": "Brought a list back from the archive",
        "release.create": "Created a release",
        "release.delete": "Deleted a release",
        "release.media.add": "Added a file to a release's media kit",
        "release.translate": "Added a translation of a release",
        "release.update": "Changed a release",
        "segment.create": "Created a segment",
        "segment.delete": "Deleted a segment",
        "segment.update": "Changed a segment",
        "sendout.blocked": "A receiving server refused a send-out",
        "sendout.cancel": "Cancelled a send-out",
        "sendout.create": "Scheduled a send-out",
        "sendout.follow_up": "Scheduled a follow-up send-out",
        "sendouts.export_recipients": "Exported a send-out's recipients",
        "signup.request": "Sent a sign-up confirmation",
        "subscription.resubscribe": "Subscribed a contact again",
        "subscription.subscribe": "Subscribed a contact to a list",
        "subscription.unsubscribe": "Unsubscribed a contact from lists",
        "suppression.add": "Stopped mail to an address",
        "suppression.import": "Imported addresses that get no mail",
        "suppression.remove": "Allowed mail to an address again",
        "user.create": "Created a user",
        "user.deactivate": "Deactivated a user",
        "user.log_out_everywhere": "Logged a user out everywhere",
        "user.set_password": "Changed a user's password",
        "user.two_factor_on": "Turned on two-step login",
        "user.two_factor_off": "Turned off two-step login",
        "user.recovery_codes": "Made new recovery codes for two-step login",
        "user.set_role": "Changed a user's role",
        "user.set_time_zone": "Changed a user's time zone",
    }
)

# What an audit entry is about ("Send-out", not sendout).
AUDIT_SUBJECTS = MappingProxyType(
    {
        "address": "Address",
        "api_key": "API key",
        "bounce_record": "Returned message",
        "bulk_job": "Change to many contacts",
        "contact": "Contact",
        "contacts": "Contacts",
        "list": "List",
        "release": "Release",
        "segment": "Segment",
        "sendout": "Send-out",
        "subscription": "Subscription",
        "suppression": "Address that gets no mail",
        "user": "User",
    }
)


# Who acted, by the kind of label the audit log keeps ("cli:alice", "user:a@b.example", …).
_ACTOR_KINDS = MappingProxyType(
    {
        "user": "{}",
        "cli": "{}, on the command line",
        "api-key": "API key {}…",
        "recipient": "The journalist, through their email's link",
        "signup-form": "The sign-up form",
        "system": "distributor itself",
    }
)


def actor_words(label: str) -> str:
    """Who an audit entry says acted, in words: "alice, on the command line", not cli:alice.
    A label of a kind without words shows as it is."""
    kind, _, who = label.partition(":")
    shape = _ACTOR_KINDS.get(kind)
    return shape.format(who) if shape is not None else label


# What a send-out waits on when a kind of process is not running, for a press officer, who
# does not start processes: the part named by what it does, and who can help.
WAITING_ON = MappingProxyType(
    {
        ProcessRole.WORKER: "the sending service is not running, so nothing is sent",
        ProcessRole.BEAT: "the scheduler is not running, so nothing starts send-outs at their time",
    }
)
WHO_HELPS = "Ask whoever looks after distributor to start it; nothing is lost meanwhile."
