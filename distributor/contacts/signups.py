"""The newsroom's public sign-up with double opt-in: ask, confirm by email, record the consent.

A visitor names an address and the lists they want; the address gets a signed link
and joins the lists only when its owner confirms through it. What the visitor sees
never depends on whether the address is known, suppressed or already on the lists,
so the form tells nobody who is on file. Consent is recorded (`set_legal_basis`)
with what was agreed to, where, and when it was asked for and confirmed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from distributor import audit, tokens, urls
from distributor.addresses import InvalidAddress, parse_address
from distributor.audit import Actor
from distributor.config import Settings
from distributor.contacts.directory import add_contact, suppression_of
from distributor.contacts.privacy import set_legal_basis
from distributor.contacts.subscriptions import subscribe_contact
from distributor.contacts.values import one_line
from distributor.errors import Conflict, DistributorError, InvalidInput, NotFound
from distributor.models import (
    AuditEntry,
    Channel,
    Contact,
    LegalBasis,
    MailingList,
    Role,
    Subscription,
    SubscriptionStatus,
)

# The visitor acting through the form or their own confirmation link. As with a
# recipient's link, the role only lets the contact services act on this one contact.
SIGNUP_ACTOR = Actor(label="signup-form", role=Role.ADMIN)
REQUESTED = "signup.request"  # audit action of each confirmation mail sent
# Confirmation mails one address gets in a day, however many people ask: the form
# cannot be used to flood an inbox from many machines.
MAILS_PER_DAY = 3
_DAY = timedelta(days=1)


class SignupRefused(InvalidInput):
    """The form has mistakes; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {text}" for name, text in problems.items()))
        self.problems = problems


class UnknownSignup(NotFound):
    """The confirmation token is malformed or altered, or its address is no longer held."""


class SignupInProgress(Conflict):
    """Another request is signing up the same new address at this moment; it sends the mail."""


class SignupExpired(DistributorError):
    """The confirmation link is older than DISTRIBUTOR_SIGNUP_MAX_AGE, or the terms changed."""


@dataclass(frozen=True)
class ListOffer:
    slug: str
    name: str


@dataclass(frozen=True)
class SignupForm:
    """The form as typed, kept to show it again beside its errors."""

    email: str = ""
    name: str = ""
    outlet: str = ""
    lists: tuple[str, ...] = ()
    consent: bool = False


@dataclass(frozen=True)
class Confirmation:
    """The confirmation email one address is due: who, which lists, and the link.

    It carries nothing typed into the form (no name, no outlet): the mail goes to an
    address nobody has confirmed yet, so none of its words may be a stranger's.
    """

    email: str
    lists: tuple[str, ...]  # the lists' names
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class PendingSignup:
    """A valid confirmation link: the address, the lists it asks for, and when it was asked."""

    contact: Contact
    lists: tuple[ListOffer, ...]
    submitted_at: datetime
    confirmed: bool  # every list is joined and consent recorded: confirming again changes nothing


@dataclass(frozen=True)
class _Clean:
    email: str
    original: str
    name: str
    outlet: str
    lists: tuple[ListOffer, ...]


def signup_offer(session: Session, settings: Settings) -> tuple[ListOffer, ...]:
    """The lists the form offers, in the settings' order; empty when sign-up is off.

    Lists named in DISTRIBUTOR_SIGNUP_LISTS that do not exist or are archived are left out.
    """
    slugs = settings.signup_list_slugs
    if not slugs:
        return ()
    found = select(MailingList.slug, MailingList.name).where(
        MailingList.slug.in_(slugs), MailingList.archived_at.is_(None)
    )
    names = dict(session.execute(found).all())
    return tuple(ListOffer(slug, names[slug]) for slug in slugs if slug in names)


def _one_line(form: SignupForm, key: str, problems: dict[str, str]) -> str:
    try:
        return one_line(getattr(form, key))
    except ValueError as exc:
        problems[key] = f"The {key} {exc}."
        return ""


def _validate(form: SignupForm, offer: Sequence[ListOffer]) -> _Clean:
    """The form's values, cleaned; SignupRefused naming every field at fault."""
    problems: dict[str, str] = {}
    email = original = ""
    try:
        address = parse_address(form.email)
        if address.display_name or "<" in form.email:
            raise InvalidAddress("Give the address alone, e.g. name@outlet.example.")
        email, original = address.email, address.original
    except InvalidAddress as exc:
        problems["email"] = str(exc)
    name = _one_line(form, "name", problems)
    outlet = _one_line(form, "outlet", problems)
    if not name:
        problems.setdefault("name", "Please give your name.")
    offered = {choice.slug: choice for choice in offer}
    chosen = tuple(offered[slug] for slug in dict.fromkeys(form.lists) if slug in offered)
    if not chosen:
        problems["lists"] = "Choose at least one list."
    if not form.consent:
        problems["consent"] = "Tick the box to agree, or we cannot send you anything."
    if problems:
        raise SignupRefused(problems)
    return _Clean(email, original, name, outlet, chosen)


def consent_digest(text: str) -> str:
    """A short fingerprint of the consent text, carried in the link: the terms must not change."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_token(settings: Settings, email: str, lists: Sequence[str], submitted_at: datetime) -> str:
    """The signed confirmation token: the address, the list slugs, when, and the terms' digest."""
    payload = {
        "e": email,
        "l": list(lists),
        "t": int(submitted_at.timestamp()),
        "c": consent_digest(settings.signup_consent),
    }
    return tokens.signup_token(payload, settings.signing_key())


def _may_mail(session: Session, settings: Settings, contact: Contact, now: datetime) -> bool:
    """Whether `contact` may be sent a confirmation now: fewer than MAILS_PER_DAY in the last
    day, and none within DISTRIBUTOR_SIGNUP_MAIL_INTERVAL."""
    interval = timedelta(seconds=settings.signup_mail_interval)
    sent = session.scalars(
        select(AuditEntry.at).where(
            AuditEntry.entity_type == "contact",
            AuditEntry.entity_id == str(contact.id),
            AuditEntry.action == REQUESTED,
            AuditEntry.at > now - max(_DAY, interval),
        )
    ).all()
    if sum(1 for at in sent if at > now - _DAY) >= MAILS_PER_DAY:
        return False
    return not any(at > now - interval for at in sent)


def _contact_for(session: Session, clean: _Clean) -> Contact:
    """The contact with the address, or a new one with the name and outlet typed.

    A known contact's details are left as they are: the form proves nothing yet.
    """
    query = select(Contact).where(Contact.email == clean.email).with_for_update()
    contact = session.scalar(query)
    if contact is not None:
        return contact
    values = {"email": clean.original, "name": clean.name, "source": "newsroom sign-up form"}
    if clean.outlet:
        values["outlet"] = clean.outlet
    try:
        return add_contact(session, values, SIGNUP_ACTOR)
    except IntegrityError:
        # No savepoint to retry in (SQLite's driver would commit it): the other request mails.
        raise SignupInProgress(f"{clean.email} is being signed up by another request") from None


def request_signup(
    session: Session,
    settings: Settings,
    form: SignupForm,
    now: datetime,
    send: Callable[[Confirmation], None],
) -> None:
    """Check the form and, when the address may have one, `send` it a confirmation link.

    SignupRefused when the form has mistakes; SignupInProgress (the transaction is
    spoiled) when a concurrent request creates the same contact. Otherwise the
    outcome is the same to the caller whatever happened: no mail for a suppressed address, an address
    already on every list chosen, or one sent a link less than
    DISTRIBUTOR_SIGNUP_MAIL_INTERVAL ago or MAILS_PER_DAY links in the last day. A new address becomes a contact whose
    chosen lists are pending until the link is used.
    """
    clean = _validate(form, signup_offer(session, settings))
    if suppression_of(session, clean.email) is not None:
        return
    contact = _contact_for(session, clean)
    slugs = [choice.slug for choice in clean.lists]
    mine = select(Subscription.list_id, Subscription.status)
    statuses = dict(session.execute(mine.where(Subscription.contact_id == contact.id)).all())
    ids = select(MailingList.slug, MailingList.id).where(MailingList.slug.in_(slugs))
    list_ids = dict(session.execute(ids).all())
    if all(statuses.get(list_ids[c.slug]) == SubscriptionStatus.SUBSCRIBED for c in clean.lists):
        return
    if not _may_mail(session, settings, contact, now):
        return
    for choice in clean.lists:
        if list_ids[choice.slug] not in statuses:
            session.add(
                Subscription(
                    list_id=list_ids[choice.slug],
                    contact_id=contact.id,
                    status=SubscriptionStatus.PENDING,
                    channel=Channel.SIGNUP,
                    reason="signed up on the newsroom form; waiting for the emailed confirmation",
                    actor=SIGNUP_ACTOR.label,
                    changed_at=now,
                )
            )
    audit.record(session, SIGNUP_ACTOR, REQUESTED, "contact", contact.id, lists=slugs).at = now
    session.flush()
    token = make_token(settings, contact.email, slugs, now)
    send(
        Confirmation(
            email=contact.email,
            lists=tuple(choice.name for choice in clean.lists),
            url=urls.url(settings.base_url, urls.SIGNUP_CONFIRM, token=token),
            expires_at=now + timedelta(seconds=settings.signup_max_age),
        )
    )


def open_signup(session: Session, settings: Settings, token: str, now: datetime) -> PendingSignup:
    """What the link `token` asks for; UnknownSignup or SignupExpired when it may not be used.

    Reading a link changes nothing (mail scanners fetch every link they see).
    """
    payload = tokens.read_signup_token(token, settings.signing_key())
    try:
        email, slugs, stamp, digest = payload["e"], payload["l"], payload["t"], payload["c"]
        submitted_at = datetime.fromtimestamp(int(stamp), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):  # TypeError for None, no token
        raise UnknownSignup(f"no sign-up for the confirmation token {token[:40]!r}") from None
    contact = session.scalar(select(Contact).where(Contact.email == email))
    if contact is None:  # erased since, or never held
        raise UnknownSignup(f"no contact for the confirmation token {token[:40]!r}")
    if now - submitted_at > timedelta(seconds=settings.signup_max_age):
        raise SignupExpired(f"the sign-up of {submitted_at:%Y-%m-%d %H:%M} UTC has expired")
    if digest != consent_digest(settings.signup_consent):
        raise SignupExpired("what a sign-up agrees to has changed since this link was sent")
    found = select(MailingList.slug, MailingList.name).where(MailingList.slug.in_(slugs))
    names = dict(session.execute(found).all())
    lists = tuple(ListOffer(slug, names[slug]) for slug in slugs if slug in names)
    subscribed = set(
        session.scalars(
            select(MailingList.slug)
            .join(Subscription, Subscription.list_id == MailingList.id)
            .where(
                Subscription.contact_id == contact.id,
                Subscription.status == SubscriptionStatus.SUBSCRIBED,
            )
        )
    )
    confirmed = contact.legal_basis is LegalBasis.CONSENT and all(
        choice.slug in subscribed for choice in lists
    )
    return PendingSignup(contact, lists, submitted_at, confirmed)


def consent_record(
    settings: Settings, lists: Sequence[ListOffer], submitted_at: datetime, confirmed_at: datetime
) -> str:
    """What was agreed to, where and when, as the JSON text kept in `Contact.consent_record`."""
    return json.dumps(
        {
            "consent_text": settings.signup_consent,
            "lists": [choice.slug for choice in lists],
            "form_url": urls.url(settings.base_url, urls.SIGNUP),
            "submitted_at": submitted_at.isoformat(),
            "confirmed_at": confirmed_at.isoformat(),
            "method": "double opt-in: newsroom form, then the link emailed to the address",
        },
        ensure_ascii=False,
    )


def confirm_signup(
    session: Session, settings: Settings, token: str, now: datetime
) -> PendingSignup:
    """Join the lists the link names and record the consent; a second time changes nothing.

    Refused (Conflict) when the address was suppressed since it signed up.
    """
    pending = open_signup(session, settings, token, now)
    if pending.confirmed:
        return pending
    contact = pending.contact
    slugs = [choice.slug for choice in pending.lists]
    lists = {
        row.slug: row
        for row in session.scalars(select(MailingList).where(MailingList.slug.in_(slugs)))
    }
    for choice in pending.lists:
        reason = "confirmed the newsroom sign-up through the emailed link"
        subscribe_contact(
            session, contact, lists[choice.slug], SIGNUP_ACTOR, Channel.SIGNUP, reason
        )
    record = consent_record(settings, pending.lists, pending.submitted_at, now)
    set_legal_basis(session, contact.email, LegalBasis.CONSENT, record, now, SIGNUP_ACTOR)
    return PendingSignup(contact, pending.lists, pending.submitted_at, confirmed=True)
