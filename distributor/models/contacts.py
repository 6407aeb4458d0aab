"""Who receives releases: journalists (contacts), lists, subscriptions, segments, suppressions."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    true,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from distributor.models.base import Base, Timestamped, enum_type, utcnow

if TYPE_CHECKING:
    from distributor.models.accounts import User


class LegalBasis(enum.StrEnum):
    """GDPR Art. 6 lawful basis for holding and mailing the address."""

    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    PUBLIC_TASK = "public_task"
    VITAL_INTERESTS = "vital_interests"


class SubscriptionStatus(enum.StrEnum):
    PENDING = "pending"  # double opt-in not yet confirmed
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"


class Channel(enum.StrEnum):
    """How a subscription (or suppression) came to be what it is."""

    IMPORT = "import"
    ADMIN = "admin"
    API = "api"
    SIGNUP = "signup"
    ONE_CLICK = "one_click"
    PREFERENCES = "preferences"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


class SuppressionReason(enum.StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCE_LIMIT = "soft_bounce_limit"
    COMPLAINT = "complaint"
    ERASED = "erased"
    MANUAL = "manual"


def email_hash(email: str) -> str:
    """The key of a suppression: it outlives the address itself when a contact is erased."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


class EmailHash(FunctionElement[str]):
    """`email_hash` of a normalized address (a contact's), computed by the database."""

    type = String()
    inherit_cache = True


@compiles(EmailHash, "postgresql")
def _email_hash_postgresql(element: EmailHash, compiler: SQLCompiler, **kw: Any) -> str:
    return f"encode(sha256(convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')), 'hex')"


@compiles(EmailHash, "sqlite")
def _email_hash_sqlite(element: EmailHash, compiler: SQLCompiler, **kw: Any) -> str:
    # Registered on every SQLite connection by distributor.db.
    return f"email_hash({compiler.process(element.clauses, **kw)})"


class Contact(Timestamped, Base):
    """A journalist (or anyone else who receives releases)."""

    __tablename__ = "contacts"
    # The contacts page sorts by name and by when added, a page at a time, deep pages too.
    __table_args__ = (
        Index("ix_contacts_last_name_first_name_id", "last_name", "first_name", "id"),
        Index("ix_contacts_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalized (IDNA domain, lower case): the identity used for dedupe and suppression.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # As the source spelled it, for display and for the rare case-sensitive mailbox.
    original_email: Mapped[str | None] = mapped_column(String(320))
    # The person's other addresses (an address book's second and third), normalized, in the
    # order the source gave them: kept for finding them, never mailed.
    alternate_emails: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    outlet: Mapped[str | None] = mapped_column(String(200), index=True)
    role: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    city: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(35), index=True)  # BCP 47
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name
    phone: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(255))  # where the address came from
    legal_basis: Mapped[LegalBasis] = mapped_column(
        enum_type(LegalBasis), default=LegalBasis.LEGITIMATE_INTEREST
    )
    consent_at: Mapped[datetime | None]
    consent_record: Mapped[str | None] = mapped_column(Text)  # what was agreed to, where, how
    tracking_allowed: Mapped[bool] = mapped_column(default=True, server_default=true())
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # unknown import columns

    beat_rows: Mapped[list[ContactBeat]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactBeat.beat"
    )
    beats: AssociationProxy[list[str]] = association_proxy(
        "beat_rows", "beat", creator=lambda beat: ContactBeat(beat=beat)
    )
    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def _searched() -> ColumnElement[str]:
    """What a search of the contacts page looks in, as one text (its words are looked for
    anywhere in it, lower-cased). Constants are written out so that PostgreSQL matches its
    index to the query."""
    space: ColumnElement[str] = literal_column("' '")
    columns = Contact.__table__.c
    parts = [
        func.coalesce(columns[name], literal_column("''"))
        for name in ("first_name", "last_name", "outlet", "role", "city")
    ]
    joined: ColumnElement[str] = columns.email
    for part in parts:
        joined = joined.op("||")(space).op("||")(part)
    return joined


CONTACT_SEARCH_TEXT = _searched()
# Trigrams find a word inside the text without reading every contact (PostgreSQL's pg_trgm).
cast(Table, Contact.__table__).append_constraint(
    Index(
        "ix_contacts_search",
        func.lower(CONTACT_SEARCH_TEXT).label("search"),
        postgresql_using="gin",
        postgresql_ops={"search": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")
)


class ContactNote(Base):
    """What a colleague wrote down about a journalist; erased with them."""

    __tablename__ = "contact_notes"
    __table_args__ = (Index("ix_contact_notes_contact_id_created_at", "contact_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(200))  # the actor's label, kept if the user goes
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)


class ContactBeat(Base):
    """A beat or topic a journalist covers; a row each so segments can filter in SQL."""

    __tablename__ = "contact_beats"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    beat: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)

    contact: Mapped[Contact] = relationship(back_populates="beat_rows")


class MailingList(Timestamped, Base):
    """A named list of journalists that send-outs address."""

    __tablename__ = "lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None]

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="mailing_list", cascade="all, delete-orphan", passive_deletes=True
    )


class Subscription(Base):
    """A contact on a list, with when, why, how and by whom its status last changed."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("list_id", "contact_id"),
        Index("ix_subscriptions_list_id_status", "list_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[SubscriptionStatus] = mapped_column(
        enum_type(SubscriptionStatus), default=SubscriptionStatus.SUBSCRIBED
    )
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="subscriptions")
    mailing_list: Mapped[MailingList] = relationship(back_populates="subscriptions")


class Segment(Timestamped, Base):
    """A saved filter over contacts (beat, outlet, country, language, lists…), evaluated at send time."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()


class Suppression(Base):
    """An address that never receives another send-out email, whatever list it joins."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The sha256 of the normalized address; the address itself is dropped on erasure.
    email_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    reason: Mapped[SuppressionReason] = mapped_column(enum_type(SuppressionReason))
    channel: Mapped[Channel | None] = mapped_column(enum_type(Channel))
    source: Mapped[str | None] = mapped_column(String(255))  # the evidence: bounce id, admin…
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
