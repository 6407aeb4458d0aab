"""Segments: the rule language, its validation, its SQL on both databases, and the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.segments import (
    create_segment,
    delete_segment,
    list_segments,
    parse_where,
    parse_where_all,
    preview_segment,
    rules_filter,
    segment_filter,
    update_segment,
    validate_rules,
)
from distributor.contacts.suppressions import suppress
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import (
    AuditEntry,
    BounceClass,
    BounceReview,
    Channel,
    Contact,
    DeliveryEventKind,
    DeliveryState,
    MailingList,
    Role,
    SendOutAudience,
    SendOutState,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
)
from distributor.models.base import utcnow
from tests.contacts.deliveries import bounce, delivery, sendout

ADMIN = Actor("test:admin", Role.ADMIN)
FILM_CRITICS = {
    "all": [
        {"field": "beats", "op": "has", "value": "film"},
        {"any": [{"field": "country", "op": "in", "value": ["FR", "DE"]}]},
        {"field": "language", "op": "eq", "value": "en"},
        {"not": {"engagement": "bounced"}},
    ]
}


def _contact(session: Session, name: str, beats: list[str] = (), **values: Any) -> Contact:  # type: ignore[assignment]
    contact = Contact(email=f"{name}@paper.example", first_name=name.title(), **values)
    contact.beats.extend(beats)
    session.add(contact)
    session.flush()
    return contact


@pytest.fixture
def people(session: Session) -> dict[str, Contact]:
    """Six journalists: the film-critics example matches only anna."""
    press = MailingList(slug="press-fr", name="Press FR")
    session.add(press)
    old = datetime(2024, 1, 1, tzinfo=UTC)
    people = {
        "anna": _contact(
            session,
            "anna",
            ["film", "tv"],
            country="FR",
            language="en",
            outlet="Le Monde",
            consent_at=old,
            attributes={"circulation": "300000"},
        ),
        "bruno": _contact(session, "bruno", ["film"], country="DE", language="en-GB", city="Köln"),
        "chloe": _contact(session, "chloe", ["film"], country="IT", language="en"),
        "dmitri": _contact(
            session,
            "dmitri",
            ["music"],
            country="FR",
            language="fr",
            city="Москва",
            tracking_allowed=False,
        ),
        "eva": _contact(session, "eva", ["film"], country="DE", language="de", outlet="50% Kino"),
        "frank": _contact(session, "frank", ["film"], country="FR", language="en"),
    }
    session.add(Subscription(mailing_list=press, contact=people["anna"], channel=Channel.ADMIN))
    session.add(
        Subscription(
            mailing_list=press,
            contact=people["dmitri"],
            channel=Channel.ONE_CLICK,
            status=SubscriptionStatus.UNSUBSCRIBED,
        )
    )
    bounce(session, "Bruno@Paper.example", BounceClass.HARD)
    delivery(session, people["frank"], DeliveryState.BOUNCED)
    session.flush()
    return people


def _names(session: Session, rules: Any) -> set[str]:
    return {
        c.email.split("@")[0] for c in session.scalars(select(Contact).where(rules_filter(rules)))
    }


def test_film_critics_in_france_or_germany_reading_english_who_have_not_bounced(
    session: Session, people: dict[str, Contact]
) -> None:
    assert _names(session, FILM_CRITICS) == {"anna"}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"field": "country", "op": "eq", "value": "fr"}, {"anna", "dmitri", "frank"}),
        ({"field": "country", "op": "eq", "value": "France"}, {"anna", "dmitri", "frank"}),
        ({"field": "country", "op": "ne", "value": "FR"}, {"bruno", "chloe", "eva"}),
        ({"field": "country", "op": "in", "value": ["IT", "Germany"]}, {"bruno", "chloe", "eva"}),
        ({"field": "country", "op": "not_in", "value": ["FR", "DE"]}, {"chloe"}),
        (
            {"field": "language", "op": "eq", "value": "English"},
            {"anna", "bruno", "chloe", "frank"},
        ),
        ({"field": "outlet", "op": "contains", "value": "MONDE"}, {"anna"}),
        ({"field": "outlet", "op": "contains", "value": "50%"}, {"eva"}),
        ({"field": "outlet", "op": "contains", "value": "%"}, {"eva"}),
        (
            {"field": "outlet", "op": "ne", "value": "le monde"},
            {"bruno", "chloe", "dmitri", "eva", "frank"},
        ),
        ({"field": "city", "op": "exists"}, {"bruno", "dmitri"}),
        ({"field": "city", "op": "contains", "value": "МОСК"}, {"dmitri"}),  # noqa: RUF001 (Cyrillic on purpose)
        ({"field": "city", "op": "eq", "value": "КЁЛН"}, set()),
        ({"field": "city", "op": "eq", "value": "KÖLN"}, {"bruno"}),
        ({"field": "outlet", "op": "missing"}, {"bruno", "chloe", "dmitri", "frank"}),
        ({"field": "beats", "op": "has", "value": "TV"}, {"anna"}),
        ({"field": "beats", "op": "in", "value": ["tv", "music"]}, {"anna", "dmitri"}),
        ({"field": "beats", "op": "not_in", "value": ["film"]}, {"dmitri"}),
        ({"field": "beats", "op": "contains", "value": "us"}, {"dmitri"}),
        ({"field": "beats", "op": "missing"}, set()),
        ({"field": "consent_at", "op": "before", "value": "2025-01-01"}, {"anna"}),
        ({"field": "consent_at", "op": "after", "value": "2025-01-01"}, set()),
        ({"field": "consent_at", "op": "missing"}, {"bruno", "chloe", "dmitri", "eva", "frank"}),
        (
            {"field": "created_at", "op": "after", "value": "2025-01-01"},
            {"anna", "bruno", "chloe", "dmitri", "eva", "frank"},
        ),
        ({"field": "tracking_allowed", "op": "eq", "value": False}, {"dmitri"}),
        ({"field": "attributes.circulation", "op": "eq", "value": "300000"}, {"anna"}),
        ({"field": "attributes.circulation", "op": "exists"}, {"anna"}),
        ({"list": "press-fr"}, {"anna"}),
        ({"list": "press-fr", "status": "unsubscribed"}, {"dmitri"}),
        ({"not": {"list": "press-fr"}}, {"bruno", "chloe", "dmitri", "eva", "frank"}),
        ({"any": []}, set()),
        ({"all": []}, {"anna", "bruno", "chloe", "dmitri", "eva", "frank"}),
    ],
    ids=lambda value: repr(sorted(value) if isinstance(value, set) else value),
)
def test_each_operator_selects_in_sql(
    session: Session, people: dict[str, Contact], rule: dict[str, Any], expected: set[str]
) -> None:
    assert _names(session, rule) == expected


def test_bounced_counts_bounce_records_by_address_or_delivery_and_bounced_deliveries(
    session: Session, people: dict[str, Contact]
) -> None:
    sent = delivery(session, people["chloe"])
    bounce(session, None, BounceClass.SOFT, delivery_id=sent.id)
    bounce(session, people["eva"].email, BounceClass.BLOCK)  # policy, not the address's fault
    assert _names(session, {"engagement": "bounced"}) == {"bruno", "chloe", "frank"}


def test_bounced_leaves_out_reports_kept_for_review_or_with_a_forged_token(
    session: Session, people: dict[str, Contact]
) -> None:
    bounce(session, people["anna"].email).review = BounceReview.NEEDED
    bounce(session, people["chloe"].email).token_valid = False
    assert _names(session, {"engagement": "bounced"}) == {"bruno", "frank"}


def test_engagement_within_days_ignores_older_events(
    session: Session, people: dict[str, Contact]
) -> None:
    long_ago = utcnow() - timedelta(days=90)
    delivery(session, people["anna"], events=(DeliveryEventKind.OPENED,))
    delivery(session, people["bruno"], events=(DeliveryEventKind.OPENED,), at=long_ago)
    delivery(session, people["chloe"], events=(DeliveryEventKind.CLICKED,), at=long_ago)
    assert _names(session, {"engagement": "opened"}) == {"anna", "bruno"}
    assert _names(session, {"engagement": "opened", "within_days": 30}) == {"anna"}
    assert _names(session, {"engagement": "clicked", "within_days": 120}) == {"chloe"}
    assert _names(session, {"engagement": "received", "within_days": 30}) == {"anna"}
    assert _names(session, {"engagement": "received"}) == {
        "anna",
        "bruno",
        "chloe",
    }  # frank bounced


def test_suppressed_engagement_matches_suppressed_contacts(
    session: Session, people: dict[str, Contact]
) -> None:
    suppress(session, people["eva"].email, SuppressionReason.COMPLAINT, actor=ADMIN)
    assert _names(session, {"engagement": "suppressed"}) == {"eva"}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            {
                "all": [
                    {"field": "beats", "op": "has", "value": "x"},
                    {"any": [{"field": "country", "op": "like", "value": "F%"}]},
                ]
            },
            "rules.all[1].any[0].op: unknown operator 'like' for country; use one of eq, ne, in",
        ),
        ({"field": "colour", "op": "eq", "value": "red"}, "rules.field: unknown field 'colour'"),
        (
            {"field": "country", "op": "eq", "value": "Atlantis"},
            "rules.value: 'Atlantis' is not a country",
        ),
        ({"field": "country", "op": "in", "value": "FR"}, "rules.value: in needs a non-empty list"),
        (
            {"field": "country", "op": "in", "value": ["FR", ""]},
            "rules.value[1]: needs a non-empty text",
        ),
        (
            {"field": "consent_at", "op": "before", "value": "last week"},
            "rules.value: 'last week' is not a date",
        ),
        (
            {"field": "beats", "op": "eq", "value": "film"},
            "rules.op: unknown operator 'eq' for beats; use one of has",
        ),
        ({"not": [{"list": "x"}]}, "rules.not: needs an object"),
        ({"all": {"list": "x"}}, "rules: 'all' takes a list"),
        ({"engagement": "liked"}, "rules.engagement: unknown engagement 'liked'"),
        ({"engagement": "opened", "within_days": 0}, "rules.within_days: needs a whole number"),
        (
            {"engagement": "suppressed", "within_days": 3},
            "rules.within_days: suppressed has no time",
        ),
        ({"list": "press", "status": "gone"}, "rules.status: unknown status 'gone'"),
        ({"colour": "red"}, "rules: unknown rule with keys ['colour']"),
        ([], "rules: needs an object"),
    ],
    ids=repr,
)
def test_invalid_rules_are_refused_naming_the_path(rules: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_rules(rules)
    assert str(caught.value).startswith(message)


def test_rules_are_stored_normalized() -> None:
    rules = {"field": "country", "op": "in", "value": ["france", "Deutschland"]}
    assert validate_rules(rules) == {"field": "country", "op": "in", "value": ["FR", "DE"]}


@pytest.mark.parametrize(
    ("clause", "rule"),
    [
        ("beats has film", {"field": "beats", "op": "has", "value": "film"}),
        ("country in FR, DE", {"field": "country", "op": "in", "value": ["FR", "DE"]}),
        ("country not in FR,DE", {"field": "country", "op": "not_in", "value": ["FR", "DE"]}),
        ("language = en", {"field": "language", "op": "eq", "value": "en"}),
        ("outlet ~ 'Le Monde'", {"field": "outlet", "op": "contains", "value": "Le Monde"}),
        ("outlet contains Le Monde", {"field": "outlet", "op": "contains", "value": "Le Monde"}),
        ("consent_at < 2025-01-01", {"field": "consent_at", "op": "before", "value": "2025-01-01"}),
        ("city exists", {"field": "city", "op": "exists"}),
        ("tracking_allowed = false", {"field": "tracking_allowed", "op": "eq", "value": False}),
        ("not bounced", {"not": {"engagement": "bounced"}}),
        ("opened within 30 days", {"engagement": "opened", "within_days": 30}),
        ("list press-fr", {"list": "press-fr"}),
        ("not list press-fr", {"not": {"list": "press-fr"}}),
    ],
)
def test_where_text_form_parses_to_rules(clause: str, rule: dict[str, Any]) -> None:
    assert parse_where(clause) == rule


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        ("", "--where needs a condition"),
        ("country like FR", "unknown operator 'like'"),
        ("opened since May", "write 'opened within N days'"),
        ("country", "write 'FIELD OP VALUE'"),
        ("outlet = 'Le Monde", "No closing quotation"),
    ],
)
def test_bad_where_text_says_how_to_write_it(clause: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_where(clause)


def test_where_clauses_combine_with_and_into_the_film_critics_rules(
    session: Session, people: dict[str, Contact]
) -> None:
    rules = parse_where_all(["beats has film", "country in FR,DE", "language = en", "not bounced"])
    assert _names(session, rules) == {"anna"}


def test_created_segment_is_found_by_name_and_audited(
    session: Session, people: dict[str, Contact]
) -> None:
    segment = create_segment(session, "Film critics", FILM_CRITICS, ADMIN, "FR/DE, English")
    found = session.scalars(select(Contact).where(segment_filter(session, "Film critics"))).all()
    assert [c.email for c in found] == ["anna@paper.example"]
    assert [s.name for s in list_segments(session)] == ["Film critics"]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "segment.create")).one()
    assert audit.entity_id == str(segment.id)


def test_segment_name_is_unique(session: Session) -> None:
    create_segment(session, "Film", {"all": []}, ADMIN)
    with pytest.raises(Conflict, match="a segment named 'Film' exists"):
        create_segment(session, "Film", {"all": []}, ADMIN)


def test_segment_naming_an_unknown_list_is_refused(session: Session) -> None:
    with pytest.raises(NotFound, match=r"rules.any\[0\].list: no list 'press-uk'"):
        create_segment(session, "UK", {"any": [{"list": "press-uk"}]}, ADMIN)


def test_viewer_cannot_create_segments(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        create_segment(session, "Film", {"all": []}, Actor("user:9", Role.VIEWER))


def test_unknown_segment_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="no segment named 'nope'"):
        segment_filter(session, "nope")


def test_update_changes_only_what_is_given(session: Session, people: dict[str, Contact]) -> None:
    create_segment(session, "Film", {"field": "beats", "op": "has", "value": "film"}, ADMIN, "d")
    segment = update_segment(
        session,
        "Film",
        ADMIN,
        rules={"field": "beats", "op": "has", "value": "music"},
        new_name="Music",
    )
    assert (segment.name, segment.description) == ("Music", "d")
    assert preview_segment(session, "Music").count == 1


def test_segment_used_by_a_scheduled_sendout_cannot_be_deleted(session: Session) -> None:
    segment = create_segment(session, "Film", {"all": []}, ADMIN)
    pending = sendout(session)
    pending.state = SendOutState.SCHEDULED
    session.add(SendOutAudience(sendout_id=pending.id, segment_id=segment.id))
    session.flush()
    with pytest.raises(Conflict, match=f"used by send-out\\(s\\) {pending.id}"):
        delete_segment(session, "Film", ADMIN)
    pending.state = SendOutState.COMPLETED
    delete_segment(session, "Film", ADMIN)
    assert list_segments(session) == []


def test_preview_counts_matches_and_suppressed_and_samples_a_few(
    session: Session, people: dict[str, Contact]
) -> None:
    suppress(session, people["eva"].email, SuppressionReason.HARD_BOUNCE, actor=ADMIN)
    preview = preview_segment(session, {"field": "beats", "op": "has", "value": "film"}, sample=2)
    assert (preview.count, preview.suppressed) == (5, 1)
    assert [c.email for c in preview.sample] == ["anna@paper.example", "bruno@paper.example"]
    assert preview.sample[0].beats == ["film", "tv"]
