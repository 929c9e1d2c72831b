"""Recorded results for the reporter tests: a NOT_READY run with every kind of check and finding."""

from __future__ import annotations

from harness.models import Check, Finding, Reason, RunResult, Severity, Status, SuiteResult, Verdict, skipped_suite


def sample_run(interrupted: bool = False, with_comparison: bool = False) -> RunResult:
    """A run in which performance failed, accessibility warned with a waived finding and security errored."""
    performance = SuiteResult(
        name="performance",
        checks=(
            Check("p95_ms", Status.FAIL, "p95 latency 1240 ms > 1000 ms", 1240, {"warn": 500, "fail": 1000}),
            Check("error_ratio", Status.PASS, "error ratio 0 within limits", 0.0, {"warn": 0.001, "fail": 0.01}),
        ),
        metrics={"requests": 5123, "failures": 0, "error_ratio": 0.0, "rps": 170.8, "p95_ms": 1240},
    )
    accessibility = SuiteResult(
        name="accessibility",
        checks=(Check("impact_moderate", Status.WARN, "1 moderate violation (region on /)", 1, None),),
        findings=(
            Finding(
                suite="accessibility",
                rule="region",
                severity=Severity.MEDIUM,
                title="All page content should be contained by landmarks",
                url="http://127.0.0.1:8000/",
                fingerprint="aaaa",
                selector="p",
                evidence="<p>Hello <script>alert(1)</script></p>",
                help_url="https://dequeuniversity.com/rules/axe/4.12/region",
            ),
            Finding(
                suite="accessibility",
                rule="image-alt",
                severity=Severity.CRITICAL,
                title="Images must have alternate text",
                url="http://127.0.0.1:8000/",
                fingerprint="bbbb",
                selector="img",
                waived="logo replaced next sprint (waived until 2026-12-31)",
            ),
        ),
        metrics={"pages_audited": 2, "pages_failed": 0, "by_impact": {"critical": 1, "serious": 0}},
        notes=("waiver for rule label on * expired on 2026-11-01 and no longer applies (1 finding(s) affected)",),
    )
    security = SuiteResult(
        name="security",
        error="ZAP not reachable at http://127.0.0.1:8090: connection refused",
        findings=(
            Finding(
                suite="security",
                rule="missing-csp",
                severity=Severity.MEDIUM,
                title="Content-Security-Policy header missing",
                url="http://127.0.0.1:8000/",
                fingerprint="cccc",
            ),
        ),
    )
    return RunResult(
        run_id="20261126T101500Z-3f2a",
        target="http://127.0.0.1:8000",
        started_at="2026-11-26T10:15:00Z",
        finished_at="2026-11-26T10:21:40Z",
        verdict=Verdict.NOT_READY,
        reasons=(
            Reason(Status.FAIL, ("performance",), "p95 latency 1240 ms > 1000 ms", "p95_ms"),
            Reason(Status.ERROR, ("security",), "ZAP not reachable at http://127.0.0.1:8090: connection refused"),
            Reason(Status.WARN, ("accessibility",), "1 moderate violation (region on /)", "impact_moderate"),
        ),
        suites={
            "performance": performance,
            "accessibility": accessibility,
            "security": security,
            "extra": skipped_suite("extra", "not requested"),
        },
        interrupted=interrupted,
        golive_version="0.1.0",
        comparison=SAMPLE_COMPARISON if with_comparison else None,
    )


SAMPLE_COMPARISON = {
    "previous_run_id": "20261125T101500Z-0a0a",
    "previous_verdict": "READY",
    "verdict_changed": True,
    "new_findings": 1,
    "resolved_findings": 1,
    "unchanged_findings": 2,
    "not_compared_findings": 3,
    "not_compared_reasons": {"security not run in this run": 3},
    "new": ["accessibility: region on http://127.0.0.1:8000/"],
    "resolved": ["security: missing-hsts on http://127.0.0.1:8000/"],
    "metric_changes": [{"suite": "performance", "metric": "p95_ms", "before": 320, "after": 1240}],
}
