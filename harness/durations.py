"""Durations written the way people write them in config files: "90s", "2m", "1h30m" or a number of seconds."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(value: object) -> float:
    """Return seconds for a duration such as ``"2m"``, ``"1h30m"``, ``"45s"`` or ``30``; raise ValueError."""
    if isinstance(value, bool):
        raise ValueError('expected a duration such as "30s" or "2m"')
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if not isinstance(value, str):
        raise ValueError('expected a duration such as "30s" or "2m"')
    text = value.strip().lower()
    if not text:
        raise ValueError('expected a duration such as "30s" or "2m"')
    position = 0
    total = 0.0
    for match in _PART.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position != len(text):
        raise ValueError(f'{value!r} is not a duration; write e.g. "30s", "2m" or "1h30m"')
    return total


def format_duration(seconds: float) -> str:
    """Render seconds compactly for reports, e.g. ``"2m30s"``."""
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:g}s" if seconds < 10 and seconds != whole else f"{whole}s"
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text


# A config field holding a duration: accepts strings or numbers, stored as float seconds.
Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
