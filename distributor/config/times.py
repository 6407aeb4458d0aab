"""The grammars of settings that are times: durations (`5m`) and quiet hours (`22:00-07:00`)."""

from __future__ import annotations

import math
import re
from datetime import time

_DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_QUIET_HOURS = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)")


def parse_duration(text: str) -> float:
    """Seconds from `90`, `90s`, `5m`, `2h` or `3d`."""
    value = text.strip().lower()
    unit = _DURATION_UNITS.get(value[-1:], 0.0)
    try:
        seconds = float(value[:-1] if unit else value) * (unit or 1.0)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):  # float() also reads "nan", "inf" and "1e999"
        raise ValueError(
            f"{text!r} is not a duration; use seconds or a number with s, m, h or d, e.g. 5m"
        )
    return seconds


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """(start, end) from `22:00-07:00` (it may wrap past midnight); None from `off`."""
    value = text.strip().lower().replace(" ", "")
    if value in ("off", "none"):
        return None
    found = _QUIET_HOURS.fullmatch(value)
    if found is None:
        raise ValueError(f"{text!r}: expected hours such as 22:00-07:00, or off")
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in found.groups())
    if (start_hour, start_minute) == (end_hour, end_minute):
        raise ValueError(f"{text!r}: the quiet hours start and end at the same time; use off")
    return time(start_hour, start_minute), time(end_hour, end_minute)
