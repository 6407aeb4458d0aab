"""Whether the sender's domain signs with DKIM (Gmail and Yahoo want it from bulk senders),
and, when the settings give the published DNS records, whether they publish the keys."""

from __future__ import annotations

from distributor.config import Settings
from distributor.errors import ConfigError
from distributor.sending.message.dkim.configured import (
    ConfiguredKey,
    configured_keys,
    signing_domain,
)
from distributor.sending.message.dkim.records import record_problems
from distributor.sending.scheduling.checks.findings import Finding, error, warning


def check_dkim(settings: Settings) -> list[Finding]:
    """No finding when the keys sign for the From domain and match the records given, or when
    mail stays in a local folder."""
    if settings.transport.path is not None:
        return []  # the file and maildir transports keep messages here: nothing is delivered
    domain = signing_domain(settings)
    try:
        keys = configured_keys(settings)
    except ConfigError as exc:
        return [
            error(
                "dkim.key",
                f"the DKIM key for {domain} cannot sign: {exc}",
                f"The signature that proves the emails come from {domain} does not work; "
                "ask whoever runs distributor to fix it.",
            )
        ]
    if not keys:
        return [
            warning(
                "dkim.missing",
                f"no DKIM key is set for {domain}: unless the relay signs, Gmail and Yahoo "
                "may refuse or file the messages as spam; set DISTRIBUTOR_DKIM_SELECTOR and "
                "DISTRIBUTOR_DKIM_KEY_FILE",
                f"The emails from {domain} would carry no signature proving where they come "
                "from: Gmail and Yahoo may refuse them or file them as spam. Ask whoever runs "
                "distributor to set one up.",
            )
        ]
    return [finding for key in keys for finding in _record_findings(key)]


def _record_findings(key: ConfiguredKey) -> list[Finding]:
    if key.record is None:
        return []
    problems = record_problems(key.key, key.record)
    if not problems:
        return []
    return [
        error(
            "dkim.record",
            f"{key.record_setting} does not publish the key of {key.key_setting}: "
            f"{'; '.join(problems)}; publish at {key.record_name}: {key.key.record}",
            f"The signature that proves the emails come from {key.domain} would not verify: "
            "the key published for it is not the one the emails are signed with. Ask whoever "
            "runs distributor to publish the right one.",
        )
    ]
