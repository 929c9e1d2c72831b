"""Statistics of the probe window: which probes succeeded, the success ratio, latency and the longest outage."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from suites.availability.settings import AvailabilitySettings


def succeeded(record: Mapping[str, Any], settings: AvailabilitySettings) -> bool:
    """A probe succeeded: it was answered, with an expected status, and with the expected text if one is set."""
    status = record.get("status")
    if not isinstance(status, int):
        return False
    good_status = status in settings.expect_status if settings.expect_status else 200 <= status < 400
    return good_status and (not settings.expect_text or bool(record.get("text_found")))


def why_failed(record: Mapping[str, Any], settings: AvailabilitySettings) -> str:
    """A few words on why a probe failed."""
    if "error" in record:
        return str(record["error"])
    if settings.expect_text and not record.get("text_found"):
        return f"HTTP {record.get('status')} without {settings.expect_text!r}"
    return f"HTTP {record.get('status')}"


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.95 for p95), or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def longest_run(flags: Sequence[bool]) -> int:
    """The most consecutive False values."""
    longest = current = 0
    for ok in flags:
        current = 0 if ok else current + 1
        longest = max(longest, current)
    return longest


def summarise(records: Sequence[Mapping[str, Any]], settings: AvailabilitySettings) -> dict[str, Any]:
    """Totals of a set of probes: counts, success ratio, p50/p95/max latency and the longest run of failures."""
    flags = [succeeded(record, settings) for record in records]
    times = [float(record["ms"]) for record in records if isinstance(record.get("ms"), int | float)]
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    return {
        "probes": len(records),
        "succeeded": sum(flags),
        "failed": len(flags) - sum(flags),
        "success_ratio": (sum(flags) / len(flags)) if flags else None,
        "p50_ms": round(p50, 1) if p50 is not None else None,
        "p95_ms": round(p95, 1) if p95 is not None else None,
        "max_ms": round(max(times), 1) if times else None,
        "longest_failure_run": longest_run(flags),
    }


def per_url(records: Sequence[Mapping[str, Any]], settings: AvailabilitySettings) -> list[dict[str, Any]]:
    """One summary row per probed URL, in the order they were first probed."""
    labels = list(dict.fromkeys(str(record.get("url")) for record in records))
    rows = []
    for label in labels:
        mine = [record for record in records if record.get("url") == label]
        failures = [why_failed(record, settings) for record in mine if not succeeded(record, settings)]
        rows.append({"url": label, **summarise(mine, settings), "first_failure": failures[0] if failures else ""})
    return rows
