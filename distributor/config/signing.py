"""DKIM signing of outgoing mail: a selector and its private key, set together or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import model_validator

from distributor.config.section import Section


class SigningSettings(Section):
    """The DKIM selector and key file; unset, messages go out unsigned."""

    dkim_selector: str | None = None
    dkim_key_file: Path | None = None

    @model_validator(mode="after")
    def _dkim_pair(self) -> Self:
        if bool(self.dkim_selector) != bool(self.dkim_key_file):
            raise ValueError(
                "DISTRIBUTOR_DKIM_SELECTOR and DISTRIBUTOR_DKIM_KEY_FILE go together: set both or neither"
            )
        if self.dkim_key_file is not None and not self.dkim_key_file.is_file():
            raise ValueError(f"DISTRIBUTOR_DKIM_KEY_FILE: no such file {self.dkim_key_file}")
        return self
