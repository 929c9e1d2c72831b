"""The steady-state view of a run: figures from the end of the ramp-up to the end, beside whole-run counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from suites.performance.results import PERCENTILES, EndpointStats
from suites.performance.steps import snapshot_endpoints, window, window_seconds

# Figures taken from the steady state (after the ramp-up); the others count the whole run, so that no failure and
# no slow request is ever hidden by leaving the ramp-up out.
STEADY_METRICS = ("rps", *PERCENTILES)


def steady_endpoints(
    endpoints: Sequence[EndpointStats], steps: Mapping[str, Any], total: EndpointStats
) -> tuple[list[EndpointStats], float, float] | None:
    """Each endpoint from the end of the ramp-up to the end of the run, the window's length, and when it began.

    None when the ramp-up never finished (or the run predates these records): the figures then cover it all.
    """
    start = steps.get("steady_start")
    if not isinstance(start, Mapping) or start.get("t") is None:
        return None
    began, ended = float(start["t"]), total.last_request_timestamp
    seconds = window_seconds(began, ended)
    if seconds is None:
        return None
    return window(snapshot_endpoints(start), endpoints, began, ended), seconds, began


def blend(whole: Mapping[str, Any], steady: Mapping[str, Any]) -> dict[str, Any]:
    """Whole-run counts, error ratio and maximum, with the steady state's throughput and percentiles."""
    return {key: steady.get(key) if key in STEADY_METRICS else value for key, value in whole.items()}
