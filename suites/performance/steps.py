"""Measurement windows: the statistics of one part of a run (after the ramp-up, one step of a capacity search).

Locust only keeps running totals, so golive's hooks save a snapshot of every endpoint's totals (request and
failure counts and the response-time histogram) at each window's boundaries; a window's figures are the
difference of two snapshots. Percentiles of a window are therefore exact (to Locust's histogram rounding), not a
rolling estimate.

Standard library only: this module is used on both sides of the process boundary, by the hooks inside the Locust
process (to stop a capacity search at the first broken step) and by the pure evaluate step (to judge the steps
again from the artifacts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from suites.performance.results import EndpointStats, merge, metrics_for

Snapshot = Mapping[str, Any]


def endpoint_from_snapshot(entry: Mapping[str, Any], taken_at: float | None) -> EndpointStats:
    """One endpoint's totals as saved in a snapshot (the histogram's keys are strings in JSON)."""
    histogram = {int(float(key)): int(count) for key, count in (entry.get("response_times") or {}).items()}
    return EndpointStats(
        method=str(entry.get("method") or ""),
        name=str(entry.get("name") or ""),
        requests=int(entry.get("requests") or 0),
        failures=int(entry.get("failures") or 0),
        response_times=histogram,
        max_ms=float(max(histogram)) if histogram else None,
        total_response_time=float(entry.get("total_response_time") or 0.0),
        start_time=None,
        last_request_timestamp=taken_at,
    )


def snapshot_endpoints(snapshot: Snapshot | None) -> list[EndpointStats]:
    """Every endpoint in a snapshot; none for a missing snapshot (the start of the run)."""
    if not snapshot:
        return []
    taken_at = snapshot.get("t")
    when = float(taken_at) if taken_at is not None else None
    return [
        endpoint_from_snapshot(entry, when) for entry in snapshot.get("entries") or [] if isinstance(entry, Mapping)
    ]


def _minus(end: EndpointStats, start: EndpointStats | None, began: float | None, ended: float | None) -> EndpointStats:
    before = dict(start.response_times) if start is not None else {}
    histogram = {ms: count - before.get(ms, 0) for ms, count in end.response_times.items()}
    histogram = {ms: count for ms, count in histogram.items() if count > 0}
    return EndpointStats(
        method=end.method,
        name=end.name,
        requests=end.requests - (start.requests if start else 0),
        failures=end.failures - (start.failures if start else 0),
        response_times=histogram,
        # The true maximum of a window is not kept by Locust; the histogram's top bucket is within its rounding.
        max_ms=float(max(histogram)) if histogram else None,
        total_response_time=end.total_response_time - (start.total_response_time if start else 0.0),
        start_time=began,
        last_request_timestamp=ended,
    )


def window(
    start: Iterable[EndpointStats], end: Iterable[EndpointStats], began: float | None, ended: float | None
) -> list[EndpointStats]:
    """Per-endpoint statistics of what happened between two sets of totals (`start` empty = from the beginning)."""
    earlier = {(e.method, e.name): e for e in start}
    return [_minus(e, earlier.get((e.method, e.name)), began, ended) for e in end]


def window_seconds(began: float | None, ended: float | None) -> float | None:
    """The length of a window, or None when it cannot be known."""
    if began is None or ended is None or ended <= began:
        return None
    return ended - began


def slo_breaches(
    endpoints: Sequence[EndpointStats],
    seconds: float | None,
    limits: Mapping[str, Any],
) -> list[str]:
    """What broke an SLO in this window, one message each; [] when every limit was met.

    `limits` is ``{"overall": {"p95_ms": 500}, "endpoints": {"GET /search": {"p95_ms": 800}}}``: upper `fail`
    limits of the window's metrics. A window in which no request finished breaks them all: nothing was served.
    """
    total = merge(endpoints)
    if total.requests == 0:
        return ["no request completed"]
    problems = _over(metrics_for(total, seconds), limits.get("overall") or {}, "")
    for key, bands in (limits.get("endpoints") or {}).items():
        found = [e for e in endpoints if e.matches(key)]
        if found and sum(e.requests for e in found):
            stats = found[0] if len(found) == 1 else merge(found, key)
            problems += _over(metrics_for(stats, seconds), bands, f"{key} ")
    return problems


def _over(metrics: Mapping[str, Any], limits: Mapping[str, Any], prefix: str) -> list[str]:
    problems = []
    for metric, limit in limits.items():
        measured = metrics.get(metric)
        if measured is not None and limit is not None and measured > float(limit):
            problems.append(f"{prefix}{metric} {measured:g} > {float(limit):g}")
    return problems
