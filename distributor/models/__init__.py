"""The domain's tables as SQLAlchemy 2 typed models; constraints here hold the invariants."""

from __future__ import annotations

from distributor.models.accounts import ApiKey, AuditEntry, Role, User
from distributor.models.base import Base, UTCDateTime, utcnow
from distributor.models.bounces import BounceClass, BounceRecord, BounceReview, BounceSource
from distributor.models.contacts import (
    Channel,
    Contact,
    ContactBeat,
    ContactNote,
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
    "REASONS",
    "ApiKey",
    "AuditEntry",
    "Base",
    "BounceClass",
    "BounceRecord",
    "BounceReview",
    "BounceSource",
    "Channel",
    "Contact",
    "ContactBeat",
    "ContactNote",
    "Delivery",
    "DeliveryEvent",
    "DeliveryEventKind",
    "DeliveryState",
    "LegalBasis",
    "MailingList",
    "MediaFile",
    "MediaKind",
    "MoveState",
    "MoveSuggestion",
    "Reason",
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
