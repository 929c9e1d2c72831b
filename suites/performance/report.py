"""How the performance suite's details read in the reports: key figures, tables and charts (harness.blocks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.blocks import Block, Column, Figure, KeyFigures, Kind, Output, Series, Table, TimeSeries
from harness.models import SuiteResult

_FIGURES: tuple[tuple[str, str, str, Kind], ...] = (
    ("requests", "Requests sent", "", Kind.NUMBER),
    ("failures", "Failed requests", "", Kind.NUMBER),
    ("error_ratio", "Error ratio", "", Kind.RATIO),
    ("rps", "Requests per second", "", Kind.NUMBER),
    ("p50_ms", "Median response time (p50)", "ms", Kind.NUMBER),
    ("p90_ms", "90th percentile response time (p90)", "ms", Kind.NUMBER),
    ("p95_ms", "95th percentile response time (p95)", "ms", Kind.NUMBER),
    ("p99_ms", "99th percentile response time (p99)", "ms", Kind.NUMBER),
    ("max_ms", "Slowest response", "ms", Kind.NUMBER),
    ("capacity_users", "Capacity (users)", "", Kind.NUMBER),
    ("capacity_rps", "Capacity throughput (requests per second)", "", Kind.NUMBER),
    ("capacity_broke_at_users", "First step that broke an SLO (users)", "", Kind.NUMBER),
)

_ENDPOINTS = (
    Column("endpoint", "Endpoint"),
    Column("requests", "Requests", Kind.NUMBER),
    Column("failures", "Failures", Kind.NUMBER),
    Column("error_ratio", "Error ratio", Kind.RATIO),
    Column("rps", "Req/s", Kind.NUMBER),
    Column("p50_ms", "p50", Kind.NUMBER, "ms"),
    Column("p90_ms", "p90", Kind.NUMBER, "ms"),
    Column("p95_ms", "p95", Kind.NUMBER, "ms"),
    Column("p99_ms", "p99", Kind.NUMBER, "ms"),
    Column("max_ms", "Max", Kind.NUMBER, "ms"),
    Column("avg_ms", "Average", Kind.NUMBER, "ms"),
)
_ERRORS = (
    Column("summary", "Error"),
    Column("endpoint", "Endpoint"),
    Column("occurrences", "Occurrences", Kind.NUMBER),
    Column("share", "Share of requests", Kind.RATIO),
)
_STEPS = (
    Column("step", "Step", Kind.NUMBER),
    Column("stage", "Stage"),
    Column("users", "Users", Kind.NUMBER),
    Column("seconds", "Seconds", Kind.NUMBER),
    Column("requests", "Requests", Kind.NUMBER),
    Column("failures", "Failures", Kind.NUMBER),
    Column("error_ratio", "Error ratio", Kind.RATIO),
    Column("rps", "Req/s", Kind.NUMBER),
    Column("p50_ms", "p50", Kind.NUMBER, "ms"),
    Column("p95_ms", "p95", Kind.NUMBER, "ms"),
    Column("p99_ms", "p99", Kind.NUMBER, "ms"),
    Column("outcome", "Outcome"),
)
_EXCEPTIONS = (Column("msg", "Exception"), Column("count", "Count", Kind.NUMBER), Column("nodes", "Where"))
_RUN_LABELS = {
    "parameters": "Parameters",
    "exit_code": "Locust's exit code",
    "timed_out": "Stopped by the timeout",
    "interrupted": "Interrupted",
    "measured_seconds": "Measured for (s)",
    "steady_state_seconds": "Steady state (s)",
    "worker_command": "Command for each worker machine",
}


def _limits(result: SuiteResult, metric: str) -> dict[str, float]:
    for check in result.checks:
        if check.id == metric and isinstance(check.threshold, Mapping):
            return {k: float(v) for k, v in check.threshold.items() if k in ("warn", "fail") and v is not None}
    return {}


def performance_blocks(result: SuiteResult) -> tuple[Block, ...]:
    """The suite's report: key figures, the timeline, per-endpoint, errors, windows, the run, tool output."""
    details: Mapping[str, Any] = result.details
    blocks: list[Block] = []
    figures = tuple(
        Figure(key, label, result.metrics[key], unit, kind)
        for key, label, unit, kind in _FIGURES
        if result.metrics.get(key) is not None
    )
    if figures:
        blocks.append(KeyFigures("Measurements", figures))
    if details.get("timeline"):
        series = (
            Series("users", "Simulated users"),
            Series("rps", "Requests per second"),
            Series("p95_ms", "95th percentile response time", "ms", _limits(result, "p95_ms")),
            Series("failures", "Failed requests per second"),
        )
        blocks.append(TimeSeries("Over time", "t", series, tuple(details["timeline"])))
    if details.get("endpoints"):
        blocks.append(Table("Per endpoint", _ENDPOINTS, tuple(details["endpoints"])))
    if details.get("errors"):
        blocks.append(Table("Errors", _ERRORS, tuple(details["errors"])))
    if details.get("steps"):
        blocks.append(Table("Measurement windows", _STEPS, tuple(details["steps"])))
    run = details.get("run")
    if isinstance(run, Mapping):
        rows = tuple({"what": _RUN_LABELS.get(key, key), "value": value} for key, value in run.items())
        blocks.append(Table("About the run", (Column("what", "What"), Column("value", "Value")), rows))
    if details.get("exceptions"):
        blocks.append(Table("Exceptions", _EXCEPTIONS, tuple(details["exceptions"])))
    if details.get("stderr_tail"):
        blocks.append(Output("Last lines of Locust's error output", str(details["stderr_tail"])))
    return tuple(blocks)
