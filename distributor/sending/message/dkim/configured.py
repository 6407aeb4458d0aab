"""The DKIM keys the settings name: the first selector's and, when set, the second's."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from distributor.config import Settings
from distributor.sending.message.dkim.keys import SigningKey, load_key_file


@dataclass(frozen=True)
class ConfiguredKey:
    """One selector's key for the signing domain, and the DNS record the settings say publishes it."""

    selector: str
    domain: str
    key: SigningKey
    record: str | None  # the TXT text given in `record_setting`, if any
    key_setting: str
    record_setting: str

    @property
    def record_name(self) -> str:
        """Where the key's TXT record is published."""
        return f"{self.selector}._domainkey.{self.domain}"


def signing_domain(settings: Settings) -> str:
    """The d= of every signature: the From address's domain, which DMARC aligns with."""
    return parseaddr(settings.from_address)[1].rpartition("@")[2].lower()


def configured_keys(settings: Settings) -> list[ConfiguredKey]:
    """The keys to sign with, first selector first; empty when none is set.

    Raises ConfigError naming the setting of a key that cannot be read or cannot sign.
    """
    pairs = (
        ("DKIM", settings.dkim_selector, settings.dkim_key_file, settings.dkim_record),
        (
            "DKIM_SECOND",
            settings.dkim_second_selector,
            settings.dkim_second_key_file,
            settings.dkim_second_record,
        ),
    )
    domain = signing_domain(settings)
    keys = []
    for prefix, selector, key_file, record in pairs:
        if not selector or key_file is None:
            continue
        key_setting = f"DISTRIBUTOR_{prefix}_KEY_FILE"
        key = load_key_file(key_file, key_setting)
        keys.append(
            ConfiguredKey(
                selector, domain, key, record or None, key_setting, f"DISTRIBUTOR_{prefix}_RECORD"
            )
        )
    return keys
