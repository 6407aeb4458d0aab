"""The newsroom sign-up form: which lists a visitor may join, the consent text, its links' life."""

from __future__ import annotations

from pydantic import Field, field_validator

from distributor.config.section import Duration, Section
from distributor.config.slugs import validate_slug
from distributor.errors import InvalidInput

DEFAULT_SIGNUP_CONSENT = (
    "I agree that the press office may keep my name, email address and outlet to send me "
    "the press releases of the lists I chose. I can unsubscribe at any time with the link "
    "in every email."
)


class SignupSettings(Section):
    """Whether the newsroom offers a sign-up form, for which lists, and on what terms."""

    signup_lists: str = Field(
        default="",
        description="Slugs of the lists (comma-separated) a visitor may join on the newsroom's "
        "sign-up form; empty: no sign-up form.",
    )
    signup_max_age: Duration = Field(
        default=3 * 86400.0,
        gt=0,
        description="How long the confirmation link of a newsroom sign-up works.",
    )
    signup_mail_interval: Duration = Field(
        default=300.0,
        ge=0,
        description="Least time between two sign-up confirmation emails to one address.",
    )
    signup_consent: str = Field(
        default=DEFAULT_SIGNUP_CONSENT,
        description="What a visitor agrees to on the sign-up form, recorded with their consent.",
    )

    @field_validator("signup_lists")
    @classmethod
    def _valid_signup_lists(cls, value: str) -> str:
        for slug in value.split(","):
            if slug.strip():
                try:
                    validate_slug(slug.strip())
                except InvalidInput as exc:
                    raise ValueError(str(exc)) from None
        return value

    @field_validator("signup_consent")
    @classmethod
    def _valid_signup_consent(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must say what a visitor agrees to; leave it unset for the default")
        return value.strip()

    @property
    def signup_list_slugs(self) -> tuple[str, ...]:
        """DISTRIBUTOR_SIGNUP_LISTS, parsed; empty when the newsroom has no sign-up form."""
        return tuple(dict.fromkeys(s.strip() for s in self.signup_lists.split(",") if s.strip()))
