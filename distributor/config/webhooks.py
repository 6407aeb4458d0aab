"""The email providers' webhooks (SES, SendGrid, Postmark, Mailgun): what each must prove."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from distributor.config.section import Section


class WebhookSettings(Section):
    """The keys and topics a provider's bounce and complaint notification is checked against."""

    ses_topic_arns: str = Field(
        default="",
        description="SNS topics (ARNs, comma-separated) whose SES notifications are accepted; "
        "unset: the SES webhook refuses everything.",
    )
    sendgrid_webhook_key: SecretStr | None = Field(
        default=None,
        description="SendGrid's signed event webhook verification key (base64); unset: refused.",
    )
    postmark_webhook_auth: SecretStr | None = Field(
        default=None,
        description="`user:pass` Postmark sends as HTTP basic auth with its webhooks; unset: refused.",
    )
    mailgun_webhook_key: SecretStr | None = Field(
        default=None, description="Mailgun's webhook signing key; unset: refused."
    )

    @field_validator("postmark_webhook_auth")
    @classmethod
    def _user_and_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and ":" not in value.get_secret_value():
            raise ValueError("expected user:password, the credentials set on Postmark's webhook")
        return value

    @property
    def ses_topics(self) -> frozenset[str]:
        return frozenset(arn.strip() for arn in self.ses_topic_arns.split(",") if arn.strip())
