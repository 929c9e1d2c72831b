"""Judge a saved Locust run against the `[performance]` thresholds: a pure function of artifacts and config.

No network and no Locust: `golive evaluate RUN_DIR` calls this with a changed config to re-judge old results.
Missing data is an error, never a pass: no results file, zero requests, or a target that refused every
connection all make the suite `error` (INCONCLUSIVE), whatever the thresholds say.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.fingerprint import fingerprint
from harness.models import Check, Finding, Severity, Status, SuiteResult
from harness.settings import GoliveConfig
from harness.suite import Target
from harness.thresholds import Band, judge
from harness.waivers import apply_waivers
from suites.performance import protocol
from suites.performance.results import (
    PERCENTILES,
    EndpointStats,
    ErrorGroup,
    ErrorsRecord,
    load_endpoints,
    load_errors,
    load_history,
    load_run_record,
    measured_seconds,
    merge,
    metrics_for,
    timeline,
)
from suites.performance.settings import CAPACITY_METRICS, STEP_SLO_METRICS
from suites.performance.steps import slo_breaches, snapshot_endpoints, window, window_seconds

SUITE = "performance"
RULE_REQUEST_ERROR = "request_error"
# Error groups beyond this many are counted in a note, not listed one by one as findings.
MAX_ERROR_FINDINGS = 50

# How each gated metric reads in a message, and its unit.
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "requests": ("requests sent", ""),
    "failures": ("failed requests", ""),
    "error_ratio": ("error ratio", ""),
    "rps": ("throughput", " rps"),
    "p50_ms": ("p50 latency", " ms"),
    "p90_ms": ("p90 latency", " ms"),
    "p95_ms": ("p95 latency", " ms"),
    "p99_ms": ("p99 latency", " ms"),
    "max_ms": ("max latency", " ms"),
    "capacity_users": ("capacity", " users"),
    "capacity_rps": ("capacity throughput", " rps"),
}
# Figures taken from the steady state (after the ramp-up); the others count the whole run, so that no failure and
# no slow request is ever hidden by leaving the ramp-up out.
STEADY_METRICS = ("rps", *PERCENTILES)


def threshold_checks(metrics: Mapping[str, Any], bands: Mapping[str, Band], prefix: str = "") -> list[Check]:
    """One check per configured band; `prefix` names an endpoint ("GET /search") for per-endpoint bands."""
    checks = []
    for metric, band in bands.items():
        label, unit = METRIC_LABELS[metric]
        check_id = f"{prefix} {metric}" if prefix else metric
        check = judge(check_id, f"{prefix} {label}" if prefix else label, metrics.get(metric), band, unit)
        if metric == "error_ratio" and check.measured is not None:
            # A bare ratio is hard to read; the counts say how big the problem is.
            counts = f" ({metrics['failures']} of {metrics['requests']} requests failed)"
            check = replace(check, message=check.message + counts)
        checks.append(check)
    return checks


def endpoint_checks(
    endpoints: Sequence[EndpointStats], endpoint_bands: Mapping[str, Mapping[str, Band]], seconds: float | None
) -> list[Check]:
    """Checks for `[performance.thresholds."GET /search"]` tables; an endpoint that never ran is an error."""
    checks: list[Check] = []
    for key, bands in endpoint_bands.items():
        found = [endpoint for endpoint in endpoints if endpoint.matches(key)]
        if not found or sum(endpoint.requests for endpoint in found) == 0:
            known = ", ".join(endpoint.label for endpoint in endpoints) or "none"
            for metric in bands:
                message = f"{key}: no requests were recorded for this endpoint (endpoints seen: {known})"
                checks.append(Check(f"{key} {metric}", Status.ERROR, message, None, bands[metric].as_threshold()))
            continue
        stats = found[0] if len(found) == 1 else merge(found, key)
        checks.extend(threshold_checks(metrics_for(stats, seconds), bands, prefix=key))
    return checks


def step_limits(thresholds: Mapping[str, Band | dict[str, Band]]) -> dict[str, Any]:
    """The SLOs a capacity step must meet: the `fail` limits of the latency and error-ratio thresholds."""
    overall, per_endpoint = _split_thresholds(thresholds)

    def fails(bands: Mapping[str, Band]) -> dict[str, float]:
        return {m: b.fail for m, b in bands.items() if m in STEP_SLO_METRICS and b.fail is not None}

    endpoints = {key: fails(bands) for key, bands in per_endpoint.items()}
    return {"overall": fails(overall), "endpoints": {key: limits for key, limits in endpoints.items() if limits}}


def _split_thresholds(
    thresholds: Mapping[str, Band | dict[str, Band]],
) -> tuple[dict[str, Band], dict[str, dict[str, Band]]]:
    overall = {key: band for key, band in thresholds.items() if isinstance(band, Band)}
    per_endpoint = {key: band for key, band in thresholds.items() if not isinstance(band, Band)}
    return overall, per_endpoint


def _endpoint_url(target: Target, group: ErrorGroup) -> str:
    path = group.name.split(" ", 1)[1] if group.name.startswith(f"{group.method} ") else group.name
    return target.resolve(path) if path.startswith("/") else target.url


def error_findings(groups: Sequence[ErrorGroup], target: Target) -> list[Finding]:
    """One finding per kind of error on each endpoint, most frequent first."""
    findings = []
    for group in sorted(groups, key=lambda g: (-g.occurrences, g.label, g.error))[:MAX_ERROR_FINDINGS]:
        url = _endpoint_url(target, group)
        findings.append(
            Finding(
                suite=SUITE,
                rule=RULE_REQUEST_ERROR,
                severity=Severity.HIGH,
                title=f"{group.label}: {group.summary} ({group.occurrences}x under load)",
                url=url,
                fingerprint=fingerprint(SUITE, RULE_REQUEST_ERROR, url, f"{group.method} {group.stable_text}"),
                evidence=group.error,
                extra={"endpoint": group.label, "occurrences": group.occurrences},
            )
        )
    return findings


def _endpoint_rows(endpoints: Sequence[EndpointStats], seconds: float | None) -> list[dict[str, Any]]:
    rows = []
    for endpoint in sorted(endpoints, key=lambda e: e.label):
        row: dict[str, Any] = {"endpoint": endpoint.label, "method": endpoint.method, "name": endpoint.name}
        row.update(metrics_for(endpoint, seconds))
        timed = sum(endpoint.response_times.values())
        row["avg_ms"] = round(endpoint.total_response_time / timed, 1) if timed else None
        rows.append(row)
    return rows


def _error_rows(errors: ErrorsRecord, endpoints: Sequence[EndpointStats]) -> list[dict[str, Any]]:
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


def _run_details(record: Mapping[str, Any], seconds: float | None) -> dict[str, Any]:
    details = {key: record[key] for key in ("parameters", "exit_code", "timed_out", "interrupted") if key in record}
    details["measured_seconds"] = round(seconds, 3) if seconds is not None else None
    return details


def _no_results(record: Mapping[str, Any], why: str) -> SuiteResult:
    details: dict[str, Any] = {"run": _run_details(record, None)}
    if record.get("stderr_tail"):
        details["stderr_tail"] = record["stderr_tail"]
    return SuiteResult(name=SUITE, checks=(Check("results", Status.ERROR, why),), details=details)


def _unmeasurable(total: EndpointStats, errors: ErrorsRecord) -> Check | None:
    """An `error` check when the run measured nothing about the service; None when it did."""
    if total.requests == 0:
        message = "no requests were sent"
        if errors.exceptions:
            first = errors.exceptions[0]
            message += f"; the user code raised {len(errors.exceptions)} kind(s) of exception, e.g. {first.get('msg')}"
        return Check("requests", Status.ERROR, message, 0)
    answered = total.requests - total.failures
    connection_failures = sum(group.occurrences for group in errors.groups if group.is_connection_error)
    if answered == 0 and errors.groups and connection_failures >= total.failures:
        example = next(group for group in errors.groups if group.is_connection_error)
        message = (
            f"the target never answered: all {total.requests} requests failed to connect ({example.summary}); "
            "check target.url and that the service is up"
        )
        return Check("connection", Status.ERROR, message, total.requests)
    return None


def load_steps(artifact_dir: Path) -> dict[str, Any]:
    """The measurement windows and early abort the hooks saved (locust_steps.json); {} for older runs."""
    try:
        data = json.loads((artifact_dir / protocol.STEPS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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


def capacity_checks(rows: Sequence[Mapping[str, Any]], bands: Mapping[str, Band]) -> tuple[list[Check], dict[str, Any]]:
    """The capacity: the highest complete step that met every SLO, and the step where one first broke."""
    complete = [row for row in rows if row["complete"]]
    if not complete:
        message = "the capacity search recorded no complete step, so the capacity is unknown"
        return [Check("capacity_users", Status.ERROR, message)], {}
    broken = next((index for index, row in enumerate(complete) if row["outcome"] != "met"), None)
    last_good = complete[-1] if broken is None else (complete[broken - 1] if broken > 0 else None)
    metrics: dict[str, Any] = {
        "capacity_users": last_good["users"] if last_good else 0,
        "capacity_rps": last_good["rps"] if last_good else 0.0,
        "capacity_broke_at_users": complete[broken]["users"] if broken is not None else None,
    }
    if broken is None:
        found = (
            f"no step broke an SLO up to {last_good['users']} users ({last_good['rps']} rps), the last step tried: "
            "the capacity is at least that; raise capacity.max_users to find the limit"
            if last_good
            else ""
        )
    elif last_good is None:
        first = complete[0]
        found = (
            f"even the first step ({first['users']} users) broke an SLO: {first['outcome'].removeprefix('broken: ')}"
        )
    else:
        found = (
            f"{last_good['users']} users at {last_good['rps']} rps met every SLO; the next step "
            f"({complete[broken]['users']} users) broke: {complete[broken]['outcome'].removeprefix('broken: ')}"
        )
    checks = []
    for metric in CAPACITY_METRICS:
        label, unit = METRIC_LABELS[metric]
        measured = metrics[metric]
        if metric in bands:
            check = judge(metric, label, measured, bands[metric], unit)
            check = replace(check, message=f"{check.message}: {found}")
        elif last_good is None:
            check = Check(metric, Status.FAIL, f"{label} 0{unit}: {found}", measured)
        else:
            check = Check(metric, Status.PASS, f"{label} {measured:g}{unit}: {found}", measured)
        checks.append(check)
    return checks, metrics


def abort_check(abort: Mapping[str, Any]) -> Check:
    """The early abort, as the failed check that explains it."""
    message = (
        f"the load test was aborted after {float(abort.get('after_s') or 0):g}s: the error ratio stayed above "
        f"{float(abort['limit']):g} for {float(abort['for_s']):g}s ({abort.get('failures')} of "
        f"{abort.get('requests')} requests failed in that time)"
    )
    return Check(
        "abort",
        Status.FAIL,
        message,
        abort.get("error_ratio"),
        {"error_ratio": abort["limit"], "for_s": abort["for_s"]},
    )


def evaluate_run(artifact_dir: Path, config: GoliveConfig, today: dt.date) -> SuiteResult:
    """Turn a saved Locust run into checks (one per threshold), findings (grouped errors) and report details."""
    record = load_run_record(artifact_dir)
    try:
        endpoints = load_endpoints(artifact_dir / protocol.LOCUST_JSON)
    except FileNotFoundError:
        return _no_results(record, f"Locust saved no results ({protocol.LOCUST_JSON} is missing)")
    except ValueError as error:
        return _no_results(record, f"Locust's results cannot be read: {error}")

    settings = config.performance
    total = merge(endpoints)
    seconds = measured_seconds(total)
    errors = load_errors(artifact_dir)
    steps = load_steps(artifact_dir)
    notes: list[str] = []
    metrics = metrics_for(total, seconds)
    rows = _endpoint_rows(endpoints, seconds)
    steady = steady_endpoints(endpoints, steps, total)
    endpoint_view: Sequence[EndpointStats] = endpoints
    endpoint_seconds = seconds
    if steady is not None:
        steady_stats, steady_seconds, began = steady
        metrics = blend(metrics, metrics_for(merge(steady_stats), steady_seconds))
        steady_rows = {row["endpoint"]: row for row in _endpoint_rows(steady_stats, steady_seconds)}
        rows = [blend(row, steady_rows.get(row["endpoint"], {})) for row in rows]
        endpoint_view, endpoint_seconds = steady_stats, steady_seconds
        # Spawning can complete a moment before Locust's first request is timed, so the difference may be < 0.
        ramp = max(0.0, began - total.start_time) if total.start_time is not None else None
        notes.append(
            "Throughput and latency percentiles are steady-state figures: they leave out the ramp-up"
            + (_ramp_length(ramp) if ramp is not None else "")
            + "; requests, failures, error ratio and max latency count the whole run, so nothing that went wrong "
            "is left out"
        )
    elif steps:
        notes.append("The ramp-up never finished, so every figure includes it")
    details: dict[str, Any] = {
        "endpoints": rows,
        "errors": _error_rows(errors, endpoints),
        "timeline": timeline(total, load_history(artifact_dir)),
        "run": _run_details(record, seconds),
    }
    if steady is not None:
        details["run"]["steady_state_seconds"] = round(steady[1], 3) if steady[1] else None
    if record.get("worker_command"):
        details["run"]["worker_command"] = record["worker_command"]
    limits = step_limits(settings.thresholds)
    table = step_rows(steps, limits)
    if table:
        details["steps"] = table
    if errors.exceptions:
        details["exceptions"] = list(errors.exceptions)
    if record.get("stderr_tail") and (record.get("exit_code") not in (0, None) or record.get("timed_out")):
        details["stderr_tail"] = record["stderr_tail"]

    unmeasurable = _unmeasurable(total, errors)
    if unmeasurable is not None:
        return SuiteResult(name=SUITE, checks=(unmeasurable,), metrics=metrics, notes=tuple(notes), details=details)

    overall, per_endpoint = _split_thresholds(settings.thresholds)
    capacity_bands = {key: band for key, band in overall.items() if key in CAPACITY_METRICS}
    overall = {key: band for key, band in overall.items() if key not in CAPACITY_METRICS}
    shape = (record.get("parameters") or {}).get("shape") or settings.shape
    checks: list[Check] = []
    if shape == "capacity":
        capacity, capacity_metrics = capacity_checks(table, capacity_bands)
        checks += capacity
        metrics.update(capacity_metrics)
        notes.append(
            "A capacity search judges each step against the SLOs (the fail limits of the latency and error-ratio "
            "thresholds) instead of judging the whole run, which breaks them on purpose at its last step"
        )
    else:
        checks += threshold_checks(metrics, overall)
        checks += endpoint_checks(endpoint_view, per_endpoint, endpoint_seconds)
    if isinstance(steps.get("abort"), Mapping):
        checks.append(abort_check(steps["abort"]))
    if total.failures == total.requests and not any(c.status is Status.FAIL for c in checks):
        # Fail closed even if no error gate is configured: a service that answers nothing but errors is not ready.
        checks.append(Check("failures", Status.FAIL, f"every request failed ({total.failures} of {total.requests})"))

    findings, waiver_notes = apply_waivers(
        error_findings(errors.groups, Target.from_config(config)), config.waivers, today
    )
    notes += waiver_notes
    if len(errors.groups) > MAX_ERROR_FINDINGS:
        notes.append(f"{len(errors.groups) - MAX_ERROR_FINDINGS} more kinds of request error are listed in the report")
    if record.get("timed_out"):
        notes.append("Locust was stopped by performance.timeout; the figures cover only the time it ran")
    return SuiteResult(
        name=SUITE,
        checks=tuple(checks),
        findings=tuple(findings),
        metrics=metrics,
        notes=tuple(notes),
        details=details,
    )


def _ramp_length(seconds: float) -> str:
    """How long the ramp-up lasted, as a reader would say it."""
    return " (under a second)" if seconds < 1 else f" (the first {seconds:.0f}s)"
