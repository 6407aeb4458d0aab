"""DKIM signing of outgoing mail: a selector and its private key, set together or not at all;
a second pair for a second signature (an Ed25519 key beside RSA, or the next key while
rotating); and, for each, the DNS record said to publish it, which the checks compare."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import model_validator

from distributor.config.section import Section


class SigningSettings(Section):
    """The DKIM selectors and key files; unset, messages go out unsigned."""

    dkim_selector: str | None = None
    dkim_key_file: Path | None = None
    dkim_record: str | None = None
    dkim_second_selector: str | None = None
    dkim_second_key_file: Path | None = None
    dkim_second_record: str | None = None

    @model_validator(mode="after")
    def _dkim_pairs(self) -> Self:
        _pair("DKIM", self.dkim_selector, self.dkim_key_file, self.dkim_record)
        _pair(
            "DKIM_SECOND",
            self.dkim_second_selector,
            self.dkim_second_key_file,
            self.dkim_second_record,
        )
        if self.dkim_second_selector and not self.dkim_selector:
            raise ValueError(
                "DISTRIBUTOR_DKIM_SECOND_SELECTOR: a second signature needs the first; "
                "set DISTRIBUTOR_DKIM_SELECTOR and DISTRIBUTOR_DKIM_KEY_FILE"
            )
        if self.dkim_selector and self.dkim_selector == self.dkim_second_selector:
            raise ValueError(
                "DISTRIBUTOR_DKIM_SECOND_SELECTOR: must differ from DISTRIBUTOR_DKIM_SELECTOR "
                "(each key is published under a selector of its own)"
            )
        return self


def _pair(prefix: str, selector: str | None, key_file: Path | None, record: str | None) -> None:
    """One signature's settings, `DISTRIBUTOR_<prefix>_SELECTOR` and its neighbours."""
    names = f"DISTRIBUTOR_{prefix}_SELECTOR", f"DISTRIBUTOR_{prefix}_KEY_FILE"
    if bool(selector) != bool(key_file):
        raise ValueError(f"{names[0]} and {names[1]} go together: set both or neither")
    if key_file is not None and not key_file.is_file():
        raise ValueError(f"{names[1]}: no such file {key_file}")
    if record and not selector:
        raise ValueError(
            f"DISTRIBUTOR_{prefix}_RECORD: the DNS record of a key that is not set; "
            f"set {names[0]} and {names[1]}, or unset it"
        )
