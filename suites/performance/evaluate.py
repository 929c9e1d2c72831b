"""Judge a saved Locust run against the `[performance]` thresholds: a pure function of artifacts and config.

No network and no Locust: `golive evaluate RUN_DIR` calls this with a changed config to re-judge old results.
Missing data is an error, never a pass: no results file, zero requests, or a target that refused every
connection all make the suite `error` (INCONCLUSIVE), whatever the thresholds say.
"""

from __future__ import annotations

import datetime as dt
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
}


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


def evaluate_run(artifact_dir: Path, config: GoliveConfig, today: dt.date) -> SuiteResult:
    """Turn a saved Locust run into checks (one per threshold), findings (grouped errors) and report details."""
    record = load_run_record(artifact_dir)
    try:
        endpoints = load_endpoints(artifact_dir / protocol.LOCUST_JSON)
    except FileNotFoundError:
        return _no_results(record, f"Locust saved no results ({protocol.LOCUST_JSON} is missing)")
    except ValueError as error:
        return _no_results(record, f"Locust's results cannot be read: {error}")

    total = merge(endpoints)
    seconds = measured_seconds(total)
    errors = load_errors(artifact_dir)
    metrics = metrics_for(total, seconds)
    details: dict[str, Any] = {
        "endpoints": _endpoint_rows(endpoints, seconds),
        "errors": _error_rows(errors, endpoints),
        "timeline": timeline(total, load_history(artifact_dir)),
        "run": _run_details(record, seconds),
    }
    if errors.exceptions:
        details["exceptions"] = list(errors.exceptions)
    if record.get("stderr_tail") and (record.get("exit_code") not in (0, None) or record.get("timed_out")):
        details["stderr_tail"] = record["stderr_tail"]

    unmeasurable = _unmeasurable(total, errors)
    if unmeasurable is not None:
        return SuiteResult(name=SUITE, checks=(unmeasurable,), metrics=metrics, details=details)

    overall, per_endpoint = _split_thresholds(config.performance.thresholds)
    checks = threshold_checks(metrics, overall)
    checks += endpoint_checks(endpoints, per_endpoint, seconds)
    if total.failures == total.requests and not any(c.status is Status.FAIL for c in checks):
        # Fail closed even if no error gate is configured: a service that answers nothing but errors is not ready.
        checks.append(Check("failures", Status.FAIL, f"every request failed ({total.failures} of {total.requests})"))

    findings, notes = apply_waivers(error_findings(errors.groups, Target.from_config(config)), config.waivers, today)
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
