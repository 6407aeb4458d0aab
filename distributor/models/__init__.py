"""The domain's tables as SQLAlchemy 2 typed models; constraints here hold the invariants."""

from __future__ import annotations

from distributor.models.accounts import (
    ApiKey,
    AuditEntry,
    LoginSession,
    RecoveryCode,
    Role,
    SessionEnd,
    User,
)
from distributor.models.base import Base, UTCDateTime, utcnow
from distributor.models.bounces import BounceClass, BounceRecord, BounceReview, BounceSource
from distributor.models.bulk import BulkAction, BulkJob, BulkState
from distributor.models.contacts import (
    CONTACT_SEARCH_TEXT,
    Channel,
    Contact,
    ContactBeat,
    ContactNote,
    EmailHash,
    LegalBasis,
    MailingList,
    Segment,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    email_hash,
)
from distributor.models.media import MediaFile, MediaKind
from distributor.models.moves import MoveState, MoveSuggestion
from distributor.models.processes import Heartbeat, ProcessRole
from distributor.models.reasons import REASONS, Reason, reason_label, reasons_summary
from distributor.models.releases import (
    Release,
    ReleaseContact,
    ReleaseImage,
    ReleaseLink,
    ReleaseVersion,
)
from distributor.models.sending import (
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    ScheduleKind,
    SendOut,
    SendOutAudience,
    SendOutEvent,
    SendOutState,
    SendOutTally,
)

__all__ = [
    "CONTACT_SEARCH_TEXT",
    "REASONS",
    "ApiKey",
    "AuditEntry",
    "Base",
    "BounceClass",
    "BounceRecord",
    "BounceReview",
    "BounceSource",
    "BulkAction",
    "BulkJob",
    "BulkState",
    "Channel",
    "Contact",
    "ContactBeat",
    "ContactNote",
    "Delivery",
    "DeliveryEvent",
    "DeliveryEventKind",
    "DeliveryState",
    "EmailHash",
    "Heartbeat",
    "LegalBasis",
    "LoginSession",
    "MailingList",
    "MediaFile",
    "MediaKind",
    "MoveState",
    "MoveSuggestion",
    "ProcessRole",
    "Reason",
    "RecoveryCode",
    "Release",
    "ReleaseContact",
    "ReleaseImage",
    "ReleaseLink",
    "ReleaseVersion",
    "Role",
    "ScheduleKind",
    "Segment",
    "SendOut",
    "SendOutAudience",
    "SendOutEvent",
    "SendOutState",
    "SendOutTally",
    "SessionEnd",
    "Subscription",
    "SubscriptionStatus",
    "Suppression",
    "SuppressionReason",
    "UTCDateTime",
    "User",
    "email_hash",
    "reason_label",
    "reasons_summary",
    "utcnow",
]
