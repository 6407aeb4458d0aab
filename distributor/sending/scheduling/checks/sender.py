"""Whether the sender's domain signs with DKIM: Gmail and Yahoo want it from bulk senders."""

from __future__ import annotations

from email.utils import parseaddr

from distributor.config import Settings
from distributor.errors import ConfigError
from distributor.sending.message.dkim import DkimSigner
from distributor.sending.scheduling.checks.findings import Finding, error, warning


def check_dkim(settings: Settings) -> list[Finding]:
    """No finding when a key signs for the From domain, or when mail stays in a local folder."""
    if settings.transport.path is not None:
        return []  # the file and maildir transports keep messages here: nothing is delivered
    domain = parseaddr(settings.from_address)[1].rpartition("@")[2].lower()
    try:
        signer = DkimSigner.from_settings(settings)
    except (ConfigError, OSError) as exc:
        return [
            error(
                "dkim.key",
                f"the DKIM key for {domain} cannot sign: {exc}",
                f"The signature that proves the emails come from {domain} does not work; "
                "ask whoever runs distributor to fix it.",
            )
        ]
    if signer is None:
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
    return []
