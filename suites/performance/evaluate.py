"""Judge a Locust run against the `[performance]` thresholds: a pure function of the run and the config.

No network and no Locust: `golive evaluate RUN_DIR` re-judges old results with a changed config. Missing data
is an error, never a pass: no results, zero requests, or a target that refused every connection all make the
suite `error` (INCONCLUSIVE), whatever the thresholds say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.artifacts import Artifacts
from harness.models import Check, Status, SuiteResult
from harness.settings import GoliveConfig, Waiver
from harness.target import Target
from harness.waivers import apply_waivers
from suites.performance.checks import (
    MAX_ERROR_FINDINGS,
    SUITE,
    abort_check,
    capacity_checks,
    endpoint_checks,
    error_findings,
    split_thresholds,
    step_limits,
    threshold_checks,
    unmeasurable,
    with_commonest_error,
)
from suites.performance.details import endpoint_rows, error_rows, no_results, run_details, step_rows
from suites.performance.load import LocustRun, load_saved, run_from
from suites.performance.report import performance_blocks
from suites.performance.results import EndpointStats, measured_seconds, merge, metrics_for, timeline
from suites.performance.settings import CAPACITY_METRICS, PerformanceSettings
from suites.performance.steady import blend, steady_endpoints


@dataclass
class MeasuredView:
    """The figures a run is judged on: whole-run counts blended with the steady state where there is one."""

    metrics: dict[str, Any]
    rows: list[dict[str, Any]]
    endpoints: Sequence[EndpointStats]
    seconds: float | None
    steady_seconds: float | None = None
    notes: list[str] = field(default_factory=list)


def measured_view(run: LocustRun) -> MeasuredView:
    """Whole-run figures, with throughput and percentiles from the steady state once the ramp-up finished."""
    total = merge(run.endpoints)
    seconds = measured_seconds(total)
    view = MeasuredView(metrics_for(total, seconds), endpoint_rows(run.endpoints, seconds), run.endpoints, seconds)
    steady = steady_endpoints(run.endpoints, run.steps, total)
    if steady is None:
        if run.steps:
            view.notes.append("The ramp-up never finished, so every figure includes it")
        return view
    steady_stats, steady_seconds, began = steady
    view.metrics = blend(view.metrics, metrics_for(merge(steady_stats), steady_seconds))
    steady_rows = {row["endpoint"]: row for row in endpoint_rows(steady_stats, steady_seconds)}
    view.rows = [blend(row, steady_rows.get(row["endpoint"], {})) for row in view.rows]
    view.endpoints, view.seconds, view.steady_seconds = steady_stats, steady_seconds, steady_seconds
    # Spawning can complete a moment before Locust's first request is timed, so the difference may be < 0.
    ramp = max(0.0, began - total.start_time) if total.start_time is not None else None
    view.notes.append(
        "Throughput and latency percentiles are steady-state figures: they leave out the ramp-up"
        + (_ramp_length(ramp) if ramp is not None else "")
        + "; requests, failures, error ratio and max latency count the whole run, so nothing that went wrong "
        "is left out"
    )
    return view


def run_details_for(run: LocustRun, view: MeasuredView, steps_table: list[dict[str, Any]]) -> dict[str, Any]:
    """The suite's details in result.json: endpoints, errors, the timeline, the run, windows, tool output."""
    total = merge(run.endpoints)
    details: dict[str, Any] = {
        "endpoints": view.rows,
        "errors": error_rows(run.errors, run.endpoints),
        "timeline": timeline(total, run.history),
        "run": run_details(run.record, measured_seconds(total)),
    }
    if view.steady_seconds is not None:
        details["run"]["steady_state_seconds"] = round(view.steady_seconds, 3)
    if run.record.get("worker_command"):
        details["run"]["worker_command"] = run.record["worker_command"]
    if steps_table:
        details["steps"] = steps_table
    if run.errors.exceptions:
        details["exceptions"] = list(run.errors.exceptions)
    record = run.record
    if record.get("stderr_tail") and (record.get("exit_code") not in (0, None) or record.get("timed_out")):
        details["stderr_tail"] = record["stderr_tail"]
    return details


def gate_checks(
    run: LocustRun, view: MeasuredView, settings: PerformanceSettings, steps_table: list[dict[str, Any]]
) -> list[Check]:
    """Every gated check: thresholds (or capacity steps), the early abort, and 'every request failed'."""
    overall, per_endpoint = split_thresholds(settings.thresholds)
    capacity_bands = {key: band for key, band in overall.items() if key in CAPACITY_METRICS}
    overall = {key: band for key, band in overall.items() if key not in CAPACITY_METRICS}
    shape = (run.record.get("parameters") or {}).get("shape") or settings.shape
    checks: list[Check] = []
    if shape == "capacity":
        capacity, capacity_metrics = capacity_checks(steps_table, capacity_bands)
        checks += capacity
        view.metrics.update(capacity_metrics)
        view.notes.append(
            "A capacity search judges each step against the SLOs (the fail limits of the latency and error-ratio "
            "thresholds) instead of judging the whole run, which breaks them on purpose at its last step"
        )
    else:
        checks += with_commonest_error(threshold_checks(view.metrics, overall), run.errors.groups)
        checks += endpoint_checks(view.endpoints, per_endpoint, view.seconds)
    if isinstance(run.steps.get("abort"), Mapping):
        checks.append(abort_check(run.steps["abort"]))
    total = merge(run.endpoints)
    if total.failures == total.requests and not any(c.status is Status.FAIL for c in checks):
        # Fail closed even if no error gate is configured: a service that answers nothing but errors is not ready.
        checks.append(Check("failures", Status.FAIL, f"every request failed ({total.failures} of {total.requests})"))
    return checks


def judge_run(
    run: LocustRun, settings: PerformanceSettings, target: Target, waivers: Sequence[Waiver], today: dt.date
) -> SuiteResult:
    """Turn a Locust run into checks (one per threshold), findings (grouped errors) and report details."""
    view = measured_view(run)
    steps_table = step_rows(run.steps, step_limits(settings.thresholds))
    details = run_details_for(run, view, steps_table)
    problem = unmeasurable(merge(run.endpoints), run.errors)
    if problem is not None:
        return _result((problem,), (), view, details)
    checks = gate_checks(run, view, settings, steps_table)
    findings, waiver_notes = apply_waivers(error_findings(run.errors.groups, target), waivers, today)
    view.notes += waiver_notes
    if len(run.errors.groups) > MAX_ERROR_FINDINGS:
        hidden = len(run.errors.groups) - MAX_ERROR_FINDINGS
        view.notes.append(f"{hidden} more kinds of request error are listed in the report")
    if run.record.get("timed_out"):
        view.notes.append("Locust was stopped by performance.timeout; the figures cover only the time it ran")
    view.notes += openapi_notes((run.record.get("parameters") or {}).get("openapi"))
    return _result(tuple(checks), tuple(findings), view, details)


def openapi_notes(openapi: Mapping[str, Any] | None) -> list[str]:
    """What the OpenAPI definition added to the load test's paths, and which operations it could not."""
    if not isinstance(openapi, Mapping):
        return []
    added, skipped = list(openapi.get("added") or []), list(openapi.get("skipped") or [])
    notes = [
        f"The load test also requested {len(added)} GET operation(s) of the OpenAPI definition "
        f"{openapi.get('definition')}: {', '.join(added[:10]) or 'none new'}{' …' if len(added) > 10 else ''}"
    ]
    if skipped:
        notes.append(f"{len(skipped)} GET operation(s) had no examples to fill them in and were not loaded: "
                     + "; ".join(skipped[:5]) + (" …" if len(skipped) > 5 else ""))  # fmt: skip
    return notes


def _result(
    checks: tuple[Check, ...], findings: tuple[Any, ...], view: MeasuredView, details: dict[str, Any]
) -> SuiteResult:
    result = SuiteResult(
        name=SUITE, checks=checks, findings=findings, metrics=view.metrics, notes=tuple(view.notes), details=details
    )
    return replace(result, blocks=performance_blocks(result))


def judge_artifacts(
    artifacts: Artifacts, settings: PerformanceSettings, target: Target, waivers: Sequence[Waiver], today: dt.date
) -> SuiteResult:
    """Judge a run's documents; a run with no readable results is one `error` check saying why."""
    run = run_from(artifacts)
    if isinstance(run, str):
        record = artifacts.get("run.json")
        result = no_results(record if isinstance(record, dict) else {}, run)
        return replace(result, blocks=performance_blocks(result))
    return judge_run(run, settings, target, waivers, today)


def evaluate_run(artifact_dir: Path, config: GoliveConfig, today: dt.date) -> SuiteResult:
    """Judge a saved run folder with `config` (what `golive evaluate` does for this suite)."""
    settings = config.section(SUITE, PerformanceSettings)
    return judge_artifacts(load_saved(artifact_dir), settings, Target.from_config(config), config.waivers, today)


def _ramp_length(seconds: float) -> str:
    """How long the ramp-up lasted, as a reader would say it."""
    return " (under a second)" if seconds < 1 else f" (the first {seconds:.0f}s)"
