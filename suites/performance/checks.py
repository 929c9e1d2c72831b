"""The performance suite's checks: thresholds overall and per endpoint, capacity steps, early abort, errors.

Pure functions of measured values and the configured bands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from harness.fingerprint import fingerprint
from harness.models import Check, Finding, Severity, Status
from harness.target import Target
from harness.thresholds import Band, judge
from suites.performance.results import EndpointStats, ErrorGroup, ErrorsRecord, merge, metrics_for
from suites.performance.settings import CAPACITY_METRICS, STEP_SLO_METRICS

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


def with_commonest_error(checks: Sequence[Check], groups: Sequence[ErrorGroup]) -> list[Check]:
    """Name the most frequent request error in a failing or warning error-ratio check.

    The reason is where a reader looks; "639 of 639 requests failed" alone sends them to the findings to learn that
    the service redirects in a loop.
    """
    if not groups:
        return list(checks)
    commonest = min(groups, key=lambda g: (-g.occurrences, g.label, g.error))
    cause = f"; most often {commonest.label}: {commonest.summary} ({commonest.occurrences}x)"
    return [
        replace(check, message=check.message + cause)
        if check.id == "error_ratio" and check.status in (Status.FAIL, Status.WARN)
        else check
        for check in checks
    ]


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
    overall, per_endpoint = split_thresholds(thresholds)

    def fails(bands: Mapping[str, Band]) -> dict[str, float]:
        return {m: b.fail for m, b in bands.items() if m in STEP_SLO_METRICS and b.fail is not None}

    endpoints = {key: fails(bands) for key, bands in per_endpoint.items()}
    return {"overall": fails(overall), "endpoints": {key: limits for key, limits in endpoints.items() if limits}}


def split_thresholds(
    thresholds: Mapping[str, Band | dict[str, Band]],
) -> tuple[dict[str, Band], dict[str, dict[str, Band]]]:
    overall = {key: band for key, band in thresholds.items() if isinstance(band, Band)}
    per_endpoint = {key: band for key, band in thresholds.items() if not isinstance(band, Band)}
    return overall, per_endpoint


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


def unmeasurable(total: EndpointStats, errors: ErrorsRecord) -> Check | None:
    """An `error` check when the run measured nothing about the service; None when it did."""
    if total.requests == 0:
        if errors.exceptions:
            first = errors.exceptions[0]
            message = (
                f"no request completed: the user code raised {len(errors.exceptions)} kind(s) of exception, "
                f"e.g. {first.get('msg')}"
            )
        else:
            # Locust counts a request when its answer is complete: a target that takes connections and never
            # answers looks exactly like one that was never asked.
            message = (
                "no request completed during the load test: the target answered none in time (or none could be "
                "sent); check that it responds, e.g. with curl, and performance.duration"
            )
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
