"""Runs to record and compare: a full run, per-suite runs, waived findings, shards, hygiene off, engines."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from harness.history import run_record
from harness.models import Check, Finding, RunResult, Severity, Status, SuiteResult, Verdict, skipped_suite
from harness.redaction import Redactor
from harness.run_record import RunRecord

TARGET = "http://127.0.0.1:8000"
PAGES = (f"{TARGET}/", f"{TARGET}/start")


def a11y_finding(rule: str, page: str = PAGES[0], waived: bool = False) -> Finding:
    return Finding(
        suite="accessibility",
        rule=rule,
        severity=Severity.HIGH,
        title=rule,
        url=page,
        fingerprint=f"a11y-{rule}-{page.rsplit('/', 1)[-1] or 'home'}",
        selector="img",
        waived="accepted until the redesign" if waived else None,
    )


def security_finding(rule: str, source: str) -> Finding:
    return Finding(
        suite="security",
        rule=rule,
        severity=Severity.MEDIUM,
        title=rule,
        url=f"{TARGET}/",
        fingerprint=f"sec-{source}-{rule}",
        extra={"source": source},
    )


def performance(p95: float = 300, rps: float = 100.0, error_ratio: float = 0.0) -> SuiteResult:
    return SuiteResult(
        name="performance",
        checks=(
            Check("p95_ms", Status.PASS, f"p95 latency {p95:g} ms within limits", p95, {"fail": 1000}),
            Check("error_ratio", Status.PASS, "error ratio within limits", error_ratio, {"fail": 0.01}),
        ),
        metrics={"requests": 1000, "error_ratio": error_ratio, "rps": rps, "p95_ms": p95},
    )


def accessibility(findings: Iterable[Finding] = (), pages: Iterable[str] = PAGES) -> SuiteResult:
    found = tuple(findings)
    open_count = sum(1 for finding in found if finding.waived is None)
    return SuiteResult(
        name="accessibility",
        checks=(
            Check("impact_serious", Status.FAIL if open_count else Status.PASS, "serious violations", open_count),
            Check("pages_loaded", Status.PASS, "pages audited", len(tuple(pages))),
        ),
        findings=found,
        metrics={"pages_audited": len(tuple(pages)), "by_impact": {"serious": open_count}},
        details={"by_page": [{"url": page, "status": "audited"} for page in pages]},
    )


def security(findings: Iterable[Finding] = (), hygiene: bool = True, zap: bool = True) -> SuiteResult:
    checks = [
        Check("hygiene", Status.PASS if hygiene else Status.SKIPPED, "HTTP hygiene", 1 if hygiene else None),
        Check(
            "zap_scan",
            Status.PASS if zap else Status.ERROR,
            "ZAP scan" if zap else "ZAP not reachable",
            10 if zap else None,
        ),
    ]
    return SuiteResult(
        name="security",
        checks=tuple(checks),
        findings=tuple(findings),
        metrics={"engine": "zap" if zap else "hygiene-only", "alerts_by_risk": {"High": 0}},
    )


DEFAULT_CONFIG: dict[str, Any] = {
    "performance": {"users": 10, "thresholds": {"p95_ms": {"fail": 1000}}},
    "accessibility": {"pages": ["/", "/start"], "fail_on": ["critical", "serious"]},
    "security": {"mode": "baseline", "hygiene": {"enabled": True}},
}


def run(
    run_id: str,
    suites: dict[str, SuiteResult],
    verdict: Verdict = Verdict.READY,
    config: dict[str, Any] | None = None,
    profile: str | None = None,
    target: str = TARGET,
    interrupted: bool = False,
) -> RunResult:
    everything = {
        name: suites.get(name, skipped_suite(name, "not requested"))
        for name in ("performance", "accessibility", "security")
    }
    return RunResult(
        run_id=run_id,
        target=target,
        started_at="2026-11-26T10:15:00Z",
        finished_at="2026-11-26T10:21:40Z",
        verdict=verdict,
        reasons=(),
        suites=everything,
        profile=profile,
        interrupted=interrupted,
        golive_version="0.1.0",
        config=config if config is not None else DEFAULT_CONFIG,
    )


def record(result: RunResult, label: str | None = None) -> RunRecord:
    return run_record(result, Redactor(), label)


def full_run(run_id: str, **changes: Any) -> RunResult:
    """All three suites: two accessibility findings (one waived), a ZAP and a hygiene finding."""
    result = run(
        run_id,
        {
            "performance": performance(),
            "accessibility": accessibility([a11y_finding("image-alt"), a11y_finding("region", waived=True)]),
            "security": security([security_finding("10038", "zap"), security_finding("missing-hsts", "hygiene")]),
        },
        verdict=Verdict.NOT_READY,
    )
    return dataclasses.replace(result, **changes)
