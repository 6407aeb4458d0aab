"""The webhook credentials in the settings: checked at start, never echoed."""

from __future__ import annotations

import pytest

from distributor.config import load_settings
from distributor.errors import ConfigError


def test_postmark_credentials_without_a_colon_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"DISTRIBUTOR_POSTMARK_WEBHOOK_AUTH": "only-a-password"})
    assert str(raised.value).startswith(
        "DISTRIBUTOR_POSTMARK_WEBHOOK_AUTH='***': expected user:password"
    )
    assert "only-a-password" not in str(raised.value)


def test_ses_topics_are_read_from_a_comma_separated_list() -> None:
    settings = load_settings(
        {"DISTRIBUTOR_SES_TOPIC_ARNS": "arn:aws:sns:eu-west-1:1:a, arn:aws:sns:us-east-1:1:b"}
    )
    assert settings.ses_topics == {"arn:aws:sns:eu-west-1:1:a", "arn:aws:sns:us-east-1:1:b"}
