"""The performance suite's report details: per-endpoint and error tables, measurement windows, the run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.models import Check, Status, SuiteResult
from suites.performance.checks import SUITE
from suites.performance.results import EndpointStats, ErrorsRecord, merge, metrics_for
from suites.performance.steps import slo_breaches, snapshot_endpoints, window, window_seconds


def endpoint_rows(endpoints: Sequence[EndpointStats], seconds: float | None) -> list[dict[str, Any]]:
    rows = []
    for endpoint in sorted(endpoints, key=lambda e: e.label):
        row: dict[str, Any] = {"endpoint": endpoint.label, "method": endpoint.method, "name": endpoint.name}
        row.update(metrics_for(endpoint, seconds))
        timed = sum(endpoint.response_times.values())
        row["avg_ms"] = round(endpoint.total_response_time / timed, 1) if timed else None
        rows.append(row)
    return rows


def error_rows(errors: ErrorsRecord, endpoints: Sequence[EndpointStats]) -> list[dict[str, Any]]:
    requests = {endpoint.label: endpoint.requests for endpoint in endpoints}
    rows = []
    for group in sorted(errors.groups, key=lambda g: (-g.occurrences, g.label, g.error)):
        sent = requests.get(group.label, 0)
        rows.append(
            {
                "endpoint": group.label,
                "error": group.error,
                "summary": group.summary,
                "occurrences": group.occurrences,
                "share": round(group.occurrences / sent, 6) if sent else None,
            }
        )
    return rows


def run_details(record: Mapping[str, Any], seconds: float | None) -> dict[str, Any]:
    details = {key: record[key] for key in ("parameters", "exit_code", "timed_out", "interrupted") if key in record}
    details["measured_seconds"] = round(seconds, 3) if seconds is not None else None
    return details


def no_results(record: Mapping[str, Any], why: str) -> SuiteResult:
    details: dict[str, Any] = {"run": run_details(record, None)}
    if record.get("stderr_tail"):
        details["stderr_tail"] = record["stderr_tail"]
    return SuiteResult(name=SUITE, checks=(Check("results", Status.ERROR, why),), details=details)


def step_rows(steps: Mapping[str, Any], limits: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per measured window (a capacity step, a spike phase, a soak window), with the SLOs it broke."""
    rows = []
    for number, entry in enumerate(steps.get("windows") or [], start=1):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("start"), Mapping):
            continue
        start, end = entry["start"], entry.get("end") or {}
        began, ended = start.get("t"), end.get("t")
        seconds = window_seconds(began, ended)
        endpoints = window(snapshot_endpoints(start), snapshot_endpoints(end), began, ended)
        stats = metrics_for(merge(endpoints), seconds)
        problems = slo_breaches(endpoints, seconds, limits)
        rows.append(
            {
                "step": number,
                "stage": entry.get("label"),
                "users": entry.get("users"),
                "seconds": round(seconds, 1) if seconds else None,
                **{key: stats[key] for key in ("requests", "failures", "error_ratio", "rps", "p50_ms", "p95_ms")},
                "p99_ms": stats["p99_ms"],
                "outcome": "broken: " + "; ".join(problems) if problems else "met",
                "complete": bool(entry.get("complete", True)),
            }
        )
    return rows
