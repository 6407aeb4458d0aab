"""The environment for a `distributor` process a test starts: its own data folder, nothing inherited."""

from __future__ import annotations

import os
from pathlib import Path

# Tests run at any hour on any day, and send one release to the same people often: the
# send-time guard would ask for confirmation by the clock. tests/sending/checks turn it on.
GUARD_OFF = {"DISTRIBUTOR_GUARD_SHARE": "1", "DISTRIBUTOR_DAILY_RELEASE_LIMIT": "0"}


def process_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This environment without DISTRIBUTOR_* but the data folder and `settings` (by field name)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISTRIBUTOR_")}
    env["DISTRIBUTOR_DATA_DIR"] = str(data_dir)
    env.update(GUARD_OFF)
    env.update({f"DISTRIBUTOR_{name.upper()}": value for name, value in settings.items()})
    return env
